"""`rectify import ledger` and `rectify export ledger` from the command line."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rectify.problems.models import Problem

from .excel_helpers import build_ledger, counts, read_rows, workbook

ROW = [
    "1",
    "1",
    "",
    "环境生态类",
    "汇川区垃圾填埋场渗滤液超标",
    "",
    "",
    "遵义市",
    "遵义市",
    "",
    "",
    "2020-12-31",
    "",
    "",
    "",
    "",
]


def cli(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_import_through_the_command_line(orgs, tmp_path):
    inspection, _ = build_ledger()
    path = tmp_path / "台账.xlsx"
    out, _ = cli(
        "export",
        "ledger",
        "--inspection",
        inspection.code,
        "-o",
        str(path),
        "--as-of",
        "2020-12-31",
    )
    assert "5 problems as of 2020-12-31" in out
    first = read_rows(path.read_bytes())
    Problem.objects.all().delete()

    out, _ = cli(
        "import",
        "ledger",
        str(path),
        "--inspection",
        inspection.code,
        "--as-of",
        "2020-12-31",
        "--lang",
        "en",
    )

    assert "Problems created: 5," in out
    cli(
        "export",
        "ledger",
        "--inspection",
        inspection.code,
        "-o",
        str(path),
        "--as-of",
        "2020-12-31",
    )
    assert read_rows(path.read_bytes()) == first


def test_dry_run_writes_nothing(orgs, tmp_path):
    inspection, _ = build_ledger()
    path = tmp_path / "new.xlsx"
    path.write_bytes(workbook([[*ROW[:1], "99", *ROW[2:]]]))
    before = counts()
    out, _ = cli(
        "import", "ledger", str(path), "--inspection", inspection.code, "--dry-run", "--lang", "en"
    )
    assert "Problems created: 1," in out and "Dry run" in out
    assert counts() == before


def test_bad_input_exits_non_zero_with_every_error(orgs, tmp_path):
    inspection, _ = build_ledger()
    bad = list(ROW)
    bad[8] = "火星市"
    bad[11] = "明年"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([bad]))
    before = counts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 errors; nothing was imported"):
        call_command(
            "import",
            "ledger",
            str(path),
            "--inspection",
            inspection.code,
            "--lang",
            "en",
            stdout=out,
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert lines == [
        "台账, row 2, column 牵头单位 (I): Unknown unit or region: 火星市.",
        "台账, row 2, column 整改时限 (L): 明年 is not a date (write it like 2020-12-31, "
        "2020年12月31日 or 2020年底).",
    ]
    assert counts() == before


def test_a_file_that_is_not_a_workbook_exits_non_zero(orgs, tmp_path):
    inspection, _ = build_ledger()
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error; nothing was imported"):
        call_command(
            "import",
            "ledger",
            str(path),
            "--inspection",
            inspection.code,
            "--lang",
            "en",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "This is not an Excel workbook (.xlsx)" in err.getvalue()


def test_an_unknown_inspection_is_named(orgs, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(workbook([ROW]))
    with pytest.raises(CommandError, match="no inspection with code 'nope'"):
        cli("import", "ledger", str(path), "--inspection", "nope")


def test_export_as_a_unit_user_holds_only_its_problems(orgs, tmp_path, zunyi_clerk):
    inspection, _ = build_ledger()
    path = tmp_path / "zunyi.xlsx"
    cli(
        "export",
        "ledger",
        "--inspection",
        inspection.code,
        "-o",
        str(path),
        "--as-of",
        str(date(2020, 12, 31)),
        "--user",
        "zunyi_clerk",
    )
    numbers = [r[1] for r in read_rows(path.read_bytes())[1:]]
    assert numbers == ["1", "3", "10"]  # 遵义市 and its county 播州区; not 贵阳市 or the province
