"""The ledger list page: filters that agree with asof, counts, sorting, paging, htmx, speed."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.models import Aspect, Category, Problem
from rectify.problems.states import EventKind, Status
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event, add_milestone

D = "2019-12-15"
URL = "/ledger/"


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def category(name: str) -> Category:
    return Category.objects.get(name=name)


@pytest.fixture
def ledger(orgs):
    """Seven problems of the 2018 look-back, listed 2019-05-10, deadline 2020-12-31 unless said.

    1 遵义市, 环境生态类, aspect 1: 80 % on 2019-12-01 → ahead of schedule on 2019-12-15.
    2 播州区, 畜禽养殖类, aspect 2: plan 50 % by 2020-01-01, 20 % reported → behind (yellow).
    3 贵阳市, 城市基础设施类: nothing reported, deadline 2020-01-10 → not started, blue.
    4 南明区 (贵阳): accepted 2019-11-01 → completed.
    5 region 遵义市, lead 省生态环境厅, 自然保护地类: 40 % → on schedule (plan ≈ 36 %).
    6 赤水市 (遵义), 环境生态类: deadline 2019-11-30, 50 % → overdue, red.
    7 汇川区 (遵义), listed only 2020-03-01: not on the ledger on 2019-12-15.
    """
    inspection = InspectionFactory()
    a1 = Aspect.objects.create(inspection=inspection, number=1, name="思想认识和工作推进方面")
    a2 = Aspect.objects.create(inspection=inspection, number=2, name="长江流域生态环境保护方面")
    p = {}
    p[1] = ProblemFactory(number="1", aspect=a1, title="遵义市中心城区污水直排问题")
    add_event(p[1], EventKind.PROGRESS, date(2019, 12, 1), percent=80)
    p[2] = ProblemFactory(
        number="2",
        aspect=a2,
        category=category("畜禽养殖类"),
        region=org("520304"),
        lead_unit=org("520304"),
        title="播州区畜禽养殖废弃物资源化利用滞后",
    )
    add_milestone(p[2], date(2020, 1, 1), 50)
    add_event(p[2], EventKind.PROGRESS, date(2019, 12, 1), percent=20)
    p[3] = ProblemFactory(
        number="3",
        category=category("城市基础设施类"),
        region=org("520100"),
        lead_unit=org("520100"),
        original_deadline=date(2020, 1, 10),
        deadline=date(2020, 1, 10),
        title="贵阳市城市生活垃圾填埋场渗滤液超标",
    )
    p[4] = ProblemFactory(
        number="4",
        region=org("520102"),
        lead_unit=org("520100"),
        title="南明河黑臭水体反弹",
    )
    add_event(p[4], EventKind.PROGRESS, date(2019, 9, 1), percent=60)
    add_event(p[4], EventKind.ACCEPTED, date(2019, 11, 1))
    p[5] = ProblemFactory(
        number="5",
        category=category("自然保护地类"),
        lead_unit=org("520000-STHJT"),
        title="赤水河自然保护区内违规开发",
    )
    add_event(p[5], EventKind.PROGRESS, date(2019, 12, 1), percent=40)
    p[6] = ProblemFactory(
        number="6",
        region=org("520381"),
        lead_unit=org("520381"),
        original_deadline=date(2019, 11, 30),
        deadline=date(2019, 11, 30),
        title="赤水市工业园区污水处理厂未建成",
    )
    add_event(p[6], EventKind.PROGRESS, date(2019, 10, 1), percent=50)
    p[7] = ProblemFactory(
        number="7",
        region=org("520303"),
        lead_unit=org("520303"),
        start_date=date(2020, 3, 1),
        title="汇川区矿山生态修复滞后",
    )
    return p


def numbers(response) -> list[str]:
    """Problem numbers of the rows shown, in order."""
    return [p.number for p in response.context["page"].object_list]


def test_list_without_filters_shows_every_problem_on_the_ledger_at_the_date(
    ledger, office_clerk, login
):
    response = login(office_clerk).get(URL, {"as_of": D})
    assert response.status_code == 200
    assert numbers(response) == ["1", "2", "3", "4", "5", "6"]
    body = response.content.decode()
    assert "汇川区矿山生态修复滞后" not in body
    assert "截至 2019-12-15 共 6 个问题" in body
    assert "其中 1 个超过序时进度" in body


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("overdue", ["6"]),
        ("behind_schedule", ["2"]),
        ("not_started", ["3"]),
        ("on_schedule", ["1", "5"]),  # includes ahead of schedule
        ("ahead_of_schedule", ["1"]),
        ("completed", ["4"]),
        ("signed_off", []),
    ],
)
def test_status_filter_agrees_with_asof(ledger, office_clerk, login, status, expected):
    response = login(office_clerk).get(URL, {"as_of": D, "status": status})
    assert numbers(response) == expected
    statuses = {
        p.number: p.asof_status for p in asof.as_of(Problem.objects.all(), date(2019, 12, 15))
    }
    wanted = {Status.ON_SCHEDULE, Status.AHEAD_OF_SCHEDULE} if status == "on_schedule" else {status}
    assert expected == sorted(n for n, s in statuses.items() if s in wanted)


def test_status_filter_moves_with_the_as_of_date(ledger, office_clerk, login):
    c = login(office_clerk)
    assert numbers(c.get(URL, {"as_of": "2019-10-15", "status": "completed"})) == []
    assert numbers(c.get(URL, {"as_of": "2019-11-01", "status": "completed"})) == ["4"]
    # Problem 7 is listed from 2020-03-01 and nothing was reported: not started then.
    assert "7" in numbers(c.get(URL, {"as_of": "2020-03-02", "status": "not_started"}))


def test_filters_by_inspection_category_aspect_region_unit_and_colour(ledger, office_clerk, login):
    c = login(office_clerk)
    aspect2 = Aspect.objects.get(number=2)
    other = InspectionFactory(code="provincial-2021", name="省第三轮生态环境保护督察")
    ProblemFactory(inspection=other, number="1", title="遵义市另一轮督察的问题")
    inspection = ledger[1].inspection
    assert numbers(c.get(URL, {"as_of": D, "inspection": inspection.code})) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]
    assert numbers(c.get(URL, {"as_of": D, "inspection": other.code})) == ["1"]
    cat = category("畜禽养殖类").pk
    assert numbers(c.get(URL, {"as_of": D, "category": cat})) == ["2"]
    assert numbers(c.get(URL, {"as_of": D, "aspect": aspect2.pk})) == ["2"]
    # A prefecture includes its counties (播州区, 赤水市), but not 贵阳's.
    zunyi = c.get(URL, {"as_of": D, "region": "520300", "inspection": inspection.code})
    assert numbers(zunyi) == ["1", "2", "5", "6"]
    assert numbers(c.get(URL, {"as_of": D, "region": "520100"})) == ["3", "4"]
    assert numbers(c.get(URL, {"as_of": D, "lead_unit": "520000-STHJT"})) == ["5"]
    assert numbers(c.get(URL, {"as_of": D, "colour": "red"})) == ["6"]
    assert numbers(c.get(URL, {"as_of": D, "colour": "yellow"})) == ["2"]
    assert numbers(c.get(URL, {"as_of": D, "colour": "blue"})) == ["3"]


def test_chinese_full_text_search_narrows_the_list(ledger, office_clerk, login):
    c = login(office_clerk)
    assert numbers(c.get(URL, {"as_of": D, "q": "渗滤液"})) == ["3"]
    assert numbers(c.get(URL, {"as_of": D, "q": "赤水"})) == ["5", "6"]
    assert numbers(c.get(URL, {"as_of": D, "q": "污水 遵义"})) == ["1"]


def test_counts_above_the_table_follow_the_filter(ledger, office_clerk, login):
    c = login(office_clerk)
    response = c.get(URL, {"as_of": D, "region": "520300"})
    counts = {row["key"]: row["n"] for row in response.context["counts"]}
    assert counts == {
        "overdue": 1,
        "behind_schedule": 1,
        "not_started": 0,
        "on_schedule": 2,
        "completed": 0,
        "signed_off": 0,
    }
    assert response.context["total"] == 4
    assert response.context["ahead"] == 1
    expected = asof.status_counts(
        Problem.objects.filter(region__path__startswith="/520000/520300/"), date(2019, 12, 15)
    )
    assert counts["on_schedule"] == expected["on_schedule"] + expected["ahead_of_schedule"]

    red = c.get(URL, {"as_of": D, "colour": "red"})
    assert {row["key"]: row["n"] for row in red.context["counts"]}["overdue"] == 1
    assert red.context["total"] == 1
    only_behind = c.get(URL, {"as_of": D, "status": "behind_schedule"})
    assert only_behind.context["total"] == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("number", ["1", "2", "3", "4", "5", "6"]),
        ("-number", ["6", "5", "4", "3", "2", "1"]),
        ("deadline", ["6", "3", "1", "2", "4", "5"]),
        ("status", ["6", "2", "3", "5", "1", "4"]),
        ("-percent", ["1", "4", "6", "5", "2", "3"]),
        ("percent", ["3", "2", "5", "6", "4", "1"]),
    ],
)
def test_sorting(ledger, office_clerk, login, sort, expected):
    assert numbers(login(office_clerk).get(URL, {"as_of": D, "sort": sort})) == expected


def test_pages_hold_fifty_problems(orgs, office_clerk, login):
    for n in range(1, 56):
        ProblemFactory(number=str(n))
    c = login(office_clerk)
    first = c.get(URL, {"as_of": "2020-01-01"})
    assert len(numbers(first)) == 50
    assert first.context["page"].paginator.num_pages == 2
    second = c.get(URL, {"as_of": "2020-01-01", "page": 2})
    assert numbers(second) == [str(n) for n in range(51, 56)]


def test_htmx_request_gets_only_the_results_fragment(ledger, office_clerk, login):
    c = login(office_clerk)
    full = c.get(URL, {"as_of": D})
    fragment = c.get(URL, {"as_of": D, "q": "渗滤液"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "贵阳市城市生活垃圾填埋场渗滤液超标" in body
    assert "遵义市中心城区污水直排问题" not in body
    assert "<html" in full.content.decode()
    assert 'hx-target="#results"' in full.content.decode()
    assert "HX-Request" in fragment["Vary"]
    # A history restore asks for the whole page even through htmx.
    restore = c.get(
        URL, {"as_of": D}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_page_shows_badges_and_warning_dots(ledger, office_clerk, login):
    body = login(office_clerk).get(URL, {"as_of": D}).content.decode()
    assert 'class="badge st-overdue"' in body
    assert 'class="dot dot-red"' in body
    assert 'class="dot dot-yellow"' in body


def test_a_bad_filter_value_is_reported_and_ignored(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": D, "region": "999999"})
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert numbers(response) == ["1", "2", "3", "4", "5", "6"]


def _ledger_of(n: int, start: int = 0) -> None:
    """n problems, each with milestones, events and cooperating units (rows that could N+1)."""
    zunyi, bozhou = org("520300"), org("520304")
    for i in range(start, start + n):
        p = ProblemFactory(number=f"q{i}")
        p.cooperating_units.set([zunyi, bozhou])
        add_milestone(p, date(2020, 1, 1), 30)
        add_event(p, EventKind.PROGRESS, date(2019, 12, 1), percent=i % 100)


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{"as_of": D}, {"as_of": D, "status": "on_schedule", "colour": "yellow", "sort": "status"}],
)
def test_query_count_of_the_list_does_not_grow_with_the_ledger(
    orgs, zunyi_clerk, login, django_assert_max_num_queries, params
):
    c = login(zunyi_clerk)
    _ledger_of(3)
    small = _queries(c, params)
    _ledger_of(57, start=3)
    large = _queries(c, params)
    assert large == small
    with django_assert_max_num_queries(16):
        c.get(URL, params)


def test_inspection_counts_agree_with_the_list_they_link_to(ledger, office_clerk, login):
    c = login(office_clerk)
    page = c.get("/ledger/inspections/", {"as_of": D})
    (row,) = page.context["rows"]
    assert (row["total"], row["done"], row["on_schedule"], row["behind_schedule"]) == (6, 1, 2, 1)
    assert (row["not_started"], row["overdue"], row["signed_off"]) == (1, 1, 0)
    link = f"/ledger/?inspection=central-2018-lookback&amp;status=behind_schedule&amp;as_of={D}"
    assert link in page.content.decode()
    listed = c.get(
        URL, {"inspection": "central-2018-lookback", "status": "behind_schedule", "as_of": D}
    )
    assert listed.context["total"] == row["behind_schedule"]
