"""Batches and intake: complaints as the team transfers them, and corrections."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
from rectify.complaints.states import Channel, State, Step
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
    return re.sub(r"\s+", "", value or "").upper()


def validate_complaint_data(data: ComplaintData, batch: ComplaintBatch) -> dict[str, list[str]]:
    """Field errors of one complaint (empty when valid); fills derived fields in place."""
    errors: dict[str, list[str]] = {}
    data.acceptance_no = normalise_acceptance_no(data.acceptance_no)
    m = ACCEPTANCE_NO.match(data.acceptance_no)
    if not data.acceptance_no:
        errors["acceptance_no"] = [_("The acceptance number is missing.")]
    elif not ACCEPTANCE_NO_LOOSE.match(data.acceptance_no):
        errors["acceptance_no"] = [
            _("“%(value)s” is not an acceptance number (e.g. D3GZ202505280018).")
            % {"value": data.acceptance_no[:50]}
        ]
    if m and not data.channel:
        data.channel = Channel.PHONE if m["channel"] == "D" else Channel.LETTER
    if not data.channel:
        data.channel = Channel.LETTER
    if data.channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if data.received_on is None:
        data.received_on = batch.received_on
        if m:
            try:
                data.received_on = date(int(m["day"][:4]), int(m["day"][4:6]), int(m["day"][6:]))
            except ValueError:
                errors["acceptance_no"] = [
                    _("The date inside the acceptance number “%(value)s” does not exist.")
                    % {"value": data.acceptance_no}
                ]
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
    from rectify.complaints.states import Industry

    if data.industry and data.industry not in Industry.values:
        errors["industry"] = [_("Unknown industry type.")]
    for name, value, low, high in (
        ("longitude", data.longitude, 73, 136),
        ("latitude", data.latitude, 3, 54),
    ):
        if value is not None and not (low <= value <= high):
            errors[name] = [_("Outside China.")]
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


def _new_complaint(batch: ComplaintBatch, data: ComplaintData) -> Complaint:
    return Complaint(
        batch=batch,
        acceptance_no=data.acceptance_no,
        original_order=data.original_order,
        channel=data.channel,
        received_on=data.received_on,
        content=scrub(data.content, data.personal),
        region=data.region,
        region_confirmed=data.region_confirmed,
        industry=data.industry,
        is_key=data.is_key,
        longitude=data.longitude,
        latitude=data.latitude,
        state=State.RECEIVED,
    )


def do_intake_complaints(
    batch: ComplaintBatch, items: list[ComplaintData], *, actor, origin: str = "manual"
) -> list[Complaint]:
    """Create validated complaints in bulk: rows, types, encrypted complainants, the
    RECEIVE step, repeat-detection index and one audit event each. Caller holds the
    transaction (the import's all-or-nothing)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("do_intake_complaints() must run inside a transaction")
    complaints = [_new_complaint(batch, d) for d in items]
    Complaint.objects.bulk_create(complaints, batch_size=500)
    if complaints[:1] and complaints[0].pk is None:  # backends without RETURNING ids
        by_no = dict(
            Complaint.objects.filter(
                acceptance_no__in=[c.acceptance_no for c in complaints]
            ).values_list("acceptance_no", "pk")
        )
        for c in complaints:
            c.pk = c.id = by_no[c.acceptance_no]
    through = Complaint.pollution_types.through
    links = [
        through(complaint_id=c.pk, pollutiontype_id=t.pk)
        for c, d in zip(complaints, items, strict=True)
        for t in {t.pk: t for t in d.pollution_types}.values()
    ]
    through.objects.bulk_create(links, batch_size=2000)
    secrets = []
    for c, d in zip(complaints, items, strict=True):
        if not d.personal.is_empty():
            ciphertext, key_id = crypto.encrypt(d.personal, context=c.acceptance_no)
            secrets.append(Complainant(complaint=c, ciphertext=ciphertext, key_id=key_id))
    Complainant.objects.bulk_create(secrets, batch_size=500)
    ComplaintStep.objects.bulk_create(
        [
            ComplaintStep(
                complaint=c,
                step=Step.RECEIVE,
                from_state="",
                to_state=State.RECEIVED,
                effective_date=c.received_on,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for c in complaints
        ],
        batch_size=1000,
    )
    dedupe.index_complaints(complaints)
    with_personal = {s.complaint_id for s in secrets}
    audit.record_many(
        [
            audit.Entry(
                action="complaints.intake",
                object_type="complaints.complaint",
                object_id=str(c.pk),
                object_repr=c.acceptance_no,
                after={
                    "acceptance_no": c.acceptance_no,
                    "batch": batch.number,
                    "inspection": batch.inspection.code,
                    "region": c.region.code,
                    "types": sorted(t.name for t in d.pollution_types),
                    "complainant_on_file": c.pk in with_personal,
                    "origin": origin,
                },
            )
            for c, d in zip(complaints, items, strict=True)
        ],
        actor=actor,
    )
    return complaints


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


def intake_changes(complaint: Complaint, data: ComplaintData) -> dict[str, Any]:
    """The transfer fields in which `data` differs from the stored complaint (re-import)."""
    changes: dict[str, Any] = {}
    scrubbed = scrub(data.content, data.personal)
    for name in INTAKE_FIELDS:
        new = scrubbed if name == "content" else getattr(data, name)
        if getattr(complaint, name) != new:
            changes[name] = new
    types = {t.pk for t in data.pollution_types}
    if types != {t.pk for t in complaint.pollution_types.all()}:
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
