"""The complaints import: a workbook in the offices' layout → one batch of complaints.

`import_complaints` checks the file (the ledger's safety checks), streams its rows, and in
ONE transaction creates the batch if needed (check_create_batch), creates the new
complaints in bulk (actions.do_import_complaints: encrypts the complainant, writes the
RECEIVE step, the repeat index and one audit event per chunk naming the file by its
SHA-256 and every complaint created), and applies corrections to complaints already on
record (actions.intake_changes / do_update_intake). It is idempotent, keyed by
受理编号: a second run of the same file finds nothing to change and writes nothing, not
even audit rows. Every row is checked even after the first error, and any error rolls
everything back; a dry run does all of it and rolls back, so its report is exact.

Rows are handled in chunks: one query per chunk finds the complaints already on record,
the lookups (regions, types) are loaded once, so the work per row is parsing, validation,
encryption and a share of a few plain multi-row inserts. The row count of the batch must
match the count the inspection team stated (ComplaintBatch.stated_count) once the file is
in.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rectify.complaints import actions
from rectify.complaints.actions import ComplaintData
from rectify.complaints.excel.columns import COLUMNS
from rectify.complaints.excel.rows import ParsedRow, RowParser, province_of
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.complaints.permissions import manages
from rectify.core import audit
from rectify.problems.excel.errors import CellError, LayoutError
from rectify.problems.excel.reader import Sheet, find_sheet, open_workbook
from rectify.problems.excel.safety import WorkbookRefused, check_workbook
from rectify.problems.models import Inspection

CHUNK = 2000
LARGE_FILE = 20_000  # rows from which SQLite gets a larger page cache
MAX_ERRORS = 1000  # listed; the rest are counted
# validate_complaint_data's field → the column the message belongs to.
FIELD_COLUMNS = {
    "acceptance_no": "acceptance_no",
    "received_on": "acceptance_no",  # the date comes from the acceptance number
    "channel": "acceptance_no",
    "content": "content",
    "region": "region",
    "pollution_types": "pollution_types",
    "industry": "industry",
    "longitude": "longitude",
    "latitude": "latitude",
    "original_order": "original_order",
}


@dataclass
class ImportResult:
    """The outcome of an import or a dry run; nothing was written when `errors` is not empty."""

    inspection: str
    batch: int
    dry_run: bool
    filename: str = ""
    sheet: str = ""
    rows: int = 0
    created: int = 0
    updated: list[str] = field(default_factory=list)  # acceptance numbers
    unchanged: int = 0
    suggested: int = 0  # regions recognised from the content, to be confirmed
    batch_created: bool = False
    stated_count: int | None = None
    errors: list[CellError] = field(default_factory=list)
    more_errors: int = 0  # errors beyond MAX_ERRORS, not listed
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.batch_created)

    def summary(self) -> str:
        return _(
            "Rows read: %(rows)d. Complaints created: %(created)d, updated: %(updated)d, "
            "unchanged: %(unchanged)d."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


class _Errors(list):
    """The error list, capped: past MAX_ERRORS only a count is kept."""

    def __init__(self, result: ImportResult):
        super().__init__()
        self.result = result

    def append(self, error: CellError) -> None:
        if len(self) < MAX_ERRORS:
            super().append(error)
        else:
            self.result.more_errors += 1


def _require_manager(actor) -> None:
    # The CLI runs as a system actor (a string such as "cli:import"): whoever has a shell
    # on the server is trusted like the office (as the ledger import). A user needs the
    # office's capability.
    if isinstance(actor, str):
        return
    if not manages(actor):
        raise PermissionDenied(_("Only the rectification office may import complaints."))


def import_complaints(
    source: str | Path | BinaryIO,
    *,
    inspection: Inspection,
    batch_number: int,
    actor,
    received_on: date | None = None,
    stated_count: int | None = None,
    dry_run: bool = False,
    filename: str = "",
    sheet_name: str | None = None,
) -> ImportResult:
    """Import (or, with dry_run, only check) a complaints workbook into batch `batch_number`
    of `inspection`; see the module docstring."""
    _require_manager(actor)
    result = ImportResult(inspection=inspection.code, batch=batch_number, dry_run=dry_run)
    if isinstance(source, str | Path):
        result.filename = filename or Path(source).name
        with open(source, "rb") as stream:
            _run(stream, inspection, actor, received_on, stated_count, sheet_name, result)
    else:
        result.filename = filename
        _run(source, inspection, actor, received_on, stated_count, sheet_name, result)
    if result.errors:
        result.created, result.updated, result.unchanged, result.suggested = 0, [], 0, 0
        result.batch_created = False
        result.errors.sort(key=lambda e: e.row or 0)
    return result


def _run(stream, inspection, actor, received_on, stated_count, sheet_name, result) -> None:
    errors = _Errors(result)
    try:
        check_workbook(stream)
        source = {"file": result.filename, "sha256": _sha256(stream)}
        with open_workbook(stream) as wb:
            sheet = find_sheet(wb, COLUMNS, sheet_name=sheet_name)
            result.sheet = sheet.name
            if sheet.headers.ignored:
                result.notes.append(
                    _("Columns not imported: %(names)s.")
                    % {"names": "、".join(sheet.headers.ignored)}
                )
            with transaction.atomic(), _page_cache(sheet.height):
                _Import(sheet, inspection, actor, result, errors, source).run(
                    received_on, stated_count
                )
                if errors or result.dry_run:
                    transaction.set_rollback(True)
    except WorkbookRefused as exc:
        errors.append(CellError(result.sheet, None, "", str(exc)))
    except LayoutError as exc:
        errors.extend(exc.errors)
    result.errors = list(errors)


def _sha256(stream: BinaryIO) -> str:
    """The file's SHA-256 (the audit names the file it imported); the stream is rewound."""
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256").hexdigest()
    stream.seek(0)
    return digest


@contextmanager
def _page_cache(rows: int):
    """On SQLite, a 64 MB page cache while a large file is imported: one transaction writes
    all over the tables' and audit log's indexes, and SQLite's default 2 MB cache makes a
    100,000-row import 30 % slower. The connection's own setting is restored after."""
    if connection.vendor != "sqlite" or rows < LARGE_FILE:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {before}")


class _Import:
    """One import run, inside the caller's transaction."""

    def __init__(self, sheet: Sheet, inspection, actor, result, errors, source: dict):
        self.sheet = sheet
        self.source = source  # the file's name and SHA-256, for the audit
        self.inspection = inspection
        self.actor = actor
        self.result = result
        self.errors = errors
        self.parser = RowParser(sheet, errors, province_of(inspection.target_region))
        self._suggest = None

    def file_error(self, message: str, column: str = "") -> None:
        self.errors.append(CellError(self.sheet.name, None, column, message))

    def run(self, received_on: date | None, stated_count: int | None) -> None:
        batch = self._batch(received_on, stated_count)
        seen: dict[str, int] = {}
        repeated: set[str] = set()
        chunk: list[ParsedRow] = []
        reader = self.parser.reader
        normalise = actions.normalise_acceptance_no
        for r, cells in self.sheet.rows():
            self.result.rows += 1
            written, row = self.parser.parse(r, cells)
            number = normalise(written)
            if number in seen:
                if number not in repeated:
                    repeated.add(number)
                    reader.error(
                        seen[number],
                        "acceptance_no",
                        _("The acceptance number %(no)s is used again in row %(row)d.")
                        % {"no": number, "row": r},
                    )
                reader.error(
                    r,
                    "acceptance_no",
                    _("The acceptance number %(no)s is already used in row %(row)d.")
                    % {"no": number, "row": seen[number]},
                )
                continue
            if number:
                seen[number] = r
            if row is not None:
                chunk.append(row)
            if len(chunk) >= CHUNK:
                self._chunk(batch, chunk)
                chunk = []
        if chunk:
            self._chunk(batch, chunk)
        if not self.result.rows:
            self.file_error(_("The sheet has no complaint rows below its header."))
        if self.errors or batch.pk is None:
            return
        total = Complaint.objects.filter(batch=batch).count()
        if total != batch.stated_count:
            self.file_error(
                _(
                    "The inspection team stated %(stated)d complaints for batch %(n)d, but the "
                    "batch would hold %(total)d after this import."
                )
                % {"stated": batch.stated_count, "n": batch.number, "total": total}
            )
            return
        if self.result.changed:
            audit.record(
                "complaints.import",
                actor=self.actor,
                obj=batch,
                after={
                    **self.source,
                    "sheet": self.result.sheet,
                    "rows": self.result.rows,
                    "created": self.result.created,
                    "updated": self.result.updated,
                    "regions_suggested": self.result.suggested,
                },
            )

    def _batch(self, received_on: date | None, stated_count: int | None) -> ComplaintBatch:
        """The batch, created when new; an unsaved stand-in (for row checks) on error."""
        result, number = self.result, self.result.batch
        batch = (
            ComplaintBatch.objects.select_for_update()
            .select_related("inspection")
            .filter(inspection=self.inspection, number=number)
            .first()
        )
        if batch is not None:
            result.stated_count = batch.stated_count
            if received_on is not None and received_on != batch.received_on:
                self.file_error(
                    _("Batch %(n)d was received on %(day)s, not %(given)s.")
                    % {"n": number, "day": batch.received_on, "given": received_on}
                )
            if stated_count is not None and stated_count != batch.stated_count:
                self.file_error(
                    _("Batch %(n)d has %(stated)d complaints as stated by the team, not %(given)d.")
                    % {"n": number, "stated": batch.stated_count, "given": stated_count}
                )
            return batch
        stand_in = ComplaintBatch(
            inspection=self.inspection,
            number=number,
            received_on=received_on or timezone.localdate(),
            stated_count=stated_count or 0,
        )
        if received_on is None:
            self.file_error(
                _(
                    "Batch %(n)d of this inspection does not exist yet; give the date it was "
                    "received to create it."
                )
                % {"n": number}
            )
            return stand_in
        if stated_count is None:
            stated_count = self.sheet.count_rows()
        try:
            batch = actions.check_create_batch(
                actor=self.actor,
                inspection=self.inspection,
                number=number,
                received_on=received_on,
                stated_count=stated_count,
            )
        except ValidationError as exc:
            labels = {
                "number": _("Batch number"),
                "received_on": _("Received on"),
                "stated_count": _("Number of complaints stated by the team"),
            }
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.file_error(message, labels.get(name, ""))
            return stand_in
        result.batch_created = True
        result.stated_count = stated_count
        return batch

    def suggest(self, content: str):
        """The region routing recognises in the content, or None (imported when needed:
        most files name the region)."""
        if self._suggest is None:
            from rectify.complaints.routing import suggest_region

            self._suggest = suggest_region
        regions = self.parser.regions
        org = self._suggest(content, within=regions.province)
        return regions.by_id.get(org.pk) if org is not None else None

    def _chunk(self, batch: ComplaintBatch, rows: list[ParsedRow]) -> None:
        reader = self.parser.reader
        numbers = [actions.normalise_acceptance_no(r.acceptance_no) for r in rows]
        regions = self.parser.regions.by_id
        existing: dict[str, Complaint] = {}
        on_record = _on_record(numbers)  # a first import finds none: no ORM query then
        for c in (
            Complaint.objects.select_for_update(of=("self",))
            .filter(acceptance_no__in=on_record)
            .defer("signature", "place_key")
            if on_record
            else ()
        ):
            if c.region_id in regions:  # the shared instance: no query, no copy per row
                Complaint.region.field.set_cached_value(c, regions[c.region_id])
            existing[c.acceptance_no] = c
        # Their types as ids, in one query (prefetch_related built a queryset per complaint
        # and took most of a re-import's time).
        type_ids: dict[int, set[int]] = {c.pk: set() for c in existing.values()}
        through = Complaint.pollution_types.through
        for complaint_id, type_id in through.objects.filter(
            complaint_id__in=list(type_ids)
        ).values_list("complaint_id", "pollutiontype_id"):
            type_ids[complaint_id].add(type_id)
        new: list[ComplaintData] = []
        updates: list[tuple[Complaint, dict]] = []
        for row, number in zip(rows, numbers, strict=True):
            stored = existing.get(number)
            data = self._data(row, stored)
            if data.region is None and stored is None and not row.region_text:
                data.region = self.suggest(data.content)
                if data.region is None:
                    reader.error(
                        row.row,
                        "region",
                        _(
                            "The region is blank and none could be recognised in the complaint; "
                            "write the county."
                        ),
                    )
                    continue
                data.region_confirmed = False
            field_errors = actions.validate_complaint_data(data, batch)
            for name, messages in field_errors.items():
                column = FIELD_COLUMNS.get(name) or self._personal_column()
                for message in messages:
                    reader.error(row.row, column, message)
            if field_errors:
                continue
            if stored is None:
                new.append(data)
                self.result.suggested += not data.region_confirmed
                continue
            if stored.batch_id != batch.pk:
                other = ComplaintBatch.objects.select_related("inspection").get(pk=stored.batch_id)
                reader.error(
                    row.row,
                    "acceptance_no",
                    _("Complaint %(no)s is on record in batch %(n)d of %(inspection)s.")
                    % {"no": number, "n": other.number, "inspection": other.inspection.code},
                )
                continue
            changes = actions.intake_changes(stored, data, type_ids=type_ids[stored.pk])
            if row.region is not None and not stored.region_confirmed:
                changes["region_confirmed"] = True  # the office wrote the region
            if changes:
                updates.append((stored, changes))
            else:
                self.result.unchanged += 1
        self.result.created += len(new)
        self.result.updated.extend(c.acceptance_no for c, _changes in updates)
        if self.errors or batch.pk is None:
            return  # keep checking, stop writing: everything is rolled back anyway
        if new:
            actions.do_import_complaints(batch, new, actor=self.actor, source=self.source)
        for stored, changes in updates:
            actions.do_update_intake(stored, changes, actor=self.actor)

    def _data(self, row: ParsedRow, stored: Complaint | None) -> ComplaintData:
        """The complaint as the row gives it; absent columns keep what is on record."""
        industry = row.industry
        if industry is None:
            industry = stored.industry if stored else ""
        data = ComplaintData(
            acceptance_no=row.acceptance_no,
            content=row.content,
            region=row.region or (stored.region if stored else None),  # type: ignore[arg-type]
            pollution_types=row.types,
            industry=industry,
            is_key=row.is_key if row.is_key is not None else bool(stored and stored.is_key),
            personal=row.personal,
        )
        if row.order_given:
            data.original_order = row.original_order
        elif stored is not None:
            data.original_order = stored.original_order
        if row.coordinates_given:
            data.longitude, data.latitude = row.longitude, row.latitude
        elif stored is not None:
            data.longitude, data.latitude = stored.longitude, stored.latitude
        if stored is not None:
            data.channel, data.received_on = stored.channel, stored.received_on
            data.region_confirmed = stored.region_confirmed or row.region is not None
        return data

    def _personal_column(self) -> str:
        has = self.parser.has
        return next((k for k in ("name", "phone", "address") if has.get(k)), "name")


def _on_record(numbers: list[str]) -> list[str]:
    """Those of `numbers` that complaints already have (one plain indexed query)."""
    table = connection.ops.quote_name(Complaint._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = f"SELECT acceptance_no FROM {table} WHERE acceptance_no = ANY(%s)"  # noqa: S608
            cur.execute(sql, [numbers])
        else:
            marks = ", ".join(["%s"] * len(numbers))
            sql = f"SELECT acceptance_no FROM {table} WHERE acceptance_no IN ({marks})"  # noqa: S608
            cur.execute(sql, numbers)
        return [row[0] for row in cur.fetchall()]


def plural_errors(n: int) -> str:
    return ngettext(
        "%(n)d error; nothing was imported.", "%(n)d errors; nothing was imported.", n
    ) % {"n": n}
