"""The disclosure as a Word document in the house style of official documents (GB/T 9704,
core.officedoc): title, the text with 一、 headings in 黑体 and （一） headings in
楷体_GB2312, then an annex on a new page with every figure as a table (仿宋 小四)."""

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from rectify.core import officedoc
from rectify.reports.render import DisclosureDocument, figures_caption


def disclosure_docx(document: DisclosureDocument) -> bytes:
    """The document as .docx bytes (the same title and paragraphs as every other format)."""
    doc = officedoc.new_document()
    officedoc.title(doc, document.title)
    for section in document.sections:
        if section.heading:
            officedoc.heading(doc, section.heading, level=section.level)
        for text in section.paragraphs:
            officedoc.paragraph(doc, text)
    annex_label = "Annex" if document.lang == "en" else "附件"
    officedoc.paragraph(doc, "", indent=False)
    colon = ": " if document.lang == "en" else "："
    officedoc.paragraph(doc, f"{annex_label}{colon}{figures_caption(document)}")

    doc.add_section(WD_SECTION.NEW_PAGE)
    officedoc.paragraph(doc, annex_label, font=officedoc.HEADING_FONT, indent=False)
    caption = officedoc.paragraph(
        doc, figures_caption(document), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    for run in caption.runs:
        officedoc.set_font(run, officedoc.TITLE_FONT, officedoc.TITLE_SIZE)
    header = ("Item", "Figure") if document.lang == "en" else ("项目", "数据")
    rows = [("\u3000" * depth + label, value) for label, value, depth in document.rows]
    officedoc.table(doc, header, rows, widths=(Mm(110), Mm(46)), numeric=(1,))
    return officedoc.to_bytes(doc)
