"""Crash drill: `rectify import complaints` killed with SIGKILL at random moments.

A complaints workbook in the office layout (bench/gen_complaints.py) is imported into a scratch
database (a SQLite file, or PostgreSQL beside the test database). First one clean import is
timed and its result fingerprinted, and the database put back as it was before. Then, TRIALS
times (seeded), the import is started and killed with SIGKILL after a random delay between 0
and the measured duration, and the database must be exactly as before (every row of every
table) or exactly as after a complete import, never in between (after "after", it is put back).
Each import starts on what the previous kill left; a last import, run to the end on what the
last kill left, must give the clean import's result. Figures are printed.
"""

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.reliability.scratch import RECTIFY, Scratch, _pg_conninfo, scratch_database

ROWS = 10_000
TRIALS = 10
SEED = 20260901
INSPECTION = "central-2025-drill"
ROOT = Path(__file__).resolve().parents[2]

# Columns whose values a second, equal import writes differently: keys drawn from sequences
# (PostgreSQL does not roll sequences back), times, the audit chain's hashes and payloads
# (they carry ids and times), and ciphertexts (a fresh nonce each time).
VOLATILE = {"id", "seq", "hash", "prev_hash", "last_hash", "before", "after", "object_id"}
VOLATILE |= {"object_repr", "request_id", "ciphertext"}


def _volatile(column: str) -> bool:
    return column in VOLATILE or column.endswith(("_id", "_at"))


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(row[0] for row in cursor.fetchall())


def fingerprint(db: Scratch, *, stable: bool) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of its rows (order-free).

    stable=False digests every column (nothing may change); stable=True leaves out the
    volatile columns, to compare an import with another import of the same file.
    """
    if db.vendor == "postgresql":
        conn = psycopg.connect(_pg_conninfo(db.dbname))
    else:
        conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        cursor = conn.cursor()
        out = {}
        for table in _tables(cursor, db.vendor):
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            keep = [i for i, c in enumerate(columns) if not (stable and _volatile(c))]
            rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[table] = (len(rows), digest)
        return out
    finally:
        conn.close()


def generate_workbook(path: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_complaints import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return generate(path, ROWS, seed=SEED)


def import_argv(workbook: Path) -> list[str]:
    return [
        RECTIFY,
        "import",
        "complaints",
        str(workbook),
        "--inspection",
        INSPECTION,
        "--batch",
        "1",
        "--received-on",
        "2025-06-04",
        "--stated-count",
        str(ROWS),
    ]


def run_import(db: Scratch, workbook: Path) -> float:
    began = time.monotonic()
    proc = subprocess.run(
        import_argv(workbook), env=db.env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    return time.monotonic() - began


def kill_import_after(db: Scratch, workbook: Path, delay: float) -> int | None:
    """Start the import, SIGKILL it after `delay` seconds; its exit code if it ended first."""
    proc = subprocess.Popen(
        import_argv(workbook), env=db.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


SETUP = f"""
from rectify.problems.testing import InspectionFactory
InspectionFactory(code="{INSPECTION}", name="中央第三生态环境保护督察组")
"""


def test_a_killed_complaints_import_leaves_all_or_nothing_and_reruns_cleanly(tmp_path, template_db):
    workbook = generate_workbook(tmp_path / "complaints.xlsx")
    with scratch_database(tmp_path, "crash", template_db) as db:
        db.python(SETUP)
        db.save("before")
        before = fingerprint(db, stable=False)

        duration = run_import(db, workbook)
        after = fingerprint(db, stable=True)
        assert after["complaints_complaint"][0] == before["complaints_complaint"][0] + ROWS
        db.restore("before")

        rng = random.Random(SEED)
        outcomes = {"before": 0, "after": 0}
        began = time.monotonic()
        for trial in range(TRIALS):
            # Each import after the first starts on the database the last kill left behind.
            delay = rng.uniform(0, duration)
            kill_import_after(db, workbook, delay)
            if fingerprint(db, stable=False) == before:
                outcomes["before"] += 1
                continue
            state = fingerprint(db, stable=True)
            between = {t: (before.get(t), n) for t, n in state.items() if n != after[t]}
            assert state == after, (
                f"trial {trial}: killed after {delay:.2f} s, the database is neither as before "
                f"nor as after: {between}"
            )
            outcomes["after"] += 1
            if trial < TRIALS - 1:
                db.restore("before")
        # The re-run, on what the last kill left: it succeeds and equals a clean import.
        run_import(db, workbook)
        assert fingerprint(db, stable=True) == after, "the re-run differs from a clean import"
        drill = time.monotonic() - began
    print(
        f"\n{db.vendor}: import of {ROWS} complaints takes {duration:.1f} s; {TRIALS} kills "
        f"(seed {SEED}) left the database as before {outcomes['before']} times and as after "
        f"{outcomes['after']} times, never between; the re-run equalled a clean import "
        f"({drill:.0f} s)"
    )
    assert outcomes["before"] > 0
