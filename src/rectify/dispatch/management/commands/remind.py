"""`rectify remind [--today YYYY-MM-DD]`: remind units of reports due soon or missing (cron).

Reports due within three days and not submitted, and reports still missing after the due
date of an open period, are announced to the lead unit's users in the app and by e-mail
(Django's mail settings). Running it again on the same day sends nothing new.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rectify.dispatch.actions import do_send_reminders


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Remind lead units of progress reports due within three days or missing after the "
        "due date, in the app and by e-mail; idempotent for a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        day = _date(today) if today else timezone.localdate()
        run = do_send_reminders(today=day, actor="cli:remind")
        for line in run.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"remind {day}: {run.notifications} notifications to {run.units} units, "
            f"{run.mails} e-mails; {run.skipped} already reminded today"
        )
