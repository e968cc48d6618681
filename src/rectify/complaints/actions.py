"""Every write to complaints: one transaction each, permission- and scope-checked, audited.

`check_*` validates its input, `do_*` trusts it. Views, API routes, the CLI and the import
call these. Complainants' personal data enters only through `ComplaintData.personal`, is
encrypted here, and leaves only through `check_reveal_complainant` (office, with a reason).
Audit events never carry it: they record that it exists, not what it is.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints import crypto, dedupe
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import (
    Complainant,
    Complaint,
    ComplaintBatch,
    ComplaintStep,
    HandlingResult,
    PollutionType,
    RepeatRejection,
)
from rectify.complaints.permissions import handles, manages, may_reveal_complainant, plays
from rectify.complaints.states import ENFORCEMENT_FIELDS, TRANSITIONS, Channel, State, Step
from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.orgs.models import Org
from rectify.problems.models import Inspection, Problem

# 受理编号 as teams issue them: D (telephone) or X (letter/online), the round digit, the
# province's letters, yyyymmdd, a 4-digit sequence — e.g. D3SX202505280018.
ACCEPTANCE_NO = re.compile(r"^(?P<channel>[DX])\d[A-Z]{1,4}(?P<day>\d{8})\d{3,5}$")
ACCEPTANCE_NO_LOOSE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")
MASK = "***"


def _require_manager(actor) -> None:
    if not manages(actor):
        raise PermissionDenied(_("Only the rectification office may do this."))


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(_("This complaint was changed by someone else; reload and retry."))


def _not_future(effective_date: date, name: str = "effective_date") -> None:
    if effective_date > timezone.localdate():
        raise ValidationError({name: [_("The date cannot be in the future.")]})


def complaint_state(c: Complaint) -> dict[str, Any]:
    """What the audit log shows of a complaint: no personal data, no signature bytes."""
    data = audit.snapshot(
        c,
        [
            "acceptance_no",
            "batch",
            "channel",
            "received_on",
            "content",
            "region",
            "region_confirmed",
            "industry",
            "is_key",
            "longitude",
            "latitude",
            "lead_unit",
            "deadline",
            "state",
            "closed_on",
            "stage_closed_on",
            "problem",
            "repeat_of",
            "version",
        ],
    )
    if c.pk:
        data["pollution_types"] = sorted(c.pollution_types.values_list("name", flat=True))
    return data


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
    if "content" in changes:
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


# --- closure workflow -------------------------------------------------------------------


def _edge(c: Complaint, step: str, *, actor, expected_version: int | None) -> str:
    """The state `step` leads to, if allowed; stale → 409, unknown edge → 422, wrong
    actor → 403, in that order."""
    _check_version(c, expected_version)
    edge = TRANSITIONS.get((c.state, step))
    if edge is None:
        label = Step(step).label if step in Step.values else step
        raise ValidationError(
            {
                "step": [
                    _("“%(step)s” is not possible while the complaint is %(state)s.")
                    % {"step": label, "state": c.get_state_display()}
                ]
            }
        )
    to_state, role = edge
    if not plays(actor, role, c):
        raise PermissionDenied(_("You may not take this step on this complaint."))
    return to_state


def _last_step_date(c: Complaint) -> date:
    last = c.steps.order_by("-effective_date", "-id").values_list("effective_date", flat=True)
    return last.first() or c.received_on


@transaction.atomic
def check_transition_complaint(
    complaint: Complaint,
    step: str,
    *,
    actor,
    expected_version: int | None = None,
    effective_date: date | None = None,
    lead_unit: Org | None = None,
    deadline: date | None = None,
    reason: str = "",
) -> Complaint:
    """Assign, reassign, close, close for the stage, or return a complaint, on a date."""
    c = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("batch", "lead_unit")
        .get(pk=complaint.pk)
    )
    to_state = _edge(c, step, actor=actor, expected_version=expected_version)
    effective_date = effective_date or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if effective_date > timezone.localdate():
        errors["effective_date"] = [_("The date cannot be in the future.")]
    elif effective_date < _last_step_date(c):
        errors["effective_date"] = [
            _("The date cannot be before the complaint's previous step (%(day)s).")
            % {"day": _last_step_date(c)}
        ]
    if step in (Step.ASSIGN, Step.REASSIGN):
        if lead_unit is None:
            errors["lead_unit"] = [_("Choose the lead unit.")]
        elif step == Step.REASSIGN and lead_unit.pk == c.lead_unit_id:
            errors["lead_unit"] = [_("The complaint is already assigned to this unit.")]
        if deadline is None:
            errors["deadline"] = [_("Give the deadline for the handling result.")]
        elif deadline < effective_date:
            errors["deadline"] = [_("The deadline cannot be before the assignment.")]
    if step in (Step.CLOSE, Step.CLOSE_STAGE):
        result = c.latest_result
        if result is None:
            errors["step"] = [_("File the investigation and handling result first.")]
        elif result.effective_date > effective_date:
            errors["effective_date"] = [
                _("The result was filed on %(day)s; close on or after that day.")
                % {"day": result.effective_date}
            ]
    if step == Step.RETURN and not reason.strip():
        errors["reason"] = [_("Say why the complaint is returned for rework.")]
    if errors:
        raise ValidationError(errors)
    return do_transition_complaint(
        c,
        step,
        to_state=to_state,
        actor=actor,
        effective_date=effective_date,
        lead_unit=lead_unit,
        deadline=deadline,
        reason=reason.strip(),
    )


def do_transition_complaint(
    c: Complaint,
    step: str,
    *,
    to_state: str,
    actor,
    effective_date: date,
    lead_unit: Org | None = None,
    deadline: date | None = None,
    reason: str = "",
) -> Complaint:
    """Apply a checked step to a locked complaint; caller holds the transaction."""
    before = complaint_state(c)
    from_state = c.state
    ComplaintStep.objects.create(
        complaint=c,
        step=step,
        from_state=from_state,
        to_state=to_state,
        effective_date=effective_date,
        actor=actor,
        lead_unit=lead_unit,
        deadline=deadline,
        reason=reason,
    )
    c.state = to_state
    if step in (Step.ASSIGN, Step.REASSIGN):
        c.lead_unit, c.deadline = lead_unit, deadline
    if to_state == State.CLOSED:
        c.closed_on = effective_date
    elif to_state == State.STAGE_CLOSED:
        c.stage_closed_on = effective_date
    elif step == Step.RETURN:
        c.closed_on = c.stage_closed_on = None
    c.version += 1
    c.save()
    audit.record(
        f"complaints.{step}",
        actor=actor,
        obj=c,
        before=before,
        after={**complaint_state(c), "reason": reason, "effective_date": effective_date},
    )
    return c


@transaction.atomic
def check_assign_batch(
    batch: ComplaintBatch, *, actor, effective_date: date, deadline: date
) -> int:
    """Assign every not-yet-assigned complaint of a batch to the county (or prefecture) it
    concerns, as offices do on the day of transfer; returns how many were assigned."""
    _require_manager(actor)
    count = 0
    pending = Complaint.objects.select_for_update().filter(batch=batch, state=State.RECEIVED)
    for c in pending.select_related("region"):
        check_transition_complaint(
            c,
            Step.ASSIGN,
            actor=actor,
            effective_date=effective_date,
            lead_unit=c.region,
            deadline=deadline,
        )
        count += 1
    return count


# --- handling results -------------------------------------------------------------------


@dataclass
class ResultData:
    investigation: str
    verdict: str
    handling: str
    accountability: str = ""
    ordered_rectify: int = 0
    penalty_cases: int = 0
    fines_yuan: Decimal = Decimal(0)
    criminal_cases: int = 0
    admin_detained: int = 0
    criminal_detained: int = 0
    interviewed: int = 0
    held_accountable: int = 0


def validate_result(data: ResultData) -> dict[str, list[str]]:
    from rectify.complaints.states import Verdict

    errors: dict[str, list[str]] = {}
    if not (data.investigation or "").strip():
        errors["investigation"] = [_("Write what the investigation found.")]
    if data.verdict not in Verdict.values:
        errors["verdict"] = [_("Choose the verdict: true, mostly true, partly true or untrue.")]
    if not (data.handling or "").strip():
        errors["handling"] = [_("Write how the complaint was handled.")]
    for name in ENFORCEMENT_FIELDS:
        value = getattr(data, name)
        if value is None or value < 0:
            errors[name] = [_("Enter zero or a positive number.")]
        elif name == "fines_yuan" and value >= Decimal("1e12"):
            errors[name] = [_("The amount is too large.")]
        elif name != "fines_yuan" and value > 1_000_000:
            errors[name] = [_("The number is too large.")]
    if data.held_accountable and not (data.accountability or "").strip():
        errors["accountability"] = [_("Say who was held accountable and how.")]
    return errors


@transaction.atomic
def check_file_result(
    complaint: Complaint,
    *,
    actor,
    data: ResultData,
    expected_version: int | None = None,
    effective_date: date | None = None,
    close: str = "",
) -> Complaint:
    """The lead unit (or office) files the investigation and handling result; `close` may be
    Step.CLOSE or Step.CLOSE_STAGE to close the complaint with it on the same date."""
    c = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("batch", "lead_unit")
        .get(pk=complaint.pk)
    )
    _check_version(c, expected_version)
    if not handles(actor, c):
        raise PermissionDenied(_("Only the complaint's lead unit or the office may file this."))
    if c.state == State.RECEIVED:
        raise ValidationError({"state": [_("The complaint has not been assigned yet.")]})
    if c.state == State.CLOSED:
        raise ValidationError(
            {"state": [_("The complaint is closed; the office must return it first.")]}
        )
    effective_date = effective_date or timezone.localdate()
    errors = validate_result(data)
    if effective_date > timezone.localdate():
        errors["effective_date"] = [_("The date cannot be in the future.")]
    elif effective_date < _last_step_date(c):
        errors["effective_date"] = [
            _("The date cannot be before the complaint's previous step (%(day)s).")
            % {"day": _last_step_date(c)}
        ]
    if close and close not in (Step.CLOSE, Step.CLOSE_STAGE):
        errors["close"] = [_("Unknown closure.")]
    if errors:
        raise ValidationError(errors)
    before = complaint_state(c)
    result = HandlingResult.objects.create(
        complaint=c,
        effective_date=effective_date,
        actor=actor,
        investigation=data.investigation.strip(),
        verdict=data.verdict,
        handling=data.handling.strip(),
        accountability=(data.accountability or "").strip(),
        **{name: getattr(data, name) for name in ENFORCEMENT_FIELDS},
    )
    c.latest_result = result
    c.version += 1
    c.save(update_fields=["latest_result", "version"])
    audit.record(
        "complaints.file_result",
        actor=actor,
        obj=c,
        before=before,
        after={"result": audit.snapshot(result), "version": c.version},
    )
    if close:
        to_state = _edge(c, close, actor=actor, expected_version=None)
        do_transition_complaint(
            c, close, to_state=to_state, actor=actor, effective_date=effective_date
        )
    return c


# --- repeats and links ------------------------------------------------------------------


@transaction.atomic
def check_mark_repeat(
    complaint: Complaint, *, actor, original: Complaint | None, expected_version: int | None
) -> Complaint:
    """Link a complaint to the first one it repeats (None unlinks)."""
    _require_manager(actor)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_version(c, expected_version)
    if original is not None:
        if original.pk == c.pk:
            raise ValidationError({"repeat_of": [_("A complaint cannot repeat itself.")]})
        # Link to the first of the chain, and never make a cycle.
        root = original
        seen = {c.pk}
        while root.repeat_of_id is not None:
            if root.pk in seen:
                break
            seen.add(root.pk)
            root = root.repeat_of
        if root.pk in seen:
            raise ValidationError(
                {"repeat_of": [_("%(no)s already repeats this complaint.") % {"no": original}]}
            )
        original = root
    before = complaint_state(c)
    c.repeat_of = original
    c.version += 1
    c.save(update_fields=["repeat_of", "version"])
    audit.record(
        "complaints.mark_repeat" if original else "complaints.unmark_repeat",
        actor=actor,
        obj=c,
        before=before,
        after=complaint_state(c),
    )
    return c


@transaction.atomic
def check_reject_repeat(complaint: Complaint, *, actor, other: Complaint) -> None:
    """The office says a suggested pair is not a repeat; it is not suggested again."""
    _require_manager(actor)
    if other.pk == complaint.pk:
        raise ValidationError({"other": [_("A complaint cannot repeat itself.")]})
    a, b = sorted((complaint.pk, other.pk))
    _rejection, created = RepeatRejection.objects.get_or_create(
        complaint_id=a, other_id=b, defaults={"decided_by": actor}
    )
    if created:
        audit.record(
            "complaints.reject_repeat",
            actor=actor,
            obj=complaint,
            after={"not_a_repeat_of": other.acceptance_no},
        )


@transaction.atomic
def check_link_problem(
    complaint: Complaint, *, actor, problem: Problem | None, expected_version: int | None
) -> Complaint:
    """Link a complaint to the ledger problem it is part of (None unlinks)."""
    _require_manager(actor)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_version(c, expected_version)
    before = complaint_state(c)
    c.problem = problem
    c.version += 1
    c.save(update_fields=["problem", "version"])
    audit.record(
        "complaints.link_problem", actor=actor, obj=c, before=before, after=complaint_state(c)
    )
    return c


# --- complainant data -------------------------------------------------------------------


@transaction.atomic
def check_reveal_complainant(complaint: Complaint, *, actor, reason: str) -> PersonalData:
    """The complainant's identity, for the office only, with a reason that is audited (the
    audit event holds the reason, never the data)."""
    if not may_reveal_complainant(actor):
        raise PermissionDenied(_("Only the rectification office may see who complained."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError(
            {"reason": [_("Say why you need the complainant's identity (at least 4 characters).")]}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    record = Complainant.objects.filter(complaint=complaint).first()
    audit.record(
        "complaints.reveal_complainant",
        actor=actor,
        obj=complaint,
        after={"reason": reason, "on_file": record is not None},
    )
    if record is None:
        return PersonalData()
    return crypto.decrypt(record.ciphertext, record.key_id, context=complaint.acceptance_no)
