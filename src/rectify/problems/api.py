"""Ledger API: inspections, problems, their events and extension requests.

Thin: scope comes from problems.queries, figures from problems.asof, every write from
problems.actions. References arrive as natural keys (org code, category name, aspect
number or name, inspection code) and are resolved here; an unknown one is a 422 naming
the field, collected for all fields at once.
"""

import json
import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.responses import NinjaJSONEncoder
from ninja.responses import Status as Reply

from rectify.accounts.roles import Cap, has_cap
from rectify.orgs.models import Org
from rectify.problems import actions, asof, versioned
from rectify.problems.models import Aspect, Category, ExtensionRequest, Inspection, Problem
from rectify.problems.queries import access_problem, visible_inspections, visible_problems
from rectify.problems.schemas import (
    VERSION_HELP,
    DecisionIn,
    ErrorOut,
    EventIn,
    EventOut,
    ExtensionIn,
    ExtensionOut,
    InspectionDetailOut,
    InspectionIn,
    InspectionOut,
    PingOut,
    ProblemFilter,
    ProblemIn,
    ProblemListOut,
    ProblemOut,
    ProblemPatch,
)
from rectify.problems.search import search_problems
from rectify.problems.states import (
    DONE_STATUSES,
    ON_SCHEDULE_STATUSES,
    ExtensionStatus,
    Status,
)

router = Router(tags=["ledger"])

READ_ERRORS = {frozenset({401, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422}): ErrorOut}


# --- helpers -----------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _day(n: int | None) -> date | None:
    return date.fromordinal(n) if n is not None else None


def _org_ref(org: Org | None) -> dict[str, str] | None:
    return {"code": org.code, "name": org.name} if org is not None else None


def _planned(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _is_number(text: str) -> bool:
    """An aspect number (ASCII digits, small), as opposed to an aspect name."""
    return text.isascii() and text.isdigit() and len(text) <= 4


MAX_ID = 2**63 - 1


def _problem(user, problem_id: int) -> Problem:
    # An id no database column can hold is simply not found (not an overflow error).
    if problem_id > MAX_ID:
        raise Http404
    return access_problem(user, problem_id)


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


class Refs:
    """Resolves natural keys to rows, collecting every unknown one as {field: [message]}."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def org(self, field: str, code: str | None) -> Org | None:
        if code is None:
            return None
        org = Org.objects.filter(code=code.strip(), is_active=True).first()
        if org is None:
            self.fail(field, _("Unknown organisation code “%(code)s”.") % {"code": code})
        return org

    def orgs(self, field: str, codes: list[str]) -> list[Org]:
        found = {o.code: o for o in Org.objects.filter(code__in=codes, is_active=True)}
        for i, code in enumerate(codes, start=1):
            if code not in found:
                self.fail(
                    f"{field}[{i}]", _("Unknown organisation code “%(code)s”.") % {"code": code}
                )
        return [found[c] for c in dict.fromkeys(codes) if c in found]

    def category(self, field: str, name: str | None) -> Category | None:
        if name is None:
            return None
        category = Category.objects.filter(name=name.strip(), is_active=True).first()
        if category is None:
            self.fail(field, _("Unknown category “%(name)s”.") % {"name": name})
        return category

    def inspection(self, field: str, code: str | None, user) -> Inspection | None:
        if code is None:
            return None
        inspection = visible_inspections(user).filter(code=code.strip()).first()
        if inspection is None:
            self.fail(field, _("Unknown inspection “%(code)s”.") % {"code": code})
        return inspection

    def aspect(self, field: str, value: int | str | None, inspection: Inspection) -> Aspect | None:
        if value is None:
            return None
        text = str(value).strip()
        aspects = Aspect.objects.filter(inspection=inspection)
        found = (
            aspects.filter(number=int(text)) if _is_number(text) else aspects.filter(name=text)
        ).first()
        if found is None:
            self.fail(
                field,
                _("The inspection has no aspect “%(aspect)s”.") % {"aspect": text},
            )
        return found

    def measures(self, items) -> list[dict[str, Any]]:
        result = []
        for i, m in enumerate(items, start=1):
            data = dict(m)
            data["responsible_unit"] = self.org(
                f"measures[{i}].responsible_unit", data.get("responsible_unit")
            )
            result.append(data)
        return result


def _problem_fields(payload: dict[str, Any], refs: Refs, inspection: Inspection | None) -> dict:
    """Turn the natural keys of a (partial) problem payload into rows."""
    data = dict(payload)
    if "aspect" in data and inspection is not None:
        data["aspect"] = refs.aspect("aspect", data["aspect"], inspection)
    if "category" in data:
        data["category"] = refs.category("category", data["category"])
    for field in ("region", "lead_unit"):
        if field in data:
            data[field] = refs.org(field, data[field])
    if "cooperating_units" in data:
        data["cooperating_units"] = refs.orgs("cooperating_units", data["cooperating_units"])
    if "measures" in data:
        data["measures"] = refs.measures(data["measures"] or [])
    if "milestones" in data:
        data["milestones"] = [dict(m) for m in data["milestones"] or []]
    return data


def _inspection_out(inspection: Inspection) -> dict[str, Any]:
    return {
        "code": inspection.code,
        "name": inspection.name,
        "level": inspection.level,
        "kind": inspection.kind,
        "target_region": _org_ref(inspection.target_region),
        "team": inspection.team,
        "onsite_start": inspection.onsite_start,
        "onsite_end": inspection.onsite_end,
        "feedback_date": inspection.feedback_date,
        "parent": inspection.parent.code if inspection.parent_id else None,
    }


def _problem_item(p: Problem) -> dict[str, Any]:
    return {
        "id": p.pk,
        "inspection": p.inspection.code,
        "number": p.number,
        "title": p.title,
        "aspect": p.aspect.name if p.aspect_id else None,
        "category": p.category.name if p.category_id else None,
        "region": _org_ref(p.region),
        "lead_unit": _org_ref(p.lead_unit),
        "deadline_kind": p.deadline_kind,
        "original_deadline": p.original_deadline,
        "deadline": _day(p.asof_deadline_day),
        "status": p.asof_status,
        "colour": p.asof_colour or None,
        "percent": p.asof_percent,
        "planned_percent": _planned(p.asof_planned),
        "basically_done": p.asof_basically_done,
        "version": p.version,
    }


def _problem_out(problem: Problem, as_of: date) -> dict[str, Any]:
    state = asof.state_of(problem, as_of)
    extensions = problem.extensions.select_related("requested_by", "decided_by").order_by(
        "requested_at", "id"
    )
    return {
        "id": problem.pk,
        "inspection": problem.inspection.code,
        "number": problem.number,
        "title": problem.title,
        "description": problem.description,
        "aspect": (
            {"number": problem.aspect.number, "name": problem.aspect.name}
            if problem.aspect_id
            else None
        ),
        "category": problem.category.name if problem.category_id else None,
        "region": _org_ref(problem.region),
        "lead_unit": _org_ref(problem.lead_unit),
        "cooperating_units": [_org_ref(o) for o in problem.cooperating_units.order_by("path")],
        "responsible_leader": problem.responsible_leader,
        "responsible_person": problem.responsible_person,
        "target": problem.target,
        "deadline_kind": problem.deadline_kind,
        "original_deadline": problem.original_deadline,
        "deadline": problem.deadline,
        "start_date": problem.start_date,
        "warning_days": problem.warning_days,
        "source": problem.source,
        "longitude": problem.longitude,
        "latitude": problem.latitude,
        "version": problem.version,
        "created_at": problem.created_at,
        "updated_at": problem.updated_at,
        "state": (
            {
                "as_of": as_of,
                "status": state.asof_status,
                "colour": state.asof_colour or None,
                "percent": state.asof_percent,
                "planned_percent": _planned(state.asof_planned),
                "deadline": _day(state.asof_deadline_day),
                "basically_done": state.asof_basically_done,
                "criticised": state.asof_criticised,
            }
            if state is not None
            else None
        ),
        "measures": [
            {
                "seq": m.seq,
                "text": m.text,
                "responsible_unit": _org_ref(m.responsible_unit),
                "due_date": m.due_date,
                "done": m.done,
                "done_date": m.done_date,
            }
            for m in problem.measures.select_related("responsible_unit").order_by("seq")
        ],
        "milestones": [
            {"date": m.date, "percent": m.percent, "note": m.note}
            for m in problem.milestones.order_by("date")
        ],
        "events": [
            _event_out(e) for e in problem.events.order_by("effective_date", "recorded_at", "id")
        ],
        "extensions": [_extension_out(x) for x in extensions],
    }


def _user_label(user) -> str | None:
    if user is None:
        return None
    return user.display_name or user.username


def _extension_out(x: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": x.pk,
        "problem": x.problem_id,
        "status": x.status,
        "reason": x.reason,
        "current_deadline": x.current_deadline,
        "new_deadline": x.new_deadline,
        "requested_at": x.requested_at,
        "requested_by": _user_label(x.requested_by),
        "decided_at": x.decided_at,
        "decided_by": _user_label(x.decided_by),
        "effective_date": x.effective_date,
        "decision_note": x.decision_note,
    }


def _event_out(e) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "effective_date": e.effective_date,
        "recorded_at": e.recorded_at,
        "percent": e.percent,
        "new_deadline": e.new_deadline,
        "note": e.note,
        "origin": e.origin,
    }


def _require_office(user) -> None:
    # The action checks again; checking first gives a 403 before any 422 about references.
    if not has_cap(user, Cap.EDIT_LEDGER):
        raise PermissionDenied


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def _expected_version(body_version: int | None, if_match: str | None) -> int | None:
    """The version the client read: from the body or If-Match (both must agree if both)."""
    header_version = None
    if if_match is not None and if_match.strip() not in ("", "*"):
        match = _ETAG.match(if_match)
        if match is None:
            raise ValidationError({"If-Match": [_('Send If-Match: "<version>".')]})
        header_version = int(match.group(1))
    if body_version is not None and header_version is not None and body_version != header_version:
        raise ValidationError({"version": [_("The version in the body and in If-Match differ.")]})
    return body_version if body_version is not None else header_version


# --- liveness ----------------------------------------------------------------------------


@router.get("/ping", auth=None, response=PingOut, tags=["health"], summary="Liveness probe")
def ping(request: HttpRequest):
    return {"ok": True}


# --- inspections -------------------------------------------------------------------------


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **READ_ERRORS},
    summary="Inspections in the caller's scope",
)
def list_inspections(request: HttpRequest):
    qs = visible_inspections(request.auth).order_by("-feedback_date", "code")
    return [_inspection_out(i) for i in qs]


@router.get(
    "/inspections/{code}",
    response={200: InspectionDetailOut, **READ_ERRORS},
    summary="One inspection with its problem counts by status as of a date",
)
def get_inspection(request: HttpRequest, code: str, as_of: date | None = None):
    user = request.auth
    inspection = visible_inspections(user).filter(code=code).first()
    if inspection is None:
        raise Http404
    as_of = as_of or _today()
    counts = asof.status_counts(visible_problems(user).filter(inspection=inspection), as_of)
    visible_followups = visible_inspections(user).filter(parent=inspection)
    return {
        **_inspection_out(inspection),
        "aspects": [{"number": a.number, "name": a.name} for a in inspection.aspects.all()],
        "followups": list(visible_followups.order_by("code").values_list("code", flat=True)),
        "as_of": as_of,
        "total": sum(counts.values()),
        "status_counts": counts,
        "completed_total": sum(counts[s] for s in DONE_STATUSES),
        "on_schedule_total": sum(counts[s] for s in ON_SCHEDULE_STATUSES),
    }


@router.post(
    "/inspections",
    response={201: InspectionOut, **WRITE_ERRORS},
    summary="Register an inspection (office)",
)
def create_inspection(request: HttpRequest, payload: InspectionIn, response: HttpResponse):
    user = request.auth
    _require_office(user)
    refs = Refs()
    data = payload.dict()
    data["target_region"] = refs.org("target_region", data["target_region"])
    if data["parent"] is not None:
        data["parent"] = refs.inspection("parent", data["parent"], user)
    refs.check()
    inspection = actions.check_create_inspection(actor=user, **data)
    response["Location"] = f"{request.path.rstrip('/')}/{inspection.code}"
    return Reply(201, _inspection_out(inspection))


# --- problems ----------------------------------------------------------------------------

# Orderings on plain columns: the page's ids can be chosen before any as-of evaluation.
# The as-of orderings (deadline, percent) are asof.EVALUATED_ORDERINGS.
_ORDERINGS = {
    "number": ("inspection_id", "sort_key", "number", "id"),
    "-number": ("-inspection_id", "-sort_key", "-number", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def filter_problems(user, f: ProblemFilter) -> tuple[Any, date]:
    """The visible problems matching the non-as-of filters, and the as-of date."""
    as_of = f.as_of or _today()
    refs = Refs()
    inspection = refs.inspection("inspection", f.inspection, user)
    category = refs.category("category", f.category)
    region = refs.org("region", f.region)
    lead_unit = refs.org("lead_unit", f.lead_unit)
    refs.check()
    qs = asof.listed_by(visible_problems(user), as_of)
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if category is not None:
        qs = qs.filter(category=category)
    if f.aspect:
        text = f.aspect.strip()
        lookup = {"aspect__number": int(text)} if _is_number(text) else {"aspect__name": text}
        qs = qs.filter(**lookup)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if lead_unit is not None:
        qs = qs.filter(lead_unit__path__startswith=lead_unit.path)
    if f.q:
        qs = search_problems(qs, f.q)
    return qs, as_of


@router.get(
    "/problems",
    response={200: ProblemListOut, **READ_ERRORS},
    summary="The ledger: problems in scope, filtered, with their status as of a date",
)
def list_problems(request: HttpRequest, filters: Query[ProblemFilter]):
    # Cached by data version (problems.versioned) as the finished JSON body, keyed by what
    # the caller may see and the query as given: a repeated page costs the version read.
    # Unknown references raise (422) before anything is cached.
    user = request.auth
    as_of = filters.as_of or _today()
    key = (
        "problems",
        versioned.scope_key(user),
        as_of,
        filters.model_dump_json(exclude={"as_of"}),
    )
    body = versioned.cached(key, lambda: _problem_page_json(user, filters, as_of))
    return HttpResponse(body, content_type=JSON_TYPE)


JSON_TYPE = "application/json; charset=utf-8"


def _problem_page_json(user, filters: ProblemFilter, as_of: date) -> bytes:
    """The page as the JSON the route's schema renders (validated once, then cached)."""
    qs, _as_of = filter_problems(user, filters.model_copy(update={"as_of": as_of}))
    page = ProblemListOut.model_validate(_problem_page(qs, as_of, filters)).model_dump()
    return json.dumps(page, cls=NinjaJSONEncoder).encode()


def _problem_page(qs, as_of: date, filters: ProblemFilter) -> dict[str, Any]:
    start, stop = filters.offset, filters.offset + filters.limit
    if filters.status is None and filters.colour is None and filters.ordering in _ORDERINGS:
        count = qs.count()
        # One query: the page's ids are chosen in a subquery, so only those rows are
        # evaluated as of the date (not every row that matches the filters).
        ids = qs.order_by(*_ORDERINGS[filters.ordering]).values("pk")[start:stop]
        page = _page_rows(Problem.objects.filter(pk__in=ids), as_of, filters.ordering)
    else:
        # A status or colour filter, or an as-of ordering, needs every matching row's state:
        # one statement evaluates each problem once and returns the page's ids and the total.
        statuses: tuple[str, ...] = ()
        if filters.status is not None:
            wanted = (
                ON_SCHEDULE_STATUSES if filters.status == Status.ON_SCHEDULE else (filters.status,)
            )
            statuses = tuple(s.value for s in wanted)
        ids, count = asof.matching_page(
            qs,
            as_of,
            statuses=statuses,
            colours=(filters.colour.value,) if filters.colour is not None else (),
            ordering=filters.ordering,
            offset=start,
            limit=filters.limit,
        )
        by_id = {p.pk: p for p in _page_rows(Problem.objects.filter(pk__in=ids), as_of, None)}
        page = [by_id[pk] for pk in ids]
    return {
        "as_of": as_of,
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_problem_item(p) for p in page],
    }


def _page_rows(qs, as_of: date, ordering: str | None):
    """The page's problems with their as-of state (per row: a page is small)."""
    rows = asof.annotate_as_of(qs, as_of)
    rows = rows.select_related("inspection", "aspect", "category", "region", "lead_unit")
    return rows.order_by(*_ORDERINGS[ordering]) if ordering else rows


@router.get(
    "/problems/{int:problem_id}",
    response={200: ProblemOut, **READ_ERRORS},
    summary="One problem with measures, milestones, events, extensions and its as-of status",
    description="The `ETag` header carries the version to send back on PATCH.",
)
def get_problem(
    request: HttpRequest, problem_id: int, response: HttpResponse, as_of: date | None = None
):
    problem = _problem(request.auth, problem_id)
    _etag(response, problem.version)
    return _problem_out(problem, as_of or _today())


@router.post(
    "/problems",
    response={201: ProblemOut, **WRITE_ERRORS},
    summary="File a problem with its measures and milestones (office)",
)
def create_problem(request: HttpRequest, payload: ProblemIn, response: HttpResponse):
    user = request.auth
    _require_office(user)
    refs = Refs()
    data = payload.dict()
    inspection = refs.inspection("inspection", data["inspection"], user)
    data["inspection"] = inspection
    data = _problem_fields(data, refs, inspection)
    if data.get("start_date") is None:
        data.pop("start_date", None)  # the action defaults it to the feedback date
    refs.check()
    problem = actions.check_create_problem(actor=user, data=data, origin="api")
    problem = access_problem(user, problem.pk)
    _etag(response, problem.version)
    response["Location"] = f"{request.path.rstrip('/')}/{problem.pk}"
    return Reply(201, _problem_out(problem, _today()))


@router.patch(
    "/problems/{int:problem_id}",
    response={200: ProblemOut, 428: ErrorOut, **WRITE_ERRORS},
    summary="Edit a problem (office), with optimistic concurrency",
    description=VERSION_HELP,
)
def update_problem(
    request: HttpRequest,
    problem_id: int,
    payload: ProblemPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, description='"<version>" as read from the ETag'),
):
    user = request.auth
    _require_office(user)
    problem = _problem(user, problem_id)
    changes = payload.dict(exclude_unset=True)
    expected = _expected_version(changes.pop("version", None), if_match)
    if expected is None:
        return Reply(
            428,
            {
                "code": "version_required",
                "message": _('Send the version you read, as "version" in the body or as If-Match.'),
            },
        )
    refs = Refs()
    changes = _problem_fields(changes, refs, problem.inspection)
    refs.check()
    problem = actions.check_update_problem(
        problem, actor=user, expected_version=expected, changes=changes
    )
    problem = access_problem(user, problem.pk)
    _etag(response, problem.version)
    return _problem_out(problem, _today())


@router.post(
    "/problems/{int:problem_id}/events",
    response={201: EventOut, **WRITE_ERRORS},
    summary="Record a dated event: progress, applied, accepted, signed off, …",
)
def record_event(request: HttpRequest, problem_id: int, payload: EventIn):
    user = request.auth
    problem = _problem(user, problem_id)
    event = actions.check_record_event(
        problem,
        actor=user,
        kind=payload.kind,
        effective_date=payload.effective_date,
        percent=payload.percent,
        note=payload.note,
        origin="api",
    )
    return Reply(201, _event_out(event))


@router.post(
    "/problems/{int:problem_id}/extensions",
    response={201: ExtensionOut, **WRITE_ERRORS},
    summary="Ask for a later deadline (延期申请)",
)
def request_extension(request: HttpRequest, problem_id: int, payload: ExtensionIn):
    user = request.auth
    problem = _problem(user, problem_id)
    extension = actions.check_request_extension(
        problem, actor=user, new_deadline=payload.new_deadline, reason=payload.reason
    )
    extension = ExtensionRequest.objects.select_related("requested_by", "decided_by").get(
        pk=extension.pk
    )
    return Reply(201, _extension_out(extension))


_DECISIONS = {
    "approve": ExtensionStatus.APPROVED,
    "refuse": ExtensionStatus.REFUSED,
    "withdraw": ExtensionStatus.WITHDRAWN,
}


@router.post(
    "/extensions/{int:extension_id}/decision",
    response={200: ExtensionOut, **WRITE_ERRORS},
    summary="Approve or refuse an extension request (office), or withdraw one's own",
)
def decide_extension(request: HttpRequest, extension_id: int, payload: DecisionIn):
    user = request.auth
    extension = (
        ExtensionRequest.objects.filter(problem__in=visible_problems(user).values("pk"))
        .filter(pk=min(extension_id, MAX_ID))
        .first()
    )
    if extension is None:
        raise Http404
    extension = actions.check_transition_extension(
        extension,
        actor=user,
        to=_DECISIONS[payload.decision],
        note=payload.note,
        effective_date=payload.effective_date,
    )
    extension = ExtensionRequest.objects.select_related("requested_by", "decided_by").get(
        pk=extension.pk
    )
    return _extension_out(extension)
