"""One complaint: the page and its inline htmx panels (assign, file a result, close,
return, correct the transfer fields, repeats, ledger link) and the office's reveal panel.

Every panel's POST runs one action; the htmx answer is the re-rendered `complaint` partial so
that every form carries the new version. Complainant data is read only by the reveal panel,
through check_reveal_complainant, and only in its own no-store answer.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.complaints import actions, stats
from rectify.complaints.forms import (
    AssignForm,
    CloseForm,
    EditComplaintForm,
    NotRepeatForm,
    ProblemLinkForm,
    RepeatForm,
    ResultForm,
    ReturnForm,
    RevealForm,
)
from rectify.complaints.models import Complaint
from rectify.complaints.permissions import handles, manages, may_reveal_complainant, steps_for
from rectify.complaints.queries import access_complaint, visible_complaints
from rectify.complaints.states import ENFORCEMENT_FIELDS, State, Step
from rectify.complaints.views.base import (
    DETAIL,
    MAX_ID,
    as_of_param,
    repeat_candidates,
    require_business,
    routing_suggestion,
    subnav,
    url_or_blank,
    with_deadline,
)
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx, render_page_or_partial
from rectify.problems.queries import visible_problems

# --- one complaint ---------------------------------------------------------------------------


def _result_initial(c: Complaint, today: date) -> dict[str, Any]:
    r = c.latest_result
    initial: dict[str, Any] = {name: 0 for name in ENFORCEMENT_FIELDS}
    if r is not None:
        initial.update(
            {
                "investigation": r.investigation,
                "verdict": r.verdict,
                "handling": r.handling,
                "accountability": r.accountability,
                **{name: getattr(r, name) for name in ENFORCEMENT_FIELDS},
            }
        )
    initial.update({"effective_date": today, "version": c.version})
    return initial


def _default_forms(user, c: Complaint, steps: list[str], today: date) -> dict[str, Any]:
    office = manages(user)
    version = c.version
    forms: dict[str, Any] = {}
    if Step.ASSIGN in steps or Step.REASSIGN in steps:
        forms["assign"] = AssignForm(
            initial={
                "lead_unit": c.lead_unit or c.region,
                "deadline": c.deadline,
                "effective_date": today,
                "version": version,
            }
        )
    if handles(user, c) and c.state in (State.IN_PROGRESS, State.STAGE_CLOSED):
        forms["result"] = ResultForm(initial=_result_initial(c, today))
    closing = [s for s in (Step.CLOSE, Step.CLOSE_STAGE) if s in steps]
    if closing and c.latest_result_id:
        form = CloseForm(initial={"step": closing[0], "effective_date": today, "version": version})
        form.fields["step"].choices = [
            choice for choice in form.fields["step"].choices if choice[0] in closing
        ]
        forms["close"] = form
    if Step.RETURN in steps:
        forms["return"] = ReturnForm(initial={"effective_date": today, "version": version})
    if office:
        forms["edit"] = EditComplaintForm(
            initial={
                "content": c.content,
                "region": c.region,
                "pollution_types": list(c.pollution_types.all()),
                "industry": c.industry,
                "is_key": c.is_key,
                "confirm_region": c.region_confirmed,
                "version": version,
            }
        )
        forms["repeat"] = RepeatForm(initial={"version": version})
        forms["problem"] = ProblemLinkForm(
            initial={
                "inspection": c.batch.inspection.code,
                "number": c.problem.number if c.problem_id else "",
                "version": version,
            }
        )
    if may_reveal_complainant(user):
        forms["reveal"] = RevealForm()
    return forms


def _detail_context(
    request, c: Complaint, *, forms: dict[str, Any] | None = None, open_panel: str = ""
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    as_of = as_of_param(request.GET.get("as_of"))
    visible = visible_complaints(user)
    steps = steps_for(user, c)
    office = manages(user)
    state = (
        with_deadline(stats.with_state(Complaint.objects.filter(pk=c.pk), as_of), as_of)
        .values("state_asof", "result_id", "deadline_asof")
        .first()
    )
    overdue = stats.overdue(Complaint.objects.filter(pk=c.pk), as_of).exists()
    history = list(c.steps.select_related("actor", "lead_unit").order_by("effective_date", "id"))
    results = list(c.results.select_related("actor").order_by("effective_date", "id"))
    for item in (*history, *results):
        item.in_effect = item.effective_date <= as_of
    for r in results:
        r.in_force = state is not None and r.pk == state["result_id"]
        r.enforcement = [
            (label, getattr(r, name), unit) for name, (label, unit) in ENFORCEMENT_FIELDS.items()
        ]
    root = c.repeat_of if c.repeat_of_id else c
    family = visible.filter(Q(pk=root.pk) | Q(repeat_of=root.pk)).exclude(pk=c.pk)
    problem_url = ""
    if c.problem_id and visible_problems(user).filter(pk=c.problem_id).exists():
        problem_url = url_or_blank("problems:detail", pk=c.problem_id)
    all_forms = _default_forms(user, c, steps, today)
    all_forms.update(forms or {})
    return {
        "complaint": c,
        "as_of": as_of,
        "today": today,
        "state": state,
        "state_label": dict(State.choices).get(state["state_asof"], "") if state else "",
        "overdue": overdue,
        "types": list(c.pollution_types.all()),
        "history": history,
        "results": results,
        "family": list(family.order_by("received_on", "acceptance_no")),
        "root_visible": c.repeat_of_id is not None and visible.filter(pk=c.repeat_of_id).exists(),
        "problem": c.problem if c.problem_id else None,
        "problem_url": problem_url,
        "office": office,
        "handles": handles(user, c),
        "steps": steps,
        "forms": all_forms,
        "open_panel": open_panel,
        "candidates": repeat_candidates(c) if office else [],
        "suggested_region": (routing_suggestion(c) if office and not c.region_confirmed else None),
        "can_reveal": may_reveal_complainant(user),
        "nav": subnav(user, ""),
    }


def _complaint(user, pk: int) -> Complaint:
    return access_complaint(user, min(pk, MAX_ID))


@login_required
def complaint_detail(request, pk: int):
    user = request.user
    require_business(user)
    c = _complaint(user, pk)
    return render(request, DETAIL, _detail_context(request, c))


# Who may post to each panel at all; the action decides the rest (state, dates, version).
OFFICE_PANELS = {"assign", "return", "edit", "repeat", "problem"}
HANDLER_PANELS = {"result", "close"}


def _panel(request, pk: int, panel: str, form_class, run, done: str):
    """Handle one inline panel's POST: run the action with the form's data; the htmx answer
    is the re-rendered complaint (forms carry the new version), errors inside the panel."""
    user = request.user
    require_business(user)
    c = _complaint(user, pk)
    if (panel in OFFICE_PANELS and not manages(user)) or (
        panel in HANDLER_PANELS and not handles(user, c)
    ):
        raise PermissionDenied
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            run(user, c, form.cleaned_data)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, done)
                return redirect("complaints:detail", pk=c.pk)
            c = _complaint(user, pk)
            context = _detail_context(request, c)
            context["done"] = done
            return render(request, f"{DETAIL}#complaint", context)
    context = _detail_context(request, c, forms={panel: form}, open_panel=panel)
    # htmx swaps only 2xx answers: the panel with its errors comes back as 200.
    return render_page_or_partial(
        request, DETAIL, "complaint", context, status=200 if is_htmx(request) else status
    )


def _version(data) -> int | None:
    return data.get("version")


@login_required
@require_POST
def complaint_assign(request, pk: int):
    def run(user, c, data):
        step = Step.ASSIGN if c.state == State.RECEIVED else Step.REASSIGN
        actions.check_transition_complaint(
            c,
            step,
            actor=user,
            expected_version=_version(data),
            effective_date=data["effective_date"],
            lead_unit=data["lead_unit"],
            deadline=data["deadline"],
        )

    return _panel(request, pk, "assign", AssignForm, run, _("The complaint was assigned."))


@login_required
@require_POST
def complaint_result(request, pk: int):
    def run(user, c, data):
        actions.check_file_result(
            c,
            actor=user,
            data=ResultForm.result_data(data),
            expected_version=_version(data),
            effective_date=data["effective_date"],
            close=data.get("close") or "",
        )

    return _panel(request, pk, "result", ResultForm, run, _("The handling result was filed."))


@login_required
@require_POST
def complaint_close(request, pk: int):
    def run(user, c, data):
        actions.check_transition_complaint(
            c,
            data["step"],
            actor=user,
            expected_version=_version(data),
            effective_date=data["effective_date"],
        )

    return _panel(request, pk, "close", CloseForm, run, _("The complaint was closed."))


@login_required
@require_POST
def complaint_return(request, pk: int):
    def run(user, c, data):
        actions.check_transition_complaint(
            c,
            Step.RETURN,
            actor=user,
            expected_version=_version(data),
            effective_date=data["effective_date"],
            reason=data["reason"],
            deadline=data["deadline"],
        )

    return _panel(
        request, pk, "return", ReturnForm, run, _("The complaint was returned for rework.")
    )


@login_required
@require_POST
def complaint_edit(request, pk: int):
    def run(user, c, data):
        actions.check_update_complaint(
            c,
            actor=user,
            expected_version=_version(data),
            content=data["content"],
            region=data["region"] if data["region"].pk != c.region_id else None,
            pollution_types=list(data["pollution_types"]),
            industry=data["industry"],
            is_key=data["is_key"],
            confirm_region=data["confirm_region"],
        )

    return _panel(request, pk, "edit", EditComplaintForm, run, _("The complaint was saved."))


@login_required
@require_POST
def complaint_repeat(request, pk: int):
    unlink = request.POST.get("unlink") == "1"

    def run(user, c, data):
        original = None
        if not unlink:
            number = actions.normalise_acceptance_no(data["repeat_of"])
            original = visible_complaints(user).filter(acceptance_no=number).first()
            if original is None:
                raise ValidationError(
                    {"repeat_of": [_("No complaint %(no)s is on record.") % {"no": number}]}
                )
        actions.check_mark_repeat(c, actor=user, original=original, expected_version=_version(data))

    form_class = RepeatForm
    if unlink:
        # Unlinking needs only the version.
        class UnlinkForm(RepeatForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["repeat_of"].required = False

        form_class = UnlinkForm
    done = (
        _("The repeat link was removed.") if unlink else _("The complaint was linked as a repeat.")
    )
    return _panel(request, pk, "repeat", form_class, run, done)


@login_required
@require_POST
def complaint_not_repeat(request, pk: int):
    def run(user, c, data):
        other = visible_complaints(user).filter(pk=min(data["other"], MAX_ID)).first()
        if other is None:
            raise Http404
        actions.check_reject_repeat(c, actor=user, other=other)

    return _panel(
        request, pk, "repeat", NotRepeatForm, run, _("The pair will not be suggested again.")
    )


@login_required
@require_POST
def complaint_problem(request, pk: int):
    unlink = request.POST.get("unlink") == "1"

    def run(user, c, data):
        problem = None
        if not unlink:
            problem = (
                visible_problems(user)
                .filter(inspection=data["inspection"], number=data["number"].strip())
                .first()
            )
            if problem is None:
                raise ValidationError(
                    {
                        "number": [
                            _("The inspection has no problem %(number)s.")
                            % {"number": data["number"].strip()}
                        ]
                    }
                )
        actions.check_link_problem(c, actor=user, problem=problem, expected_version=_version(data))

    form_class = ProblemLinkForm
    if unlink:

        class UnlinkForm(ProblemLinkForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["inspection"].required = False
                self.fields["number"].required = False

        form_class = UnlinkForm
    done = (
        _("The ledger link was removed.")
        if unlink
        else _("The complaint was linked to the problem.")
    )
    return _panel(request, pk, "problem", form_class, run, done)


@login_required
@require_POST
def complaint_reveal(request, pk: int):
    """The complainant's identity, once, in the answer to the office's reasoned request."""
    user = request.user
    require_business(user)
    c = _complaint(user, pk)
    if not may_reveal_complainant(user):
        raise PermissionDenied
    form = RevealForm(request.POST)
    revealed = None
    status = 400
    if form.is_valid():
        try:
            revealed = actions.check_reveal_complainant(
                c, actor=user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            status = 200
            form = RevealForm()
    context = _detail_context(request, c, forms={"reveal": form}, open_panel="reveal")
    context["revealed"] = revealed
    response = render_page_or_partial(
        request, DETAIL, "reveal", context, status=200 if is_htmx(request) else status
    )
    # Never kept by the browser or a proxy; the page itself never holds it.
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response
