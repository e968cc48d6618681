"""`rectify check-data`: the data-quality checks over the whole ledger (or one inspection).

Exit status: 0 when clean, 1 when there are findings (so a data pipeline can stop on them),
2 on bad arguments.
"""

import json
from contextlib import nullcontext
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from rectify.problems import quality
from rectify.problems.models import Inspection, Problem


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value!r}", returncode=2) from exc


class Command(BaseCommand):
    help = (
        "List data contradictions to fix before figures go out (100 % reported but not "
        "applied, no report in the period, dates out of order, completed without evidence, "
        "milestones after the deadline). Exits 1 when anything is found."
    )

    def add_arguments(self, parser):
        parser.add_argument("--inspection", help="inspection code (default: all inspections)")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--period-start", help="YYYY-MM-DD (default: first day of the as-of month)"
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--lang", help="language of the messages (zh-hans, en)")

    def handle(self, *args, **options):
        as_of = _date("--as-of", options["as_of"]) if options["as_of"] else timezone.localdate()
        period_start = (
            _date("--period-start", options["period_start"])
            if options["period_start"]
            else quality.default_period_start(as_of)
        )
        problems = Problem.objects.all()
        code = options["inspection"]
        if code:
            inspection = Inspection.objects.filter(code=code).first()
            if inspection is None:
                raise CommandError(f"--inspection: no inspection with code {code!r}", returncode=2)
            problems = problems.filter(inspection=inspection)
        lang = options["lang"]
        with translation.override(lang) if lang else nullcontext():
            results = quality.run_checks(problems, as_of=as_of, period_start=period_start)
            total = sum(len(v) for v in results.values())
            if options["format"] == "json":
                self._json(results, code, as_of, period_start, total)
            else:
                self._text(results, as_of, period_start, total)
        if total:
            raise CommandError(f"{total} data-quality finding(s)", returncode=1)

    def _json(self, results, code, as_of, period_start, total) -> None:
        payload = {
            "inspection": code,
            "as_of": as_of.isoformat(),
            "period_start": period_start.isoformat(),
            "total": total,
            "checks": {k: [f.as_json() for f in v] for k, v in results.items()},
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _text(self, results, as_of, period_start, total) -> None:
        self.stdout.write(f"data quality as of {as_of} (period from {period_start}): {total}")
        for check in quality.CHECKS:
            findings = results[check.code]
            self.stdout.write(f"\n[{check.code}] {check.label}: {len(findings)}")
            for f in findings:
                p = f.problem
                self.stdout.write(f"  {p.inspection.code} {p.number} {p.title[:30]}: {f.message}")
