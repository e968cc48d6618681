"""Sign-off pages: the inbox, applying, an application with its steps, the public notice.

Thin: scope comes from queries (out of scope → 404), who may take which step from
permissions (the transition table), every write from actions. Templates get the forms of
the steps this user may take and flags, never the rules.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts.roles import Cap, has_cap
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx
from rectify.problems.queries import access_problem
from rectify.signoff import actions, notice, queries
from rectify.signoff.calendar_actions import may_edit_calendar
from rectify.signoff.forms import ApplicationFilterForm, ApplyForm, StepForm
from rectify.signoff.models import Application, AppState, StepKind
from rectify.signoff.permissions import may_apply, steps_for

PER_PAGE = 50
SECTION_LIMIT = 100


def _require_business(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 for every sign-off page."""
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404


def _problem_url(problem) -> str:
    try:
        return reverse("problems:detail", kwargs={"pk": problem.pk})
    except NoReverseMatch:
        return ""


def _evidence_url(problem) -> str:
    try:
        return reverse("ledger_evidence:list", kwargs={"pk": problem.pk})
    except NoReverseMatch:
        return ""


@login_required
def inbox(request):
    user = request.user
    _require_business(user)
    today = timezone.localdate()
    is_office = has_cap(user, Cap.RECORD_EVENTS)
    filter_form = ApplicationFilterForm(request.GET or None)
    state = filter_form.state_value() if filter_form.is_bound else ""
    everything = queries.visible_applications(user).order_by("-created_at", "-pk")
    if state:
        everything = everything.filter(state=state)
    page = Paginator(everything, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "today": today,
        "pending": queries.pending_for(user)[:SECTION_LIMIT],
        "mine": list(
            queries.unit_applications(user)
            .filter(state__in=(AppState.IN_REVIEW, AppState.RETURNED, AppState.NOTICE))
            .order_by("-created_at")[:SECTION_LIMIT]
        ),
        "shows_mine": has_cap(user, Cap.REPORT_PROGRESS) and not is_office,
        "notices": list(queries.under_notice(user, today).order_by("notice_end")[:SECTION_LIMIT]),
        "ready": (
            list(queries.ready_to_sign_off(user, today).order_by("notice_end")[:SECTION_LIMIT])
            if is_office
            else None
        ),
        "calendar_gaps": list(queries.notices_without_calendar(user)[:SECTION_LIMIT]),
        "can_edit_calendar": may_edit_calendar(user),
        "filter_form": filter_form,
        "state": state,
        "page": page,
    }
    return render(request, "signoff/inbox.html", context)


@login_required
def apply(request, pk: int):
    user = request.user
    _require_business(user)
    problem = access_problem(user, pk)
    if not may_apply(user, problem):
        raise PermissionDenied
    live = queries.live_application(problem)
    form = ApplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and live is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = actions.check_apply(
                    problem,
                    actor=user,
                    completion_report=data["completion_report"],
                    effective_date=data["effective_date"],
                    notice_days=data["notice_days"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The application was filed for acceptance."))
                return redirect("signoff:detail", pk=application.pk)
        status = 400
    context = {
        "problem": problem,
        "problem_url": _problem_url(problem),
        "evidence_url": _evidence_url(problem),
        "form": form,
        "live": live,
        "history": queries.applications_of(user, problem),
    }
    return render(request, "signoff/apply.html", context, status=status)


def _detail_context(user, application: Application, forms: dict[str, StepForm] | None = None):
    """Everything the detail page and its `workflow` partial show; `forms` replaces the
    blank form of a step (to show its errors)."""
    forms = forms or {}
    steps = list(queries.steps_of(application))
    problem = application.problem
    today = timezone.localdate()
    step_forms = [
        forms.get(step) or StepForm(step=step, version=application.version)
        for step in steps_for(user, application)
    ]
    return {
        "application": application,
        "problem": problem,
        "problem_url": _problem_url(problem),
        "evidence_url": _evidence_url(problem),
        "chain": queries.chain_of(application, steps),
        "steps": steps,
        "step_forms": step_forms,
        "today": today,
        "notice_running": (
            application.state == AppState.NOTICE
            and application.notice_end is not None
            and today <= application.notice_end
        ),
        "has_notice": notice.has_notice(application),
        "may_apply_again": (
            application.state not in (AppState.IN_REVIEW, AppState.NOTICE, AppState.SIGNED_OFF)
            and queries.live_application(problem) is None
            and may_apply(user, problem)
        ),
        "can_edit_calendar": may_edit_calendar(user),
    }


@login_required
def detail(request, pk: int):
    user = request.user
    _require_business(user)
    application = queries.access_application(user, pk)
    return render(request, "signoff/detail.html", _detail_context(user, application))


@login_required
@require_POST
def step(request, pk: int):
    user = request.user
    _require_business(user)
    application = queries.access_application(user, pk)
    kind = request.POST.get("step", "")
    if kind not in StepKind.values or kind == StepKind.APPLY:
        raise Http404
    form = StepForm(request.POST, step=kind, version=application.version)
    status = 400
    if form.is_valid():
        try:
            actions.check_transition_application(
                application,
                kind,
                actor=user,
                expected_version=form.cleaned_data["version"],
                opinion=form.text("opinion"),
                onsite_record=form.text("onsite_record"),
                signer_name=form.text("signer_name"),
                effective_date=form.cleaned_data["effective_date"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not take this step."))
            status = 403
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            application = queries.access_application(user, pk)
            message = _("Done: %(step)s. The application is now: %(state)s.") % {
                "step": StepKind(kind).label,
                "state": application.get_state_display(),
            }
            if not is_htmx(request):
                messages.success(request, message)
                return redirect("signoff:detail", pk=pk)
            context = _detail_context(user, application)
            context["done_message"] = message
            return render(request, "signoff/detail.html#workflow", context)
    application = queries.access_application(user, pk)
    if status == 409:
        # The form is shown again over the current version, so that a retry is deliberate.
        data = request.POST.copy()
        data[f"{form.prefix}-version"] = str(application.version)
        errors = form.non_field_errors()
        form = StepForm(data, step=kind, version=application.version)
        form.is_valid()
        form.add_error(None, errors)
    context = _detail_context(user, application, {kind: form})
    context["open_step"] = kind
    if kind not in steps_for(user, application):
        # The form of a step this user cannot take (now) is not shown: say why on top.
        context["step_errors"] = [m for errors in form.errors.values() for m in errors]
    if is_htmx(request):
        # htmx swaps only 2xx answers: the panel comes back with its errors in a 200.
        return render(request, "signoff/detail.html#workflow", context)
    return render(request, "signoff/detail.html", context, status=status)


def _noticed(user, pk: int) -> Application:
    application = queries.access_application(user, pk)
    if not notice.has_notice(application):
        raise Http404
    return application


@login_required
def notice_page(request, pk: int):
    user = request.user
    _require_business(user)
    application = _noticed(user, pk)
    context = {
        "application": application,
        "notice": notice.notice_data(application),
    }
    return render(request, "signoff/notice.html", context)


@login_required
def notice_docx(request, pk: int):
    user = request.user
    _require_business(user)
    application = _noticed(user, pk)
    response = HttpResponse(notice.notice_docx(application), content_type=notice.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{notice.notice_filename(application)}"'
    )
    return response
