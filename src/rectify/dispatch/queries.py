"""Read side of the dispatch: periods, who owes what, per-unit figures, scoped reports.

Who owes a report for a period is evaluated, never stored: a problem listed by the
period's end whose as-of status then is neither completed nor signed off (problems.asof)
owes one from its lead unit. Figures are counted in SQL (EXISTS subqueries on the reports,
GROUP BY lead unit): a few queries whatever the size of the ledger.

Scope: problems always come from problems.queries.visible_problems; a report is visible
to whoever sees its problem.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from rectify.accounts.roles import Cap, Role, has_cap
from rectify.core.scoping import scoped
from rectify.dispatch.models import DispatchPeriod, ProgressReport, month_bounds
from rectify.dispatch.permissions import can_view
from rectify.dispatch.states import ReportState
from rectify.orgs.models import Org, OrgKind
from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.queries import PROBLEM_SCOPE_FIELDS, PROBLEM_WRITE_FIELDS, visible_problems
from rectify.problems.states import DONE_STATUSES

REPORT_SCOPE_FIELDS = tuple(f"problem__{f}" for f in PROBLEM_SCOPE_FIELDS)
MAX_ID = 2**63 - 1
PREFECTURE_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA)


# --- periods ---------------------------------------------------------------------------------


def visible_periods(user) -> QuerySet[DispatchPeriod]:
    """Periods are province-wide facts: every role with business data sees them."""
    if not can_view(user):
        return DispatchPeriod.objects.none()
    return DispatchPeriod.objects.select_related("opened_by", "closed_by")


def access_period(user, pk) -> DispatchPeriod:
    try:
        return visible_periods(user).get(pk=min(int(pk), MAX_ID))
    except (DispatchPeriod.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def period_for(as_of: date) -> DispatchPeriod | None:
    """The dispatch period in force on `as_of`: the latest one starting on or before it."""
    return DispatchPeriod.objects.filter(start_date__lte=as_of).order_by("-start_date").first()


def period_start_for(as_of: date) -> date | None:
    """Start of the dispatch period in force on `as_of` (None when none was opened yet).

    For the data-quality check "no progress report in the period" (problems.quality),
    which falls back to the first of the month when this gives None.
    """
    period = period_for(as_of)
    return period.start_date if period is not None else None


def current_period(today: date | None = None) -> DispatchPeriod | None:
    """The period a unit is most likely reporting for: the latest open one already started."""
    today = today or timezone.localdate()
    return (
        DispatchPeriod.objects.filter(closed=False, start_date__lte=today)
        .order_by("-start_date")
        .first()
    )


# --- quarters (a function of months, not a model) ------------------------------------------


def quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = 3 * (quarter - 1) + 1
    return month_bounds(year, first)[0], month_bounds(year, first + 2)[1]


def periods_in_quarter(year: int, quarter: int) -> QuerySet[DispatchPeriod]:
    first = 3 * (quarter - 1) + 1
    return DispatchPeriod.objects.filter(
        year=year, month__gte=first, month__lte=first + 2
    ).order_by("month")


# --- reports ---------------------------------------------------------------------------------


def visible_reports(user) -> QuerySet[ProgressReport]:
    """Reports on problems the user sees."""
    qs = ProgressReport.objects.select_related(
        "problem__inspection",
        "problem__lead_unit",
        "period",
        "unit",
        "author",
        "submitted_by",
        "reviewed_by",
        "event",
    )
    if not can_view(user):
        return qs.none()
    return scoped(qs, user, *REPORT_SCOPE_FIELDS)


def access_report(user, pk) -> ProgressReport:
    """One report if the user sees its problem, else Http404 (missing or not yours)."""
    try:
        return visible_reports(user).get(pk=min(int(pk), MAX_ID))
    except (ProgressReport.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def review_queue(user) -> QuerySet[ProgressReport]:
    """Submitted reports this user may review (the rule of permissions.can_review, in SQL)."""
    qs = (
        visible_reports(user)
        .filter(state=ReportState.SUBMITTED)
        .exclude(author=user)
        .exclude(submitted_by=user)
        .order_by("last_submitted_at", "pk")
    )
    if has_cap(user, Cap.RECORD_EVENTS):
        return qs
    org = getattr(user, "org", None)
    if user.role != Role.REVIEWER or org is None or org.kind not in PREFECTURE_KINDS:
        return qs.none()
    # A unit's prefecture is the one prefecture-level org above it on its path.
    return qs.filter(unit__path__startswith=org.path)


# --- who owes what ---------------------------------------------------------------------------


def owing(period: DispatchPeriod, problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """The problems (of `problems`) that owe a report for the period, with as-of state."""
    return asof.as_of(problems, period.end_date).exclude(asof_status__in=DONE_STATUSES)


def _reports_of(period: DispatchPeriod):
    return ProgressReport.objects.filter(problem=OuterRef("pk"), period=period)


def with_report(qs: QuerySet[Problem], period: DispatchPeriod) -> QuerySet[Problem]:
    """Add report_id, report_state, report_submitted_at (None when not written)."""
    reports = _reports_of(period)
    return qs.annotate(
        report_id=Subquery(reports.values("pk")[:1]),
        report_state=Subquery(reports.values("state")[:1]),
        report_submitted_at=Subquery(reports.values("submitted_at")[:1]),
    )


def writable_problems(user) -> QuerySet[Problem]:
    """Problems the user may report on: visible, and led by the user's org (subtree)."""
    return scoped(visible_problems(user), user, *PROBLEM_WRITE_FIELDS)


def my_reports(user, period: DispatchPeriod) -> QuerySet[Problem]:
    """What the user's unit owes for the period, each with its report (if written)."""
    qs = owing(period, writable_problems(user))
    return with_report(qs, period).order_by("report_submitted_at", "inspection", "sort_key")


@dataclass
class UnitFigures:
    unit: Org
    owed: int = 0
    submitted: int = 0
    late: int = 0
    reviewed: int = 0
    not_submitted: int = 0
    missing: int = 0  # not submitted once the due date has passed

    @property
    def on_time(self) -> int:
        return self.submitted - self.late


@dataclass
class PeriodFigures:
    period: DispatchPeriod
    as_of: date
    units: list[UnitFigures] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(u, name) for u in self.units)

    @property
    def past_due(self) -> bool:
        return self.as_of > self.period.due_date

    @property
    def totals(self) -> dict[str, int]:
        names = ("owed", "submitted", "late", "reviewed", "not_submitted", "missing", "on_time")
        return {n: self.total(n) for n in names}


def period_figures(
    period: DispatchPeriod, problems: QuerySet[Problem], *, today: date | None = None
) -> PeriodFigures:
    """Per lead unit: owed, submitted (late among them), reviewed, not submitted, missing.

    One grouped query over the owing problems plus one for the units' names.
    """
    today = today or timezone.localdate()
    reports = _reports_of(period)
    submitted = reports.filter(submitted_at__isnull=False)
    rows = (
        owing(period, problems)
        .annotate(
            _submitted=Exists(submitted),
            _late=Exists(submitted.filter(submitted_at__gte=period.due_end)),
            _reviewed=Exists(reports.filter(state=ReportState.REVIEWED)),
        )
        .order_by()
        .values("lead_unit")
        .annotate(
            owed=Count("pk"),
            submitted=Count("pk", filter=Q(_submitted=True)),
            late=Count("pk", filter=Q(_late=True)),
            reviewed=Count("pk", filter=Q(_reviewed=True)),
        )
    )
    rows = list(rows)
    orgs = Org.objects.in_bulk([r["lead_unit"] for r in rows])
    past_due = today > period.due_date
    units = []
    for r in rows:
        not_submitted = r["owed"] - r["submitted"]
        units.append(
            UnitFigures(
                unit=orgs[r["lead_unit"]],
                owed=r["owed"],
                submitted=r["submitted"],
                late=r["late"],
                reviewed=r["reviewed"],
                not_submitted=not_submitted,
                missing=not_submitted if past_due else 0,
            )
        )
    units.sort(key=lambda u: (u.unit.path.count("/"), u.unit.sort_order, u.unit.code))
    return PeriodFigures(period=period, as_of=today, units=units)


def owing_rows(
    period: DispatchPeriod, problems: QuerySet[Problem], *, unit: Org | None = None
) -> QuerySet[Problem]:
    """The owing problems with their reports, optionally of one lead unit (drill-down)."""
    qs = owing(period, problems)
    if unit is not None:
        qs = qs.filter(lead_unit=unit)
    return with_report(qs, period).order_by("lead_unit__path", "inspection", "sort_key")
