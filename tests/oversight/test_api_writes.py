"""Writing through the API: optimistic locking (409 stale, 428 missing), field errors
(422 naming the field), case status edges with their history, audit in the same
transaction, escalation proposals answered by an action."""

from datetime import date

import pytest

from rectify.core.models import AuditEvent
from rectify.oversight.models import AccountabilityCase, CaseStatusChange, SupervisionAction
from rectify.problems.actions import do_record_warnings
from rectify.problems.testing import add_event
from tests.oversight.conftest import make_case, patch, post


@pytest.fixture
def case(office_clerk, inspection):
    return make_case(office_clerk, inspection, "1")


def test_a_stale_version_answers_409_and_changes_nothing(login, client, office_clerk, case):
    login(office_clerk)
    url = f"/api/v1/oversight/cases/{case.pk}"
    etag = client.get(url)["ETag"]
    assert etag == '"1"'
    ok = patch(client, url, {"title": "新标题"}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = patch(client, url, {"title": "另一个标题", "version": 1})
    assert stale.status_code == 409
    assert AccountabilityCase.objects.get(pk=case.pk).title == "新标题"
    missing = patch(client, url, {"title": "无版本"})
    assert missing.status_code == 428


def test_every_editable_record_is_version_checked(
    login, client, office_clerk, inspection, zunyi_clerk
):
    login(office_clerk)
    meeting = post(
        client,
        "/api/v1/oversight/meetings",
        {
            "date": "2019-06-03",
            "kind": "专题会",
            "topic": "整改推进会",
            "inspection": inspection.code,
        },
    ).json()
    url = f"/api/v1/oversight/meetings/{meeting['id']}"
    assert patch(client, url, {"topic": "整改推进会（二）", "version": 1}).status_code == 200
    assert patch(client, url, {"topic": "过期", "version": 1}).status_code == 409
    letter = post(
        client,
        "/api/v1/oversight/letters",
        {"year": 2020, "org": "520300", "title": "2020年度目标责任书", "targets": ["目标一"]},
    ).json()
    url = f"/api/v1/oversight/letters/{letter['id']}"
    signed = patch(client, url, {"signed_on": "2020-03-18", "signatory": "市长", "version": 1})
    assert signed.status_code == 200 and signed.json()["signed_on"] == "2020-03-18"
    assert patch(client, url, {"signatory": "副市长", "version": 1}).status_code == 409
    person = post(
        client,
        f"/api/v1/oversight/cases/{make_case(office_clerk, inspection, '7').pk}/persons",
        {"name": "周某", "unit_name": "遵义市水务局", "rank": "section", "sanction": "约谈"},
    ).json()
    url = f"/api/v1/oversight/persons/{person['id']}"
    assert patch(client, url, {"post": "科长", "version": 1}).status_code == 200
    assert patch(client, url, {"post": "科员", "version": 1}).status_code == 409
    assert client.delete(f"{url}?version=1").status_code == 409
    assert client.delete(f"{url}?version=2").status_code == 204


def test_bad_input_names_the_field_and_writes_nothing(login, client, office_clerk, inspection):
    login(office_clerk)
    before = AuditEvent.objects.count()
    bad = post(
        client,
        "/api/v1/oversight/cases",
        {
            "inspection": inspection.code,
            "number": "1",
            "title": "案件",
            "source": "transferred",
            "received_date": "2019-05-20",
            "decision_date": "2019-05-01",
            "problems": [987654],
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"problems[1]"}
    bad = post(
        client,
        "/api/v1/oversight/cases",
        {
            "inspection": inspection.code,
            "number": "1",
            "title": "案件",
            "source": "transferred",
            "received_date": "2019-05-20",
            "decision_date": "2019-05-01",
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"decision_date"}
    future = post(
        client,
        "/api/v1/oversight/meetings",
        {"date": "2021-01-01", "kind": "专题会", "topic": "未来的会议"},
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "date"
    wrong_rank = post(
        client,
        f"/api/v1/oversight/cases/{make_case(office_clerk, inspection).pk}/persons",
        {"name": "周某", "rank": "部级", "sanction": "不存在"},
    )
    assert {e["field"] for e in wrong_rank.json()["errors"]} == {"rank", "sanction"}
    assert AuditEvent.objects.count() == before + 1  # only make_case wrote


def test_a_case_moves_along_its_edges_with_history_and_audit(login, client, office_clerk, case):
    login(office_clerk)
    url = f"/api/v1/oversight/cases/{case.pk}/transition"
    closed = post(client, url, {"to": "closed", "effective_date": "2019-09-01"})
    assert closed.status_code == 422 and closed.json()["errors"][0]["field"] == "status"
    decided = post(client, url, {"to": "decided", "effective_date": "2019-09-01", "version": 1})
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided"
    assert decided.json()["decision_date"] == "2019-09-01"
    no_reason = post(client, url, {"to": "open", "effective_date": "2019-10-01"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    change = CaseStatusChange.objects.get(case=case)
    assert (change.from_status, change.to_status, change.actor) == ("open", "decided", office_clerk)
    event = AuditEvent.objects.filter(action="oversight.case.decided").get()
    assert event.object_id == str(case.pk)
    assert event.before["status"] == "open" and event.after["status"] == "decided"


def test_an_action_answers_an_escalation_proposal_once(
    login, client, office_clerk, inspection, zunyi_problem
):
    # Red on two recorded dates: an interview of the lead unit's principal is proposed.
    add_event(zunyi_problem, "criticised", date(2020, 7, 1))
    do_record_warnings(date(2020, 7, 10), actor="test")
    login(office_clerk)
    open_ = client.get("/api/v1/oversight/proposals").json()
    assert [(p["problem"]["id"], p["kind"]) for p in open_] == [(zunyi_problem.pk, "interview")]
    proposal = {"problem": zunyi_problem.pk, "kind": "interview", "triggered_on": "2020-07-10"}
    body = {
        "inspection": inspection.code,
        "kind": "interview",
        "date": "2020-07-20",
        "title": "约谈遵义市人民政府主要负责同志",
        "target_orgs": ["520300"],
        "proposal": proposal,
    }
    created = post(client, "/api/v1/oversight/actions", body)
    assert created.status_code == 201, created.content
    assert created.json()["proposal"] == proposal
    assert client.get("/api/v1/oversight/proposals").json() == []
    again = post(client, "/api/v1/oversight/actions", {**body, "title": "再次约谈"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "proposal"
    wrong_kind = post(
        client, "/api/v1/oversight/actions", {**body, "kind": "letter", "title": "督办函"}
    )
    assert wrong_kind.status_code == 422
    assert SupervisionAction.objects.count() == 1


def test_the_proposal_button_prefills_the_action_form(
    login, client, office_clerk, inspection, zunyi_problem
):
    add_event(zunyi_problem, "criticised", date(2020, 7, 1))
    do_record_warnings(date(2020, 7, 10), actor="test")
    login(office_clerk)
    listing = client.get("/oversight/supervision/").content.decode()
    key = f"{zunyi_problem.pk}:interview:2020-07-10"
    assert f"?proposal={key}" in listing
    form = client.get(f"/oversight/supervision/new/?proposal={key}").content.decode()
    assert zunyi_problem.number in form and 'value="interview" selected' in form
    response = client.post(
        "/oversight/supervision/new/",
        {
            "proposal": key,
            "inspection": inspection.code,
            "kind": "interview",
            "date": "2020-07-20",
            "title": "约谈遵义市人民政府主要负责同志",
            "target_orgs": [str(zunyi_problem.lead_unit_id)],
            "problem_numbers": zunyi_problem.number,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = SupervisionAction.objects.get()
    assert (action.proposal_problem, action.proposal_kind) == (zunyi_problem, "interview")
    assert f"?proposal={key}" not in client.get("/oversight/supervision/").content.decode()


def test_the_openapi_document_describes_the_oversight_routes(login, client, office_clerk):
    login(office_clerk)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/oversight/figures",
        "/api/v1/oversight/cases/{case_id}/persons",
        "/api/v1/oversight/findings/{finding_id}/convert",
        "/api/v1/oversight/teams/{team_id}/visits",
    ):
        assert path in paths
