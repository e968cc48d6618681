"""The dashboard page (/dashboard/): who may open it, the figures of its date in readable
tables, the controls, and nothing the strict CSP would refuse."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder

from rectify.reports import dashboard
from tests.complaints.ui_support import pii_key  # noqa: F401 - fixture
from tests.reports.dashboard_world import CENTRAL, D, build_complaints, build_ledger

URL = "/dashboard/"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(office_clerk, pii_key):  # noqa: F811
    build_ledger()
    build_complaints(office_clerk)


def get(login, user, params=None):
    with time_machine.travel(NOW, tick=False):
        return login(user).get(URL, params or {})


def row(html: str, name: str) -> list[str]:
    """The numbers of the map table's row for a prefecture."""
    match = re.search(
        rf"<tr data-code=\"\d+\"><th scope=\"row\">(?:<a [^>]*>)?{name}.*?</tr>", html
    )
    assert match, name
    return re.findall(r'<td class="num">(\d+)</td>', match.group(0))


@pytest.mark.parametrize(
    ("who", "total"),
    [("leader", 8), ("office_clerk", 8), ("zunyi_clerk", 4), ("team_member", 4)],
)
def test_business_roles_open_the_dashboard_of_their_scope(world, login, request, who, total):
    response = get(login, request.getfixturevalue(who), {"as_of": D.isoformat()})
    assert response.status_code == 200
    assert '<div id="dashboard" class="dash"' in response.content.decode()
    assert response.context["data"]["problems"]["total"] == total


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_do_not_find_it(world, login, request, who):
    assert get(login, request.getfixturevalue(who)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_shows_the_figures_of_its_date_in_tables(world, login, leader):
    response = get(login, leader, {"as_of": D.isoformat(), "inspection": CENTRAL})
    html = response.content.decode()
    with time_machine.travel(NOW, tick=False):
        expected = dashboard.dashboard_figures(
            leader, D, dashboard.select(leader, CENTRAL), today=NOW.date()
        )
    assert response.context["data"] == expected
    assert '<span class="dash-kpi-n" data-value="problems.total">7</span>' in html
    assert '<span class="dash-kpi-n" data-value="problems.completed">2</span>' in html
    assert '<span class="dash-kpi-n" data-value="warnings.red">2</span>' in html
    assert 'data-value="complaints.closure_rate" data-format="percent">66.7%</span>' in html
    # 遵义市: problems, open, red, yellow, blue
    assert row(html, "遵义市") == ["4", "2", "1", "1", "0"]
    assert row(html, "贵安新区") == ["1", "1", "0", "0", "1"]
    link = f'href="/ledger/?region=520300&amp;as_of=2020-08-31&amp;inspection={CENTRAL}"'
    assert link in html
    # The script's first figures are the same data, as JSON the CSP lets through.
    embedded = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert json.loads(embedded.group(1)) == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
    assert 'data-api="/api/v1/dashboard"' in html
    assert "vendor/maps/guizhou.json" in html


def test_the_controls_keep_the_date_and_the_inspection(world, login, leader):
    html = get(login, leader, {"as_of": D.isoformat(), "inspection": CENTRAL}).content.decode()
    assert 'name="as_of" value="2020-08-31"' in html
    assert f'<option value="{CENTRAL}" selected>' in html
    stops = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    stop = re.search(r'id="dash-month" min="0" max="(\d+)" step="1" value="(\d+)"', html)
    assert int(stop.group(1)) == len(stops["timeline"]) - 1
    assert stops["timeline"][int(stop.group(2))] == "2020-08-31"


def test_a_future_date_is_refused_and_today_shown(world, login, leader):
    response = get(login, leader, {"as_of": "2027-01-01"})
    assert list(response.context["form"].errors) == ["as_of"]
    assert 'class="field-error"' in response.content.decode()
    assert response.context["data"]["as_of"] == "2026-11-28"


def test_an_unknown_inspection_falls_back_to_all_of_them(world, login, leader):
    response = get(login, leader, {"inspection": "nope", "as_of": D.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["inspection"]
    assert response.context["data"]["inspection"] is None
    assert response.context["data"]["problems"]["total"] == 8


def test_a_unit_is_told_whose_figures_it_sees(world, login, zunyi_clerk):
    response = get(login, zunyi_clerk, {"as_of": D.isoformat()})
    assert response.context["province_wide"] is False
    assert response.context["data"]["problems"]["total"] == 4
    assert "遵义市" in response.content.decode()


def test_nothing_inline_for_the_csp(world, login, leader):
    html = get(login, leader, {"as_of": D.isoformat()}).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html)
