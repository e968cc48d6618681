"""The disclosure's Word file: the same title, headings and paragraphs as the text, in the
house style (一、 in 黑体, （一） in 楷体_GB2312, body 仿宋 三号), and an annex with every
figure as a table on its own page, numbered like the rest."""

import io
from datetime import date

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from rectify.reports.render import document_for, render


def east_asian(paragraph) -> str | None:
    return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) if paragraph.runs else None


def test_the_word_file_says_what_the_text_says_in_the_official_layout(world):
    document = document_for(world, date(2020, 6, 30))
    word = docx.Document(io.BytesIO(render(document, "docx")))
    paragraphs = [p for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0].text == document.title
    assert east_asian(paragraphs[0]) == "方正小标宋简体" and paragraphs[0].runs[0].font.size == Pt(
        22
    )

    level1 = [p.text for p in paragraphs if east_asian(p) == "黑体"]
    level2 = [p.text for p in paragraphs if east_asian(p) == "楷体_GB2312"]
    assert level1 == [s.heading for s in document.sections if s.level == 1] + ["附件"]
    assert level2 == [s.heading for s in document.sections if s.level == 2]
    assert "（一）加强组织领导" in level2
    body = [p.text for p in paragraphs if east_asian(p) == "仿宋_GB2312"]
    for section in document.sections:
        for text in section.paragraphs:
            assert text in body
    assert "附件：截至2020年6月底主要数据" in body


def test_the_annex_lists_every_figure_on_a_new_page_with_the_same_margins_and_footer(world):
    word = docx.Document(io.BytesIO(render(document_for(world, date(2020, 6, 30)), "docx")))
    assert len(word.sections) == 2
    annex = word.sections[1]
    assert round(annex.top_margin.mm) == 37 and round(annex.left_margin.mm) == 28
    assert annex.footer.is_linked_to_previous
    rows = {r.cells[0].text.strip("\u3000"): r.cells[1].text for r in word.tables[0].rows}
    assert rows["整改问题"] == "6" and rows["已完成整改"] == "2"
    assert rows["交办群众举报问题"] == "3" and rows["办结率"] == "66.7%"
    assert rows["城市基础设施类"] == "3" and rows["致函"] == "2" and rows["督战队"] == "1"


def test_the_english_word_file_is_english(world):
    word = docx.Document(io.BytesIO(render(document_for(world, date(2020, 6, 30), "en"), "docx")))
    texts = [p.text for p in word.paragraphs]
    assert texts[0].startswith("Guizhou Province: progress")
    assert "Annex: Figures as of the end of June 2020" in texts
    assert word.tables[0].rows[0].cells[0].text == "Item"
