"""The floors of the query benchmarks: the biggest part of each aggregate written as ONE
hand-written SQL statement, run through the bare driver (sqlite3 / psycopg, no Django).

Both statements compute, as of a date D (day number `day`):
  problem status counts  every problem on the ledger at D (start_day <= day) gets the status
        of problems.asof's rules, first match wins (signed_off, completed, overdue,
        not_started, ongoing on schedule/behind, past deadline, behind/ahead/on schedule
        against the piecewise-linear plan through the milestones), but each per-problem
        value (latest completion event, deadline after extensions, latest progress percent
        and day, previous and next milestone) is computed ONCE in a MATERIALIZED CTE
        (SQLite ≥ 3.35, PostgreSQL ≥ 12; without it PostgreSQL inlines the CTEs into the
        join with orgs and re-evaluates the subqueries, ten times slower);
  complaint closure counts  every complaint whose batch was received by D gets the to_state
        of its latest ComplaintStep dated by D ('received' when none), counted by state.
DISCLOSURE_SQL restricts both to one inspection (:insp) and counts problems by status;
DASHBOARD_SQL takes every problem and complaint (the national office sees everything) and
counts problems by (prefecture path, status) as the dashboard's map does.
What the floors leave out, and the measured code computes besides: for the disclosure the
category / aspect / deadline-year breakdowns, 基本完成, follow-up inspections, complaint
repeats, enforcement sums, verdicts and overdue complaints, and the oversight blocks; for the
dashboard the categories, the warning colours and list, complaint breakdowns by pollution
type and prefecture, and the burn-up (one aggregate per month end).

SQL is written with :name parameters (sqlite3's style); `run()` turns them into %(name)s
for psycopg. Dates are ISO strings for SQLite and date objects for PostgreSQL.
"""

import re
import time
from datetime import date

ASOF_CTES = """
p AS MATERIALIZED (
  SELECT pr.id, pr.region_id, pr.deadline_kind = 'ongoing' AS ongoing,
    (SELECT e.kind FROM problems_statusevent e WHERE e.problem_id = pr.id AND e.day <= :day
       AND e.kind IN ('accepted', 'signed_off', 'reopened')
       ORDER BY e.day DESC, e.id DESC LIMIT 1) AS completion,
    COALESCE((SELECT e.new_deadline_day FROM problems_statusevent e
       WHERE e.problem_id = pr.id AND e.day <= :day AND e.kind = 'deadline_changed'
       ORDER BY e.day DESC, e.id DESC LIMIT 1), pr.original_deadline_day) AS deadline,
    (SELECT e.percent FROM problems_statusevent e WHERE e.problem_id = pr.id AND e.day <= :day
       AND e.kind = 'progress' ORDER BY e.day DESC, e.id DESC LIMIT 1) AS pct,
    (SELECT e.day FROM problems_statusevent e WHERE e.problem_id = pr.id AND e.day <= :day
       AND e.kind = 'progress' ORDER BY e.day DESC, e.id DESC LIMIT 1) AS pday,
    COALESCE((SELECT m.day FROM problems_milestone m WHERE m.problem_id = pr.id
       AND m.day <= :day ORDER BY m.day DESC LIMIT 1), pr.start_day) AS prev_day,
    COALESCE((SELECT m.percent FROM problems_milestone m WHERE m.problem_id = pr.id
       AND m.day <= :day ORDER BY m.day DESC LIMIT 1), 0) AS prev_pct
  FROM problems_problem pr
  WHERE pr.start_day <= :day {problem_filter}
),
q AS MATERIALIZED (
  SELECT p.*,
    COALESCE((SELECT m.day FROM problems_milestone m WHERE m.problem_id = p.id
       AND m.day > :day AND m.day < p.deadline ORDER BY m.day LIMIT 1), p.deadline) AS next_day,
    COALESCE((SELECT m.percent FROM problems_milestone m WHERE m.problem_id = p.id
       AND m.day > :day AND m.day < p.deadline ORDER BY m.day LIMIT 1), 100) AS next_pct
  FROM p
),
s AS MATERIALIZED (
  SELECT q.region_id, CASE
    WHEN completion = 'signed_off' THEN 'signed_off'
    WHEN completion = 'accepted' THEN 'completed'
    WHEN NOT ongoing AND deadline < :day THEN 'overdue'
    WHEN pct IS NULL THEN 'not_started'
    WHEN ongoing AND pday >= :recent THEN 'on_schedule'
    WHEN ongoing THEN 'behind_schedule'
    WHEN deadline <= :day AND pct < 100 THEN 'behind_schedule'
    WHEN deadline <= :day THEN 'on_schedule'
    WHEN pct * (next_day - prev_day)
         < prev_pct * (next_day - prev_day) + (next_pct - prev_pct) * (:day - prev_day)
      THEN 'behind_schedule'
    WHEN pct * (next_day - prev_day)
         >= prev_pct * (next_day - prev_day) + (next_pct - prev_pct) * (:day - prev_day)
            + 10 * (next_day - prev_day)
      THEN 'ahead_of_schedule'
    ELSE 'on_schedule' END AS status
  FROM q
)"""

COMPLAINT_STATES = """
SELECT COALESCE((SELECT cs.to_state FROM complaints_complaintstep cs
         WHERE cs.complaint_id = c.id AND cs.effective_date <= :d
         ORDER BY cs.effective_date DESC, cs.id DESC LIMIT 1), 'received') AS state
  FROM complaints_complaint c JOIN complaints_complaintbatch b ON b.id = c.batch_id
 WHERE b.received_on <= :d {complaint_filter}"""

DISCLOSURE_SQL = (
    "WITH"
    + ASOF_CTES.format(problem_filter="AND pr.inspection_id = :insp")
    + """
SELECT 'problem' AS what, status AS k, COUNT(*) AS n FROM s GROUP BY status
UNION ALL
SELECT 'complaint', state, COUNT(*) FROM ("""
    + COMPLAINT_STATES.format(complaint_filter="AND b.inspection_id = :insp")
    + """) cx GROUP BY state"""
)

DASHBOARD_SQL = (
    "WITH"
    + ASOF_CTES.format(problem_filter="")
    + """
SELECT 'problem' AS what, SUBSTR(o.path, 1, 15) || ' ' || s.status AS k, COUNT(*) AS n
  FROM s JOIN orgs_org o ON o.id = s.region_id
 GROUP BY SUBSTR(o.path, 1, 15), s.status
UNION ALL
SELECT 'complaint', state, COUNT(*) FROM ("""
    + COMPLAINT_STATES.format(complaint_filter="")
    + """) cx GROUP BY state"""
)

ONGOING_REPORT_DAYS = 31  # as problems.asof


def params(as_of: date, *, vendor: str, inspection_id: int | None = None) -> dict:
    day = as_of.toordinal()
    out = {
        "day": day,
        "recent": day - ONGOING_REPORT_DAYS,
        "d": as_of.isoformat() if vendor == "sqlite" else as_of,
    }
    if inspection_id is not None:
        out["insp"] = inspection_id
    return out


def for_driver(sql: str, vendor: str) -> str:
    """:name → %(name)s for psycopg; unchanged for sqlite3."""
    if vendor == "sqlite":
        return sql
    return re.sub(r"(?<![:\w]):([a-z_]+)", r"%(\1)s", sql)


def connect(vendor: str, target: str):
    """A bare driver connection: target is the SQLite path or the PostgreSQL URL."""
    if vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(target)
    import psycopg

    return psycopg.connect(target, autocommit=True)


def run(conn, vendor: str, sql: str, args: dict) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(for_driver(sql, vendor), args)
    rows = cur.fetchall()
    cur.close()
    return rows


def timed(conn, vendor: str, sql: str, args: dict, runs: int) -> tuple[list[float], list]:
    """Run the statement `runs` times; (milliseconds of each run, rows of the last)."""
    times, rows = [], []
    for _ in range(runs):
        t = time.perf_counter()
        rows = run(conn, vendor, sql, args)
        times.append((time.perf_counter() - t) * 1000)
    return times, rows


def explain(conn, vendor: str, sql: str, args: dict) -> str:
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    rows = run(conn, vendor, prefix + sql, args)
    if vendor == "sqlite":
        return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def summarise(rows: list[tuple]) -> dict:
    """{"problem": {status: n}, "complaint": {state: n}} (dashboard: statuses summed over
    prefectures)."""
    out: dict[str, dict[str, int]] = {"problem": {}, "complaint": {}}
    for what, key, n in rows:
        key = key.rsplit(" ", 1)[-1]
        out[what][key] = out[what].get(key, 0) + n
    return out
