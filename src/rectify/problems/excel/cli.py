"""`rectify import ledger` and `rectify export ledger`: thin wrappers around the actions.

Without --user the command runs as the system actor "cli:import" / "cli:export" (whoever
has a shell on the server); with --user NAME it runs with that account's rights and scope.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone, translation

from rectify.problems.excel.exporter import export_ledger
from rectify.problems.excel.importer import check_import_ledger
from rectify.problems.models import Inspection, Problem
from rectify.problems.queries import visible_problems


def parse_cli_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


def _common(parser) -> None:
    parser.add_argument("--inspection", required=True, help="inspection code")
    parser.add_argument(
        "--as-of", dest="as_of", help="date the file describes (YYYY-MM-DD; default today)"
    )
    parser.add_argument("--user", help="act as this account (its rights and scope)")
    parser.add_argument(
        "--lang",
        default=settings.LANGUAGE_CODE,
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of messages",
    )


def inspection_by_code(code: str) -> Inspection:
    try:
        return Inspection.objects.select_related("target_region").get(code=code)
    except Inspection.DoesNotExist:
        codes = ", ".join(Inspection.objects.values_list("code", flat=True)[:20])
        raise CommandError(f"no inspection with code {code!r} (known: {codes or 'none'})") from None


def user_by_name(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no active account {username!r}") from None


class LedgerImport:
    help = "import a ledger workbook (.xlsx) into an inspection"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        _common(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument("--sheet", help="sheet name (default: the first with a ledger)")

    def handle(self, command, *, file, inspection, as_of, user, lang, dry_run, sheet, **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        target = inspection_by_code(inspection)
        actor = user_by_name(user) or "cli:import"
        with translation.override(lang):
            try:
                result = check_import_ledger(
                    path,
                    inspection=target,
                    actor=actor,
                    as_of=parse_cli_date(as_of) if as_of else None,
                    dry_run=dry_run,
                    sheet_name=sheet,
                )
            except PermissionDenied:
                raise CommandError(f"{user} may not import ledgers") from None
            out = command.stdout
            for note in result.notes:
                out.write(f"note: {note}")
            if not result.ok:
                for error in result.errors:
                    command.stderr.write(str(error))
                n = len(result.errors)
                raise CommandError(
                    translation.ngettext(
                        "%(n)d error; nothing was imported.",
                        "%(n)d errors; nothing was imported.",
                        n,
                    )
                    % {"n": n}
                )
            for warning in result.warnings:
                out.write(f"warning: {warning}")
            out.write(result.summary())
            if result.dry_run:
                out.write(translation.gettext("Dry run: nothing was written."))


class LedgerExport:
    help = "export an inspection's ledger to a workbook (.xlsx)"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        _common(parser)

    def handle(self, command, *, output, inspection, as_of, user, lang, **_):
        target = inspection_by_code(inspection)
        account = user_by_name(user)
        problems = visible_problems(account) if account else Problem.objects.all()
        day = parse_cli_date(as_of) if as_of else timezone.localdate()
        with translation.override(lang):
            n = export_ledger(
                problems,
                output,
                inspection=target,
                as_of=day,
                exported_by=account.get_username() if account else "cli:export",
            )
        command.stdout.write(f"{n} problems as of {day} written to {output}")
