"""Pages for warnings, escalation proposals, extension requests and data-quality checks.

Thin: scope comes from `queries.visible_problems` / `access_problem`, colours from `asof`
via `watch`, findings from `quality`, writes from `actions`. Out of scope answers 404.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts.roles import Cap, has_cap
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx, render_page_or_partial
from rectify.core.scoping import scope_of
from rectify.problems import actions, quality, watch
from rectify.problems.models import ExtensionRequest, Problem
from rectify.problems.queries import access_problem, visible_problems
from rectify.problems.states import ExtensionStatus
from rectify.problems.watch_forms import (
    EscalationFilterForm,
    ExtensionDecisionForm,
    ExtensionListForm,
    ExtensionRequestForm,
    QualityFilterForm,
    WarningFilterForm,
)

PAGE_SIZE = 50
SECTION_LIMIT = 200  # rows shown per section; the CLI lists everything


def _require_business(user) -> None:
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404


def _province_wide(user) -> bool:
    """Office and leaders: business readers whose scope is the whole province."""
    return has_cap(user, Cap.VIEW_BUSINESS) and scope_of(user).all


def _may_request_extension(user) -> bool:
    return has_cap(user, Cap.REQUEST_EXTENSION) or has_cap(user, Cap.EDIT_LEDGER)


def _link(problems) -> None:
    """Set `detail_url` on each problem (the ledger's detail page, when it is mounted)."""
    for p in problems:
        try:
            p.detail_url = reverse("problems:detail", kwargs={"pk": p.pk})
        except NoReverseMatch:
            p.detail_url = ""


def _bound(request, **defaults: date | None):
    """The query string with defaults filled in for the empty date fields."""
    data = request.GET.copy()
    for key, value in defaults.items():
        if not data.get(key) and value is not None:
            data[key] = value.isoformat()
    return data


@login_required
def warnings(request):
    user = request.user
    _require_business(user)
    today = timezone.localdate()
    form = WarningFilterForm(_bound(request, as_of=today), user=user)
    v = form.values()
    as_of = v["as_of"] or today
    since = v["since"] or watch.first_of_previous_month(as_of)
    if not form.data.get("since"):
        form.data["since"] = since.isoformat()
    problems = watch.filter_problems(
        visible_problems(user),
        prefecture=v["prefecture"],
        lead_unit=v["lead_unit"],
        inspection=v["inspection"],
    )
    index = watch.warning_index(problems, as_of)
    page = Paginator(index.ids(v["colour"] or ""), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = watch.warning_rows(list(page.object_list), as_of)
    _link(r.problem for r in rows)
    changes = watch.colour_changes(
        problems, since, as_of, after=index.colour_of, limit=SECTION_LIMIT
    )
    _link(c.problem for c in changes.rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "as_of": as_of,
        "since": since,
        "counts": [
            {"colour": c, "label": watch.colour_label(c), "n": n} for c, n in index.counts.items()
        ],
        "page": page,
        "rows": rows,
        "changes": changes,
        "query": query.urlencode(),
        "can_see_escalations": _province_wide(user),
    }
    return render_page_or_partial(request, "problems/watch/warnings.html", "results", context)


@login_required
def escalations(request):
    user = request.user
    if not _province_wide(user):
        raise Http404
    today = timezone.localdate()
    form = EscalationFilterForm(_bound(request, as_of=today), user=user)
    v = form.values()
    as_of = v["as_of"] or today
    problems = watch.filter_problems(visible_problems(user), inspection=v["inspection"])
    proposals = watch.escalation_proposals(problems, as_of, since=v["since"], kind=v["kind"] or "")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    _link(x.problem for x in page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "as_of": as_of,
        "page": page,
        "letters": sum(1 for x in proposals if x.kind == watch.LETTER),
        "interviews": sum(1 for x in proposals if x.kind == watch.INTERVIEW),
        "query": query.urlencode(),
        "can_see_escalations": True,
    }
    return render_page_or_partial(request, "problems/watch/escalations.html", "results", context)


# --- extension requests ---------------------------------------------------------------------


def _visible_extensions(user):
    return ExtensionRequest.objects.filter(
        problem__in=visible_problems(user).order_by().values("pk")
    ).select_related("problem__inspection", "problem__lead_unit", "requested_by", "decided_by")


def _flags(extension: ExtensionRequest, user) -> ExtensionRequest:
    """What the user may do on this request (templates get flags, not rules)."""
    pending = extension.status == ExtensionStatus.PENDING
    extension.can_decide = (
        pending and has_cap(user, Cap.DECIDE_EXTENSION) and extension.requested_by_id != user.pk
    )
    extension.can_withdraw = (
        pending and extension.requested_by_id == user.pk and has_cap(user, Cap.REQUEST_EXTENSION)
    )
    return extension


@login_required
def extensions(request):
    user = request.user
    _require_business(user)
    form = ExtensionListForm(request.GET)
    status = form.values()["status"]
    qs = _visible_extensions(user)
    if status:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        pending_first=Case(
            When(status=ExtensionStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("pending_first", "-requested_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for ext in page.object_list:
        _flags(ext, user)
        ext.decision_form = ExtensionDecisionForm(extension=ext)
    _link(ext.problem for ext in page.object_list)
    counts = dict(
        _visible_extensions(user).order_by().values_list("status").annotate(n=Count("id"))
    )
    context = {
        "form": form,
        "page": page,
        "status": status or "",
        "pending_count": counts.get(ExtensionStatus.PENDING, 0),
        "can_decide": has_cap(user, Cap.DECIDE_EXTENSION),
        "can_see_escalations": _province_wide(user),
    }
    return render(request, "problems/watch/extensions.html", context)


@login_required
@require_POST
def extension_decide(request, pk: int):
    user = request.user
    _require_business(user)
    ext = get_object_or_404(_visible_extensions(user), pk=pk)
    form = ExtensionDecisionForm(request.POST, extension=ext)
    done = False
    if form.is_valid():
        try:
            actions.check_transition_extension(
                ext,
                actor=user,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                effective_date=form.cleaned_data["effective_date"],
            )
            done = True
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error(None, _("You may not take this decision."))
    if is_htmx(request):
        # htmx swaps only 2xx answers: the row comes back with its errors in a 200.
        ext = _flags(_visible_extensions(user).get(pk=pk), user)
        ext.decision_form = ExtensionDecisionForm(extension=ext) if done else form
        _link([ext.problem])
        return render(
            request,
            "problems/watch/extensions.html#extension_row",
            {"ext": ext, "done": done},
        )
    if done:
        ext.refresh_from_db()
        messages.success(
            request, _("The request is now: %(status)s.") % {"status": ext.get_status_display()}
        )
    else:
        for error in form.errors.values():
            for message in error:
                messages.error(request, message)
    return redirect("ledger_watch:extensions")


@login_required
def extension_new(request, pk: int):
    user = request.user
    if not (has_cap(user, Cap.VIEW_BUSINESS) and _may_request_extension(user)):
        raise Http404
    problem: Problem = access_problem(user, pk, for_write=True)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_request_extension(
                problem,
                actor=user,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your extension request was sent to the office."))
            return redirect("ledger_watch:extensions")
    history = problem.extensions.select_related("requested_by", "decided_by")
    _link([problem])
    context = {
        "problem": problem,
        "form": form,
        "history": history,
        "pending": any(x.status == ExtensionStatus.PENDING for x in history),
        "can_see_escalations": _province_wide(user),
    }
    return render(
        request, "problems/watch/extension_form.html", context, status=400 if form.errors else 200
    )


# --- data quality ---------------------------------------------------------------------------


@login_required
def quality_page(request):
    user = request.user
    _require_business(user)
    today = timezone.localdate()
    form = QualityFilterForm(_bound(request, as_of=today), user=user)
    v = form.values()
    as_of = v["as_of"] or today
    period_start = v["period_start"] or quality.default_period_start(as_of)
    if not form.data.get("period_start"):
        form.data["period_start"] = period_start.isoformat()
    problems = watch.filter_problems(visible_problems(user), inspection=v["inspection"])
    results = quality.run_checks(problems, as_of=as_of, period_start=period_start)
    groups = []
    for check in quality.CHECKS:
        findings = results[check.code]
        shown = findings[:SECTION_LIMIT]
        _link(f.problem for f in shown)
        groups.append({"check": check, "findings": shown, "total": len(findings)})
    context = {
        "form": form,
        "as_of": as_of,
        "period_start": period_start,
        "groups": groups,
        "total": sum(g["total"] for g in groups),
        "can_see_escalations": _province_wide(user),
    }
    return render_page_or_partial(request, "problems/watch/quality.html", "results", context)
