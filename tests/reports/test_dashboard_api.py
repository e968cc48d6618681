"""GET /api/v1/dashboard: every role × in/out of scope, the figures of reports.dashboard,
and the errors of bad input (rectify/api.py's format)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from rectify.reports import dashboard
from tests.complaints.ui_support import pii_key  # noqa: F401 - fixture
from tests.reports.dashboard_world import CENTRAL, FOLLOWUP, D, build_complaints, build_ledger

URL = "/api/v1/dashboard"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(office_clerk, pii_key):  # noqa: F811
    build_ledger()
    build_complaints(office_clerk)


@pytest.mark.parametrize(
    ("who", "status", "total"),
    [
        ("office_clerk", 200, 8),
        ("leader", 200, 8),
        ("zunyi_clerk", 200, 4),
        ("bozhou_clerk", 200, 1),
        ("zunyi_reviewer", 200, 4),
        ("team_member", 200, 4),  # granted 遵义市
        ("guiyang_outsider", 200, 1),
        ("dept_clerk", 200, 1),  # leads P1
        ("sysadmin", 403, None),
        ("auditor", 403, None),
    ],
)
def test_each_role_gets_its_own_scope_or_is_refused(world, login, request, who, status, total):
    with time_machine.travel(NOW, tick=False):
        client = login(request.getfixturevalue(who))
        response = client.get(URL, {"as_of": D.isoformat()})
    assert response.status_code == status, response.content[:300]
    if total is not None:
        assert response.json()["problems"]["total"] == total
    else:
        assert response.json()["code"] == "forbidden"


def test_anonymous_callers_are_asked_to_sign_in(world):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_the_answer_is_the_dashboard_figures_as_json(world, login, leader):
    with time_machine.travel(NOW, tick=False):
        client = login(leader)
        body = client.get(URL, {"as_of": D.isoformat(), "inspection": CENTRAL}).json()
        selection = dashboard.select(leader, CENTRAL)
        expected = dashboard.dashboard_figures(leader, D, selection, today=NOW.date())
    assert body == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
    assert body["as_of"] == "2020-08-31"
    assert body["inspection"] == CENTRAL
    assert body["problems"]["completed"] == 2


def test_without_a_date_the_figures_are_as_of_today(world, login, leader):
    with time_machine.travel(NOW, tick=False):
        client = login(leader)
        body = client.get(URL).json()
    assert body["as_of"] == body["today"] == "2026-11-28"
    assert body["timeline"][-1] == "2026-11-28"


def test_an_inspection_out_of_scope_is_not_found_like_a_missing_one(world, login, zunyi_clerk):
    client = login(zunyi_clerk)
    # The follow-up has only a 铜仁市 problem: 遵义市 does not see it.
    hidden = client.get(URL, {"inspection": FOLLOWUP})
    missing = client.get(URL, {"inspection": "no-such-inspection"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(URL, {"inspection": CENTRAL}).status_code == 200


def test_a_future_or_malformed_date_is_refused_naming_the_field(world, login, leader):
    with time_machine.travel(NOW, tick=False):
        client = login(leader)
        future = client.get(URL, {"as_of": "2026-11-29"})
        malformed = client.get(URL, {"as_of": "2020-13-01"})
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "as_of"
    assert malformed.status_code == 422
    assert "as_of" in malformed.json()["errors"][0]["field"]


def test_the_date_changes_the_answer(world, login, leader):
    with time_machine.travel(NOW, tick=False):
        client = login(leader)
        early = client.get(URL, {"as_of": "2019-12-31"}).json()
        late = client.get(URL, {"as_of": D.isoformat()}).json()
    assert (early["problems"]["completed"], late["problems"]["completed"]) == (1, 3)
    assert len(early["burnup"]) == 8 and len(late["burnup"]) == 16
    assert early["map"]["regions"][0]["url"].endswith("as_of=2019-12-31")


def test_the_openapi_document_describes_the_endpoint(db):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"as_of", "inspection"}
    assert "DashboardOut" in json.dumps(operation["responses"]["200"])
