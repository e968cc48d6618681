"""Shared by the complaints pages and the API: the list filters, as-of row decorations,
repeat candidates and routing suggestions, and the pages' small helpers."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints import dedupe, stats
from rectify.complaints.models import (
    Complaint,
    ComplaintBatch,
    ComplaintStep,
    HandlingResult,
    PollutionType,
)
from rectify.complaints.permissions import manages
from rectify.complaints.queries import visible_complaints
from rectify.complaints.routing import suggest_region
from rectify.complaints.states import State, Verdict
from rectify.orgs.models import Org, OrgKind

PER_PAGE = 50
MAX_ID = 2**63 - 1
OVERDUE_LIST_LIMIT = 200
DUE_SOON_DAYS = 3
DETAIL = "complaints/complaint_detail.html"
REGION_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)


def require_business(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 on every complaints page."""
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404


def url_or_blank(name: str, **kwargs) -> str:
    """The URL of `name`, or "" while the app that serves it is not installed."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def subnav(user, here: str) -> dict[str, Any]:
    """Flags for the complaints sub-navigation (complaints/_subnav.html)."""
    office = manages(user)
    return {
        "here": here,
        "handles": has_cap(user, Cap.HANDLE_COMPLAINTS),
        "import_url": url_or_blank("complaints_import:upload") if office else "",
        "publications_url": url_or_blank("complaints_pub:list"),
    }


def as_of_param(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# --- filtering (shared with the API) -----------------------------------------------------


@dataclass
class Filters:
    """What the complaints list (page, API, export link) is narrowed by."""

    as_of: date
    inspection: Any = None
    batch: ComplaintBatch | None = None
    state: str = ""
    region: Org | None = None
    lead_unit: Org | None = None
    pollution_type: PollutionType | None = None
    verdict: str = ""
    key: bool | None = None
    overdue: bool | None = None
    repeats: bool | None = None
    q: str = ""


def filtered_complaints(user, f: Filters) -> QuerySet[Complaint]:
    """The visible complaints received by `f.as_of` that match `f`, annotated with
    `state_asof` and `result_id` (stats.with_state)."""
    qs = visible_complaints(user)
    if f.inspection is not None:
        qs = qs.filter(batch__inspection=f.inspection)
    if f.batch is not None:
        qs = qs.filter(batch=f.batch)
    if f.region is not None:
        qs = qs.filter(region__path__startswith=f.region.path)
    if f.lead_unit is not None:
        qs = qs.filter(lead_unit__path__startswith=f.lead_unit.path)
    if f.pollution_type is not None:
        # A subquery, not a join: a join through the types would repeat rows.
        through = Complaint.pollution_types.through.objects.filter(pollutiontype=f.pollution_type)
        qs = qs.filter(pk__in=through.values("complaint_id"))
    if f.key is not None:
        qs = qs.filter(is_key=f.key)
    if f.repeats is not None:
        qs = qs.filter(repeat_of__isnull=not f.repeats)
    text = (f.q or "").strip()
    if text:
        qs = qs.filter(Q(acceptance_no__icontains=text) | Q(content__icontains=text))
    annotated = stats.with_state(qs, f.as_of)
    if f.state:
        annotated = annotated.filter(state_asof=f.state)
    if f.verdict:
        in_force = HandlingResult.objects.filter(verdict=f.verdict).values("id")
        annotated = annotated.filter(result_id__in=in_force)
    if f.overdue is not None:
        late = stats.overdue(qs, f.as_of).values("pk")
        annotated = annotated.filter(pk__in=late) if f.overdue else annotated.exclude(pk__in=late)
    return annotated


def as_plain(annotated: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The same rows without annotations, for stats functions that annotate themselves."""
    return Complaint.objects.filter(pk__in=annotated.values("pk"))


def with_deadline(qs: QuerySet[Complaint], as_of: date) -> QuerySet[Complaint]:
    """`qs` annotated with `deadline_asof`: the deadline of its latest assignment by then."""
    latest = (
        ComplaintStep.objects.filter(
            complaint=OuterRef("pk"), effective_date__lte=as_of, deadline__isnull=False
        )
        .order_by("-effective_date", "-id")
        .values("deadline")[:1]
    )
    return qs.annotate(deadline_asof=Subquery(latest))


def decorate(rows: list[Complaint], as_of: date) -> list[Complaint]:
    """Per-row labels and flags for list rows annotated by filtered_complaints."""
    ids = [c.pk for c in rows]
    late = set(
        stats.overdue(Complaint.objects.filter(pk__in=ids), as_of).values_list("pk", flat=True)
    )
    deadlines = dict(
        with_deadline(Complaint.objects.filter(pk__in=ids), as_of).values_list(
            "pk", "deadline_asof"
        )
    )
    verdicts = dict(
        HandlingResult.objects.filter(
            pk__in=[c.result_id for c in rows if c.result_id]
        ).values_list("pk", "verdict")
    )
    types: dict[int, list[str]] = {}
    through = Complaint.pollution_types.through.objects.filter(complaint_id__in=ids)
    for complaint_id, name in through.order_by("pollutiontype__sort_order").values_list(
        "complaint_id", "pollutiontype__name"
    ):
        types.setdefault(complaint_id, []).append(name)
    state_labels = dict(State.choices)
    verdict_labels = dict(Verdict.choices)
    for c in rows:
        c.state_label = state_labels.get(c.state_asof, c.state_asof)
        c.is_overdue = c.pk in late
        c.deadline_asof = deadlines.get(c.pk)
        c.verdict_asof = verdicts.get(c.result_id, "")
        c.verdict_label = verdict_labels.get(c.verdict_asof, "")
        c.type_names = types.get(c.pk, [])
    return rows


def routing_suggestion(c: Complaint) -> Org | None:
    """The region that the complaint's text names (complaints.routing), for the office to
    confirm when the transferred region is not confirmed."""
    return suggest_region(c.content)


def repeat_candidates(c: Complaint) -> list[dict[str, Any]]:
    """Likely repeats of `c` (complaints.dedupe), for the office."""
    return [
        {"complaint": x.complaint, "score": x.similarity, "reasons": list(x.reasons)}
        for x in dedupe.candidates(c)
        if x.complaint.pk != c.pk
    ]
