"""Password expiry (RECTIFY_PASSWORD_MAX_AGE_DAYS) sends the user to the change-password page
before anything else; recent passwords cannot be chosen again; a password the sysadmin set
is changed at the next sign-in where passwords expire."""

from itertools import pairwise

import time_machine
from django.conf import settings as live_settings

from rectify.accounts import actions
from rectify.accounts.models import User
from rectify.core.models import AuditEvent
from rectify.core.testing import TEST_PASSWORD

NEW = "Zunyi-Rectify-2026!"


def change(client, old: str, new: str, next_url: str = ""):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/password/", data)


def test_passwords_do_not_expire_in_development_settings():
    assert live_settings.RECTIFY_PASSWORD_MAX_AGE_DAYS == 0


def test_an_expired_password_sends_every_page_to_the_change_form(
    zunyi_clerk, login, client, settings
):
    settings.RECTIFY_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(zunyi_clerk.date_joined, tick=False) as traveller:
        traveller.shift(89 * 86400)
        login(zunyi_clerk)
        assert client.get("/ledger/").status_code == 200
        client.post("/accounts/logout/")
        traveller.shift(2 * 86400)  # day 91
        login(zunyi_clerk)
        response = client.get("/ledger/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/?next=/ledger/"
        assert client.get("/api/v1/me").json()["code"] == "password_expired"
        page = client.get(response["Location"])
        assert page.status_code == 200 and 'id="password-expired"' in page.content.decode()

        done = change(client, TEST_PASSWORD, NEW, next_url="/ledger/")
        assert done.status_code == 302 and done["Location"] == "/ledger/"
        assert client.get("/ledger/").status_code == 200  # still signed in, unblocked
        user = User.objects.get(pk=zunyi_clerk.pk)
        assert user.check_password(NEW) and not user.password_expired(90)
        assert AuditEvent.objects.filter(
            action="accounts.set_password", object_id=str(user.pk)
        ).exists()


def test_the_current_and_recent_passwords_cannot_be_chosen_again(zunyi_clerk, login, client):
    login(zunyi_clerk)
    refused = change(client, TEST_PASSWORD, TEST_PASSWORD)
    assert refused.context["form"].has_error("new_password2", "password_reused")
    passwords = [TEST_PASSWORD, "Second-Passw0rd-Long", "Third-Passw0rd-Long"]
    for old, new in pairwise(passwords):
        assert change(client, old, new).status_code == 302
    again = change(client, passwords[-1], passwords[0])
    assert again.context["form"].has_error("new_password2", "password_reused")
    user = User.objects.get(pk=zunyi_clerk.pk)
    assert user.check_password(passwords[-1])
    assert len(user.password_history) == 2  # the two before the current one


def test_the_history_remembers_only_the_configured_number(zunyi_clerk, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "rectify.accounts.passwords.PasswordHistoryValidator",
            "OPTIONS": {"count": 2},
        }
    ]
    passwords = ["First-Passw0rd-Long", "Second-Passw0rd-Long", "Third-Passw0rd-Long"]
    for p in passwords:
        actions.check_set_password(zunyi_clerk, actor=zunyi_clerk, password=p)
    user = User.objects.get(pk=zunyi_clerk.pk)
    assert len(user.password_history) == 1
    # The first is now three back: allowed again with a history of two.
    actions.check_set_password(user, actor=user, password=passwords[0])


def test_a_password_set_by_the_sysadmin_must_be_changed_at_next_sign_in(
    zunyi_clerk, sysadmin, login, client, settings
):
    settings.RECTIFY_PASSWORD_MAX_AGE_DAYS = 90
    actions.check_set_password(zunyi_clerk, actor=sysadmin, password="Reset-By-Admin-2026")
    user = User.objects.get(pk=zunyi_clerk.pk)
    assert user.password_must_change and user.password_expired(90)
    assert not user.password_expired(0)  # no expiry, no forced change

    client.post("/accounts/login/", {"username": "zunyi_clerk", "password": "Reset-By-Admin-2026"})
    assert client.get("/").status_code == 302
    assert change(client, "Reset-By-Admin-2026", NEW).status_code == 302
    assert client.get("/").status_code == 200
    assert not User.objects.get(pk=zunyi_clerk.pk).password_must_change


def test_a_new_account_created_by_the_sysadmin_starts_with_a_forced_change(sysadmin, settings):
    user = actions.check_create_user(
        actor=sysadmin,
        username="newbie",
        password="Zunyi-Rectify-42",
        org=sysadmin.org,
        role="unit",
    )
    assert user.password_must_change and user.password_changed_at is not None
    assert user.password_expired(90) and not user.password_expired(0)
