"""The office summary workbook of complaints: today's state and result, never the complainant."""

import io
from datetime import date
from decimal import Decimal

import time_machine
from python_calamine import CalamineWorkbook

from rectify.complaints.actions import ResultData, check_assign_batch, check_file_result
from rectify.complaints.excel.columns import EXPORT_HEADERS
from rectify.complaints.excel.exporter import export_complaints
from rectify.complaints.excel.importer import import_complaints
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.complaints.queries import visible_complaints
from rectify.complaints.states import Step
from rectify.orgs.models import Org

from .test_import_helpers import (
    ADDRESS,
    NAME,
    PHONE,
    RECEIVED,
    book,
    inspection_fixture,  # noqa: F401
    pii_key_fixture,  # noqa: F401
    state,
    xlsx_text,
)


def imported(inspection, data=None):
    result = import_complaints(
        io.BytesIO(book(data)),
        inspection=inspection,
        batch_number=1,
        actor="tests",
        received_on=RECEIVED,
    )
    assert result.ok, result.errors
    return ComplaintBatch.objects.get(inspection=inspection, number=1)


def handled(batch, office_clerk):
    """Assign the batch and close the first complaint with a result."""
    with time_machine.travel(date(2025, 6, 20)):
        check_assign_batch(
            batch, actor=office_clerk, effective_date=date(2025, 5, 31), deadline=date(2025, 6, 30)
        )
        first = Complaint.objects.get(acceptance_no="D3GZ202505280001")
        check_file_result(
            first,
            actor=office_clerk,
            effective_date=date(2025, 6, 15),
            close=Step.CLOSE,
            data=ResultData(
                investigation="经现场核查，该砂石场夜间生产属实。",
                verdict="true",
                handling="=责令停止夜间生产，立案处罚。",
                accountability="约谈镇分管负责人张某",
                ordered_rectify=1,
                penalty_cases=1,
                fines_yuan=Decimal("50000.00"),
                interviewed=1,
                held_accountable=1,
            ),
        )


def sheet(data: bytes) -> list[list]:
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        return wb.get_sheet_by_name("信访举报件").to_python(skip_empty_area=False)


def test_the_export_has_the_office_layout_with_todays_state_and_result(inspection, office_clerk):
    batch = imported(inspection)
    handled(batch, office_clerk)
    out = io.BytesIO()

    n = export_complaints(Complaint.objects.all(), out)

    grid = sheet(out.getvalue())
    assert n == 3 and grid[0] == list(EXPORT_HEADERS)
    row = dict(zip(grid[0], grid[1], strict=True))
    assert row["受理编号"] == "D3GZ202505280001" and row["原始排序编码"] == 1
    assert row["行政区域"] == "遵义市播州区" and row["污染类型"] == "大气、噪声"
    assert (row["行业类型"], row["是否重点件"], row["牵头责任单位"]) == ("工业类", "是", "播州区")
    assert row["办理时限"] == date(2025, 6, 30)
    assert (row["是否属实"], row["办结状态"], row["办结日期"]) == (
        "属实",
        "已办结",
        date(2025, 6, 15),
    )
    assert row["督察期间处理情况"] == "'=责令停止夜间生产，立案处罚。"  # formula neutralised
    assert (row["责令整改（家）"], row["立案处罚（家）"], row["罚款金额（元）"]) == (1, 1, 50000)
    assert (row["约谈（人）"], row["问责（人）"], row["问责情况"]) == (1, 1, "约谈镇分管负责人张某")
    assert (row["是否重复"], row["批次"]) == ("否", 1)
    other = dict(zip(grid[0], grid[2], strict=True))
    assert (
        other["办结状态"] == "未办结"
        and other["是否属实"] == ""
        and other["行政区域"] == "贵阳市开阳县"
    )


def test_no_complainant_value_is_anywhere_in_the_workbook(inspection, office_clerk):
    batch = imported(inspection)
    handled(batch, office_clerk)
    out = io.BytesIO()

    export_complaints(Complaint.objects.all(), out, exported_by="office_clerk")

    text = xlsx_text(out.getvalue())
    assert "D3GZ202505280001" in text
    for value in (NAME, PHONE, ADDRESS, "桂花村3组17号"):
        assert value not in text


def test_the_export_reimports_unchanged(inspection):
    imported(inspection)
    before = state()
    out = io.BytesIO()
    export_complaints(Complaint.objects.all(), out)

    result = import_complaints(
        io.BytesIO(out.getvalue()), inspection=inspection, batch_number=1, actor="tests"
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, [], 3)
    assert state() == before


def test_a_unit_exports_only_the_complaints_assigned_within_its_scope(
    inspection, office_clerk, bozhou_clerk
):
    batch = imported(inspection)
    handled(batch, office_clerk)
    out = io.BytesIO()

    n = export_complaints(visible_complaints(bozhou_clerk), out, accountability=False)

    grid = sheet(out.getvalue())
    assert n == 1 and [r[1] for r in grid[1:]] == ["D3GZ202505280001"]
    assert grid[1][EXPORT_HEADERS.index("问责情况")] == ""
    assert Org.objects.get(code="520304").name in grid[1][EXPORT_HEADERS.index("牵头责任单位")]
