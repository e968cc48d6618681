"""Complaints pages: the list, batches, a unit's inbox and the statistics.

Thin: rows from complaints.queries, figures from complaints.stats, writes from
complaints.actions (batch creation and assignment).
"""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints import actions, stats
from rectify.complaints.forms import (
    AssignBatchForm,
    BatchForm,
    ComplaintFilterForm,
    StatsForm,
    inspection_choices,
)
from rectify.complaints.models import (
    Complaint,
)
from rectify.complaints.permissions import manages
from rectify.complaints.queries import visible_batches, visible_complaints
from rectify.complaints.states import ENFORCEMENT_FIELDS, OPEN_STATES, State, Verdict
from rectify.complaints.views.base import (
    DUE_SOON_DAYS,
    OVERDUE_LIST_LIMIT,
    PER_PAGE,
    REGION_KINDS,
    Filters,
    as_of_param,
    as_plain,
    decorate,
    filtered_complaints,
    require_business,
    subnav,
    url_or_blank,
    with_deadline,
)
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx
from rectify.orgs.models import Org
from rectify.orgs.queries import visible_orgs

# --- the list ------------------------------------------------------------------------------


def _filter_choices(user) -> dict[str, Any]:
    base = visible_complaints(user)
    batches = visible_batches(user).order_by(
        "-inspection__feedback_date", "inspection_id", "number"
    )
    regions = Org.objects.filter(kind__in=REGION_KINDS).filter(
        Q(pk__in=visible_orgs(user).values("pk")) | Q(pk__in=base.values("region_id"))
    )
    return {
        "inspections": inspection_choices(visible_batches(user)),
        "batches": batches,
        "regions": regions.order_by("path"),
        "lead_units": Org.objects.filter(pk__in=base.values("lead_unit_id")).order_by("path"),
    }


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _filters_from(form: ComplaintFilterForm) -> Filters:
    form.is_valid()  # cleaned_data then holds the valid fields only
    data = form.cleaned_data
    return Filters(
        as_of=data.get("as_of") or timezone.localdate(),
        inspection=data.get("inspection"),
        batch=data.get("batch"),
        state=data.get("state") or "",
        region=data.get("region"),
        lead_unit=data.get("lead_unit"),
        pollution_type=data.get("pollution_type"),
        verdict=data.get("verdict") or "",
        key=_yes_no(data.get("key") or ""),
        overdue=_yes_no(data.get("overdue") or ""),
        repeats=_yes_no(data.get("repeats") or ""),
        q=data.get("q") or "",
    )


def _export_url(request, f: Filters) -> str:
    """The Excel export (complaints_import) of what the list shows: the list's own query,
    with the batch as the exporter names it (inspection code and batch number)."""
    url = url_or_blank("complaints_import:export")
    if not url:
        return ""
    params = request.GET.copy()
    params.pop("page", None)
    if f.batch is not None:
        params["inspection"] = f.batch.inspection.code
        params["batch"] = str(f.batch.number)
    elif f.inspection is not None:
        params["inspection"] = f.inspection.code
    params["as_of"] = f.as_of.isoformat()
    return f"{url}?{params.urlencode()}"


@login_required
def complaint_list(request):
    user = request.user
    require_business(user)
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = timezone.localdate().isoformat()  # show the date the state column is for
    form = ComplaintFilterForm(data, **_filter_choices(user))
    f = _filters_from(form)  # invalid filters are shown with their error and not applied
    annotated = filtered_complaints(user, f)
    counts = stats.counts(as_plain(annotated), f.as_of)
    ordered = annotated.order_by(
        "batch__inspection_id", "batch__number", "original_order", "acceptance_no"
    )
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = decorate(list(page.object_list), f.as_of)
    context = {
        "form": form,
        "page": page,
        "as_of": f.as_of,
        "counts": counts,
        "closure_pct": round(counts.closure_rate * 100, 1),
        "export_url": _export_url(request, f),
        "nav": subnav(user, "list"),
        "several_inspections": len({c.batch.inspection_id for c in page.object_list}) > 1,
    }
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    template = "complaints/complaint_list.html"
    if is_htmx(request) and not restoring:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- batches -------------------------------------------------------------------------------


def _batch_rows(user, as_of: date) -> list[dict[str, Any]]:
    """Every visible batch with its complaints on record and their states as of `as_of`."""
    complaints = visible_complaints(user)
    batches = list(
        visible_batches(user).order_by("-inspection__feedback_date", "inspection_id", "number")
    )
    on_record: dict[int, int] = {}
    waiting: dict[int, int] = {}
    for batch_id, state in complaints.order_by().values_list("batch_id", "state"):
        on_record[batch_id] = on_record.get(batch_id, 0) + 1
        if state == State.RECEIVED:
            waiting[batch_id] = waiting.get(batch_id, 0) + 1
    figures: dict[tuple[int, int], stats.Counts] = {
        (batch.inspection_id, batch.number): counts
        for batch, counts in stats.by_batch(complaints, as_of)
    }
    rows = []
    for b in batches:
        n = on_record.get(b.pk, 0)
        counts = figures.get((b.inspection_id, b.number))
        rows.append(
            {
                "batch": b,
                "on_record": n,
                "mismatch": n != b.stated_count,
                "waiting": waiting.get(b.pk, 0),
                "counts": counts,
                "pct": _pct(counts.closure_rate) if counts else None,
                "import_url": url_or_blank("complaints_import:upload"),
            }
        )
    return rows


def _batch_page(request, *, batch_form=None, assign_form=None, assign_batch=None, status=200):
    user = request.user
    as_of = as_of_param(request.GET.get("as_of"))
    office = manages(user)
    today = timezone.localdate()
    if office and batch_form is None:
        batch_form = BatchForm(initial={"received_on": today})
    context = {
        "rows": _batch_rows(user, as_of),
        "as_of": as_of,
        "today": today,
        "office": office,
        "batch_form": batch_form if office else None,
        "assign_form": assign_form,
        "assign_batch": assign_batch,
        "default_deadline": today + timedelta(days=30),
        "nav": subnav(user, "batches"),
    }
    return render(request, "complaints/batch_list.html", context, status=status)


@login_required
def batch_list(request):
    user = request.user
    require_business(user)
    if request.method != "POST":
        return _batch_page(request)
    if not manages(user):
        raise PermissionDenied
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = actions.check_create_batch(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Batch %(n)d of %(inspection)s was created.")
                % {"n": batch.number, "inspection": batch.inspection.name},
            )
            return redirect("complaints:batches")
    return _batch_page(request, batch_form=form, status=400)


@login_required
@require_POST
def batch_assign(request):
    user = request.user
    require_business(user)
    if not manages(user):
        raise PermissionDenied
    form = AssignBatchForm(request.POST)
    form.fields["batch"].queryset = visible_batches(user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            n = actions.check_assign_batch(
                data["batch"],
                actor=user,
                effective_date=data["effective_date"],
                deadline=data["deadline"],
            )
        except (ValidationError, ConflictError) as exc:
            if isinstance(exc, ConflictError):
                form.add_error(None, str(exc))
            else:
                apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(n)d complaints of batch %(batch)d were assigned to their regions.")
                % {"n": n, "batch": data["batch"].number},
            )
            return redirect("complaints:batches")
    return _batch_page(
        request, assign_form=form, assign_batch=form.cleaned_data.get("batch"), status=400
    )


# --- a unit's inbox ------------------------------------------------------------------------


@login_required
def mine(request):
    user = request.user
    require_business(user)
    if not has_cap(user, Cap.HANDLE_COMPLAINTS):
        raise PermissionDenied
    today = timezone.localdate()
    qs = visible_complaints(user).filter(lead_unit__isnull=False)
    only_open = request.GET.get("open") == "1"
    if only_open:
        qs = qs.filter(state__in=OPEN_STATES)
    ordered = qs.annotate(
        open_rank=Case(
            When(state__in=OPEN_STATES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("open_rank", "deadline", "acceptance_no")
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ids = [c.pk for c in rows]
    late = set(
        stats.overdue(Complaint.objects.filter(pk__in=ids), today).values_list("pk", flat=True)
    )
    labels = dict(State.choices)
    for c in rows:
        c.state_label = labels.get(c.state, c.state)
        c.is_open = c.state in OPEN_STATES
        c.is_overdue = c.pk in late
        c.due_soon = (
            c.is_open
            and not c.is_overdue
            and c.deadline is not None
            and c.deadline <= today + timedelta(days=DUE_SOON_DAYS)
        )
        c.needs_result = c.state == State.IN_PROGRESS and c.latest_result_id is None
    page.object_list = rows
    context = {
        "page": page,
        "today": today,
        "only_open": only_open,
        "open_count": qs.filter(state__in=OPEN_STATES).count(),
        "overdue_count": stats.overdue(qs, today).count(),
        "nav": subnav(user, "mine"),
    }
    return render(request, "complaints/mine.html", context)


# --- statistics ----------------------------------------------------------------------------


def _pct(rate: float) -> float:
    return round(rate * 100, 1)


@login_required
def stats_page(request):
    user = request.user
    require_business(user)
    batches = visible_batches(user).order_by(
        "-inspection__feedback_date", "inspection_id", "number"
    )
    choices = _filter_choices(user)
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = timezone.localdate().isoformat()
    form = StatsForm(
        data,
        inspections=choices["inspections"],
        batches=batches,
        regions=choices["regions"],
    )
    cleaned = form.cleaned_data if form.is_valid() else {}
    as_of = cleaned.get("as_of") or timezone.localdate()
    qs = visible_complaints(user)
    if cleaned.get("inspection"):
        qs = qs.filter(batch__inspection=cleaned["inspection"])
    if cleaned.get("batch"):
        qs = qs.filter(batch=cleaned["batch"])
    if cleaned.get("region"):
        qs = qs.filter(region__path__startswith=cleaned["region"].path)
    counts = stats.counts(qs, as_of)
    money = stats.enforcement(qs, as_of)
    verdicts = stats.by_verdict(qs, as_of)
    verdict_labels = dict(Verdict.choices)
    batch_rows = [
        {"batch": batch, "n": batch.number, "c": c, "pct": _pct(c.closure_rate)}
        for batch, c in stats.by_batch(qs, as_of)
    ]
    prefectures = stats.by_prefecture(qs, as_of)
    overdue = list(
        with_deadline(stats.overdue(qs, as_of), as_of)
        .select_related("lead_unit", "region", "batch")
        .order_by("deadline_asof", "acceptance_no")[:OVERDUE_LIST_LIMIT]
    )
    chart = {
        "labels": [org.short_name or org.name for org, _c in prefectures],
        "series": {
            "closed": [c.closed for _o, c in prefectures],
            "closed_stage": [c.closed_stage for _o, c in prefectures],
            "in_progress": [c.in_progress for _o, c in prefectures],
        },
        "names": {
            "closed": _("Closed"),
            "closed_stage": _("Closed for this stage"),
            "in_progress": _("Not yet closed"),
        },
    }
    context = {
        "form": form,
        "as_of": as_of,
        "counts": counts,
        "closure_pct": _pct(counts.closure_rate),
        "enforcement": [
            (label, money[name], unit) for name, (label, unit) in ENFORCEMENT_FIELDS.items()
        ],
        "verdicts": [(verdict_labels[v], n) for v, n in verdicts.items()],
        "no_result": counts.received - sum(verdicts.values()),
        "batch_rows": batch_rows,
        "prefectures": [(o, c, _pct(c.closure_rate)) for o, c in prefectures],
        "types": [(t, c) for t, c in stats.by_pollution_type(qs, as_of)],
        "overdue": overdue,
        "overdue_total": stats.overdue(qs, as_of).count(),
        "overdue_limit": OVERDUE_LIST_LIMIT,
        "chart": chart,
        "nav": subnav(user, "stats"),
    }
    return render(request, "complaints/stats.html", context)
