"""The house Word style: official documents (公文) laid out per GB/T 9704, with python-docx.

Every Word file the system writes (sign-off notices, the quarterly report, complaint
publications, disclosures) is built from these pieces so that they look alike:

- A4 portrait, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
- title in 方正小标宋简体 二号 (22 pt), centred, one blank line under it;
- body in 仿宋_GB2312 三号 (16 pt), fixed 28 pt line spacing, first line indented by two
  characters (w:firstLineChars="200", with the equivalent 32 pt for readers that ignore it);
- level-1 headings (一、) in 黑体 三号, level-2 headings ((一)) in 楷体_GB2312 三号;
- tables in 仿宋_GB2312 小四 (12 pt), header row repeated on every page;
- page numbers "— 1 —" in 宋体 四号 (14 pt), centred at the bottom of every page (GB/T 9704
  also allows the outer side; one centred footer keeps odd and even pages identical).

Fonts are set for Latin and East Asian text alike (w:ascii, w:hAnsi, w:eastAsia, w:cs): a
run that only sets w:ascii shows Chinese in Word's fallback font. The fonts are referred
to by the names Word and WPS know them by; they are not embedded.
"""

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # level 1: 一、
SUBHEADING_FONT = "楷体_GB2312"  # level 2: (一)
PAGE_NUMBER_FONT = "宋体"
TABLE_FONT = BODY_FONT

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四
LINE_SPACING = Pt(28)
FIRST_LINE_INDENT = Pt(32)  # two characters of 三号
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def set_font(run, name: str, size: Length, *, bold: bool = False) -> None:
    """Set a run's font for Latin and East Asian text alike (w:eastAsia on w:rFonts)."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _exact_spacing(paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING
    fmt.space_before = fmt.space_after = Pt(0)


def _indent_two_characters(paragraph) -> None:
    paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")


def setup_page(section, *, landscape: bool = False) -> None:
    """A4 with the official margins (landscape pages of an annex keep the same margins)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    else:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]


def page_number_footer(section) -> None:
    """ "— 1 —" centred in the footer, the number being a PAGE field Word updates."""
    footer = section.footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text: str = ""):
        r = p.add_run(text)
        set_font(r, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        return r

    def field_char(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run()._element.append(char)

    run("— ")
    field_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run()._element.append(instr)
    field_char("separate")
    run("1")
    field_char("end")
    run(" —")


def _normal_style(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_SPACING


def new_document() -> DocumentObject:
    """An empty document in the house style: A4, official margins, body font, page numbers."""
    doc = Document()
    _normal_style(doc)
    section = doc.sections[0]
    setup_page(section)
    page_number_footer(section)
    return doc


def title(doc: DocumentObject, text: str):
    """The document's title: 方正小标宋简体 二号, centred, a blank line under it."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(36)  # a 22 pt title needs more than the body's 28 pt
    fmt.space_before = Pt(0)
    fmt.space_after = LINE_SPACING
    set_font(p.add_run(text), TITLE_FONT, TITLE_SIZE)
    return p


def paragraph(
    doc: DocumentObject,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Length = BODY_SIZE,
    align=None,
    indent: bool = True,
    bold: bool = False,
):
    """A body paragraph: fixed 28 pt spacing, first line indented two characters."""
    p = doc.add_paragraph()
    _exact_spacing(p)
    if indent:
        _indent_two_characters(p)
    if align is not None:
        p.alignment = align
    set_font(p.add_run(text), font, size, bold=bold)
    return p


def heading(doc: DocumentObject, text: str, *, level: int = 1):
    """A heading as official documents write them: level 1 in 黑体, level 2 in 楷体_GB2312,
    both 三号 and indented like the body (the caller puts the 一、 / (一) in `text`)."""
    font = HEADING_FONT if level <= 1 else SUBHEADING_FONT
    return paragraph(doc, text, font=font)


def _repeat_header(row) -> None:
    """Repeat a table's header row on every page (w:tblHeader)."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell_text(cell, text: str, *, font: str, align=None) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    set_font(p.add_run(text), font, TABLE_SIZE)


def table(
    doc: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[Length] | None = None,
    numeric: Sequence[int] = (),
):
    """A grid table in 仿宋 小四: header row in 黑体, repeated on every page; columns whose
    index is in `numeric` are right-aligned."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(t.rows[0])
    for i, (cell, text) in enumerate(zip(t.rows[0].cells, header, strict=True)):
        if widths:
            cell.width = widths[i]
        _cell_text(cell, text, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = t.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            if widths:
                cell.width = widths[i]
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in numeric else None
            _cell_text(cell, str(text), font=TABLE_FONT, align=align)
    return t


def to_bytes(doc: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def official_document(
    title_text: str,
    sections: Sequence[tuple[str | None, Sequence[str]]],
    *,
    closing: Sequence[str] = (),
    number_headings: bool = True,
) -> bytes:
    """A whole document: title, level-1 headings numbered 一、二、… (unless the headings
    carry their numbers), body paragraphs, and right-aligned closing lines."""
    doc = new_document()
    title(doc, title_text)
    n = 0
    for head, paragraphs in sections:
        if head:
            n += 1
            heading(doc, f"{chinese_numeral(n)}、{head}" if number_headings else head)
        for text in paragraphs:
            paragraph(doc, text)
    for text in closing:
        paragraph(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(doc)
