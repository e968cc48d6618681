"""GET /api/v1/problems: scope per role, filters that agree with asof, paging, query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.models import Aspect, Category, Problem
from rectify.problems.states import EventKind, Status
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event, add_milestone

D = date(2019, 12, 15)
URL = "/api/v1/problems"


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def category(name: str) -> Category:
    return Category.objects.get(name=name)


@pytest.fixture
def ledger(orgs):
    """Seven problems of the 2018 look-back, listed 2019-05-10, deadline 2020-12-31 unless said.

    1 遵义市 (lead 遵义市), 环境生态类, aspect 1: 80 % on 2019-12-01 → ahead on 2019-12-15.
    2 播州区, 畜禽养殖类, aspect 2: plan 50 % by 2020-01-01, 20 % reported → behind (yellow).
    3 贵阳市, 城市基础设施类: nothing reported, deadline 2020-01-10 → not started, blue.
    4 南明区 (贵阳): accepted 2019-11-01 → completed.
    5 region 遵义市, lead 省生态环境厅, 自然保护地类: 30 % → behind the 36 % plan.
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
        title="贵阳市生活垃圾焚烧发电项目建设滞后",
    )
    p[4] = ProblemFactory(
        number="4", region=org("520102"), lead_unit=org("520102"), title="南明河支流黑臭水体"
    )
    add_event(p[4], EventKind.PROGRESS, date(2019, 9, 1), percent=100)
    add_event(p[4], EventKind.ACCEPTED, date(2019, 11, 1))
    p[5] = ProblemFactory(
        number="5",
        category=category("自然保护地类"),
        lead_unit=org("520000-STHJT"),
        title="赤水桫椤国家级自然保护区内违规小水电",
    )
    add_event(p[5], EventKind.PROGRESS, date(2019, 12, 1), percent=30)
    p[6] = ProblemFactory(
        number="6",
        region=org("520381"),
        lead_unit=org("520381"),
        original_deadline=date(2019, 11, 30),
        deadline=date(2019, 11, 30),
        title="赤水河流域酿酒企业废水超标排放",
    )
    add_event(p[6], EventKind.PROGRESS, date(2019, 10, 1), percent=50)
    p[7] = ProblemFactory(
        number="7",
        region=org("520303"),
        lead_unit=org("520303"),
        start_date=date(2020, 3, 1),
        title="汇川区工业园区固体废物堆存",
    )
    return p


def numbers(body) -> list[str]:
    return [item["number"] for item in body["items"]]


def get(client, **params):
    response = client.get(URL, {"as_of": D.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_office_lists_every_problem_on_the_ledger_with_its_as_of_state(
    ledger, login, office_clerk, client
):
    login(office_clerk)
    body = get(client)
    assert body["count"] == 6 and numbers(body) == ["1", "2", "3", "4", "5", "6"]
    assert body["as_of"] == "2019-12-15"
    expected = {p.number: p for p in asof.as_of(Problem.objects.all(), D)}
    for item in body["items"]:
        p = expected[item["number"]]
        assert item["status"] == p.asof_status
        assert item["colour"] == (p.asof_colour or None)
        assert item["percent"] == p.asof_percent
        assert item["planned_percent"] == (
            round(p.asof_planned, 1) if p.asof_planned is not None else None
        )
    by_number = {item["number"]: item for item in body["items"]}
    assert by_number["1"]["status"] == Status.AHEAD_OF_SCHEDULE
    assert by_number["6"] == by_number["6"] | {"status": "overdue", "colour": "red"}
    assert by_number["3"]["deadline"] == "2020-01-10" and by_number["3"]["colour"] == "blue"
    assert by_number["2"]["region"] == {"code": "520304", "name": "播州区"}
    assert by_number["2"]["aspect"] == "长江流域生态环境保护方面"


def test_zunyi_unit_lists_only_problems_in_zunyi(ledger, login, zunyi_clerk, client):
    login(zunyi_clerk)
    body = get(client)
    # 5 is led by a provincial department but lies in 遵义市; 3 and 4 are 贵阳's.
    assert numbers(body) == ["1", "2", "5", "6"]


def test_bozhou_unit_lists_only_its_county(ledger, login, bozhou_clerk, client):
    login(bozhou_clerk)
    assert numbers(get(client)) == ["2"]


def test_department_lists_what_it_leads(ledger, login, dept_clerk, client):
    login(dept_clerk)
    assert numbers(get(client)) == ["5"]


def test_team_member_lists_its_granted_prefecture(ledger, login, team_member, client):
    login(team_member)
    assert numbers(get(client)) == ["1", "2", "5", "6"]


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_separated_duties_list_nothing(ledger, login, client, request, role):
    login(request.getfixturevalue(role))
    body = get(client)
    assert body["count"] == 0 and body["items"] == []


def test_anonymous_gets_json_401(ledger, client):
    response = client.get(URL)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "status, wanted",
    [
        ("on_schedule", {Status.ON_SCHEDULE, Status.AHEAD_OF_SCHEDULE}),
        ("ahead_of_schedule", {Status.AHEAD_OF_SCHEDULE}),
        ("behind_schedule", {Status.BEHIND_SCHEDULE}),
        ("not_started", {Status.NOT_STARTED}),
        ("completed", {Status.COMPLETED}),
        ("overdue", {Status.OVERDUE}),
        ("signed_off", {Status.SIGNED_OFF}),
    ],
)
def test_status_filter_agrees_with_asof(ledger, login, office_clerk, client, status, wanted):
    login(office_clerk)
    expected = sorted(
        p.number for p in asof.as_of(Problem.objects.all(), D) if p.asof_status in wanted
    )
    body = get(client, status=status)
    assert numbers(body) == expected and body["count"] == len(expected)
    assert {item["status"] for item in body["items"]} <= wanted


def test_on_schedule_includes_ahead(ledger, login, office_clerk, client):
    login(office_clerk)
    assert "1" in numbers(get(client, status="on_schedule"))  # 1 is ahead


@pytest.mark.parametrize("colour", ["red", "yellow", "blue"])
def test_colour_filter_agrees_with_asof(ledger, login, office_clerk, client, colour):
    login(office_clerk)
    expected = sorted(
        p.number for p in asof.as_of(Problem.objects.all(), D) if p.asof_colour == colour
    )
    assert expected  # the dataset has each colour
    assert numbers(get(client, colour=colour)) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"inspection": "central-2018-lookback"}, ["1", "2", "3", "4", "5", "6"]),
        ({"category": "环境生态类"}, ["1", "4", "6"]),
        ({"aspect": "2"}, ["2"]),
        ({"aspect": "思想认识和工作推进方面"}, ["1"]),
        ({"aspect": "²"}, []),  # a name, not a number
        ({"aspect": "99999999999"}, []),
        ({"inspection": "central-2018-lookback", "aspect": "1"}, ["1"]),
        ({"region": "520300"}, ["1", "2", "5", "6"]),  # descendants included
        ({"region": "520100"}, ["3", "4"]),
        ({"lead_unit": "520300"}, ["1", "2", "6"]),
        ({"lead_unit": "520000-STHJT"}, ["5"]),
        ({"q": "赤水"}, ["5", "6"]),
        ({"q": "废水 超标"}, ["6"]),
        ({"region": "520300", "status": "behind_schedule"}, ["2", "5"]),
    ],
)
def test_filters(ledger, login, office_clerk, client, params, expected):
    login(office_clerk)
    assert numbers(get(client, **params)) == expected


def test_as_of_a_later_date_lists_newly_listed_problems(ledger, login, office_clerk, client):
    login(office_clerk)
    body = get(client, as_of="2020-03-02", region="520303")
    assert numbers(body) == ["7"] and body["items"][0]["status"] == Status.NOT_STARTED
    assert get(client, as_of="2019-10-01", status="completed")["count"] == 0
    assert numbers(get(client, as_of="2019-11-01", status="completed")) == ["4"]


def test_as_of_defaults_to_today(ledger, login, office_clerk, client):
    login(office_clerk)
    body = client.get(URL).json()
    assert body["as_of"] == date.today().isoformat() and body["count"] == 7


def test_paging_with_count(ledger, login, office_clerk, client):
    login(office_clerk)
    first = get(client, limit=4)
    second = get(client, limit=4, offset=4)
    assert first["count"] == second["count"] == 6
    assert numbers(first) == ["1", "2", "3", "4"] and numbers(second) == ["5", "6"]
    assert get(client, limit=2, offset=2, status="on_schedule")["count"] == 1


def test_ordering(ledger, login, office_clerk, client):
    login(office_clerk)
    assert numbers(get(client, ordering="-number")) == ["6", "5", "4", "3", "2", "1"]
    # deadlines: 6 (2019-11-30), 3 (2020-01-10), then the rest (2020-12-31) by number
    assert numbers(get(client, ordering="deadline")) == ["6", "3", "1", "2", "4", "5"]
    assert numbers(get(client, ordering="-deadline"))[-2:] == ["3", "6"]
    assert numbers(get(client, ordering="-percent"))[:2] == ["4", "1"]


def test_numbers_sort_naturally(orgs, login, office_clerk, client):
    for n in ("10", "2", "1"):
        ProblemFactory(number=n)
    login(office_clerk)
    assert numbers(get(client)) == ["1", "2", "10"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"category": "不存在类"}, "category"),
        ({"region": "999999"}, "region"),
        ({"lead_unit": "nope"}, "lead_unit"),
        ({"inspection": "central-1999"}, "inspection"),
        ({"status": "finished"}, "status"),
        ({"colour": "green"}, "colour"),
        ({"as_of": "2019-13-01"}, "as_of"),
        ({"limit": "500"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "10000000000000000000000"}, "offset"),
        ({"ordering": "title"}, "ordering"),
    ],
)
def test_bad_filters_answer_422_naming_the_field(
    ledger, login, office_clerk, client, params, field
):
    login(office_clerk)
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert any(e["field"].split(".")[-1] == field for e in body["errors"]), body


def test_an_inspection_outside_scope_is_unknown_to_the_unit(orgs, login, guiyang_outsider, client):
    InspectionFactory()
    ProblemFactory(number="1")  # 遵义's
    login(guiyang_outsider)
    response = client.get(URL, {"inspection": "central-2018-lookback"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "inspection"


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "环境生态类", "ordering": "-deadline"},
        {"status": "not_started", "region": "520300"},
        {"q": "污水处理"},
    ],
)
def test_list_query_count_does_not_grow_with_the_ledger(
    orgs, login, zunyi_clerk, client, django_assert_max_num_queries, params
):
    login(zunyi_clerk)
    params = {"as_of": "2020-01-15", **params}
    ProblemFactory.create_batch(3)
    small = _count_queries(client, params)
    for p in ProblemFactory.create_batch(30):
        add_event(p, EventKind.PROGRESS, date(2019, 12, 1), percent=40)
        add_milestone(p, date(2020, 6, 1), 60)
    large = _count_queries(client, params)
    assert large == small
    # session, user, scope grants, user's org, one per reference filter, count, page,
    # session save (3 statements): nothing per row
    assert small <= 11
    with django_assert_max_num_queries(small):
        client.get(URL, params)
