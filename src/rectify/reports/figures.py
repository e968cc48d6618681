"""Every figure of the report contract (DESIGN.md, "Contract for reports") for an inspection
as of a date — the one module the disclosure, the dashboard, the API and the CLI read.

Each domain computes its own figures in SQL as of the date (problems.asof, complaints.stats,
oversight.stats); this module only assembles them, so that a figure has one definition.
Figures as of D never change when later-dated events are added (tested as a property).
"""

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import F, Value

from rectify.complaints import stats as complaint_stats
from rectify.oversight import stats as oversight_stats
from rectify.problems import asof, versioned
from rectify.problems.models import Aspect, Category, Inspection, Problem
from rectify.problems.states import ON_SCHEDULE_STATUSES, Status

# The groupings problem_figures reads, all from one statement (asof.grouped_counts).
PROBLEM_GROUPINGS = {
    "status": ("status",),
    "category": ("category_id",),
    "aspect": ("aspect_id",),
    "deadline": ("deadline",),
    "basically_done": ("basically_done", "status"),
}
_DONE = (Status.COMPLETED, Status.SIGNED_OFF)


def problem_figures(qs, as_of: date) -> dict[str, Any]:
    """The "problems" block for the problems in `qs` (one inspection's, usually)."""
    return problem_figures_with(qs, as_of, {})[0]


def problem_figures_with(qs, as_of: date, extra: dict[str, tuple[str, ...]]) -> tuple[dict, dict]:
    """The "problems" block and the rows of `extra` groupings (asof.grouped_counts), from
    the same single statement."""
    rows = asof.grouped_counts(qs, as_of, {**PROBLEM_GROUPINGS, **extra})
    return _block(rows), {name: rows[name] for name in extra}


def _block(rows: dict[str, list[tuple]]) -> dict[str, Any]:
    """The "problems" block from the rows of PROBLEM_GROUPINGS."""
    counts = dict.fromkeys(Status.values, 0)
    for status, n in rows["status"]:
        counts[status] = n
    years: Counter[str] = Counter()
    for day, n in rows["deadline"]:
        years[str(date.fromordinal(day).year) if day else "长期坚持"] += n
    basically_done = sum(
        n for flag, status, n in rows["basically_done"] if flag and status not in _DONE
    )
    categories, aspects = _names(
        [k for k, _n in rows["category"] if k is not None],
        [k for k, _n in rows["aspect"] if k is not None],
    )
    return {
        "total": sum(counts.values()),
        "completed": counts[Status.COMPLETED] + counts[Status.SIGNED_OFF],
        "signed_off": counts[Status.SIGNED_OFF],
        "on_schedule": sum(counts[s] for s in ON_SCHEDULE_STATUSES),
        "ahead_of_schedule": counts[Status.AHEAD_OF_SCHEDULE],
        "behind_schedule": counts[Status.BEHIND_SCHEDULE],
        "not_started": counts[Status.NOT_STARTED],
        "overdue": counts[Status.OVERDUE],
        "basically_done": basically_done,
        "by_category": _named(rows["category"], categories),
        "by_aspect": _named(rows["aspect"], aspects),
        "by_deadline_year": dict(sorted(years.items())),
    }


def _names(category_ids: list[int], aspect_ids: list[int]) -> tuple[list, list]:
    """[(id, name)] of the categories and of the aspects, each in display order: one query."""
    categories = Category.objects.filter(pk__in=category_ids).order_by()
    aspects = Aspect.objects.filter(pk__in=aspect_ids).order_by()
    rows = list(
        categories.annotate(t=Value(0), o1=F("sort_order"), o2=F("name"))
        .values_list("t", "pk", "name", "o1", "o2")
        .union(
            aspects.annotate(t=Value(1), o1=F("number"), o2=F("name")).values_list(
                "t", "pk", "name", "o1", "o2"
            ),
            all=True,
        )
        .order_by("t", "o1", "o2")
    )
    return [(r[1], r[2]) for r in rows if r[0] == 0], [(r[1], r[2]) for r in rows if r[0] == 1]


def _named(rows, names: list[tuple[int, str]]) -> dict[str | None, int]:
    """{name: n} from (id, n) rows, in the order of `names` (no id: None, last)."""
    counts = dict(rows)
    out: dict[str | None, int] = {}
    for pk, name in names:
        # Two aspects of different inspections may share a name: one key, summed.
        out[name] = out.get(name, 0) + counts[pk]
    if None in counts:
        out[None] = counts[None]
    return out


def followups(inspection: Inspection) -> list[Inspection]:
    """The inspection's follow-up inspections (e.g. the province's own look-back), in order."""
    return list(Inspection.objects.filter(parent=inspection).order_by("feedback_date", "code"))


def disclosure_figures(inspection: Inspection, as_of: date) -> dict[str, Any]:
    """The disclosure's figures as JSON-ready data, keys as in the report contract."""
    return versioned.cached(
        ("disclosure", inspection.pk, as_of), lambda: _disclosure_figures(inspection, as_of)
    )


def _disclosure_figures(inspection: Inspection, as_of: date) -> dict[str, Any]:
    children = followups(inspection)
    # One statement for the inspection's block and its follow-ups' totals: every grouping
    # is also by inspection.
    ids = [inspection.pk, *(c.pk for c in children)]
    groupings = {name: ("inspection_id", *cols) for name, cols in PROBLEM_GROUPINGS.items()}
    rows = asof.grouped_counts(Problem.objects.filter(inspection_id__in=ids), as_of, groupings)

    def of(pk: int) -> dict[str, list[tuple]]:
        return {name: [r[1:] for r in found if r[0] == pk] for name, found in rows.items()}

    follow = []
    for child in children:
        counts = dict(of(child.pk)["status"])
        follow.append(
            {
                "inspection": child.code,
                "name": child.name,
                "total": sum(counts.values()),
                "completed": sum(counts.get(s, 0) for s in _DONE),
            }
        )
    oversight = oversight_stats.disclosure_figures(inspection, as_of)
    return {
        "inspection": inspection.code,
        "as_of": as_of.isoformat(),
        "problems": _block(of(inspection.pk)),
        "complaints": complaint_stats.disclosure_figures([inspection.pk], as_of),
        "followup": follow,
        "accountability": oversight["accountability"],
        "supervision": oversight["supervision"],
        "meetings": oversight["meetings"],
        "meetings_by_kind": oversight["meetings_by_kind"],
        "battle_teams": oversight["battle_teams"],
        "responsibility_letters": oversight["responsibility_letters"],
    }
