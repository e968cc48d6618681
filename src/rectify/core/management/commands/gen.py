"""`rectify gen --scale small|province|national [--seed N] [--json FILE]`: synthetic data
for benchmarks and CI (rectify.gen), with its own speed report."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rectify.gen import SCALES, generate, print_report


class Command(BaseCommand):
    help = (
        "Fill the database (after migrate) with consistent synthetic data: org trees, "
        "ledger, dispatch, complaints with their repeat index, oversight, audit events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", type=date.fromisoformat, help="default: today")
        parser.add_argument("--workers", type=int, help="processes for complaint signatures")
        parser.add_argument("--json", dest="json_file", help="also write the report here")

    def handle(self, *args, scale, seed, today, workers, json_file, **options):
        from rectify.problems.models import Problem

        if Problem.objects.filter(inspection__code__startswith="central-2017-").exists():
            raise CommandError(_("This database already holds generated data; use a fresh one."))
        report = generate(scale, seed=seed, today=today, workers=workers, log=self.stdout.write)
        print_report(report, write=self.stdout.write)
        if json_file:
            Path(json_file).write_text(json.dumps(report, ensure_ascii=False, indent=2))
