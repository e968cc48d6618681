"""Complaint figures as of a date: the one module that pages, the API, publications, reports
and the CLI read them from.

As of D (DESIGN, "Time"): a complaint counts once its batch was transferred by D; its
closure state is that of its latest step dated by D; its verdict and enforcement counts are
those of its latest handling result dated by D. Everything is an SQL aggregate over the
caller's (scoped) queryset.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr

from rectify.complaints.models import (
    Complaint,
    ComplaintBatch,
    ComplaintStep,
    HandlingResult,
    PollutionType,
)
from rectify.complaints.states import ENFORCEMENT_FIELDS, OPEN_STATES, State, Verdict
from rectify.orgs.models import Org

# Path prefix of a prefecture ("/520000/520300/"): region codes are 6 digits (GB/T 2260).
PREFECTURE_PATH_LEN = 15


def received_by(qs: QuerySet[Complaint], as_of: date) -> QuerySet[Complaint]:
    """The complaints of `qs` whose batch had been transferred by `as_of`."""
    return qs.filter(batch__received_on__lte=as_of)


def with_state(qs: QuerySet[Complaint], as_of: date) -> QuerySet[Complaint]:
    """`qs` received by `as_of`, annotated with `state_asof` and `result_id` (its latest
    handling result by then, or NULL)."""
    latest_step = ComplaintStep.objects.filter(
        complaint=OuterRef("pk"), effective_date__lte=as_of
    ).order_by("-effective_date", "-id")
    latest_result = HandlingResult.objects.filter(
        complaint=OuterRef("pk"), effective_date__lte=as_of
    ).order_by("-effective_date", "-id")
    return received_by(qs, as_of).annotate(
        state_asof=Coalesce(
            Subquery(latest_step.values("to_state")[:1]), Value(State.RECEIVED.value)
        ),
        result_id=Subquery(latest_result.values("id")[:1]),
    )


@dataclass(frozen=True)
class Counts:
    received: int = 0
    closed: int = 0
    closed_stage: int = 0
    in_progress: int = 0  # 未办结: received but not assigned, or being handled
    repeats: int = 0

    @property
    def closure_rate(self) -> float:
        """办结率: 已办结 over received (stage-closed ones do not count)."""
        return round(self.closed / self.received, 4) if self.received else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "assigned": self.received,
            "closed": self.closed,
            "closed_stage": self.closed_stage,
            "in_progress": self.in_progress,
            "repeats": self.repeats,
            "closure_rate": self.closure_rate,
        }


def _counts_from(rows) -> Counts:
    by_state = {r["state_asof"]: r["n"] for r in rows}
    return Counts(
        received=sum(by_state.values()),
        closed=by_state.get(State.CLOSED, 0),
        closed_stage=by_state.get(State.STAGE_CLOSED, 0),
        in_progress=sum(by_state.get(s, 0) for s in OPEN_STATES),
    )


def counts(qs: QuerySet[Complaint], as_of: date) -> Counts:
    annotated = with_state(qs, as_of)
    base = _counts_from(annotated.order_by().values("state_asof").annotate(n=Count("id")))
    repeats = (
        received_by(qs, as_of).filter(repeat_of__isnull=False, repeat_linked_on__lte=as_of).count()
    )
    return Counts(**{**base.__dict__, "repeats": repeats})


def _results(qs: QuerySet[Complaint], as_of: date) -> QuerySet[HandlingResult]:
    """The handling result in force as of `as_of` for each complaint of `qs`."""
    return HandlingResult.objects.filter(
        id__in=with_state(qs, as_of).filter(result_id__isnull=False).values("result_id")
    )


def enforcement(qs: QuerySet[Complaint], as_of: date) -> dict[str, Any]:
    """Totals of the enforcement counts (责令整改 家, 罚款 元 …) in force as of `as_of`."""
    sums = _results(qs, as_of).aggregate(
        **{
            name: Coalesce(
                Sum(name),
                Value(0, output_field=HandlingResult._meta.get_field(name)),
            )
            for name in ENFORCEMENT_FIELDS
        }
    )
    out: dict[str, Any] = {}
    for name in ENFORCEMENT_FIELDS:
        value = sums[name]
        out[name] = Decimal(value).quantize(Decimal("0.01")) if name == "fines_yuan" else value
    return out


def by_verdict(qs: QuerySet[Complaint], as_of: date) -> dict[str, int]:
    rows = _results(qs, as_of).order_by().values("verdict").annotate(n=Count("id"))
    found = {r["verdict"]: r["n"] for r in rows}
    return {v.value: found.get(v.value, 0) for v in Verdict}


def _grouped(qs: QuerySet[Complaint], as_of: date, key) -> dict[Any, Counts]:
    rows = (
        with_state(qs, as_of)
        .annotate(group=key)
        .order_by()
        .values("group", "state_asof")
        .annotate(n=Count("id", distinct=True))
    )
    buckets: dict[Any, list[dict]] = {}
    for r in rows:
        buckets.setdefault(r["group"], []).append(r)
    return {group: _counts_from(items) for group, items in buckets.items()}


def by_batch(qs: QuerySet[Complaint], as_of: date) -> list[tuple[ComplaintBatch, Counts]]:
    """Counts per batch, in (inspection, batch number) order."""
    grouped = _grouped(qs, as_of, F("batch_id"))
    batches = ComplaintBatch.objects.filter(pk__in=list(grouped)).select_related("inspection")
    return [
        (b, grouped[b.pk]) for b in sorted(batches, key=lambda b: (b.inspection.code, b.number))
    ]


def by_prefecture(qs: QuerySet[Complaint], as_of: date) -> list[tuple[Org, Counts]]:
    """Counts per prefecture (市州, 贵安新区) of the complaint's region, in code order."""
    grouped = _grouped(qs, as_of, Substr("region__path", 1, PREFECTURE_PATH_LEN))
    orgs = {o.path: o for o in Org.objects.filter(path__in=list(grouped))}
    return sorted(
        ((orgs[path], c) for path, c in grouped.items() if path in orgs),
        key=lambda pair: pair[0].code,
    )


def by_pollution_type(qs: QuerySet[Complaint], as_of: date) -> list[tuple[PollutionType, Counts]]:
    """Counts per pollution type. A complaint of two types counts under both, so these do
    not add up to the total (publications say so)."""
    grouped = _grouped(qs, as_of, F("pollution_types"))
    types = list(PollutionType.objects.all())
    return [(t, grouped.get(t.pk, Counts())) for t in types]


def overdue(qs: QuerySet[Complaint], as_of: date) -> QuerySet[Complaint]:
    """Complaints still open as of `as_of` whose handling deadline had passed by then."""
    deadline_asof = (
        ComplaintStep.objects.filter(
            complaint=OuterRef("pk"), effective_date__lte=as_of, deadline__isnull=False
        )
        .order_by("-effective_date", "-id")
        .values("deadline")[:1]
    )
    return (
        with_state(qs, as_of)
        .annotate(deadline_asof=Subquery(deadline_asof))
        .filter(Q(state_asof__in=OPEN_STATES) & Q(deadline_asof__lt=as_of))
    )


def figures(qs: QuerySet[Complaint], as_of: date) -> dict[str, Any]:
    """All headline figures of `qs` as of `as_of`, as JSON-ready data."""
    c = counts(qs, as_of)
    money = enforcement(qs, as_of)
    return {
        **c.as_dict(),
        "enforcement": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in money.items()},
        "by_verdict": by_verdict(qs, as_of),
        "overdue": overdue(qs, as_of).count(),
    }


def disclosure_figures(inspection_ids: list[int], as_of: date) -> dict[str, Any]:
    """The "complaints" block of the disclosure contract (DESIGN, "Contract for reports")."""
    qs = Complaint.objects.filter(batch__inspection_id__in=inspection_ids)
    data = figures(qs, as_of)
    return {
        "assigned": data["assigned"],
        "closed": data["closed"],
        "closed_stage": data["closed_stage"],
        "in_progress": data["in_progress"],
        "closure_rate": data["closure_rate"],
        "repeats": data["repeats"],
        "enforcement": data["enforcement"],
    }
