"""`rectify export SUBJECT …`: spreadsheet exports, one subcommand per subject.

Apps register their subjects with rectify.core.registry, as for `rectify import`.
"""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from rectify.core.registry import EXPORT_SUBJECTS as SUBJECTS


class Command(BaseCommand):
    help = "Export a spreadsheet: `export ledger --inspection CODE -o FILE.xlsx`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subject", required=True, metavar="SUBJECT")
        for name, path in SUBJECTS.items():
            handler = import_string(path)
            handler.add_arguments(sub.add_parser(name, help=handler.help))

    def handle(self, *args, subject, **options):
        import_string(SUBJECTS[subject])().handle(self, **options)
