"""The dashboard's figures (reports.dashboard): the same numbers as the disclosure's as-of
modules, within the caller's scope, moving with the date; the burn-up, the map regions and
the prefecture names of the map data."""

import itertools
import json
from datetime import date

import pytest
from django.contrib.staticfiles import finders

from rectify.complaints import stats as complaint_stats
from rectify.complaints.models import Complaint
from rectify.orgs.models import Org, OrgKind
from rectify.problems import asof
from rectify.problems.models import Inspection, Problem
from rectify.problems.states import EventKind, Status
from rectify.problems.testing import add_event
from rectify.reports import dashboard, figures
from tests.complaints.ui_support import pii_key  # noqa: F401 - fixture
from tests.reports.dashboard_world import CENTRAL, FOLLOWUP, D, build_complaints, build_ledger

TODAY = date(2026, 11, 28)
PROBLEM_KEYS = (
    "total",
    "completed",
    "signed_off",
    "on_schedule",
    "ahead_of_schedule",
    "behind_schedule",
    "not_started",
    "overdue",
)


@pytest.fixture
def world(office_clerk, pii_key):  # noqa: F811
    problems = build_ledger()
    build_complaints(office_clerk)
    return problems


def figures_for(user, d=D, code=None):
    return dashboard.dashboard_figures(user, d, dashboard.select(user, code), today=TODAY)


def region(data, code):
    return next(r for r in data["map"]["regions"] if r["code"] == code)


def test_one_inspection_shows_exactly_the_disclosure_figures(world, leader):
    data = figures_for(leader, code=CENTRAL)
    central = Inspection.objects.get(code=CENTRAL)
    expected = figures.disclosure_figures(central, D)
    assert {k: data["problems"][k] for k in PROBLEM_KEYS} == {
        k: expected["problems"][k] for k in PROBLEM_KEYS
    }
    assert data["problems"]["total"] == 7
    assert (data["problems"]["completed"], data["problems"]["signed_off"]) == (2, 1)
    assert {c["name"]: c["total"] for c in data["categories"]} == expected["problems"][
        "by_category"
    ]
    complaints = expected["complaints"]
    assert data["complaints"]["received"] == complaints["assigned"] == 3
    assert data["complaints"]["closed"] == complaints["closed"] == 2
    assert data["complaints"]["closure_rate"] == complaints["closure_rate"]


def test_all_inspections_cover_the_follow_up_too(world, leader):
    data = figures_for(leader)
    assert data["inspection"] is None
    assert {i["code"] for i in data["inspections"]} == {CENTRAL, FOLLOWUP}
    counts = asof.status_counts(Problem.objects.all(), D)
    assert data["problems"]["total"] == sum(counts.values()) == 8
    assert data["problems"]["completed"] == counts[Status.COMPLETED] + counts[Status.SIGNED_OFF]
    assert data["problems"]["open"] == data["problems"]["total"] - data["problems"]["completed"]


def test_every_breakdown_adds_up_to_the_total(world, leader):
    data = figures_for(leader)
    total = data["problems"]["total"]
    assert sum(s["n"] for s in data["status"]) == total
    assert sum(c["total"] for c in data["categories"]) == total
    assert all(c["completed"] + c["open"] == c["total"] for c in data["categories"])
    regions = data["map"]["regions"]
    assert sum(r["total"] for r in regions) + data["map"]["elsewhere"]["total"] == total
    assert (
        sum(r["open"] for r in regions) + data["map"]["elsewhere"]["open"]
        == (data["problems"]["open"])
    )


def test_the_warning_colours_are_those_of_the_ledger(world, leader):
    data = figures_for(leader)
    colours = asof.breakdown(Problem.objects.all(), D, "colour")
    expected = {c: sum(colours.get(c, {}).values()) for c in ("red", "yellow", "blue")}
    assert data["warnings"] == expected == {"red": 2, "yellow": 1, "blue": 1}
    listed = [(w["colour"], w["number"], w["inspection"]) for w in data["warning_list"]]
    # Red first (G1's deadline 2019-12-31 before Z4's 2021-06-30), then yellow; no blue.
    assert listed == [("red", "5", CENTRAL), ("red", "4", CENTRAL), ("yellow", "2", CENTRAL)]
    assert data["warning_list"][0]["url"].endswith(f"?as_of={D.isoformat()}")


def test_the_map_counts_each_prefecture_with_its_counties_and_guian_as_a_point(world, leader):
    data = figures_for(leader)
    zunyi = region(data, "520300")
    assert (zunyi["total"], zunyi["completed"], zunyi["open"]) == (4, 2, 2)
    assert (zunyi["red"], zunyi["yellow"], zunyi["blue"], zunyi["warnings"]) == (1, 1, 0, 2)
    guian = region(data, "529900")
    assert (guian["kind"], guian["open"], guian["blue"]) == (OrgKind.NEW_AREA, 1, 1)
    org = Org.objects.get(code="529900")
    assert guian["point"] == [float(org.longitude), float(org.latitude)]
    assert all(r["point"] is None for r in data["map"]["regions"] if r["code"] != "529900")
    assert region(data, "520600")["completed"] == 1
    assert data["map"]["elsewhere"]["total"] == 1  # P1, of the province itself
    assert len(data["map"]["regions"]) == 10


def test_a_unit_sees_only_its_own_subtree(world, zunyi_clerk, guiyang_outsider):
    zunyi = figures_for(zunyi_clerk)
    assert zunyi["problems"]["total"] == 4
    assert {r["code"] for r in zunyi["map"]["regions"] if r["total"]} == {"520300"}
    assert zunyi["complaints"]["received"] == 2  # the two of 播州区
    assert [p["code"] for p in zunyi["complaints"]["by_prefecture"]] == ["520300"]
    assert [i["code"] for i in zunyi["inspections"]] == [CENTRAL]
    guiyang = figures_for(guiyang_outsider)
    assert guiyang["problems"]["total"] == 1
    assert guiyang["warnings"] == {"red": 1, "yellow": 0, "blue": 0}
    assert guiyang["complaints"]["received"] == 1
    assert region(guiyang, "520300")["total"] == 0


def test_a_map_region_links_only_where_the_ledger_accepts_the_filter(world, zunyi_clerk, leader):
    links = {r["code"]: r["url"] for r in figures_for(zunyi_clerk)["map"]["regions"]}
    assert links["520300"] == f"/ledger/?region=520300&as_of={D.isoformat()}"
    assert links["520100"] is None
    chosen = figures_for(leader, code=CENTRAL)
    assert region(chosen, "529900")["url"] == (
        f"/ledger/?region=529900&as_of={D.isoformat()}&inspection={CENTRAL}"
    )


def test_the_region_link_opens_the_ledger_filtered_by_that_prefecture(world, leader, login):
    client = login(leader)
    url = region(figures_for(leader), "520300")["url"]
    response = client.get(url)
    assert response.status_code == 200
    shown = {p.pk for p in response.context["page"].object_list}
    zunyi = Org.objects.get(code="520300")
    assert shown == set(
        Problem.objects.filter(region__path__startswith=zunyi.path).values_list("pk", flat=True)
    )
    assert len(shown) == 4
    assert response.context["as_of"] == D


def test_the_figures_move_with_the_date(world, leader):
    before = figures_for(leader, date(2019, 12, 31))
    after = figures_for(leader, D)
    assert before["problems"]["completed"] == 1  # Z3 only
    assert after["problems"]["completed"] == 3
    # G1's deadline is that very day (not yet overdue), Z4 is criticised only in 2020.
    assert before["warnings"]["red"] == 0
    assert after["warnings"]["red"] == 2
    assert (before["complaints"]["received"], before["complaints"]["closed"]) == (3, 2)
    december = figures_for(leader, date(2018, 12, 15))
    assert (december["complaints"]["closed"], december["complaints"]["closure_rate"]) == (1, 0.3333)
    nothing = figures_for(leader, date(2018, 10, 1))
    assert nothing["problems"]["total"] == 0
    assert nothing["complaints"]["received"] == 0
    assert nothing["burnup"] == []
    assert nothing["warning_list"] == []


def test_later_dated_events_do_not_change_the_figures_as_of_a_date(world, leader):
    first = figures_for(leader)
    add_event(world["Z2"], EventKind.ACCEPTED, date(2020, 9, 10))
    add_event(world["G1"], EventKind.SIGNED_OFF, date(2020, 10, 1))
    assert figures_for(leader) == first
    later = figures_for(leader, date(2020, 10, 31))
    assert later["problems"]["completed"] == first["problems"]["completed"] + 2


def test_the_burnup_is_the_ledger_at_each_month_end(world, leader):
    data = figures_for(leader)
    points = data["burnup"]
    # From the first feedback (2019-05) to the as-of date, which is the last point.
    assert points[0]["date"] == "2019-05-31"
    assert points[-1]["date"] == D.isoformat()
    assert len(points) == 16
    for p in points:
        counts = asof.status_counts(Problem.objects.all(), date.fromisoformat(p["date"]))
        assert p["total"] == sum(counts.values())
        assert p["completed"] == counts[Status.COMPLETED] + counts[Status.SIGNED_OFF]
        assert 0 <= p["completed"] <= p["total"]
    assert [p["total"] for p in points] == sorted(p["total"] for p in points)
    assert points[-1]["completed"] == data["problems"]["completed"]
    assert points[-1]["total"] == data["problems"]["total"]


def test_the_burnup_samples_long_spans_and_keeps_the_as_of_date_last():
    days = dashboard.burnup_days(date(2019, 5, 10), date(2026, 11, 28))
    assert len(days) <= dashboard.BURNUP_POINTS
    assert days[-1] == date(2026, 11, 28)
    assert all(d == dashboard.month_end(d) for d in days[:-1])
    assert all(a < b for a, b in itertools.pairwise(days))
    short = dashboard.burnup_days(date(2019, 5, 10), date(2020, 8, 31))
    assert len(short) == 16 and short[0] == date(2019, 5, 31)
    assert dashboard.burnup_days(date(2019, 5, 10), date(2019, 5, 1)) == []


def test_month_ends_run_to_the_last_day_of_each_month():
    assert dashboard.month_ends(date(2019, 11, 4), date(2020, 2, 10)) == [
        date(2019, 11, 30),
        date(2019, 12, 31),
        date(2020, 1, 31),
        date(2020, 2, 10),
    ]
    assert dashboard.month_ends(date(2020, 2, 1), date(2020, 2, 29)) == [date(2020, 2, 29)]
    assert dashboard.month_end(date(2024, 2, 3)) == date(2024, 2, 29)


def test_the_slider_spans_from_the_first_on_site_day_to_today(world, leader):
    data = figures_for(leader)
    assert data["timeline"][0] == "2018-11-30"  # central on site from 2018-11-04
    assert data["timeline"][-1] == TODAY.isoformat()
    chosen = figures_for(leader, code=FOLLOWUP)
    assert chosen["timeline"][0] == "2019-07-31"


def test_complaint_breakdowns_match_the_complaint_statistics(world, leader):
    data = figures_for(leader)["complaints"]
    by_type = {t["name"]: (t["received"], t["closed"]) for t in data["by_pollution_type"]}
    assert by_type["大气"] == (2, 1)
    assert by_type["水"] == (2, 1)
    expected = complaint_stats.by_prefecture(Complaint.objects.all(), D)
    assert [(p["code"], p["received"], p["closed"]) for p in data["by_prefecture"]] == [
        (org.code, c.received, c.closed) for org, c in expected
    ]
    assert [p["code"] for p in data["by_prefecture"]] == ["520100", "520300"]


def test_the_map_data_names_every_prefecture_of_the_org_tree(orgs):
    path = finders.find("vendor/maps/guizhou.json")
    assert path, "static/vendor/maps/guizhou.json is missing: run `make assets`"
    with open(path, encoding="utf-8") as fh:
        names = {f["properties"]["name"] for f in json.load(fh)["features"]}
    prefectures = set(
        Org.objects.filter(kind=OrgKind.PREFECTURE, parent__code="520000").values_list(
            "name", flat=True
        )
    )
    assert len(prefectures) == 9
    assert names == prefectures
    # 贵安新区 has no boundary of its own in the map data: it is drawn as a point.
    guian = Org.objects.get(code="529900")
    assert guian.kind == OrgKind.NEW_AREA and guian.name not in names
    assert guian.longitude is not None and guian.latitude is not None
    assert {o.code for o in dashboard.prefectures()} == {
        *Org.objects.filter(name__in=names).values_list("code", flat=True),
        "529900",
    }
