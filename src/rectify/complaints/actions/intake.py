"""Batches and intake: complaints as the team transfers them, and corrections."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints import crypto, dedupe
from rectify.complaints.actions.common import (
    ACCEPTANCE_NO,
    ACCEPTANCE_NO_LOOSE,
    MASK,
    _check_version,
    _require_manager,
    complaint_state,
)
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import (
    Complainant,
    Complaint,
    ComplaintBatch,
    ComplaintStep,
    PollutionType,
)
from rectify.complaints.states import Channel, Industry, State, Step
from rectify.core import audit
from rectify.orgs.models import Org
from rectify.problems.models import Inspection

# --- batches ----------------------------------------------------------------------------


@transaction.atomic
def check_create_batch(
    *,
    actor,
    inspection: Inspection,
    number: int,
    received_on: date,
    stated_count: int,
    note: str = "",
) -> ComplaintBatch:
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    if number < 1:
        errors["number"] = [_("The batch number starts at 1.")]
    elif ComplaintBatch.objects.filter(inspection=inspection, number=number).exists():
        errors["number"] = [_("Batch %(n)d of this inspection already exists.") % {"n": number}]
    if stated_count < 0:
        errors["stated_count"] = [_("The number of complaints cannot be negative.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    batch = ComplaintBatch.objects.create(
        inspection=inspection,
        number=number,
        received_on=received_on,
        stated_count=stated_count,
        note=note.strip(),
    )
    audit.record("complaints.create_batch", actor=actor, obj=batch, after=audit.snapshot(batch))
    return batch


# --- intake -----------------------------------------------------------------------------


@dataclass
class ComplaintData:
    """One complaint as transferred by the team (form, API or a spreadsheet row)."""

    acceptance_no: str
    content: str
    region: Org
    pollution_types: list[PollutionType] = field(default_factory=list)
    industry: str = ""
    is_key: bool = False
    channel: str = ""  # derived from the acceptance number when blank
    received_on: date | None = None  # from the acceptance number, else the batch's date
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    original_order: int | None = None
    region_confirmed: bool = True
    personal: PersonalData = field(default_factory=PersonalData)


def normalise_acceptance_no(value: str) -> str:
    return "".join((value or "").split()).upper()


# Looked up once per row of a 100,000-row import: sets, not the choices' lists.
_CHANNELS = frozenset(Channel.values)
_INDUSTRIES = frozenset(Industry.values)
_PHONE, _LETTER = Channel.PHONE.value, Channel.LETTER.value


@functools.lru_cache(maxsize=4096)
def _day_of(digits: str) -> date | None:
    """yyyymmdd → the date; None when it does not exist (cached: a batch has a few days)."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def validate_complaint_data(data: ComplaintData, batch: ComplaintBatch) -> dict[str, list[str]]:
    """Field errors of one complaint (empty when valid); fills derived fields in place."""
    errors: dict[str, list[str]] = {}
    data.acceptance_no = normalise_acceptance_no(data.acceptance_no)
    m = ACCEPTANCE_NO.match(data.acceptance_no)
    if not data.acceptance_no:
        errors["acceptance_no"] = [_("The acceptance number is missing.")]
    elif not m and not ACCEPTANCE_NO_LOOSE.match(data.acceptance_no):
        errors["acceptance_no"] = [
            _("“%(value)s” is not an acceptance number (e.g. D3GZ202505280018).")
            % {"value": data.acceptance_no[:50]}
        ]
    if m and not data.channel:
        data.channel = _PHONE if m["channel"] == "D" else _LETTER
    if not data.channel:
        data.channel = _LETTER
    if data.channel not in _CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    if data.received_on is None:
        data.received_on = batch.received_on
        if m:
            day = _day_of(m["day"])
            if day is None:
                errors["acceptance_no"] = [
                    _("The date inside the acceptance number “%(value)s” does not exist.")
                    % {"value": data.acceptance_no}
                ]
            else:
                data.received_on = day
    if data.received_on and data.received_on > batch.received_on:
        errors["received_on"] = [
            _("Received on %(day)s, after its batch was transferred (%(batch)s).")
            % {"day": data.received_on, "batch": batch.received_on}
        ]
    data.content = (data.content or "").strip()
    if not data.content:
        errors["content"] = [_("Describe the complaint.")]
    elif len(data.content) > 10_000:
        errors["content"] = [_("At most %(n)d characters.") % {"n": 10_000}]
    if data.region is None:
        errors["region"] = [_("Give the region (county) the complaint concerns.")]
    if not data.pollution_types:
        errors["pollution_types"] = [_("Give at least one pollution type.")]
    if data.industry and data.industry not in _INDUSTRIES:
        errors["industry"] = [_("Unknown industry type.")]
    if data.longitude is not None and not (73 <= data.longitude <= 136):
        errors["longitude"] = [_("Outside China.")]
    if data.latitude is not None and not (3 <= data.latitude <= 54):
        errors["latitude"] = [_("Outside China.")]
    personal = data.personal
    if len(personal.name) > 100 or len(personal.address) > 300 or len(personal.phone) > 40:
        errors["complainant"] = [_("The complainant's details are too long.")]
    return errors


def scrub(text: str, personal: PersonalData) -> str:
    """`text` without the complainant's own name, phone and address (handlers read it)."""
    for value in sorted(personal.values(), key=len, reverse=True):
        if len(value) >= 2:
            text = text.replace(value, MASK)
    return text


def do_intake_complaints(
    batch: ComplaintBatch, items: list[ComplaintData], *, actor, origin: str = "manual"
) -> list[Complaint]:
    """Create validated complaints (a form, the API, the demo): see _insert_intake; one
    audit event each. Caller holds the transaction."""
    ids = _insert_intake(batch, items, actor=actor)
    audit.record_many(
        [
            audit.Entry(
                action="complaints.intake",
                object_type=COMPLAINT_TYPE,
                object_id=str(pk),
                object_repr=d.acceptance_no,
                after={
                    "acceptance_no": d.acceptance_no,
                    "batch": batch.number,
                    "inspection": batch.inspection.code,
                    "region": d.region.code,
                    "types": _type_names(d),
                    "complainant_on_file": not d.personal.is_empty(),
                    "origin": origin,
                },
            )
            for pk, d in zip(ids, items, strict=True)
        ],
        actor=actor,
    )
    by_id = Complaint.objects.select_related("batch", "region").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def do_import_complaints(
    batch: ComplaintBatch, items: list[ComplaintData], *, actor, source: dict[str, Any]
) -> list[int]:
    """Create the validated complaints of one chunk of an imported file (see
    _insert_intake); returns their ids. Caller holds the transaction.

    Audited as ONE event for the chunk, on the batch: who imported, when, from which file
    (`source`: name and SHA-256), and for every complaint its id, acceptance number,
    region, types and whether a complainant is on file. An event per complaint made the
    audit log the import's main cost (its hash chain, JSON and five indexes per row); the
    office still finds each complaint in the event that created it, and the complaint's
    own history shows its RECEIVE step with the time and the importing user."""
    ids = _insert_intake(batch, items, actor=actor)
    first, last = items[0].acceptance_no, items[-1].acceptance_no
    audit.record_many(
        [
            audit.Entry(
                action="complaints.intake_many",
                object_type=ComplaintBatch._meta.label_lower,
                object_id=str(batch.pk),
                object_repr=f"{batch} {first}…{last} ({len(items)})",
                after={
                    "batch": batch.number,
                    "inspection": batch.inspection.code,
                    "origin": "import",
                    **source,
                    "count": len(items),
                    "columns": ["id", "acceptance_no", "region", "types", "complainant_on_file"],
                    "complaints": [
                        [
                            pk,
                            d.acceptance_no,
                            d.region.code,
                            "、".join(_type_names(d)),
                            not d.personal.is_empty(),
                        ]
                        for pk, d in zip(ids, items, strict=True)
                    ],
                },
            )
        ],
        actor=actor,
    )
    return ids


COMPLAINT_TYPE = Complaint._meta.label_lower


def _type_names(data: ComplaintData) -> list[str]:
    return sorted({t.name for t in data.pollution_types})


def _insert_intake(batch: ComplaintBatch, items: list[ComplaintData], *, actor) -> list[int]:
    """Insert validated complaints with their types, encrypted complainants, RECEIVE steps
    and repeat-detection index; returns their ids, in the order of `items`.

    Plain multi-row INSERTs (COPY on PostgreSQL) with ids taken beforehand, so that no row
    is read back; the signature and place key go in with the complaint (no UPDATE after).
    The ORM's bulk_create spent most of a 100,000-row import preparing values."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("complaints must be taken in inside a transaction")
    if not items:
        return []
    ops = connection.ops
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    contents = [scrub(d.content, d.personal) for d in items]
    entries = dedupe.index_entries(contents, [d.region.path for d in items])
    ids = _new_ids(Complaint, len(items))
    dates: dict[date, Any] = {}

    def day(d: date) -> Any:
        if d not in dates:
            dates[d] = ops.adapt_datefield_value(d)
        return dates[d]

    def coordinate(value: Decimal | None) -> Any:
        return None if value is None else ops.adapt_decimalfield_value(value, 9, 6)

    _Table(Complaint, _COMPLAINT_COLUMNS).insert(
        (
            pk,
            batch.pk,
            d.acceptance_no,
            d.original_order,
            d.channel,
            day(d.received_on),
            content,
            d.region.pk,
            d.region_confirmed,
            d.industry,
            d.is_key,
            coordinate(d.longitude),
            coordinate(d.latitude),
            State.RECEIVED.value,
            sig,
            place,
            1,
            stamp,
        )
        for pk, d, content, sig, place in zip(
            ids, items, contents, entries.signatures, entries.places, strict=True
        )
    )
    through = Complaint.pollution_types.through
    _Table(through, ("complaint", "pollutiontype")).insert(
        (pk, type_id)
        for pk, d in zip(ids, items, strict=True)
        for type_id in dict.fromkeys(t.pk for t in d.pollution_types)
    )
    sealer = crypto.Sealer()
    _Table(Complainant, ("complaint", "ciphertext", "key_id")).insert(
        (pk, sealer.seal(d.personal, context=d.acceptance_no), sealer.key_id)
        for pk, d in zip(ids, items, strict=True)
        if not d.personal.is_empty()
    )
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    _Table(ComplaintStep, _STEP_COLUMNS).insert(
        (pk, Step.RECEIVE.value, "", State.RECEIVED.value, day(d.received_on), stamp, actor_id)
        for pk, d in zip(ids, items, strict=True)
    )
    dedupe.insert_bands(ids, entries)
    return ids


_COMPLAINT_COLUMNS = (
    "id",
    "batch",
    "acceptance_no",
    "original_order",
    "channel",
    "received_on",
    "content",
    "region",
    "region_confirmed",
    "industry",
    "is_key",
    "longitude",
    "latitude",
    "state",
    "signature",
    "place_key",
    "version",
    "created_at",
)
_STEP_COLUMNS = (
    "complaint",
    "step",
    "from_state",
    "to_state",
    "effective_date",
    "recorded_at",
    "actor",
)


def _new_ids(model, n: int) -> list[int]:
    """`n` fresh primary keys of `model`'s table, for rows inserted with them.

    PostgreSQL: from the identity sequence. SQLite: after the largest ever given (the
    AUTOINCREMENT counter), safe because the transaction holds the database's write lock
    (immediate transactions)."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), model._meta.pk.column, n],
            )
            return [row[0] for row in cur.fetchall()]
        cur.execute(f"SELECT MAX({model._meta.pk.column}) FROM {table}")  # noqa: S608
        top = cur.fetchone()[0] or 0
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cur.fetchone()
        first = max(top, row[0] if row else 0) + 1
    return list(range(first, first + n))


class _Table:
    """Plain multi-row INSERTs into `model`'s table: the `given` fields' values come with
    each row, already in the database's form; every other column gets its default,
    prepared once."""

    def __init__(self, model, given: tuple[str, ...]):
        meta = model._meta
        fields = [meta.get_field(name) for name in given]
        rest = [f for f in meta.concrete_fields if f not in fields and not f.primary_key]
        qn = connection.ops.quote_name
        self.table = qn(meta.db_table)
        self.columns = ", ".join(qn(f.column) for f in (*fields, *rest))
        self.width = len(fields) + len(rest)
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)

    def insert(self, rows: Iterable[tuple]) -> None:
        defaults = self.defaults
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
                with cur.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                return
            marks = ", ".join(["%s"] * self.width)
            sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608
            if defaults:
                rows = (row + defaults for row in rows)
            cur.executemany(sql, rows)


@transaction.atomic
def check_create_complaint(batch: ComplaintBatch, *, actor, data: ComplaintData) -> Complaint:
    """One complaint entered by the office (form or API)."""
    _require_manager(actor)
    errors = validate_complaint_data(data, batch)
    if (
        "acceptance_no" not in errors
        and Complaint.objects.filter(acceptance_no=data.acceptance_no).exists()
    ):
        errors["acceptance_no"] = [
            _("Complaint %(no)s is already on record.") % {"no": data.acceptance_no}
        ]
    if errors:
        raise ValidationError(errors)
    (complaint,) = do_intake_complaints(batch, [data], actor=actor)
    return complaint


INTAKE_FIELDS = (
    "content",
    "region",
    "industry",
    "is_key",
    "longitude",
    "latitude",
    "original_order",
    "received_on",
    "channel",
)


def intake_changes(
    complaint: Complaint, data: ComplaintData, *, type_ids: set[int] | None = None
) -> dict[str, Any]:
    """The transfer fields in which `data` differs from the stored complaint (re-import);
    `type_ids`: the complaint's pollution types when the caller has read them already."""
    changes: dict[str, Any] = {}
    scrubbed = scrub(data.content, data.personal)
    for name in INTAKE_FIELDS:
        new = scrubbed if name == "content" else getattr(data, name)
        if getattr(complaint, name) != new:
            changes[name] = new
    if type_ids is None:
        type_ids = {t.pk for t in complaint.pollution_types.all()}
    if {t.pk for t in data.pollution_types} != type_ids:
        changes["pollution_types"] = data.pollution_types
    return changes


def do_update_intake(complaint: Complaint, changes: dict[str, Any], *, actor) -> Complaint:
    """Apply corrected transfer fields (a re-import of a corrected list, or the office's
    edit); caller holds the transaction."""
    before = complaint_state(complaint)
    types = changes.pop("pollution_types", None)
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.version += 1
    complaint.save()
    if types is not None:
        complaint.pollution_types.set(types)
    if "content" in changes or "region" in changes:  # band keys include the prefecture
        dedupe.index_complaints([complaint])
    audit.record(
        "complaints.update",
        actor=actor,
        obj=complaint,
        before=before,
        after=complaint_state(complaint),
    )
    return complaint


@transaction.atomic
def check_update_complaint(
    complaint: Complaint,
    *,
    actor,
    expected_version: int | None,
    content: str | None = None,
    region: Org | None = None,
    pollution_types: list[PollutionType] | None = None,
    industry: str | None = None,
    is_key: bool | None = None,
    confirm_region: bool = False,
) -> Complaint:
    """The office corrects a complaint's transfer fields or confirms its suggested region."""
    _require_manager(actor)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_version(c, expected_version)
    data = ComplaintData(
        acceptance_no=c.acceptance_no,
        content=content if content is not None else c.content,
        region=region or c.region,
        pollution_types=(
            pollution_types if pollution_types is not None else list(c.pollution_types.all())
        ),
        industry=industry if industry is not None else c.industry,
        is_key=is_key if is_key is not None else c.is_key,
        channel=c.channel,
        received_on=c.received_on,
        longitude=c.longitude,
        latitude=c.latitude,
        original_order=c.original_order,
    )
    errors = validate_complaint_data(data, c.batch)
    if errors:
        raise ValidationError(errors)
    changes = intake_changes(c, data)
    if (confirm_region or region is not None) and not c.region_confirmed:
        changes["region_confirmed"] = True
    if not changes:
        return c
    return do_update_intake(c, changes, actor=actor)
