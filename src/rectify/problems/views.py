"""Ledger pages: list, detail, create/edit, dated events and inspections.

Thin: scope comes from queries.visible_problems/access_problem, statuses and figures from
asof, every write from actions. Templates get flags (can_edit, …), never the rules.
"""

from datetime import date
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, Role, has_cap
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx
from rectify.core.models import AuditEvent
from rectify.orgs.models import Org, OrgKind
from rectify.orgs.queries import visible_orgs
from rectify.problems import actions, asof
from rectify.problems.forms import (
    EventForm,
    InspectionForm,
    MeasureFormSet,
    MilestoneFormSet,
    ProblemFilterForm,
    ProblemForm,
    attach_errors,
    filled_rows,
    initial_measures,
    initial_milestones,
    initial_problem,
    parse_as_of,
)
from rectify.problems.models import Problem
from rectify.problems.queries import access_problem, visible_inspections, visible_problems
from rectify.problems.search import search_problems
from rectify.problems.states import ON_SCHEDULE_STATUSES, DeadlineKind, EventKind, Status

PER_PAGE = 50
AUDIT_TRAIL_LIMIT = 200

# Most urgent first: the order of the "status" sort.
STATUS_RANK = [
    Status.OVERDUE,
    Status.BEHIND_SCHEDULE,
    Status.NOT_STARTED,
    Status.ON_SCHEDULE,
    Status.AHEAD_OF_SCHEDULE,
    Status.COMPLETED,
    Status.SIGNED_OFF,
]

# The counts row above the list: (key, statuses it adds up).
COUNT_GROUPS = [
    ("overdue", (Status.OVERDUE,)),
    ("behind_schedule", (Status.BEHIND_SCHEDULE,)),
    ("not_started", (Status.NOT_STARTED,)),
    ("on_schedule", ON_SCHEDULE_STATUSES),
    ("completed", (Status.COMPLETED,)),
    ("signed_off", (Status.SIGNED_OFF,)),
]


def _require_business(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 for the whole ledger."""
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404


def _sees_audit_trail(user) -> bool:
    """The per-problem audit trail is shown to the office and leaders (province-wide roles
    that oversee the ledger); units, reviewers and teams see the dated history only."""
    return user.role in (Role.OFFICE, Role.LEADER) and has_cap(user, Cap.VIEW_BUSINESS)


def _leads(user, problem: Problem) -> bool:
    """Whether the user may write on the problem as its lead: its org is the lead unit or
    above it (a prefecture for a county's problem); same rule as actions._require_lead_scope."""
    try:
        access_problem(user, problem.pk, for_write=True)
    except Http404:
        return False
    return True


def allowed_event_kinds(user, problem: Problem) -> list[str]:
    """The event kinds the user may record on this problem (mirrors actions.EVENT_CAPS)."""
    kinds = [str(k) for k, cap in actions.EVENT_CAPS.items() if has_cap(user, cap)]
    if kinds and not has_cap(user, Cap.EDIT_LEDGER) and not _leads(user, problem):
        return []
    return kinds


def _date_of(day: int | None) -> date | None:
    return date.fromordinal(day) if day else None


class CountedPaginator(Paginator):
    """A paginator told its count (the sum of the status counts) instead of querying it."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _filter_choices(user):
    base = visible_problems(user)
    inspections = visible_inspections(user).order_by("-feedback_date", "code")
    region_kinds = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)
    regions = Org.objects.filter(kind__in=region_kinds).filter(
        Q(pk__in=visible_orgs(user).values("pk")) | Q(pk__in=base.values("region_id"))
    )
    lead_units = Org.objects.filter(pk__in=base.values("lead_unit_id"))
    return {
        "inspections": inspections,
        "regions": regions.order_by("path"),
        "lead_units": lead_units.order_by("path"),
    }


def _status_rank() -> Func:
    """The urgency rank of asof_status as a *simple* CASE: the status expression (dozens of
    subqueries) is evaluated once per row; a searched CASE would repeat it per status."""
    whens = " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(STATUS_RANK))
    return Func(
        F("asof_status"),
        template=f"CASE %(expressions)s {whens} ELSE {len(STATUS_RANK)} END",
        output_field=IntegerField(),
    )


def _ordering(sort: str) -> list:
    number = ["inspection_id", "sort_key", "number", "id"]
    if sort == "-number":
        return [f"-{f}" for f in number]
    if sort in ("deadline", "-deadline"):
        deadline = F("asof_deadline_day")
        first = (
            deadline.asc(nulls_last=True) if sort == "deadline" else deadline.desc(nulls_last=True)
        )
        return [first, *number]
    if sort == "status":
        return [_status_rank(), F("asof_deadline_day").asc(nulls_last=True), *number]
    if sort in ("percent", "-percent"):
        pct = F("asof_percent")
        first = pct.asc(nulls_first=True) if sort == "percent" else pct.desc(nulls_last=True)
        return [first, *number]
    return number


def filtered_problems(user, filters: dict) -> tuple[QuerySet[Problem], QuerySet[Problem], date]:
    """(plain filtered queryset, as-of annotated and status/colour-filtered queryset, date)."""
    d = filters.get("as_of") or parse_as_of(None)
    qs = visible_problems(user)
    if filters.get("inspection"):
        qs = qs.filter(inspection=filters["inspection"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("aspect"):
        qs = qs.filter(aspect_id=filters["aspect"])
    if filters.get("region"):
        qs = qs.filter(region__path__startswith=filters["region"].path)
    if filters.get("lead_unit"):
        qs = qs.filter(lead_unit=filters["lead_unit"])
    if filters.get("q"):
        qs = search_problems(qs, filters["q"])
    annotated = asof.as_of(qs, d)
    status = filters.get("status")
    if status == Status.ON_SCHEDULE:
        annotated = annotated.filter(asof_status__in=[s.value for s in ON_SCHEDULE_STATUSES])
    elif status:
        annotated = annotated.filter(asof_status=status)
    if filters.get("colour"):
        annotated = annotated.filter(asof_colour=filters["colour"])
    return qs, annotated, d


def _page_rows(user, ids: list[int], d: date) -> list[Problem]:
    """The problems with these ids, annotated as of `d`, in the order of `ids`."""
    rows = {p.pk: p for p in asof.as_of(visible_problems(user).filter(pk__in=ids), d)}
    return [rows[pk] for pk in ids if pk in rows]


def _counts(plain, annotated, filters: dict, d: date) -> dict[str, int]:
    """Counts by status of exactly the rows the list shows."""
    if filters.get("colour"):
        # The colour is not a function of the status: count the filtered rows themselves
        # (status_counts re-annotates the queryset; its colour filter stays in WHERE).
        return asof.status_counts(annotated, d)
    # Without a colour filter the status is evaluated once per row (the WHERE on it is
    # left out) and the statuses not selected are zeroed: the same figures, half the work.
    counts = asof.status_counts(plain, d)
    status = filters.get("status")
    if status:
        keep = ON_SCHEDULE_STATUSES if status == Status.ON_SCHEDULE else (status,)
        counts = {s: (n if s in keep else 0) for s, n in counts.items()}
    return counts


@login_required
def problem_list(request):
    user = request.user
    _require_business(user)
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = parse_as_of(None).isoformat()  # show the date the figures are for
    form = ProblemFilterForm(data, **_filter_choices(user))
    form.is_valid()  # invalid filters are shown with their error and not applied
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    plain, annotated, d = filtered_problems(user, filters)
    counts = _counts(plain, annotated, filters, d)
    total = sum(counts.values())
    sort = filters.get("sort") or "number"
    # Two steps: the ordered ids of the page (only what the filter and the order need is
    # evaluated over every row), then the page's rows with all their as-of columns.
    ids = annotated.order_by(*_ordering(sort)).values_list("pk", flat=True)
    page = CountedPaginator(ids, PER_PAGE, count=total).get_page(request.GET.get("page"))
    page.object_list = _page_rows(user, list(page.object_list), d)
    for p in page.object_list:
        p.asof_deadline = _date_of(p.asof_deadline_day)
    # Numbers repeat across inspections: name the inspection when the page mixes them.
    several_inspections = len({p.inspection_id for p in page.object_list}) > 1
    count_rows = [
        {"key": key, "label": Status(key).label, "n": sum(counts[s] for s in statuses)}
        for key, statuses in COUNT_GROUPS
    ]
    context = {
        "form": form,
        "page": page,
        "as_of": d,
        "total": total,
        "counts": count_rows,
        "ahead": counts[Status.AHEAD_OF_SCHEDULE],
        "done": counts[Status.COMPLETED] + counts[Status.SIGNED_OFF],
        "sort": sort,
        "several_inspections": several_inspections,
        "can_create": has_cap(user, Cap.EDIT_LEDGER),
    }
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    template = "problems/problem_list.html"
    if is_htmx(request) and not restoring:
        template += "#results"
    response = render(request, template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def problem_detail(request, pk: int):
    user = request.user
    _require_business(user)
    problem = access_problem(user, pk)
    prefetch_related_objects(
        [problem], "milestones", "cooperating_units", "measures__responsible_unit"
    )
    d = parse_as_of(request.GET.get("as_of"))
    state = asof.state_of(problem, d)
    deadline_as_of = _date_of(state.asof_deadline_day) if state else problem.deadline
    events = list(problem.events.select_related("actor").order_by("effective_date", "id"))
    for e in events:
        e.in_effect = e.effective_date <= d
    planned = asof.plan_points(problem, deadline_as_of)
    reported = [
        (e.effective_date, e.percent)
        for e in events
        if e.kind == EventKind.PROGRESS and e.effective_date <= d
    ]
    chart = {
        "planned": [[x.isoformat(), p] for x, p in planned],
        "reported": [[x.isoformat(), p] for x, p in reported],
        "as_of": d.isoformat(),
        "labels": {
            "planned": _("Planned progress"),
            "reported": _("Reported progress"),
            "as_of": _("As of"),
        },
    }
    audit_trail = None
    if _sees_audit_trail(user):
        audit_trail = list(
            AuditEvent.objects.filter(
                object_type="problems.problem", object_id=str(problem.pk)
            ).order_by("-seq")[:AUDIT_TRAIL_LIMIT]
        )
        for e in audit_trail:
            e.changed = _changed_keys(e.before, e.after)
    can_edit = has_cap(user, Cap.EDIT_LEDGER)
    leads = can_edit or _leads(user, problem)
    context = {
        "problem": problem,
        "as_of": d,
        "state": state,
        "deadline_as_of": deadline_as_of,
        "events": events,
        "extensions": problem.extensions.select_related("requested_by", "decided_by"),
        "audit_trail": audit_trail,
        "chart": chart,
        "can_edit": can_edit,
        "can_record": bool(allowed_event_kinds(user, problem)),
        "can_request_extension": (
            (can_edit or has_cap(user, Cap.REQUEST_EXTENSION))
            and leads
            and problem.deadline_kind != DeadlineKind.ONGOING
        ),
    }
    return render(request, "problems/problem_detail.html", context)


def _changed_keys(before, after) -> list[str]:
    """The keys whose value differs between an audit event's before and after."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _problem_forms(request, *, problem=None):
    if request.method == "POST":
        form = ProblemForm(request.POST, problem=problem)
        measures = MeasureFormSet(request.POST, prefix="measures")
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
    elif problem is not None:
        form = ProblemForm(initial=initial_problem(problem), problem=problem)
        measures = MeasureFormSet(initial=initial_measures(problem), prefix="measures")
        milestones = MilestoneFormSet(initial=initial_milestones(problem), prefix="milestones")
    else:
        initial = {}
        if request.GET.get("inspection", "").isdigit():
            initial["inspection"] = int(request.GET["inspection"])
        form = ProblemForm(initial=initial)
        measures = MeasureFormSet(prefix="measures")
        milestones = MilestoneFormSet(prefix="milestones")
    return form, measures, milestones


def _save_problem(request, form, measures, milestones, *, problem=None):
    """Run the create or update action; returns (problem or None, HTTP status)."""
    if not (form.is_valid() & measures.is_valid() & milestones.is_valid()):
        return None, 200
    measure_rows, milestone_rows = filled_rows(measures), filled_rows(milestones)
    data = form.problem_data()
    data["measures"] = [row for _, row in measure_rows]
    data["milestones"] = [row for _, row in milestone_rows]
    try:
        if problem is None:
            return actions.check_create_problem(actor=request.user, data=data), 200
        data.pop("inspection", None)
        return actions.check_update_problem(
            problem,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            changes=data,
        ), 200
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return None, 409
    except ValidationError as exc:
        attach_errors(
            form,
            {"measures": (measures, measure_rows), "milestones": (milestones, milestone_rows)},
            exc,
        )
        return None, 200


@login_required
def problem_create(request):
    user = request.user
    _require_business(user)
    if not has_cap(user, Cap.EDIT_LEDGER):
        raise PermissionDenied
    form, measures, milestones = _problem_forms(request)
    status = 200
    if request.method == "POST":
        problem, status = _save_problem(request, form, measures, milestones)
        if problem is not None:
            messages.success(request, _("Problem %(number)s filed.") % {"number": problem.number})
            return redirect("problems:detail", pk=problem.pk)
    context = {"form": form, "measures": measures, "milestones": milestones, "problem": None}
    return render(request, "problems/problem_form.html", context, status=status)


@login_required
def problem_edit(request, pk: int):
    user = request.user
    _require_business(user)
    problem = access_problem(user, pk)
    if not has_cap(user, Cap.EDIT_LEDGER):
        raise PermissionDenied
    form, measures, milestones = _problem_forms(request, problem=problem)
    status = 200
    if request.method == "POST":
        saved, status = _save_problem(request, form, measures, milestones, problem=problem)
        if saved is not None:
            messages.success(request, _("Problem %(number)s saved.") % {"number": saved.number})
            return redirect("problems:detail", pk=saved.pk)
    context = {
        "form": form,
        "measures": measures,
        "milestones": milestones,
        "problem": problem,
        "conflict": status == 409,
    }
    return render(request, "problems/problem_form.html", context, status=status)


@login_required
def event_create(request, pk: int):
    user = request.user
    _require_business(user)
    problem = access_problem(user, pk)
    kinds = allowed_event_kinds(user, problem)
    if not kinds:
        if has_cap(user, Cap.REPORT_PROGRESS):
            raise Http404  # a unit that does not lead it: not its problem to write on
        raise PermissionDenied
    form = EventForm(request.POST or None, allowed_kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.check_record_event(
                problem,
                actor=user,
                kind=data["kind"],
                effective_date=data["effective_date"],
                percent=data.get("percent"),
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The event was recorded."))
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/event_form.html", {"form": form, "problem": problem})


@login_required
def inspection_list(request):
    user = request.user
    _require_business(user)
    d = parse_as_of(request.GET.get("as_of"))
    inspections = visible_inspections(user).order_by("-feedback_date", "code")
    by_code = asof.breakdown(visible_problems(user), d, "inspection")
    rows = []
    for inspection in inspections:
        c = by_code.get(inspection.code) or dict.fromkeys(Status.values, 0)
        rows.append(
            {
                "inspection": inspection,
                "total": sum(c.values()),
                "done": c[Status.COMPLETED] + c[Status.SIGNED_OFF],
                "signed_off": c[Status.SIGNED_OFF],
                "on_schedule": sum(c[s] for s in ON_SCHEDULE_STATUSES),
                "behind_schedule": c[Status.BEHIND_SCHEDULE],
                "not_started": c[Status.NOT_STARTED],
                "overdue": c[Status.OVERDUE],
            }
        )
    context = {
        "rows": rows,
        "as_of": d,
        "list_url": reverse("problems:list"),
        "can_create": has_cap(user, Cap.EDIT_LEDGER),
    }
    return render(request, "problems/inspection_list.html", context)


@login_required
def inspection_create(request):
    user = request.user
    _require_business(user)
    if not has_cap(user, Cap.EDIT_LEDGER):
        raise PermissionDenied
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = actions.check_create_inspection(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Inspection %(name)s registered.") % {"name": inspection.name}
            )
            return redirect("problems:inspections")
    return render(request, "problems/inspection_form.html", {"form": form})
