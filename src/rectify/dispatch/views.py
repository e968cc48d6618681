"""Dispatch pages: periods and their figures, what a unit owes, writing and reviewing a
report, the quarterly report, notifications.

Thin: scope from dispatch.queries / problems.queries (out of scope → 404), flags from
dispatch.permissions, every write from dispatch.actions, texts from dispatch.reports.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from rectify.core import files
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx, render_page_or_partial
from rectify.dispatch import actions, queries, reports
from rectify.dispatch.actions import ReportData
from rectify.dispatch.forms import PeriodForm, QuarterForm, ReportForm, ReviewForm
from rectify.dispatch.models import Notification, ProgressReport
from rectify.dispatch.permissions import (
    can_read_quarterly,
    can_run_dispatch,
    can_view,
    can_write_report,
    is_editable,
    may_review,
    reviews_reports,
    writes_reports,
)
from rectify.dispatch.states import EDITABLE_STATES, ReportState
from rectify.problems import asof
from rectify.problems.evidence import visible_evidence
from rectify.problems.queries import access_problem, visible_problems
from rectify.problems.states import Status

NOTIFICATIONS_PER_PAGE = 30
MY_REPORTS_PER_PAGE = 100


def _require_view(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 on every dispatch page."""
    if not can_view(user):
        raise Http404


def _nav(request, here: str) -> dict:
    """Flags for the dispatch sub-navigation (dispatch/_subnav.html)."""
    user = request.user
    return {
        "here": here,
        "writes": writes_reports(user),
        "reviews": reviews_reports(user),
        "quarterly": can_read_quarterly(user),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def _page(request, template: str, context: dict, *, here: str, status: int = 200, partial=""):
    context = {**context, "nav": _nav(request, here)}
    if partial:
        return render_page_or_partial(request, template, partial, context, status=status)
    return render(request, template, context, status=status)


def _decorate(rows, period) -> list:
    """Labels and flags for owing-problem rows (queries.with_report annotations)."""
    rows = list(rows)
    labels = dict(ReportState.choices)
    for p in rows:
        p.status_label = Status(p.asof_status).label
        p.report_state_label = labels.get(p.report_state, "")
        p.report_late = (
            p.report_submitted_at is not None and p.report_submitted_at >= period.due_end
        )
        p.report_editable = p.report_state in (None, *EDITABLE_STATES)
    return rows


def _problem_url(problem) -> str:
    try:
        return reverse("problems:detail", kwargs={"pk": problem.pk})
    except NoReverseMatch:
        return ""


# --- periods ---------------------------------------------------------------------------------


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


@login_required
def period_list(request):
    user = request.user
    _require_view(user)
    can_run = can_run_dispatch(user)
    today = timezone.localdate()
    form = None
    status = 200
    if can_run:
        year, month = today.year, today.month
        if queries.visible_periods(user).filter(year=year, month=month).exists():
            year, month = _next_month(today)
        form = PeriodForm(request.POST or None, initial={"year": year, "month": month})
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                period = actions.check_open_period(
                    actor=user,
                    year=form.cleaned_data["year"],
                    month=form.cleaned_data["month"],
                    due_date=form.cleaned_data["due_date"],
                )
            except (ValidationError, ConflictError) as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The dispatch period %(period)s is open; reports are due by %(due)s.")
                    % {"period": period.label, "due": period.due_date.isoformat()},
                )
                return redirect("dispatch:period", pk=period.pk)
        status = 400
    context = {
        "periods": queries.visible_periods(user).order_by("-year", "-month"),
        "form": form,
        "can_run": can_run,
        "writes_reports": writes_reports(user),
        "today": today,
    }
    return _page(request, "dispatch/period_list.html", context, here="periods", status=status)


def _form_error(form, exc) -> None:
    if isinstance(exc, ConflictError):
        form.add_error(None, str(exc))
    else:
        apply_validation_error(form, exc)


@login_required
def period_detail(request, pk: int):
    user = request.user
    _require_view(user)
    period = queries.access_period(user, pk)
    problems = visible_problems(user)
    today = timezone.localdate()
    figures = queries.period_figures(period, problems, today=today)
    unit = None
    code = request.GET.get("unit", "")
    if code:
        unit = next((u.unit for u in figures.units if u.unit.code == code), None)
        if unit is None:
            raise Http404
    rows = _decorate(queries.owing_rows(period, problems, unit=unit), period) if unit else None
    context = {
        "period": period,
        "figures": figures,
        "totals": figures.totals,
        "unit": unit,
        "rows": rows,
        "bulletin": (
            reports.bulletin(period, problems, today=today, figures=figures)
            if can_read_quarterly(user)
            else None
        ),
        "can_run": can_run_dispatch(user),
        "writes_reports": writes_reports(user),
        "today": today,
    }
    if unit is not None and is_htmx(request):
        return render(request, "dispatch/period_detail.html#unit_rows", context)
    return _page(request, "dispatch/period_detail.html", context, here="periods")


@login_required
@require_POST
def period_close(request, pk: int):
    user = request.user
    _require_view(user)
    period = queries.access_period(user, pk)
    if not can_run_dispatch(user):
        raise PermissionDenied
    closed = request.POST.get("closed") == "1"
    try:
        actions.check_set_period_closed(period, actor=user, closed=closed)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The period %(period)s is closed.") % {"period": period.label}
            if closed
            else _("The period %(period)s is open again.") % {"period": period.label},
        )
    return redirect("dispatch:period", pk=period.pk)


# --- what a unit owes --------------------------------------------------------------------------


@login_required
def my_reports(request):
    user = request.user
    _require_view(user)
    if not writes_reports(user):
        raise PermissionDenied
    periods = list(queries.visible_periods(user).order_by("-year", "-month"))
    period = None
    chosen = request.GET.get("period")
    if chosen:
        period = next((p for p in periods if str(p.pk) == chosen), None)
        if period is None:
            raise Http404
    else:
        period = queries.current_period() or (periods[0] if periods else None)
    page = None
    rows: list = []
    owed = submitted = 0
    if period is not None:
        owing = queries.my_reports(user, period)
        # The office writes for every unit: its list can be long.
        page = Paginator(owing, MY_REPORTS_PER_PAGE).get_page(request.GET.get("page"))
        rows = _decorate(list(page.object_list), period)
        owed = page.paginator.count
        submitted = owing.filter(report_submitted_at__isnull=False).count()
    context = {
        "periods": periods,
        "period": period,
        "page": page,
        "rows": rows,
        "owed": owed,
        "submitted": submitted,
        "today": timezone.localdate(),
    }
    return _page(request, "dispatch/my_reports.html", context, here="mine")


# --- writing a report ------------------------------------------------------------------------


@csrf_exempt
@login_required
def write_report(request, period_pk: int, problem_pk: int):
    # The size limit must be in place before Django reads the body, so before the CSRF
    # check (which reads POST): exempt here, protected again in `_write_report`.
    handler = files.SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _write_report(request, period_pk, problem_pk, handler)


def _initial(problem, period, report: ProgressReport | None, today: date) -> dict:
    if report is not None:
        return {
            "effective_date": report.effective_date,
            "percent": report.percent,
            "text": report.text,
            "decrease_reason": report.decrease_reason,
            "measures_done": [m["seq"] for m in report.measures_done],
        }
    on = min(max(today, period.start_date), period.last_report_date)
    return {"effective_date": on, "percent": actions.previous_percent(problem, on)}


@csrf_protect
def _write_report(request, period_pk: int, problem_pk: int, handler):
    user = request.user
    _require_view(user)
    period = queries.access_period(user, period_pk)
    problem = access_problem(user, problem_pk, for_write=True)
    if not writes_reports(user) or not can_write_report(user, problem):
        raise PermissionDenied
    report = ProgressReport.objects.filter(problem=problem, period=period).first()
    if request.method != "POST" and report is not None and not is_editable(report):
        return redirect("dispatch:report", pk=report.pk)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = ReportForm(problem, period, report, request.POST, request.FILES)
        valid = form.is_valid()
        if handler.refused:
            form.errors.pop("file", None)
            for name in handler.refused:
                form.add_error("file", files.too_large_error(name))
        elif valid:
            data = form.cleaned_data
            submit = request.POST.get("action") == "submit"
            version = request.POST.get("version") or ""
            try:
                report = actions.check_write_report(
                    problem,
                    period,
                    actor=user,
                    data=ReportData(
                        text=data["text"],
                        percent=data["percent"],
                        effective_date=data["effective_date"],
                        measures_done=data.get("measures_done") or [],
                        decrease_reason=data["decrease_reason"],
                    ),
                    submit=submit,
                    uploaded_files=data["file"],
                    caption=data["caption"],
                    expected_version=int(version) if version.isdigit() else None,
                )
            except (ValidationError, ConflictError) as exc:
                _form_error(form, exc)
            else:
                if submit:
                    messages.success(request, _("The report was submitted."))
                else:
                    messages.success(request, _("The draft was saved."))
                return redirect("dispatch:report", pk=report.pk)
        status = 400
    else:
        form = ReportForm(problem, period, report, initial=_initial(problem, period, report, today))
    state = asof.state_of(problem, min(today, period.last_report_date))
    context = {
        "period": period,
        "problem": problem,
        "problem_url": _problem_url(problem),
        "report": report,
        "form": form,
        "state": state,
        "state_label": Status(state.asof_status).label if state else "",
        "previous_percent": actions.previous_percent(
            problem, period.last_report_date, exclude_report=report
        ),
        "measures": list(problem.measures.all()),
    }
    return _page(request, "dispatch/report_form.html", context, here="mine", status=status)


# --- a report and its review ------------------------------------------------------------------


def _report_context(user, report: ProgressReport, review_form: ReviewForm | None = None) -> dict:
    events = report.history.filter(event__isnull=False).values("event_id")
    can_review = may_review(user, report)
    return {
        "report": report,
        "period": report.period,
        "problem": report.problem,
        "problem_url": _problem_url(report.problem),
        "evidence": list(visible_evidence(user).filter(event_id__in=events)),
        "history": list(report.history.select_related("actor")),
        "can_review": can_review,
        "review_form": review_form
        or (ReviewForm(initial={"version": report.version}) if can_review else None),
        "can_edit": is_editable(report)
        and writes_reports(user)
        and can_write_report(user, report.problem),
    }


@login_required
def report_detail(request, pk: int):
    user = request.user
    _require_view(user)
    report = queries.access_report(user, pk)
    return _page(request, "dispatch/report_detail.html", _report_context(user, report), here="")


@login_required
@require_POST
def review_report(request, pk: int):
    user = request.user
    _require_view(user)
    report = queries.access_report(user, pk)
    form = ReviewForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            report = actions.check_review_report(
                report,
                actor=user,
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data["opinion"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConflictError) as exc:
            _form_error(form, exc)
        else:
            if not is_htmx(request):  # the swapped partial shows the new state itself
                messages.success(
                    request,
                    _("The report is reviewed and frozen.")
                    if report.state == ReportState.REVIEWED
                    else _("The report was returned for correction."),
                )
                return redirect("dispatch:report", pk=report.pk)
            report = queries.access_report(user, report.pk)
            form = None
            status = 200
    context = _report_context(user, report, review_form=form)
    return _page(
        request, "dispatch/report_detail.html", context, here="", status=status, partial="review"
    )


@login_required
def review_queue(request):
    user = request.user
    _require_view(user)
    rows = list(queries.review_queue(user)[:200])
    return _page(request, "dispatch/review_queue.html", {"rows": rows}, here="reviews")


# --- quarterly report ------------------------------------------------------------------------


def _quarterly(request):
    user = request.user
    _require_view(user)
    if not can_read_quarterly(user):
        raise PermissionDenied
    today = timezone.localdate()
    year, quarter = queries.quarter_of(today)
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    elif form.is_bound:
        return form, None
    return form, reports.quarterly(visible_problems(user), year, quarter, today=today)


@login_required
def quarterly(request):
    form, report = _quarterly(request)
    context = {
        "form": form,
        "q": report,
        "title": reports.quarterly_title(report) if report else "",
        "sections": reports.quarterly_sections(report) if report else [],
    }
    return _page(
        request,
        "dispatch/quarterly.html",
        context,
        here="quarterly",
        status=200 if report else 400,
    )


@login_required
def quarterly_docx(request):
    _form, report = _quarterly(request)
    if report is None:
        raise Http404
    response = HttpResponse(reports.quarterly_docx(report), content_type=reports.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reports.quarterly_filename(report)}"'
    return response


# --- notifications -----------------------------------------------------------------------------


def _notification_context(request) -> dict:
    qs = Notification.objects.filter(recipient=request.user)
    page = Paginator(qs, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return {"page": page, "unread": qs.filter(read_at__isnull=True).count()}


@login_required
def notifications(request):
    return _page(
        request,
        "dispatch/notifications.html",
        _notification_context(request),
        here="notifications",
        partial="notification_list",
    )


@login_required
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    actions.do_mark_notifications_read(request.user, ids=ids or None)
    if is_htmx(request):
        return render(
            request,
            "dispatch/notifications.html#notification_list",
            _notification_context(request),
        )
    return redirect("dispatch:notifications")


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one of the user's notifications read and follow its (internal) link."""
    note = Notification.objects.filter(recipient=request.user, pk=min(pk, queries.MAX_ID)).first()
    if note is None:
        raise Http404
    actions.do_mark_notifications_read(request.user, ids=[note.pk])
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts=None)
    return redirect(note.link if note.link and safe else "dispatch:notifications")


@login_required
def bell(request):
    """The unread count as a small link, for an htmx `hx-get` in the page header."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return render(request, "dispatch/_bell.html", {"unread": unread})
