"""Accountability pages: the cases list, a case with the organisations and officials held
accountable (names only for roles that may see them), the forms that add to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import ConflictError
from rectify.core.htmx import is_htmx
from rectify.oversight import actions, queries
from rectify.oversight.forms import (
    CaseForm,
    CaseTransitionForm,
    HeldOrgForm,
    HeldPersonForm,
    inspection_field,
    problem_numbers,
)
from rectify.oversight.models import HeldOrganization, HeldPerson
from rectify.oversight.permissions import can_manage
from rectify.oversight.states import CASE_TRANSITIONS, CaseStatus
from rectify.oversight.views.common import (
    page,
    require_manage,
    require_view,
    run_form_action,
)
from rectify.problems.forms import LedgerForm


class CaseFilterForm(LedgerForm):
    inspection = inspection_field(required=False)


@login_required
def case_list(request):
    user = request.user
    require_view(user)
    form = CaseFilterForm(request.GET or None)
    cases = queries.visible_cases(user).annotate(
        n_orgs=Count("organizations", distinct=True), n_persons=Count("persons", distinct=True)
    )
    if form.is_valid() and form.cleaned_data.get("inspection"):
        cases = cases.filter(inspection=form.cleaned_data["inspection"])
    cases = cases.order_by("-received_date", "number")
    return page(request, "oversight/case_list.html", {"cases": cases, "form": form}, here="cases")


@login_required
def case_create(request):
    user = request.user
    require_manage(user)
    form = CaseForm(request.POST or None, initial={"received_date": timezone.localdate()})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.case_data()
        if form.is_valid():
            case, status = run_form_action(
                form, lambda: actions.check_create_case(actor=user, data=data)
            )
            if case is not None:
                messages.success(request, _("The case was registered."))
                return redirect("oversight:case", pk=case.pk)
    context = {"form": form, "title": _("New accountability case"), "back": "oversight:cases"}
    return page(request, "oversight/form.html", context, here="cases", status=status)


@login_required
def case_edit(request, pk: int):
    user = request.user
    case = queries.access_case(user, pk)
    require_manage(user)
    initial = {
        "inspection": case.inspection.code,
        "number": case.number,
        "title": case.title,
        "source": case.source,
        "received_date": case.received_date,
        "decision_date": case.decision_date,
        "summary": case.summary,
        "problem_numbers": problem_numbers(case.problems.order_by("sort_key")),
        "published": case.published,
        "version": case.version,
    }
    form = CaseForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.case_data()
        data.pop("inspection", None)
        if case.status == CaseStatus.OPEN:
            data.pop("decision_date", None)
        if form.is_valid():
            saved, status = run_form_action(
                form,
                lambda: actions.check_update_case(
                    case,
                    actor=user,
                    expected_version=form.cleaned_data["version"],
                    changes=data,
                ),
            )
            if saved is not None:
                messages.success(request, _("The case was saved."))
                return redirect("oversight:case", pk=case.pk)
    context = {"form": form, "title": _("Edit the case"), "back_url": case_url(case)}
    return page(request, "oversight/form.html", context, here="cases", status=status)


def case_url(case) -> str:
    return reverse("oversight:case", kwargs={"pk": case.pk})


def _case_context(user, case, *, org_form=None, person_form=None, transition_form=None):
    manage = can_manage(user)
    today = timezone.localdate()
    next_states = [to for (frm, to) in CASE_TRANSITIONS if frm == case.status]
    if manage and transition_form is None and next_states:
        transition_form = CaseTransitionForm(
            initial={"to": next_states[0], "effective_date": today, "version": case.version}
        )
        transition_form.fields["to"].choices = [
            (s, label) for s, label in CaseStatus.choices if s in next_states
        ]
    return {
        "case": case,
        "problems": case.problems.select_related("inspection", "lead_unit").order_by(
            "inspection_id", "sort_key"
        ),
        "organizations": case.organizations.select_related("org"),
        "persons": queries.person_rows(user, case.persons.all()),
        "documents": case.documents.select_related("file", "uploaded_by"),
        "history": case.history.select_related("actor"),
        "org_form": org_form or (HeldOrgForm() if manage else None),
        "person_form": person_form or (HeldPersonForm() if manage else None),
        "transition_form": transition_form,
        "upload_owner": "case",
    }


@login_required
def case_detail(request, pk: int):
    user = request.user
    require_view(user)
    case = queries.access_case(user, pk)
    return page(request, "oversight/case_detail.html", _case_context(user, case), here="cases")


@login_required
@require_POST
def case_transition(request, pk: int):
    user = request.user
    case = queries.access_case(user, pk)
    require_manage(user)
    form = CaseTransitionForm(request.POST)
    form.fields["to"].choices = CaseStatus.choices
    if form.is_valid():
        d = form.cleaned_data
        moved, _status = run_form_action(
            form,
            lambda: actions.check_transition_case(
                case,
                actor=user,
                to=d["to"],
                effective_date=d["effective_date"],
                reason=d["reason"],
                expected_version=d["version"],
            ),
        )
        if moved is not None:
            messages.success(
                request,
                _("The case is now %(status)s.") % {"status": moved.get_status_display()},
            )
            return redirect("oversight:case", pk=case.pk)
    context = _case_context(user, case, transition_form=form)
    return page(request, "oversight/case_detail.html", context, here="cases", status=400)


def _inline_add(request, pk: int, form_class, partial: str, add):
    """Add an organisation or a person from the case page (htmx: the section only)."""
    user = request.user
    case = queries.access_case(user, pk)
    require_manage(user)
    form = form_class(request.POST)
    saved = None
    if form.is_valid():
        saved, _status = run_form_action(form, lambda: add(case, form.cleaned_data))
    if saved is not None and not is_htmx(request):
        messages.success(request, _("Added."))
        return redirect("oversight:case", pk=case.pk)
    key = "org_form" if form_class is HeldOrgForm else "person_form"
    context = _case_context(user, case, **{key: None if saved else form})
    context["just_added"] = saved is not None
    return page(request, "oversight/case_detail.html", context, here="cases", partial=partial)


@login_required
@require_POST
def case_add_org(request, pk: int):
    def add(case, data):
        return actions.check_add_held_org(case, actor=request.user, data=data)

    return _inline_add(request, pk, HeldOrgForm, "organizations", add)


@login_required
@require_POST
def case_add_person(request, pk: int):
    def add(case, data):
        return actions.check_add_held_person(case, actor=request.user, data=data)

    return _inline_add(request, pk, HeldPersonForm, "persons", add)


@login_required
@require_POST
def org_remove(request, pk: int):
    user = request.user
    cases = queries.visible_cases(user).values("pk")
    row = queries.get_in(HeldOrganization.objects.filter(case__in=cases), pk)
    require_manage(user)
    version = request.POST.get("version")
    try:
        actions.check_remove_held_org(
            row, actor=user, expected_version=int(version) if version else None
        )
    except (ConflictError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Removed."))
    return redirect("oversight:case", pk=row.case_id)


@login_required
@require_POST
def person_remove(request, pk: int):
    user = request.user
    cases = queries.visible_cases(user).values("pk")
    row = queries.get_in(HeldPerson.objects.filter(case__in=cases), pk)
    require_manage(user)
    version = request.POST.get("version")
    try:
        actions.check_remove_held_person(
            row, actor=user, expected_version=int(version) if version else None
        )
    except (ConflictError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Removed."))
    return redirect("oversight:case", pk=row.case_id)


def _error_text(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
