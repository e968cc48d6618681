"""Accountability (责任追究): cases, their status, the organisations and officials held
accountable. Office only (MANAGE_OVERSIGHT); every write audited in its transaction."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import audit
from rectify.oversight.actions.common import (
    Errors,
    add,
    check_model,
    lock,
    not_future,
    raise_if,
    require,
    state,
    touch,
    user_or_none,
)
from rectify.oversight.models import (
    AccountabilityCase,
    CaseStatusChange,
    HeldOrganization,
    HeldPerson,
    SanctionClass,
    identity_key,
    person_key_of,
)
from rectify.oversight.states import CASE_TRANSITIONS, CaseStatus

CASE_FIELDS = [
    "inspection",
    "number",
    "title",
    "summary",
    "source",
    "received_date",
    "decision_date",
    "published",
]
CASE_EDITABLE = set(CASE_FIELDS) - {"inspection"} | {"problems"}
ORG_FIELDS = ["name", "org", "handling", "document_number", "decision_date"]
PERSON_FIELDS = [
    "name",
    "post",
    "unit_name",
    "org",
    "identifier",
    "rank",
    "sanction",
    "document_number",
    "decision_date",
    "note",
]


def case_state(case: AccountabilityCase) -> dict[str, Any]:
    return state(case, problems=case.problems.values_list("pk", flat=True))


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


# --- cases -------------------------------------------------------------------------------------


def _validate_case(case: AccountabilityCase, errors: Errors, *, today: date) -> None:
    check_model(case, errors, exclude=["inspection"] if case.inspection_id is None else None)
    if case.inspection_id is None:
        add(errors, "inspection", _("Choose the inspection the case belongs to."))
    not_future(errors, "received_date", case.received_date, today)
    not_future(errors, "decision_date", case.decision_date, today)
    if case.decision_date and case.received_date and case.decision_date < case.received_date:
        add(errors, "decision_date", _("The decision date is before the case was received."))
    duplicate = AccountabilityCase.objects.filter(
        inspection_id=case.inspection_id, number=case.number
    ).exclude(pk=case.pk)
    if case.number and duplicate.exists():
        add(errors, "number", _("A case with this number exists already in the inspection."))


@transaction.atomic
def check_create_case(*, actor, data: dict[str, Any], today: date | None = None):
    """Register a case; with a decision date it starts as decided."""
    require(actor)
    today = today or timezone.localdate()
    data = _strip(data)
    case = AccountabilityCase(**{k: data[k] for k in CASE_FIELDS if k in data})
    if case.decision_date:
        case.status = CaseStatus.DECIDED
    errors: Errors = {}
    _validate_case(case, errors, today=today)
    raise_if(errors)
    case.save()
    if data.get("problems"):
        case.problems.set(data["problems"])
    audit.record("oversight.create_case", actor=actor, obj=case, after=case_state(case))
    return case


@transaction.atomic
def check_update_case(
    case: AccountabilityCase,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> AccountabilityCase:
    """Edit a case's facts; its status moves only by check_transition_case."""
    require(actor)
    today = today or timezone.localdate()
    locked = lock(case, expected_version)
    unknown = set(changes) - CASE_EDITABLE
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = case_state(locked)
    changes = _strip(changes)
    for key, value in changes.items():
        if key != "problems":
            setattr(locked, key, value)
    errors: Errors = {}
    if "decision_date" in changes and locked.status == CaseStatus.OPEN and locked.decision_date:
        add(errors, "decision_date", _("Record the decision by moving the case to decided."))
    if locked.status != CaseStatus.OPEN and locked.decision_date is None:
        add(errors, "decision_date", _("A decided case needs its decision date."))
    _validate_case(locked, errors, today=today)
    raise_if(errors)
    touch(locked)
    locked.save()
    if "problems" in changes:
        locked.problems.set(changes["problems"] or [])
    audit.record(
        "oversight.update_case", actor=actor, obj=locked, before=before, after=case_state(locked)
    )
    return locked


@transaction.atomic
def check_transition_case(
    case: AccountabilityCase,
    *,
    actor,
    to: str,
    effective_date: date,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> AccountabilityCase:
    """Move a case along CASE_TRANSITIONS; deciding sets the decision date."""
    require(actor)
    today = today or timezone.localdate()
    locked = lock(case, expected_version)
    if (locked.status, to) not in CASE_TRANSITIONS:
        raise ValidationError({"status": [_("The case cannot move to that status.")]})
    errors: Errors = {}
    not_future(errors, "effective_date", effective_date, today)
    if effective_date < locked.received_date:
        add(errors, "effective_date", _("The date is before the case was received."))
    if to == CaseStatus.OPEN and not reason.strip():
        add(errors, "reason", _("Say why the case is reopened."))
    raise_if(errors)
    before = case_state(locked)
    previous = locked.status
    locked.status = to
    if to == CaseStatus.DECIDED and previous == CaseStatus.OPEN:
        locked.decision_date = effective_date
    if to == CaseStatus.OPEN:
        locked.decision_date = None
    touch(locked)
    locked.save()
    CaseStatusChange.objects.create(
        case=locked,
        from_status=previous,
        to_status=to,
        actor=user_or_none(actor),
        reason=reason.strip(),
        effective_date=effective_date,
    )
    audit.record(
        f"oversight.case.{to}",
        actor=actor,
        obj=locked,
        before=before,
        after={**case_state(locked), "reason": reason.strip()},
    )
    return locked


# --- organisations held accountable --------------------------------------------------------


def _validate_decision(row, case: AccountabilityCase, errors: Errors, today: date) -> None:
    not_future(errors, "decision_date", row.decision_date, today)
    if row.decision_date and row.decision_date < case.received_date:
        add(errors, "decision_date", _("The decision date is before the case was received."))


def _validate_org(row: HeldOrganization, case, errors: Errors, today: date) -> None:
    check_model(row, errors, exclude=["case", "org_key"])
    _validate_decision(row, case, errors, today)
    duplicate = HeldOrganization.objects.filter(case=case, org_key=identity_key(row.name))
    if row.name and duplicate.exclude(pk=row.pk).exists():
        add(errors, "name", _("This organisation is listed in the case already."))


# The organisations and the officials of a case are edited the same way: one validator and
# one field list each, the same locking, audit and version rules.


def _add_member(case, model, fields, validate, action: str, *, actor, data, today):
    require(actor)
    today = today or timezone.localdate()
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    row = model(case=case, **{k: v for k, v in _strip(data).items() if k in fields})
    errors: Errors = {}
    validate(row, case, errors, today)
    raise_if(errors)
    row.save()
    audit.record(action, actor=actor, obj=case, after=state(row))
    return row


def _update_member(row, fields, validate, action: str, *, actor, expected_version, changes, today):
    require(actor)
    today = today or timezone.localdate()
    locked = lock(row, expected_version)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = state(locked)
    for key, value in _strip(changes).items():
        setattr(locked, key, value)
    errors: Errors = {}
    validate(locked, locked.case, errors, today)
    raise_if(errors)
    touch(locked)
    locked.save()
    audit.record(action, actor=actor, obj=locked.case, before=before, after=state(locked))
    return locked


def _remove_member(row, action: str, *, actor, expected_version) -> None:
    require(actor)
    locked = lock(row, expected_version)
    before = state(locked)
    case = locked.case
    locked.delete()
    audit.record(action, actor=actor, obj=case, before=before)


@transaction.atomic
def check_add_held_org(
    case: AccountabilityCase, *, actor, data: dict[str, Any], today: date | None = None
) -> HeldOrganization:
    """List a party organisation held accountable in a case."""
    return _add_member(
        case,
        HeldOrganization,
        ORG_FIELDS,
        _validate_org,
        "oversight.add_held_org",
        actor=actor,
        data=data,
        today=today,
    )


@transaction.atomic
def check_update_held_org(
    row: HeldOrganization,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> HeldOrganization:
    return _update_member(
        row,
        ORG_FIELDS,
        _validate_org,
        "oversight.update_held_org",
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        today=today,
    )


@transaction.atomic
def check_remove_held_org(row: HeldOrganization, *, actor, expected_version: int | None) -> None:
    _remove_member(row, "oversight.remove_held_org", actor=actor, expected_version=expected_version)


# --- officials held accountable --------------------------------------------------------------


def _validate_person(row: HeldPerson, case, errors: Errors, today: date) -> None:
    check_model(row, errors, exclude=["case", "person_key"])
    _validate_decision(row, case, errors, today)
    if (
        row.sanction_id
        and not SanctionClass.objects.filter(pk=row.sanction_id, is_active=True).exists()
    ):
        previous = HeldPerson.objects.filter(pk=row.pk).values_list("sanction_id", flat=True)
        if not row.pk or row.sanction_id not in previous:
            add(errors, "sanction", _("This sanction class is no longer in use."))
    if not errors:
        unit = row.unit_name or (row.org.name if row.org_id else "")
        key = person_key_of(row.name, unit, row.identifier)
        same = HeldPerson.objects.filter(case=case, person_key=key, sanction_id=row.sanction_id)
        if same.exclude(pk=row.pk).exists():
            add(errors, "name", _("This person already has this sanction in the case."))


@transaction.atomic
def check_add_held_person(
    case: AccountabilityCase, *, actor, data: dict[str, Any], today: date | None = None
) -> HeldPerson:
    """Record one sanction of one official (one 人次) in a case."""
    return _add_member(
        case,
        HeldPerson,
        PERSON_FIELDS,
        _validate_person,
        "oversight.add_held_person",
        actor=actor,
        data=data,
        today=today,
    )


@transaction.atomic
def check_update_held_person(
    row: HeldPerson,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> HeldPerson:
    return _update_member(
        row,
        PERSON_FIELDS,
        _validate_person,
        "oversight.update_held_person",
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        today=today,
    )


@transaction.atomic
def check_remove_held_person(row: HeldPerson, *, actor, expected_version: int | None) -> None:
    _remove_member(
        row, "oversight.remove_held_person", actor=actor, expected_version=expected_version
    )
