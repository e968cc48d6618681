"""Every write to the ledger: one transaction each, permission- and scope-checked, audited.

`check_*` validates its input, `do_*` trusts it. Views, API routes, the CLI and the Excel
import all call these; nothing else writes problems, events, warnings or extensions.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.core.scoping import scoped
from rectify.problems import asof
from rectify.problems.models import (
    ExtensionRequest,
    Inspection,
    Measure,
    Milestone,
    Problem,
    StatusEvent,
    WarningRecord,
)
from rectify.problems.queries import PROBLEM_WRITE_FIELDS
from rectify.problems.states import (
    EXTENSION_TRANSITIONS,
    DeadlineKind,
    EventKind,
    ExtensionStatus,
    Status,
)
from rectify.problems.validation import validate_problem

PROBLEM_FIELDS = [
    "inspection",
    "number",
    "title",
    "description",
    "aspect",
    "category",
    "region",
    "lead_unit",
    "responsible_leader",
    "responsible_person",
    "target",
    "deadline_kind",
    "original_deadline",
    "deadline",
    "start_date",
    "warning_days",
    "source",
    "longitude",
    "latitude",
]
EDITABLE_FIELDS = set(PROBLEM_FIELDS) - {"inspection", "original_deadline", "deadline"}


def _require(actor, cap: Cap) -> None:
    if not has_cap(actor, cap):
        raise PermissionDenied


def _require_lead_scope(actor, problem: Problem) -> None:
    """Units write only on problems their org (or a descendant) leads; 404 otherwise."""
    if not scoped(Problem.objects.filter(pk=problem.pk), actor, *PROBLEM_WRITE_FIELDS).exists():
        raise Http404


def problem_state(problem: Problem) -> dict[str, Any]:
    """Everything about a problem that an audit event should show before and after."""
    data = audit.snapshot(problem, [*PROBLEM_FIELDS, "version"])
    data["cooperating_units"] = sorted(problem.cooperating_units.values_list("code", flat=True))
    data["measures"] = [
        {
            "seq": m.seq,
            "text": m.text,
            "responsible_unit": m.responsible_unit.code if m.responsible_unit_id else None,
            "due_date": m.due_date.isoformat() if m.due_date else None,
            "done": m.done,
        }
        for m in problem.measures.select_related("responsible_unit")
    ]
    data["milestones"] = [
        {"date": m.date.isoformat(), "percent": m.percent} for m in problem.milestones.all()
    ]
    return data


def _write_children(problem: Problem, data: dict[str, Any]) -> None:
    if "cooperating_units" in data:
        problem.cooperating_units.set(data["cooperating_units"] or [])
    if "measures" in data:
        problem.measures.all().delete()
        Measure.objects.bulk_create(
            Measure(
                problem=problem,
                seq=i,
                text=m["text"].strip(),
                responsible_unit=m.get("responsible_unit"),
                due_date=m.get("due_date"),
                done=bool(m.get("done")),
                done_date=m.get("done_date"),
            )
            for i, m in enumerate(data["measures"] or [], start=1)
        )
    if "milestones" in data:
        problem.milestones.all().delete()
        for m in data["milestones"] or []:
            Milestone(problem=problem, date=m["date"], percent=int(m["percent"])).save()


@transaction.atomic
def check_create_inspection(*, actor, **fields) -> Inspection:
    """Register an inspection (office)."""
    _require(actor, Cap.EDIT_LEDGER)
    if Inspection.objects.filter(code=fields.get("code")).exists():
        raise ValidationError({"code": _("An inspection with this code exists already.")})
    inspection = Inspection(**fields)
    try:
        inspection.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    inspection.save()
    audit.record(
        "problems.create_inspection", actor=actor, obj=inspection, after=audit.snapshot(inspection)
    )
    return inspection


@transaction.atomic
def check_create_problem(*, actor, data: dict[str, Any], origin: str = "manual") -> Problem:
    """File a problem with its measures and milestones (office)."""
    _require(actor, Cap.EDIT_LEDGER)
    data = dict(data)
    inspection: Inspection = data["inspection"]
    data.setdefault("start_date", inspection.feedback_date)
    errors = validate_problem(data)
    if Problem.objects.filter(inspection=inspection, number=data.get("number")).exists():
        errors.setdefault("number", []).append(_("This number exists already in the inspection."))
    if errors:
        raise ValidationError(errors)
    problem = do_create_problem(actor=actor, data=data, origin=origin)
    return problem


def do_create_problem(*, actor, data: dict[str, Any], origin: str = "manual") -> Problem:
    """Create a validated problem (inside the caller's transaction)."""
    fields = {k: data[k] for k in PROBLEM_FIELDS if k in data}
    fields["deadline"] = fields.get("original_deadline")
    problem = Problem(**fields)
    problem.save()
    _write_children(problem, data)
    audit.record(
        "problems.create_problem",
        actor=actor,
        obj=problem,
        after={**problem_state(problem), "origin": origin},
    )
    return problem


@transaction.atomic
def check_update_problem(
    problem: Problem, *, actor, expected_version: int, changes: dict[str, Any]
) -> Problem:
    """Edit a problem (office); a stale `expected_version` is a conflict and changes nothing.

    Deadlines are not edited here: they move only by an approved extension request.
    """
    _require(actor, Cap.EDIT_LEDGER)
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.version != expected_version:
        raise ConflictError(_("This problem was changed by someone else; reload and retry."))
    unknown = set(changes) - EDITABLE_FIELDS - {"cooperating_units", "measures", "milestones"}
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = problem_state(locked)
    merged = {k: getattr(locked, k) for k in PROBLEM_FIELDS}
    merged.update(changes)
    if "milestones" not in changes:
        merged["milestones"] = [
            {"date": m.date, "percent": m.percent} for m in locked.milestones.all()
        ]
    merged["original_deadline"] = locked.deadline or locked.original_deadline
    errors = validate_problem(merged)
    number = changes.get("number")
    if (
        number
        and Problem.objects.filter(inspection=locked.inspection, number=number)
        .exclude(pk=locked.pk)
        .exists()
    ):
        errors.setdefault("number", []).append(_("This number exists already in the inspection."))
    if errors:
        raise ValidationError(errors)
    for key, value in changes.items():
        if key in EDITABLE_FIELDS:
            setattr(locked, key, value)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _write_children(locked, changes)
    audit.record(
        "problems.update_problem",
        actor=actor,
        obj=locked,
        before=before,
        after=problem_state(locked),
    )
    return locked


# Which capability records which kind of event by hand; the sign-off workflow writes
# acceptance and sign-off events through its own actions.
EVENT_CAPS = {
    EventKind.PROGRESS: Cap.REPORT_PROGRESS,
    EventKind.BASICALLY_DONE: Cap.REPORT_PROGRESS,
    EventKind.APPLIED: Cap.REPORT_PROGRESS,
    EventKind.ACCEPTED: Cap.RECORD_EVENTS,
    EventKind.SIGNED_OFF: Cap.RECORD_EVENTS,
    EventKind.REOPENED: Cap.RECORD_EVENTS,
    EventKind.CRITICISED: Cap.RECORD_EVENTS,
}


@transaction.atomic
def check_record_event(
    problem: Problem,
    *,
    actor,
    kind: str,
    effective_date: date,
    percent: int | None = None,
    note: str = "",
    origin: str = "manual",
    today: date | None = None,
) -> StatusEvent:
    """Record a dated event (progress, acceptance, sign-off, …) after checking it fits."""
    cap = EVENT_CAPS.get(kind)
    if cap is None:
        raise ValidationError({"kind": _("This kind of event cannot be recorded here.")})
    _require(actor, cap)
    if not has_cap(actor, Cap.EDIT_LEDGER):
        _require_lead_scope(actor, problem)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if effective_date > today:
        errors["effective_date"] = [_("The date is in the future.")]
    elif effective_date < problem.start_date:
        errors["effective_date"] = [_("The date is before the problem was listed.")]
    if kind == EventKind.PROGRESS and (percent is None or not 0 <= percent <= 100):
        errors["percent"] = [_("Give a percent between 0 and 100.")]
    if errors:
        raise ValidationError(errors)
    state = asof.state_of(problem, effective_date)
    status = state.asof_status if state else None
    done = status in (Status.COMPLETED, Status.SIGNED_OFF)
    if kind in (EventKind.PROGRESS, EventKind.APPLIED, EventKind.ACCEPTED) and done:
        raise ValidationError({"kind": [_("The problem is already completed on that date.")]})
    if kind == EventKind.SIGNED_OFF and status != Status.COMPLETED:
        raise ValidationError(
            {"kind": [_("Only a problem that passed acceptance can be signed off.")]}
        )
    if kind == EventKind.REOPENED and not done:
        raise ValidationError({"kind": [_("Only a completed problem can be reopened.")]})
    return do_record_event(
        problem,
        actor=actor,
        kind=kind,
        effective_date=effective_date,
        percent=percent,
        note=note,
        origin=origin,
    )


def do_record_event(
    problem: Problem,
    *,
    actor,
    kind: str,
    effective_date: date,
    percent: int | None = None,
    new_deadline: date | None = None,
    note: str = "",
    origin: str = "manual",
    recorded_at=None,
) -> StatusEvent:
    """Append a validated event (inside the caller's transaction) and audit it."""
    event = StatusEvent(
        problem=problem,
        kind=kind,
        effective_date=effective_date,
        percent=percent,
        new_deadline=new_deadline,
        note=note,
        origin=origin,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=recorded_at or timezone.now(),
    )
    event.save()
    audit.record(
        f"problems.event.{kind}",
        actor=actor,
        obj=problem,
        after={
            "kind": kind,
            "effective_date": effective_date,
            "percent": percent,
            "new_deadline": new_deadline,
            "note": note,
            "origin": origin,
        },
    )
    return event


@transaction.atomic
def check_request_extension(
    problem: Problem, *, actor, new_deadline: date, reason: str
) -> ExtensionRequest:
    """A unit (or the office) asks for a later deadline, with a reason."""
    if not has_cap(actor, Cap.EDIT_LEDGER):
        _require(actor, Cap.REQUEST_EXTENSION)
        _require_lead_scope(actor, problem)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    errors: dict[str, list[str]] = {}
    if problem.deadline_kind == DeadlineKind.ONGOING or problem.deadline is None:
        errors["new_deadline"] = [_("An ongoing problem has no deadline to extend.")]
    elif new_deadline <= problem.deadline:
        errors["new_deadline"] = [_("The new deadline must be after the current one.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the extension.")]
    if problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors.setdefault("new_deadline", []).append(
            _("An extension request for this problem is already pending.")
        )
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        problem=problem,
        requested_by=actor,
        reason=reason.strip(),
        current_deadline=problem.deadline,
        new_deadline=new_deadline,
    )
    audit.record(
        "problems.request_extension",
        actor=actor,
        obj=problem,
        after={
            "request": request.pk,
            "from": problem.deadline,
            "to": new_deadline,
            "reason": reason,
        },
    )
    return request


@transaction.atomic
def check_transition_extension(
    request: ExtensionRequest,
    *,
    actor,
    to: str,
    note: str = "",
    effective_date: date | None = None,
) -> ExtensionRequest:
    """Approve, refuse or withdraw an extension request along the allowed edges."""
    request = (
        ExtensionRequest.objects.select_for_update().select_related("problem").get(pk=request.pk)
    )
    edge = (request.status, to)
    cap = EXTENSION_TRANSITIONS.get(edge)
    if cap is None:
        raise ValidationError({"status": [_("This request cannot move to that state.")]})
    _require(actor, Cap(cap))
    if to == ExtensionStatus.WITHDRAWN and request.requested_by_id != actor.pk:
        raise PermissionDenied
    if to in (ExtensionStatus.APPROVED, ExtensionStatus.REFUSED):
        if request.requested_by_id == actor.pk:
            raise ValidationError({"status": [_("Nobody decides their own request.")]})
        if to == ExtensionStatus.REFUSED and not note.strip():
            raise ValidationError({"decision_note": [_("Say why the request is refused.")]})
    effective_date = effective_date or timezone.localdate()
    request.status = to
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.effective_date = effective_date
    request.save()
    if to == ExtensionStatus.APPROVED:
        problem = Problem.objects.select_for_update().get(pk=request.problem_id)
        problem.deadline = request.new_deadline
        problem.version += 1
        problem.save(update_fields=["deadline", "version"])
        do_record_event(
            problem,
            actor=actor,
            kind=EventKind.DEADLINE_CHANGED,
            effective_date=effective_date,
            new_deadline=request.new_deadline,
            note=request.reason,
            origin="extension",
        )
    audit.record(
        f"problems.extension.{to}",
        actor=actor,
        obj=request.problem,
        after={"request": request.pk, "status": to, "note": note},
    )
    return request


@transaction.atomic
def do_record_warnings(as_of_date: date, *, actor) -> dict[str, int]:
    """Record every problem's warning colour on a date; re-running for a date changes nothing.

    Returns counts by colour. Problems without a colour on that date get no record.
    """
    rows = asof.as_of(Problem.objects.prefetch_related("milestones"), as_of_date).exclude(
        asof_colour=""
    )
    existing = set(
        WarningRecord.objects.filter(effective_date=as_of_date).values_list("problem_id", flat=True)
    )
    counts: dict[str, int] = {}
    new = []
    for p in rows:
        counts[p.asof_colour] = counts.get(p.asof_colour, 0) + 1
        if p.pk in existing:
            continue
        days, reason = warning_days_and_reason(p, as_of_date)
        new.append(
            WarningRecord(
                problem=p, colour=p.asof_colour, effective_date=as_of_date, days=days, reason=reason
            )
        )
    WarningRecord.objects.bulk_create(new)
    if new:
        audit.record(
            "problems.record_warnings",
            actor=actor,
            object_type="problems.warningrecord",
            object_id=as_of_date.isoformat(),
            after={"date": as_of_date, "recorded": len(new), "by_colour": counts},
        )
    return counts


def warning_days_and_reason(p: Problem, as_of_date: date) -> tuple[int, str]:
    """Days overdue (red), behind plan (yellow) or left (blue), with a short reason."""
    today = as_of_date.toordinal()
    if p.asof_status == Status.OVERDUE:
        return today - p.asof_deadline_day, _("overdue")
    if p.asof_colour == "red":
        return 0, _("criticised publicly")
    if p.asof_colour == "yellow":
        deadline = date.fromordinal(p.asof_deadline_day) if p.asof_deadline_day else None
        points = asof.plan_points(p, deadline)
        return asof.days_behind(points, p.asof_percent or 0, as_of_date), _("behind schedule")
    return p.asof_deadline_day - today, _("deadline approaching")
