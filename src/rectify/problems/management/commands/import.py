"""`rectify import SUBJECT …`: spreadsheet imports, one subcommand per subject.

Each app registers its subjects in AppConfig.ready() with rectify.core.registry
(register_import("complaints", "rectify.complaints.excel.cli.ComplaintsImport")). A handler
has `help`,
`add_arguments(parser)` and `handle(command, **options)`; it raises CommandError on bad
input so that the command exits non-zero with the error list.
"""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from rectify.core.registry import IMPORT_SUBJECTS as SUBJECTS


class Command(BaseCommand):
    help = "Import a spreadsheet: `import ledger FILE.xlsx --inspection CODE [--dry-run]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subject", required=True, metavar="SUBJECT")
        for name, path in SUBJECTS.items():
            handler = import_string(path)
            handler.add_arguments(sub.add_parser(name, help=handler.help))

    def handle(self, *args, subject, **options):
        import_string(SUBJECTS[subject])().handle(self, **options)
