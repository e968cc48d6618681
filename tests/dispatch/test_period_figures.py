"""Per-unit figures of a period (owed / submitted / late / missing) against a hand-made
ledger, and who owes a report at all."""

from datetime import date

import pytest

from rectify.dispatch import queries
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems
from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from tests.dispatch.conftest import (
    at,
    guiyang_problem,
    open_period,
    org,
    write,
    zunyi_problem,
)

# May 2025: reports due 2025-06-05; the figures are read on 2025-06-20.
TODAY = date(2025, 6, 20)


@pytest.fixture
def may(office_clerk):
    return open_period(office_clerk, 2025, 5)


@pytest.fixture
def ledger(may, zunyi_clerk, bozhou_clerk):
    """遵义市 owes 4 (1 on time, 1 late, 1 draft only, 1 nothing), 播州区 owes 1 (on time),
    贵阳市 owes 2 (nothing); three more problems owe nothing for May."""
    p = {
        "on_time": zunyi_problem("1"),
        "late": zunyi_problem("2"),
        "draft": zunyi_problem("3"),
        "nothing": zunyi_problem("4"),
        # Accepted in June: still open at the end of May, so it owes May's report.
        "accepted_later": zunyi_problem("5"),
        # Accepted in May: done at the period's end, owes nothing.
        "accepted_in_may": zunyi_problem("6"),
        # Listed in June: not on the ledger at the end of May.
        "listed_later": zunyi_problem("7", start_date=date(2025, 6, 10)),
        "bozhou": zunyi_problem("8", region=org("520304"), lead_unit=org("520304")),
        "guiyang_a": guiyang_problem("9"),
        "guiyang_b": guiyang_problem("10"),
    }
    add_event(p["accepted_in_may"], EventKind.ACCEPTED, date(2025, 5, 20))
    add_event(p["accepted_later"], EventKind.ACCEPTED, date(2025, 6, 15))
    write(p["on_time"], may, zunyi_clerk, when=at(2025, 6, 3), on=date(2025, 5, 30))
    write(p["late"], may, zunyi_clerk, when=at(2025, 6, 10), on=date(2025, 6, 5))
    # Submitted at 23:59 on the due date: still on time.
    write(p["accepted_later"], may, zunyi_clerk, when=at(2025, 6, 5, 23), on=date(2025, 5, 31))
    write(p["draft"], may, zunyi_clerk, when=at(2025, 6, 4), on=date(2025, 5, 31), submit=False)
    write(p["bozhou"], may, bozhou_clerk, when=at(2025, 6, 1), on=date(2025, 5, 31))
    return p


def by_unit(figures):
    return {
        u.unit.code: (u.owed, u.submitted, u.late, u.not_submitted, u.missing)
        for u in figures.units
    }


def test_each_unit_owes_one_report_per_open_problem_and_the_figures_add_up(ledger, may):
    figures = queries.period_figures(may, Problem.objects.all(), today=TODAY)
    assert by_unit(figures) == {
        #          owed submitted late not_submitted missing
        "520300": (5, 3, 1, 2, 2),
        "520304": (1, 1, 0, 0, 0),
        "520100": (2, 0, 0, 2, 2),
    }
    assert figures.totals == {
        "owed": 8,
        "submitted": 4,
        "late": 1,
        "reviewed": 0,
        "not_submitted": 4,
        "missing": 4,
        "on_time": 3,
    }


def test_before_the_due_date_nothing_is_missing_yet(ledger, may):
    figures = queries.period_figures(may, Problem.objects.all(), today=date(2025, 6, 5))
    assert by_unit(figures)["520100"] == (2, 0, 0, 2, 0)
    assert figures.totals["missing"] == 0


def test_a_unit_sees_only_the_figures_of_its_own_scope(ledger, may, guiyang_outsider, zunyi_clerk):
    guiyang = queries.period_figures(may, visible_problems(guiyang_outsider), today=TODAY)
    assert set(by_unit(guiyang)) == {"520100"}
    zunyi = queries.period_figures(may, visible_problems(zunyi_clerk), today=TODAY)
    assert set(by_unit(zunyi)) == {"520300", "520304"}


def test_the_owing_list_names_the_problems_and_their_report_state(ledger, may, zunyi_clerk):
    rows = {p.number: p.report_state for p in queries.my_reports(zunyi_clerk, may)}
    assert rows == {
        "1": "submitted",
        "2": "submitted",
        "3": "draft",
        "4": None,
        "5": "submitted",
        "8": "submitted",  # 播州区 is a county of 遵义市: the city may report for it
    }


def test_figures_cost_a_fixed_number_of_queries(ledger, may, django_assert_max_num_queries):
    for n in range(11, 31):
        zunyi_problem(str(n))
    with django_assert_max_num_queries(2):
        figures = queries.period_figures(may, Problem.objects.all(), today=TODAY)
    assert figures.totals["owed"] == 28


def test_the_quality_check_gets_the_period_in_force(ledger, may, office_clerk):
    assert queries.period_start_for(date(2025, 5, 15)) == date(2025, 5, 1)
    assert queries.period_start_for(date(2025, 6, 15)) == date(2025, 5, 1)
    assert queries.period_start_for(date(2025, 4, 30)) is None
    june = open_period(office_clerk, 2025, 6)
    assert queries.period_start_for(date(2025, 6, 15)) == june.start_date
