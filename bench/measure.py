"""The Django side of bench/run, in a process of its own whose environment selects the
database (DATABASE_URL, or RECTIFY_SQLITE_PATH for SQLite).

    python bench/measure.py facts                 what the database holds (JSON on stdout)
    python bench/measure.py token                 an API token for an office user
    python bench/measure.py queries --as-of D [--runs N] [--budget S] [--verbose]
                                                  disclosure and dashboard figures vs floors

`queries` times `reports.figures.disclosure_figures` for the inspection with the most
problems and `reports.dashboard.dashboard_figures` for an office user over everything (the
national dashboard), each after one warm-up call and with the version-keyed cache of
as-of figures (problems.versioned, when present) emptied before every timed call (calls
answered from that cache are reported beside as "cached"), against the floors of
bench/floors.py run through the bare driver on the same database in the same process.
With --verbose it also captures every SQL statement the measured code runs
(connection.execute_wrapper) and returns its plan: EXPLAIN QUERY PLAN on SQLite,
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import floors  # noqa: E402 - bench/floors.py


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    import django

    django.setup()


def _target(connection) -> str:
    """What the bare driver connects to: the SQLite file or the PostgreSQL URL."""
    if connection.vendor == "sqlite":
        return str(connection.settings_dict["NAME"])
    return os.environ["DATABASE_URL"]


def facts() -> dict:
    _setup()
    from django.db import connection
    from django.db.utils import DatabaseError

    from rectify.complaints.models import Complaint, ComplaintBand
    from rectify.orgs.models import Org
    from rectify.problems.models import Inspection, Problem

    try:
        counts = {
            "orgs": Org.objects.count(),
            "inspections": Inspection.objects.count(),
            "problems": Problem.objects.count(),
            "complaints": Complaint.objects.count(),
            "complaint_bands": ComplaintBand.objects.count(),
        }
    except DatabaseError:  # not migrated
        counts = {}
    version = (
        connection.Database.sqlite_version
        if connection.vendor == "sqlite"
        else str(connection.pg_version)
    )
    return {"vendor": connection.vendor, "server_version": version, "rows": counts}


def _office():
    from rectify.accounts.models import User
    from rectify.accounts.roles import Role

    office = User.objects.filter(role=Role.OFFICE, is_active=True).order_by("id").first()
    if office is None:
        raise SystemExit("no active office user in the database (generate data first)")
    return office


def _inspection():
    """The inspection with the most problems (one province's central inspection)."""
    from django.db.models import Count

    from rectify.problems.models import Inspection

    inspection = (
        Inspection.objects.annotate(n=Count("problems"))
        .filter(n__gt=0)
        .order_by("-n", "code")
        .first()
    )
    if inspection is None:
        raise SystemExit("no inspection with problems in the database (generate data first)")
    return inspection


def token() -> dict:
    """Issue a token (through the accounts action) and name what the API benchmark filters."""
    _setup()
    from rectify.accounts import actions
    from rectify.problems.models import Category

    office = _office()
    inspection = _inspection()
    _token, raw = actions.do_create_token(actor=office, name="bench/run")
    categories = list(
        Category.objects.filter(problem__inspection=inspection)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return {
        "token": raw,
        "user": office.username,
        "inspection": inspection.code,
        "categories": categories,
    }


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "runs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
    }


MIN_RUNS = 3  # --min-runs


def _repeat(fn, runs: int, budget: float) -> list[float]:
    """Time `fn` up to `runs` times (at least MIN_RUNS) or until `budget` seconds passed."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs and (len(times) < MIN_RUNS or time.perf_counter() - started < budget):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _capture(fn) -> list[tuple[str, tuple]]:
    """Every statement `fn` runs, with its parameters, in order."""
    from django.db import connection

    seen: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return seen


def _explain_all(statements) -> list[dict]:
    from django.db import connection

    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    out = []
    for sql, params in statements:
        with connection.cursor() as cur:
            cur.execute(prefix + sql, params)
            rows = cur.fetchall()
        if connection.vendor == "sqlite":
            plan = "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
        else:
            plan = "\n".join(r[0] for r in rows)
        out.append({"sql": sql, "params": [str(p) for p in params], "plan": plan})
    return out


def _clear_caches() -> None:
    """Empty the version-keyed cache of as-of figures (problems.versioned) when the code
    has one, so that a timed run computes its figures rather than copying a cached answer."""
    try:
        from rectify.problems import versioned
    except ImportError:
        return
    versioned.clear()


def _figure(name, fn, floor_sql, floor_args, *, conn, vendor, runs, budget, verbose) -> dict:
    fn()  # warm-up: caches, prepared plans, imports
    # The cached answer (nothing changed since the last call), reported beside.
    cached = _stats(_repeat(fn, runs, budget / 4))

    def computed():
        _clear_caches()
        fn()

    measured = _stats(_repeat(computed, runs, budget))
    floors.run(conn, vendor, floor_sql, floor_args)  # warm-up
    floor_times: list[float] = []
    rows: list = []

    def bare():
        nonlocal rows
        rows = floors.run(conn, vendor, floor_sql, floor_args)

    floor_times = _repeat(bare, runs, budget)
    floor = _stats(floor_times)
    out = {
        "name": name,
        **measured,
        "floor": floor,
        "ratio": round(measured["median_ms"] / floor["median_ms"], 2)
        if floor["median_ms"]
        else None,
        "floor_counts": floors.summarise(rows),
        "cached": cached,
    }
    if verbose:
        statements = _capture(computed)
        out["statements"] = len(statements)
        out["explain"] = _explain_all(statements)
        out["floor_explain"] = floors.explain(conn, vendor, floor_sql, floor_args)
    return out


def queries(as_of: date, runs: int, budget: float, verbose: bool) -> dict:
    _setup()
    from django.db import connection

    from rectify.reports import dashboard, figures

    vendor = connection.vendor
    conn = floors.connect(vendor, _target(connection))
    inspection = _inspection()
    office = _office()
    common = {"conn": conn, "vendor": vendor, "runs": runs, "budget": budget, "verbose": verbose}

    last: dict = {}

    def disclosure():
        last["disclosure"] = figures.disclosure_figures(inspection, as_of)

    d_args = floors.params(as_of, vendor=vendor, inspection_id=inspection.pk)
    disc = _figure("disclosure", disclosure, floors.DISCLOSURE_SQL, d_args, **common)
    figs = last["disclosure"]
    disc["inspection"] = inspection.code
    disc["checks"] = {
        "problems_total": [
            figs["problems"]["total"],
            sum(disc["floor_counts"]["problem"].values()),
        ],
        "complaints_assigned": [
            figs["complaints"]["assigned"],
            sum(disc["floor_counts"]["complaint"].values()),
        ],
        "complaints_closed": [
            figs["complaints"]["closed"],
            disc["floor_counts"]["complaint"].get("closed", 0),
        ],
        "problems_completed": [
            figs["problems"]["completed"],
            sum(disc["floor_counts"]["problem"].get(k, 0) for k in ("completed", "signed_off")),
        ],
    }

    selection = dashboard.select(office, None)

    def national():
        last["dashboard"] = dashboard.dashboard_figures(office, as_of, selection, today=as_of)

    n_args = floors.params(as_of, vendor=vendor)
    dash = _figure("dashboard", national, floors.DASHBOARD_SQL, n_args, **common)
    figs = last["dashboard"]
    dash["user"] = office.username
    dash["checks"] = {
        "problems_total": [
            figs["problems"]["total"],
            sum(dash["floor_counts"]["problem"].values()),
        ],
        "complaints_received": [
            figs["complaints"]["received"],
            sum(dash["floor_counts"]["complaint"].values()),
        ],
    }
    for block in (disc, dash):
        block["floor_agrees"] = all(a == b for a, b in block["checks"].values())
    conn.close()
    return {"as_of": as_of.isoformat(), "disclosure": disc, "dashboard": dash}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["facts", "token", "queries"])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per figure at most")
    parser.add_argument("--min-runs", type=int, default=3, help="even past the budget")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    global MIN_RUNS
    MIN_RUNS = max(1, args.min_runs)
    if args.what == "facts":
        result = facts()
    elif args.what == "token":
        result = token()
    else:
        result = queries(args.as_of, args.runs, args.budget, args.verbose)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
