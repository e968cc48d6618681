"""Sign-off API: applications in scope, their steps and the steps the caller may take.

Thin: scope from signoff.queries (out of scope → 404), the table and roles from
signoff.permissions, every write from signoff.actions. Errors follow rectify/api.py:
409 stale version, 422 an edge the table does not have or bad input (naming the field),
403 a step the caller's role may not take.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status as Reply

from rectify.accounts.roles import Cap, has_cap
from rectify.problems.queries import access_problem
from rectify.problems.schemas import ErrorOut
from rectify.signoff import actions, queries
from rectify.signoff.models import Application, Step
from rectify.signoff.permissions import may_apply, steps_for
from rectify.signoff.schemas import (
    ApplicationFilter,
    ApplicationListOut,
    ApplicationOut,
    ApplyIn,
    StepIn,
)

router = Router(tags=["sign-off"])

READ_ERRORS = {frozenset({401, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422}): ErrorOut}


def _org(org) -> dict[str, str]:
    return {"code": org.code, "name": org.name}


def _item(a: Application) -> dict[str, Any]:
    p = a.problem
    return {
        "id": a.pk,
        "problem": {
            "id": p.pk,
            "inspection": p.inspection.code,
            "number": p.number,
            "title": p.title,
            "region": _org(p.region),
            "lead_unit": _org(p.lead_unit),
        },
        "state": a.state,
        "applicant_org": _org(a.applicant_org),
        "applied_on": a.applied_on,
        "current_level": a.current_level.name if a.current_level_id else None,
        "accepted_on": a.accepted_on,
        "notice_days": a.notice_days,
        "notice_start": a.notice_start,
        "notice_end": a.notice_end,
        "notice_problem": a.notice_problem,
        "signed_off_on": a.signed_off_on,
        "version": a.version,
    }


def _step(s: Step) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "level": s.level.name if s.level_id else None,
        "from_state": s.from_state,
        "to_state": s.to_state,
        "actor": s.actor_label,
        "signer_name": s.signer_name,
        "opinion": s.opinion,
        "onsite_record": s.onsite_record,
        "effective_date": s.effective_date,
        "recorded_at": s.recorded_at,
    }


def _detail(user, a: Application) -> dict[str, Any]:
    steps = list(queries.steps_of(a))
    levels = []
    for row in queries.chain_of(a, steps):
        level, step = row["level"], row["step"]
        levels.append(
            {
                "id": level.pk,
                "name": level.name,
                "actor": level.actor,
                "status": row["status"],
                "signer_name": step.signer_name if step else None,
                "opinion": step.opinion if step else None,
                "onsite_record": step.onsite_record if step else None,
                "effective_date": step.effective_date if step else None,
            }
        )
    return {
        **_item(a),
        "applicant": str(a.applicant),
        "completion_report": a.completion_report,
        "created_at": a.created_at,
        "levels": levels,
        "steps": [_step(s) for s in steps],
        "next_steps": steps_for(user, a),
    }


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


@router.get(
    "/signoff/applications",
    response={200: ApplicationListOut, **READ_ERRORS},
    summary="Sign-off applications in the caller's scope",
)
def list_applications(request: HttpRequest, filters: Query[ApplicationFilter]):
    qs = queries.visible_applications(request.auth).order_by("-created_at", "-pk")
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.problem is not None:
        qs = qs.filter(problem_id=filters.problem)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_item(a) for a in page],
    }


@router.get(
    "/signoff/applications/{int:application_id}",
    response={200: ApplicationOut, **READ_ERRORS},
    summary="One application with its levels, steps and the steps the caller may take",
    description="The `ETag` header carries the version to send with the next step.",
)
def get_application(request: HttpRequest, application_id: int, response: HttpResponse):
    application = queries.access_application(request.auth, application_id)
    _etag(response, application.version)
    return _detail(request.auth, application)


@router.post(
    "/problems/{int:problem_id}/signoff",
    response={201: ApplicationOut, **WRITE_ERRORS},
    summary="Apply for acceptance and sign-off of a problem (lead unit or office)",
)
def apply(request: HttpRequest, problem_id: int, payload: ApplyIn, response: HttpResponse):
    user = request.auth
    problem = access_problem(user, problem_id)
    # The action answers 404 to a non-applicant; one who can see the problem gets a 403.
    if not may_apply(user, problem) or not has_cap(user, Cap.VIEW_BUSINESS):
        raise PermissionDenied
    application = actions.check_apply(
        problem,
        actor=user,
        completion_report=payload.completion_report,
        effective_date=payload.effective_date,
        notice_days=payload.notice_days,
    )
    application = queries.access_application(user, application.pk)
    _etag(response, application.version)
    response["Location"] = f"/api/v1/signoff/applications/{application.pk}"
    return Reply(201, _detail(user, application))


@router.post(
    "/signoff/applications/{int:application_id}/steps",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Take a step: accept, return, withdraw, object, schedule, sign off, rebound",
    description=(
        "Send the `version` you read. A stale version answers 409 and changes nothing; a "
        "step the application's state does not allow answers 422 naming `step`; a step "
        "your role may not take answers 403."
    ),
)
def take_step(request: HttpRequest, application_id: int, payload: StepIn, response: HttpResponse):
    user = request.auth
    application = queries.access_application(user, application_id)
    application = actions.check_transition_application(
        application,
        payload.step,
        actor=user,
        expected_version=payload.version,
        opinion=payload.opinion,
        onsite_record=payload.onsite_record,
        signer_name=payload.signer_name,
        effective_date=payload.effective_date,
    )
    application = queries.access_application(user, application.pk)
    _etag(response, application.version)
    return _detail(user, application)
