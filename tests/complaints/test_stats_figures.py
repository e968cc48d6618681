"""Complaint figures as of a date: counts, 办结率, enforcement totals, verdicts, breakdowns
by batch, prefecture and pollution type, and overdue complaints."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from rectify.complaints import stats
from rectify.complaints.models import Complaint
from rectify.complaints.states import Step, Verdict
from rectify.orgs.models import Org
from tests.complaints.ui_support import (
    YUNYAN,
    assign,
    file,
    intake,
    make_batch,
    pii_key,  # noqa: F401 - fixture
    step,
)

pytestmark = pytest.mark.usefixtures("pii_key")
QS = Complaint.objects.all


@pytest.fixture
def world(office_clerk):
    """Batch 1 (6-02): three of 播州区, one of 云岩区; batch 2 (6-09): one of 播州区.

    - a (大气+噪声): assigned 6-03, result 6-06 (true, fine 1000), closed 6-06.
    - b (水): assigned 6-03 due 6-08, stage-closed 6-07 with a result (partly true); a
      corrected result 6-12 (fine 5000) and closed 6-12.
    - c (大气+水+土壤): assigned 6-03 due 6-05, still in progress.
    - d (云岩区, 噪声): not assigned.
    - e (batch 2, 大气): assigned 6-10.
    """
    with time_machine.travel(date(2025, 6, 20), tick=False):
        one = make_batch(office_clerk, 1, received_on=date(2025, 6, 2))
        two = make_batch(office_clerk, 2, received_on=date(2025, 6, 9))
        a = intake(one, office_clerk, 1, kinds=("大气", "噪声"))
        b = intake(one, office_clerk, 2, kinds=("水",))
        c = intake(one, office_clerk, 3, kinds=("大气", "水", "土壤"))
        intake(one, office_clerk, 4, region=YUNYAN, kinds=("噪声",))
        e = intake(two, office_clerk, 5, kinds=("大气",))
        assign(a, office_clerk, date(2025, 6, 3))
        assign(b, office_clerk, date(2025, 6, 3), deadline=date(2025, 6, 8))
        assign(c, office_clerk, date(2025, 6, 3), deadline=date(2025, 6, 5))
        file(a, office_clerk, date(2025, 6, 6), close=Step.CLOSE, fines_yuan="1000")
        file(
            b,
            office_clerk,
            date(2025, 6, 7),
            verdict=Verdict.PARTLY_TRUE,
            close=Step.CLOSE_STAGE,
            ordered_rectify=1,
        )
        file(b, office_clerk, date(2025, 6, 12), fines_yuan="5000", ordered_rectify=2)
        step(b, office_clerk, Step.CLOSE, date(2025, 6, 12))
        assign(e, office_clerk, date(2025, 6, 10))
    return {"a": a, "b": b, "c": c, "e": e}


def test_counts_and_the_closure_rate_on_each_date(world):
    on = {
        date(2025, 6, 1): (0, 0, 0, 0),
        date(2025, 6, 2): (4, 0, 0, 4),
        date(2025, 6, 6): (4, 1, 0, 3),
        date(2025, 6, 7): (4, 1, 1, 2),
        date(2025, 6, 9): (5, 1, 1, 3),
        date(2025, 6, 12): (5, 2, 0, 3),
    }
    for day, (received, closed, stage, open_) in on.items():
        c = stats.counts(QS(), day)
        assert (c.received, c.closed, c.closed_stage, c.in_progress) == (
            received,
            closed,
            stage,
            open_,
        ), day
    # 办结率 counts 已办结 only: on 6-07 one of four (the stage-closed one is not counted).
    assert stats.counts(QS(), date(2025, 6, 7)).closure_rate == 0.25
    assert stats.counts(QS(), date(2025, 6, 12)).closure_rate == 0.4
    assert stats.counts(QS(), date(2025, 6, 1)).closure_rate == 0.0


def test_enforcement_and_verdicts_come_from_the_result_in_force(world):
    before = stats.enforcement(QS(), date(2025, 6, 11))
    assert (before["fines_yuan"], before["ordered_rectify"]) == (Decimal("1000.00"), 1)
    after = stats.enforcement(QS(), date(2025, 6, 12))
    # b's corrected result replaces its first one from 6-12 on: not added to it.
    assert (after["fines_yuan"], after["ordered_rectify"]) == (Decimal("6000.00"), 2)
    assert stats.by_verdict(QS(), date(2025, 6, 7)) == {
        "true": 1,
        "mostly_true": 0,
        "partly_true": 1,
        "untrue": 0,
    }
    assert stats.by_verdict(QS(), date(2025, 6, 12))["true"] == 2


def test_breakdowns_add_up_to_the_total_except_pollution_types(world):
    day = date(2025, 6, 12)
    total = stats.counts(QS(), day)
    batches = stats.by_batch(QS(), day)
    assert [b.number for b, _ in batches] == [1, 2]
    for attr in ("received", "closed", "closed_stage", "in_progress"):
        assert sum(getattr(c, attr) for _, c in batches) == getattr(total, attr)
    prefectures = stats.by_prefecture(QS(), day)
    assert [o.code for o, _ in prefectures] == ["520100", "520300"]
    assert sum(c.received for _, c in prefectures) == total.received
    assert dict((o.code, c.closed) for o, c in prefectures) == {"520100": 0, "520300": 2}
    types = {t.name: c for t, c in stats.by_pollution_type(QS(), day)}
    # a counts under 大气 and 噪声, c under 大气, 水 and 土壤: 8 mentions for 5 complaints.
    assert {n: c.received for n, c in types.items() if c.received} == {
        "大气": 3,
        "水": 2,
        "土壤": 1,
        "噪声": 2,
    }
    assert sum(c.received for c in types.values()) == 8 > total.received
    assert types["水"].closed == 1 and types["大气"].closed == 1


def test_overdue_is_judged_on_the_date_asked(world):
    def overdue(day):
        return sorted(c.acceptance_no[-1] for c in stats.overdue(QS(), day))

    assert overdue(date(2025, 6, 5)) == []  # due that day: not yet late
    assert overdue(date(2025, 6, 6)) == ["3"]
    assert overdue(date(2025, 6, 7)) == ["3"]  # b is stage-closed, not open
    assert overdue(date(2025, 6, 20)) == ["3"]


def test_a_prefecture_figure_counts_its_counties(world):
    zunyi = Org.objects.get(code="520300")
    within = QS().filter(region__path__startswith=zunyi.path)
    assert stats.counts(within, date(2025, 6, 12)).received == 4
