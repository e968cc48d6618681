"""POST /problems/{id}/events, /problems/{id}/extensions and /extensions/{id}/decision."""

from datetime import date, timedelta

import pytest
from django.test import Client

from rectify.accounts.roles import ROLE_CAPS, Cap, Role
from rectify.core.models import AuditEvent
from rectify.orgs.models import Org
from rectify.problems.models import ExtensionRequest, StatusEvent
from rectify.problems.testing import ProblemFactory


@pytest.fixture(autouse=True)
def office_edits_the_ledger(monkeypatch):
    # roles.py does not grant the office its ledger capabilities yet (a change asked of the
    # lead); once it does, this is a no-op.
    caps = ROLE_CAPS[Role.OFFICE] | {
        Cap.EDIT_LEDGER,
        Cap.RECORD_EVENTS,
        Cap.DECIDE_EXTENSION,
        Cap.REPORT_PROGRESS,
    }
    monkeypatch.setitem(ROLE_CAPS, Role.OFFICE, frozenset(caps))


@pytest.fixture
def problem(orgs):
    """Led by 遵义市, deadline 2020-12-31."""
    return ProblemFactory(number="1", title="遵义市中心城区黑臭水体整治")


@pytest.fixture
def dept_led(orgs):
    """In 遵义市 (so 遵义 sees it) but led by the provincial department of ecology."""
    return ProblemFactory(
        number="2",
        title="赤水桫椤国家级自然保护区内违规建设",
        lead_unit=Org.objects.get(code="520000-STHJT"),
    )


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_lead_unit_reports_progress(problem, login, client, zunyi_clerk):
    login(zunyi_clerk)
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/events",
        {"kind": "progress", "effective_date": "2019-12-01", "percent": 40, "note": "管网完工"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "progress" and body["percent"] == 40 and body["origin"] == "api"
    event = StatusEvent.objects.get(problem=problem)
    assert (event.effective_date, event.percent, event.actor) == (
        date(2019, 12, 1),
        40,
        zunyi_clerk,
    )
    assert AuditEvent.objects.filter(action="problems.event.progress").count() == 1
    listed = client.get("/api/v1/problems", {"as_of": "2019-12-02"}).json()["items"][0]
    assert listed["percent"] == 40


def test_a_unit_that_only_sees_a_problem_cannot_report_on_it(dept_led, login, client, zunyi_clerk):
    login(zunyi_clerk)
    url = f"/api/v1/problems/{dept_led.pk}/events"
    assert client.get(f"/api/v1/problems/{dept_led.pk}").status_code == 200
    response = post(client, url, {"kind": "progress", "effective_date": "2019-12-01", "percent": 5})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not StatusEvent.objects.exists()


def test_an_outsider_gets_404(problem, login, client, guiyang_outsider):
    login(guiyang_outsider)
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/events",
        {"kind": "progress", "effective_date": "2019-12-01", "percent": 5},
    )
    assert response.status_code == 404


def test_a_unit_may_not_sign_off(problem, login, client, zunyi_clerk):
    login(zunyi_clerk)
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/events",
        {"kind": "signed_off", "effective_date": "2019-12-01"},
    )
    assert response.status_code == 403 and not StatusEvent.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "progress", "effective_date": "2019-12-01", "percent": 120}, "percent"),
        ({"kind": "progress", "effective_date": "2019-12-01"}, "percent"),
        ({"kind": "progress", "effective_date": "2019-01-01", "percent": 5}, "effective_date"),
        ({"kind": "progress", "effective_date": "2999-01-01", "percent": 5}, "effective_date"),
        ({"kind": "deadline_changed", "effective_date": "2019-12-01"}, "kind"),
        ({"kind": "signed_off", "effective_date": "2019-12-01"}, "kind"),
        ({"kind": "finished", "effective_date": "2019-12-01"}, "kind"),
    ],
)
def test_bad_events_are_422_naming_the_field(problem, login, client, office_clerk, data, field):
    login(office_clerk)
    response = post(client, f"/api/v1/problems/{problem.pk}/events", data)
    assert response.status_code == 422, response.content
    assert field in {e["field"].split(".")[-1] for e in response.json()["errors"]}
    assert not StatusEvent.objects.exists()


def test_extension_requested_by_the_unit_and_approved_by_the_office(
    problem, login, client, zunyi_clerk, office_clerk
):
    unit = login(zunyi_clerk, Client())
    response = post(
        unit,
        f"/api/v1/problems/{problem.pk}/extensions",
        {"new_deadline": "2021-06-30", "reason": "汛期影响管网施工"},
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert response.json()["requested_by"] == zunyi_clerk.display_name

    refused_by_unit = post(
        unit, f"/api/v1/extensions/{request_id}/decision", {"decision": "approve"}
    )
    assert refused_by_unit.status_code == 403

    office = login(office_clerk, Client())
    decided = post(
        office,
        f"/api/v1/extensions/{request_id}/decision",
        {"decision": "approve", "note": "同意延期"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved" and decided.json()["decided_by"]
    problem.refresh_from_db()
    assert problem.deadline == date(2021, 6, 30) and problem.original_deadline == date(2020, 12, 31)
    detail = office.get(f"/api/v1/problems/{problem.pk}").json()
    assert detail["deadline"] == "2021-06-30" and detail["original_deadline"] == "2020-12-31"
    assert detail["state"]["deadline"] == "2021-06-30"
    assert detail["events"][-1]["kind"] == "deadline_changed"
    assert detail["version"] == 2  # the approval moved the deadline
    # As of a date before the approval the old deadline still holds.
    before = office.get("/api/v1/problems", {"as_of": "2020-01-01"}).json()["items"][0]
    assert before["deadline"] == "2020-12-31"


def test_refusing_needs_a_reason_and_withdrawing_is_the_requesters(
    problem, login, client, zunyi_clerk, office_clerk
):
    extension = ExtensionRequest.objects.create(
        problem=problem,
        requested_by=zunyi_clerk,
        reason="资金未到位",
        current_deadline=date(2020, 12, 31),
        new_deadline=date(2021, 3, 31),
    )
    url = f"/api/v1/extensions/{extension.pk}/decision"
    office = login(office_clerk, Client())
    response = post(office, url, {"decision": "refuse"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "decision_note"
    assert post(office, url, {"decision": "withdraw"}).status_code == 403
    unit = login(zunyi_clerk, Client())
    assert post(unit, url, {"decision": "withdraw"}).json()["status"] == "withdrawn"
    assert post(unit, url, {"decision": "withdraw"}).status_code == 422  # no edge from withdrawn


def test_bad_extension_requests_are_named(problem, login, client, zunyi_clerk):
    login(zunyi_clerk)
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/extensions",
        {"new_deadline": "2020-06-30", "reason": " "},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"new_deadline", "reason"}
    assert not ExtensionRequest.objects.exists()


def test_extensions_outside_scope_are_404(problem, login, client, zunyi_clerk, guiyang_outsider):
    extension = ExtensionRequest.objects.create(
        problem=problem,
        requested_by=zunyi_clerk,
        reason="资金未到位",
        current_deadline=date(2020, 12, 31),
        new_deadline=date(2020, 12, 31) + timedelta(days=90),
    )
    login(guiyang_outsider)
    response = post(client, f"/api/v1/extensions/{extension.pk}/decision", {"decision": "withdraw"})
    assert response.status_code == 404
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/extensions",
        {"new_deadline": "2021-06-30", "reason": "汛期影响"},
    )
    assert response.status_code == 404
