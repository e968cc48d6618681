"""The warnings page: colours as of a date in the caller's scope, filters, counts, days and
reasons, and the problems that changed colour between two dates."""

from datetime import date

import pytest

from rectify.orgs.models import Org
from rectify.problems import asof, watch
from rectify.problems.models import Problem
from rectify.problems.states import EventKind
from rectify.problems.testing import InspectionFactory, ProblemFactory, add_event

D = date
URL = "/ledger/watch/"
A = D(2020, 10, 1)  # "compare with" date
B = D(2020, 11, 15)  # "as of" date


@pytest.fixture
def ledger(orgs):
    """Listed 2019-05-10. Colour on 2020-10-01 → on 2020-11-15:

    z-red    遵义, deadline 2020-10-31, 95 % on 2020-09-20: blue → red (15 days overdue)
    z-yellow 遵义, deadline 2020-12-31, 20 % on 2020-01-01: yellow → yellow
    z-blue   遵义, deadline 2020-12-01, 99 % on 2020-11-10: none → blue (16 days left)
    z-fixed  遵义, deadline 2020-09-30, 80 % on 2020-06-01, accepted 2020-10-20: red → none
    z-done   遵义, accepted 2020-09-01: none → none
    g-red    贵阳, deadline 2020-06-30, nothing reported: red → red
    """
    guiyang = Org.objects.get(code="520100")
    p = {}
    p["z-red"] = ProblemFactory(number="z-red", original_deadline=D(2020, 10, 31))
    add_event(p["z-red"], EventKind.PROGRESS, D(2020, 9, 20), percent=95)
    p["z-yellow"] = ProblemFactory(number="z-yellow")
    add_event(p["z-yellow"], EventKind.PROGRESS, D(2020, 1, 1), percent=20)
    p["z-blue"] = ProblemFactory(number="z-blue", original_deadline=D(2020, 12, 1))
    add_event(p["z-blue"], EventKind.PROGRESS, D(2020, 11, 10), percent=99)
    p["z-fixed"] = ProblemFactory(number="z-fixed", original_deadline=D(2020, 9, 30))
    add_event(p["z-fixed"], EventKind.PROGRESS, D(2020, 6, 1), percent=80)
    add_event(p["z-fixed"], EventKind.ACCEPTED, D(2020, 10, 20))
    p["z-done"] = ProblemFactory(number="z-done")
    add_event(p["z-done"], EventKind.PROGRESS, D(2020, 8, 1), percent=100)
    add_event(p["z-done"], EventKind.ACCEPTED, D(2020, 9, 1))
    p["g-red"] = ProblemFactory(
        number="g-red",
        region=guiyang,
        lead_unit=guiyang,
        original_deadline=D(2020, 6, 30),
        title="贵阳市南明河支流黑臭水体整治不到位问题",
    )
    return p


def numbers(response, key="rows") -> list[str]:
    items = response.context["changes"].rows if key == "changed" else response.context[key]
    return [x.problem.number for x in items]


def test_office_sees_every_warning_red_first_with_counts(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat()})
    assert response.status_code == 200
    # Red, yellow, blue; within a colour the earliest deadline (the most overdue) first.
    assert numbers(response) == ["g-red", "z-red", "z-yellow", "z-blue"]
    counts = {c["colour"]: c["n"] for c in response.context["counts"]}
    assert counts == {"red": 2, "yellow": 1, "blue": 1}


def test_days_and_reason_come_with_each_warning(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat()})
    rows = {r.problem.number: r for r in response.context["rows"]}
    assert (rows["z-red"].days, rows["z-red"].days_kind) == (15, "overdue")
    assert (rows["z-blue"].days, rows["z-blue"].days_kind) == (16, "left")
    assert rows["z-yellow"].days_kind == "behind"
    # The plan reached 20 % about four months after 2019-05-10; that is ~15 months ago.
    assert 400 < rows["z-yellow"].days < 500
    assert rows["g-red"].days == (B - D(2020, 6, 30)).days


def test_zunyi_unit_does_not_see_guiyang_problems(ledger, zunyi_clerk, login):
    response = login(zunyi_clerk).get(URL, {"as_of": B.isoformat()})
    assert numbers(response) == ["z-red", "z-yellow", "z-blue"]
    assert "g-red" not in numbers(response, "changed")
    assert "贵阳市南明河" not in response.content.decode()
    counts = {c["colour"]: c["n"] for c in response.context["counts"]}
    assert counts == {"red": 1, "yellow": 1, "blue": 1}


def test_guiyang_unit_sees_only_its_own(ledger, guiyang_outsider, login):
    response = login(guiyang_outsider).get(URL, {"as_of": B.isoformat()})
    assert numbers(response) == ["g-red"]
    assert numbers(response, "changed") == []


def test_a_county_does_not_see_its_prefectures_problems(ledger, bozhou_clerk, login):
    response = login(bozhou_clerk).get(URL, {"as_of": B.isoformat()})
    assert numbers(response) == []


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_get_404(ledger, who, request, login):
    user = request.getfixturevalue(who)
    assert login(user).get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"colour": "red"}, ["g-red", "z-red"]),
        ({"colour": "blue"}, ["z-blue"]),
        ({"prefecture": "520100"}, ["g-red"]),
        ({"lead_unit": "520300"}, ["z-red", "z-yellow", "z-blue"]),
        ({"prefecture": "520300", "colour": "yellow"}, ["z-yellow"]),
    ],
)
def test_filters_narrow_the_list(ledger, office_clerk, login, params, expected):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat(), **params})
    assert numbers(response) == expected


def test_inspection_filter(ledger, office_clerk, login):
    other = InspectionFactory(code="provincial-2021-zunyi", feedback_date=D(2021, 9, 1))
    ProblemFactory(inspection=other, number="p-1", original_deadline=D(2020, 11, 1))
    response = login(office_clerk).get(
        URL, {"as_of": B.isoformat(), "inspection": "provincial-2021-zunyi"}
    )
    assert numbers(response) == ["p-1"]


def test_colour_changes_between_two_dates(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat(), "since": A.isoformat()})
    changed = {c.problem.number: (c.before, c.after) for c in response.context["changes"].rows}
    assert changed == {
        "z-red": ("blue", "red"),
        "z-blue": ("", "blue"),
        "z-fixed": ("red", ""),
    }
    changes = response.context["changes"]
    transitions = {(t["before"], t["after"]): t["n"] for t in changes.transitions}
    assert changes.total == 3
    assert transitions == {("blue", "red"): 1, ("", "blue"): 1, ("red", ""): 1}


def test_compare_date_defaults_to_the_first_day_of_the_previous_month(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat()})
    assert response.context["since"] == D(2020, 10, 1)
    assert watch.first_of_previous_month(D(2021, 1, 20)) == D(2020, 12, 1)


def test_a_bad_date_is_reported_and_the_page_still_answers(ledger, office_clerk, login):
    response = login(office_clerk).get(URL, {"as_of": B.isoformat(), "since": "2020-13-45"})
    assert response.status_code == 200
    assert "since" in response.context["form"].errors
    assert response.context["since"] == D(2020, 10, 1)
    response = login(office_clerk).get(URL, {"as_of": B.isoformat(), "since": "2021-01-01"})
    assert "since" in response.context["form"].errors


def test_colour_changes_helper_matches_colours_computed_one_date_at_a_time(ledger):
    qs = Problem.objects.all()
    before = {p.number: p.asof_colour for p in asof.as_of(qs, A)}
    after = {p.number: p.asof_colour for p in asof.as_of(qs, B)}
    expected = {
        n: (before.get(n, ""), after.get(n, ""))
        for n in before.keys() | after.keys()
        if before.get(n, "") != after.get(n, "")
    }
    got = watch.colour_changes(qs, A, B)
    assert {c.problem.number: (c.before, c.after) for c in got.rows} == expected
    assert got.total == len(expected)
    # A limit shows the first changes (by the colour they turned to) but counts them all.
    limited = watch.colour_changes(qs, A, B, limit=1)
    assert [c.problem.number for c in limited.rows] == ["z-red"]
    assert limited.total == 3


def test_warning_index_counts_and_orders_in_one_query(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        index = watch.warning_index(Problem.objects.all(), B)
    assert index.counts == {"red": 2, "yellow": 1, "blue": 1}
    number_of = dict(Problem.objects.values_list("pk", "number"))
    assert [number_of[pk] for pk in index.ids("red")] == ["g-red", "z-red"]


def test_htmx_filtering_renders_only_the_results(ledger, office_clerk, login):
    c = login(office_clerk)
    response = c.get(URL, {"as_of": B.isoformat(), "colour": "red"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<form method="get" class="filters"')
    assert "<html" not in html
    assert 'data-number="z-red"' in html and 'data-number="z-yellow"' not in html


def test_page_has_no_inline_scripts_or_styles(ledger, office_clerk, login):
    html = login(office_clerk).get(URL, {"as_of": B.isoformat()}).content.decode()
    assert "style=" not in html
    assert "<script>" not in html
    assert "rectify/watch.css" in html
