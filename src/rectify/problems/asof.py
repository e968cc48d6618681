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
import string
from collections import defaultdict
from datetime import date, datetime

from django.db.models import BooleanField, CharField, Count, FloatField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from rectify.problems.models import Problem, day_number
from rectify.problems.states import COMPLETION_KINDS, DeadlineKind, EventKind, Status

AHEAD_MARGIN = 10  # percentage points above plan that count as 超过序时进度
ONGOING_REPORT_DAYS = 31  # a 长期坚持 problem is on schedule while reported this recently


class _Sql:
    """A SQL fragment with its parameters, composed with str.format-like joins."""

    def __init__(self, sql: str, params: list | None = None):
        self.sql, self.params = sql, list(params or [])

    def __add__(self, other: "_Sql") -> "_Sql":
        return _Sql(self.sql + other.sql, self.params + other.params)


def _join(template: str, **parts: "_Sql") -> _Sql:
    """Fill {name} slots of `template` with fragments, keeping their parameters in order."""
    sql, params = [], []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        sql.append(literal)
        if name is not None:
            sql.append(parts[name].sql)
            params.extend(parts[name].params)
    return _Sql("".join(sql), params)


P = "problems_problem"  # the outer table: as_of() always starts from Problem


def _event(column: str, kinds: tuple[str, ...], d: int, known_at: datetime | None) -> _Sql:
    known = " AND e.recorded_at <= %s" if known_at is not None else ""
    marks = ", ".join(["%s"] * len(kinds))
    return _Sql(
        f"(SELECT e.{column} FROM problems_statusevent e WHERE e.problem_id = {P}.id"
        f" AND e.day <= %s{known} AND e.kind IN ({marks}) ORDER BY e.day DESC, e.id DESC"
        " LIMIT 1)",
        [d, *([known_at] if known_at is not None else []), *kinds],
    )


def _parts(d: int, known_at: datetime | None) -> dict[str, _Sql]:
    """The per-problem values every rule is written with (each a correlated subquery)."""
    completion = _event("kind", COMPLETION_KINDS, d, known_at)
    deadline = _join(
        "COALESCE({changed}, " + P + ".original_deadline_day)",
        changed=_event("new_deadline_day", (EventKind.DEADLINE_CHANGED,), d, known_at),
    )

    def milestone(column: str, before: bool) -> _Sql:
        if before:
            return _Sql(
                f"(SELECT m.{column} FROM problems_milestone m WHERE m.problem_id = {P}.id"
                " AND m.day <= %s ORDER BY m.day DESC LIMIT 1)",
                [d],
            )
        return _join(
            f"(SELECT m.{column} FROM problems_milestone m WHERE m.problem_id = {P}.id"
            " AND m.day > {d} AND m.day < {deadline} ORDER BY m.day LIMIT 1)",
            d=_Sql("%s", [d]),
            deadline=deadline,
        )

    prev_day = _join("COALESCE({m}, " + P + ".start_day)", m=milestone("day", True))
    prev_pct = _join("COALESCE({m}, 0)", m=milestone("percent", True))
    next_day = _join("COALESCE({m}, {dl})", m=milestone("day", False), dl=deadline)
    next_pct = _join("COALESCE({m}, 100)", m=milestone("percent", False))
    span = _join("({n} - {p})", n=next_day, p=prev_day)
    return {
        "completion": completion,
        "done": _join("COALESCE({c}, '') IN ('accepted', 'signed_off')", c=completion),
        "percent": _event("percent", (EventKind.PROGRESS,), d, known_at),
        "progress_day": _event("day", (EventKind.PROGRESS,), d, known_at),
        "deadline": deadline,
        "criticised": _join("EXISTS{q}", q=_event("id", (EventKind.CRITICISED,), d, known_at)),
        "basically_done": _join(
            "EXISTS{q}", q=_event("id", (EventKind.BASICALLY_DONE,), d, known_at)
        ),
        "next_pct": next_pct,
        "span": span,
        "plan_scaled": _join(
            "({pp} * {span} + ({np} - {pp2}) * ({d} - {pd}))",
            pp=prev_pct,
            span=span,
            np=next_pct,
            pp2=prev_pct,
            d=_Sql("%s", [d]),
            pd=prev_day,
        ),
        "d": _Sql("%s", [d]),
        "ongoing": _Sql(f"{P}.deadline_kind = %s", [DeadlineKind.ONGOING.value]),
    }


def _status_sql(x: dict[str, _Sql], d: int) -> _Sql:
    return _join(
        "CASE WHEN {c1} = 'signed_off' THEN 'signed_off'"
        " WHEN {c2} = 'accepted' THEN 'completed'"
        " WHEN NOT ({o1}) AND {dl1} < {d1} THEN 'overdue'"
        " WHEN {pc1} IS NULL THEN 'not_started'"
        " WHEN {o2} AND {pday} >= {recent} THEN 'on_schedule'"
        " WHEN {o3} THEN 'behind_schedule'"
        " WHEN {dl2} <= {d2} AND {pc2} < 100 THEN 'behind_schedule'"
        " WHEN {dl3} <= {d3} THEN 'on_schedule'"
        " WHEN {pc3} * {sp1} < {plan1} THEN 'behind_schedule'"
        " WHEN {pc4} * {sp2} >= {plan2} + {margin} * {sp3} THEN 'ahead_of_schedule'"
        " ELSE 'on_schedule' END",
        c1=x["completion"],
        c2=x["completion"],
        o1=x["ongoing"],
        o2=x["ongoing"],
        o3=x["ongoing"],
        dl1=x["deadline"],
        dl2=x["deadline"],
        dl3=x["deadline"],
        d1=x["d"],
        d2=x["d"],
        d3=x["d"],
        pc1=x["percent"],
        pc2=x["percent"],
        pc3=x["percent"],
        pc4=x["percent"],
        pday=x["progress_day"],
        recent=_Sql("%s", [d - ONGOING_REPORT_DAYS]),
        sp1=x["span"],
        sp2=x["span"],
        sp3=x["span"],
        plan1=x["plan_scaled"],
        plan2=x["plan_scaled"],
        margin=_Sql("%s", [AHEAD_MARGIN]),
    )


def listed_by(qs: QuerySet[Problem], as_of: date) -> QuerySet[Problem]:
    """Problems already on the ledger at `as_of` (their plan had started)."""
    return qs.filter(start_day__lte=day_number(as_of))


def annotate_as_of(
    qs: QuerySet[Problem], as_of: date, *, known_at: datetime | None = None
) -> QuerySet[Problem]:
    """Add asof_status, asof_colour, asof_percent, asof_planned, asof_deadline_day, …

    The SQL is composed by hand from small fragments: the ORM's nested Case/Subquery
    expressions inlined every repeated sub-expression and took longer to compile than the
    database took to run the query.
    """
    d = day_number(as_of)
    x = _parts(d, known_at)
    status = _status_sql(x, d)
    colour = _join(
        "CASE WHEN NOT ({o1}) AND NOT ({done1}) AND ({dl1} < {d1} OR {crit}) THEN 'red'"
        " WHEN {status} = 'behind_schedule' THEN 'yellow'"
        " WHEN NOT ({o2}) AND NOT ({done2}) AND {dl2} >= {d2}"
        " AND {dl3} <= {d3} + " + P + ".warning_days THEN 'blue'"
        " ELSE '' END",
        o1=x["ongoing"],
        o2=x["ongoing"],
        done1=x["done"],
        done2=x["done"],
        dl1=x["deadline"],
        dl2=x["deadline"],
        dl3=x["deadline"],
        d1=x["d"],
        d2=x["d"],
        d3=x["d"],
        crit=x["criticised"],
        status=status,
    )
    planned = _join(
        "CASE WHEN {o} THEN NULL WHEN {dl} <= {d} THEN 100.0"
        " WHEN {sp1} <= 0 THEN {np} * 1.0 ELSE {plan} * 1.0 / {sp2} END",
        o=x["ongoing"],
        dl=x["deadline"],
        d=x["d"],
        sp1=x["span"],
        np=x["next_pct"],
        plan=x["plan_scaled"],
        sp2=x["span"],
    )

    def raw(part: _Sql, field):
        return RawSQL(part.sql, part.params, output_field=field)

    return qs.annotate(
        asof_completion=raw(x["completion"], CharField()),
        asof_percent=raw(x["percent"], IntegerField()),
        asof_progress_day=raw(x["progress_day"], IntegerField()),
        asof_deadline_day=raw(x["deadline"], IntegerField()),
        asof_criticised=raw(x["criticised"], BooleanField()),
        asof_basically_done=raw(x["basically_done"], BooleanField()),
        asof_planned=raw(planned, FloatField()),
        asof_status=raw(status, CharField()),
        asof_colour=raw(colour, CharField()),
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
