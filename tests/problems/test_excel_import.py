"""Importing office ledgers: tolerant headers, history as dated events, every bad cell named."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from rectify.core.models import AuditEvent
from rectify.problems import asof
from rectify.problems.excel.importer import check_import_ledger
from rectify.problems.models import Aspect, Problem, StatusEvent
from rectify.problems.states import DeadlineKind, EventKind, Status
from rectify.problems.testing import InspectionFactory

from .excel_helpers import counts, workbook


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the English wording; the Chinese is checked where it matters."""
    with translation.override("en"):
        yield


TODAY = date(2021, 1, 15)
AS_OF = date(2020, 12, 31)


def row(number="1", **over):
    values = {
        "序号": number,
        "问题编号": number,
        "所属方面": "城乡环境基础设施方面",
        "问题类别": "城市基础设施类",
        "问题简述": f"遵义市中心城区污水管网建设滞后{number}",
        "整改目标": "城市生活污水集中收集率达到70%",
        "整改措施": "1.完成雨污分流改造\n2、新建污水处理厂",
        "行政区划": "遵义市",
        "牵头单位": "遵义市人民政府",
        "配合单位": "省住房城乡建设厅、贵州省生态环境厅",
        "责任领导": "李明",
        "整改时限": "2020年底",
        "完成情况": "",
        "完成时间": "",
        "销号时间": "",
        "最新进度(%)": "",
    }
    values.update(over)
    return list(values.values())


@pytest.fixture
def inspection(orgs):
    return InspectionFactory()


def run(data: bytes, inspection, **kw):
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("today", TODAY)
    kw.setdefault("actor", "tests")
    return check_import_ledger(io.BytesIO(data), inspection=inspection, **kw)


def errors_of(result) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_typical_office_ledger_is_imported_with_its_units_measures_and_aspects(inspection):
    result = run(workbook([row("1"), row("2", 牵头单位="播州区", 行政区划="播州区")]), inspection)

    assert result.ok, [str(e) for e in result.errors]
    assert result.created == ["1", "2"]
    p = Problem.objects.get(inspection=inspection, number="1")
    assert p.lead_unit.code == "520300"
    assert p.original_deadline == p.deadline == date(2020, 12, 31)
    assert p.start_date == inspection.feedback_date
    assert sorted(p.cooperating_units.values_list("code", flat=True)) == [
        "520000-STHJT",
        "520000-ZJT",
    ]
    assert list(p.measures.values_list("text", flat=True)) == ["完成雨污分流改造", "新建污水处理厂"]
    assert p.aspect.name == "城乡环境基础设施方面"
    assert result.aspects_created == ["城乡环境基础设施方面"]
    assert Aspect.objects.filter(inspection=inspection).count() == 1
    assert AuditEvent.objects.filter(action="problems.create_problem").count() == 2
    assert AuditEvent.objects.filter(action="problems.import_ledger").count() == 1


def test_headers_are_matched_tolerantly_under_a_title_row(inspection):
    header = [
        "序 号",
        "编号",
        "归类",
        "项目",
        "任务具体整改要求／整改目标",
        "所属城市",
        "责任单位",
        "整改期限（截止日期）",
        "完成进度（％）",
        "创建时间",
    ]
    data = workbook(
        [
            [
                "1",
                "7",
                "其他类",
                "桐梓县垃圾填埋场渗滤液",
                "达标排放",
                "遵义市",
                "遵义市",
                "2021/6/30",
                50,
                "",
            ]
        ],
        header=header,
        title="中央生态环境保护督察反馈问题整改台账",
    )

    result = run(data, inspection)

    assert result.ok, [str(e) for e in result.errors]
    p = Problem.objects.get(number="7")
    assert p.title == "桐梓县垃圾填埋场渗滤液"
    assert p.target == "达标排放"
    assert p.category.name == "其他类"
    assert p.original_deadline == date(2021, 6, 30)
    event = p.events.get()
    assert (event.kind, event.percent, event.effective_date) == ("progress", 50, AS_OF)
    assert any("创建时间" in n for n in result.notes)
    assert any("进度填报时间" in n for n in result.notes)


def test_every_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(inspection):
    before = counts()
    rows = [
        row("1", 牵头单位="遵义县环保局"),
        row("2", 整改时限="2020-13-45"),
        row("3", 问题类别="水污染类"),
        row("1"),
        row("5", 问题简述=""),
        row("6", 整改时限="2019-01-01"),
        row("7", 完成情况="达到序时进度"),
        row("8", 完成情况="差不多了"),
    ]
    with translation.override("zh-hans"):
        chinese = errors_of(run(workbook(rows), inspection))
    assert (2, "牵头单位", "未知单位或行政区划：遵义县环保局。") in chinese
    with translation.override("en"):
        result = run(workbook(rows), inspection)

    errors = errors_of(result)
    assert len(errors) == len(chinese)
    assert (2, "牵头单位", "Unknown unit or region: 遵义县环保局.") in errors
    assert any(r == 3 and c == "整改时限" and "not a real date" in m for r, c, m in errors)
    assert (4, "问题类别", "Unknown category: 水污染类.") in errors
    assert any(r == 5 and c == "问题编号" and "first in row 2" in m for r, c, m in errors)
    assert (6, "问题简述", "The summary is missing.") in errors
    assert any(r == 7 and c == "整改时限" and "before the plan starts" in m for r, c, m in errors)
    assert any(r == 8 and c == "最新进度(%)" for r, c, m in errors)
    assert any(r == 9 and c == "完成情况" and "Unknown status" in m for r, c, m in errors)
    assert all(e.sheet == "台账" for e in result.errors)
    assert result.errors[0].letter == "I"
    assert counts() == before
    assert Aspect.objects.count() == 0


def test_wrong_headers_name_what_is_missing(inspection):
    data = workbook([["a", "b", "c"]], header=["名称", "地点", "备注"])
    result = run(data, inspection)
    assert not result.ok
    assert "No header row found" in result.errors[0].message
    data = workbook([["1", "x"]], header=["问题编号", "问题简述", "问题类别", "整改时限"])
    result = run(data, inspection)
    assert [(e.row, e.column) for e in result.errors] == [(1, "牵头单位")]


def test_history_becomes_dated_events_so_past_figures_are_right(inspection):
    rows = [
        row(
            "1",
            完成情况="已销号",
            完成时间="2020年6月1日",
            销号时间="2020.9.1",
            **{"最新进度(%)": 100},
        ),
        row("2", 完成情况="已完成整改", 完成时间=date(2020, 10, 1)),
        row("3", 完成情况="达到序时进度", **{"最新进度(%)": "80%"}),
        row("4", 完成情况="未达到序时进度", **{"最新进度(%)": 0.3}),
        row("5", 完成情况="尚未启动"),
        row("6", 整改时限="立行立改"),
        row("7", 整改时限="长期坚持"),
    ]
    result = run(workbook(rows), inspection)
    assert result.ok, [str(e) for e in result.errors]

    def events(n):
        p = Problem.objects.get(number=n)
        return [(e.kind, e.effective_date, e.percent) for e in p.events.all()]

    assert events("1") == [
        ("progress", date(2020, 6, 1), 100),
        ("accepted", date(2020, 6, 1), None),
        ("signed_off", date(2020, 9, 1), None),
    ]
    assert events("2") == [("accepted", date(2020, 10, 1), None)]
    assert events("3") == [("progress", AS_OF, 80)]
    assert events("4") == [("progress", AS_OF, 30)]
    assert events("5") == []
    assert StatusEvent.objects.exclude(origin="import").count() == 0
    status = {p.number: p.asof_status for p in asof.as_of(Problem.objects.all(), date(2020, 7, 1))}
    assert status["1"] == Status.COMPLETED
    assert status["2"] == Status.NOT_STARTED
    p6 = Problem.objects.get(number="6")
    assert p6.deadline_kind == DeadlineKind.IMMEDIATE and p6.original_deadline == p6.start_date
    assert Problem.objects.get(number="7").deadline_kind == DeadlineKind.ONGOING
    assert any("立行立改" in n for n in result.notes)


def test_dry_run_reports_what_would_happen_and_writes_nothing(inspection):
    before = counts()
    result = run(workbook([row("1"), row("2")]), inspection, dry_run=True)
    assert result.ok and result.dry_run
    assert result.created == ["1", "2"]
    assert counts() == before


def test_a_changed_row_updates_only_that_problem_with_its_version_and_audit(inspection):
    run(workbook([row("1"), row("2")]), inspection)
    before_events = StatusEvent.objects.count()

    result = run(
        workbook([row("1", 责任领导="王强", 配合单位="省生态环境厅"), row("2")]), inspection
    )

    assert result.ok
    assert result.updated == ["1"] and result.unchanged == 1
    p1 = Problem.objects.get(number="1")
    assert p1.version == 2 and p1.responsible_leader == "王强"
    assert list(p1.cooperating_units.values_list("code", flat=True)) == ["520000-STHJT"]
    assert Problem.objects.get(number="2").version == 1
    update = AuditEvent.objects.get(action="problems.update_problem")
    assert update.before["responsible_leader"] == "李明"
    assert update.after["responsible_leader"] == "王强"
    assert StatusEvent.objects.count() == before_events


def test_new_progress_is_appended_on_reimport_and_old_history_kept(inspection):
    run(workbook([row("1", **{"最新进度(%)": 30})]), inspection, as_of=date(2020, 6, 30))
    result = run(workbook([row("1", **{"最新进度(%)": 60})]), inspection, as_of=date(2020, 9, 30))
    assert result.ok and result.events == 1
    p = Problem.objects.get(number="1")
    assert [(e.effective_date, e.percent) for e in p.events.all()] == [
        (date(2020, 6, 30), 30),
        (date(2020, 9, 30), 60),
    ]


def test_a_file_contradicting_recorded_completion_is_refused(inspection):
    run(workbook([row("1", 完成情况="完成整改", 完成时间="2020-10-01")]), inspection)
    before = counts()
    result = run(workbook([row("1", 完成情况="尚未启动")]), inspection)
    assert not result.ok
    assert result.errors[0].column == "完成情况"
    assert "completed on 2020-10-01" in result.errors[0].message
    assert counts() == before


def test_deadline_changes_of_existing_problems_are_refused(inspection):
    run(workbook([row("1")]), inspection)
    result = run(workbook([row("1", 整改时限="2021-06-30")]), inspection)
    assert not result.ok
    assert result.errors[0].column == "整改时限"
    assert "extension request" in result.errors[0].message


def test_dates_after_the_as_of_date_are_refused(inspection):
    result = run(workbook([row("1", 完成情况="完成整改", 完成时间="2021-01-05")]), inspection)
    assert [(e.row, e.column) for e in result.errors] == [(2, "完成时间")]


def test_a_label_that_disagrees_with_the_plan_gives_a_warning(inspection):
    result = run(
        workbook([row("1", 完成情况="达到序时进度", **{"最新进度(%)": 10})]),
        inspection,
        as_of=date(2020, 6, 30),
    )
    assert result.ok
    assert "未达到序时进度" in result.warnings[0]


def test_section_rows_give_the_aspect_when_there_is_no_aspect_column(inspection):
    header = ["序号", "问题简述", "牵头单位", "整改时限"]
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, header)
    ws.merge_range(1, 0, 1, 3, "一、思想认识方面（共1个问题）")
    ws.write_row(2, 0, ["1", "责任落实不到位", "遵义市", "2020-12-31"])
    ws.merge_range(3, 0, 3, 3, "二、城乡环境基础设施方面")
    ws.write_row(4, 0, ["2", "管网滞后", "遵义市", "2020-12-31"])
    ws.write_row(5, 0, ["3", "污水厂超标", "遵义市", "2020-12-31"])
    wb.close()

    result = run(out.getvalue(), inspection)

    assert result.ok, [str(e) for e in result.errors]
    aspects = dict(Problem.objects.values_list("number", "aspect__name"))
    assert aspects == {
        "1": "思想认识方面",
        "2": "城乡环境基础设施方面",
        "3": "城乡环境基础设施方面",
    }


def test_a_unit_clerk_may_not_import(inspection, zunyi_clerk):
    with pytest.raises(PermissionDenied):
        run(workbook([row("1")]), inspection, actor=zunyi_clerk)


def test_an_office_clerk_imports_and_is_named_in_the_audit(inspection, office_clerk):
    result = run(
        workbook([row("1", 完成情况="完成整改", 完成时间="2020-10-01")]),
        inspection,
        actor=office_clerk,
    )
    assert result.ok
    ours = AuditEvent.objects.filter(action__startswith="problems.")
    assert set(ours.values_list("actor_id", flat=True)) == {office_clerk.pk}
    assert StatusEvent.objects.get().actor == office_clerk
    assert StatusEvent.objects.get().kind == EventKind.ACCEPTED


def test_a_ledger_with_an_empty_column_a_reports_and_merges_by_the_real_columns(inspection):
    # python-calamine drops empty leading columns: without correcting for it, every column
    # letter would be one to the left and merged cells would land in the wrong column.
    import xlsxwriter

    header = ["序号", "问题简述", "牵头单位", "整改时限"]
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 1, header)
    ws.merge_range(1, 1, 1, 4, "一、思想认识方面")
    ws.write_row(2, 1, ["1", "责任落实不到位", "", "2020-12-31"])
    ws.write_row(3, 1, ["2", "管网滞后", "", "2020-13-45"])
    ws.merge_range(2, 3, 3, 3, "遵义市")  # one lead unit for both rows, as offices merge it
    ws.write_row(4, 1, ["3", "污水厂超标", "遵义县环保局", "2020-12-31"])
    wb.close()

    result = run(out.getvalue(), inspection)

    found = {(e.row, e.column, e.letter) for e in result.errors}
    assert found == {(4, "整改时限", "E"), (5, "牵头单位", "D")}, [str(e) for e in result.errors]

    fixed = io.BytesIO()
    wb = xlsxwriter.Workbook(fixed)
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 1, header)
    ws.merge_range(1, 1, 1, 4, "一、思想认识方面")
    ws.write_row(2, 1, ["1", "责任落实不到位", "", "2020-12-31"])
    ws.write_row(3, 1, ["2", "管网滞后", "", "2020-12-31"])
    ws.merge_range(2, 3, 3, 3, "遵义市")
    wb.close()

    result = run(fixed.getvalue(), inspection)

    assert result.ok, [str(e) for e in result.errors]
    problems = Problem.objects.filter(inspection=inspection).order_by("number")
    assert [(p.number, p.lead_unit.code, p.aspect.name) for p in problems] == [
        ("1", "520300", "思想认识方面"),
        ("2", "520300", "思想认识方面"),
    ]
