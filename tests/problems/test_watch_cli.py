"""`rectify warnings`: records the day's warnings once per date and reports colour changes."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rectify.core.models import AuditEvent
from rectify.problems.models import WarningRecord
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event

D = date


def run(*args) -> str:
    out = StringIO()
    call_command("warnings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ledger(orgs):
    """z-red: deadline 2020-10-31, 95 % on 2020-09-20 → blue on 10-01, red on 11-15.
    z-yellow: 20 % on 2020-01-01 → yellow on both dates.
    z-calm: 80 % on 2020-09-01, deadline 2021-06-30 → ahead of plan, no colour on either date.
    """
    p = {
        "z-red": ProblemFactory(number="z-red", original_deadline=D(2020, 10, 31)),
        "z-yellow": ProblemFactory(number="z-yellow"),
        "z-calm": ProblemFactory(number="z-calm", original_deadline=D(2021, 6, 30)),
    }
    add_event(p["z-red"], EventKind.PROGRESS, D(2020, 9, 20), percent=95)
    add_event(p["z-yellow"], EventKind.PROGRESS, D(2020, 1, 1), percent=20)
    add_event(p["z-calm"], EventKind.PROGRESS, D(2020, 9, 1), percent=80)
    return p


def test_records_the_days_warnings_with_days_and_reason(ledger):
    out = run("--as-of", "2020-11-15")
    assert "warnings 2020-11-15: red 1, yellow 1, blue 0; 2 recorded, 0 already there" in out
    records = {
        r.problem.number: (r.colour, r.days)
        for r in WarningRecord.objects.filter(effective_date=D(2020, 11, 15))
    }
    assert records["z-red"] == ("red", 15)
    assert records["z-yellow"][0] == "yellow"
    assert "z-calm" not in records


def test_second_run_records_nothing_new_and_writes_no_audit_row(ledger):
    run("--as-of", "2020-11-15")
    audits = AuditEvent.objects.count()
    records = WarningRecord.objects.count()
    out = run("--as-of", "2020-11-15")
    assert "0 recorded, 2 already there" in out
    assert WarningRecord.objects.count() == records
    assert AuditEvent.objects.count() == audits


def test_first_run_writes_one_audit_row(ledger):
    before = AuditEvent.objects.count()
    run("--as-of", "2020-11-15")
    (event,) = AuditEvent.objects.order_by("-seq")[: AuditEvent.objects.count() - before]
    assert event.action == "problems.record_warnings"
    assert event.actor_label == "cli:warnings"
    assert event.after["recorded"] == 2


def test_reports_colour_changes_since_the_previous_recorded_date(ledger):
    out = run("--as-of", "2020-10-01")
    assert "no earlier recorded date" in out
    out = run("--as-of", "2020-11-15")
    assert "colour changes since 2020-10-01: 1" in out
    assert "central-2018-lookback z-red: blue -> red" in out
    assert "z-yellow:" not in out


def test_a_problem_losing_its_colour_is_reported_as_none(ledger):
    run("--as-of", "2020-10-01")
    add_event(ledger["z-yellow"], EventKind.ACCEPTED, D(2020, 10, 20))
    out = run("--as-of", "2020-11-15")
    assert "z-yellow: yellow -> none" in out


def test_defaults_to_today(ledger, time_machine):
    time_machine.move_to("2020-11-15 08:00 +0800", tick=False)
    out = run()
    assert out.startswith("warnings 2020-11-15:")


def test_refuses_a_future_date_and_a_bad_date(ledger):
    with pytest.raises(CommandError, match="future"):
        run("--as-of", "2999-01-01")
    with pytest.raises(CommandError, match="not a date"):
        run("--as-of", "15/11/2020")
    assert WarningRecord.objects.count() == 0
