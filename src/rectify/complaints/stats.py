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

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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
    return _summary(qs, as_of)["counts"]


def _evaluated_sql(
    qs: QuerySet[Complaint], as_of: date, *, state_only: bool = False
) -> tuple[str, list]:
    """`WITH c AS …`: one row per complaint of `qs` received by `as_of`, with its state,
    its handling result in force and its handling deadline as of then, each computed once
    (the same rules as with_state and overdue, for aggregates over many complaints).
    `state_only`: the state alone (result_id and deadline NULL), for counts by state."""
    ids_sql, ids_params = received_by(qs, as_of).order_by().values("pk").query.sql_with_params()
    latest = "ORDER BY x.effective_date DESC, x.id DESC LIMIT 1"
    state = (
        "COALESCE((SELECT x.to_state FROM complaints_complaintstep x"  # noqa: S608
        f" WHERE x.complaint_id = k.id AND x.effective_date <= %s {latest}), %s) AS state"
    )
    params: list = [as_of, State.RECEIVED.value]
    if state_only:
        rest = "NULL AS result_id, NULL AS deadline"
    else:
        rest = (
            "(SELECT x.id FROM complaints_handlingresult x"  # noqa: S608
            f" WHERE x.complaint_id = k.id AND x.effective_date <= %s {latest}) AS result_id,"
            " (SELECT x.deadline FROM complaints_complaintstep x WHERE x.complaint_id = k.id"
            f" AND x.effective_date <= %s AND x.deadline IS NOT NULL {latest}) AS deadline"
        )
        params += [as_of, as_of]
    # Only fixed SQL and Django's own compiled query are formatted in; values are parameters.
    sql = (
        "WITH c AS MATERIALIZED (SELECT k.id, k.repeat_of_id, k.repeat_linked_on,"  # noqa: S608
        f" {state}, {rest} FROM complaints_complaint k WHERE k.id IN ({ids_sql})) "
    )
    return sql, [*params, *ids_params]


def _summary(qs: QuerySet[Complaint], as_of: date) -> dict[str, Any]:
    """Counts, enforcement totals, verdicts and overdue complaints as of `as_of`, from one
    statement grouped by (state, verdict in force)."""
    if qs.query.is_empty():  # qs.none() compiles to no SQL at all
        return _summary_of([], as_of)
    cte, params = _evaluated_sql(qs, as_of)
    open_marks = ", ".join(["%s"] * len(OPEN_STATES))
    sums = ", ".join(f"SUM(r.{name})" for name in ENFORCEMENT_FIELDS)
    sql = (
        cte + "SELECT c.state, r.verdict, COUNT(*),"  # noqa: S608
        " SUM(CASE WHEN c.repeat_of_id IS NOT NULL AND c.repeat_linked_on <= %s"
        " THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN c.state IN ({open_marks}) AND c.deadline < %s THEN 1 ELSE 0 END),"
        f" {sums} FROM c LEFT JOIN complaints_handlingresult r ON r.id = c.result_id"
        " GROUP BY c.state, r.verdict"
    )
    params += [as_of, *(s.value for s in OPEN_STATES), as_of]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _summary_of(cursor.fetchall(), as_of)


def _summary_of(rows, as_of: date) -> dict[str, Any]:
    by_state: dict[str, int] = {}
    verdicts = {v.value: 0 for v in Verdict}
    totals: dict[str, Any] = dict.fromkeys(ENFORCEMENT_FIELDS, 0)
    repeats = overdue_n = 0
    for state, verdict, n, rep, late, *money in rows:
        by_state[state] = by_state.get(state, 0) + n
        if verdict is not None:
            verdicts[verdict] = verdicts.get(verdict, 0) + n
        repeats += rep or 0
        overdue_n += late or 0
        for name, value in zip(ENFORCEMENT_FIELDS, money, strict=True):
            totals[name] += value or 0
    base = _counts_from({"state_asof": k, "n": v} for k, v in by_state.items())
    money_out: dict[str, Any] = {}
    for name, value in totals.items():
        if name == "fines_yuan":
            money_out[name] = Decimal(str(value)).quantize(Decimal("0.01"))
        else:
            money_out[name] = int(value)
    return {
        "counts": Counts(**{**base.__dict__, "repeats": repeats}),
        "enforcement": money_out,
        "by_verdict": verdicts,
        "overdue": overdue_n,
    }


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


# Grouping keys of _grouped: the SQL expression and the join it needs (fixed SQL only).
_GROUP_KEYS = {
    "batch": ("k.batch_id", ""),
    "prefecture": (
        f"SUBSTR(o.path, 1, {PREFECTURE_PATH_LEN})",
        " JOIN orgs_org o ON o.id = k.region_id",
    ),
    "pollution_type": (
        "t.pollutiontype_id",
        " JOIN complaints_complaint_pollution_types t ON t.complaint_id = k.id",
    ),
}


def _grouped(qs: QuerySet[Complaint], as_of: date, key: str) -> dict[Any, Counts]:
    """Counts as of `as_of` per group (a _GROUP_KEYS name), from one statement."""
    return grouped_many(qs, as_of, [key])[key]


def grouped_many(qs: QuerySet[Complaint], as_of: date, keys: list[str]) -> dict[str, Any]:
    """{key: {group: Counts}} for several _GROUP_KEYS names and, under "", the Counts of
    all of `qs` (without repeats): one statement, each complaint evaluated once."""
    if qs.query.is_empty():  # qs.none() compiles to no SQL at all
        return {"": Counts(), **{key: {} for key in keys}}
    cte, params = _evaluated_sql(qs, as_of, state_only=True)
    selects = ["SELECT 0, NULL, c.state, COUNT(*) FROM c GROUP BY c.state"]
    for i, key in enumerate(keys, start=1):
        expr, join = _GROUP_KEYS[key]
        selects.append(
            f"SELECT {i}, CAST({expr} AS TEXT), c.state, COUNT(*) FROM c"  # noqa: S608
            f" JOIN complaints_complaint k ON k.id = c.id{join} GROUP BY {expr}, c.state"
        )
    with connection.cursor() as cursor:
        cursor.execute(cte + " UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    buckets: dict[int, dict[Any, list[dict]]] = {i: {} for i in range(len(keys) + 1)}
    for tag, group, state, n in rows:
        if group is not None and keys[tag - 1] != "prefecture":
            group = int(group)  # ids came through the shared TEXT column
        buckets[tag].setdefault(group, []).append({"state_asof": state, "n": n})
    out: dict[str, Any] = {"": _counts_from(buckets[0].get(None, []))}
    for i, key in enumerate(keys, start=1):
        out[key] = {group: _counts_from(items) for group, items in buckets[i].items()}
    return out


def by_batch(qs: QuerySet[Complaint], as_of: date) -> list[tuple[ComplaintBatch, Counts]]:
    """Counts per batch, in (inspection, batch number) order."""
    grouped = _grouped(qs, as_of, "batch")
    batches = ComplaintBatch.objects.filter(pk__in=list(grouped)).select_related("inspection")
    return [
        (b, grouped[b.pk]) for b in sorted(batches, key=lambda b: (b.inspection.code, b.number))
    ]


def by_prefecture(
    qs: QuerySet[Complaint], as_of: date, *, grouped: dict | None = None
) -> list[tuple[Org, Counts]]:
    """Counts per prefecture (市州, 贵安新区) of the complaint's region, in code order
    (`grouped`: grouped_many's "prefecture" answer, when already computed)."""
    if grouped is None:
        grouped = _grouped(qs, as_of, "prefecture")
    orgs = {o.path: o for o in Org.objects.filter(path__in=list(grouped))}
    return sorted(
        ((orgs[path], c) for path, c in grouped.items() if path in orgs),
        key=lambda pair: pair[0].code,
    )


def by_pollution_type(
    qs: QuerySet[Complaint], as_of: date, *, grouped: dict | None = None
) -> list[tuple[PollutionType, Counts]]:
    """Counts per pollution type. A complaint of two types counts under both, so these do
    not add up to the total (publications say so)."""
    if grouped is None:
        grouped = _grouped(qs, as_of, "pollution_type")
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
    """All headline figures of `qs` as of `as_of`, as JSON-ready data (one statement)."""
    summary = _summary(qs, as_of)
    money = summary["enforcement"]
    return {
        **summary["counts"].as_dict(),
        "enforcement": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in money.items()},
        "by_verdict": summary["by_verdict"],
        "overdue": summary["overdue"],
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
