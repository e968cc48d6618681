"""Property tests: complaint figures as of D equal a brute-force replay of the dated steps
and results, the breakdowns add up, and nothing dated after D (recorded later) changes them."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.complaints import actions, stats
from rectify.complaints.actions import ResultData
from rectify.complaints.models import Complaint
from rectify.complaints.states import OPEN_STATES, State, Step, Verdict
from tests.complaints.ui_support import (
    BOZHOU,
    YUNYAN,
    intake,
    make_batch,
    org,
    pii_key,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.usefixtures("pii_key")

START = date(2025, 6, 2)
BATCH_DAYS = (date(2025, 6, 2), date(2025, 6, 6))
KINDS = ("大气", "水", "噪声")
COUNTS = ("ordered_rectify", "penalty_cases", "fines_yuan", "held_accountable")


@dataclass
class Op:
    day: date
    kind: str  # a Step, or "file"
    close: str = ""
    verdict: str = Verdict.TRUE
    counts: dict = field(default_factory=dict)
    deadline: date | None = None
    unit: str = ""


@dataclass
class Spec:
    batch: int
    region: str
    kinds: tuple[str, ...]
    ops: list[Op]


@st.composite
def specs(draw):
    batch = draw(st.integers(0, 1))
    day = BATCH_DAYS[batch]
    state, has_result, ops = State.RECEIVED, False, []
    for _ in range(draw(st.integers(0, 6))):
        day = day + timedelta(days=draw(st.integers(1, 4)))
        choices = {
            State.RECEIVED: ["assign"],
            State.IN_PROGRESS: ["file", "reassign"]
            + (["close", "close_stage"] if has_result else []),
            State.STAGE_CLOSED: ["file", "close", "return"],
            State.CLOSED: ["return"],
        }[state]
        kind = draw(st.sampled_from(choices))
        op = Op(day, kind)
        if kind in ("assign", "reassign"):
            op.deadline = day + timedelta(days=draw(st.integers(0, 8)))
            op.unit = draw(st.sampled_from(["520304", "520300", "520100"]))
            state = State.IN_PROGRESS
        elif kind == "file":
            op.verdict = draw(st.sampled_from(Verdict.values))
            op.counts = {name: draw(st.integers(0, 3)) for name in COUNTS}
            allowed = ["", Step.CLOSE] + ([Step.CLOSE_STAGE] if state == State.IN_PROGRESS else [])
            op.close = draw(st.sampled_from(allowed))
            has_result = True
            state = {"": state, Step.CLOSE: State.CLOSED, Step.CLOSE_STAGE: State.STAGE_CLOSED}[
                op.close
            ]
        elif kind == "close":
            state = State.CLOSED
        elif kind == "close_stage":
            state = State.STAGE_CLOSED
        elif kind == "return":
            op.deadline = day + timedelta(days=draw(st.integers(0, 8)))
            state = State.IN_PROGRESS
        ops.append(op)
    kinds = tuple(draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True)))
    return Spec(batch, draw(st.sampled_from([BOZHOU, YUNYAN])), kinds, ops)


def apply(c: Complaint, op: Op, office) -> None:
    c.refresh_from_db()
    with time_machine.travel(op.day, tick=False):
        if op.kind == "file":
            counts = dict(op.counts)
            counts["fines_yuan"] = Decimal(counts["fines_yuan"] * 100)
            actions.check_file_result(
                c,
                actor=office,
                data=ResultData(
                    "核查属实。",
                    op.verdict,
                    "已整改。",
                    accountability="问责。" if counts["held_accountable"] else "",
                    **counts,
                ),
                effective_date=op.day,
                close=op.close,
            )
        else:
            unit = op.unit
            if op.kind == "reassign" and c.lead_unit.code == unit:
                unit = next(u for u in ("520304", "520300") if u != c.lead_unit.code)
                op.unit = unit
            actions.check_transition_complaint(
                c,
                op.kind,
                actor=office,
                effective_date=op.day,
                lead_unit=org(unit) if unit else None,
                deadline=op.deadline,
                reason="退回重办。" if op.kind == "return" else "",
            )


def brute(ledger: list[Spec], d: date) -> dict:
    """DESIGN.md's rules written out: state, result and deadline in force on `d`."""
    states: Counter = Counter()
    money: Counter = Counter()
    verdicts: Counter = Counter()
    overdue = 0
    for spec in ledger:
        if BATCH_DAYS[spec.batch] > d:
            continue
        state, result, deadline = State.RECEIVED, None, None
        for op in spec.ops:
            if op.day > d:
                break
            if op.kind in ("assign", "reassign"):
                state, deadline = State.IN_PROGRESS, op.deadline
            elif op.kind == "file":
                result = op
                state = {"": state, Step.CLOSE: State.CLOSED, Step.CLOSE_STAGE: State.STAGE_CLOSED}[
                    op.close
                ]
            elif op.kind == "return":
                state, deadline = State.IN_PROGRESS, op.deadline
            else:
                state = {"close": State.CLOSED, "close_stage": State.STAGE_CLOSED}[op.kind]
        states[state] += 1
        if result is not None:
            verdicts[result.verdict] += 1
            money.update(result.counts)
        if state in OPEN_STATES and deadline is not None and deadline < d:
            overdue += 1
    return {
        "received": sum(states.values()),
        "closed": states[State.CLOSED],
        "closed_stage": states[State.STAGE_CLOSED],
        "in_progress": states[State.RECEIVED] + states[State.IN_PROGRESS],
        "money": {name: money[name] for name in COUNTS},
        "verdicts": {v: verdicts[v] for v in Verdict.values},
        "overdue": overdue,
    }


def sql(d: date) -> dict:
    qs = Complaint.objects.all()
    c = stats.counts(qs, d)
    money = stats.enforcement(qs, d)
    return {
        "received": c.received,
        "closed": c.closed,
        "closed_stage": c.closed_stage,
        "in_progress": c.in_progress,
        "money": {
            name: (int(money[name] / 100) if name == "fines_yuan" else money[name])
            for name in COUNTS
        },
        "verdicts": stats.by_verdict(qs, d),
        "overdue": stats.overdue(qs, d).count(),
    }


def breakdowns(d: date) -> tuple:
    qs = Complaint.objects.all()
    return (
        [(n, c) for n, c in stats.by_batch(qs, d)],
        [(o.code, c) for o, c in stats.by_prefecture(qs, d)],
        [(t.name, c) for t, c in stats.by_pollution_type(qs, d)],
    )


PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(ledger=st.lists(specs(), min_size=1, max_size=5))
def test_figures_equal_a_replay_and_never_change_for_past_dates(office_clerk, ledger):
    with transaction.atomic():
        batches = [
            make_batch(office_clerk, 1, received_on=BATCH_DAYS[0], code="prop"),
            make_batch(office_clerk, 2, received_on=BATCH_DAYS[1], code="prop"),
        ]
        complaints = [
            intake(batches[s.batch], office_clerk, i + 1, region=s.region, kinds=s.kinds)
            for i, s in enumerate(ledger)
        ]
        ops = sorted(
            ((op, c) for s, c in zip(ledger, complaints, strict=True) for op in s.ops),
            key=lambda pair: pair[0].day,
        )
        days = sorted({START - timedelta(days=1), START, *(op.day for op, _ in ops)})
        seen = {}
        for d in days:
            for op, c in ops:
                if op.day == d:
                    apply(c, op, office_clerk)
            # What one would have read on `d`, with only what was recorded by then.
            seen[d] = (sql(d), breakdowns(d))
        for d in days:
            # Asked again once everything later has been recorded: the same answer.
            assert (sql(d), breakdowns(d)) == seen[d], d
            assert seen[d][0] == brute(ledger, d), d
            figures, (by_batch, by_prefecture, by_type) = seen[d]
            for attr in ("received", "closed", "closed_stage", "in_progress"):
                total = figures[attr]
                assert sum(getattr(c, attr) for _, c in by_batch) == total
                assert sum(getattr(c, attr) for _, c in by_prefecture) == total
            received = [s for s in ledger if BATCH_DAYS[s.batch] <= d]
            assert sum(c.received for _, c in by_type) == sum(len(s.kinds) for s in received)
        transaction.set_rollback(True)
