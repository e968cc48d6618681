"""The whole test suite: lint, migrations check, pytest on SQLite, then on PostgreSQL.

PostgreSQL is used when RECTIFY_TEST_PG (a URL) is set or 127.0.0.1:5432 answers; with
RECTIFY_REQUIRE_PG=1 (CI) an unreachable PostgreSQL fails the run instead of skipping it.
Extra arguments go to pytest.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def run(argv: list[str], **env: str) -> int:
    print("+", " ".join(argv), flush=True)
    return subprocess.call(argv, cwd=ROOT, env={**os.environ, **env})


def pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)


def main() -> int:
    extra = sys.argv[1:]
    if run([str(BIN / "ruff"), "check", "."]) or run([str(BIN / "ruff"), "format", "--check", "."]):
        return 1
    with tempfile.TemporaryDirectory() as var:
        if run(
            [str(BIN / "rectify"), "makemigrations", "--check", "--dry-run"], RECTIFY_VAR_DIR=var
        ):
            print("Model changes without a migration: run `rectify makemigrations`.")
            return 1

    pytest = [str(BIN / "pytest"), *extra]
    status = run(pytest, DATABASE_URL="")
    if status not in (0,):
        return status

    url = os.environ.get("RECTIFY_TEST_PG", DEFAULT_PG)
    reason = pg_reachable(url)
    if reason is not None:
        if os.environ.get("RECTIFY_REQUIRE_PG") == "1":
            print(f"PostgreSQL required (RECTIFY_REQUIRE_PG=1) but unreachable at {url}: {reason}")
            return 1
        print(f"PostgreSQL not reachable at {url} ({reason}); PostgreSQL half skipped.")
        return 0
    # Browser journeys exercise the UI, not the database; they run once, on SQLite.
    return run([*pytest, "-m", "not browser"], DATABASE_URL=url)


if __name__ == "__main__":
    sys.exit(main())
