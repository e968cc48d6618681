"""Importing and exporting officials held accountable: tolerant headers, errors naming
sheet, row and column, all or nothing, idempotent re-import, names only where allowed."""

import io
from datetime import date

from python_calamine import CalamineWorkbook

from rectify.core.models import AuditEvent
from rectify.oversight import stats
from rectify.oversight.excel.persons import check_import_persons, export_persons
from rectify.oversight.models import AccountabilityCase, HeldPerson
from rectify.oversight.queries import visible_cases
from tests.oversight.conftest import make_case
from tests.problems.excel_helpers import workbook

HEADER = [
    "序号",
    "案件编号",
    "姓名",
    "时任职务",
    "工作单位",
    "干部级别",
    "处理方式",
    "文号",
    "处理时间",
]
ROWS = [
    [
        1,
        "1",
        "王某某",
        "副市长",
        "遵义市人民政府",
        "厅局级",
        "党纪政务处分",
        "遵纪发〔2019〕3号",
        date(2019, 8, 1),
    ],
    [
        2,
        "1",
        "李某",
        "局长",
        "遵义市播州区生态环境分局",
        "县处级",
        "诫勉谈话",
        "",
        date(2019, 8, 2),
    ],
    [3, "2", "李某", "局长", "遵义市播州区生态环境分局", "处级", "组织处理", "", "2019年9月3日"],
    [4, "2", "赵某某", "科员", "省生态环境厅", "乡科级及以下", "批评教育", "", date(2019, 9, 3)],
]


def import_file(office, inspection, data: bytes, **kwargs):
    return check_import_persons(
        io.BytesIO(data), inspection=inspection, actor=office, filename="人员.xlsx", **kwargs
    )


def cases(office, inspection):
    make_case(office, inspection, "1")
    make_case(office, inspection, "2")


def test_a_sheet_with_office_headers_imports_and_counts(office_clerk, inspection):
    cases(office_clerk, inspection)
    outcome = import_file(
        office_clerk, inspection, workbook(ROWS, header=HEADER, title="问责人员名单")
    )
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (4, 0, 0)
    li = HeldPerson.objects.filter(name="李某").order_by("case__number")
    assert [p.org.code for p in li] == ["520304", "520304"]
    assert li[1].decision_date == date(2019, 9, 3)
    acc = stats.accountability(inspection, date(2019, 12, 31))
    assert (acc["persons"], acc["person_times"]) == (3, 4)
    assert acc["by_rank"] == {"厅级": 1, "处级": 1, "科级及以下": 1}
    assert acc["by_org_kind"]["county"]["persons"] == 1


def test_importing_the_same_file_again_changes_nothing(office_clerk, inspection):
    cases(office_clerk, inspection)
    data = workbook(ROWS, header=HEADER)
    assert import_file(office_clerk, inspection, data).ok
    before = (HeldPerson.objects.count(), AuditEvent.objects.count())
    again = import_file(office_clerk, inspection, data)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert (HeldPerson.objects.count(), AuditEvent.objects.count()) == before


def test_a_changed_cell_updates_only_that_row(office_clerk, inspection):
    cases(office_clerk, inspection)
    assert import_file(office_clerk, inspection, workbook(ROWS, header=HEADER)).ok
    changed = [row[:] for row in ROWS]
    changed[0][7] = "遵纪发〔2019〕9号"
    outcome = import_file(office_clerk, inspection, workbook(changed, header=HEADER))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 3)
    row = HeldPerson.objects.get(name="王某某")
    assert (row.document_number, row.version) == ("遵纪发〔2019〕9号", 2)


def test_bad_cells_are_reported_by_row_and_column_and_nothing_is_written(office_clerk, inspection):
    cases(office_clerk, inspection)
    bad = [row[:] for row in ROWS]
    bad[1][5] = "部级"  # row 3: unknown rank
    bad[2][1] = "99"  # row 4: unknown case
    bad[3][8] = "2019-02-30"  # row 5: not a real date
    before = (HeldPerson.objects.count(), AuditEvent.objects.count())
    outcome = import_file(office_clerk, inspection, workbook(bad, header=HEADER))
    assert not outcome.ok
    where = sorted((e.row, e.column, e.letter) for e in outcome.errors)
    assert where == [(3, "干部级别", "F"), (4, "案件编号", "B"), (5, "处理时间", "I")]
    assert any("部级" in e.message for e in outcome.errors)
    assert all(e.sheet == "台账" for e in outcome.errors)
    assert (HeldPerson.objects.count(), AuditEvent.objects.count()) == before
    assert outcome.created == 0


def test_an_error_the_action_finds_also_rolls_back_every_row(office_clerk, inspection):
    make_case(office_clerk, inspection, "1")
    late = [row[:] for row in ROWS[:2]]
    late[1][8] = date(2019, 5, 1)  # before the case was received (2019-05-20)
    outcome = import_file(office_clerk, inspection, workbook(late, header=HEADER))
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "处理时间")]
    assert HeldPerson.objects.count() == 0


def test_a_missing_required_column_is_named(office_clerk, inspection):
    cases(office_clerk, inspection)
    header = [h for h in HEADER if h != "处理方式"]
    rows = [row[:6] + row[7:] for row in ROWS]
    outcome = import_file(office_clerk, inspection, workbook(rows, header=header))
    assert [e.column for e in outcome.errors] == ["处理类别"]
    assert outcome.errors[0].row == 1 and "干部级别" in outcome.errors[0].message


def test_a_dry_run_reports_and_writes_nothing(office_clerk, inspection):
    cases(office_clerk, inspection)
    outcome = import_file(office_clerk, inspection, workbook(ROWS, header=HEADER), dry_run=True)
    assert outcome.ok and outcome.created == 4
    assert HeldPerson.objects.count() == 0


def read(data: bytes) -> list[list]:
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        return wb.get_sheet_by_name("责任追究人员").to_python()


def test_the_export_reimports_unchanged_and_leaves_names_out_for_units(
    office_clerk, zunyi_clerk, guiyang_outsider, inspection
):
    cases(office_clerk, inspection)
    assert import_file(office_clerk, inspection, workbook(ROWS, header=HEADER)).ok
    out = io.BytesIO()
    n = export_persons(office_clerk, visible_cases(office_clerk), out, exported_by="office")
    assert n == 4
    again = import_file(office_clerk, inspection, out.getvalue())
    assert again.ok and again.unchanged == 4, [str(e) for e in again.errors]

    unit = io.BytesIO()
    export_persons(zunyi_clerk, visible_cases(zunyi_clerk), unit, exported_by="zunyi")
    rows = read(unit.getvalue())
    assert "姓名" not in rows[0] and "职务" not in rows[0]
    flat = "".join(str(c) for row in rows for c in row)
    assert "王某某" not in flat and "李某" not in flat and "副市长" not in flat
    # 遵义市's clerk sees both cases (its own officials are in them), every row without names.
    assert len(rows) == 1 + 4
    outside = io.BytesIO()
    assert (
        export_persons(guiyang_outsider, visible_cases(guiyang_outsider), outside, exported_by="gy")
        == 0
    )
    assert AccountabilityCase.objects.count() == 2
