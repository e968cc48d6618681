import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rectify.core.models import AuditEvent
from rectify.core.testing import TEST_PASSWORD


@pytest.fixture
def strict(settings):
    settings.RECTIFY_REQUIRE_2FA = True


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})


def code_for(key: bytes) -> str:
    return f"{totp(key):06d}"


@pytest.mark.parametrize("role_fixture", ["office_clerk", "sysadmin", "auditor"])
def test_privileged_roles_are_sent_to_two_factor(strict, client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.parametrize("role_fixture", ["zunyi_clerk", "zunyi_reviewer", "leader", "team_member"])
def test_other_roles_are_not_asked_for_two_factor(strict, client, request, role_fixture):
    sign_in(client, request.getfixturevalue(role_fixture))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_enrolment_with_a_valid_code_opens_the_system(strict, client, office_clerk):
    sign_in(client, office_clerk)
    page = client.get("/accounts/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=office_clerk, confirmed=False)
    shown = re.search(r'data-copy value="([A-Z2-7=]+)"', page).group(1)
    assert b32decode(shown) == device.bin_key  # the key shown is the device's key
    wrong = "111111" if code_for(device.bin_key) == "000000" else "000000"
    bad = client.post("/accounts/two-factor/", {"token": wrong})
    assert bad.status_code == 200 and client.get("/").status_code == 302
    # A failure throttles the next attempt for a second; stand in for that wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    good = client.post("/accounts/two-factor/", {"token": code_for(device.bin_key)})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").json()["role"] == "office"
    assert AuditEvent.objects.filter(
        action="accounts.enrol_totp", actor_id=office_clerk.pk
    ).exists()


def test_enrolled_user_must_enter_a_code_at_each_sign_in(strict, client, auditor):
    device = TOTPDevice.objects.create(user=auditor, name="default", confirmed=True)
    sign_in(client, auditor)
    assert client.get("/audit/").status_code == 302
    client.post("/accounts/two-factor/", {"token": code_for(device.bin_key)})
    assert client.get("/audit/").status_code == 200
