"""Benchmark: importing a 100,000-row complaints workbook, against the bare python-calamine parse.

    python bench/complaints_import.py [--rows 100000] [--no-dedupe]

Generates a transfer list in the office layout (bench/gen_complaints.py; var/bench/
complaints_<rows>.xlsx), then for each engine — a fresh SQLite database, and PostgreSQL
when DATABASE_URL is set (in a scratch database created beside it and dropped afterwards)
— runs in child processes:
  parse   the bare python-calamine read of the sheet (the floor; best of 3; own process),
  check   the safety pre-checks (zip directory, streamed XML scan),
  import  the full import action into a new batch (parse, validate, encrypt ~20 %
          complainants, store, audit, and the repeat index of dedupe.py), in a process of
          its own whose peak RSS (resource.getrusage) is reported with its baseline,
  again   re-importing the same file (idempotent: nothing changes).
The time spent on the repeat index during the import (dedupe.index_entries before the
insert, dedupe.insert_bands / write_bands after) is measured by wrapping those functions and
reported, with the import time without it; --no-dedupe also runs the import with the index
replaced by a no-op, so that both figures are measured rather than subtracted.
Prints rows/s and the import/parse ratio; writes var/bench/complaints_import.json.
Not a test: nothing asserts, but a child fails loudly if the import reports errors.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "var" / "bench"
INSPECTION = "central-2025-bench"
sys.path.insert(0, str(ROOT / "bench"))


def _setup(rows: int):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    # The default limits (50,000 rows, 20 MB) suit one batch; the benchmark file is larger.
    settings.RECTIFY_EXCEL_LIMITS = {
        "max_rows": rows + 100,
        "max_file_bytes": 512 * 1024 * 1024,
        "max_total_uncompressed": 2048 * 1024 * 1024,
        "max_entry_uncompressed": 2048 * 1024 * 1024,
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def child_parse(rows: int, workbook: Path) -> dict:
    """The floor and the safety check, in a process of their own."""
    _setup(rows)
    from python_calamine import CalamineWorkbook

    from rectify.problems.excel.safety import check_workbook

    def best(fn, n=3):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    def bare():
        with CalamineWorkbook.from_path(str(workbook)) as wb:
            wb.get_sheet_by_name(wb.sheet_names[0]).to_python()

    def checked():
        with open(workbook, "rb") as f:
            check_workbook(f)

    return {"calamine_parse": best(bare), "safety_check": best(checked)}


def child_import(rows: int, workbook: Path, dedupe_on: bool) -> dict:
    """The import (and the re-import), in a process whose peak RSS is the import's."""
    _setup(rows)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from rectify.core.testing import ensure_reference_orgs

    ensure_reference_orgs()
    import numpy as np
    from gen_complaints import last_day

    from rectify.complaints import dedupe
    from rectify.complaints.excel.importer import import_complaints
    from rectify.complaints.models import Complainant, Complaint, ComplaintBand
    from rectify.core.models import AuditEvent
    from rectify.problems.testing import InspectionFactory

    inspection = InspectionFactory(code=INSPECTION)
    # The repeat index of new complaints is computed before they are inserted
    # (dedupe.index_entries: signatures, place keys, band keys) and its band rows written
    # after (dedupe.insert_bands): both are timed as "indexing"; with --no-dedupe both
    # are replaced by stand-ins that compute and write nothing.
    # dedupe.write_bands (called by insert_bands) is timed too; nested calls count once.
    indexing = {"seconds": 0.0, "depth": 0}
    entries_of, insert_bands = dedupe.index_entries, dedupe.insert_bands
    write_bands = dedupe.write_bands

    def timed(fn):
        def run(*args, **kwargs):
            t = time.perf_counter()
            indexing["depth"] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                indexing["depth"] -= 1
                if not indexing["depth"]:
                    indexing["seconds"] += time.perf_counter() - t

        return run

    def no_entries(texts, region_paths, *, regions=None):
        n = len(texts)
        return dedupe.IndexEntries([None] * n, [""] * n, np.empty((0, dedupe.BANDS), np.int64))

    if dedupe_on:
        dedupe.index_entries, dedupe.insert_bands = timed(entries_of), timed(insert_bands)
        dedupe.write_bands = timed(write_bands)
    else:
        dedupe.index_entries, dedupe.insert_bands = no_entries, lambda ids, entries: None
    baseline_mb = _rss_mb()
    t = time.perf_counter()
    result = import_complaints(
        workbook,
        inspection=inspection,
        batch_number=1,
        actor="bench",
        received_on=last_day(),
        stated_count=rows,
    )
    import_s = time.perf_counter() - t
    peak_mb = _rss_mb()
    if not result.ok:
        for e in result.errors[:20]:
            print(e, file=sys.stderr)
        raise SystemExit("the generated complaints did not import")
    indexed_s = indexing["seconds"]
    t = time.perf_counter()
    again = import_complaints(workbook, inspection=inspection, batch_number=1, actor="bench")
    again_s = time.perf_counter() - t
    assert again.ok and not again.changed, "re-import changed something"
    return {
        "engine": connection.vendor,
        "dedupe": dedupe_on,
        "rows": result.rows,
        "complaints": Complaint.objects.count(),
        "complainants": Complainant.objects.count(),
        "band_rows": ComplaintBand.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "import": import_s,
        "indexing": indexed_s,
        "reimport_unchanged": again_s,
        "rss_baseline_mb": round(baseline_mb),
        "rss_peak_mb": round(peak_mb),
    }


# ---------------------------------------------------------------------------------------
# The parent: child processes per engine.


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def run_child(env: dict, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _engine(env: dict, rows: int, workbook: Path, no_dedupe: bool, floor: dict) -> list[dict]:
    out = []
    variants = [True, False] if no_dedupe else [True]
    for dedupe_on in variants:
        with tempfile.TemporaryDirectory() as tmp:
            local = dict(env)
            if "DATABASE_URL" not in local:
                local["RECTIFY_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
            local["RECTIFY_VAR_DIR"] = tmp
            args = ["--child", "import", "--rows", str(rows), "--workbook", str(workbook)]
            r = run_child(local, *args, *([] if dedupe_on else ["--no-dedupe"]))
        parse_s = floor["calamine_parse"]
        r.update(
            calamine_parse=parse_s,
            safety_check=floor["safety_check"],
            rows_per_second={
                "calamine_parse": round(rows / parse_s),
                "import": round(rows / r["import"]),
                "import_without_indexing": round(rows / (r["import"] - r["indexing"])),
                "reimport_unchanged": round(rows / r["reimport_unchanged"]),
            },
            import_to_parse_ratio=round(r["import"] / parse_s, 1),
            # The import target (parse, validate, encrypt, store) leaves the
            # repeat indexing out: it is reported on its own (indexing_rows_per_second).
            import_without_indexing_to_parse_ratio=round(
                (r["import"] - r["indexing"]) / parse_s, 1
            ),
            indexing_rows_per_second=round(rows / r["indexing"]) if r["indexing"] else None,
        )
        out.append(r)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--no-dedupe",
        action="store_true",
        help="also run the import with the repeat index switched off",
    )
    parser.add_argument("--child", choices=["parse", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "parse":
        print(json.dumps(child_parse(args.rows, Path(args.workbook))))
        return
    if args.child == "import":
        print(json.dumps(child_import(args.rows, Path(args.workbook), not args.no_dedupe)))
        return

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    workbook = OUT_DIR / f"complaints_{args.rows}.xlsx"
    from gen_complaints import generate

    workbook.unlink(missing_ok=True)  # regenerated so every run measures the same file
    generate(workbook, args.rows)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RECTIFY_SECRET_KEY="bench-only", RECTIFY_PII_KEY="")
    with tempfile.TemporaryDirectory() as tmp:
        floor = run_child(
            {**env, "RECTIFY_VAR_DIR": tmp},
            "--child",
            "parse",
            "--rows",
            str(args.rows),
            "--workbook",
            str(workbook),
        )
    results = _engine(env, args.rows, workbook, args.no_dedupe, floor)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        scratch = f"{urlsplit(url).path.lstrip('/') or 'rectify'}_bench_complaints"
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{scratch}"')
        _pg_admin(url, f'CREATE DATABASE "{scratch}"')
        try:
            pg = {**env, "DATABASE_URL": _with_db(url, scratch)}
            for dedupe_on in [True, False] if args.no_dedupe else [True]:
                if not dedupe_on:  # a fresh database for the second variant too
                    _pg_admin(url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
                    _pg_admin(url, f'CREATE DATABASE "{scratch}"')
                results += [
                    r
                    for r in _engine(pg, args.rows, workbook, args.no_dedupe, floor)
                    if r["dedupe"] == dedupe_on
                ]
        finally:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    report = {
        "benchmark": "complaints_import",
        "rows": args.rows,
        "workbook_bytes": workbook.stat().st_size,
        "python": sys.version.split()[0],
        "results": results,
    }
    (OUT_DIR / "complaints_import.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    print(f"complaints import benchmark: {args.rows} rows, {workbook.stat().st_size / 1e6:.1f} MB")
    for r in results:
        rps = r["rows_per_second"]
        print(
            f"  {r['engine']:<10} dedupe {'on ' if r['dedupe'] else 'off'} · "
            f"floor: calamine parse {r['calamine_parse']:.2f}s ({rps['calamine_parse']:,} rows/s)"
            f" · check {r['safety_check']:.2f}s\n"
            f"    import without indexing {r['import'] - r['indexing']:.2f}s: "
            f"{rps['import_without_indexing']:,} rows/s (target ≥ 15,000), "
            f"{r['import_without_indexing_to_parse_ratio']}× the floor (target ≤ 4×)\n"
            f"    indexing {r['indexing']:.2f}s: {r['indexing_rows_per_second'] or 0:,} rows/s "
            f"(target ≥ 2,000) · import with indexing {r['import']:.2f}s "
            f"({rps['import']:,} rows/s, {r['import_to_parse_ratio']}× the floor)\n"
            f"    re-import {r['reimport_unchanged']:.2f}s ({rps['reimport_unchanged']:,} rows/s) "
            f"· peak RSS {r['rss_peak_mb']} MB (target ≤ 400; baseline {r['rss_baseline_mb']} MB)"
        )
    print(f"written to {OUT_DIR / 'complaints_import.json'}")


if __name__ == "__main__":
    main()
