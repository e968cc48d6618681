"""The sign-off API: list and read in scope, apply, take steps; 409/422/403/404 as documented."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from rectify.core.models import AuditEvent
from rectify.signoff.models import Application, AppState, Step

from .conftest import walk

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ACCEPT = {
    "step": "accept",
    "signer_name": "罗明",
    "opinion": "经现场核查，整改到位，同意通过验收。",
    "onsite_record": "现场核查养殖场8家，粪污处理设施运行正常。",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def as_(login, user) -> Client:
    return login(user, Client())


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def steps_url(app) -> str:
    return f"/api/v1/signoff/applications/{app.pk}/steps"


def test_the_lead_unit_applies_and_gets_the_application(problem, cast, login):
    client = as_(login, cast["applicant"])
    response = post(
        client,
        f"/api/v1/problems/{problem.pk}/signoff",
        {"completion_report": "已完成整改。", "effective_date": "2026-11-20", "notice_days": 10},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    app = Application.objects.get(problem=problem)
    assert body["id"] == app.pk and body["state"] == "in_review"
    assert body["current_level"] == "县级验收" and body["version"] == 1
    assert [lv["name"] for lv in body["levels"]] == [
        "县级验收",
        "市级验收",
        "行业部门审核",
        "省级审核",
    ]
    assert [lv["status"] for lv in body["levels"]] == ["current", "waiting", "waiting", "waiting"]
    assert body["next_steps"] == ["withdraw"]
    assert response["Location"].endswith(f"/signoff/applications/{app.pk}")


@pytest.mark.parametrize(
    "role,status", [("county", 403), ("leader", 403), ("other_unit", 404), ("sysadmin", 404)]
)
def test_only_the_lead_unit_or_the_office_may_apply(role, status, problem, cast, login):
    response = post(
        as_(login, cast[role]),
        f"/api/v1/problems/{problem.pk}/signoff",
        {"completion_report": "已完成整改。"},
    )
    assert response.status_code == status
    assert response.json()["code"] in ("forbidden", "not_found")
    assert not Application.objects.exists()


def test_a_bad_application_names_the_field(problem, cast, login):
    response = post(
        as_(login, cast["applicant"]),
        f"/api/v1/problems/{problem.pk}/signoff",
        {"completion_report": " ", "notice_days": 10},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["completion_report"]


def test_the_list_is_scoped_and_filters_by_state(problem, cast, login):
    app = walk(problem, cast, "review_city")
    url = "/api/v1/signoff/applications"
    body = as_(login, cast["dept"]).get(url).json()
    assert body["count"] == 1 and body["items"][0]["id"] == app.pk
    assert as_(login, cast["other_unit"]).get(url).json()["count"] == 0
    assert as_(login, cast["office"]).get(url, {"state": "notice"}).json()["count"] == 0
    assert as_(login, cast["office"]).get(url, {"state": "in_review"}).json()["count"] == 1
    assert as_(login, cast["office"]).get(url, {"state": "bogus"}).status_code == 422


def test_the_detail_tells_each_caller_what_they_may_do(problem, cast, login):
    app = walk(problem, cast, "review_city")
    url = f"/api/v1/signoff/applications/{app.pk}"
    expected = {"city": ["accept", "return"], "applicant": ["withdraw"], "county": []}
    for role, steps in expected.items():
        response = as_(login, cast[role]).get(url)
        assert response.json()["next_steps"] == steps, role
        assert response["ETag"] == '"2"'
    body = as_(login, cast["office"]).get(url).json()
    assert [s["kind"] for s in body["steps"]] == ["apply", "accept"]
    assert body["levels"][0]["signer_name"] == "张建华"
    assert as_(login, cast["other_unit"]).get(url).status_code == 404
    assert as_(login, cast["sysadmin"]).get(url).status_code == 404


def test_a_step_moves_the_application_and_answers_the_new_version(problem, cast, login):
    app = walk(problem, cast, "review_county")
    response = post(as_(login, cast["county"]), steps_url(app), {**ACCEPT, "version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_level"] == "市级验收" and body["version"] == 2
    assert body["steps"][-1]["signer_name"] == "罗明"
    assert body["steps"][-1]["effective_date"] == "2026-11-28"
    assert AuditEvent.objects.filter(action="signoff.accept").exists()


def test_a_stale_version_is_409_and_changes_nothing(problem, cast, login):
    app = walk(problem, cast, "review_city")
    response = post(as_(login, cast["city"]), steps_url(app), {**ACCEPT, "version": 1})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    app.refresh_from_db()
    assert app.version == 2 and Step.objects.filter(application=app).count() == 2


def test_an_edge_the_table_lacks_is_422_naming_the_step(problem, cast, login):
    app = walk(problem, cast, "review_county")
    response = post(as_(login, cast["office"]), steps_url(app), {"step": "sign_off", "version": 1})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "step" and error["message"]


def test_an_unknown_step_name_is_422(problem, cast, login):
    app = walk(problem, cast, "review_county")
    response = post(as_(login, cast["county"]), steps_url(app), {"step": "approve", "version": 1})
    assert response.status_code == 422


def test_the_wrong_actor_is_403_and_changes_nothing(problem, cast, login):
    app = walk(problem, cast, "review_county")
    for role in ("city", "dept", "office", "applicant", "leader"):
        response = post(as_(login, cast[role]), steps_url(app), {**ACCEPT, "version": 1})
        assert response.status_code == 403, role
    app.refresh_from_db()
    assert app.version == 1


def test_out_of_scope_is_404_for_a_step(problem, cast, login):
    app = walk(problem, cast, "review_county")
    for role in ("other_unit", "sysadmin"):
        response = post(as_(login, cast[role]), steps_url(app), {**ACCEPT, "version": 1})
        assert response.status_code == 404, role


def test_the_public_gets_401(problem, cast, client):
    app = walk(problem, cast, "review_county")
    assert client.get("/api/v1/signoff/applications").status_code == 401
    assert post(client, steps_url(app), {**ACCEPT, "version": 1}).status_code == 401


def test_an_acceptance_without_the_on_site_record_is_422_naming_it(problem, cast, login):
    app = walk(problem, cast, "review_county")
    data = {**ACCEPT, "onsite_record": "", "version": 1}
    response = post(as_(login, cast["county"]), steps_url(app), data)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["onsite_record"]


def test_the_office_signs_off_through_the_api_after_the_notice(problem, cast, login):
    app = walk(problem, cast, "notice_ended")
    client = as_(login, cast["office"])
    response = post(client, steps_url(app), {"step": "sign_off", "version": app.version})
    assert response.status_code == 200
    assert response.json()["state"] == AppState.SIGNED_OFF


def test_the_openapi_document_lists_the_sign_off_routes(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/signoff/applications",
        "/api/v1/signoff/applications/{application_id}",
        "/api/v1/signoff/applications/{application_id}/steps",
        "/api/v1/problems/{problem_id}/signoff",
    ):
        assert path in paths, path
