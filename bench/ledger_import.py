"""Benchmark: importing a 10,000-row ledger workbook, against the bare python-calamine parse.

    python bench/ledger_import.py [--rows 10000]

Generates a ledger workbook in the office layout (var/bench/ledger_<rows>.xlsx), then for
each engine — a fresh SQLite database, and PostgreSQL when DATABASE_URL is set (in a
scratch database created beside it and dropped afterwards) — runs in a child process:
  parse   the bare python-calamine read of the sheet (the floor; best of 3),
  check   the safety pre-checks (zip directory, streamed XML scan),
  read    the reader (calamine + header matching + merged cells),
  import  the full import action into the empty ledger (all rows created, with events),
  again   re-importing the same file (idempotent: nothing changes).
Prints rows/s and the import/parse ratio; writes var/bench/ledger_import.json.
Not a test: nothing asserts, but the child fails loudly if the import reports errors.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "var" / "bench"
INSPECTION = "central-2018-lookback"


def child(rows: int, workbook: Path) -> dict:
    """Runs inside a process whose environment selects the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from rectify.core.testing import ensure_reference_orgs

    ensure_reference_orgs()
    from python_calamine import CalamineWorkbook

    from rectify.problems.excel.importer import check_import_ledger
    from rectify.problems.excel.reader import read_ledger
    from rectify.problems.excel.safety import check_workbook
    from rectify.problems.models import Problem, StatusEvent
    from rectify.problems.testing import InspectionFactory

    inspection = InspectionFactory(code=INSPECTION)
    if not workbook.exists():
        generate(workbook, rows)

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

    def read():
        with open(workbook, "rb") as f:
            read_ledger(f)

    parse_s = best(bare)
    check_s = best(checked)
    read_s = best(read)
    t = time.perf_counter()
    result = check_import_ledger(
        workbook, inspection=inspection, actor="bench", as_of=AS_OF, today=AS_OF
    )
    import_s = time.perf_counter() - t
    if not result.ok:
        for e in result.errors[:20]:
            print(e, file=sys.stderr)
        raise SystemExit("the generated ledger did not import")
    t = time.perf_counter()
    again = check_import_ledger(
        workbook, inspection=inspection, actor="bench", as_of=AS_OF, today=AS_OF
    )
    again_s = time.perf_counter() - t
    assert again.ok and not again.changed, "re-import changed something"
    return {
        "engine": connection.vendor,
        "rows": result.rows,
        "problems": Problem.objects.count(),
        "events": StatusEvent.objects.count(),
        "seconds": {
            "calamine_parse": round(parse_s, 4),
            "safety_check": round(check_s, 4),
            "read": round(read_s, 4),
            "import": round(import_s, 4),
            "reimport_unchanged": round(again_s, 4),
        },
        "rows_per_second": {
            "calamine_parse": round(result.rows / parse_s),
            "import": round(result.rows / import_s),
            "reimport_unchanged": round(result.rows / again_s),
        },
        "import_to_parse_ratio": round(import_s / parse_s, 1),
        "warnings": len(result.warnings),
    }


# ---------------------------------------------------------------------------------------
# The generated ledger.

from datetime import date, timedelta  # noqa: E402

FEEDBACK = date(2019, 5, 10)
AS_OF = date(2021, 6, 30)
TOPICS = [
    "城镇生活污水处理厂超标排放",
    "污水管网建设滞后、雨污合流",
    "垃圾填埋场渗滤液处置不到位",
    "磷石膏渣场防渗措施不完善",
    "自然保护区内违规采矿",
    "畜禽养殖废弃物资源化利用率低",
    "建筑工地扬尘污染",
    "饮用水水源保护区内违规建设",
    "小水电站下泄生态流量不足",
    "工业园区污水集中处理设施未建成",
]
MEASURES = [
    "开展全面排查，建立问题清单",
    "完成管网改造和雨污分流",
    "依法查处违法行为并公开曝光",
    "建立长效监管机制",
    "完成整改验收并报备",
]
ASPECTS = ["思想认识方面", "城乡环境基础设施方面", "自然保护地方面", "“三磷”污染方面"]


def generate(path: Path, rows: int) -> None:
    """A ledger of `rows` problems with realistic history, in the office layout."""
    import random

    import xlsxwriter

    from rectify.orgs.models import Org
    from rectify.problems.excel.headers import COLUMNS, EXPORT_HEADERS
    from rectify.problems.models import Category

    rng = random.Random(2020)
    regions = list(
        Org.objects.filter(kind__in=["prefecture", "county", "new_area"]).values_list(
            "name", flat=True
        )
    )
    depts = list(Org.objects.filter(kind="department").values_list("short_name", flat=True))
    categories = list(Category.objects.values_list("name", flat=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("整改台账")
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    keys = [c.key for c in COLUMNS]
    for col, c in enumerate(COLUMNS):
        ws.write_string(0, col, EXPORT_HEADERS.get(c.key, c.header))
    span = (AS_OF - FEEDBACK).days
    for i in range(1, rows + 1):
        region = rng.choice(regions)
        lead = region if rng.random() < 0.8 else rng.choice(depts)
        deadline = FEEDBACK + timedelta(days=rng.randint(90, 1000))
        kind = rng.random()
        deadline_cell: object = deadline
        milestones = ""
        if kind < 0.05:
            deadline_cell = "长期坚持"
        elif kind < 0.10:
            deadline_cell = f"{deadline.year}年底"
            deadline = date(deadline.year, 12, 31)
        elif kind < 0.5:
            mid = FEEDBACK + (deadline - FEEDBACK) / 2
            milestones = f"{mid.isoformat()}:50%"
        row: dict[str, object] = {
            "seq": i,
            "number": str(i),
            "aspect": rng.choice(ASPECTS),
            "category": rng.choice(categories),
            "title": f"{region}{rng.choice(TOPICS)}问题（第{i}项）",
            "description": "督察发现，"
            + rng.choice(TOPICS)
            + "，群众反映强烈。" * rng.randint(1, 3),
            "target": "按期完成整改，确保问题不反弹",
            "measures": "\n".join(
                f"{n}. {m}" for n, m in enumerate(rng.sample(MEASURES, rng.randint(1, 4)), 1)
            ),
            "region": region,
            "lead_unit": lead,
            "cooperating_units": "、".join(rng.sample(depts, rng.randint(0, 3))),
            "responsible_leader": rng.choice(["李明", "王强", "张伟", "刘洋", "陈静"]),
            "responsible_person": rng.choice(["赵磊", "孙丽", "周杰", "吴敏"]),
            "deadline": deadline_cell,
            "warning_days": rng.choice([15, 30, 30, 60]),
            "milestones": milestones,
        }
        state = rng.random()
        done = FEEDBACK + timedelta(days=rng.randint(30, span - 40))
        if state < 0.25:
            row.update(
                status="完成交账销号",
                done_date=done,
                signoff_date=done + timedelta(days=rng.randint(10, 30)),
                percent=100,
                progress_date=done,
            )
        elif state < 0.45:
            row.update(status="完成整改", done_date=done, percent=100, progress_date=done)
        elif state < 0.9:
            row.update(
                status=rng.choice(["达到序时进度", "未达到序时进度", "超过序时进度"]),
                percent=rng.randint(5, 95),
                progress_date=AS_OF - timedelta(days=rng.randint(0, 60)),
                progress_text="正在按计划推进",
            )
        else:
            row["status"] = "尚未启动"
        for col, key in enumerate(keys):
            value = row.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(i, col, value, day)
            elif isinstance(value, int):
                ws.write_number(i, col, value)
            else:
                ws.write_string(i, col, str(value))
    wb.close()


# ---------------------------------------------------------------------------------------
# The parent: one child per engine.


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def run_child(env: dict, rows: int, workbook: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows), "--workbook", str(workbook)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows, Path(args.workbook))))
        return

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    workbook = OUT_DIR / f"ledger_{args.rows}.xlsx"
    workbook.unlink(missing_ok=True)  # regenerated so every run measures the same file
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            RECTIFY_VAR_DIR=tmp,
            RECTIFY_SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"),
            RECTIFY_SECRET_KEY="bench-only",
        )
        results.append(run_child(env, args.rows, workbook))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            scratch = f"{urlsplit(url).path.lstrip('/') or 'rectify'}_bench_import"
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{scratch}"')
            _pg_admin(url, f'CREATE DATABASE "{scratch}"')
            try:
                results.append(
                    run_child({**env, "DATABASE_URL": _with_db(url, scratch)}, args.rows, workbook)
                )
            finally:
                _pg_admin(url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    report = {
        "benchmark": "ledger_import",
        "rows": args.rows,
        "workbook_bytes": workbook.stat().st_size,
        "python": sys.version.split()[0],
        "results": results,
    }
    (OUT_DIR / "ledger_import.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"ledger import benchmark: {args.rows} rows, {workbook.stat().st_size / 1e6:.1f} MB")
    for r in results:
        s, rps = r["seconds"], r["rows_per_second"]
        print(
            f"  {r['engine']:<10} calamine parse {s['calamine_parse']:.3f}s "
            f"({rps['calamine_parse']:,} rows/s) · check {s['safety_check']:.3f}s · "
            f"read {s['read']:.3f}s · import {s['import']:.3f}s ({rps['import']:,} rows/s) · "
            f"ratio {r['import_to_parse_ratio']}× · re-import {s['reimport_unchanged']:.3f}s"
        )
    print(f"written to {OUT_DIR / 'ledger_import.json'}")


if __name__ == "__main__":
    main()
