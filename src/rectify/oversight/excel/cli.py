"""`rectify import accountability|supervision FILE --inspection CODE` and `rectify export
accountability|supervision --inspection CODE -o FILE`: thin wrappers around the imports and
exports, registered in the SUBJECTS of problems' import/export commands.

Without --user the command runs as the system actor "cli:import" / "cli:export" (a shell on
the server is trusted like the office, names included); with --user NAME it has that
account's rights and scope, and its exports leave names out unless the role may see them.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import translation

from rectify.oversight import queries
from rectify.oversight.excel.actions import check_import_actions, export_actions
from rectify.oversight.excel.persons import check_import_persons, export_persons
from rectify.oversight.models import AccountabilityCase, SupervisionAction
from rectify.problems.excel.cli import inspection_by_code, user_by_name


def _common(parser) -> None:
    parser.add_argument("--inspection", required=True, help="inspection code")
    parser.add_argument("--user", help="act as this account (its rights and scope)")
    parser.add_argument(
        "--lang",
        default=settings.LANGUAGE_CODE,
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of messages",
    )


class _Import:
    help = ""
    run = staticmethod(check_import_persons)

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        _common(parser)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument("--sheet", help="sheet name (default: the first that fits)")

    def handle(self, command, *, file, inspection, user, lang, dry_run, sheet=None, **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        target = inspection_by_code(inspection)
        actor = user_by_name(user) or "cli:import"
        with translation.override(lang):
            try:
                outcome = self.run(
                    path, inspection=target, actor=actor, dry_run=dry_run, sheet_name=sheet
                )
            except PermissionDenied:
                raise CommandError(f"{user} may not import oversight records") from None
            for note in outcome.notes:
                command.stdout.write(f"note: {note}")
            if not outcome.ok:
                for error in outcome.errors:
                    command.stderr.write(str(error))
                n = len(outcome.errors)
                raise CommandError(
                    translation.ngettext(
                        "%(n)d error; nothing was imported.",
                        "%(n)d errors; nothing was imported.",
                        n,
                    )
                    % {"n": n}
                )
            command.stdout.write(outcome.summary())
            if outcome.dry_run:
                command.stdout.write(translation.gettext("Dry run: nothing was written."))


class PersonsImport(_Import):
    help = "import officials held accountable (.xlsx) into an inspection's cases"
    run = staticmethod(check_import_persons)


class ActionsImport(_Import):
    help = "import supervision actions (.xlsx) into an inspection"
    run = staticmethod(check_import_actions)


def _export_args(parser) -> None:
    parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    _common(parser)


class PersonsExport:
    help = "export the officials held accountable in an inspection's cases (.xlsx)"
    add_arguments = staticmethod(_export_args)

    def handle(self, command, *, output, inspection, user, lang, **_):
        target = inspection_by_code(inspection)
        account = user_by_name(user)
        cases = queries.visible_cases(account) if account else AccountabilityCase.objects.all()
        with translation.override(lang):
            n = export_persons(
                account,
                cases.filter(inspection=target),
                output,
                exported_by=account.get_username() if account else "cli:export",
            )
        command.stdout.write(f"{n} rows written to {output}")


class ActionsExport:
    help = "export an inspection's supervision actions (.xlsx)"
    add_arguments = staticmethod(_export_args)

    def handle(self, command, *, output, inspection, user, lang, **_):
        target = inspection_by_code(inspection)
        account = user_by_name(user)
        qs = queries.visible_actions(account) if account else SupervisionAction.objects.all()
        with translation.override(lang):
            n = export_actions(
                qs.filter(inspection=target),
                output,
                exported_by=account.get_username() if account else "cli:export",
            )
        command.stdout.write(f"{n} rows written to {output}")
