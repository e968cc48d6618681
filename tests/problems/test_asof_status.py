"""Status as of several dates on a hand-computed dataset (see the table in each test)."""

from datetime import date

import pytest

from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.states import Colour, DeadlineKind, EventKind, Status
from rectify.problems.testing import ProblemFactory, add_event, add_milestone

D = date


@pytest.fixture
def ledger(orgs):
    """Six problems, all listed 2019-05-10 with deadline 2020-12-31 unless said.

    p_done:    progress 50 % on 2019-10-01, accepted 2020-06-01, signed off 2020-09-01.
    p_behind:  milestone 50 % at 2020-01-01; reports 20 % on 2019-12-01.
    p_ahead:   reports 80 % on 2019-12-01 (plan then ≈ 33 %).
    p_idle:    nothing reported.
    p_ontime:  reports 30 % on 2019-12-01 (plan on 2019-12-01 ≈ 28.9 %).
    p_ongoing: 长期坚持; reports 2019-11-15 and 2020-03-01.
    """
    p = {}
    p["done"] = ProblemFactory(number="1")
    add_event(p["done"], EventKind.PROGRESS, D(2019, 10, 1), percent=50)
    add_event(p["done"], EventKind.ACCEPTED, D(2020, 6, 1))
    add_event(p["done"], EventKind.SIGNED_OFF, D(2020, 9, 1))
    p["behind"] = ProblemFactory(number="2")
    add_milestone(p["behind"], D(2020, 1, 1), 50)
    add_event(p["behind"], EventKind.PROGRESS, D(2019, 12, 1), percent=20)
    p["ahead"] = ProblemFactory(number="3")
    add_event(p["ahead"], EventKind.PROGRESS, D(2019, 12, 1), percent=80)
    p["idle"] = ProblemFactory(number="4")
    p["ontime"] = ProblemFactory(number="5")
    add_event(p["ontime"], EventKind.PROGRESS, D(2019, 12, 1), percent=30)
    p["ongoing"] = ProblemFactory(
        number="6", deadline_kind=DeadlineKind.ONGOING, original_deadline=None, deadline=None
    )
    add_event(p["ongoing"], EventKind.PROGRESS, D(2019, 11, 15), percent=10)
    add_event(p["ongoing"], EventKind.PROGRESS, D(2020, 3, 1), percent=20)
    return p


def statuses(on: date) -> dict[str, str]:
    return {x.number: x.asof_status for x in asof.as_of(Problem.objects.all(), on)}


def test_status_on_2019_12_15(ledger):
    # plan on 2019-12-15 for a straight line 2019-05-10 → 2020-12-31 is 219/601 ≈ 36.4 %
    # p_behind's plan: 50 % × 219/236 ≈ 46.4 %
    assert statuses(D(2019, 12, 15)) == {
        "1": Status.AHEAD_OF_SCHEDULE,  # 50 ≥ 36.4 + 10
        "2": Status.BEHIND_SCHEDULE,
        "3": Status.AHEAD_OF_SCHEDULE,
        "4": Status.NOT_STARTED,
        "5": Status.BEHIND_SCHEDULE,  # 30 < 36.4
        "6": Status.ON_SCHEDULE,  # reported 30 days ago
    }


def test_status_on_2019_12_01(ledger):
    # straight-line plan on 2019-12-01 is 205/601 ≈ 34.1 %; p_ontime 30 is behind
    s = statuses(D(2019, 12, 1))
    assert s["5"] == Status.BEHIND_SCHEDULE
    assert s["3"] == Status.AHEAD_OF_SCHEDULE


def test_status_on_2020_07_01_and_after_deadline(ledger):
    s = statuses(D(2020, 7, 1))
    assert s["1"] == Status.COMPLETED
    assert s["6"] == Status.BEHIND_SCHEDULE  # last report 2020-03-01, 122 days ago
    s = statuses(D(2021, 1, 1))
    assert s == {
        "1": Status.SIGNED_OFF,
        "2": Status.OVERDUE,
        "3": Status.OVERDUE,
        "4": Status.OVERDUE,
        "5": Status.OVERDUE,
        "6": Status.BEHIND_SCHEDULE,
    }


def test_counts_and_breakdown_add_up(ledger):
    counts = asof.status_counts(Problem.objects.all(), D(2019, 12, 15))
    assert counts[Status.BEHIND_SCHEDULE] == 2 and counts[Status.NOT_STARTED] == 1
    assert sum(counts.values()) == 6
    by_cat = asof.breakdown(Problem.objects.all(), D(2019, 12, 15), "category")
    assert by_cat == {"环境生态类": counts}


def test_problems_not_yet_listed_are_not_counted(ledger):
    assert sum(asof.status_counts(Problem.objects.all(), D(2019, 5, 9)).values()) == 0


def test_extension_moves_the_deadline_only_from_its_effective_date(ledger):
    p = ledger["idle"]
    add_event(p, EventKind.DEADLINE_CHANGED, D(2020, 12, 1), new_deadline=D(2021, 6, 30))
    assert statuses(D(2021, 1, 1))["4"] == Status.NOT_STARTED
    assert statuses(D(2021, 7, 1))["4"] == Status.OVERDUE


def test_rebound_reopens_a_signed_off_problem(ledger):
    add_event(ledger["done"], EventKind.REOPENED, D(2020, 10, 1))
    assert statuses(D(2020, 9, 15))["1"] == Status.SIGNED_OFF
    # plan on 2020-10-02 is 511/601 ≈ 85 %, the last report said 50 %
    assert statuses(D(2020, 10, 2))["1"] == Status.BEHIND_SCHEDULE


def test_colours(ledger):
    got = {x.number: x.asof_colour for x in asof.as_of(Problem.objects.all(), D(2020, 12, 10))}
    assert got["1"] == ""  # done
    assert got["2"] == Colour.YELLOW  # behind
    assert got["4"] == Colour.BLUE  # not started, 21 days left, within 30 warning days
    got = {x.number: x.asof_colour for x in asof.as_of(Problem.objects.all(), D(2021, 1, 5))}
    assert got["2"] == Colour.RED


def test_publicly_criticised_problem_turns_red(ledger):
    add_event(ledger["ahead"], EventKind.CRITICISED, D(2020, 2, 1))
    got = {x.number: x.asof_colour for x in asof.as_of(Problem.objects.all(), D(2020, 2, 2))}
    assert got["3"] == Colour.RED
