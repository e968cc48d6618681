"""Scratch databases and `rectify` child processes for the reliability drills.

The drills need other processes (a gunicorn server, an import to kill) to see the data, so
they cannot use pytest's test database, which lives inside one uncommitted transaction.
They run on the engine of the half of `make test` they are in (`connection.vendor`): a
SQLite file in a temporary directory, or a PostgreSQL database created beside the test
database (named after it) and dropped afterwards.
"""

import base64
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection

BIN = Path(sys.executable).parent
RECTIFY = str(BIN / "rectify")


def _pg_conninfo(dbname: str) -> str:
    s = connection.settings_dict
    parts = {
        "host": s.get("HOST") or "127.0.0.1",
        "port": str(s.get("PORT") or 5432),
        "user": s.get("USER") or "postgres",
        "password": s.get("PASSWORD") or "",
        "dbname": dbname,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _pg_url(dbname: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{s.get('USER') or 'postgres'}{password}@{host}:{port}/{dbname}"


def pg_admin(sql: str) -> None:
    with psycopg.connect(_pg_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(sql)


class Scratch:
    """One scratch database: the environment that points `rectify` at it, and its copies."""

    def __init__(self, tmp: Path, name: str):
        self.tmp = tmp
        self.vendor = connection.vendor
        self.name = name
        self.copies: set[str] = set()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rectify.settings",
            "RECTIFY_VAR_DIR": str(tmp / "var"),
            "RECTIFY_REQUIRE_2FA": "0",
            # Given, not created on first use: gunicorn workers and killed imports would race
            # to write the key files.
            "RECTIFY_SECRET_KEY": secrets.token_urlsafe(50),
            "RECTIFY_PII_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "PYTHONUNBUFFERED": "1",
        }
        if self.vendor == "postgresql":
            self.dbname = f"{connection.settings_dict['NAME']}_{name}"[:63]
            self.env["DATABASE_URL"] = _pg_url(self.dbname)
        else:
            self.path = tmp / f"{name}.sqlite3"
            self.env["DATABASE_URL"] = ""
            self.env["RECTIFY_SQLITE_PATH"] = str(self.path)

    def create(self) -> None:
        if self.vendor == "postgresql":
            self.drop()
            pg_admin(f'CREATE DATABASE "{self.dbname}"')

    def drop(self, *, copies: bool = False) -> None:
        if self.vendor == "postgresql":
            pg_admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            for label in self.copies if copies else ():
                pg_admin(f'DROP DATABASE IF EXISTS "{self._copy_name(label)}" WITH (FORCE)')

    def save(self, label: str) -> None:
        """Keep a copy of the database as it is now (restore(label) brings it back)."""
        self.copies.add(label)
        if self.vendor == "postgresql":
            copy = self._copy_name(label)
            pg_admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            pg_admin(f'CREATE DATABASE "{copy}" TEMPLATE "{self.dbname}"')
        else:
            self._checkpoint()
            (self.tmp / f"{self.name}.{label}").write_bytes(self.path.read_bytes())

    def restore(self, label: str) -> None:
        if self.vendor == "postgresql":
            self.drop()
            pg_admin(f'CREATE DATABASE "{self.dbname}" TEMPLATE "{self._copy_name(label)}"')
        else:
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.path.write_bytes((self.tmp / f"{self.name}.{label}").read_bytes())

    def _copy_name(self, label: str) -> str:
        return f"{self.dbname}_{label}"[:63]

    def _checkpoint(self) -> None:
        import sqlite3

        db = sqlite3.connect(self.path)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()

    def rectify(self, *args: str, timeout: float = 300) -> str:
        """Run `rectify ARGS` against this database; its stdout (fails on a non-zero exit)."""
        proc = subprocess.run(
            [RECTIFY, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert proc.returncode == 0, f"rectify {' '.join(args)}: {proc.stderr[-3000:]}"
        return proc.stdout

    def python(self, code: str, timeout: float = 300) -> str:
        """Run `code` in a Django shell against this database; its stdout."""
        return self.rectify("shell", "--no-imports", "-c", code, timeout=timeout)


def migrated_template(tmp: Path) -> Scratch:
    """A migrated database with the Guizhou org tree, to copy for each drill."""
    db = Scratch(tmp, "template")
    db.create()
    db.rectify("migrate", "--verbosity", "0")
    db.rectify("load-reference")
    if db.vendor != "postgresql":
        db._checkpoint()
    return db


@contextmanager
def scratch_database(tmp: Path, name: str, template: Scratch) -> Iterator[Scratch]:
    """A copy of `template` for one drill; dropped afterwards."""
    db = Scratch(tmp, name)
    if db.vendor == "postgresql":
        db.drop()
        pg_admin(f'CREATE DATABASE "{db.dbname}" TEMPLATE "{template.dbname}"')
    else:
        db.path.write_bytes(template.path.read_bytes())
    try:
        yield db
    finally:
        db.drop(copies=True)
