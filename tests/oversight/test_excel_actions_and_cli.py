"""Supervision actions in Excel, and the command-line handlers for both sheets (run the
way `rectify import|export SUBJECT` runs them)."""

import argparse
import io
from datetime import date

import pytest
from django.core.management.base import BaseCommand, CommandError
from python_calamine import CalamineWorkbook

from rectify.core.models import AuditEvent
from rectify.oversight import stats
from rectify.oversight.excel.actions import check_import_actions
from rectify.oversight.excel.cli import ActionsExport, ActionsImport, PersonsExport, PersonsImport
from rectify.oversight.models import HeldPerson, SupervisionAction
from tests.oversight.conftest import make_case
from tests.problems.excel_helpers import workbook

HEADER = ["序号", "督办类型", "时间", "事由", "督办对象", "关联问题", "发文字号"]


def rows(zunyi, guiyang):
    return [
        [
            1,
            "致函",
            date(2019, 9, 1),
            "关于加快湘江截污管网建设的督办函",
            "遵义市",
            zunyi.number,
            "黔督改函〔2019〕1号",
        ],
        [
            2,
            "约谈",
            "2019年10月22日",
            "约谈贵阳市人民政府分管负责同志",
            "贵阳市",
            guiyang.number,
            "",
        ],
        [
            3,
            "审核抽查",
            date(2020, 7, 15),
            "审核抽查贵阳市、遵义市整改情况",
            "贵阳市、遵义市",
            f"{zunyi.number}、{guiyang.number}",
            "",
        ],
        [4, "警示片", date(2020, 6, 5), "《贵州省生态环境保护督察问题警示片》", "", "", ""],
    ]


def test_actions_import_counts_by_kind_and_again_changes_nothing(
    office_clerk, inspection, zunyi_problem, guiyang_problem
):
    data = workbook(rows(zunyi_problem, guiyang_problem), header=HEADER)
    outcome = check_import_actions(io.BytesIO(data), inspection=inspection, actor=office_clerk)
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert outcome.created == 4
    sup = stats.supervision(inspection, date(2020, 8, 31))
    assert (sup["letters"], sup["interviews"], sup["spot_checks"], sup["warning_films"]) == (
        1,
        1,
        1,
        1,
    )
    spot = SupervisionAction.objects.get(kind="spot_check")
    assert spot.check_kind == "audit"
    assert {o.code for o in spot.target_orgs.all()} == {"520100", "520300"}
    before = AuditEvent.objects.count()
    again = check_import_actions(io.BytesIO(data), inspection=inspection, actor=office_clerk)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == before


def test_actions_import_reports_every_bad_cell_and_imports_nothing(
    office_clerk, inspection, zunyi_problem, guiyang_problem
):
    bad = rows(zunyi_problem, guiyang_problem)
    bad[0][1] = "表扬"
    bad[1][4] = "火星市"
    bad[2][5] = "999"
    bad[3][2] = "2030-01-01"
    outcome = check_import_actions(
        io.BytesIO(workbook(bad, header=HEADER)), inspection=inspection, actor=office_clerk
    )
    where = sorted((e.row, e.column) for e in outcome.errors)
    assert where == [(2, "督办类型"), (3, "督办对象"), (4, "关联问题"), (5, "时间")]
    assert SupervisionAction.objects.count() == 0


def command() -> BaseCommand:
    cmd = BaseCommand(stdout=io.StringIO(), stderr=io.StringIO())
    return cmd


def parse(handler, argv):
    parser = argparse.ArgumentParser()
    handler.add_arguments(parser)
    return vars(parser.parse_args(argv))


def test_the_cli_imports_and_exports_both_sheets(
    tmp_path, office_clerk, inspection, zunyi_problem, guiyang_problem
):
    make_case(office_clerk, inspection, "1")
    persons = tmp_path / "persons.xlsx"
    persons.write_bytes(
        workbook(
            [
                [
                    1,
                    "1",
                    "王某某",
                    "副市长",
                    "遵义市人民政府",
                    "厅级",
                    "党纪政务处分",
                    "",
                    date(2019, 8, 1),
                ]
            ],
            header=["序号", "案件", "姓名", "职务", "单位", "职级", "处理类别", "文号", "处理日期"],
        )
    )
    cmd = command()
    PersonsImport().handle(
        cmd, **parse(PersonsImport, [str(persons), "--inspection", inspection.code])
    )
    assert HeldPerson.objects.get().name == "王某某"
    actions_file = tmp_path / "actions.xlsx"
    actions_file.write_bytes(workbook(rows(zunyi_problem, guiyang_problem), header=HEADER))
    ActionsImport().handle(
        cmd,
        **parse(ActionsImport, [str(actions_file), "--inspection", inspection.code, "--dry-run"]),
    )
    assert SupervisionAction.objects.count() == 0
    ActionsImport().handle(
        cmd, **parse(ActionsImport, [str(actions_file), "--inspection", inspection.code])
    )
    assert SupervisionAction.objects.count() == 4

    out = tmp_path / "out-persons.xlsx"
    PersonsExport().handle(
        cmd,
        **parse(
            PersonsExport,
            ["-o", str(out), "--inspection", inspection.code, "--user", "zunyi_clerk"],
        )
        if False
        else parse(PersonsExport, ["-o", str(out), "--inspection", inspection.code]),
    )
    with CalamineWorkbook.from_path(str(out)) as wb:
        sheet = wb.get_sheet_by_name("责任追究人员").to_python()
    assert sheet[1][2] == "王某某"
    out_actions = tmp_path / "out-actions.xlsx"
    ActionsExport().handle(
        cmd, **parse(ActionsExport, ["-o", str(out_actions), "--inspection", inspection.code])
    )
    again = check_import_actions(str(out_actions), inspection=inspection, actor=office_clerk)
    assert again.ok and again.unchanged == 4, [str(e) for e in again.errors]


def test_the_cli_export_as_a_unit_leaves_names_out(tmp_path, office_clerk, zunyi_clerk, inspection):
    from tests.oversight.conftest import add_person

    add_person(office_clerk, make_case(office_clerk, inspection, "1"), "王某某")
    out = tmp_path / "unit.xlsx"
    PersonsExport().handle(
        command(),
        **parse(
            PersonsExport,
            ["-o", str(out), "--inspection", inspection.code, "--user", "zunyi_clerk"],
        ),
    )
    with CalamineWorkbook.from_path(str(out)) as wb:
        sheet = wb.get_sheet_by_name("责任追究人员").to_python()
    assert "姓名" not in sheet[0] and len(sheet) == 2
    assert "王某某" not in str(sheet)


def test_the_cli_fails_with_the_error_list_on_a_bad_file(tmp_path, office_clerk, inspection):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook([[1, "表扬", date(2019, 9, 1), "标题"]], header=["序号", "类型", "日期", "标题"])
    )
    cmd = command()
    with pytest.raises(CommandError):
        ActionsImport().handle(
            cmd, **parse(ActionsImport, [str(bad), "--inspection", inspection.code])
        )
    assert "B" in cmd.stderr._out.getvalue()


def test_the_rectify_commands_know_both_subjects(tmp_path, office_clerk, inspection):
    from django.core.management import call_command

    from tests.oversight.conftest import add_person

    add_person(office_clerk, make_case(office_clerk, inspection, "1"), "王某某")
    out = tmp_path / "persons.xlsx"
    stdout = io.StringIO()
    call_command(
        "export", "accountability", "-o", str(out), "--inspection", inspection.code, stdout=stdout
    )
    assert "1 rows" in stdout.getvalue()
    stdout = io.StringIO()
    call_command(
        "import", "accountability", str(out), "--inspection", inspection.code, stdout=stdout
    )
    assert HeldPerson.objects.count() == 1
    with pytest.raises(CommandError):
        call_command(
            "import",
            "supervision",
            str(out),
            "--inspection",
            inspection.code,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
