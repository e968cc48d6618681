"""Supervision pages: the actions list with its filters and the open escalation proposals,
an action with its findings, the action form (also prefilled from a proposal), and
filing a secret visit's finding as a new ledger problem."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.htmx import is_htmx
from rectify.orgs.queries import visible_orgs
from rectify.oversight import actions, queries
from rectify.oversight.forms import (
    ActionFilterForm,
    ActionForm,
    ConvertForm,
    FindingForm,
    problem_numbers,
    target_orgs,
)
from rectify.oversight.permissions import can_manage
from rectify.oversight.states import PROPOSAL_ACTION_KINDS, ActionKind
from rectify.oversight.views.common import page, require_manage, require_view, run_form_action
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems

PER_PAGE = 50
PROPOSALS_SHOWN = 20
FINDING_KINDS = (ActionKind.SECRET_VISIT, ActionKind.SPOT_CHECK)


@login_required
def action_list(request):
    user = request.user
    require_view(user)
    orgs = target_orgs().filter(pk__in=visible_orgs(user).values("pk"))
    form = ActionFilterForm(request.GET or None, orgs=orgs)
    qs = queries.visible_actions(user).prefetch_related("target_orgs")
    if form.is_valid():
        f = form.cleaned_data
        if f.get("kind"):
            qs = qs.filter(kind=f["kind"])
        if f.get("inspection"):
            qs = qs.filter(inspection=f["inspection"])
        if f.get("org"):
            qs = qs.filter(target_orgs__path__startswith=f["org"].path).distinct()
        if f.get("date_from"):
            qs = qs.filter(date__gte=f["date_from"])
        if f.get("date_to"):
            qs = qs.filter(date__lte=f["date_to"])
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("id", distinct=True)))
    kinds = [(k, label, counts.get(k, 0)) for k, label in ActionKind.choices]
    page_obj = Paginator(qs.order_by("-date", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    proposals = []
    if can_manage(user):
        proposals = queries.open_proposals(user, timezone.localdate(), limit=PROPOSALS_SHOWN)
    context = {"form": form, "page": page_obj, "kinds": kinds, "proposals": proposals}
    return page(request, "oversight/action_list.html", context, here="actions", partial="results")


def _parse_proposal(user, text: str, today: date):
    """(problem, kind, trigger date) from "problem:kind:YYYY-MM-DD", if still open."""
    try:
        pk, kind, day = text.split(":")
        problem_id, triggered_on = int(pk), date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    if kind not in PROPOSAL_ACTION_KINDS:
        raise Http404
    proposal = queries.find_proposal(user, problem_id, kind, triggered_on, today)
    if proposal is None:
        raise Http404
    return proposal


def _proposal_initial(proposal, today: date) -> dict:
    problem = proposal.problem
    kind = PROPOSAL_ACTION_KINDS[proposal.kind]
    title = (
        _("Supervision letter on problem %(number)s: %(title)s")
        if kind == ActionKind.LETTER
        else _("Interview on problem %(number)s: %(title)s")
    ) % {"number": problem.number, "title": problem.title[:60]}
    return {
        "inspection": problem.inspection.code,
        "kind": kind,
        "date": today,
        "title": title[:300],
        "target_orgs": [problem.lead_unit_id],
        "problem_numbers": problem.number,
        "proposal": f"{problem.pk}:{proposal.kind}:{proposal.triggered_on.isoformat()}",
    }


@login_required
def action_create(request):
    user = request.user
    require_manage(user)
    today = timezone.localdate()
    proposal_text = request.POST.get("proposal") or request.GET.get("proposal") or ""
    proposal = _parse_proposal(user, proposal_text, today) if proposal_text else None
    initial = _proposal_initial(proposal, today) if proposal else {"date": today}
    if request.GET.get("kind") in ActionKind.values and not proposal:
        initial["kind"] = request.GET["kind"]
    form = ActionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.action_data()
        answer = (proposal.problem, proposal.kind, proposal.triggered_on) if proposal else None
        if form.is_valid():
            action, status = run_form_action(
                form,
                lambda: actions.check_create_action(actor=user, data=data, proposal=answer),
            )
            if action is not None:
                messages.success(request, _("The supervision action was recorded."))
                return redirect("oversight:action", pk=action.pk)
    context = {
        "form": form,
        "title": _("New supervision action"),
        "back": "oversight:actions",
        "proposal": proposal,
    }
    return page(request, "oversight/form.html", context, here="actions", status=status)


@login_required
def action_edit(request, pk: int):
    user = request.user
    action = queries.access_action(user, pk)
    require_manage(user)
    initial = {
        "inspection": action.inspection.code,
        "kind": action.kind,
        "check_kind": action.check_kind,
        "date": action.date,
        "title": action.title,
        "document_number": action.document_number,
        "conducted_by": action.conducted_by,
        "target_orgs": list(action.target_orgs.values_list("pk", flat=True)),
        "problem_numbers": problem_numbers(
            action.problems.filter(inspection=action.inspection).order_by("sort_key")
        ),
        "content": action.content,
        "version": action.version,
    }
    form = ActionForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.action_data()
        for key in ("inspection", "kind"):
            data.pop(key, None)
        # Linked problems of other inspections (a filed finding's) stay linked.
        others = action.problems.exclude(inspection=action.inspection)
        data["problems"] = [*data["problems"], *others]
        if form.is_valid():
            saved, status = run_form_action(
                form,
                lambda: actions.check_update_action(
                    action, actor=user, expected_version=form.cleaned_data["version"], changes=data
                ),
            )
            if saved is not None:
                messages.success(request, _("The supervision action was saved."))
                return redirect("oversight:action", pk=action.pk)
    context = {
        "form": form,
        "title": _("Edit the supervision action"),
        "back_url": reverse("oversight:action", kwargs={"pk": action.pk}),
    }
    return page(request, "oversight/form.html", context, here="actions", status=status)


def _action_context(user, action, *, finding_form=None):
    manage = can_manage(user)
    takes_findings = manage and action.kind in FINDING_KINDS
    findings = action.findings.select_related("org", "problem", "problem__inspection")
    visible = set(
        visible_problems(user)
        .filter(pk__in=[f.problem_id for f in findings if f.problem_id])
        .values_list("pk", flat=True)
    )
    return {
        "action": action,
        "targets": action.target_orgs.order_by("path"),
        "problems": visible_problems(user)
        .filter(pk__in=action.problems.values("pk"))
        .order_by("inspection_id", "sort_key"),
        "findings": findings,
        "visible_problem_ids": visible,
        "finding_form": finding_form or (FindingForm() if takes_findings else None),
        "can_convert": manage and action.kind == ActionKind.SECRET_VISIT,
        "documents": action.documents.select_related("file", "uploaded_by"),
        "upload_owner": "action",
    }


@login_required
def action_detail(request, pk: int):
    user = request.user
    require_view(user)
    action = queries.access_action(user, pk)
    return page(
        request, "oversight/action_detail.html", _action_context(user, action), here="actions"
    )


@login_required
@require_POST
def action_add_finding(request, pk: int):
    user = request.user
    action = queries.access_action(user, pk)
    require_manage(user)
    form = FindingForm(request.POST)
    saved = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("problem_number", "").strip()
        data["problem"] = None
        if number:
            data["problem"] = Problem.objects.filter(
                inspection=action.inspection, number=number
            ).first()
            if data["problem"] is None:
                form.add_error(
                    "problem_number",
                    _("No problem numbered %(numbers)s in %(inspection)s.")
                    % {"numbers": number, "inspection": action.inspection.code},
                )
        if form.is_valid():
            saved, _status = run_form_action(
                form, lambda: actions.check_add_finding(action, actor=user, data=data)
            )
    if saved is not None and not is_htmx(request):
        messages.success(request, _("The finding was recorded."))
        return redirect("oversight:action", pk=action.pk)
    context = _action_context(user, action, finding_form=None if saved else form)
    return page(
        request, "oversight/action_detail.html", context, here="actions", partial="findings"
    )


@login_required
def finding_convert(request, pk: int):
    user = request.user
    finding = queries.access_finding(user, pk)
    require_manage(user)
    action = finding.action
    if action.kind != ActionKind.SECRET_VISIT or finding.problem_id:
        raise PermissionDenied
    org = finding.org
    next_number = _next_number(action.inspection)
    initial = {
        "inspection": action.inspection.code,
        "number": next_number,
        "title": finding.text[:500],
        "description": finding.text,
        "lead_unit": org.pk if org else None,
        "region": org.pk if org is not None and org.is_region else None,
    }
    form = ConvertForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        problem, status = run_form_action(
            form,
            lambda: actions.check_convert_finding(finding, actor=user, data=form.cleaned_data),
        )
        if problem is not None:
            messages.success(
                request,
                _("Problem %(number)s was filed in the ledger (source: secret visit).")
                % {"number": problem.number},
            )
            return redirect("oversight:action", pk=action.pk)
    context = {
        "form": form,
        "title": _("File the finding as a ledger problem"),
        "intro": _(
            "The problem is listed from the visit's date (%(date)s), with source secret visit."
        )
        % {"date": action.date.isoformat()},
        "back_url": reverse("oversight:action", kwargs={"pk": action.pk}),
    }
    return page(request, "oversight/form.html", context, here="actions", status=status)


def _next_number(inspection) -> str:
    """A free problem number for a problem found by a secret visit: 暗访-<n>."""
    taken = set(
        Problem.objects.filter(inspection=inspection, number__startswith="暗访-").values_list(
            "number", flat=True
        )
    )
    n = 1
    while f"暗访-{n}" in taken:
        n += 1
    return f"暗访-{n}"
