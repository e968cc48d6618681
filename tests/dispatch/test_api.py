"""/api/v1/dispatch/… and the report endpoints: who may do what, and the answers' shapes."""

from datetime import date

import pytest
import time_machine

from rectify.dispatch.models import DispatchPeriod, ProgressReport
from tests.dispatch.conftest import at, guiyang_problem, open_period, write, zunyi_problem


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2025, 6, 20), tick=False):
        yield


@pytest.fixture
def june(office_clerk):
    return open_period(office_clerk, 2025, 6, when=at(2025, 6, 1))


@pytest.fixture
def problem(orgs):
    return zunyi_problem("1")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_office_opens_a_period_others_may_not(login, client, office_clerk, zunyi_clerk):
    login(zunyi_clerk)
    assert post(client, "/api/v1/dispatch/periods", {"year": 2025, "month": 6}).status_code == 403
    client.logout()
    login(office_clerk)
    response = post(client, "/api/v1/dispatch/periods", {"year": 2025, "month": 6})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["label"], body["due_date"], body["closed"]) == ("6/2025", "2025-07-05", False)
    again = post(client, "/api/v1/dispatch/periods", {"year": 2025, "month": 6})
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {"field": "month", "message": "The period 6/2025 is open already."}
    ]
    bad = post(
        client, "/api/v1/dispatch/periods", {"year": 2025, "month": 7, "due_date": "2025-06-01"}
    )
    assert bad.json()["errors"][0]["field"] == "due_date"
    assert DispatchPeriod.objects.count() == 1
    listed = client.get("/api/v1/dispatch/periods").json()
    assert [p["label"] for p in listed] == ["6/2025"]


def test_roles_without_business_data_see_no_periods(login, client, sysadmin, june):
    login(sysadmin)
    assert client.get("/api/v1/dispatch/periods").status_code == 403
    assert client.get(f"/api/v1/dispatch/periods/{june.pk}/status").status_code == 403


def test_a_unit_writes_a_draft_corrects_and_submits_it(login, client, zunyi_clerk, june, problem):
    login(zunyi_clerk)
    url = f"/api/v1/problems/{problem.pk}/reports"
    body = {
        "period": june.pk,
        "text": "管网完工2公里。",
        "percent": 20,
        "effective_date": "2025-06-19",
        "submit": False,
    }
    created = post(client, url, body)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["state"] == "draft" and draft["version"] == 1 and draft["late"] is False
    stale = post(client, url, {**body, "percent": 25, "version": 7})
    assert stale.status_code == 409
    updated = post(client, url, {**body, "percent": 25, "submit": True, "version": 1})
    assert updated.status_code == 200, updated.content
    report = updated.json()
    assert report["state"] == "submitted" and report["percent"] == 25
    waiting = post(client, url, {**body, "percent": 30})
    assert waiting.status_code == 422
    assert "waiting for review" in waiting.json()["errors"][0]["message"]

    mine = client.get("/api/v1/dispatch/my-reports").json()
    assert mine["period"]["id"] == june.pk
    assert mine["items"] == [
        {
            "problem": {
                "id": problem.pk,
                "inspection": problem.inspection.code,
                "number": "1",
                "title": problem.title,
                "lead_unit": {"code": "520300", "name": "遵义市"},
            },
            "status": "behind_schedule",  # 25 % at the period end, 40 % planned
            "report": {
                "id": report["id"],
                "state": "submitted",
                "submitted_at": report["submitted_at"],
                "late": False,
            },
        }
    ]


def test_writing_is_refused_with_the_field_named(login, client, zunyi_clerk, june, problem):
    login(zunyi_clerk)
    url = f"/api/v1/problems/{problem.pk}/reports"
    response = post(
        client, url, {"period": june.pk, "text": "", "percent": 120, "effective_date": "2025-07-30"}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"text", "percent", "effective_date"}
    unknown = post(client, url, {"period": 999999, "text": "x", "percent": 1})
    assert unknown.json()["errors"] == [{"field": "period", "message": "Unknown dispatch period."}]
    assert not ProgressReport.objects.exists()


def test_out_of_scope_is_not_found_and_read_only_roles_are_forbidden(
    login, client, guiyang_outsider, leader, june, problem
):
    login(guiyang_outsider)
    body = {"period": june.pk, "text": "x", "percent": 10, "effective_date": "2025-06-19"}
    assert post(client, f"/api/v1/problems/{problem.pk}/reports", body).status_code == 404
    client.logout()
    login(leader)
    assert post(client, f"/api/v1/problems/{problem.pk}/reports", body).status_code == 403
    assert client.get("/api/v1/dispatch/my-reports").status_code == 403


def test_the_status_has_the_figures_of_the_callers_scope(
    login, client, office_clerk, zunyi_clerk, guiyang_outsider, june, problem
):
    guiyang_problem("2")
    write(problem, june, zunyi_clerk, when=at(2025, 6, 19))
    login(office_clerk)
    status = client.get(f"/api/v1/dispatch/periods/{june.pk}/status").json()
    assert status["past_due"] is False
    assert [
        (u["unit"]["code"], u["owed"], u["submitted"], u["not_submitted"]) for u in status["units"]
    ] == [("520100", 1, 0, 1), ("520300", 1, 1, 0)]
    assert status["totals"]["owed"] == 2
    client.logout()
    login(guiyang_outsider)
    status = client.get(f"/api/v1/dispatch/periods/{june.pk}/status").json()
    assert [u["unit"]["code"] for u in status["units"]] == ["520100"]


def test_review_through_the_api(
    login, client, zunyi_clerk, zunyi_reviewer, guiyang_outsider, june, problem
):
    report = write(problem, june, zunyi_clerk, when=at(2025, 6, 19))
    url = f"/api/v1/reports/{report.pk}/review"
    login(zunyi_clerk)
    own = post(client, url, {"decision": "accept"})
    assert own.status_code == 422
    assert own.json()["errors"] == [
        {"field": "decision", "message": "Nobody reviews their own report."}
    ]
    client.logout()
    login(guiyang_outsider)
    assert post(client, url, {"decision": "accept"}).status_code == 404
    client.logout()
    login(zunyi_reviewer)
    no_reason = post(client, url, {"decision": "return"})
    assert no_reason.status_code == 422
    returned = post(
        client, url, {"decision": "return", "opinion": "请补充照片。", "version": report.version}
    )
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    assert returned.json()["review_opinion"] == "请补充照片。"
    detail = client.get(f"/api/v1/reports/{report.pk}").json()
    assert detail["state"] == "returned" and detail["effective_date"] == "2025-06-19"
    assert date.fromisoformat(detail["effective_date"]) == date(2025, 6, 19)


def test_the_openapi_document_lists_the_dispatch_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/dispatch/periods",
        "/api/v1/dispatch/periods/{period_id}/status",
        "/api/v1/dispatch/my-reports",
        "/api/v1/problems/{problem_id}/reports",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/review",
    ):
        assert path in paths, path
