"""Who may read and write which complaint through the API: a county sees its own only, a
role that may not act gets 403, a stale version 409, and only the office may reveal a
complainant — audited with the reason, never with the data."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from rectify.complaints.models import Complaint
from rectify.core.models import AuditEvent
from tests.complaints.ui_support import (
    CANARY,
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    YUNYAN,
    assign,
    intake,
    make_batch,
    pii_key,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.usefixtures("pii_key")


@pytest.fixture(autouse=True)
def frozen():
    with translation.override("en"), time_machine.travel(date(2025, 6, 20), tick=False):
        yield


@pytest.fixture
def two(office_clerk):
    """One complaint assigned to 播州区 (with a complainant on file), one to 云岩区."""
    batch = make_batch(office_clerk)
    bozhou = intake(batch, office_clerk, 1, personal=CANARY)
    yunyan = intake(batch, office_clerk, 2, region=YUNYAN)
    assign(bozhou, office_clerk, date(2025, 6, 3))
    assign(yunyan, office_clerk, date(2025, 6, 3))
    bozhou.refresh_from_db()
    yunyan.refresh_from_db()
    return bozhou, yunyan


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def test_a_county_sees_its_complaints_and_an_outsider_does_not(
    login, client, bozhou_clerk, guiyang_outsider, two
):
    bozhou, yunyan = two
    login(bozhou_clerk)
    listed = client.get("/api/v1/complaints").json()
    assert [i["id"] for i in listed["items"]] == [bozhou.pk] and listed["count"] == 1
    assert client.get(f"/api/v1/complaints/{yunyan.pk}").status_code == 404
    assert client.get("/api/v1/complaints/stats").json()["counts"]["received"] == 1
    assert [b["on_record"] for b in client.get("/api/v1/complaint-batches").json()] == [1]
    client.logout()
    login(guiyang_outsider)
    listed = client.get("/api/v1/complaints").json()
    assert [i["id"] for i in listed["items"]] == [yunyan.pk]
    for url in (
        f"/api/v1/complaints/{bozhou.pk}",
        f"/api/v1/complaints/{2**70}",
    ):
        assert client.get(url).status_code == 404
    writes = {
        "transition": {"step": "close", "version": bozhou.version},
        "results": {"investigation": "x", "verdict": "true", "handling": "y", "version": 1},
        "reveal": {"reason": "我想知道是谁"},
        "repeat": {"repeat_of": None, "version": 1},
    }
    for path, body in writes.items():
        assert post(client, f"/api/v1/complaints/{bozhou.pk}/{path}", body).status_code == 404


def test_roles_that_may_not_act_get_403(
    login, client, bozhou_clerk, leader, team_member, sysadmin, two
):
    bozhou, _ = two
    login(bozhou_clerk)
    url = f"/api/v1/complaints/{bozhou.pk}"
    reassign = {"step": "reassign", "lead_unit": "520300", "deadline": "2025-07-01"}
    assert (
        post(client, url + "/transition", {**reassign, "version": bozhou.version}).status_code
        == 403
    )
    batch_url = f"/api/v1/complaint-batches/{bozhou.batch_id}"
    assert (
        post(
            client,
            batch_url + "/assign-all",
            {"effective_date": "2025-06-20", "deadline": "2025-07-01"},
        ).status_code
        == 403
    )
    assert (
        post(client, url + "/problem", {"problem": None, "version": bozhou.version}).status_code
        == 403
    )
    client.logout()
    for who in (leader, team_member):
        login(who)
        assert client.get(url).status_code == 200  # may read
        body = {"investigation": "x", "verdict": "true", "handling": "y", "version": bozhou.version}
        assert post(client, url + "/results", body).status_code == 403
        client.logout()
    login(sysadmin)
    assert client.get("/api/v1/complaints").status_code == 403
    assert client.get(url).status_code == 403
    assert Complaint.objects.get(pk=bozhou.pk).version == bozhou.version


def test_writes_need_the_current_version(login, client, bozhou_clerk, two):
    bozhou, _ = two
    login(bozhou_clerk)
    url = f"/api/v1/complaints/{bozhou.pk}"
    read = client.get(url)
    assert read["ETag"] == f'"{bozhou.version}"'
    body = {"investigation": "核查属实。", "verdict": "true", "handling": "已整改。"}
    missing = post(client, url + "/results", body)
    assert missing.status_code == 428 and missing.json()["code"] == "version_required"
    stale = post(client, url + "/results", {**body, "version": bozhou.version - 1})
    assert stale.status_code == 409
    differ = post(client, url + "/results", {**body, "version": 1}, HTTP_IF_MATCH='"2"')
    assert differ.status_code == 422
    ok = post(client, url + "/results", body, HTTP_IF_MATCH=read["ETag"])
    assert ok.status_code == 200 and ok.json()["version"] == bozhou.version + 1
    assert ok.json()["results"][0]["in_force"] is True
    bad = post(client, url + "/results", {**body, "verdict": "maybe", "version": 3})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.payload.verdict"
    wrong = post(
        client, url + "/transition", {"step": "return", "reason": "", "version": bozhou.version + 1}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "step"


def test_only_the_office_reveals_and_the_audit_keeps_the_reason_only(
    login, client, office_clerk, bozhou_clerk, leader, two
):
    bozhou, _ = two
    url = f"/api/v1/complaints/{bozhou.pk}/reveal"
    for who in (bozhou_clerk, leader):
        login(who)
        assert post(client, url, {"reason": "需要核实举报人"}).status_code == 403
        client.logout()
    assert not AuditEvent.objects.filter(action="complaints.reveal_complainant").exists()
    login(office_clerk)
    short = post(client, url, {"reason": "查"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
    response = post(client, url, {"reason": "需要回访举报人核实诉求"})
    assert response.status_code == 200
    assert response.json() == {
        "name": CANARY_NAME,
        "phone": CANARY_PHONE,
        "address": CANARY_ADDRESS,
    }
    assert "no-store" in response["Cache-Control"]
    (event,) = AuditEvent.objects.filter(action="complaints.reveal_complainant")
    assert event.actor_id == office_clerk.pk and event.after["reason"] == "需要回访举报人核实诉求"
    audit_text = str(event.before) + str(event.after)
    assert CANARY_NAME not in audit_text and CANARY_PHONE not in audit_text


@pytest.mark.parametrize("who", ["office_clerk", "leader", "bozhou_clerk", "team_member"])
def test_no_read_answers_personal_data_and_only_the_office_gets_candidates(
    request, login, client, who, two
):
    bozhou, _ = two
    login(request.getfixturevalue(who))
    answers = [
        client.get("/api/v1/complaints"),
        client.get(f"/api/v1/complaints/{bozhou.pk}"),
        client.get("/api/v1/complaints/stats"),
        client.get("/api/v1/complaint-batches"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        for value in (CANARY_NAME, CANARY_PHONE, CANARY_ADDRESS):
            assert value not in text
    candidates = answers[1].json()["candidates"]
    assert (candidates is not None) == (who == "office_clerk")


def test_the_office_links_repeats_and_problems_by_natural_keys(login, client, office_clerk, two):
    from rectify.problems.testing import ProblemFactory

    bozhou, yunyan = two
    login(office_clerk)
    url = f"/api/v1/complaints/{yunyan.pk}"
    linked = post(
        client, url + "/repeat", {"repeat_of": bozhou.acceptance_no, "version": yunyan.version}
    )
    assert linked.status_code == 200 and linked.json()["repeat_of"] == bozhou.acceptance_no
    first = client.get(f"/api/v1/complaints/{bozhou.pk}").json()
    assert first["repeats"] == [yunyan.acceptance_no]
    unknown = post(
        client, url + "/repeat", {"repeat_of": "X9", "version": linked.json()["version"]}
    )
    assert unknown.json()["errors"][0]["field"] == "repeat_of"
    rejected = post(
        client, f"/api/v1/complaints/{bozhou.pk}/not-repeat", {"other": yunyan.acceptance_no}
    )
    assert rejected.status_code == 204
    problem = ProblemFactory(inspection=bozhou.batch.inspection, number="3")
    done = post(
        client, url + "/problem", {"problem": problem.pk, "version": linked.json()["version"]}
    )
    assert done.json()["problem_link"]["number"] == "3" and done.json()["problem"] == problem.pk
