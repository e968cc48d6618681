"""What offices type into ledger cells, parsed; and the headers they write, matched."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectify.problems.excel import cells as C
from rectify.problems.excel.headers import match_header, normalise
from rectify.problems.states import DeadlineKind


@pytest.mark.parametrize(
    "value",
    [
        "2020年12月31日",
        "2020-12-31",
        "2020/12/31",
        "2020.12.31",
        "2020年底",
        "2020年底前",
        "2020年12月底前完成",
        "2020-12-31 00:00:00",
        "20201231",
        44196,
        44196.0,
        "44196",
        date(2020, 12, 31),
        datetime(2020, 12, 31, 0, 0),
        "２０２０年１２月３１日",
    ],
)
def test_dates_in_every_office_spelling_are_read(value):
    assert C.parse_date(value) == date(2020, 12, 31)


def test_month_ends_and_half_years_are_read_as_their_last_day():
    assert C.parse_date("2021年6月底") == date(2021, 6, 30)
    assert C.parse_date("2021年2月") == date(2021, 2, 28)
    assert C.parse_date("2021年上半年") == date(2021, 6, 30)


@pytest.mark.parametrize("value", ["2020-02-30", "明年", "2020", 2020, "12/31/2020", True])
def test_things_that_are_not_dates_are_refused_with_a_message(value):
    with pytest.raises(C.CellValueError):
        C.parse_date(value)


def test_deadline_words_give_the_kind_of_deadline():
    assert C.parse_deadline("立行立改") == (DeadlineKind.IMMEDIATE, None)
    assert C.parse_deadline("长期坚持") == (DeadlineKind.ONGOING, None)
    assert C.parse_deadline("立行立改，2019年12月底前") == (
        DeadlineKind.IMMEDIATE,
        date(2019, 12, 31),
    )
    assert C.parse_deadline(44196) == (DeadlineKind.BY_DATE, date(2020, 12, 31))


def test_export_spelling_of_deadlines_reads_back():
    start = date(2019, 5, 10)
    for kind, d in [
        (DeadlineKind.IMMEDIATE, start),
        (DeadlineKind.IMMEDIATE, date(2019, 8, 31)),
        (DeadlineKind.ONGOING, None),
        (DeadlineKind.ONGOING, date(2025, 12, 31)),
        (DeadlineKind.BY_DATE, date(2020, 12, 31)),
    ]:
        # 立行立改 on the start date is written without a date; the import defaults it back.
        expected = None if (kind, d) == (DeadlineKind.IMMEDIATE, start) else d
        assert C.parse_deadline(C.format_deadline(kind, d, start)) == (kind, expected)


def test_percents_are_read_from_numbers_text_and_percent_cells():
    assert C.parse_percent(60) == 60
    assert C.parse_percent("60%") == 60
    assert C.parse_percent("６０％") == 60
    assert C.parse_percent(0.6) == 60
    assert C.parse_percent(12.5) == 13
    with pytest.raises(C.CellValueError):
        C.parse_percent(120)


def test_measures_lose_their_numbering():
    assert C.split_measures("1.建设管网\n2、完善监管\n（3）加强执法\n④ 公开信息") == [
        "建设管网",
        "完善监管",
        "加强执法",
        "公开信息",
    ]
    assert C.split_measures("1.建设管网1.5公里；2.完善监管。") == ["建设管网1.5公里", "完善监管。"]
    assert C.split_measures("只有一条措施") == ["只有一条措施"]


def test_measures_written_by_the_export_read_back():
    texts = ["完成雨污分流", "+新建污水处理厂", "2020年完成80%"]
    assert C.split_measures(C.format_measures(texts)) == texts


def test_units_are_split_on_every_separator():
    assert C.split_units("省生态环境厅、省水利厅，省林业局;遵义市\n播州区") == [
        "省生态环境厅",
        "省水利厅",
        "省林业局",
        "遵义市",
        "播州区",
    ]


def test_milestones_are_read_in_both_spellings():
    assert C.parse_milestones("2020-06-30:50%;2020-09-30:80%") == [
        (date(2020, 6, 30), 50),
        (date(2020, 9, 30), 80),
    ]
    assert C.parse_milestones("2020年6月底完成50%；2020年底100%") == [
        (date(2020, 6, 30), 50),
        (date(2020, 12, 31), 100),
    ]
    with pytest.raises(C.CellValueError):
        C.parse_milestones("过半")


@given(st.text())
def test_neutralising_a_cell_is_undone_by_the_import(text):
    neutral = C.neutralise(text)
    assert neutral[:1] not in C.FORMULA_START
    assert C.unneutralise(neutral) == text


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("最新进度（%）", "percent"),
        ("最新进度(%)", "percent"),
        (" 问题 编号 ", "number"),
        ("*问题简述", "title"),
        ("项目", "title"),
        ("责任单位", "lead_unit"),
        ("所属城市", "region"),
        ("归类", "category"),
        ("任务具体整改要求 / 整改目标", "target"),
        ("整改期限（截止日期）", "deadline"),
        ("罚款金额（万元）", None),
    ],
)
def test_headers_are_matched_tolerantly(header, key):
    hit = match_header(header)
    assert (hit[0] if hit else None) == key


def test_normalising_keeps_a_header_that_is_only_a_bracket():
    assert normalise("（备注）") == "(备注)"
