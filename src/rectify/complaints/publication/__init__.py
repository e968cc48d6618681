"""The daily handling publication (边督边改公开) of a complaint batch: its standard paragraphs
(text), its one-line-per-complaint public table (table, redaction), publishing and
withdrawing it (actions), and its Excel, Word, CSV and JSON forms (files).

Publishing freezes the paragraphs, the figures and the table into a Publication; the portal
serves only those frozen rows.
"""

from rectify.complaints.publication.actions import (
    check_publish,
    check_withdraw_publication,
    published,
)
from rectify.complaints.publication.files import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    filename,
    publication_docx,
    publication_json,
    publication_xlsx,
    rows_csv,
)
from rectify.complaints.publication.redaction import REDACTION_RULES, Rule, redact
from rectify.complaints.publication.table import (
    COLUMNS,
    attachment_title,
    headers,
    public_rows,
    table,
)
from rectify.complaints.publication.text import (
    area_words,
    batch_paragraphs,
    fine_en,
    fine_zh,
    month_day,
    paragraphs_from,
    publication_figures,
    team_words,
    title_from,
)

__all__ = [
    "COLUMNS",
    "DOCX_CONTENT_TYPE",
    "REDACTION_RULES",
    "XLSX_CONTENT_TYPE",
    "Rule",
    "area_words",
    "attachment_title",
    "batch_paragraphs",
    "check_publish",
    "check_withdraw_publication",
    "filename",
    "fine_en",
    "fine_zh",
    "headers",
    "month_day",
    "paragraphs_from",
    "public_rows",
    "publication_docx",
    "publication_figures",
    "publication_json",
    "publication_xlsx",
    "published",
    "redact",
    "rows_csv",
    "table",
    "team_words",
    "title_from",
]
