"""The demo ledger reproduces the figures of the 2020 Guizhou disclosure."""

import io
from datetime import date

from django.core.management import call_command
from django.utils import timezone

from rectify.core.audit import verify_chain
from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.states import Status

AUG_2020 = date(2020, 8, 31)


def totals(qs, by):
    return {k: sum(v.values()) for k, v in asof.breakdown(qs, AUG_2020, by).items()}


def test_demo_reproduces_the_disclosure_and_is_idempotent(db):
    call_command("demo", stdout=io.StringIO())

    central = Problem.objects.filter(inspection__code="central-2018-lookback")
    counts = asof.status_counts(central, AUG_2020)
    assert sum(counts.values()) == 42
    assert counts[Status.COMPLETED] + counts[Status.SIGNED_OFF] == 30
    assert counts[Status.ON_SCHEDULE] + counts[Status.AHEAD_OF_SCHEDULE] == 12
    assert totals(central, "category") == {
        "思想认识类": 8,
        "城市基础设施类": 11,
        "自然保护地类": 6,
        "“三磷”污染类": 4,
        "环境生态类": 5,
        "畜禽养殖类": 3,
        "其他类": 5,
    }
    assert len(totals(central, "aspect")) == 3

    provincial = Problem.objects.filter(inspection__code="provincial-2019-lookback")
    counts = asof.status_counts(provincial, AUG_2020)
    assert sum(counts.values()) == 184
    assert counts[Status.COMPLETED] + counts[Status.SIGNED_OFF] == 63

    recent = Problem.objects.filter(inspection__code="central-2024-round3")
    colours = asof.breakdown(recent, timezone.localdate(), "colour")
    assert {"red", "yellow", "blue"} <= set(colours)

    from rectify.dispatch.models import ProgressReport
    from rectify.signoff.models import Application
    from rectify.signoff.queries import published_notices

    assert ProgressReport.objects.filter(state="reviewed").count() == 1
    assert set(Application.objects.values_list("state", flat=True)) == {"in_review", "notice"}
    assert published_notices().count() == 1

    before = Problem.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert Problem.objects.count() == before
    assert verify_chain() is None
