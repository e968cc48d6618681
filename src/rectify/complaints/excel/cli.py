"""`rectify import complaints` and `rectify export complaints`: thin wrappers around the
import action and the export, registered in the SUBJECTS of the `import` / `export`
commands (problems/management/commands).

Without --user the command runs as the system actor "cli:import" / "cli:export" (whoever
has a shell on the server), as the ledger's; with --user NAME it runs with that account's
rights and scope.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import translation

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints.excel.exporter import export_complaints
from rectify.complaints.excel.importer import import_complaints, plural_errors
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.complaints.queries import visible_complaints

# Private helpers of the ledger's CLI, used as they are (asked to be made public).
from rectify.problems.excel.cli import inspection_by_code, parse_cli_date, user_by_name


def _common(parser) -> None:
    parser.add_argument("--inspection", required=True, help="inspection code")
    parser.add_argument("--user", help="act as this account (its rights and scope)")
    parser.add_argument(
        "--lang",
        default=settings.LANGUAGE_CODE,
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of messages",
    )


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise CommandError(f"not a whole number: {value}") from None
    if n < 0:
        raise CommandError(f"must not be negative: {value}")
    return n


class ComplaintsImport:
    help = "import a batch of complaints (.xlsx, the office layout) into an inspection"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        _common(parser)
        parser.add_argument("--batch", required=True, type=int, help="batch number (交办批次)")
        parser.add_argument(
            "--received-on",
            dest="received_on",
            help="date the batch was received (YYYY-MM-DD); needed when the batch is new",
        )
        parser.add_argument(
            "--stated-count",
            dest="stated_count",
            help="number of complaints the team stated for the batch (default: the rows)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument("--sheet", help="sheet name (default: the first with complaints)")

    def handle(
        self,
        command,
        *,
        file,
        inspection,
        batch,
        received_on=None,
        stated_count=None,
        user=None,
        lang=None,
        dry_run=False,
        sheet=None,
        **_,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        target = inspection_by_code(inspection)
        actor = user_by_name(user) or "cli:import"
        with translation.override(lang or translation.get_language()):
            try:
                result = import_complaints(
                    path,
                    inspection=target,
                    batch_number=batch,
                    actor=actor,
                    received_on=parse_cli_date(received_on) if received_on else None,
                    stated_count=_positive(stated_count) if stated_count is not None else None,
                    dry_run=dry_run,
                    sheet_name=sheet,
                )
            except PermissionDenied:
                raise CommandError(f"{user} may not import complaints") from None
            out = command.stdout
            for note in result.notes:
                out.write(f"note: {note}")
            if not result.ok:
                for error in result.errors:
                    command.stderr.write(str(error))
                if result.more_errors:
                    command.stderr.write(f"… {result.more_errors} more")
                raise CommandError(plural_errors(result.error_count))
            out.write(result.summary())
            if result.suggested:
                out.write(
                    translation.gettext(
                        "%(n)d regions were recognised from the complaint text; confirm them."
                    )
                    % {"n": result.suggested}
                )
            if result.dry_run:
                out.write(translation.gettext("Dry run: nothing was written."))


class ComplaintsExport:
    help = "export the complaints of an inspection (or one batch) to a workbook (.xlsx)"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        _common(parser)
        parser.add_argument("--batch", type=int, help="only this batch number")

    def handle(self, command, *, output, inspection, batch=None, user=None, lang=None, **_):
        target = inspection_by_code(inspection)
        account = user_by_name(user)
        qs = visible_complaints(account) if account else Complaint.objects.all()
        qs = qs.filter(batch__inspection=target)
        title = target.name
        if batch is not None:
            if not ComplaintBatch.objects.filter(inspection=target, number=batch).exists():
                raise CommandError(f"{inspection} has no batch {batch}")
            qs = qs.filter(batch__number=batch)
            title = f"{target.name} 第{batch}批"
        with translation.override(lang or translation.get_language()):
            n = export_complaints(
                qs,
                output,
                title=title,
                exported_by=account.get_username() if account else "cli:export",
                accountability=account is None or has_cap(account, Cap.VIEW_OFFICIAL_NAMES),
            )
        command.stdout.write(f"{n} complaints written to {output}")
