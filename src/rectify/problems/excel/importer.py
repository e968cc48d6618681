"""The ledger import action: a workbook in the offices' layout → problems and dated events.

`check_import_ledger` validates every row before writing anything and reports every bad
cell; then, in ONE transaction, it creates new problems, updates the ones whose data
changed (version bumped, audited before/after) and appends the status events the file
declares (origin "import"). It is idempotent, keyed by inspection and problem number: a
second run of the same file finds nothing to change and writes nothing, not even audit rows.
A dry run does all of it and rolls back, so its report is exactly what the import would do.

History (完成情况, 完成时间, 销号时间, 最新进度, 进度填报时间) becomes dated events so that
figures as of any past date are right from the first day. The file describes the ledger
as of `as_of` (default today). Where a date is missing:
  完成时间 of a completed row → 销号时间 if given, else the as-of date;
  销号时间 of a signed-off row → the as-of date;
  进度填报时间 → 完成时间 for completed rows, else the as-of date;
  整改起始时间 → the inspection's feedback date;
  立行立改 without a date → the deadline is the start date;
  调整后时限 (an extension) takes effect on the original deadline, or the as-of date if
  that is earlier.
The result lists how often each default was used. An import never rewrites history the
ledger already holds: a file that contradicts it (e.g. 尚未启动 for a problem the ledger
has as completed by the as-of date) is an error on that row.

Everything is bulk: one query per lookup table, bulk inserts, audit rows chained in bulk.
"""

from collections import Counter
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit
from rectify.problems import asof
from rectify.problems.excel import plan
from rectify.problems.excel.errors import CellError, ImportResult, LayoutError
from rectify.problems.excel.headers import name_key
from rectify.problems.excel.labels import STATUS_LABELS
from rectify.problems.excel.reader import LedgerSheet, read_ledger
from rectify.problems.excel.rows import CellReader, OrgIndex, Row, check_duplicates, parse_row
from rectify.problems.excel.safety import WorkbookRefused, check_workbook
from rectify.problems.excel.writer import Writer
from rectify.problems.models import Category, Inspection, Problem
from rectify.problems.validation import validate_problem

MAX_WARNINGS = 50


def _require_editor(actor) -> None:
    # The CLI runs as a system actor (a string such as "cli:import"): whoever has a shell
    # on the server is trusted like the office. A user needs the office's capability.
    if isinstance(actor, str):
        return
    if not has_cap(actor, Cap.EDIT_LEDGER):
        raise PermissionDenied


def check_import_ledger(
    source: str | Path | BinaryIO,
    *,
    inspection: Inspection,
    actor,
    as_of: date | None = None,
    dry_run: bool = False,
    filename: str = "",
    sheet_name: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import (or, with dry_run, only check) a ledger workbook; see the module docstring."""
    _require_editor(actor)
    today = today or timezone.localdate()
    as_of = as_of or today
    if isinstance(source, str | Path):
        filename = filename or Path(source).name
        with open(source, "rb") as stream:
            return _run(stream, inspection, actor, as_of, dry_run, filename, sheet_name, today)
    return _run(source, inspection, actor, as_of, dry_run, filename, sheet_name, today)


def _run(stream, inspection, actor, as_of, dry_run, filename, sheet_name, today) -> ImportResult:
    result = ImportResult(inspection=inspection.code, as_of=as_of, dry_run=dry_run)
    result.filename = filename
    if as_of > today:
        result.errors.append(CellError("", None, "", _("The as-of date is in the future.")))
        return result
    try:
        check_workbook(stream)
        sheet = read_ledger(stream, sheet_name=sheet_name)
    except WorkbookRefused as exc:
        result.errors.append(CellError("", None, "", str(exc)))
        return result
    except LayoutError as exc:
        result.errors.extend(exc.errors)
        return result
    result.sheet = sheet.name
    result.rows = len(sheet.rows)
    if sheet.headers.ignored:
        result.notes.append(
            _("Columns not imported: %(names)s.") % {"names": "、".join(sheet.headers.ignored)}
        )
    with transaction.atomic():
        _import(sheet, inspection, actor, as_of, result)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created, result.updated, result.events = [], [], 0
        result.aspects_created, result.unchanged, result.warnings = [], 0, []
    return result


def _import(sheet: LedgerSheet, inspection: Inspection, actor, as_of, result: ImportResult):
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    errors = result.errors
    orgs = OrgIndex()
    categories = {name_key(n): pk for pk, n in Category.objects.values_list("id", "name")}
    aspects = {name_key(a.name): a for a in inspection.aspects.all()}
    aspect_names = {a.pk: a.name for a in aspects.values()}
    reader = CellReader(sheet, errors)
    rows = [
        row
        for excel_row, cells in sheet.rows
        if (row := parse_row(reader, excel_row, cells, sheet, orgs, categories, as_of))
    ]
    check_duplicates(reader, sheet)
    # The whole inspection, locked, rather than number__in: a 50,000-row file would pass
    # SQLite's limit of bound parameters.
    numbers = {r.number for r in rows}
    ledger = Problem.objects.select_for_update().filter(inspection=inspection)
    existing = {p.number: p for p in ledger if p.number in numbers}
    children = plan.Existing(inspection if existing else None)
    planned_creates: list[tuple[Row, dict]] = []
    planned_updates: list[tuple[Row, Problem, dict]] = []
    planned_events: list[tuple[Row, list]] = []
    default_counts: Counter[str] = Counter()
    for row in rows:
        problem = existing.get(row.number)
        data = plan.merged_data(row, problem, inspection, children)
        row_errors = validate_problem(data)
        for fname, messages in row_errors.items():
            key = plan.FIELD_COLUMNS.get(fname.split("[")[0], "number")
            if key == "start_date" and not reader.has("start_date"):
                key = "deadline"
            for message in messages:
                reader.error(row.row, key, message)
        if row_errors:
            continue
        if problem is not None and not plan.deadline_unchanged(
            reader, row, problem, data, children, as_of
        ):
            continue
        events = plan.plan_events(reader, row, data, problem, children, as_of)
        if events is None:
            continue
        default_counts.update(row.defaulted)
        if problem is None:
            planned_creates.append((row, data))
        elif plan.differs(problem, data, row, children, aspect_names):
            planned_updates.append((row, problem, data))
        else:
            result.unchanged += 1
        if events:
            planned_events.append((row, events))
    if errors:
        return
    _note_defaults(result, default_counts, as_of)
    writer = Writer(inspection, actor, orgs, aspects, result)
    problems = writer.create(planned_creates)
    problems.update(writer.update(planned_updates, children))
    problems.update({n: p for n, p in existing.items() if n not in problems})
    writer.add_events(planned_events, problems)
    writer.flush_audit()
    if result.changed:
        audit.record(
            "problems.import_ledger",
            actor=actor,
            obj=inspection,
            after={
                "file": result.filename,
                "sheet": result.sheet,
                "as_of": as_of,
                "rows": result.rows,
                "created": len(result.created),
                "updated": result.updated,
                "events": result.events,
                "aspects_created": result.aspects_created,
            },
        )
    _check_labels(rows, inspection, as_of, result)


def _note_defaults(result: ImportResult, counts: Counter, as_of: date) -> None:
    messages = {
        "done_date": _(
            "%(n)d completed rows had no 完成时间: the sign-off date or the as-of date "
            "(%(as_of)s) was used."
        ),
        "signoff_date": _(
            "%(n)d signed-off rows had no 销号时间: the as-of date (%(as_of)s) was used."
        ),
        "progress_date": _(
            "%(n)d rows had no 进度填报时间: the completion date or the as-of date (%(as_of)s) "
            "was used."
        ),
        "immediate_deadline": _(
            "%(n)d rows were 立行立改 without a date: the start date is their deadline."
        ),
    }
    for key, message in messages.items():
        if counts.get(key):
            result.notes.append(message % {"n": counts[key], "as_of": as_of})


def _check_labels(rows: list[Row], inspection: Inspection, as_of, result) -> None:
    """Warn where the office's label disagrees with the status the ledger now computes."""
    expected = {r.number: r for r in rows if r.implied}
    if not expected:
        return
    ledger = Problem.objects.filter(inspection=inspection)
    computed = dict(asof.as_of(ledger, as_of).values_list("number", "asof_status"))
    mismatches = [
        (r, computed[n])
        for n, r in expected.items()
        if n in computed and computed[n] not in r.implied
    ]
    for r, status in mismatches[:MAX_WARNINGS]:
        result.warnings.append(
            _(
                "Row %(row)d (%(number)s): the file says %(label)s; as of %(as_of)s the ledger "
                "computes %(status)s."
            )
            % {
                "row": r.row,
                "number": r.number,
                "label": r.label,
                "as_of": as_of,
                "status": STATUS_LABELS.get(status, status),
            }
        )
    if len(mismatches) > MAX_WARNINGS:
        result.warnings.append(
            _("… and %(n)d more rows like these.") % {"n": len(mismatches) - MAX_WARNINGS}
        )
