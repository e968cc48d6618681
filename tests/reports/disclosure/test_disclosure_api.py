"""The disclosure API: figures and text of an inspection as of a date for every business
role (inspections it can see), published disclosures for all of them, the office's drafts
and writes; errors as everywhere (401, 403, 404, 409, 422)."""

import json
from datetime import date

import pytest
from django.test import Client

from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from rectify.reports import actions
from rectify.reports.models import Disclosure

URL = "/api/v1/reports/disclosure"
CENTRAL = "central-2018-lookback"
FOLLOWUP = "provincial-2019-lookback"
READERS = ["office_clerk", "leader", "zunyi_clerk", "zunyi_reviewer", "team_member"]


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


@pytest.fixture
def published(world, office_clerk):
    d = actions.check_create_disclosure(world, date(2020, 6, 30), "zh", actor=office_clerk)
    return actions.check_publish_disclosure(d, expected_version=1, actor=office_clerk)


@pytest.fixture
def draft(world, office_clerk):
    return actions.check_create_disclosure(world, date(2020, 3, 31), "zh", actor=office_clerk)


def as_(request, login, who: str) -> Client:
    return login(request.getfixturevalue(who), Client())


@pytest.mark.parametrize("who", READERS)
def test_business_roles_get_the_figures_and_the_text_of_an_inspection(world, request, login, who):
    r = as_(request, login, who).get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "live" and body["id"] is None
    assert body["figures"]["problems"]["total"] == 6
    assert body["sections"][0]["key"] == "opening"
    assert "贵州省梳理形成的6项问题" in body["sections"][0]["paragraphs"][0]
    assert body["title"].startswith("贵州省公开")


@pytest.mark.parametrize(("who", "status"), [("sysadmin", 403), ("auditor", 403)])
def test_roles_without_business_data_get_nothing(world, request, login, who, status):
    r = as_(request, login, who).get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"})
    assert r.status_code == status
    assert as_(request, login, who).get("/api/v1/reports/disclosures").status_code == status


def test_the_public_must_sign_in(world):
    assert Client().get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"}).status_code == 401


def test_a_unit_gets_only_inspections_it_has_problems_in(world, guiyang_outsider, login):
    client = login(guiyang_outsider, Client())
    assert client.get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"}).status_code == 404
    r = client.get(URL, {"inspection": FOLLOWUP, "as_of": "2020-06-30"})
    assert r.status_code == 200 and r.json()["figures"]["problems"]["total"] == 4


def test_a_published_disclosure_is_for_every_business_role(published, guiyang_outsider, login):
    r = login(guiyang_outsider, Client()).get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"})
    assert r.status_code == 200 and r.json()["state"] == "published"
    other_day = {"inspection": CENTRAL, "as_of": "2020-05-31"}
    assert login(guiyang_outsider, Client()).get(URL, other_day).status_code == 404


def test_text_format_answers_plain_text(world, leader, login):
    r = login(leader, Client()).get(
        URL, {"inspection": CENTRAL, "as_of": "2020-06-30", "format": "text", "lang": "en"}
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    assert r.content.decode().startswith("Guizhou Province: progress")


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"inspection": "nope", "as_of": "2020-06-30"}, 404, None),
        ({"inspection": CENTRAL, "as_of": "2020-06-31"}, 422, None),
        ({"inspection": CENTRAL, "as_of": "2021-01-01"}, 422, "as_of"),
        ({"inspection": CENTRAL, "as_of": "2020-06-30", "lang": "fr"}, 422, "lang"),
        ({"inspection": CENTRAL, "as_of": "2020-06-30", "format": "docx"}, 422, None),
        ({"inspection": CENTRAL}, 422, None),
    ],
)
def test_bad_queries_are_refused(world, leader, login, params, status, field):
    r = login(leader, Client()).get(URL, params)
    assert r.status_code == status, r.content
    if field:
        assert [e["field"] for e in r.json()["errors"]] == [field]


def test_a_published_disclosure_answers_frozen(published, leader, login, ledger):
    add_event(ledger["idle"], EventKind.ACCEPTED, date(2020, 6, 1))  # backdated
    r = login(leader, Client()).get(URL, {"inspection": CENTRAL, "as_of": "2020-06-30"})
    body = r.json()
    assert body["state"] == "published" and body["id"] == published.pk
    assert body["figures"] == published.figures and body["figures"]["problems"]["completed"] == 2
    compare = login(leader, Client()).get(f"/api/v1/reports/disclosures/{published.pk}/compare")
    assert compare.json()["same"] is False
    assert {"path": "problems.completed", "published": 2, "recomputed": 3} in compare.json()[
        "differences"
    ]


@pytest.mark.parametrize("who", READERS)
def test_published_disclosures_are_listed_for_every_business_role(
    published, draft, request, login, who
):
    client = as_(request, login, who)
    listed = client.get("/api/v1/reports/disclosures").json()
    assert [d["id"] for d in listed] == [published.pk]
    assert client.get(f"/api/v1/reports/disclosures/{published.pk}").status_code == 200
    drafts = client.get("/api/v1/reports/disclosures", {"state": "draft"}).json()
    expected = [draft.pk] if who == "office_clerk" else []
    assert [d["id"] for d in drafts] == expected
    status = client.get(f"/api/v1/reports/disclosures/{draft.pk}").status_code
    assert status == (200 if who == "office_clerk" else 404)


def test_the_office_creates_edits_publishes_and_withdraws_through_the_api(
    world, office_clerk, login
):
    client = login(office_clerk, Client())
    r = post(client, "/api/v1/reports/disclosures", {"inspection": CENTRAL, "as_of": "2020-06-30"})
    assert r.status_code == 201, r.content
    pk, version = r.json()["id"], r.json()["version"]
    assert r.json()["state"] == "draft" and r.json()["narratives"] == {}
    r = post(
        client,
        f"/api/v1/reports/disclosures/{pk}/narratives",
        {"narratives": {"opening": "高度重视。"}, "version": version},
    )
    assert r.status_code == 200 and r.json()["narratives"] == {"opening": "高度重视。"}
    assert "高度重视。截至2020年6月底" in r.json()["sections"][0]["paragraphs"][0]
    stale = post(client, f"/api/v1/reports/disclosures/{pk}/publish", {"version": version})
    assert stale.status_code == 409
    r = post(client, f"/api/v1/reports/disclosures/{pk}/publish", {"version": version + 1})
    assert r.status_code == 200 and r.json()["state"] == "published"
    assert r.json()["narratives"] is None and r.json()["published_at"]
    r = post(
        client,
        f"/api/v1/reports/disclosures/{pk}/withdraw",
        {"reason": "口径调整", "version": version + 2},
    )
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    assert r.json()["withdrawn_reason"] == "口径调整"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"inspection": "nope", "as_of": "2020-06-30"}, "inspection"),
        ({"inspection": CENTRAL, "as_of": "2021-06-30"}, "as_of"),
        ({"inspection": CENTRAL, "as_of": "2020-06-30", "lang": "de"}, "lang"),
    ],
)
def test_bad_drafts_are_refused_naming_the_field(world, office_clerk, login, payload, field):
    r = post(login(office_clerk, Client()), "/api/v1/reports/disclosures", payload)
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == [field]
    assert not Disclosure.objects.exists()


def test_figures_cannot_be_written_as_narratives(draft, office_clerk, login):
    r = post(
        login(office_clerk, Client()),
        f"/api/v1/reports/disclosures/{draft.pk}/narratives",
        {"narratives": {"problems": {"total": 99}}, "version": 1},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "narratives"


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("zunyi_clerk", 403)])
def test_readers_cannot_write(published, draft, request, login, who, status):
    client = as_(request, login, who)
    assert (
        post(
            client, "/api/v1/reports/disclosures", {"inspection": CENTRAL, "as_of": "2020-05-31"}
        ).status_code
        == status
    )
    r = post(
        client,
        f"/api/v1/reports/disclosures/{published.pk}/withdraw",
        {"reason": "x", "version": 2},
    )
    assert r.status_code == status
    # A draft is not even visible to them.
    r = post(client, f"/api/v1/reports/disclosures/{draft.pk}/publish", {"version": 1})
    assert r.status_code == 404
    published.refresh_from_db()
    assert published.state == "published"
