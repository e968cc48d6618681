"""As-of evaluation: each problem's status and warning colour on any date D, in SQL.

Everything is derived from dated events (StatusEvent), milestones and the problem's own
dates, restricted to what had taken effect by D (and, optionally, what had been recorded
by `known_at`, to reproduce what the ledger said at a moment). The UI, the API, the CLI
and the reports all call this module; nothing else decides a status.

Rules (DESIGN.md, "Problem status as of D"), first match wins:
  signed_off   the latest of accepted / signed_off / reopened events is a sign-off;
  completed    … is an acceptance;
  overdue      not completed, deadline (after approved extensions) before D;
  not_started  no progress reported by D;
  ongoing problems (长期坚持): on schedule while a report came in the last 31 days;
  behind       reported percent < planned percent at D;
  ahead        reported ≥ planned + AHEAD_MARGIN points (counted inside on schedule);
  on_schedule  otherwise.
Planned percent is piecewise-linear through (start, 0 %), the milestones and
(deadline, 100 %). Dates are compared as day numbers (date.toordinal()) so that SQLite
and PostgreSQL do identical integer arithmetic; "reported ≥ planned" is evaluated
multiplied out, in integers, so no rounding decides a status.
"""

import itertools
from collections import defaultdict
from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from rectify.problems.models import Milestone, Problem, StatusEvent, day_number
from rectify.problems.states import COMPLETION_KINDS, Colour, DeadlineKind, EventKind, Status

AHEAD_MARGIN = 10  # percentage points above plan that count as 超过序时进度
ONGOING_REPORT_DAYS = 31  # a 长期坚持 problem is on schedule while reported this recently


def _events(as_of_day: int, known_at: datetime | None):
    events = StatusEvent.objects.filter(problem=OuterRef("pk"), day__lte=as_of_day)
    if known_at is not None:
        events = events.filter(recorded_at__lte=known_at)
    return events


def _latest(events, field: str):
    return Subquery(events.order_by("-day", "-id").values(field)[:1])


def listed_by(qs: QuerySet[Problem], as_of: date) -> QuerySet[Problem]:
    """Problems already on the ledger at `as_of` (their plan had started)."""
    return qs.filter(start_day__lte=day_number(as_of))


def annotate_as_of(
    qs: QuerySet[Problem], as_of: date, *, known_at: datetime | None = None
) -> QuerySet[Problem]:
    """Add asof_status, asof_colour, asof_percent, asof_planned, asof_deadline_day, …"""
    d = day_number(as_of)
    events = _events(d, known_at)
    progress = events.filter(kind=EventKind.PROGRESS)
    qs = qs.annotate(
        asof_completion=_latest(events.filter(kind__in=COMPLETION_KINDS), "kind"),
        asof_percent=_latest(progress, "percent"),
        asof_progress_day=_latest(progress, "day"),
        asof_deadline_day=Coalesce(
            _latest(events.filter(kind=EventKind.DEADLINE_CHANGED), "new_deadline_day"),
            F("original_deadline_day"),
        ),
        asof_criticised=Exists(events.filter(kind=EventKind.CRITICISED)),
        asof_basically_done=Exists(events.filter(kind=EventKind.BASICALLY_DONE)),
    )
    previous = Milestone.objects.filter(problem=OuterRef("pk"), day__lte=d).order_by("-day")
    following = Milestone.objects.filter(
        problem=OuterRef("pk"), day__gt=d, day__lt=OuterRef("asof_deadline_day")
    ).order_by("day")
    qs = qs.annotate(
        _prev_day=Coalesce(Subquery(previous.values("day")[:1]), F("start_day")),
        _prev_pct=Coalesce(Subquery(previous.values("percent")[:1]), Value(0)),
        _next_day=Coalesce(Subquery(following.values("day")[:1]), F("asof_deadline_day")),
        _next_pct=Coalesce(Subquery(following.values("percent")[:1]), Value(100)),
    )
    span = ExpressionWrapper(F("_next_day") - F("_prev_day"), output_field=IntegerField())
    # planned × span, in integers; span > 0 whenever start < D < deadline.
    plan_scaled = ExpressionWrapper(
        F("_prev_pct") * span + (F("_next_pct") - F("_prev_pct")) * (Value(d) - F("_prev_day")),
        output_field=IntegerField(),
    )
    reported_scaled = ExpressionWrapper(F("asof_percent") * span, output_field=IntegerField())
    margin_scaled = ExpressionWrapper(Value(AHEAD_MARGIN) * span, output_field=IntegerField())
    ongoing = Q(deadline_kind=DeadlineKind.ONGOING)
    status = Case(
        When(asof_completion=EventKind.SIGNED_OFF, then=Value(Status.SIGNED_OFF.value)),
        When(asof_completion=EventKind.ACCEPTED, then=Value(Status.COMPLETED.value)),
        When(~ongoing & Q(asof_deadline_day__lt=d), then=Value(Status.OVERDUE.value)),
        When(asof_percent__isnull=True, then=Value(Status.NOT_STARTED.value)),
        When(
            ongoing & Q(asof_progress_day__gte=d - ONGOING_REPORT_DAYS),
            then=Value(Status.ON_SCHEDULE.value),
        ),
        When(ongoing, then=Value(Status.BEHIND_SCHEDULE.value)),
        # From the deadline day on (not yet overdue), the plan is 100 %.
        When(
            Q(asof_deadline_day__lte=d) & Q(asof_percent__lt=100),
            then=Value(Status.BEHIND_SCHEDULE.value),
        ),
        When(asof_deadline_day__lte=d, then=Value(Status.ON_SCHEDULE.value)),
        When(LessThan(reported_scaled, plan_scaled), then=Value(Status.BEHIND_SCHEDULE.value)),
        When(
            GreaterThanOrEqual(reported_scaled, plan_scaled + margin_scaled),
            then=Value(Status.AHEAD_OF_SCHEDULE.value),
        ),
        default=Value(Status.ON_SCHEDULE.value),
    )
    qs = qs.annotate(
        asof_status=status,
        asof_planned=Case(
            When(ongoing, then=Value(None, output_field=FloatField())),
            When(asof_deadline_day__lte=d, then=Value(100.0)),
            When(_next_day__lte=F("_prev_day"), then=Cast("_next_pct", FloatField())),
            default=Cast(plan_scaled, FloatField()) / Cast(span, FloatField()),
            output_field=FloatField(),
        ),
    )
    # Written on the (never NULL) status: a NOT IN over a NULL completion would be NULL.
    open_by_date = ~ongoing & ~Q(asof_status__in=_DONE)
    return qs.annotate(
        asof_colour=Case(
            When(asof_status=Status.OVERDUE.value, then=Value(Colour.RED.value)),
            When(
                open_by_date & Q(asof_criticised=True),
                then=Value(Colour.RED.value),
            ),
            When(asof_status=Status.BEHIND_SCHEDULE.value, then=Value(Colour.YELLOW.value)),
            When(
                open_by_date
                & Q(asof_deadline_day__gte=d)
                & Q(asof_deadline_day__lte=Value(d) + F("warning_days")),
                then=Value(Colour.BLUE.value),
            ),
            default=Value(""),
        )
    )


_DONE = (Status.COMPLETED.value, Status.SIGNED_OFF.value)


def as_of(qs: QuerySet[Problem], as_of_date: date, *, known_at: datetime | None = None):
    """The problems on the ledger at `as_of_date`, annotated with their as-of state."""
    return annotate_as_of(listed_by(qs, as_of_date), as_of_date, known_at=known_at)


def status_counts(
    qs: QuerySet[Problem], as_of_date: date, *, known_at: datetime | None = None
) -> dict[str, int]:
    """{status: count} for every status (zeros included), as of the date."""
    counts = dict.fromkeys(Status.values, 0)
    rows = (
        as_of(qs, as_of_date, known_at=known_at)
        .order_by()
        .values("asof_status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["asof_status"]] = row["n"]
    return counts


BREAKDOWNS = {
    "category": "category__name",
    "aspect": "aspect__name",
    "region": "region__code",
    "lead_unit": "lead_unit__code",
    "inspection": "inspection__code",
    "colour": "asof_colour",
}


def breakdown(
    qs: QuerySet[Problem],
    as_of_date: date,
    by: str,
    *,
    known_at: datetime | None = None,
) -> dict[str | None, dict[str, int]]:
    """{key: {status: count}} grouped by category, aspect, region, lead unit, … in SQL."""
    field = BREAKDOWNS[by]
    rows = (
        as_of(qs, as_of_date, known_at=known_at)
        .order_by()
        .values(field, "asof_status")
        .annotate(n=Count("id"))
    )
    result: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for row in rows:
        result[row[field]][row["asof_status"]] += row["n"]
    return dict(result)


def state_of(problem: Problem, as_of_date: date) -> Problem | None:
    """One problem with its as-of annotations (None if not yet on the ledger then)."""
    return as_of(Problem.objects.filter(pk=problem.pk), as_of_date).first()


def plan_points(problem: Problem, deadline: date | None) -> list[tuple[date, int]]:
    """The planned curve as points: (start, 0), milestones before the deadline, (deadline, 100)."""
    points = [(problem.start_date, 0)]
    for m in problem.milestones.all():
        if m.date > problem.start_date and (deadline is None or m.date < deadline):
            points.append((m.date, m.percent))
    if deadline is not None:
        points.append((deadline, 100))
    return points


def days_behind(points: list[tuple[date, int]], reported: int, as_of_date: date) -> int:
    """How many days ago the plan reached the reported percent (0 when not behind)."""
    for (d0, p0), (d1, p1) in itertools.pairwise(points):
        if p0 <= reported <= p1 and p1 > p0:
            reached = d0.toordinal() + (reported - p0) * (d1.toordinal() - d0.toordinal()) / (
                p1 - p0
            )
            return max(0, as_of_date.toordinal() - int(reached))
    return 0
