"""Benchmark: the ledger list API on a generated ledger, against the /api/v1/ping floor.

    .venv/bin/python bench/ledger_api.py [--problems 10000] [--workers 2] [--concurrency 16]
                                         [--seconds 10]

1. A fresh database: var/bench/ledger_api.sqlite3, or, when DATABASE_URL is set, a fresh
   PostgreSQL database `<name>_bench_api` beside the one DATABASE_URL names (that one is
   left alone).
2. Migrations, the reference org tree, `--problems` generated problems with their measures,
   milestones, events and extensions (bench/gen_ledger.py), ANALYZE, and an API token for
   an office user (issued through the accounts action).
3. gunicorn (`.venv/bin/gunicorn rectify.wsgi:application`, `--workers`, gthread worker with
   `--threads` each, so keep-alive works) on a free loopback port, same database via env.
4. The load generator of bench/load.py in other processes (`--client-processes`, threads
   with keep-alive http.client connections, `--concurrency` in all) drives each endpoint
   for `--seconds` after `--warmup` seconds:
     ping         GET /api/v1/ping (no auth, no database): the floor
     me           GET /api/v1/me (token auth only): the cost of authenticating
     list         GET /api/v1/problems?limit=50&as_of=D&category=C (C rotates over the 7)
     list_status  the same with &status=behind_schedule (the count needs every row's state)
5. Prints requests/s, p50 and p99 latency and the ratios to ping; writes
   var/bench/ledger_api.json.

`--reuse` drives the database the previous run generated (no regeneration). Query
parameters of DATABASE_URL are kept (e.g. `?options=-c%20jit%3Doff` to try PostgreSQL
without JIT).

Not a test: nothing asserts beyond a sanity check that the list answers 200 with rows.
Loopback only; the server is stopped at the end (also on errors or Ctrl-C).
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py, the shared load generator

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
CATEGORIES = [
    "思想认识类",
    "城市基础设施类",
    "自然保护地类",
    "“三磷”污染类",
    "环境生态类",
    "畜禽养殖类",
    "其他类",
]


# --- set-up (Django in this process; the server runs in gunicorn) ---------------------------


def _fresh_database(env: dict, *, reuse: bool) -> str:
    """Point `env` at a new, empty database (or, with `reuse`, the last one generated)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path = BENCH_DIR / "ledger_api.sqlite3"
        for suffix in ("", "-wal", "-shm") if not reuse else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["RECTIFY_SQLITE_PATH"] = str(path)
        env.pop("DATABASE_URL", None)
        return f"sqlite:{path}"
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "rectify") + "_bench_api"
    admin = urlunsplit(parts._replace(path="/postgres"))
    if not reuse:
        with psycopg.connect(admin, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return f"postgresql:{name}"


def _load(problems: int, *, reuse: bool) -> dict:
    """Migrate, load orgs, generate the ledger, issue a token; returns set-up facts."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.gen_ledger import generate
    from rectify.accounts import actions as account_actions
    from rectify.accounts.models import User
    from rectify.accounts.roles import Role
    from rectify.orgs.models import Org
    from rectify.orgs.reference import do_load_reference
    from rectify.problems.models import Problem

    if reuse:
        office = User.objects.get(username="bench_office")
        _token, raw = account_actions.do_create_token(actor=office, name="bench")
        facts = {"token": raw, "rows": {"problems": Problem.objects.count()}, "reused": True}
        facts |= {"vendor": connection.vendor, "server_version": _server_version(connection)}
        connections.close_all()
        return facts
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    do_load_reference("520000", actor="bench")
    migrate_s = time.perf_counter() - t
    province = Org.objects.get(code="520000")
    office = User(
        username="bench_office", display_name="基准测试（省督察办）", role=Role.OFFICE, org=province
    )
    office.set_unusable_password()
    office.save()
    unit = User(
        username="bench_unit",
        display_name="基准测试（遵义市）",
        role=Role.UNIT,
        org=Org.objects.get(code="520300"),
    )
    unit.set_unusable_password()
    unit.save()
    t = time.perf_counter()
    counts = generate(problems, requester=unit, decider=office)
    generate_s = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _token, raw = account_actions.do_create_token(actor=office, name="bench")
    vendor, server_version = connection.vendor, _server_version(connection)
    connections.close_all()
    return {
        "token": raw,
        "rows": counts,
        "migrate_and_orgs_s": round(migrate_s, 2),
        "generate_s": round(generate_s, 2),
        "generate_problems_per_s": round(problems / generate_s, 1),
        "vendor": vendor,
        "server_version": server_version,
    }


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version
    return str(connection.pg_version)


def _start_server(env, port, workers, threads, app):
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    argv = [
        str(gunicorn if gunicorn.exists() else "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    log_path = BENCH_DIR / "ledger_api.gunicorn.log"
    try:
        return load.start_server(argv, env=env, cwd=ROOT, port=port, log_path=log_path)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from exc


def _fmt(value, spec):
    return format(value, spec) if value is not None else "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument(
        "--app", default="rectify.wsgi:application", help="WSGI app (to compare a variant)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="skip generation: drive the last generated database"
    )
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    env.setdefault("RECTIFY_VAR_DIR", str(ROOT / "var"))
    env["RECTIFY_LOG_LEVEL"] = "WARNING"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = _fresh_database(env, reuse=args.reuse)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"database {database}: loading {args.problems} problems …", flush=True)
    facts = _load(args.problems, reuse=args.reuse)
    token = facts.pop("token")
    args.problems = facts["rows"]["problems"]
    if not args.reuse:
        print(
            f"  generated {facts['rows']} in {facts['generate_s']} s "
            f"({facts['generate_problems_per_s']} problems/s)",
            flush=True,
        )

    load_at_start = list(os.getloadavg())
    port = load.free_port()
    proc, log = _start_server(env, port, args.workers, args.threads, args.app)
    auth = {"Authorization": f"Bearer {token}"}
    list_paths = [
        f"/api/v1/problems?limit=50&as_of={args.as_of}&category={quote(c)}" for c in CATEGORIES
    ]
    scenarios = [
        ("ping", ["/api/v1/ping"], {}),
        ("me", ["/api/v1/me"], auth),
        ("list", list_paths, auth),
        ("list_status", [p + "&status=behind_schedule" for p in list_paths], auth),
    ]
    results = {}
    try:
        status, body = load.get(port, list_paths[4], auth, timeout=60)
        page = json.loads(body) if status == 200 else {}
        if status != 200 or not page.get("items"):
            raise SystemExit(f"sanity check failed: {status} {body[:300]!r}")
        print(f"  sanity: {list_paths[4]} → count {page['count']}, {len(page['items'])} items")
        for name, paths, headers in scenarios:
            print(f"driving {name} for {args.seconds:g} s …", flush=True)
            results[name] = load.drive(
                port,
                paths,
                headers,
                concurrency=args.concurrency,
                processes=args.client_processes,
                seconds=args.seconds,
                warmup=args.warmup,
            )
    finally:
        load.stop_server(proc, log)

    floor = results["ping"]
    for r in results.values():
        r["rps_vs_ping"] = r["rps"] / floor["rps"] if floor["rps"] else None
        r["p50_vs_ping"] = (
            r["p50_ms"] / floor["p50_ms"] if r["p50_ms"] and floor["p50_ms"] else None
        )
    header = (
        f"{'endpoint':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'req/s ÷ ping':>13} {'p50 × ping':>11}"
    )
    print()
    print(
        f"{facts['vendor']} {facts['server_version']}, {args.problems} problems, "
        f"gunicorn {args.workers}×{args.threads} gthread, {args.concurrency} connections "
        f"from {args.client_processes} processes, {args.seconds:g} s each, "
        f"{os.cpu_count()} CPUs shared by server and client, "
        f"load average {load_at_start[0]:.1f} → {os.getloadavg()[0]:.1f}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<12} {r['rps']:>9.1f} {_fmt(r['p50_ms'], '8.2f')} {_fmt(r['p99_ms'], '8.2f')} "
            f"{r['errors']:>7} {_fmt(r['rps_vs_ping'], '13.3f')} {_fmt(r['p50_vs_ping'], '11.1f')}"
        )
    report = {
        "benchmark": "ledger_api",
        "load_average_at_start": load_at_start,
        "load_average_at_end": list(os.getloadavg()),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": database,
        "config": {
            "problems": args.problems,
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "app": args.app,
            "concurrency": args.concurrency,
            "client_processes": args.client_processes,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "as_of": args.as_of,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "setup": facts,
        "paths": {name: paths[0] for name, paths, _h in scenarios},
        "results": results,
    }
    out = BENCH_DIR / "ledger_api.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
