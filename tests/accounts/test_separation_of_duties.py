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


# --- 三权分立, proven over more than the two admin pages -----------------------------------
# The full role × route matrix is tests/security/test_access_matrix.py; these tests state
# the three separations on their own. Own submissions: tests/signoff/test_workflow_end_to_end
# (nobody accepts their own application), tests/problems/test_watch_extensions (nobody
# decides their own extension request), tests/dispatch/test_transition_matrix (nobody reviews
# their own progress report); signing off one's own application is refused below.

BUSINESS_PAGES = [
    "/ledger/",
    "/ledger/inspections/",
    "/ledger/excel/export/",
    "/signoff/",
    "/dispatch/",
    "/complaints/",
    "/complaints/publications/",
    "/oversight/",
    "/oversight/accountability/",
    "/reports/",
    "/dashboard/",
]
BUSINESS_API = ["/api/v1/complaints", "/api/v1/oversight/cases", "/api/v1/dashboard"]


@pytest.mark.parametrize("fixture", ["sysadmin", "auditor"])
def test_admin_roles_read_no_business_page_or_api_answer(login, client, request, fixture):
    login(request.getfixturevalue(fixture))
    answers = {url: client.get(url).status_code for url in BUSINESS_PAGES + BUSINESS_API}
    assert answers == {
        **{url: 404 for url in BUSINESS_PAGES},
        **{url: 403 for url in BUSINESS_API},
    }


def test_auditor_cannot_create_unlock_or_promote_accounts(login, client, auditor, zunyi_clerk):
    login(auditor)
    events = AuditEvent.objects.count()
    created = client.post(
        "/users/new/",
        {
            "username": "auditor_friend",
            "display_name": "x",
            "org": zunyi_clerk.org_id,
            "role": "office",
            "password": "Friend-Rectify-7",
        },
    )
    unlocked = client.post(f"/users/{zunyi_clerk.pk}/unlock/")
    promoted = client.post(
        f"/users/{auditor.pk}/",
        {"role": "sysadmin", "version": auditor.version, "org": auditor.org_id},
    )
    assert (created.status_code, unlocked.status_code, promoted.status_code) == (404, 404, 404)
    assert not User.objects.filter(username="auditor_friend").exists()
    assert User.objects.get(pk=auditor.pk).role == "auditor"
    assert AuditEvent.objects.count() == events


def test_sysadmin_cannot_read_an_audit_event_or_the_log_api(login, client, sysadmin):
    login(sysadmin)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert client.get(f"/audit/{seq}/").status_code == 404


def test_nobody_signs_off_their_own_application(orgs):
    from datetime import date

    from django.core.exceptions import PermissionDenied

    from rectify.accounts.roles import Role
    from rectify.core.testing import make_user
    from rectify.orgs.models import Org
    from rectify.problems.states import EventKind
    from rectify.problems.testing import ProblemFactory, add_event
    from rectify.signoff import actions
    from rectify.signoff.models import AppState, StepKind
    from rectify.signoff.permissions import steps_for

    today = date(2026, 11, 28)
    problem = ProblemFactory(
        region=Org.objects.get(code="520304"),
        lead_unit=Org.objects.get(code="520300"),
        start_date=date(2025, 4, 15),
        original_deadline=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
    )
    add_event(problem, EventKind.PROGRESS, date(2026, 8, 25), percent=100)
    applicant = make_user("office_applicant", Role.OFFICE, "520000")
    colleague = make_user("office_colleague", Role.OFFICE, "520000")
    reviewers = [
        make_user("bozhou_reviewer", Role.REVIEWER, "520304"),
        make_user("zunyi_reviewer", Role.REVIEWER, "520300"),
    ]
    app = actions.check_apply(
        problem,
        actor=applicant,
        completion_report="完成。",
        effective_date=date(2026, 9, 1),
        today=today,
    )
    for day, who in enumerate([*reviewers, colleague], start=3):
        app = actions.check_transition_application(
            app,
            StepKind.ACCEPT,
            actor=who,
            effective_date=date(2026, 9, day),
            today=today,
            signer_name="张建华",
            opinion="同意。",
            onsite_record="现场核查无异常。",
        )
    assert app.state == AppState.NOTICE, app.current_level
    assert StepKind.SIGN_OFF not in steps_for(applicant, app)
    with pytest.raises(PermissionDenied):
        actions.check_transition_application(
            app, StepKind.SIGN_OFF, actor=applicant, effective_date=today, today=today
        )
    app.refresh_from_db()
    assert app.state == AppState.NOTICE
    assert StepKind.SIGN_OFF in steps_for(colleague, app)
    app = actions.check_transition_application(
        app, StepKind.SIGN_OFF, actor=colleague, effective_date=today, today=today
    )
    assert app.state == AppState.SIGNED_OFF
