"""Property tests: SQL as-of figures equal a brute-force recomputation of DESIGN.md's rules,
and nothing dated or recorded after the question's date changes the answer."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.states import DeadlineKind, EventKind, Status
from rectify.problems.testing import ProblemFactory, add_event, add_milestone

BASE = date(2019, 5, 10)
EVENT_KINDS = [
    EventKind.PROGRESS,
    EventKind.PROGRESS,
    EventKind.ACCEPTED,
    EventKind.SIGNED_OFF,
    EventKind.REOPENED,
    EventKind.DEADLINE_CHANGED,
    EventKind.CRITICISED,
]


@dataclass
class Ev:
    kind: str
    on: date
    percent: int | None = None
    new_deadline: date | None = None
    recorded_late: bool = False  # recorded after the moment we ask "as known at"


@dataclass
class Spec:
    start: date
    kind: str
    deadline: date | None
    warning_days: int
    milestones: list[tuple[date, int]] = field(default_factory=list)
    events: list[Ev] = field(default_factory=list)


@st.composite
def specs(draw):
    start = BASE + timedelta(days=draw(st.integers(0, 400)))
    kind = draw(st.sampled_from(list(DeadlineKind.values)))
    deadline = (
        None if kind == DeadlineKind.ONGOING else start + timedelta(days=draw(st.integers(0, 700)))
    )
    milestones = []
    if deadline is not None and (deadline - start).days > 2:
        days = sorted(set(draw(st.lists(st.integers(1, (deadline - start).days - 1), max_size=3))))
        pcts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(days), max_size=len(days))))
        milestones = [(start + timedelta(days=d), p) for d, p in zip(days, pcts, strict=True)]
    events = []
    for _ in range(draw(st.integers(0, 6))):
        ev_kind = draw(st.sampled_from(EVENT_KINDS))
        on = start + timedelta(days=draw(st.integers(0, 900)))
        ev = Ev(ev_kind, on, recorded_late=draw(st.booleans()))
        if ev_kind == EventKind.PROGRESS:
            ev.percent = draw(st.integers(0, 100))
        if ev_kind == EventKind.DEADLINE_CHANGED:
            if deadline is None:
                continue
            ev.new_deadline = deadline + timedelta(days=draw(st.integers(1, 400)))
        events.append(ev)
    return Spec(start, kind, deadline, draw(st.integers(0, 60)), milestones, events)


def brute_status(spec: Spec, d: date, *, skip_late: bool = False) -> tuple[str, str] | None:
    """DESIGN.md's rules, written out directly: (status, colour), or None if not listed."""
    if spec.start > d:
        return None
    events = [e for e in spec.events if e.on <= d and not (skip_late and e.recorded_late)]
    ordered = sorted(enumerate(events), key=lambda ie: (ie[1].on, ie[0]))
    latest = {}
    for _, e in ordered:
        group = (
            "completion"
            if e.kind in (EventKind.ACCEPTED, EventKind.SIGNED_OFF, EventKind.REOPENED)
            else e.kind
        )
        latest[group] = e
    completion = latest.get("completion")
    progress = latest.get(EventKind.PROGRESS)
    changed = latest.get(EventKind.DEADLINE_CHANGED)
    deadline = changed.new_deadline if changed else spec.deadline
    ongoing = spec.kind == DeadlineKind.ONGOING
    if completion and completion.kind == EventKind.SIGNED_OFF:
        status = Status.SIGNED_OFF
    elif completion and completion.kind == EventKind.ACCEPTED:
        status = Status.COMPLETED
    elif not ongoing and deadline < d:
        status = Status.OVERDUE
    elif progress is None:
        status = Status.NOT_STARTED
    elif ongoing:
        recent = (d - progress.on).days <= asof.ONGOING_REPORT_DAYS
        status = Status.ON_SCHEDULE if recent else Status.BEHIND_SCHEDULE
    else:
        planned = brute_planned(spec, deadline, d)
        if progress.percent < planned:
            status = Status.BEHIND_SCHEDULE
        elif progress.percent >= planned + asof.AHEAD_MARGIN and deadline > d:
            status = Status.AHEAD_OF_SCHEDULE
        else:
            status = Status.ON_SCHEDULE
    done = status in (Status.COMPLETED, Status.SIGNED_OFF)
    criticised = any(e.kind == EventKind.CRITICISED for e in events)
    if status == Status.OVERDUE or (criticised and not done and not ongoing):
        colour = "red"
    elif status == Status.BEHIND_SCHEDULE:
        colour = "yellow"
    elif not done and not ongoing and 0 <= (deadline - d).days <= spec.warning_days:
        colour = "blue"
    else:
        colour = ""
    return status, colour


def brute_planned(spec: Spec, deadline: date, d: date) -> Fraction:
    if d >= deadline:
        return Fraction(100)
    before = [(m, p) for m, p in spec.milestones if m <= d]
    after = [(m, p) for m, p in spec.milestones if d < m < deadline]
    prev = before[-1] if before else (spec.start, 0)
    nxt = after[0] if after else (deadline, 100)
    span = (nxt[0] - prev[0]).days
    if span <= 0:
        return Fraction(nxt[1])
    return prev[1] + Fraction((nxt[1] - prev[1]) * (d - prev[0]).days, span)


def build(specs_: list[Spec], cutoff: datetime) -> None:
    for i, spec in enumerate(specs_):
        p = ProblemFactory(
            number=str(i + 1),
            start_date=spec.start,
            deadline_kind=spec.kind,
            original_deadline=spec.deadline,
            deadline=spec.deadline,
            warning_days=spec.warning_days,
        )
        for on, pct in spec.milestones:
            add_milestone(p, on, pct)
        for e in spec.events:
            recorded = cutoff + timedelta(days=1) if e.recorded_late else cutoff - timedelta(days=1)
            add_event(
                p,
                e.kind,
                e.on,
                percent=e.percent,
                new_deadline=e.new_deadline,
                recorded_at=recorded,
            )


def sql_states(d: date, **kwargs) -> dict[str, tuple[str, str]]:
    return {
        p.number: (p.asof_status, p.asof_colour)
        for p in asof.as_of(Problem.objects.all(), d, **kwargs)
    }


PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
dates = st.integers(0, 1300).map(lambda n: BASE + timedelta(days=n))


@PROPERTY
@given(ledger=st.lists(specs(), min_size=1, max_size=6), d=dates)
def test_sql_status_and_colour_equal_brute_force(orgs, ledger, d):
    cutoff = timezone.now()
    with transaction.atomic():
        build(ledger, cutoff)
        expected = {
            str(i + 1): s
            for i, spec in enumerate(ledger)
            if (s := brute_status(spec, d)) is not None
        }
        assert sql_states(d) == expected
        counts = asof.status_counts(Problem.objects.all(), d)
        assert counts == {
            **dict.fromkeys(Status.values, 0),
            **Counter(s for s, _ in expected.values()),
        }
        by_category = asof.breakdown(Problem.objects.all(), d, "category")
        assert sum(sum(v.values()) for v in by_category.values()) == sum(counts.values())
        transaction.set_rollback(True)


@PROPERTY
@given(ledger=st.lists(specs(), min_size=1, max_size=5), d=dates, later=specs())
def test_events_dated_after_d_never_change_figures_as_of_d(orgs, ledger, d, later):
    cutoff = timezone.now()
    with transaction.atomic():
        build(ledger, cutoff)
        before = sql_states(d)
        counts_before = asof.status_counts(Problem.objects.all(), d)
        for p in Problem.objects.all():
            for e in later.events:
                on = max(e.on, d + timedelta(days=1))
                add_event(
                    p,
                    e.kind,
                    on,
                    percent=e.percent,
                    new_deadline=(e.new_deadline and max(e.new_deadline, on)),
                )
        assert sql_states(d) == before
        assert asof.status_counts(Problem.objects.all(), d) == counts_before
        transaction.set_rollback(True)


@PROPERTY
@given(ledger=st.lists(specs(), min_size=1, max_size=5), d=dates)
def test_events_recorded_after_known_at_are_ignored(orgs, ledger, d):
    cutoff = timezone.now()
    with transaction.atomic():
        build(ledger, cutoff)
        expected = {
            str(i + 1): s
            for i, spec in enumerate(ledger)
            if (s := brute_status(spec, d, skip_late=True)) is not None
        }
        assert sql_states(d, known_at=cutoff) == expected
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", [DeadlineKind.BY_DATE, DeadlineKind.IMMEDIATE])
def test_immediate_and_dated_deadlines_behave_alike(orgs, kind):
    p = ProblemFactory(deadline_kind=kind, original_deadline=date(2019, 6, 1))
    add_event(p, EventKind.PROGRESS, date(2019, 5, 20), percent=100)
    assert asof.state_of(p, date(2019, 6, 1)).asof_status == Status.ON_SCHEDULE
    assert asof.state_of(p, date(2019, 6, 2)).asof_status == Status.OVERDUE
