"""Separate Rectify instances for deployment tests: scratch databases, subprocesses, servers.

pytest's own test database lives inside a transaction that other processes cannot see, so
these tests give each instance its own scratch database (PostgreSQL, on the server the suite
runs on, dropped afterwards) or its own var dir (SQLite) and drive it through `rectify`
subprocesses and real gunicorn servers (`rectify serve`).
"""

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RECTIFY = str(Path(sys.executable).parent / "rectify")
PII_KEY = base64.b64encode(b"k" * 32).decode()
# Variables of the calling environment that would point an instance elsewhere.
INHERITED_OUT = (
    "DATABASE_URL",
    "RECTIFY_VAR_DIR",
    "RECTIFY_SQLITE_PATH",
    "RECTIFY_REPLICA_URLS",
    "RECTIFY_S3_BUCKET",
    "RECTIFY_PII_KEY_FILE",
    "DJANGO_SETTINGS_MODULE",
)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _server_params() -> dict:
    s = connection.settings_dict
    return {
        "host": s.get("HOST") or "127.0.0.1",
        "port": str(s.get("PORT") or 5432),
        "user": s.get("USER") or "postgres",
        "password": s.get("PASSWORD") or "",
    }


def pg_url(dbname: str) -> str:
    p = _server_params()
    auth = p["user"] + (f":{p['password']}" if p["password"] else "")
    return f"postgres://{auth}@{p['host']}:{p['port']}/{dbname}"


def _admin() -> psycopg.Connection:
    p = _server_params()
    return psycopg.connect(
        host=p["host"],
        port=p["port"],
        user=p["user"],
        password=p["password"] or None,
        dbname="postgres",
        autocommit=True,
    )


def scratch_name(suffix: str) -> str:
    """A database name beside pytest's test database (unique per suite run's database)."""
    return f"{connection.settings_dict['NAME']}_{suffix}"[:63]


def drop_database(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(suffix: str, *, template: str | None = None) -> Iterator[str]:
    """Create an empty PostgreSQL database (or a copy of `template`); drop it afterwards."""
    name = scratch_name(suffix)
    drop_database(name)
    with _admin() as admin:
        clause = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield name
    finally:
        drop_database(name)


def instance_env(var_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of one Rectify instance: its var dir and its database."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env.update(
        RECTIFY_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        RECTIFY_PII_KEY=PII_KEY,
        RECTIFY_SECRET_KEY="deploy-tests-" + "s" * 50,
        RECTIFY_REQUIRE_2FA="0",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def rectify(env: dict[str, str], *args: str, check: bool = True, timeout: float = 600):
    """Run `rectify ARGS` in the instance; the CompletedProcess (text)."""
    done = subprocess.run(
        [RECTIFY, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"rectify {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done


def run_python(env: dict[str, str], code: str, timeout: float = 600) -> str:
    """Run Python code with Django set up in the instance; its stdout."""
    return rectify(env, "shell", "--no-startup", "--no-imports", "-c", code, timeout=timeout).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`rectify serve` (gunicorn) on a free loopback port; its base URL while it runs."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [RECTIFY, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc, log)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            req = urllib.request.Request(f"{base}/health/", headers={"Accept": "application/json"})
            with urllib.request.urlopen(req, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server not healthy after {timeout}s:\n{log.read_text()[-3000:]}")
