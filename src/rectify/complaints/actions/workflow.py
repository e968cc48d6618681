"""The closure workflow (assign, close, return …) and handling results, one by one or in bulk."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints.actions.common import (
    _check_version,
    _require_manager,
    _type_names,
    complaint_state,
)
from rectify.complaints.models import (
    Complaint,
    ComplaintBatch,
    ComplaintStep,
    HandlingResult,
)
from rectify.complaints.permissions import handles, plays
from rectify.complaints.states import ENFORCEMENT_FIELDS, TRANSITIONS, State, Step
from rectify.core import audit
from rectify.orgs.models import Org

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
    if step in (Step.ASSIGN, Step.REASSIGN, Step.RETURN):
        if step != Step.RETURN and lead_unit is None:
            errors["lead_unit"] = [_("Choose the lead unit.")]
        elif step == Step.REASSIGN and lead_unit.pk == c.lead_unit_id:
            errors["lead_unit"] = [_("The complaint is already assigned to this unit.")]
        if deadline is None:
            errors["deadline"] = [_("Give the deadline for the handling result.")]
        elif deadline < effective_date:
            errors["deadline"] = [_("The deadline cannot be before the step's date.")]
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
    types = _type_names(c)
    before = complaint_state(c, types=types)
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
    _apply_step(c, step, to_state, effective_date, lead_unit, deadline)
    c.save()
    audit.record(
        f"complaints.{step}",
        actor=actor,
        obj=c,
        before=before,
        after={
            **complaint_state(c, types=types),
            "reason": reason,
            "effective_date": effective_date,
        },
    )
    return c


def _apply_step(
    c: Complaint,
    step: str,
    to_state: str,
    effective_date: date,
    lead_unit: Org | None,
    deadline: date | None,
) -> None:
    """The complaint's current fields after `step` (not saved)."""
    c.state = to_state
    if step in (Step.ASSIGN, Step.REASSIGN):
        c.lead_unit = lead_unit
    if deadline is not None:
        c.deadline = deadline
    if to_state == State.CLOSED:
        c.closed_on = effective_date
    elif to_state == State.STAGE_CLOSED:
        c.stage_closed_on = effective_date
    elif step == Step.RETURN:
        c.closed_on = c.stage_closed_on = None
    c.version += 1


@transaction.atomic
def check_assign_batch(
    batch: ComplaintBatch, *, actor, effective_date: date, deadline: date
) -> int:
    """Assign every not-yet-assigned complaint of a batch to the county (or prefecture) it
    concerns, as offices do on the day of transfer; returns how many were assigned."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    if effective_date > timezone.localdate():
        errors["effective_date"] = [_("The date cannot be in the future.")]
    elif effective_date < batch.received_on:
        errors["effective_date"] = [
            _("The date cannot be before the batch was received (%(day)s).")
            % {"day": batch.received_on}
        ]
    if deadline < effective_date:
        errors["deadline"] = [_("The deadline cannot be before the step's date.")]
    if errors:
        raise ValidationError(errors)
    pending = list(
        Complaint.objects.select_for_update()
        .filter(batch=batch, state=State.RECEIVED)
        .select_related("region")
    )
    late = [c for c in pending if c.received_on > effective_date]
    if late:
        raise ValidationError(
            {
                "effective_date": [
                    _("Complaint %(no)s was received on %(day)s, after this date.")
                    % {"no": late[0].acceptance_no, "day": late[0].received_on}
                ]
            }
        )
    return do_bulk_handle(
        [
            HandleItem(
                complaint=c,
                step=Step.ASSIGN,
                effective_date=effective_date,
                lead_unit=c.region,
                deadline=deadline,
            )
            for c in pending
        ],
        actor=actor,
    )


@dataclass
class HandleItem:
    """One step (and optionally the result filed with it) for do_bulk_handle()."""

    complaint: Complaint
    effective_date: date
    step: str = ""  # "" files the result only
    lead_unit: Org | None = None
    deadline: date | None = None
    result: "ResultData | None" = None
    reason: str = ""


CURRENT_FIELDS = (
    "state",
    "lead_unit",
    "deadline",
    "closed_on",
    "stage_closed_on",
    "latest_result",
    "version",
)


def _write_current(complaints: list[Complaint]) -> None:
    """UPDATE the current fields of many complaints, one parametrised statement each.

    bulk_update() would build a CASE WHEN per field per batch, which costs Django more than
    the database takes to run plain executemany() for thousands of rows."""
    if not complaints:
        return
    fields = [Complaint._meta.get_field(name) for name in CURRENT_FIELDS]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE id = %s".format(  # noqa: S608 - names from model metadata
        qn(Complaint._meta.db_table), ", ".join(f"{qn(f.column)} = %s" for f in fields)
    )
    rows = [
        [f.get_db_prep_value(getattr(c, f.attname), connection) for f in fields] + [c.pk]
        for c in complaints
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def do_bulk_handle(items: list[HandleItem], *, actor) -> int:
    """Many checked steps and results at once (a batch assigned in one click, a demo or
    migration load): the same rows and audit events as the single actions, written in bulk.
    Trusts its input: each step must be an edge of TRANSITIONS from the complaint's current
    state, in date order per complaint; caller holds the transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("do_bulk_handle() must run inside a transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    entries: list[audit.Entry] = []
    steps: list[ComplaintStep] = []
    touched: dict[int, Complaint] = {}
    pending_results: list[tuple[HandlingResult, Complaint]] = []
    for item in items:
        c = item.complaint
        touched[c.pk] = c
        if item.result is not None:
            r = HandlingResult(
                complaint=c,
                effective_date=item.effective_date,
                actor=user,
                investigation=item.result.investigation.strip(),
                verdict=item.result.verdict,
                handling=item.result.handling.strip(),
                accountability=(item.result.accountability or "").strip(),
                **{name: getattr(item.result, name) for name in ENFORCEMENT_FIELDS},
            )
            pending_results.append((r, c))
        if item.step:
            to_state, _role = TRANSITIONS[(c.state, item.step)]
            steps.append(
                ComplaintStep(
                    complaint=c,
                    step=item.step,
                    from_state=c.state,
                    to_state=to_state,
                    effective_date=item.effective_date,
                    actor=user,
                    lead_unit=item.lead_unit,
                    deadline=item.deadline,
                    reason=item.reason,
                )
            )
            before = {"state": c.state, "version": c.version}
            _apply_step(c, item.step, to_state, item.effective_date, item.lead_unit, item.deadline)
            entries.append(
                audit.Entry(
                    action=f"complaints.{item.step}",
                    object_type="complaints.complaint",
                    object_id=str(c.pk),
                    object_repr=c.acceptance_no,
                    before=before,
                    after={
                        "state": c.state,
                        "lead_unit": c.lead_unit_id,
                        "deadline": c.deadline,
                        "closed_on": c.closed_on,
                        "stage_closed_on": c.stage_closed_on,
                        "version": c.version,
                        "reason": item.reason,
                        "effective_date": item.effective_date,
                    },
                )
            )
        elif item.result is not None:
            c.version += 1
    results = [r for r, _c in pending_results]
    HandlingResult.objects.bulk_create(results, batch_size=500)
    if results[:1] and results[0].pk is None:  # backends without RETURNING ids
        raise RuntimeError("bulk handling needs a database that returns inserted ids")
    for r, c in pending_results:
        c.latest_result = r
        entries.append(
            audit.Entry(
                action="complaints.file_result",
                object_type="complaints.complaint",
                object_id=str(c.pk),
                object_repr=c.acceptance_no,
                after={"result": audit.snapshot(r), "version": c.version},
            )
        )
    ComplaintStep.objects.bulk_create(steps, batch_size=1000)
    _write_current(list(touched.values()))
    audit.record_many(entries, actor=actor)
    return len(items)


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
    before = {"state": c.state, "latest_result": c.latest_result_id, "version": c.version}
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
