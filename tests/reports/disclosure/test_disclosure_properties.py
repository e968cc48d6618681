"""Properties of the disclosure figures (hypothesis, few examples):
- the figures as of D never change when events dated after D are added (a problem's
  status event, a complaint step or a new complaint, oversight records);
- every total equals the sum of its breakdown, for any ledger and any date."""

from calendar import monthrange
from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.complaints import actions as complaint_actions
from rectify.complaints.models import Complaint
from rectify.complaints.states import State, Step
from rectify.oversight import actions as oversight_actions
from rectify.oversight.models import AccountabilityCase, Rank, SanctionClass
from rectify.problems.models import Category, Problem
from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from rectify.reports.render import compute_figures
from tests.reports.disclosure import support
from tests.reports.disclosure.support import TODAY, D, at

FEW = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LATER = st.integers(min_value=1, max_value=(TODAY - D).days)  # dated after D, not after today
EVENT_KINDS = [
    EventKind.PROGRESS,
    EventKind.ACCEPTED,
    EventKind.SIGNED_OFF,
    EventKind.REOPENED,
    EventKind.DEADLINE_CHANGED,
    EventKind.BASICALLY_DONE,
    EventKind.CRITICISED,
]
LATER_KINDS = ["status", "complaint_return", "new_complaint", "supervision", "meeting", "person"]


def _add_later(kind: str, on: date, n: int, office, inspection) -> None:
    problems = list(Problem.objects.order_by("pk"))
    if kind == "status":
        event = EVENT_KINDS[n % len(EVENT_KINDS)]
        fields = {}
        if event == EventKind.PROGRESS:
            fields["percent"] = (n * 37) % 101
        if event == EventKind.DEADLINE_CHANGED:
            fields["new_deadline"] = on + timedelta(days=90)
        add_event(problems[n % len(problems)], event, on, **fields)
    elif kind == "complaint_return":
        returnable = Complaint.objects.filter(state__in=[State.CLOSED, State.STAGE_CLOSED])
        closed = returnable.order_by("pk").first()
        if closed is None:
            return
        with time_machine.travel(at(on), tick=False):
            complaint_actions.check_transition_complaint(
                closed,
                Step.RETURN,
                actor=office,
                effective_date=on,
                deadline=on + timedelta(days=15),
                reason="核查不到位，退回重办。",
            )
    elif kind == "new_complaint":
        batch = support.complaint_batch(office, inspection, 10 + n, on, 1)
        support.handle(office, support.complaint(office, batch, 1), on)
    elif kind == "supervision":
        support.supervision(office, inspection, ["letter", "interview", "notification"][n % 3], on)
    elif kind == "meeting":
        support.meeting(office, inspection, "专题会", on)
    elif kind == "person":
        case = AccountabilityCase.objects.get(inspection=inspection)
        with time_machine.travel(at(TODAY), tick=False):
            oversight_actions.check_add_held_person(
                case,
                actor=office,
                data={
                    "name": f"李某{n}",
                    "post": "副局长",
                    "unit_name": "遵义市生态环境局",
                    "rank": Rank.objects.get(code="section"),
                    "sanction": SanctionClass.objects.get(name="约谈"),
                    "decision_date": on,
                },
            )


@FEW
@given(later=st.lists(st.tuples(st.sampled_from(LATER_KINDS), LATER), min_size=1, max_size=4))
def test_figures_as_of_a_date_never_change_when_later_dated_events_are_added(
    world, office_clerk, later
):
    before = compute_figures(world, D)
    with transaction.atomic():
        for n, (kind, days) in enumerate(later):
            _add_later(kind, D + timedelta(days=days), n, office_clerk, world)
        assert compute_figures(world, D) == before
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", LATER_KINDS)
def test_the_same_records_dated_on_the_day_itself_do_count(world, office_clerk, kind):
    before = compute_figures(world, D)
    _add_later(kind, D, 2, office_clerk, world)  # 2: signs off the on-schedule problem
    assert compute_figures(world, D) != before


def _check_totals(f: dict) -> None:
    p = f["problems"]
    total = p["total"]
    assert total == sum(p["by_category"].values())
    assert total == sum(p["by_aspect"].values())
    assert total == sum(p["by_deadline_year"].values())
    assert total == (
        p["completed"] + p["on_schedule"] + p["behind_schedule"] + p["not_started"] + p["overdue"]
    )
    assert p["signed_off"] <= p["completed"] and p["ahead_of_schedule"] <= p["on_schedule"]
    q = f["complaints"]
    assert q["assigned"] == q["closed"] + q["closed_stage"] + q["in_progress"]
    a = f["accountability"]
    assert a["persons"] == sum(a["by_rank"].values())
    assert a["person_times"] == sum(a["by_sanction"].values())
    assert f["meetings"] == sum(f["meetings_by_kind"].values())
    for block in f["followup"]:
        assert 0 <= block["completed"] <= block["total"]


PROBLEMS = st.lists(
    st.tuples(
        st.sampled_from(["环境生态类", "畜禽养殖类", "其他类"]),
        st.sampled_from([date(2019, 12, 31), date(2020, 6, 30), date(2021, 6, 30)]),
        st.lists(
            st.tuples(st.sampled_from(EVENT_KINDS[:4]), st.integers(0, 500), st.integers(0, 100)),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=6,
)


@FEW
@given(problems=PROBLEMS, days=st.integers(0, 600))
def test_every_total_equals_the_sum_of_its_breakdown(world, problems, days):
    with transaction.atomic():
        for i, (category, deadline, events) in enumerate(problems):
            pr = support.problem(
                world,
                f"h{i}",
                category=category,
                aspect=None if i % 2 else world.aspects.first(),
                original_deadline=deadline,
            )
            for kind, offset, percent in events:
                on = world.feedback_date + timedelta(days=offset)
                extra = {"percent": percent} if kind == EventKind.PROGRESS else {}
                add_event(pr, kind, on, **extra)
        as_of = world.feedback_date + timedelta(days=days)
        _check_totals(compute_figures(world, min(as_of, TODAY)))
        assert Category.objects.exists()
        transaction.set_rollback(True)


def test_the_small_ledger_adds_up_at_every_month_end(world):
    ends = [date(y, m, monthrange(y, m)[1]) for y in (2018, 2019, 2020) for m in range(1, 13)]
    for day in [d for d in ends if date(2018, 10, 1) <= d <= TODAY]:
        _check_totals(compute_figures(world, day))
