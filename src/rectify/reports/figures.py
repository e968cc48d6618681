"""Every figure of the report contract (DESIGN.md, "Contract for reports") for an inspection
as of a date — the one module the disclosure, the dashboard, the API and the CLI read.

Each domain computes its own figures in SQL as of the date (problems.asof, complaints.stats,
oversight.stats); this module only assembles them, so that a figure has one definition.
Figures as of D never change when later-dated events are added (tested as a property).
"""

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count

from rectify.complaints import stats as complaint_stats
from rectify.oversight import stats as oversight_stats
from rectify.problems import asof
from rectify.problems.models import Inspection, Problem
from rectify.problems.states import ON_SCHEDULE_STATUSES, Status


def problem_figures(qs, as_of: date) -> dict[str, Any]:
    """The "problems" block for the problems in `qs` (one inspection's, usually)."""
    counts = asof.status_counts(qs, as_of)
    listed = asof.as_of(qs, as_of).order_by()
    by_category = {
        row["category__name"]: row["n"]
        for row in listed.values("category__name", "category__sort_order")
        .annotate(n=Count("id"))
        .order_by("category__sort_order", "category__name")
    }
    by_aspect = {
        row["aspect__name"]: row["n"]
        for row in listed.values("aspect__name", "aspect__number")
        .annotate(n=Count("id"))
        .order_by("aspect__number")
    }
    years: Counter[str] = Counter()
    for row in listed.values("asof_deadline_day").annotate(n=Count("id")):
        day = row["asof_deadline_day"]
        key = str(date.fromordinal(day).year) if day else "长期坚持"
        years[key] += row["n"]
    basically_done = listed.filter(asof_basically_done=True).exclude(
        asof_status__in=[Status.COMPLETED, Status.SIGNED_OFF]
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
        "basically_done": basically_done.count(),
        "by_category": by_category,
        "by_aspect": by_aspect,
        "by_deadline_year": dict(sorted(years.items())),
    }


def followups(inspection: Inspection) -> list[Inspection]:
    """The inspection's follow-up inspections (e.g. the province's own look-back), in order."""
    return list(Inspection.objects.filter(parent=inspection).order_by("feedback_date", "code"))


def disclosure_figures(inspection: Inspection, as_of: date) -> dict[str, Any]:
    """The disclosure's figures as JSON-ready data, keys as in the report contract."""
    problems = Problem.objects.filter(inspection=inspection)
    follow = []
    for child in followups(inspection):
        block = problem_figures(Problem.objects.filter(inspection=child), as_of)
        follow.append(
            {
                "inspection": child.code,
                "name": child.name,
                "total": block["total"],
                "completed": block["completed"],
            }
        )
    oversight = oversight_stats.disclosure_figures(inspection, as_of)
    return {
        "inspection": inspection.code,
        "as_of": as_of.isoformat(),
        "problems": problem_figures(problems, as_of),
        "complaints": complaint_stats.disclosure_figures([inspection.pk], as_of),
        "followup": follow,
        "accountability": oversight["accountability"],
        "supervision": oversight["supervision"],
        "meetings": oversight["meetings"],
        "meetings_by_kind": oversight["meetings_by_kind"],
        "battle_teams": oversight["battle_teams"],
        "responsibility_letters": oversight["responsibility_letters"],
    }
