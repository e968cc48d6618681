"""三权分立: sysadmin, auditor and business roles each reach only their own pages."""

import pytest

from rectify.accounts.models import User
from rectify.core.models import AuditEvent


@pytest.mark.parametrize("fixture", ["sysadmin", "office_clerk", "leader", "zunyi_clerk"])
def test_only_the_auditor_reads_the_audit_log(login, client, request, fixture):
    login(request.getfixturevalue(fixture))
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/verify/").status_code == 404


@pytest.mark.parametrize("fixture", ["auditor", "office_clerk", "leader", "zunyi_clerk"])
def test_only_the_sysadmin_manages_accounts(login, client, request, fixture):
    user = request.getfixturevalue(fixture)
    login(user)
    assert client.get("/users/").status_code == 404
    response = client.post(f"/users/{user.pk}/", {"role": "office", "version": user.version})
    assert response.status_code == 404
    assert User.objects.get(pk=user.pk).role == user.role


def test_auditor_reads_and_verifies_the_log(login, client, auditor):
    login(auditor)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "哈希链" in client.get("/audit/verify/").content.decode()


def test_sysadmin_creates_an_account_and_it_is_audited(login, client, sysadmin, orgs):
    login(sysadmin)
    response = client.post(
        "/users/new/",
        {
            "username": "tongren_clerk",
            "display_name": "铜仁市督察办",
            "org": _org("520600"),
            "role": "unit",
            "password": "Tongren-Rectify-7",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="tongren_clerk")
    event = AuditEvent.objects.get(action="accounts.create_user", object_id=str(created.pk))
    assert event.actor_id == sysadmin.pk and event.after["role"] == "unit"
    assert "password" not in event.after


def test_sysadmin_cannot_change_own_role(login, client, sysadmin):
    login(sysadmin)
    client.post(
        f"/users/{sysadmin.pk}/",
        {
            "display_name": "x",
            "org": sysadmin.org_id,
            "role": "auditor",
            "version": sysadmin.version,
            "is_active": "on",
        },
    )
    assert User.objects.get(pk=sysadmin.pk).role == "sysadmin"


def test_stale_account_edit_is_a_conflict(login, client, sysadmin, zunyi_clerk):
    login(sysadmin)
    stale = zunyi_clerk.version
    first = {
        "display_name": "甲",
        "org": zunyi_clerk.org_id,
        "role": "unit",
        "version": stale,
        "is_active": "on",
    }
    assert client.post(f"/users/{zunyi_clerk.pk}/", first).status_code == 302
    second = client.post(f"/users/{zunyi_clerk.pk}/", {**first, "display_name": "乙"})
    assert second.status_code == 200
    assert User.objects.get(pk=zunyi_clerk.pk).display_name == "甲"


def _org(code):
    from rectify.orgs.models import Org

    return Org.objects.get(code=code).pk
