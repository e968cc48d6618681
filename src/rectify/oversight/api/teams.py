"""Battle-team routes: teams (grants follow), listed problems with as-of status and warning
colour, and members' visits."""

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
from rectify.oversight.refs import OversightRefs
from rectify.oversight.schemas import (
    ListingIn,
    TeamIn,
    TeamListOut,
    TeamOut,
    TeamPatch,
    VisitIn,
    VisitOut,
)
from rectify.oversight.teamview import team_problems
from rectify.problems.schemas import VERSION_HELP

# --- battle teams ----------------------------------------------------------------------------


def _team_item(t) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "inspection": t.inspection.code if t.inspection_id else None,
        "leader_name": t.leader_name,
        "leader_post": t.leader_post,
        "period_start": t.period_start,
        "period_end": t.period_end,
        "assigned_orgs": [org_ref(o) for o in sorted(t.assigned_orgs.all(), key=lambda o: o.path)],
        "version": t.version,
    }


def _visit(v) -> dict[str, Any]:
    return {
        "id": v.pk,
        "date": v.date,
        "member": str(v.member),
        "org": org_ref(v.org),
        "problem": problem_ref(v.problem),
        "findings": v.findings,
        "documents": documents_out(v.documents.all()),
    }


def _team(user, t, as_of: date) -> dict[str, Any]:
    return {
        **_team_item(t),
        "members": list(t.members.order_by("username").values_list("username", flat=True)),
        "member_names": t.member_names,
        "as_of": as_of,
        "problems": [
            {
                "problem": problem_ref(row.problem),
                "lead_unit": org_ref(row.problem.lead_unit),
                "listed_on": row.listed_on,
                "status": row.problem.asof_status,
                "colour": row.problem.asof_colour,
            }
            for row in team_problems(user, t, as_of)
        ],
        "visits": [_visit(v) for v in queries.team_visits(user, t)],
    }


def _team_fields(data: dict, refs: OversightRefs, user) -> dict:
    if data.get("inspection") is not None:
        data["inspection"] = refs.inspection("inspection", data["inspection"], user)
    if data.get("members") is not None:
        data["members"] = refs.users("members", data["members"])
    if data.get("assigned_orgs") is not None:
        data["assigned_orgs"] = refs.orgs("assigned_orgs", data["assigned_orgs"])
    return data


@router.get(
    "/oversight/teams",
    response={200: list[TeamListOut], **READ_ERRORS},
    summary="Battle teams the caller belongs to or whose units are in scope",
)
def list_teams(request: HttpRequest):
    user = viewer(request)
    teams = queries.visible_teams(user).prefetch_related("assigned_orgs")
    return [_team_item(t) for t in teams.order_by("period_start", "name")]


@router.post(
    "/oversight/teams",
    response={201: TeamOut, **WRITE_ERRORS},
    summary="Form a battle team; its member accounts get read scope over its units (office)",
)
def create_team(request: HttpRequest, payload: TeamIn):
    user = manager(request)
    refs = OversightRefs()
    data = _team_fields(payload.dict(), refs, user)
    refs.check()
    team = actions.check_create_team(actor=user, data=data)
    return Reply(201, _team(user, team, today()))


@router.get(
    "/oversight/teams/{int:team_id}",
    response={200: TeamOut, **READ_ERRORS},
    summary="A team with its listed problems (as-of status and warning colour) and visits",
)
def get_team(request: HttpRequest, team_id: int, response: HttpResponse, as_of: date | None = None):
    user = viewer(request)
    team = queries.access_team(user, team_id)
    set_etag(response, team.version)
    return _team(user, team, as_of or today())


@router.patch(
    "/oversight/teams/{int:team_id}",
    response={200: TeamOut, **WRITE_ERRORS},
    summary="Change a team's members, units or period (office); grants follow",
    description=VERSION_HELP,
)
def update_team(
    request: HttpRequest, team_id: int, payload: TeamPatch, if_match: str | None = IF_MATCH
):
    user = manager(request)
    team = queries.access_team(user, team_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _team_fields(changes, refs, user)
    refs.check()
    team = actions.check_update_team(team, actor=user, expected_version=expected, changes=changes)
    return _team(user, team, today())


@router.post(
    "/oversight/teams/{int:team_id}/problems",
    response={201: TeamOut, **WRITE_ERRORS},
    summary="List a problem under the team (挂牌督战) (office)",
)
def list_problem(request: HttpRequest, team_id: int, payload: ListingIn):
    user = manager(request)
    team = queries.access_team(user, team_id)
    refs = OversightRefs()
    problem = refs.problem("problem", payload.problem, user)
    refs.check()
    actions.check_list_problem(
        team, actor=user, problem=problem, listed_on=payload.listed_on, note=payload.note
    )
    return Reply(201, _team(user, team, today()))


@router.delete(
    "/oversight/teams/{int:team_id}/problems/{int:problem_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Take a problem off the team's list (office)",
)
def unlist_problem(request: HttpRequest, team_id: int, problem_id: int):
    user = manager(request)
    team = queries.access_team(user, team_id)
    refs = OversightRefs()
    problem = refs.problem("problem", problem_id, user)
    refs.check()
    actions.check_unlist_problem(team, actor=user, problem=problem)
    return Reply(204, None)


@router.post(
    "/oversight/teams/{int:team_id}/visits",
    response={201: VisitOut, **WRITE_ERRORS},
    summary="Record a visit and its findings (a member of the team, or the office)",
)
def record_visit(request: HttpRequest, team_id: int, payload: VisitIn):
    user = viewer(request)
    team = queries.access_team(user, team_id)
    refs = OversightRefs()
    data = payload.dict()
    data["org"] = refs.org("org", data["org"])
    data["problem"] = refs.problem("problem", data["problem"], user)
    refs.check()
    visit = actions.check_record_visit(team, actor=user, data=data)
    return Reply(201, _visit(visit))
