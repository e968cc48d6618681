"""The house Word style (core.officedoc, GB/T 9704): page, fonts with w:eastAsia, sizes,
fixed line spacing, two-character indent, headings, tables, and the "— 1 —" footer."""

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from rectify.core import officedoc


def reopen(doc) -> docx.document.Document:
    return docx.Document(io.BytesIO(officedoc.to_bytes(doc)))


def fonts(run) -> dict[str, str]:
    rfonts = run._element.rPr.rFonts
    return {k: rfonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")}


def mm(length) -> float:
    return round(length.mm, 1)


@pytest.fixture
def sample():
    doc = officedoc.new_document()
    officedoc.title(doc, "关于整改落实情况的报告")
    officedoc.heading(doc, "一、总体情况")
    officedoc.heading(doc, "（一）组织领导", level=2)
    officedoc.paragraph(doc, "截至2020年8月底，42项问题已完成整改30项。")
    officedoc.table(doc, ["项目", "数据"], [["整改问题", "42"], ["已完成整改", "30"]], numeric=(1,))
    return reopen(doc)


def test_the_page_is_a4_with_the_official_margins(sample):
    section = sample.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)


def test_the_normal_style_is_fangsong_sanhao_with_east_asian_font_and_chinese(sample):
    normal = sample.styles["Normal"]
    rpr = normal.element.rPr
    assert rpr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)


def test_the_title_is_xiaobiaosong_erhao_centred(sample):
    title = sample.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert fonts(title.runs[0]) == dict.fromkeys(
        ("ascii", "hAnsi", "eastAsia", "cs"), "方正小标宋简体"
    )
    assert title.runs[0].font.size == Pt(22)
    assert title.paragraph_format.space_after == Pt(28)


def test_headings_are_heiti_and_kaiti_and_the_body_fangsong_at_exactly_28_points(sample):
    h1, h2, body = sample.paragraphs[1:4]
    assert fonts(h1.runs[0])["eastAsia"] == "黑体"
    assert fonts(h2.runs[0])["eastAsia"] == "楷体_GB2312"
    assert fonts(body.runs[0]) == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), "仿宋_GB2312")
    for p in (h1, h2, body):
        assert p.runs[0].font.size == Pt(16)
        fmt = p.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28)
        assert fmt.first_line_indent == Pt(32)
        assert p._p.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_tables_are_fangsong_xiaosi_with_a_repeated_heiti_header(sample):
    table = sample.tables[0]
    header, first = table.rows[0], table.rows[1]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    head_run = header.cells[0].paragraphs[0].runs[0]
    assert fonts(head_run)["eastAsia"] == "黑体" and head_run.font.size == Pt(12)
    cell_run = first.cells[0].paragraphs[0].runs[0]
    assert fonts(cell_run)["eastAsia"] == "仿宋_GB2312" and cell_run.font.size == Pt(12)
    assert first.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert [c.text for c in first.cells] == ["整改问题", "42"]


def test_page_numbers_are_dash_page_dash_in_songti_sihao_centred(sample):
    footer = sample.sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert footer.text == "— 1 —"
    instructions = "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
    assert instructions.strip() == "PAGE"
    kinds = [c.get(qn("w:fldCharType")) for c in footer._element.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    for run in footer.runs:
        assert fonts(run)["eastAsia"] == "宋体" and run.font.size == Pt(14)


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")]
)
def test_heading_numbers_are_chinese_numerals(n, numeral):
    assert officedoc.chinese_numeral(n) == numeral


def test_a_whole_document_numbers_its_headings(db):
    data = officedoc.official_document(
        "标题", [("总体情况", ["正文。"]), (None, ["无标题段。"]), ("下一步", [])]
    )
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts == ["标题", "一、总体情况", "正文。", "无标题段。", "二、下一步"]
