"""Public complaints API under /api/v1: batches, intake, the closure workflow, results,
repeats, ledger links, the office's reasoned reveal of a complainant, and as-of figures.

Thin: rows from complaints.queries (out of scope → 404), every write from
complaints.actions, figures from complaints.stats. Errors follow rectify/api.py: 403 a role
that may not act, 404 out of scope, 409 a stale version, 422 bad input naming the field.
Versioned writes take the version as problems/api.py does: `version` in the body or
`If-Match`, 428 when neither is sent. Complainant data goes in on intake and comes out only
of POST /complaints/{id}/reveal, which is never cached.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.responses import Status as Reply

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints import actions, stats
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import Complaint, ComplaintBatch, PollutionType
from rectify.complaints.permissions import manages, steps_for
from rectify.complaints.queries import access_complaint, visible_batches, visible_complaints
from rectify.complaints.schemas import (
    VERSION_HELP,
    AssignAllIn,
    AssignAllOut,
    BatchIn,
    BatchOut,
    ComplaintFilter,
    ComplaintIn,
    ComplaintListOut,
    ComplaintOut,
    NotRepeatIn,
    ProblemLinkIn,
    RepeatIn,
    ResultIn,
    RevealIn,
    RevealOut,
    StatsOut,
    TransitionIn,
)
from rectify.complaints.states import ENFORCEMENT_FIELDS, State
from rectify.complaints.views.base import Filters, decorate, filtered_complaints, repeat_candidates
from rectify.orgs.models import Org
from rectify.problems.api import Refs, _expected_version
from rectify.problems.queries import visible_problems
from rectify.problems.schemas import ErrorOut

router = Router(tags=["complaints"])

READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422}): ErrorOut}
VERSIONED_ERRORS = {frozenset({401, 403, 404, 409, 422, 428}): ErrorOut}
MAX_ID = 2**63 - 1


def _today() -> date:
    return timezone.localdate()


def _require_view(user) -> None:
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise PermissionDenied


def _require_office(user) -> None:
    # The action checks again; checking first answers 403 before any 422 about references.
    if not manages(user):
        raise PermissionDenied


def _complaint(user, complaint_id: int) -> Complaint:
    _require_view(user)
    return access_complaint(user, min(complaint_id, MAX_ID))


def _batch(user, batch_id: int) -> ComplaintBatch:
    batch = visible_batches(user).filter(pk=min(batch_id, MAX_ID)).first()
    if batch is None:
        raise Http404
    return batch


def _org(org: Org | None) -> dict[str, str] | None:
    return {"code": org.code, "name": org.name} if org is not None else None


def _counts(c: stats.Counts) -> dict[str, Any]:
    return {
        "received": c.received,
        "closed": c.closed,
        "closed_stage": c.closed_stage,
        "in_progress": c.in_progress,
        "repeats": c.repeats,
        "closure_rate": c.closure_rate,
    }


def _version_required():
    return Reply(
        428,
        {
            "code": "version_required",
            "message": _('Send the version you read, as "version" in the body or as If-Match.'),
        },
    )


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


class ComplaintRefs(Refs):
    """Natural keys of complaints: inspections with batch numbers, pollution types."""

    def batch(self, user, inspection_code: str | None, number: int | None) -> ComplaintBatch | None:
        if number is None:
            return None
        if inspection_code is None:
            self.fail("batch", _("Give the inspection of the batch."))
            return None
        batch = (
            visible_batches(user)
            .filter(inspection__code=inspection_code.strip(), number=number)
            .first()
        )
        if batch is None:
            self.fail("batch", _("Unknown batch %(n)d.") % {"n": number})
        return batch

    def pollution_type(self, field: str, value: str | None) -> PollutionType | None:
        if value is None:
            return None
        text = value.strip()
        found = PollutionType.objects.filter(name=text).first()
        found = found or PollutionType.objects.filter(code=text).first()
        if found is None:
            self.fail(field, _("Unknown pollution type “%(name)s”.") % {"name": text})
        return found

    def complaint(self, field: str, user, number: str | None) -> Complaint | None:
        if number is None:
            return None
        no = actions.normalise_acceptance_no(number)
        found = visible_complaints(user).filter(acceptance_no=no).first()
        if found is None:
            self.fail(field, _("No complaint %(no)s is on record.") % {"no": no})
        return found


# --- reading -------------------------------------------------------------------------------


def _filters(user, f: ComplaintFilter) -> Filters:
    refs = ComplaintRefs()
    inspection = _inspection_by_batches(user, f.inspection, refs) if f.inspection else None
    filters = Filters(
        as_of=f.as_of or _today(),
        inspection=inspection,
        batch=refs.batch(user, f.inspection, f.batch),
        state=f.state or "",
        region=refs.org("region", f.region),
        lead_unit=refs.org("lead_unit", f.lead_unit),
        pollution_type=refs.pollution_type("pollution_type", f.pollution_type),
        verdict=f.verdict or "",
        key=f.key,
        overdue=f.overdue,
        repeats=f.repeats,
        q=f.q or "",
    )
    refs.check()
    return filters


def _inspection_by_batches(user, code: str, refs: Refs):
    """The inspection `code` if the user sees a batch of it (complaints, not problems)."""
    batch = visible_batches(user).filter(inspection__code=code.strip()).first()
    if batch is None:
        refs.fail("inspection", _("Unknown inspection “%(code)s”.") % {"code": code})
        return None
    return batch.inspection


def _item(c: Complaint) -> dict[str, Any]:
    """A list row; `c` went through views.decorate (as-of state, verdict, deadline)."""
    return {
        "id": c.pk,
        "acceptance_no": c.acceptance_no,
        "inspection": c.batch.inspection.code,
        "batch": c.batch.number,
        "channel": c.channel,
        "received_on": c.received_on,
        "content": c.content,
        "region": _org(c.region),
        "region_confirmed": c.region_confirmed,
        "pollution_types": c.type_names,
        "industry": c.industry,
        "is_key": c.is_key,
        "lead_unit": _org(c.lead_unit),
        "deadline": c.deadline_asof,
        "state": c.state_asof,
        "verdict": c.verdict_asof or None,
        "overdue": c.is_overdue,
        "repeat_of": c.repeat_of.acceptance_no if c.repeat_of_id else None,
        "problem": c.problem_id,
        "version": c.version,
    }


@router.get(
    "/complaints",
    response={200: ComplaintListOut, **READ_ERRORS},
    summary="Complaints in the caller's scope, filtered, with their state as of a date",
)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilter]):
    user = request.auth
    _require_view(user)
    f = _filters(user, filters)
    annotated = filtered_complaints(user, f)
    plain = Complaint.objects.filter(pk__in=annotated.values("pk"))
    counts = stats.counts(plain, f.as_of)
    page = list(
        annotated.select_related("repeat_of").order_by(
            "batch__inspection_id", "batch__number", "original_order", "acceptance_no"
        )[filters.offset : filters.offset + filters.limit]
    )
    decorate(page, f.as_of)
    return {
        "as_of": f.as_of,
        "count": counts.received,
        "limit": filters.limit,
        "offset": filters.offset,
        "counts": _counts(counts),
        "items": [_item(c) for c in page],
    }


@router.get(
    "/complaints/stats",
    response={200: StatsOut, **READ_ERRORS},
    summary="Figures as of a date: counts, 办结率, enforcement, by batch, prefecture and type",
)
def complaint_stats(
    request: HttpRequest,
    inspection: str | None = None,
    batch: int | None = None,
    region: str | None = None,
    as_of: date | None = None,
):
    user = request.auth
    _require_view(user)
    as_of = as_of or _today()
    refs = ComplaintRefs()
    chosen = _inspection_by_batches(user, inspection, refs) if inspection else None
    chosen_batch = refs.batch(user, inspection, batch)
    chosen_region = refs.org("region", region)
    refs.check()
    qs = visible_complaints(user)
    if chosen is not None:
        qs = qs.filter(batch__inspection=chosen)
    if chosen_batch is not None:
        qs = qs.filter(batch=chosen_batch)
    if chosen_region is not None:
        qs = qs.filter(region__path__startswith=chosen_region.path)
    by_batch = [
        {"inspection": batch.inspection.code, "batch": batch.number, **_counts(c)}
        for batch, c in stats.by_batch(qs, as_of)
    ]
    return {
        "as_of": as_of,
        "inspection": chosen.code if chosen else None,
        "batch": chosen_batch.number if chosen_batch else None,
        "region": chosen_region.code if chosen_region else None,
        "counts": _counts(stats.counts(qs, as_of)),
        "enforcement": stats.enforcement(qs, as_of),
        "by_verdict": stats.by_verdict(qs, as_of),
        "overdue": stats.overdue(qs, as_of).count(),
        "by_batch": by_batch,
        "by_prefecture": [
            {"prefecture": _org(org), **_counts(c)} for org, c in stats.by_prefecture(qs, as_of)
        ],
        "by_pollution_type": [
            {"pollution_type": t.name, **_counts(c)} for t, c in stats.by_pollution_type(qs, as_of)
        ],
    }


def _candidates(c: Complaint) -> list[dict[str, Any]]:
    return [
        {
            "id": row["complaint"].pk,
            "acceptance_no": row["complaint"].acceptance_no,
            "score": float(row["score"]) if row["score"] is not None else None,
            "reasons": [str(r) for r in row["reasons"]],
        }
        for row in repeat_candidates(c)
    ]


def _complaint_out(user, c: Complaint, as_of: date) -> dict[str, Any]:
    one = Complaint.objects.select_related("batch__inspection", "region", "lead_unit", "repeat_of")
    row = stats.with_state(one.filter(pk=c.pk), as_of).first()
    if row is None:  # asked about a day before its batch arrived: nothing had happened yet
        row = one.get(pk=c.pk)
        row.state_asof, row.result_id = State.RECEIVED, None
    decorate([row], as_of)
    visible = visible_complaints(user)
    root_id = c.repeat_of_id or c.pk
    repeats = visible.filter(repeat_of_id=root_id).exclude(pk=c.pk).order_by("acceptance_no")
    if c.repeat_of_id and not visible.filter(pk=c.repeat_of_id).exists():
        row.repeat_of_id = None  # the first one lies outside the caller's scope
    problem = None
    if c.problem_id:
        problem = visible_problems(user).filter(pk=c.problem_id).first()
    results = list(c.results.order_by("effective_date", "id"))
    return {
        **_item(row),
        "as_of": as_of,
        "current_state": c.state,
        "closed_on": c.closed_on,
        "stage_closed_on": c.stage_closed_on,
        "longitude": c.longitude,
        "latitude": c.latitude,
        "steps": [
            {
                "step": s.step,
                "from_state": s.from_state,
                "to_state": s.to_state,
                "effective_date": s.effective_date,
                "recorded_at": s.recorded_at,
                "lead_unit": _org(s.lead_unit),
                "deadline": s.deadline,
                "reason": s.reason,
            }
            for s in c.steps.select_related("lead_unit").order_by("effective_date", "id")
        ],
        "results": [
            {
                "id": r.pk,
                "effective_date": r.effective_date,
                "recorded_at": r.recorded_at,
                "investigation": r.investigation,
                "verdict": r.verdict,
                "handling": r.handling,
                "accountability": r.accountability,
                **{name: getattr(r, name) for name in ENFORCEMENT_FIELDS},
                "in_force": r.pk == row.result_id,
            }
            for r in results
        ],
        "repeats": list(repeats.values_list("acceptance_no", flat=True)),
        "problem_link": (
            {
                "id": problem.pk,
                "inspection": problem.inspection.code,
                "number": problem.number,
                "title": problem.title,
            }
            if problem
            else None
        ),
        "allowed_steps": steps_for(user, c),
        "candidates": _candidates(c) if manages(user) else None,
    }


def _answer(request, response: HttpResponse, c: Complaint, as_of: date | None = None):
    """The complaint as the caller sees it now, with its version as the ETag."""
    c = access_complaint(request.auth, c.pk)
    _etag(response, c.version)
    return _complaint_out(request.auth, c, as_of or _today())


@router.get(
    "/complaints/{int:complaint_id}",
    response={200: ComplaintOut, **READ_ERRORS},
    summary="One complaint with its steps, results, repeats and (office) likely repeats",
    description="The `ETag` header carries the version to send back on writes.",
)
def get_complaint(
    request: HttpRequest, complaint_id: int, response: HttpResponse, as_of: date | None = None
):
    c = _complaint(request.auth, complaint_id)
    return _answer(request, response, c, as_of)


# --- batches and intake ----------------------------------------------------------------------


def _batch_out(user, b: ComplaintBatch, as_of: date) -> dict[str, Any]:
    qs = visible_complaints(user).filter(batch=b)
    counts = None
    if b.received_on <= as_of:
        counts = stats.counts(qs, as_of)
    return {
        "id": b.pk,
        "inspection": b.inspection.code,
        "number": b.number,
        "received_on": b.received_on,
        "stated_count": b.stated_count,
        "note": b.note,
        "on_record": qs.count(),
        "as_of": as_of,
        "counts": _counts(counts) if counts is not None else None,
    }


@router.get(
    "/complaint-batches",
    response={200: list[BatchOut], **READ_ERRORS},
    summary="Batches in the caller's scope, with their counts as of a date",
)
def list_batches(request: HttpRequest, inspection: str | None = None, as_of: date | None = None):
    user = request.auth
    _require_view(user)
    as_of = as_of or _today()
    qs = visible_batches(user).order_by("inspection__code", "number")
    if inspection:
        qs = qs.filter(inspection__code=inspection.strip())
    return [_batch_out(user, b, as_of) for b in qs]


@router.post(
    "/complaint-batches",
    response={201: BatchOut, **WRITE_ERRORS},
    summary="Register a batch transferred by the inspection team (office)",
)
def create_batch(request: HttpRequest, payload: BatchIn, response: HttpResponse):
    user = request.auth
    _require_office(user)
    refs = ComplaintRefs()
    inspection = refs.inspection("inspection", payload.inspection, user)
    refs.check()
    batch = actions.check_create_batch(
        actor=user,
        inspection=inspection,
        number=payload.number,
        received_on=payload.received_on,
        stated_count=payload.stated_count,
        note=payload.note,
    )
    response["Location"] = f"{request.path.rstrip('/')}/{batch.pk}"
    return Reply(201, _batch_out(user, batch, _today()))


@router.post(
    "/complaint-batches/{int:batch_id}/complaints",
    response={201: ComplaintOut, **WRITE_ERRORS},
    summary="Enter one complaint of a batch (office)",
    description=(
        "`complainant` (name, phone, address) is encrypted at rest and never answered by "
        "any route but POST /complaints/{id}/reveal (office, with a reason)."
    ),
)
def create_complaint(
    request: HttpRequest, batch_id: int, payload: ComplaintIn, response: HttpResponse
):
    user = request.auth
    _require_office(user)
    batch = _batch(user, batch_id)
    refs = ComplaintRefs()
    region = refs.org("region", payload.region)
    types = [
        t
        for i, name in enumerate(payload.pollution_types, start=1)
        if (t := refs.pollution_type(f"pollution_types[{i}]", name)) is not None
    ]
    refs.check()
    person = payload.complainant
    complaint = actions.check_create_complaint(
        batch,
        actor=user,
        data=ComplaintData(
            acceptance_no=payload.acceptance_no,
            content=payload.content,
            region=region,
            region_confirmed=payload.region_confirmed,
            pollution_types=types,
            industry=payload.industry,
            is_key=payload.is_key,
            channel=payload.channel or "",
            received_on=payload.received_on,
            longitude=payload.longitude,
            latitude=payload.latitude,
            original_order=payload.original_order,
            personal=(
                PersonalData(
                    name=person.name.strip(),
                    phone=person.phone.strip(),
                    address=person.address.strip(),
                )
                if person
                else PersonalData()
            ),
        ),
    )
    response["Location"] = f"/api/v1/complaints/{complaint.pk}"
    return Reply(201, _answer(request, response, complaint))


@router.post(
    "/complaint-batches/{int:batch_id}/assign-all",
    response={200: AssignAllOut, **WRITE_ERRORS},
    summary="Assign every not-yet-assigned complaint of a batch to its region (office)",
)
def assign_all(request: HttpRequest, batch_id: int, payload: AssignAllIn):
    user = request.auth
    _require_office(user)
    batch = _batch(user, batch_id)
    n = actions.check_assign_batch(
        batch, actor=user, effective_date=payload.effective_date, deadline=payload.deadline
    )
    return {"assigned": n}


# --- workflow --------------------------------------------------------------------------------


@router.post(
    "/complaints/{int:complaint_id}/transition",
    response={200: ComplaintOut, **VERSIONED_ERRORS},
    summary="Assign, reassign, close, close for this stage, or return for rework",
    description=VERSION_HELP,
)
def transition(
    request: HttpRequest,
    complaint_id: int,
    payload: TransitionIn,
    response: HttpResponse,
    if_match: str | None = Header(None, description='"<version>" as read from the ETag'),
):
    user = request.auth
    c = _complaint(user, complaint_id)
    expected = _expected_version(payload.version, if_match)
    if expected is None:
        return _version_required()
    refs = ComplaintRefs()
    lead_unit = refs.org("lead_unit", payload.lead_unit)
    refs.check()
    c = actions.check_transition_complaint(
        c,
        payload.step,
        actor=user,
        expected_version=expected,
        effective_date=payload.effective_date,
        lead_unit=lead_unit,
        deadline=payload.deadline,
        reason=payload.reason,
    )
    return _answer(request, response, c)


@router.post(
    "/complaints/{int:complaint_id}/results",
    response={200: ComplaintOut, **VERSIONED_ERRORS},
    summary="File the investigation and handling result (lead unit or office)",
    description=VERSION_HELP
    + " `close` closes the complaint (or for this stage) on the same date.",
)
def file_result(
    request: HttpRequest,
    complaint_id: int,
    payload: ResultIn,
    response: HttpResponse,
    if_match: str | None = Header(None, description='"<version>" as read from the ETag'),
):
    user = request.auth
    c = _complaint(user, complaint_id)
    expected = _expected_version(payload.version, if_match)
    if expected is None:
        return _version_required()
    c = actions.check_file_result(
        c,
        actor=user,
        data=ResultData(
            investigation=payload.investigation,
            verdict=payload.verdict,
            handling=payload.handling,
            accountability=payload.accountability,
            **{name: getattr(payload, name) for name in ENFORCEMENT_FIELDS},
        ),
        expected_version=expected,
        effective_date=payload.effective_date,
        close=payload.close,
    )
    return _answer(request, response, c)


@router.post(
    "/complaints/{int:complaint_id}/repeat",
    response={200: ComplaintOut, **VERSIONED_ERRORS},
    summary="Link the complaint as a repeat of an earlier one, or unlink it (office)",
    description=VERSION_HELP,
)
def mark_repeat(
    request: HttpRequest,
    complaint_id: int,
    payload: RepeatIn,
    response: HttpResponse,
    if_match: str | None = Header(None, description='"<version>" as read from the ETag'),
):
    user = request.auth
    c = _complaint(user, complaint_id)
    _require_office(user)
    expected = _expected_version(payload.version, if_match)
    if expected is None:
        return _version_required()
    refs = ComplaintRefs()
    original = refs.complaint("repeat_of", user, payload.repeat_of)
    refs.check()
    c = actions.check_mark_repeat(c, actor=user, original=original, expected_version=expected)
    return _answer(request, response, c)


@router.post(
    "/complaints/{int:complaint_id}/not-repeat",
    response={204: None, **WRITE_ERRORS},
    summary="Say a suggested complaint is not a repeat: it is not suggested again (office)",
)
def not_repeat(request: HttpRequest, complaint_id: int, payload: NotRepeatIn):
    user = request.auth
    c = _complaint(user, complaint_id)
    _require_office(user)
    refs = ComplaintRefs()
    other = refs.complaint("other", user, payload.other)
    refs.check()
    actions.check_reject_repeat(c, actor=user, other=other)
    return Reply(204, None)


@router.post(
    "/complaints/{int:complaint_id}/problem",
    response={200: ComplaintOut, **VERSIONED_ERRORS},
    summary="Link the complaint to a ledger problem, or unlink it (office)",
    description=VERSION_HELP,
)
def link_problem(
    request: HttpRequest,
    complaint_id: int,
    payload: ProblemLinkIn,
    response: HttpResponse,
    if_match: str | None = Header(None, description='"<version>" as read from the ETag'),
):
    user = request.auth
    c = _complaint(user, complaint_id)
    _require_office(user)
    expected = _expected_version(payload.version, if_match)
    if expected is None:
        return _version_required()
    problem = None
    if payload.problem is not None:
        problem = visible_problems(user).filter(pk=min(payload.problem, MAX_ID)).first()
        if problem is None:
            raise ValidationError({"problem": [_("Unknown ledger problem.")]})
    c = actions.check_link_problem(c, actor=user, problem=problem, expected_version=expected)
    return _answer(request, response, c)


@router.post(
    "/complaints/{int:complaint_id}/reveal",
    response={200: RevealOut, **WRITE_ERRORS},
    summary="The complainant's name, phone and address (office, with a reason; audited)",
    description="Answered with `Cache-Control: no-store`; the reason is kept in the audit log.",
)
def reveal(request: HttpRequest, complaint_id: int, payload: RevealIn, response: HttpResponse):
    user = request.auth
    c = _complaint(user, complaint_id)
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    data = actions.check_reveal_complainant(c, actor=user, reason=payload.reason)
    return {"name": data.name, "phone": data.phone, "address": data.address}
