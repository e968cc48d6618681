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

from django.db import connection
from django.db.models import BooleanField, CharField, FloatField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from rectify.orgs.models import Org
from rectify.problems.models import Aspect, Category, Inspection, Problem, day_number
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


def _event_of(
    column: str, kinds: tuple[str, ...], d: int, known_at: datetime | None, table: str = P
) -> _Sql:
    known = " AND e.recorded_at <= %s" if known_at is not None else ""
    marks = ", ".join(["%s"] * len(kinds))
    return _Sql(
        f"(SELECT e.{column} FROM problems_statusevent e WHERE e.problem_id = {table}.id"
        f" AND e.day <= %s{known} AND e.kind IN ({marks}) ORDER BY e.day DESC, e.id DESC"
        " LIMIT 1)",
        [d, *([known_at] if known_at is not None else []), *kinds],
    )


def _parts(d: int, known_at: datetime | None, table: str = P) -> dict[str, _Sql]:
    """The per-problem values every rule is written with (each a correlated subquery on
    `table`, which has the problem's id and columns)."""
    P = table

    def _event(column: str, kinds: tuple[str, ...], d: int, known_at: datetime | None) -> _Sql:
        return _event_of(column, kinds, d, known_at, table)

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
        "prev_day": prev_day,
        "prev_pct": prev_pct,
        "warning_days": _Sql(f"{P}.warning_days"),
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


def _rules(x: dict[str, _Sql], d: int) -> dict[str, _Sql]:
    """Status, warning colour and planned percent written over the values in `x`.

    `x` holds either correlated subqueries (annotate_as_of) or columns of the evaluated
    set (evaluated_sql): both paths share these templates, so they cannot disagree.
    """
    status = _status_sql(x, d)
    colour = _join(
        "CASE WHEN NOT ({o1}) AND NOT ({done1}) AND ({dl1} < {d1} OR {crit}) THEN 'red'"
        " WHEN {status} = 'behind_schedule' THEN 'yellow'"
        " WHEN NOT ({o2}) AND NOT ({done2}) AND {dl2} >= {d2}"
        " AND {dl3} <= {d3} + {wd} THEN 'blue'"
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
        wd=x["warning_days"],
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
    return {"status": status, "colour": colour, "planned": planned}


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
    rules = _rules(x, d)

    def raw(part: _Sql, field):
        return RawSQL(part.sql, part.params, output_field=field)

    return qs.annotate(
        asof_completion=raw(x["completion"], CharField()),
        asof_percent=raw(x["percent"], IntegerField()),
        asof_progress_day=raw(x["progress_day"], IntegerField()),
        asof_deadline_day=raw(x["deadline"], IntegerField()),
        asof_criticised=raw(x["criticised"], BooleanField()),
        asof_basically_done=raw(x["basically_done"], BooleanField()),
        asof_planned=raw(rules["planned"], FloatField()),
        asof_status=raw(rules["status"], CharField()),
        asof_colour=raw(rules["colour"], CharField()),
    )


# --- the evaluated set: every value computed once per problem ------------------------------
#
# annotate_as_of() inlines each value wherever a rule uses it: right for a page of rows,
# but over a whole ledger the engines re-run the same correlated subquery many times per
# problem (neither shares equal subqueries). evaluated_sql() computes each value once, in
# materialised CTEs (b: the event and milestone values; v: the next milestone, which
# depends on the deadline; s: the rules), and every aggregate reads `s`.

# Problem columns carried into the evaluated set (groupings and orderings use them).
ROW_COLUMNS = (
    "id",
    "inspection_id",
    "category_id",
    "aspect_id",
    "region_id",
    "lead_unit_id",
    "sort_key",
    "number",
    "updated_at",
    "start_day",
    "deadline_kind",
    "warning_days",
)
VALUE_COLUMNS = (
    "completion",
    "deadline",
    "percent",
    "progress_day",
    "criticised",
    "basically_done",
    "status",
    "colour",
)
EVALUATED_COLUMNS = frozenset(ROW_COLUMNS + VALUE_COLUMNS)


def _column_values(d: int) -> dict[str, _Sql]:
    """The rule inputs as columns of the CTE `v` (see evaluated_sql)."""
    return {
        "completion": _Sql("v.completion"),
        "done": _Sql("COALESCE(v.completion, '') IN ('accepted', 'signed_off')"),
        "percent": _Sql("v.percent"),
        "progress_day": _Sql("v.progress_day"),
        "deadline": _Sql("v.deadline"),
        "criticised": _Sql("v.criticised = 1"),
        "basically_done": _Sql("v.basically_done = 1"),
        "next_pct": _Sql("v.next_pct"),
        "span": _Sql("(v.next_day - v.prev_day)"),
        "plan_scaled": _Sql(
            "(v.prev_pct * (v.next_day - v.prev_day)"
            " + (v.next_pct - v.prev_pct) * (%s - v.prev_day))",
            [d],
        ),
        "d": _Sql("%s", [d]),
        "ongoing": _Sql("v.deadline_kind = %s", [DeadlineKind.ONGOING.value]),
        "warning_days": _Sql("v.warning_days"),
    }


def evaluated_sql(
    qs: QuerySet[Problem],
    as_of_date: date,
    *,
    known_at: datetime | None = None,
    full: bool = False,
) -> _Sql:
    """`WITH a AS …, b AS …, v AS …, s AS …`: s has one row per problem of `qs` on the
    ledger at the date, with ROW_COLUMNS and VALUE_COLUMNS; append a SELECT … FROM s.

    A completed or signed-off problem's status and colour follow from its completion
    alone, so its progress, milestone and criticism lookups are skipped (NULL in s; its
    `percent` too unless `full`, which an ordering by percent needs). The rules still see
    every input they read for the other problems.
    """
    d = day_number(as_of_date)
    x = _parts(d, known_at)
    ids = _Sql(*listed_by(qs, as_of_date).order_by().values("pk").query.sql_with_params())
    row = ", ".join(f"{P}.{c} AS {c}" for c in ROW_COLUMNS)
    first = _join(
        "a AS MATERIALIZED (SELECT " + row + ", " + P + ".original_deadline_day,"
        " {completion} AS completion, {deadline} AS deadline,"
        " CASE WHEN {bd} THEN 1 ELSE 0 END AS basically_done"
        " FROM " + P + " WHERE " + P + ".id IN ({ids}))",
        completion=x["completion"],
        deadline=x["deadline"],
        bd=x["basically_done"],
        ids=ids,
    )
    y = _parts(d, known_at, table="a")
    still_open = "COALESCE(a.completion, '') NOT IN ('accepted', 'signed_off')"

    def when_open(part: _Sql) -> _Sql:
        return _Sql(f"CASE WHEN {still_open} THEN ", []) + part + _Sql(" END")

    second = _join(
        "b AS MATERIALIZED (SELECT a.*, {percent} AS percent, {pday} AS progress_day,"
        " CASE WHEN {crit} THEN 1 ELSE 0 END AS criticised,"
        " {prev_day} AS prev_day, {prev_pct} AS prev_pct FROM a)",
        percent=y["percent"] if full else when_open(y["percent"]),
        pday=when_open(y["progress_day"]),
        crit=_Sql(f"{still_open} AND ") + y["criticised"],
        prev_day=when_open(y["prev_day"]),
        prev_pct=when_open(y["prev_pct"]),
    )

    def following(column: str) -> _Sql:
        return _Sql(
            f"(SELECT m.{column} FROM problems_milestone m WHERE m.problem_id = b.id"
            " AND m.day > %s AND m.day < b.deadline ORDER BY m.day LIMIT 1)",
            [d],
        )

    still_open_b = "COALESCE(b.completion, '') NOT IN ('accepted', 'signed_off')"
    nxt = _join(
        "v AS MATERIALIZED (SELECT b.*,"
        f" CASE WHEN {still_open_b} THEN COALESCE({{nd}}, b.deadline) END AS next_day,"
        f" CASE WHEN {still_open_b} THEN COALESCE({{np}}, 100) END AS next_pct FROM b)",
        nd=following("day"),
        np=following("percent"),
    )
    rules = _rules(_column_values(d), d)
    keep = ", ".join(f"v.{c}" for c in ROW_COLUMNS + VALUE_COLUMNS[:6])
    final = _join(
        "s AS MATERIALIZED (SELECT " + keep + ", {status} AS status, {colour} AS colour FROM v)",
        status=rules["status"],
        colour=rules["colour"],
    )
    return _join("WITH {a}, {b}, {v}, {s} ", a=first, b=second, v=nxt, s=final)


def _check_columns(columns) -> None:
    unknown = set(columns) - EVALUATED_COLUMNS
    if unknown:
        raise ValueError(f"not a column of the evaluated set: {sorted(unknown)}")


def grouped_counts(
    qs: QuerySet[Problem],
    as_of_date: date,
    groupings: dict[str, tuple[str, ...]],
    *,
    known_at: datetime | None = None,
) -> dict[str, list[tuple]]:
    """For each named grouping (columns of the evaluated set), its rows (*keys, n): all of
    them from one statement, which evaluates every problem once."""
    for columns in groupings.values():
        _check_columns(columns)
    width = max((len(c) for c in groupings.values()), default=0)
    names = list(groupings)
    if qs.query.is_empty():  # qs.none() compiles to no SQL at all
        return {name: [] for name in names}
    selects = []
    for i, name in enumerate(names):
        columns = groupings[name]
        keys = [f"CAST({c} AS TEXT)" for c in columns] + ["NULL"] * (width - len(columns))
        group = f" GROUP BY {', '.join(columns)}" if columns else ""
        selects.append(f"SELECT {i}, {', '.join([*keys, 'COUNT(*)'])} FROM s{group}")
    full = any("percent" in columns for columns in groupings.values())
    query = evaluated_sql(qs, as_of_date, known_at=known_at, full=full) + _Sql(
        " UNION ALL ".join(selects)
    )
    out: dict[str, list[tuple]] = {name: [] for name in names}
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        for tag, *rest in cursor.fetchall():
            name = names[tag]
            columns = groupings[name]
            keys = [_typed(c, v) for c, v in zip(columns, rest, strict=False)]
            out[name].append((*keys, rest[-1]))
    return out


_TEXT_COLUMNS = frozenset(
    {"number", "updated_at", "deadline_kind", "completion", "status", "colour"}
)


def _typed(column: str, value):
    """Undo the CAST(… AS TEXT) that lets groupings of different types share one UNION."""
    if value is None or column in _TEXT_COLUMNS:
        return value
    if column == "planned":
        return float(value)
    return int(value)


# Orderings of the evaluated set, by the list API's names (NULLS placement as the ORM's).
EVALUATED_ORDERINGS = {
    "number": "inspection_id, sort_key, number, id",
    "-number": "inspection_id DESC, sort_key DESC, number DESC, id DESC",
    "deadline": "deadline ASC NULLS LAST, sort_key, id",
    "-deadline": "deadline DESC NULLS LAST, sort_key, id",
    "percent": "percent ASC NULLS FIRST, sort_key, id",
    "-percent": "percent DESC NULLS LAST, sort_key, id",
    "updated": "updated_at, id",
    "-updated": "updated_at DESC, id DESC",
    # The dashboard's warning list: "red" < "yellow", so the colour itself orders them.
    "warning": "colour, deadline ASC NULLS LAST, sort_key, id",
}


def matching_page(
    qs: QuerySet[Problem],
    as_of_date: date,
    *,
    statuses: tuple[str, ...] = (),
    colours: tuple[str, ...] = (),
    ordering: str = "number",
    offset: int = 0,
    limit: int = 50,
    known_at: datetime | None = None,
) -> tuple[list[int], int]:
    """(ids of one page, total) of the problems of `qs` whose status is one of `statuses`
    and whose colour is one of `colours` (empty: any) as of the date: one statement."""
    conditions, params = [], []
    for column, values in (("status", statuses), ("colour", colours)):
        if values:
            conditions.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = EVALUATED_ORDERINGS[ordering]
    if qs.query.is_empty():
        return [], 0
    full = "percent" in ordering
    query = evaluated_sql(qs, as_of_date, known_at=known_at, full=full) + _Sql(
        f"SELECT id, COUNT(*) OVER () FROM s{where} ORDER BY {order} LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        rows = cursor.fetchall()
        if rows or not offset:
            return [r[0] for r in rows], (rows[0][1] if rows else 0)
        count = evaluated_sql(qs, as_of_date, known_at=known_at) + _Sql(
            f"SELECT COUNT(*) FROM s{where}", params
        )
        cursor.execute(count.sql, count.params)
        return [], cursor.fetchone()[0]


_DONE = (Status.COMPLETED.value, Status.SIGNED_OFF.value)


def as_of(qs: QuerySet[Problem], as_of_date: date, *, known_at: datetime | None = None):
    """The problems on the ledger at `as_of_date`, annotated with their as-of state."""
    return annotate_as_of(listed_by(qs, as_of_date), as_of_date, known_at=known_at)


def status_counts(
    qs: QuerySet[Problem], as_of_date: date, *, known_at: datetime | None = None
) -> dict[str, int]:
    """{status: count} for every status (zeros included), as of the date."""
    counts = dict.fromkeys(Status.values, 0)
    rows = grouped_counts(qs, as_of_date, {"s": ("status",)}, known_at=known_at)["s"]
    for status, n in rows:
        counts[status] = n
    return counts


# breakdown keys: the evaluated set's column and, for a foreign key, the related field shown.
BREAKDOWNS = {
    "category": ("category_id", Category, "name"),
    "aspect": ("aspect_id", Aspect, "name"),
    "region": ("region_id", Org, "code"),
    "lead_unit": ("lead_unit_id", Org, "code"),
    "inspection": ("inspection_id", Inspection, "code"),
    "colour": ("colour", None, None),
}


def breakdown(
    qs: QuerySet[Problem],
    as_of_date: date,
    by: str,
    *,
    known_at: datetime | None = None,
) -> dict[str | None, dict[str, int]]:
    """{key: {status: count}} grouped by category, aspect, region, lead unit, … in SQL."""
    column, model, label = BREAKDOWNS[by]
    rows = grouped_counts(qs, as_of_date, {"g": (column, "status")}, known_at=known_at)["g"]
    names: dict = {}
    if model is not None:
        keys = {key for key, _s, _n in rows if key is not None}
        names = dict(model.objects.filter(pk__in=keys).values_list("pk", label))
    result: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for key, status, n in rows:
        result[names.get(key) if model is not None else key][status] += n
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


def completed_counts(
    qs: QuerySet[Problem], days: list[date], *, known_at: datetime | None = None
) -> list[tuple[int, int]]:
    """(problems on the ledger, problems completed or signed off) at each of `days`.

    The first two status rules only (the latest completion event by D is an acceptance or a
    sign-off), from each completion event's validity interval [day, next one's day): two
    statements for any number of days, instead of one evaluation of every problem per day.
    """
    if not days:
        return []
    if qs.query.is_empty():
        return [(0, 0) for _ in days]
    ids = _Sql(*qs.order_by().values("pk").query.sql_with_params())
    known = _Sql(" AND e.recorded_at <= %s", [known_at]) if known_at is not None else _Sql("")
    stops = _Sql(
        "(VALUES " + ", ".join(["(%s)"] * len(days)) + ") AS t",
        [day_number(x) for x in days],
    )
    kinds = _Sql(", ".join(["%s"] * len(COMPLETION_KINDS)), [k.value for k in COMPLETION_KINDS])
    query = _join(
        "WITH c AS (SELECT e.problem_id, e.day, e.kind, LEAD(e.day) OVER"
        " (PARTITION BY e.problem_id ORDER BY e.day, e.id) AS until"
        " FROM problems_statusevent e WHERE e.kind IN ({kinds}){known}"
        " AND e.problem_id IN ({ids1}))"
        " SELECT t.column1, COUNT(*) FROM {stops}"
        " JOIN c ON c.day <= t.column1 AND (c.until IS NULL OR c.until > t.column1)"
        " JOIN " + P + " ON " + P + ".id = c.problem_id AND " + P + ".start_day <= t.column1"
        " WHERE c.kind IN (%s, %s) GROUP BY t.column1",
        kinds=kinds,
        known=known,
        ids1=ids,
        stops=stops,
    )
    query.params.extend([EventKind.ACCEPTED.value, EventKind.SIGNED_OFF.value])
    starts = _Sql(
        f"SELECT {P}.start_day, COUNT(*) FROM {P} WHERE {P}.id IN ({ids.sql})"
        f" GROUP BY {P}.start_day",
        ids.params,
    )
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        done = dict(cursor.fetchall())
        cursor.execute(starts.sql, starts.params)
        by_start = sorted(cursor.fetchall())
    out = []
    for x in days:
        d = day_number(x)
        listed = sum(n for start, n in by_start if start <= d)
        out.append((listed, done.get(d, 0)))
    return out
