"""`rectify import complaints` / `rectify export complaints`, through their handler classes."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rectify.complaints.excel.cli import ComplaintsExport, ComplaintsImport
from rectify.complaints.models import Complaint, ComplaintBatch

from .test_import_helpers import (
    CODE,
    NAME,
    PHONE,
    book,
    inspection_fixture,  # noqa: F401
    pii_key_fixture,  # noqa: F401
    rows,
    state,
    xlsx_text,
)


def command() -> BaseCommand:
    return BaseCommand(stdout=io.StringIO(), stderr=io.StringIO())


def out(cmd: BaseCommand) -> tuple[str, str]:
    return cmd.stdout._out.getvalue(), cmd.stderr._out.getvalue()


def run_import(path, *, lang="zh-hans", **options):
    cmd = command()
    options.setdefault("inspection", CODE)
    options.setdefault("batch", 1)
    ComplaintsImport().handle(cmd, file=str(path), lang=lang, **options)
    return out(cmd)


def test_a_batch_is_imported_from_the_command_line_and_again_changes_nothing(inspection, tmp_path):
    path = tmp_path / "第1批.xlsx"
    path.write_bytes(book())

    stdout, stderr = run_import(path, received_on="2025-05-30", stated_count="3")

    assert not stderr
    assert "3" in stdout and Complaint.objects.count() == 3
    batch = ComplaintBatch.objects.get()
    assert (batch.number, batch.received_on, batch.stated_count) == (1, date(2025, 5, 30), 3)
    before = state()
    stdout, _ = run_import(path, lang="en")
    assert "created: 0, updated: 0, unchanged: 3" in stdout
    assert state() == before


def test_a_dry_run_from_the_command_line_writes_nothing(inspection, tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(book())

    stdout, _ = run_import(path, received_on="2025-05-30", dry_run=True, lang="en")

    assert "Dry run" in stdout and "created: 3" in stdout
    assert not ComplaintBatch.objects.exists()


def test_errors_are_listed_by_row_and_column_and_the_command_fails(inspection, tmp_path):
    bad = rows()
    bad[1][3] = "火星市"
    bad[0][10] = "not-a-phone"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(book(bad))
    cmd = command()

    with pytest.raises(CommandError) as failure:
        ComplaintsImport().handle(
            cmd, file=str(path), inspection=CODE, batch=1, received_on="2025-05-30", lang="zh-hans"
        )

    _, stderr = out(cmd)
    assert "2" in str(failure.value)
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("交办清单, 第 2 行, 列 联系电话 (K)")
    assert lines[1].startswith("交办清单, 第 3 行, 列 行政区域 (D)") and "火星市" in lines[1]
    assert "not-a-phone" not in stderr
    assert not ComplaintBatch.objects.exists()


def test_bad_arguments_are_refused(inspection, tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(book())
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "missing.xlsx", received_on="2025-05-30")
    with pytest.raises(CommandError, match="no inspection"):
        run_import(path, inspection="nope", received_on="2025-05-30")
    with pytest.raises(CommandError, match="not a date"):
        run_import(path, received_on="30.5.2025")
    with pytest.raises(CommandError, match="not a whole number"):
        run_import(path, received_on="2025-05-30", stated_count="three")


def test_a_unit_account_may_not_import(inspection, tmp_path, zunyi_clerk):
    path = tmp_path / "b.xlsx"
    path.write_bytes(book())
    with pytest.raises(CommandError, match="may not import"):
        run_import(path, received_on="2025-05-30", user="zunyi_clerk")


def test_the_command_line_export_writes_the_batch_without_complainant_data(inspection, tmp_path):
    path = tmp_path / "in.xlsx"
    path.write_bytes(book())
    run_import(path, received_on="2025-05-30")
    target = tmp_path / "out.xlsx"
    cmd = command()

    ComplaintsExport().handle(cmd, output=str(target), inspection=CODE, batch=1, lang="zh-hans")

    assert "3 complaints" in out(cmd)[0]
    text = xlsx_text(target.read_bytes())
    assert "D3GZ202505290003" in text and NAME not in text and PHONE not in text
    with pytest.raises(CommandError, match="no batch 2"):
        ComplaintsExport().handle(command(), output=str(target), inspection=CODE, batch=2)


def test_the_rectify_commands_dispatch_to_the_complaints_handlers(inspection, tmp_path):
    path, target = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    path.write_bytes(book())
    out = io.StringIO()
    call_command(
        "import",
        "complaints",
        str(path),
        "--inspection",
        CODE,
        "--batch",
        "1",
        "--received-on",
        "2025-05-30",
        "--stated-count",
        "3",
        "--dry-run",
        stdout=out,
    )
    assert not ComplaintBatch.objects.exists()
    call_command(
        "import",
        "complaints",
        str(path),
        "--inspection",
        CODE,
        "--batch",
        "1",
        "--received-on",
        "2025-05-30",
        stdout=out,
    )
    call_command("export", "complaints", "--inspection", CODE, "-o", str(target), stdout=out)
    assert Complaint.objects.count() == 3 and "D3GZ202505280001" in xlsx_text(target.read_bytes())
