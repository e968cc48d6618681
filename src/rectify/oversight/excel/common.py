"""What both oversight imports share: running one all-or-nothing over a sheet read by the
ledger's reader (problems.excel: safety checks, header matching, cell parsers, error format),
turning an action's ValidationError into cell errors, finding the org a unit's name belongs
to, writing a workbook."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import audit
from rectify.orgs.models import Org
from rectify.oversight.actions.common import require
from rectify.problems.excel import cells as C
from rectify.problems.excel.errors import CellError, LayoutError
from rectify.problems.excel.exporter import write_workbook as write_sheets
from rectify.problems.excel.headers import Column, ColumnSet, name_key
from rectify.problems.excel.reader import LedgerSheet, read_sheet
from rectify.problems.excel.rows import CellReader, OrgIndex
from rectify.problems.excel.safety import WorkbookRefused, check_workbook

MIN_CONTAINED_NAME = 3  # shorter org names ("遵义") match too much inside other names


@dataclass
class ImportOutcome:
    """What an import did or would do; nothing was written when `errors` is not empty."""

    subject: str
    dry_run: bool
    filename: str = ""
    sheet: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return _(
            "Rows read: %(rows)d. Created: %(created)d, updated: %(updated)d, unchanged: "
            "%(unchanged)d."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def run_import(
    source: str | Path | BinaryIO,
    *,
    subject: str,
    column_set: ColumnSet,
    dry_run: bool,
    filename: str,
    sheet_name: str | None,
    body: Callable[[LedgerSheet, CellReader, ImportOutcome], None],
) -> ImportOutcome:
    """Read the sheet, then run `body` in ONE transaction, rolled back on any error or
    for a dry run; `body` records cell errors on the reader and counts on the outcome."""
    if isinstance(source, str | Path):
        filename = filename or Path(source).name
        with open(source, "rb") as stream:
            return run_import(
                stream,
                subject=subject,
                column_set=column_set,
                dry_run=dry_run,
                filename=filename,
                sheet_name=sheet_name,
                body=body,
            )
    outcome = ImportOutcome(subject=subject, dry_run=dry_run, filename=filename)
    try:
        check_workbook(source)
        sheet = read_sheet(source, column_set, sheet_name=sheet_name)
    except WorkbookRefused as exc:
        outcome.errors.append(CellError("", None, "", str(exc)))
        return outcome
    except LayoutError as exc:
        outcome.errors.extend(exc.errors)
        return outcome
    outcome.sheet = sheet.name
    outcome.rows = len(sheet.rows)
    if sheet.headers.ignored:
        outcome.notes.append(
            _("Columns not imported: %(names)s.") % {"names": "、".join(sheet.headers.ignored)}
        )
    reader = CellReader(sheet, outcome.errors)
    with transaction.atomic():
        body(sheet, reader, outcome)
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    if outcome.errors:
        outcome.created = outcome.updated = outcome.unchanged = 0
    return outcome


class SheetImport:
    """The import of one kind of oversight sheet: its columns and what its rows do, called
    as `check_import_<noun>(source, *, inspection, actor, dry_run=False, ...)`; audited as
    "oversight.import_<subject>" when it changed anything."""

    def __init__(self, subject: str, column_set: ColumnSet, rows: Callable[..., None]):
        self.subject = subject
        self.column_set = column_set
        self.rows = rows  # (sheet, reader, outcome, inspection, actor, today)

    def __call__(
        self,
        source: str | Path | BinaryIO,
        *,
        inspection,
        actor,
        dry_run: bool = False,
        filename: str = "",
        sheet_name: str | None = None,
        today: date | None = None,
    ) -> ImportOutcome:
        require(actor)
        day = today or timezone.localdate()

        def body(sheet: LedgerSheet, reader: CellReader, outcome: ImportOutcome) -> None:
            self.rows(sheet, reader, outcome, inspection, actor, day)
            if outcome.changed and not outcome.errors:
                audit.record(
                    f"oversight.import_{self.subject}",
                    actor=actor,
                    obj=inspection,
                    after={
                        "file": outcome.filename,
                        "sheet": outcome.sheet,
                        "rows": outcome.rows,
                        "created": outcome.created,
                        "updated": outcome.updated,
                    },
                )

        return run_import(
            source,
            subject=self.subject,
            column_set=self.column_set,
            dry_run=dry_run,
            filename=filename,
            sheet_name=sheet_name,
            body=body,
        )


def apply_action(reader: CellReader, row: int, fields: dict[str, str], write: Callable) -> bool:
    """Run one row's action in a savepoint; its ValidationError becomes errors on the
    columns `fields` maps the action's field names to. True when it succeeded."""
    try:
        with transaction.atomic():
            write()
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, texts in messages.items():
            key = fields.get(name.split("[")[0])
            for text in texts:
                if key is None:
                    reader.errors.append(CellError(reader.sheet.name, row, "", text))
                else:
                    reader.error(row, key, text)
        return False
    return True


def parse_cell(reader: CellReader, row: int, cells, key: str, fn, *args, **kwargs):
    """A parsed cell value, None when empty or wrong (the error is recorded)."""
    value = reader.raw(cells, key)
    if value is None:
        return None
    try:
        return fn(value, *args, **kwargs)
    except C.CellValueError as exc:
        reader.error(row, key, str(exc))
        return None


class UnitFinder:
    """The org a unit's name belongs to: the org itself, or the most specific org whose
    name it contains (遵义市播州区生态环境分局 → 播州区); None if none fits."""

    def __init__(self, orgs: OrgIndex | None = None):
        self.orgs = orgs or OrgIndex()
        self.depth = dict(Org.objects.values_list("id", "depth"))
        self._cache: dict[str, int | None] = {}

    def find(self, text: str) -> int | None:
        if text not in self._cache:
            self._cache[text] = self._find(text)
        return self._cache[text]

    def _find(self, text: str) -> int | None:
        pk, _message = self.orgs.find(text)
        if pk is not None:
            return pk
        key = name_key(text)
        best: tuple[int, int, int] | None = None  # (depth, length, id)
        for candidate, ids in self.orgs.by_key.items():
            if len(ids) != 1 or len(candidate) < MIN_CONTAINED_NAME or candidate not in key:
                continue
            org_id = next(iter(ids))
            rank = (self.depth.get(org_id, 0), len(candidate), org_id)
            if best is None or rank[:2] > best[:2]:
                best = rank
        return best[2] if best else None


def org_labels() -> dict[int, str]:
    """Org names for a sheet; a name two orgs share is written as the code instead."""
    rows = list(Org.objects.values_list("id", "code", "name"))
    counts = Counter(name_key(n) for _i, _c, n in rows)
    return {pk: (name if counts[name_key(name)] == 1 else code) for pk, code, name in rows}


def write_workbook(
    output, *, sheet: str, columns: list[Column], widths: dict[str, int], rows, facts
) -> int:
    """One sheet of `columns` (rows are dicts by key), every text cell wrapped, plus a 说明
    sheet of facts; returns the number of data rows."""
    return write_sheets(
        output,
        sheet=sheet,
        headers=[c.header for c in columns],
        widths=[widths.get(c.key, 14) for c in columns],
        rows=([row.get(c.key) for c in columns] for row in rows),
        facts=facts,
    )
