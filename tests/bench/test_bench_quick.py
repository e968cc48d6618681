"""`bench/run --quick` finishes and reports every figure beside a positive floor.

Not a timed test (targets are printed, never asserted: these machines are noisy). It runs
the suite in a subprocess on the engine this test run uses: SQLite in a temporary file, or,
when DATABASE_URL names PostgreSQL, in scratch databases named after a fresh prefix beside
the test database, all dropped afterwards.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {
    "disclosure",
    "dashboard",
    "ledger_api",
    "worker_rss",
    "import",
    "indexing",
    "import_rss",
    "lookup",
}
QUICK_LIMIT_S = 300  # bench/run --quick must stay well inside CI limits (< 3 min aimed)


def _pg_admin(url: str, sql: str, params=()) -> list:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _run_quick(tmp_path: Path, *engine_args: str) -> dict:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RECTIFY_SQLITE_PATH")}
    env["RECTIFY_VAR_DIR"] = str(tmp_path / "var")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run"), "--quick", *engine_args, "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=QUICK_LIMIT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "targets met:" in proc.stdout
    return json.loads(out.read_text())


def _check(report: dict, engine: str) -> None:
    figures = [f for f in report["figures"] if f["engine"] == engine]
    assert {f["figure"] for f in figures} == FIGURES
    for f in figures:
        assert f["value"] > 0, f
        assert f["floor"] > 0, f
        assert f["ratio"] > 0, f
        assert isinstance(f["met"], bool), f
    queries = {f["figure"]: f for f in figures if f["figure"] in ("disclosure", "dashboard")}
    for f in queries.values():
        assert f["floor_agrees"], f["checks"]  # the floor computes the same counts
    api = next(f for f in figures if f["figure"] == "ledger_api")
    assert api["scenarios"]["list"]["errors"] == 0
    assert api["p99_ms"] >= api["p50_ms"] > 0


def test_bench_run_quick(tmp_path):
    if connection.vendor == "sqlite":
        report = _run_quick(tmp_path, "--engines", "sqlite", "--sqlite", str(tmp_path / "b.db"))
        _check(report, "sqlite")
        return
    url = os.environ["DATABASE_URL"]
    prefix = f"{urlsplit(url).path.lstrip('/') or 'test'}_benchrun_{uuid.uuid4().hex[:8]}"
    scratch = urlunsplit(urlsplit(url)._replace(path="/" + prefix))
    try:
        report = _run_quick(tmp_path, "--engines", "pg", "--pg", scratch)
        _check(report, "postgresql")
    finally:
        names = _pg_admin(
            url, "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
        )
        for (name,) in names:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
