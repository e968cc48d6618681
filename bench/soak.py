"""Soak: N minutes of mixed reads and writes by 50 concurrent clients against gunicorn on
PostgreSQL; zero errors except 409, p95 ≤ 1 s (issue 9, deliverable 9). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rectify \\
        .venv/bin/python bench/soak.py [--minutes 10] [--clients 50] [--think 1.0]
                                       [--ramp 60] [--workers 3] [--threads 6]
                                       [--data demo|gen:SCALE] [--reuse]

1. A scratch PostgreSQL database `<name>_soak` beside the one DATABASE_URL names (that one
   is left alone), migrated and filled by `rectify demo` (or `rectify gen --scale SCALE`);
   `--reuse` drives the one a previous run filled.
2. Soak accounts (office, a 遵义市 unit, a leader) with API tokens issued through the accounts
   actions, and the leader's password for the session-authenticated HTML pages.
3. gunicorn (gthread) on a free loopback port, production-like settings on that database.
4. `--clients` closed-loop clients (threads in `--client-processes` processes, keep-alive
   connections), arriving spread over the first `--ramp` seconds (people do not all sign in
   in the same second: the leader's sign-in hashes an Argon2 password); each waits a random
   think time of 0–2×`--think` s between requests, as people do (`--think 0` saturates the
   server instead). The mix, by weight:
     reads  problems list as of today · one problem · inspection figures · complaints list ·
            complaint figures · dispatch periods · /me · the leader's dashboard and ledger
            pages (session cookie, like a browser)
     writes versioned problem edit (GET the ETag, PATCH with If-Match; a small hot set of
            problems so that concurrent edits conflict: 409 is the right answer) · a unit's
            progress report event
5. Prints a table per operation of the steady state after the ramp (count, errors, 409s,
   p50/p95/p99/max), the whole run's errors and p95 per minute, the workers' memory, checks
   that successful edits = new audit rows and successful reports = new events, and writes
   var/bench/soak.json. Exits 1 on any error other than 409 anywhere in the run, or when the
   steady-state p95 > 1 s.
"""

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SOAK_PASSWORD = "Soak-Leader-Passw0rd-2026"
UNIT_ORG = "520300"

# (operation, weight); writes are about one request in eight.
MIX = [
    ("problems_list", 14),
    ("problem_detail", 14),
    ("inspection_figures", 8),
    ("complaints_list", 8),
    ("complaint_figures", 6),
    ("dispatch_periods", 5),
    ("me", 5),
    ("dashboard_page", 6),
    ("ledger_page", 6),
    ("edit_problem", 10),
    ("report_progress", 4),
]


# --- set-up (Django in this process; the server runs in gunicorn) ---------------------------


def _scratch_database(env: dict, *, reuse: bool) -> str:
    """Point `env` at `<name>_soak` (created afresh unless `reuse`); returns its name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host/db).")
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "rectify") + "_soak"
    if not reuse:
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return name


def _migrate(env: dict) -> None:
    """Bring the schema up to date (also on a reused database), through the CLI."""
    rectify = str(ROOT / ".venv" / "bin" / "rectify")
    subprocess.run([rectify, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)


def _fill(env: dict, data: str) -> float:
    """demo (or gen) through the CLI, as an operator would; returns seconds."""
    rectify = str(ROOT / ".venv" / "bin" / "rectify")
    t = time.perf_counter()
    if data == "demo":
        command = [rectify, "demo"]
    elif data.startswith("gen:"):
        command = [rectify, "gen", "--scale", data.split(":", 1)[1]]
    else:
        raise SystemExit(f"unknown --data {data!r} (demo or gen:SCALE)")
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def _accounts_and_targets() -> dict:
    """Soak accounts and tokens, and the ids the clients use (Django set up here)."""
    import django

    django.setup()
    from django.db import connection, connections

    from rectify.accounts import actions as account_actions
    from rectify.accounts.models import User
    from rectify.accounts.roles import Role
    from rectify.complaints.models import Complaint
    from rectify.orgs.models import Org
    from rectify.problems import asof
    from rectify.problems.models import Inspection, Problem
    from rectify.problems.states import Status

    province, zunyi = Org.objects.get(code="520000"), Org.objects.get(code=UNIT_ORG)
    tokens = {}
    for username, role, org in (
        ("soak_office", Role.OFFICE, province),
        ("soak_unit", Role.UNIT, zunyi),
        ("soak_leader", Role.LEADER, province),
    ):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "org": org, "display_name": f"压测（{username}）"},
        )
        user.set_password(SOAK_PASSWORD)
        user.save()
        _token, raw = account_actions.do_create_token(actor=user, name="soak")
        tokens[role.value] = raw
    problems = list(Problem.objects.order_by("pk").values_list("pk", flat=True))
    # Progress goes only to problems still open today (a completed one answers 422).
    today = date.today()
    unit_problems = [
        p.pk
        for p in Problem.objects.filter(lead_unit__path__startswith=zunyi.path).order_by("pk")
        if (state := asof.state_of(p, today)) is not None
        and state.asof_status not in (Status.COMPLETED, Status.SIGNED_OFF)
    ]
    facts = {
        "tokens": tokens,
        "problems": problems,
        "unit_problems": unit_problems,
        "inspections": list(Inspection.objects.order_by("code").values_list("code", flat=True)),
        "rows": {
            "problems": len(problems),
            "complaints": Complaint.objects.count(),
            "inspections": Inspection.objects.count(),
        },
        "server_version": str(connection.pg_version),
    }
    connections.close_all()
    return facts


def _counts() -> dict:
    """Rows the writes add: audit events of problem edits, and progress events."""
    from django.db import connections

    from rectify.core.models import AuditEvent
    from rectify.problems.models import StatusEvent

    out = {
        "edit_audit_rows": AuditEvent.objects.filter(action="problems.update_problem").count(),
        "progress_events": StatusEvent.objects.filter(kind="progress").count(),
    }
    connections.close_all()
    return out


# --- server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, port: int, workers: int, threads: int):
    argv = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "rectify.wsgi:application",
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
    log = open(BENCH_DIR / "soak.gunicorn.log", "w")  # noqa: SIM115 - closed in _stop_server
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log.name}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/ping")
            if conn.getresponse().status == 200:
                return proc, log
        except OSError:
            time.sleep(0.3)
    _stop_server(proc, log)
    raise SystemExit("gunicorn did not answer /api/v1/ping within 90 s")


def _stop_server(proc, log) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def _worker_rss_mb(master: int) -> list[float]:
    """Current RSS of the gunicorn master's workers, in MB (to see growth over the soak)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) != master:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        except (OSError, ValueError, IndexError):
            continue
    return sorted(sizes)


# --- the clients (threads in client processes) ------------------------------------------------


class Session:
    """One client: a keep-alive connection, its tokens, and a browser-like cookie jar."""

    def __init__(self, spec: dict, rng: random.Random):
        self.spec, self.rng = spec, rng
        self.conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=60)
        self.cookies: dict[str, str] = {}
        self.signed_in = False

    def request(self, method, path, *, token=None, body=None, headers=None, form=None):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if form is not None:
            payload = urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies and not token:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            try:
                self.conn.request(method, path, body=payload, headers=hdrs)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, dict(response.getheaders()), data

    def sign_in(self) -> int:
        """The leader signs in through the login form, as a browser does (CSRF and all)."""
        self.cookies.clear()
        status, _h, _b = self.request("GET", "/accounts/login/")
        status, _headers, _b = self.request(
            "POST",
            "/accounts/login/",
            form={
                "username": "soak_leader",
                "password": SOAK_PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"http://127.0.0.1:{self.spec['port']}/accounts/login/"},
        )
        self.signed_in = status == 302
        return status


def _op(session: Session, name: str) -> list[tuple[str, int, float]]:
    """Run one operation; returns (label, status, seconds) for each request it made."""
    spec, rng = session.spec, session.rng
    tokens, today = spec["tokens"], spec["today"]
    out = []

    def timed(label, method, path, **kw):
        t0 = time.perf_counter()
        status, headers, body = session.request(method, path, **kw)
        out.append((label, status, time.perf_counter() - t0))
        return status, headers, body

    if name == "problems_list":
        code = rng.choice(spec["inspections"])
        timed(
            name,
            "GET",
            f"/api/v1/problems?limit=50&as_of={today}&inspection={quote(code)}",
            token=tokens["office"],
        )
    elif name == "problem_detail":
        pk = rng.choice(spec["unit_problems"] or spec["problems"])
        timed(name, "GET", f"/api/v1/problems/{pk}", token=tokens["unit"])
    elif name == "inspection_figures":
        code = rng.choice(spec["inspections"])
        timed(
            name, "GET", f"/api/v1/inspections/{quote(code)}?as_of={today}", token=tokens["leader"]
        )
    elif name == "complaints_list":
        timed(name, "GET", f"/api/v1/complaints?limit=50&as_of={today}", token=tokens["office"])
    elif name == "complaint_figures":
        timed(name, "GET", f"/api/v1/complaints/stats?as_of={today}", token=tokens["leader"])
    elif name == "dispatch_periods":
        timed(name, "GET", "/api/v1/dispatch/periods", token=tokens["unit"])
    elif name == "me":
        timed(name, "GET", "/api/v1/me", token=tokens["unit"])
    elif name in ("dashboard_page", "ledger_page"):
        if not session.signed_in:
            t0 = time.perf_counter()
            status = session.sign_in()
            out.append(("sign_in", 200 if status == 302 else status, time.perf_counter() - t0))
            if status != 302:
                return out
        path = "/dashboard/" if name == "dashboard_page" else f"/ledger/?as_of={today}"
        status, _h, _b = timed(name, "GET", path)
        if status == 302:  # the session ended (idle or lifetime): sign in again next time
            session.signed_in = False
    elif name == "edit_problem":
        pk = rng.choice(spec["hot_problems"])
        status, headers, _b = timed(
            "edit_read", "GET", f"/api/v1/problems/{pk}", token=tokens["office"]
        )
        if status == 200:
            etag = headers.get("ETag") or headers.get("etag") or ""
            time.sleep(rng.uniform(0, 0.2))  # a person reads before saving
            timed(
                "edit_save",
                "PATCH",
                f"/api/v1/problems/{pk}",
                token=tokens["office"],
                headers={"If-Match": etag},
                body={"responsible_person": f"压测{rng.randrange(10**6)}"},
            )
    elif name == "report_progress":
        pk = rng.choice(spec["unit_problems"] or spec["problems"])
        timed(
            name,
            "POST",
            f"/api/v1/problems/{pk}/events",
            token=tokens["unit"],
            body={
                "kind": "progress",
                "effective_date": today,
                "percent": rng.randrange(5, 96),
                "note": "压测进展",
            },
        )
    return out


def _client_thread(spec, index, out):
    rng = random.Random(index)
    session = Session(spec, rng)
    names, weights = zip(*MIX, strict=True)
    records = []
    # Clients arrive spread over the ramp, as people sign in over a morning, not at once.
    arrive = spec["start_at"] + spec["ramp"] * index / spec["clients"]
    while time.time() < arrive:
        time.sleep(0.01)
    while time.time() < spec["stop_at"]:
        name = rng.choices(names, weights)[0]
        started = time.time()
        try:
            for label, status, seconds in _op(session, name):
                records.append((started - spec["start_at"], label, status, seconds))
        except (OSError, http.client.HTTPException) as exc:
            records.append((started - spec["start_at"], name, f"{type(exc).__name__}", 0.0))
            session.conn.close()
        if spec["think"]:
            time.sleep(rng.uniform(0, 2 * spec["think"]))
    out.extend(records)


def client_main(spec_json: str) -> None:
    spec = json.loads(spec_json)
    out: list = []
    threads = [
        threading.Thread(target=_client_thread, args=(spec, spec["first"] + i, out))
        for i in range(spec["threads"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # To a file, not stdout: thousands of records overflow a pipe the parent does not read
    # until every client is done (the client would block on write, the parent on wait).
    Path(spec["out"]).write_text(json.dumps(out))


# --- the parent: drive, then figures ------------------------------------------------------------


def _drive(spec: dict, clients: int, processes: int, seconds: float, master: int) -> tuple:
    processes = max(1, min(processes, clients))
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    spec = {**spec, "start_at": time.time() + 2, "stop_at": time.time() + 2 + seconds}
    spec["clients"] = clients
    firsts = [sum(shares[:i]) for i in range(len(shares))]
    outs = [BENCH_DIR / f"soak.client{i}.json" for i in range(len(shares))]
    for out in outs:
        out.unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--client",
                json.dumps({**spec, "threads": n, "first": first, "out": str(out)}),
            ]
        )
        for first, n, out in zip(firsts, shares, outs, strict=True)
    ]
    rss = [(0, _worker_rss_mb(master))]
    while any(p.poll() is None for p in procs):
        time.sleep(5)
        elapsed = round(time.time() - spec["start_at"])
        if elapsed >= 60 * len(rss):
            rss.append((elapsed, _worker_rss_mb(master)))
            print(f"  {elapsed:>4} s  workers RSS {rss[-1][1]} MB", flush=True)
    records = []
    for p, out in zip(procs, outs, strict=True):
        if p.wait() != 0:
            raise SystemExit(f"a client process exited with {p.returncode}")
        records.extend(json.loads(out.read_text()))
        out.unlink()
    rss.append((round(time.time() - spec["start_at"]), _worker_rss_mb(master)))
    return records, rss


def _pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _ok(status) -> bool:
    return isinstance(status, int) and (200 <= status < 400)


def _figures(records: list, seconds: float) -> dict:
    by_op: dict[str, list] = {}
    for _t, label, status, secs in records:
        by_op.setdefault(label, []).append((status, secs))
    ops = {}
    for label, rows in sorted(by_op.items()):
        latencies = [s for st, s in rows if isinstance(st, int)]
        statuses: dict[str, int] = {}
        for st, _s in rows:
            statuses[str(st)] = statuses.get(str(st), 0) + 1
        ops[label] = {
            "requests": len(rows),
            "conflicts_409": statuses.get("409", 0),
            "errors": sum(1 for st, _s in rows if not _ok(st) and st != 409),
            "statuses": statuses,
            **{
                k: _ms(_pct(latencies, f))
                for k, f in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99), ("max_ms", 1.0))
            },
        }
    every = [s for _t, _l, st, s in records if isinstance(st, int)]
    minutes: dict[int, list[float]] = {}
    for t, _l, st, s in records:
        if isinstance(st, int):
            minutes.setdefault(int(t // 60), []).append(s)
    total = {
        "requests": len(records),
        "rps": round(len(records) / seconds, 1),
        "conflicts_409": sum(o["conflicts_409"] for o in ops.values()),
        "errors": sum(o["errors"] for o in ops.values()),
        **{
            k: _ms(_pct(every, f))
            for k, f in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99), ("max_ms", 1.0))
        },
    }
    per_minute = [
        {"minute": m + 1, "requests": len(v), "p95_ms": _ms(_pct(v, 0.95))}
        for m, v in sorted(minutes.items())
    ]
    return {"total": total, "operations": ops, "per_minute": per_minute}


def _ms(seconds: float | None) -> float | None:
    return round(seconds * 1000, 1) if seconds is not None else None


def _print_table(figures: dict) -> None:
    header = (
        f"{'operation':<20} {'requests':>8} {'409':>5} {'errors':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    print(header)
    print("-" * len(header))
    rows = [*figures["operations"].items(), ("all", figures["total"])]
    for label, r in rows:
        if label == "all":
            print("-" * len(header))
        print(
            f"{label:<20} {r['requests']:>8} {r['conflicts_409']:>5} {r['errors']:>6} "
            f"{r['p50_ms'] or 0:>8.1f} {r['p95_ms'] or 0:>8.1f} {r['p99_ms'] or 0:>8.1f} "
            f"{r['max_ms'] or 0:>8.1f}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--client-processes", type=int, default=5)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument(
        "--ramp", type=float, default=60.0, help="seconds over which the clients arrive"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=6, help="gthread threads per worker")
    parser.add_argument("--hot", type=int, default=10, help="problems the edits share")
    parser.add_argument("--data", default="demo", help="demo, or gen:SCALE (rectify gen)")
    parser.add_argument("--reuse", action="store_true", help="drive the last filled database")
    parser.add_argument("--p95-limit-ms", type=float, default=1000.0)
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    env.setdefault("RECTIFY_VAR_DIR", str(ROOT / "var"))
    env["RECTIFY_LOG_LEVEL"] = "WARNING"
    env["RECTIFY_REQUIRE_2FA"] = "1"  # tokens and the leader need none; keep it as deployed
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = _scratch_database(env, reuse=args.reuse)
    fill_s = None
    _migrate(env)
    if not args.reuse:
        print(f"database {database}: migrate and {args.data} …", flush=True)
        fill_s = round(_fill(env, args.data), 1)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    facts = _accounts_and_targets()
    if not facts["problems"]:
        raise SystemExit("the database holds no problems")
    before = _counts()
    rng = random.Random(2026)
    spec = {
        "tokens": facts.pop("tokens"),
        "problems": facts["problems"],
        "unit_problems": facts["unit_problems"],
        "hot_problems": rng.sample(facts["problems"], min(args.hot, len(facts["problems"]))),
        "inspections": facts["inspections"],
        "today": date.today().isoformat(),
        "think": args.think,
        "ramp": args.ramp,
    }
    port = _free_port()
    proc, log = _start_server(env, port, args.workers, args.threads)
    spec["port"] = port
    seconds = args.minutes * 60
    load_start = os.getloadavg()
    print(
        f"driving {args.clients} clients for {args.minutes:g} min against gunicorn "
        f"{args.workers}×{args.threads} (PostgreSQL {facts['server_version']}, "
        f"{facts['rows']}) …",
        flush=True,
    )
    try:
        records, rss = _drive(spec, args.clients, args.client_processes, seconds, proc.pid)
    finally:
        _stop_server(proc, log)
    load_end = os.getloadavg()
    after = _counts()
    # The table is the steady state after the ramp; errors and integrity count everything.
    ramp = min(args.ramp, seconds / 2)
    figures = _figures([r for r in records if r[0] >= ramp], seconds - ramp)
    whole = _figures(records, seconds)
    ops = whole["operations"]
    integrity = {
        "edits_saved": ops.get("edit_save", {}).get("statuses", {}).get("200", 0),
        "edit_audit_rows_added": after["edit_audit_rows"] - before["edit_audit_rows"],
        "reports_saved": sum(
            v
            for k, v in ops.get("report_progress", {}).get("statuses", {}).items()
            if k.startswith("2")
        ),
        "progress_events_added": after["progress_events"] - before["progress_events"],
    }
    print()
    print(
        f"PostgreSQL {facts['server_version']}, {facts['rows']}, gunicorn {args.workers}×"
        f"{args.threads} gthread, {args.clients} clients (think 0–{2 * args.think:g} s) from "
        f"{args.client_processes} processes, {args.minutes:g} min, {os.cpu_count()} CPUs "
        f"shared with everything else; load average {load_start[0]:.1f} → {load_end[0]:.1f}"
    )
    print(f"steady state (after the {ramp:g} s ramp-up):")
    _print_table(figures)
    w = whole["total"]
    print(
        f"whole run incl. ramp-up: {w['requests']} requests, {w['errors']} errors, "
        f"{w['conflicts_409']} × 409, p95 {w['p95_ms']} ms"
    )
    print(
        "p95 per minute (ms): "
        + ", ".join(f"{m['minute']}: {m['p95_ms']}" for m in whole["per_minute"])
    )
    print(f"workers RSS MB: start {rss[0][1]} → end {rss[-1][1]}")
    print(
        f"integrity: {integrity['edits_saved']} edits saved = "
        f"{integrity['edit_audit_rows_added']} audit rows; {integrity['reports_saved']} "
        f"reports saved = {integrity['progress_events_added']} events"
    )
    total = figures["total"]
    checks = {
        "zero_errors_except_409": whole["total"]["errors"] == 0,
        "p95_within_limit": total["p95_ms"] is not None and total["p95_ms"] <= args.p95_limit_ms,
        "edits_audited": integrity["edits_saved"] == integrity["edit_audit_rows_added"],
        "reports_recorded": integrity["reports_saved"] == integrity["progress_events_added"],
    }
    report = {
        "benchmark": "soak",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": database,
        "config": {
            **{k: v for k, v in vars(args).items()},
            "mix": dict(MIX),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "setup": {**facts, "fill_s": fill_s, "problems": len(facts["problems"])},
        "load_average": {"start": load_start, "end": load_end},
        "worker_rss_mb": rss,
        "figures": figures,
        "whole_run": whole,
        "integrity": integrity,
        "checks": checks,
    }
    report["setup"].pop("unit_problems", None)
    report["setup"]["problems"] = len(facts["problems"])
    out = BENCH_DIR / "soak.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"checks: {checks}\nwritten {out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(sys.argv[2])
    else:
        sys.exit(main())
