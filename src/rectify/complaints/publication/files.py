"""A publication as files: Excel and Word (title, paragraphs, then the 一览表) and the
table as open data (CSV, JSON). Built from the frozen Publication only."""

import csv
import io
import json

import xlsxwriter
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from rectify.complaints.models import Publication
from rectify.complaints.publication.table import COLUMNS, attachment_title, headers
from rectify.core import officedoc
from rectify.problems.excel.cells import neutralise

DOCX_CONTENT_TYPE = officedoc.DOCX_CONTENT_TYPE
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(pub: Publication, ext: str) -> str:
    """The file name of a publication's download: ASCII, says what and as of when."""
    return f"complaints-{pub.inspection.code}-batch{pub.batch.number}-{pub.as_of}.{ext}"


def publication_xlsx(pub: Publication) -> bytes:
    """Title, paragraphs, then the 一览表 on one printable sheet; every text cell is
    formula-neutralised (the ledger export's rule)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    para = wb.add_format({"text_wrap": True, "valign": "top"})
    caption = wb.add_format({"bold": True, "font_size": 12})
    head = wb.add_format(
        {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws = wb.add_worksheet("边督边改公开")
    last = len(COLUMNS)  # column 0 is 序号
    ws.set_column(0, 0, 6)
    for col, column in enumerate(COLUMNS, start=1):
        ws.set_column(col, col, column.width)
    ws.merge_range(0, 0, 0, last, neutralise(pub.title), title)
    ws.set_row(0, 36)
    row = 1
    for text in pub.paragraphs:
        ws.merge_range(row, 0, row, last, neutralise(text), para)
        ws.set_row(row, 15 * max(2, len(text) // 90 + 1))
        row += 1
    row += 1
    ws.merge_range(
        row,
        0,
        row,
        last,
        neutralise("附件：" + attachment_title(pub.inspection, pub.batch.number)),
        caption,
    )
    row += 1
    header_row = row
    ws.write_string(row, 0, "序号", head)
    for col, column in enumerate(COLUMNS, start=1):
        ws.write_string(row, col, column.zh, head)
    for n, item in enumerate(pub.rows, start=1):
        ws.write_number(row + n, 0, n, cell)
        for col, column in enumerate(COLUMNS, start=1):
            ws.write_string(row + n, col, neutralise(str(item.get(column.key, ""))), cell)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + max(len(pub.rows), 1), last)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    wb.close()
    return buffer.getvalue()


def publication_docx(pub: Publication) -> bytes:
    """The publication as an official document (core.officedoc, GB/T 9704): title,
    paragraphs, then the 一览表 as an attachment on landscape pages."""
    doc = officedoc.new_document()
    officedoc.title(doc, pub.title)
    for text in pub.paragraphs:
        officedoc.paragraph(doc, text)
    caption = attachment_title(pub.inspection, pub.batch.number)
    officedoc.paragraph(doc, "")
    officedoc.paragraph(doc, f"附件：{caption}")

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    officedoc.setup_page(annex, landscape=True)
    officedoc.paragraph(doc, "附件", font=officedoc.HEADING_FONT, indent=False)
    officedoc.paragraph(
        doc,
        caption,
        font=officedoc.TITLE_FONT,
        size=Pt(18),
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    # 序号 10 mm; the rest share the 243 mm between the landscape margins as in Excel.
    share = (243 - 10) / sum(c.width for c in COLUMNS)
    widths = [Mm(10)] + [Mm(c.width * share) for c in COLUMNS]
    officedoc.table(
        doc,
        headers("zh"),
        [
            [str(n), *(str(row.get(c.key, "")) for c in COLUMNS)]
            for n, row in enumerate(pub.rows, 1)
        ],
        widths=widths,
        numeric=(0,),
    )
    return officedoc.to_bytes(doc)


def rows_csv(pub: Publication) -> str:
    """The 一览表 as CSV with the Chinese headers (UTF-8 with BOM for spreadsheet programs);
    cells a spreadsheet would take for formulas are neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.zh for c in COLUMNS])
    for item in pub.rows:
        writer.writerow([neutralise(str(item.get(c.key, ""))) for c in COLUMNS])
    return out.getvalue()


def publication_json(pub: Publication) -> str:
    """The publication as open data: metadata, paragraphs, figures, columns and rows."""
    with translation.override("en"):
        columns = [{"key": c.key, "zh": c.zh, "en": str(c.en)} for c in COLUMNS]
    data = {
        "title": pub.title,
        "inspection": pub.inspection.code,
        "batch": pub.batch.number,
        "as_of": pub.as_of,
        "published_at": pub.published_at,
        "paragraphs": pub.paragraphs,
        "figures": pub.figures,
        "columns": columns,
        "rows": pub.rows,
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
