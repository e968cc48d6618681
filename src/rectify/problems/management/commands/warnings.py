"""`rectify warnings [--as-of YYYY-MM-DD]`: record the day's warnings (meant for cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rectify.problems import watch
from rectify.problems.actions import do_record_warnings
from rectify.problems.models import WarningRecord
from rectify.problems.states import Colour


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Record every problem's warning colour (red/yellow/blue) on a date, once per date, "
        "and print the counts and the colour changes since the previous recorded date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        day = _date(as_of) if as_of else timezone.localdate()
        if day > timezone.localdate():
            raise CommandError(
                f"--as-of {day} is in the future; warnings are recorded as they are."
            )
        self._run(day)

    def _run(self, day: date) -> None:
        before = WarningRecord.objects.filter(effective_date=day).count()
        counts = do_record_warnings(day, actor="cli:warnings")
        recorded = WarningRecord.objects.filter(effective_date=day).count() - before
        parts = ", ".join(f"{c.value} {counts.get(c.value, 0)}" for c in Colour)
        self.stdout.write(f"warnings {day}: {parts}; {recorded} recorded, {before} already there")
        previous = watch.previous_recorded_date(day)
        if previous is None:
            self.stdout.write("no earlier recorded date: no colour changes to report")
            return
        changes = watch.recorded_changes(previous, day)
        self.stdout.write(f"colour changes since {previous}: {len(changes)}")
        for problem, old, new in changes:
            self.stdout.write(
                f"  {problem.inspection.code} {problem.number}: {old or 'none'} -> {new or 'none'}"
                f"  {problem.title[:40]}"
            )
