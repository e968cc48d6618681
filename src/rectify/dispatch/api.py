"""Dispatch API: periods and their per-unit figures, what the caller's unit owes, writing
and reviewing progress reports (JSON; evidence files go through the UI).

Thin: scope from dispatch.queries / problems.queries (out of scope → 404), every write
from dispatch.actions. Errors follow rectify/api.py: 403 a role that may not act, 404 out
of scope, 409 a stale version, 422 bad input naming the field (a frozen report too).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status as Reply

from rectify.dispatch import actions, queries
from rectify.dispatch.actions import ReportData
from rectify.dispatch.models import DispatchPeriod, ProgressReport
from rectify.dispatch.permissions import can_view, writes_reports
from rectify.dispatch.schemas import (
    MyReportsOut,
    PeriodIn,
    PeriodOut,
    PeriodStatusOut,
    ReportIn,
    ReportOut,
    ReviewIn,
)
from rectify.problems.evidence import visible_evidence
from rectify.problems.queries import access_problem, visible_problems
from rectify.problems.schemas import ErrorOut

router = Router(tags=["dispatch"])

READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422}): ErrorOut}


def _require_view(user) -> None:
    if not can_view(user):
        raise PermissionDenied


def _org(org) -> dict[str, str]:
    return {"code": org.code, "name": org.name}


def _period(p: DispatchPeriod) -> dict[str, Any]:
    return {
        "id": p.pk,
        "year": p.year,
        "month": p.month,
        "label": p.label,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "due_date": p.due_date,
        "closed": p.closed,
        "opened_at": p.opened_at,
    }


def _problem(p) -> dict[str, Any]:
    return {
        "id": p.pk,
        "inspection": p.inspection.code,
        "number": p.number,
        "title": p.title,
        "lead_unit": _org(p.lead_unit),
    }


def _report(user, r: ProgressReport) -> dict[str, Any]:
    events = r.history.filter(event__isnull=False).values("event_id")
    evidence = visible_evidence(user).filter(event_id__in=events)
    return {
        "id": r.pk,
        "problem": _problem(r.problem),
        "period": _period(r.period),
        "unit": _org(r.unit),
        "text": r.text,
        "percent": r.percent,
        "decrease_reason": r.decrease_reason,
        "effective_date": r.effective_date,
        "measures_done": r.measures_done,
        "state": r.state,
        "submitted_at": r.submitted_at,
        "last_submitted_at": r.last_submitted_at,
        "late": r.is_late,
        "reviewed_at": r.reviewed_at,
        "review_opinion": r.review_opinion,
        "version": r.version,
        "evidence": [
            {
                "id": e.pk,
                "name": e.file.original_name,
                "sha256": e.file.sha256,
                "taken_at": e.file.taken_at,
                "possibly_old_photo": e.possibly_old_photo,
                "possibly_elsewhere": e.possibly_elsewhere,
                "distance_km": e.distance_km,
            }
            for e in evidence
        ],
    }


@router.get(
    "/dispatch/periods",
    response={200: list[PeriodOut], **READ_ERRORS},
    summary="Dispatch periods, latest first",
)
def list_periods(request: HttpRequest):
    _require_view(request.auth)
    return [_period(p) for p in queries.visible_periods(request.auth).order_by("-year", "-month")]


@router.post(
    "/dispatch/periods",
    response={201: PeriodOut, **WRITE_ERRORS},
    summary="Open a dispatch period (office)",
)
def open_period(request: HttpRequest, payload: PeriodIn):
    period = actions.check_open_period(
        actor=request.auth, year=payload.year, month=payload.month, due_date=payload.due_date
    )
    return Reply(201, _period(period))


@router.get(
    "/dispatch/periods/{int:period_id}/status",
    response={200: PeriodStatusOut, **READ_ERRORS},
    summary="Per lead unit: reports owed, submitted, late, missing (in the caller's scope)",
)
def period_status(request: HttpRequest, period_id: int):
    user = request.auth
    _require_view(user)
    period = queries.access_period(user, period_id)
    figures = queries.period_figures(period, visible_problems(user))
    return {
        "period": _period(period),
        "as_of": figures.as_of,
        "past_due": figures.past_due,
        "totals": figures.totals,
        "units": [
            {
                "unit": _org(u.unit),
                "owed": u.owed,
                "submitted": u.submitted,
                "on_time": u.on_time,
                "late": u.late,
                "not_submitted": u.not_submitted,
                "missing": u.missing,
                "reviewed": u.reviewed,
            }
            for u in figures.units
        ],
    }


@router.get(
    "/dispatch/my-reports",
    response={200: MyReportsOut, **READ_ERRORS},
    summary="What the caller's unit owes for a period (default: the current one)",
)
def my_reports(request: HttpRequest, period: int | None = None):
    user = request.auth
    _require_view(user)
    if not writes_reports(user):
        raise PermissionDenied
    chosen = queries.access_period(user, period) if period is not None else None
    chosen = chosen or queries.current_period()
    if chosen is None:
        return {"period": None, "items": []}
    items = []
    for p in queries.my_reports(user, chosen):
        report = None
        if p.report_id is not None:
            report = {
                "id": p.report_id,
                "state": p.report_state,
                "submitted_at": p.report_submitted_at,
                "late": p.report_submitted_at is not None
                and p.report_submitted_at >= chosen.due_end,
            }
        items.append({"problem": _problem(p), "status": p.asof_status, "report": report})
    return {"period": _period(chosen), "items": items}


@router.post(
    "/problems/{int:problem_id}/reports",
    response={200: ReportOut, 201: ReportOut, **WRITE_ERRORS},
    summary="Write (and by default submit) the problem's progress report for a period",
    description=(
        "Creates the report (201) or corrects a draft or returned one (200; send its "
        "`version`). Submitting records the progress in the ledger on `effective_date`. "
        "A reviewed report is frozen: any change answers 422."
    ),
)
def write_report(request: HttpRequest, problem_id: int, payload: ReportIn):
    user = request.auth
    _require_view(user)
    problem = access_problem(user, min(problem_id, queries.MAX_ID))
    period = queries.visible_periods(user).filter(pk=min(payload.period, queries.MAX_ID)).first()
    if period is None:
        raise ValidationError({"period": [_("Unknown dispatch period.")]})
    existed = ProgressReport.objects.filter(problem=problem, period=period).exists()
    report = actions.check_write_report(
        problem,
        period,
        actor=user,
        data=ReportData(
            text=payload.text,
            percent=payload.percent,
            effective_date=payload.effective_date,
            measures_done=payload.measures_done,
            decrease_reason=payload.decrease_reason,
        ),
        submit=payload.submit,
        expected_version=payload.version,
        today=timezone.localdate(),
    )
    report = queries.access_report(user, report.pk)
    return Reply(200 if existed else 201, _report(user, report))


@router.get(
    "/reports/{int:report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="One progress report with its evidence and the reviewer's flags",
)
def get_report(request: HttpRequest, report_id: int):
    user = request.auth
    _require_view(user)
    return _report(user, queries.access_report(user, report_id))


@router.post(
    "/reports/{int:report_id}/review",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Mark a submitted report reviewed (then frozen) or return it for correction",
)
def review_report(request: HttpRequest, report_id: int, payload: ReviewIn):
    user = request.auth
    _require_view(user)
    report = queries.access_report(user, report_id)
    report = actions.check_review_report(
        report,
        actor=user,
        decision=payload.decision,
        opinion=payload.opinion,
        expected_version=payload.version,
    )
    return _report(user, queries.access_report(user, report.pk))
