"""The leader dashboard's figures (挂图作战) as of a date, within the caller's scope.

One function, `dashboard_figures`, serves the page (first paint) and the JSON API (every
redraw), so both always show the same numbers. The figures themselves come from the as-of
modules: the problem block is `reports.figures.problem_figures` (the disclosure's own
definition), statuses and warning colours are `problems.asof`'s annotations, complaint
counts are `complaints.stats`. Answers are cached only by data version
(problems.versioned): a figure as of D must follow any event recorded later with an
effective date on or before D, and any committed change advances the version.

Scope: the problems and complaints the user may see (`visible_problems`,
`visible_complaints`), so a unit sees its own subtree's figures and the office or a leader
the province's.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rectify.complaints import stats as complaint_stats
from rectify.complaints.queries import visible_complaints
from rectify.core.scoping import scope_of
from rectify.orgs.models import Org, OrgKind
from rectify.orgs.queries import visible_orgs
from rectify.problems import asof, versioned
from rectify.problems.models import Category, Inspection, Problem
from rectify.problems.queries import visible_inspections, visible_problems
from rectify.problems.states import Colour, Status
from rectify.reports import figures

WARNING_LIST_SIZE = 12
# At most this many burn-up points (two years monthly); a longer span is sampled every
# k-th month end so a redraw stays well under a second on a province's ledger.
BURNUP_POINTS = 24
PREFECTURE_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA)
# The exclusive statuses the breakdown chart shows, most advanced first; they add up to
# the total (ahead of schedule is inside on schedule, as in every report).
BREAKDOWN = (
    (Status.SIGNED_OFF, (Status.SIGNED_OFF,)),
    (Status.COMPLETED, (Status.COMPLETED,)),
    (Status.ON_SCHEDULE, (Status.ON_SCHEDULE, Status.AHEAD_OF_SCHEDULE)),
    (Status.BEHIND_SCHEDULE, (Status.BEHIND_SCHEDULE,)),
    (Status.NOT_STARTED, (Status.NOT_STARTED,)),
    (Status.OVERDUE, (Status.OVERDUE,)),
)
# 贵安新区 has no statutory boundary in the map data; it is drawn as a point at its org
# coordinates, or here when the org has none (the new area's centre, approximately).
GUIAN_FALLBACK_POINT = (106.42, 26.42)


@dataclass(frozen=True)
class Selection:
    """Which inspections the figures cover: one chosen, or all the user can see."""

    chosen: Inspection | None
    inspections: QuerySet[Inspection]

    @property
    def code(self) -> str | None:
        return self.chosen.code if self.chosen else None


def select(user, code: str | None) -> Selection:
    """The selection for an inspection code (None or "" for all); unknown or out of scope
    raises Inspection.DoesNotExist."""
    visible = visible_inspections(user)
    if code:
        chosen = visible.get(code=code)
        return Selection(chosen, visible.filter(pk=chosen.pk))
    return Selection(None, visible)


def month_end(d: date) -> date:
    """The last day of d's month."""
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's month to end's; the last one is `end`."""
    if end < start:
        return []
    days, d = [], month_end(start)
    while d < end:
        days.append(d)
        d = month_end(d + timedelta(days=1))
    days.append(end)
    return days


def timeline(selection: Selection, today: date) -> list[date]:
    """The slider's stops: month ends from the earliest on-site start (complaints arrive
    then) or feedback of the selected inspections to today, which is the last stop."""
    first = selection.inspections.order_by().aggregate(
        onsite=Min("onsite_start"), feedback=Min("feedback_date")
    )
    starts = [d for d in (first["onsite"], first["feedback"]) if d is not None]
    return month_ends(min(starts), today) if starts else [today]


def _ledger_url(**params: Any) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse('problems:list')}?{urlencode(query)}"


def _problems(user, selection: Selection) -> QuerySet[Problem]:
    qs = visible_problems(user).order_by()
    if selection.chosen is not None:
        qs = qs.filter(inspection=selection.chosen)
    return qs


def _complaints(user, selection: Selection):
    qs = visible_complaints(user).order_by()
    if selection.chosen is not None:
        qs = qs.filter(batch__inspection=selection.chosen)
    return qs


def prefectures() -> list[Org]:
    """The prefecture-level orgs (9 市州 and 贵安新区) in code order."""
    return list(Org.objects.filter(kind__in=PREFECTURE_KINDS, is_active=True).order_by("code"))


def _ledger_regions(user) -> set[str]:
    """Codes of the prefectures the ledger list accepts as a region filter for this user
    (the same rule as the ledger's filter form): a map click may only open those."""
    return set(_ledger_regions_qs(user).values_list("code", flat=True))


def _ledger_regions_qs(user) -> QuerySet[Org]:
    qs = Org.objects.filter(kind__in=PREFECTURE_KINDS)
    if not scope_of(user).all:
        qs = qs.filter(
            Q(pk__in=visible_orgs(user).values("pk"))
            | Q(pk__in=visible_problems(user).values("region_id"))
        )
    return qs


# Groupings the dashboard adds to the problem block's statement (figures.problem_figures).
DASHBOARD_GROUPINGS = {
    "region": ("region_id", "status", "colour"),
    "category_status": ("category_id", "status"),
}


def _by_prefecture(rows) -> dict[str, dict[str, int]]:
    """{prefecture path: {total, completed, open, red, yellow, blue}} from (region id,
    status, colour, n) rows; problems of the province itself or of departments fall under
    their own path."""
    paths = dict(
        Org.objects.filter(pk__in={r[0] for r in rows}).values_list(
            "pk", Substr("path", 1, complaint_stats.PREFECTURE_PATH_LEN)
        )
    )
    out: dict[str, dict[str, int]] = {}
    for region_id, status, colour, n in rows:
        bucket = out.setdefault(
            paths[region_id],
            {"total": 0, "completed": 0, "open": 0, "red": 0, "yellow": 0, "blue": 0},
        )
        bucket["total"] += n
        if status in (Status.COMPLETED, Status.SIGNED_OFF):
            bucket["completed"] += n
        else:
            bucket["open"] += n
        if colour:
            bucket[colour] += n
    return out


def _map(user, rows, d: date, selection: Selection) -> dict[str, Any]:
    grouped = _by_prefecture(rows)
    clickable = _ledger_regions(user)
    zero = {"total": 0, "completed": 0, "open": 0, "red": 0, "yellow": 0, "blue": 0}
    regions = []
    for org in prefectures():
        n = grouped.pop(org.path, zero)
        point = None
        if org.kind == OrgKind.NEW_AREA:
            point = (
                [float(org.longitude), float(org.latitude)]
                if org.longitude is not None and org.latitude is not None
                else list(GUIAN_FALLBACK_POINT)
            )
        regions.append(
            {
                "code": org.code,
                "name": org.name,
                "short_name": org.short_name,
                "kind": org.kind,
                "point": point,
                **n,
                "warnings": n["red"] + n["yellow"] + n["blue"],
                "url": (
                    _ledger_url(region=org.code, as_of=d.isoformat(), inspection=selection.code)
                    if org.code in clickable
                    else None
                ),
            }
        )
    # What lies under no prefecture: problems of the province as a whole or of departments.
    rest = dict(zero)
    for n in grouped.values():
        for key in rest:
            rest[key] += n[key]
    rest["warnings"] = rest["red"] + rest["yellow"] + rest["blue"]
    return {"regions": regions, "elsewhere": rest}


def _categories(rows) -> list[dict[str, Any]]:
    """Per category from (category id, status, n) rows, in the categories' order."""
    names = dict(Category.objects.values_list("pk", "name"))
    counts: dict[str | None, dict[str, int]] = {}
    for category_id, status, n in rows:
        name = names.get(category_id) if category_id is not None else None
        by_status = counts.setdefault(name, dict.fromkeys(Status.values, 0))
        by_status[status] += n
    order = {c.name: (c.sort_order, c.name) for c in Category.objects.all()}
    rows = []
    for name in sorted(counts, key=lambda n: order.get(n, (10_000, n or ""))):
        by_status = counts[name]
        total = sum(by_status.values())
        done = by_status[Status.COMPLETED] + by_status[Status.SIGNED_OFF]
        rows.append(
            {
                "name": name or _("Uncategorised"),
                "total": total,
                "completed": done,
                "open": total - done,
            }
        )
    return rows


def _warning_list(qs: QuerySet[Problem], d: date) -> list[dict[str, Any]]:
    """The most urgent warned problems: red before yellow, earliest deadline first."""
    ids, _total = asof.matching_page(
        qs,
        d,
        colours=(Colour.RED.value, Colour.YELLOW.value),
        ordering="warning",
        limit=WARNING_LIST_SIZE,
    )
    rows = asof.as_of(Problem.objects.filter(pk__in=ids), d).select_related(
        "inspection", "region", "lead_unit"
    )
    by_id = {p.pk: p for p in rows}
    warned = [by_id[pk] for pk in ids]
    return [
        {
            "id": p.pk,
            "inspection": p.inspection.code,
            "number": p.number,
            "title": p.title,
            "colour": p.asof_colour,
            "colour_label": str(Colour(p.asof_colour).label),
            "status": p.asof_status,
            "status_label": str(Status(p.asof_status).label),
            "region": p.region.short_name or p.region.name,
            "lead_unit": p.lead_unit.short_name or p.lead_unit.name,
            "deadline": (
                date.fromordinal(p.asof_deadline_day).isoformat() if p.asof_deadline_day else None
            ),
            "url": f"{reverse('problems:detail', args=[p.pk])}?as_of={d.isoformat()}",
        }
        for p in warned
    ]


def burnup_days(start: date | None, d: date) -> list[date]:
    """The burn-up's dates: every month end from `start` to d (d the last), or every k-th
    one counted back from d when there would be more than BURNUP_POINTS."""
    days = month_ends(start, d) if start is not None else []
    if not days:
        return []
    stride = -(-len(days) // BURNUP_POINTS)
    return days[::-1][::stride][::-1]


def burnup(qs: QuerySet[Problem], start: date | None, d: date) -> list[dict[str, Any]]:
    """Total and completed problems at each burn-up date from `start` to d.

    asof.completed_counts answers every date from the completion events' validity
    intervals in two statements; the cap on dates keeps the chart readable.
    """
    days = burnup_days(start, d)
    return [
        {"date": day.isoformat(), "total": total, "completed": completed}
        for day, (total, completed) in zip(days, asof.completed_counts(qs, days), strict=True)
    ]


def _complaint_figures(user, selection: Selection, d: date) -> dict[str, Any]:
    qs = _complaints(user, selection)
    grouped = complaint_stats.grouped_many(qs, d, ["pollution_type", "prefecture"])
    counts = grouped[""]
    return {
        "received": counts.received,
        "closed": counts.closed,
        "closed_stage": counts.closed_stage,
        "in_progress": counts.in_progress,
        "closure_rate": counts.closure_rate,
        "by_pollution_type": [
            {"name": t.name, "received": c.received, "closed": c.closed}
            for t, c in complaint_stats.by_pollution_type(qs, d, grouped=grouped["pollution_type"])
        ],
        "by_prefecture": [
            {
                "code": org.code,
                "name": org.short_name or org.name,
                "received": c.received,
                "closed": c.closed,
                "closure_rate": c.closure_rate,
            }
            for org, c in complaint_stats.by_prefecture(qs, d, grouped=grouped["prefecture"])
        ],
    }


def dashboard_figures(user, d: date, selection: Selection, *, today: date) -> dict[str, Any]:
    """Everything the dashboard shows as of d, JSON-ready (cached by data version: the
    key holds every query the answer depends on, so only callers seeing the same rows,
    in the same language, share it)."""
    key = (
        "dashboard",
        versioned.query_key(_problems(user, selection)),
        versioned.query_key(_complaints(user, selection)),
        versioned.query_key(selection.inspections),
        versioned.query_key(_ledger_regions_qs(user)),
        get_language(),
        d,
        today,
    )
    return versioned.cached(key, lambda: _dashboard_figures(user, d, selection, today=today))


def _dashboard_figures(user, d: date, selection: Selection, *, today: date) -> dict[str, Any]:
    qs = _problems(user, selection)
    block, rows = figures.problem_figures_with(qs, d, DASHBOARD_GROUPINGS)
    by_status = {
        Status.SIGNED_OFF: block["signed_off"],
        Status.COMPLETED: block["completed"] - block["signed_off"],
        Status.ON_SCHEDULE: block["on_schedule"],
        Status.BEHIND_SCHEDULE: block["behind_schedule"],
        Status.NOT_STARTED: block["not_started"],
        Status.OVERDUE: block["overdue"],
    }
    geo = _map(user, rows["region"], d, selection)
    colours = {c: geo["elsewhere"][c] + sum(r[c] for r in geo["regions"]) for c in Colour.values}
    feedback = selection.inspections.order_by().aggregate(first=Min("feedback_date"))["first"]
    as_of = d.isoformat()
    ledger = {
        "all": _ledger_url(as_of=as_of, inspection=selection.code),
        **{
            key: _ledger_url(as_of=as_of, inspection=selection.code, status=key)
            for key in ("completed", "signed_off", "on_schedule", "behind_schedule", "overdue")
        },
        **{c: _ledger_url(as_of=as_of, inspection=selection.code, colour=c) for c in Colour.values},
    }
    return {
        "as_of": as_of,
        "today": today.isoformat(),
        "inspection": selection.code,
        "inspections": [
            {"code": i.code, "name": i.name}
            for i in selection.inspections.order_by("-feedback_date", "code")
        ],
        "timeline": [x.isoformat() for x in timeline(selection, today)],
        "problems": {
            "total": block["total"],
            "completed": block["completed"],
            "signed_off": block["signed_off"],
            "on_schedule": block["on_schedule"],
            "ahead_of_schedule": block["ahead_of_schedule"],
            "behind_schedule": block["behind_schedule"],
            "not_started": block["not_started"],
            "overdue": block["overdue"],
            "open": block["total"] - block["completed"],
        },
        "status": [
            {"key": key.value, "label": str(key.label), "n": n} for key, n in by_status.items()
        ],
        "categories": _categories(rows["category_status"]),
        "warnings": {c: colours[c] for c in Colour.values},
        "warning_list": _warning_list(qs, d),
        "complaints": _complaint_figures(user, selection, d),
        "burnup": burnup(qs, feedback, d),
        "map": geo,
        "ledger": ledger,
    }
