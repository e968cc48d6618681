"""Supervision actions (致函 / 约谈 / 通报 / 暗访暗查 / 抽查 / 警示片), their findings, and a
secret visit's finding filed as a new ledger problem (source 暗访). Office only."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
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
from rectify.oversight.models import Finding, SupervisionAction
from rectify.oversight.states import PROPOSAL_ACTION_KINDS, ActionKind, Verdict
from rectify.problems import actions as ledger
from rectify.problems import watch
from rectify.problems.models import Problem
from rectify.problems.states import Source

ACTION_FIELDS = [
    "inspection",
    "kind",
    "check_kind",
    "date",
    "title",
    "content",
    "document_number",
    "conducted_by",
]
ACTION_EDITABLE = set(ACTION_FIELDS) - {"inspection", "kind"} | {"target_orgs", "problems"}
FINDING_KINDS = (ActionKind.SECRET_VISIT, ActionKind.SPOT_CHECK)


def action_state(action: SupervisionAction) -> dict[str, Any]:
    return state(
        action,
        target_orgs=action.target_orgs.values_list("code", flat=True),
        problems=action.problems.values_list("pk", flat=True),
    )


def _validate_action(action: SupervisionAction, data: dict, errors: Errors, today: date) -> None:
    check_model(action, errors, exclude=["inspection"] if action.inspection_id is None else None)
    if action.inspection_id is None:
        add(errors, "inspection", _("Choose the inspection the action belongs to."))
    not_future(errors, "date", action.date, today)
    if action.kind == ActionKind.SPOT_CHECK and not action.check_kind:
        add(errors, "check_kind", _("Say whether it is a random or an audit spot check."))
    if action.kind != ActionKind.SPOT_CHECK and action.check_kind:
        add(errors, "check_kind", _("Only a spot check has a kind of spot check."))
    needs_target = action.kind in (
        ActionKind.LETTER,
        ActionKind.INTERVIEW,
        ActionKind.NOTIFICATION,
    )
    if needs_target and "target_orgs" in data and not data["target_orgs"]:
        add(errors, "target_orgs", _("Name the unit the action is addressed to."))
    duplicate = SupervisionAction.objects.filter(
        inspection_id=action.inspection_id, kind=action.kind, date=action.date, title=action.title
    ).exclude(pk=action.pk)
    if action.title and action.date and duplicate.exists():
        add(errors, "title", _("The same action on the same date is recorded already."))


def _check_proposal(actor, action: SupervisionAction, proposal, errors: Errors, today: date):
    """The (problem, kind, trigger date) must be an open proposal on `today`."""
    problem, kind, triggered_on = proposal
    if PROPOSAL_ACTION_KINDS.get(kind) != action.kind:
        add(errors, "kind", _("This proposal is answered with another kind of action."))
        return
    current = watch.escalation_proposals(Problem.objects.filter(pk=problem.pk), today, kind=kind)
    if not any(p.triggered_on == triggered_on for p in current):
        add(errors, "proposal", _("There is no such escalation proposal."))
        return
    answered = SupervisionAction.objects.filter(
        proposal_problem=problem, proposal_kind=kind, proposal_date=triggered_on
    )
    if answered.exists():
        add(errors, "proposal", _("This proposal has been answered already."))


@transaction.atomic
def check_create_action(
    *,
    actor,
    data: dict[str, Any],
    proposal: tuple[Problem, str, date] | None = None,
    today: date | None = None,
) -> SupervisionAction:
    """Record a supervision action; `proposal` marks the escalation proposal it answers."""
    require(actor)
    today = today or timezone.localdate()
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    action = SupervisionAction(**{k: data[k] for k in ACTION_FIELDS if k in data})
    action.created_by = user_or_none(actor)
    errors: Errors = {}
    _validate_action(action, data, errors, today)
    if proposal is not None:
        _check_proposal(actor, action, proposal, errors, today)
    raise_if(errors)
    if proposal is not None:
        action.proposal_problem, action.proposal_kind, action.proposal_date = proposal
    action.save()
    action.target_orgs.set(data.get("target_orgs") or [])
    problems = list(data.get("problems") or [])
    if proposal is not None and proposal[0] not in problems:
        problems.append(proposal[0])
    action.problems.set(problems)
    audit.record("oversight.create_action", actor=actor, obj=action, after=action_state(action))
    return action


def do_create_action(*, actor, data: dict[str, Any]) -> SupervisionAction:
    """Create a validated action (imports; inside the caller's transaction)."""
    action = SupervisionAction(**{k: data[k] for k in ACTION_FIELDS if k in data})
    action.created_by = user_or_none(actor)
    action.save()
    action.target_orgs.set(data.get("target_orgs") or [])
    action.problems.set(data.get("problems") or [])
    return action


@transaction.atomic
def check_update_action(
    action: SupervisionAction,
    *,
    actor,
    expected_version: int | None,
    changes: dict[str, Any],
    today: date | None = None,
) -> SupervisionAction:
    require(actor)
    today = today or timezone.localdate()
    locked = lock(action, expected_version)
    unknown = set(changes) - ACTION_EDITABLE
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = action_state(locked)
    for key, value in changes.items():
        if key not in ("target_orgs", "problems"):
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
    errors: Errors = {}
    _validate_action(locked, changes, errors, today)
    raise_if(errors)
    touch(locked)
    locked.save()
    if "target_orgs" in changes:
        locked.target_orgs.set(changes["target_orgs"] or [])
    if "problems" in changes:
        problems = list(changes["problems"] or [])
        if locked.proposal_problem_id and locked.proposal_problem not in problems:
            problems.append(locked.proposal_problem)
        locked.problems.set(problems)
    audit.record(
        "oversight.update_action",
        actor=actor,
        obj=locked,
        before=before,
        after=action_state(locked),
    )
    return locked


# --- findings ------------------------------------------------------------------------------------


@transaction.atomic
def check_add_finding(action: SupervisionAction, *, actor, data: dict[str, Any]) -> Finding:
    """Record what a secret visit or spot check found; a spot check's finding names the
    (existing) problem it checked and a verdict."""
    require(actor)
    action = SupervisionAction.objects.select_for_update().get(pk=action.pk)
    errors: Errors = {}
    if action.kind not in FINDING_KINDS:
        add(errors, "action", _("Only secret visits and spot checks have findings."))
    text = (data.get("text") or "").strip()
    if not text:
        add(errors, "text", _("Describe what was found."))
    verdict = data.get("verdict") or ""
    if verdict and verdict not in Verdict.values:
        add(errors, "verdict", _("Unknown verdict."))
    problem = data.get("problem")
    if action.kind == ActionKind.SPOT_CHECK:
        if problem is None:
            add(errors, "problem", _("A spot check's finding names the problem it checked."))
        if not verdict:
            add(errors, "verdict", _("Give the verdict of the spot check."))
    raise_if(errors)
    seq = (action.findings.aggregate(m=Max("seq"))["m"] or 0) + 1
    finding = Finding.objects.create(
        action=action,
        seq=seq,
        text=text,
        org=data.get("org") or (problem.lead_unit if problem is not None else None),
        verdict=verdict,
        problem=problem,
        created_by=user_or_none(actor),
    )
    if problem is not None:
        action.problems.add(problem)
    audit.record("oversight.add_finding", actor=actor, obj=action, after=state(finding))
    return finding


@transaction.atomic
def check_convert_finding(finding: Finding, *, actor, data: dict[str, Any]) -> Problem:
    """File a secret visit's finding as a new ledger problem (source 暗访).

    The problem's plan starts on the visit's date, so the ledger counts it from that date
    on (problems.asof lists a problem from its start date). `data` holds the problem's
    fields as problems.actions.check_create_problem takes them; the inspection defaults to
    the action's, the lead unit and region to the finding's unit, the summary and
    description to the finding.
    """
    require(actor)
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("action", "org")
        .get(pk=finding.pk)
    )
    action = finding.action
    errors: Errors = {}
    if action.kind != ActionKind.SECRET_VISIT:
        add(errors, "finding", _("Only a secret visit's finding becomes a new problem."))
    if finding.problem_id is not None:
        add(errors, "finding", _("This finding is linked to a problem already."))
    raise_if(errors)
    problem_data = {
        "inspection": action.inspection,
        "title": finding.text[:500],
        "description": finding.text,
        "lead_unit": finding.org,
        "region": finding.org if finding.org is not None and finding.org.is_region else None,
        **{k: v for k, v in data.items() if v not in (None, "")},
        "source": Source.SECRET_VISIT,
        "start_date": action.date,
    }
    if problem_data.get("region") is None and problem_data.get("lead_unit") is not None:
        lead = problem_data["lead_unit"]
        problem_data["region"] = lead if lead.is_region else None
    problem = ledger.check_create_problem(actor=actor, data=problem_data, origin="secret_visit")
    finding.problem = problem
    finding.created_problem = True
    finding.verdict = finding.verdict or Verdict.NEW_PROBLEM
    finding.save(update_fields=["problem", "created_problem", "verdict"])
    action.problems.add(problem)
    audit.record(
        "oversight.convert_finding",
        actor=actor,
        obj=action,
        after={"finding": finding.pk, "problem": problem.pk, "number": problem.number},
    )
    return problem
