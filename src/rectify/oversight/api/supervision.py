"""Supervision routes: actions, findings, a secret visit's finding filed as a ledger problem,
and the escalation proposals no action has answered yet."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.responses import Status as Reply

from rectify.oversight import actions, queries
from rectify.oversight.api.common import (
    IF_MATCH,
    READ_ERRORS,
    WRITE_ERRORS,
    documents_out,
    manager,
    org_ref,
    problem_ref,
    router,
    set_etag,
    today,
    version_from,
    viewer,
)
from rectify.oversight.models import (
    SupervisionAction,
)
from rectify.oversight.refs import OversightRefs
from rectify.oversight.schemas import (
    ActionIn,
    ActionListOut,
    ActionOut,
    ActionPatch,
    ConvertIn,
    FindingIn,
    FindingOut,
    ProposalOut,
)
from rectify.problems.schemas import VERSION_HELP

# --- supervision -------------------------------------------------------------------------------


def _finding(f) -> dict[str, Any]:
    return {
        "id": f.pk,
        "seq": f.seq,
        "text": f.text,
        "org": org_ref(f.org),
        "verdict": f.verdict,
        "problem": problem_ref(f.problem),
        "created_problem": f.created_problem,
    }


def _action_item(a: SupervisionAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "inspection": a.inspection.code,
        "kind": a.kind,
        "check_kind": a.check_kind,
        "date": a.date,
        "title": a.title,
        "document_number": a.document_number,
        "target_orgs": [org_ref(o) for o in sorted(a.target_orgs.all(), key=lambda o: o.path)],
        "version": a.version,
    }


def _action(a: SupervisionAction) -> dict[str, Any]:
    proposal = None
    if a.proposal_problem_id:
        proposal = {
            "problem": a.proposal_problem_id,
            "kind": a.proposal_kind,
            "triggered_on": a.proposal_date,
        }
    findings = a.findings.select_related("org", "problem", "problem__inspection")
    return {
        **_action_item(a),
        "content": a.content,
        "conducted_by": a.conducted_by,
        "problems": [
            problem_ref(p) for p in a.problems.select_related("inspection").order_by("pk")
        ],
        "findings": [_finding(f) for f in findings],
        "proposal": proposal,
        "documents": documents_out(a.documents.all()),
    }


def _action_fields(data: dict, refs: OversightRefs, user) -> dict:
    if "inspection" in data:
        data["inspection"] = refs.inspection("inspection", data["inspection"], user)
    if data.get("target_orgs") is not None:
        data["target_orgs"] = refs.orgs("target_orgs", data["target_orgs"])
    if data.get("problems") is not None:
        data["problems"] = refs.problems("problems", data["problems"], user)
    if "check_kind" in data:
        data["check_kind"] = data["check_kind"] or ""
    return data


@router.get(
    "/oversight/actions",
    response={200: list[ActionListOut], **READ_ERRORS},
    summary="Supervision actions targeted at units in the caller's scope",
)
def list_actions(
    request: HttpRequest,
    inspection: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    org: str | None = None,
):
    user = viewer(request)
    qs = queries.visible_actions(user).prefetch_related("target_orgs")
    if inspection:
        qs = qs.filter(inspection__code=inspection)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if org:
        qs = qs.filter(target_orgs__code=org).distinct()
    return [_action_item(a) for a in qs]


@router.post(
    "/oversight/actions",
    response={201: ActionOut, **WRITE_ERRORS},
    summary="Record a supervision action (office); may answer an escalation proposal",
)
def create_action(request: HttpRequest, payload: ActionIn):
    user = manager(request)
    refs = OversightRefs()
    data = payload.dict()
    proposal_in = data.pop("proposal", None)
    data = _action_fields(data, refs, user)
    proposal = None
    if proposal_in:
        problem = refs.problem("proposal.problem", proposal_in["problem"], user)
        if problem is not None:
            proposal = (problem, proposal_in["kind"], proposal_in["triggered_on"])
    refs.check()
    action = actions.check_create_action(actor=user, data=data, proposal=proposal)
    return Reply(201, _action(queries.access_action(user, action.pk)))


@router.get(
    "/oversight/actions/{int:action_id}",
    response={200: ActionOut, **READ_ERRORS},
    summary="A supervision action with its findings and documents",
)
def get_action(request: HttpRequest, action_id: int, response: HttpResponse):
    user = viewer(request)
    action = queries.access_action(user, action_id)
    set_etag(response, action.version)
    return _action(action)


@router.patch(
    "/oversight/actions/{int:action_id}",
    response={200: ActionOut, **WRITE_ERRORS},
    summary="Edit a supervision action (office)",
    description=VERSION_HELP,
)
def update_action(
    request: HttpRequest,
    action_id: int,
    payload: ActionPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    user = manager(request)
    action = queries.access_action(user, action_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _action_fields(changes, refs, user)
    refs.check()
    action = actions.check_update_action(
        action, actor=user, expected_version=expected, changes=changes
    )
    set_etag(response, action.version)
    return _action(queries.access_action(user, action.pk))


@router.post(
    "/oversight/actions/{int:action_id}/findings",
    response={201: FindingOut, **WRITE_ERRORS},
    summary="Record a finding of a secret visit or spot check (office)",
)
def add_finding(request: HttpRequest, action_id: int, payload: FindingIn):
    user = manager(request)
    action = queries.access_action(user, action_id)
    refs = OversightRefs()
    data = payload.dict()
    data["org"] = refs.org("org", data["org"])
    data["problem"] = refs.problem("problem", data["problem"], user)
    data["verdict"] = data["verdict"] or ""
    refs.check()
    finding = actions.check_add_finding(action, actor=user, data=data)
    return Reply(201, _finding(finding))


@router.post(
    "/oversight/findings/{int:finding_id}/convert",
    response={201: FindingOut, **WRITE_ERRORS},
    summary="File a secret visit's finding as a new ledger problem, source 暗访 (office)",
    description="The problem's plan starts on the visit's date; the finding links to it.",
)
def convert_finding(request: HttpRequest, finding_id: int, payload: ConvertIn):
    user = manager(request)
    finding = queries.access_finding(user, finding_id)
    refs = OversightRefs()
    data = payload.dict()
    code = data.pop("inspection")
    if code:
        data["inspection"] = refs.inspection("inspection", code, user)
    for key in ("region", "lead_unit"):
        if data.get(key):
            data[key] = refs.org(key, data[key])
    if data.get("category"):
        data["category"] = refs.category("category", data["category"])
    refs.check()
    actions.check_convert_finding(finding, actor=user, data=data)
    return Reply(201, _finding(queries.access_finding(user, finding.pk)))


@router.get(
    "/oversight/proposals",
    response={200: list[ProposalOut], **READ_ERRORS},
    summary="Escalation proposals no supervision action answered yet (office)",
)
def proposals(request: HttpRequest, as_of: date | None = None):
    user = manager(request)
    return [
        {
            "problem": problem_ref(p.problem),
            "kind": p.kind,
            "label": p.label,
            "triggered_on": p.triggered_on,
            "lead_unit": org_ref(p.problem.lead_unit),
        }
        for p in queries.open_proposals(user, as_of or today())
    ]
