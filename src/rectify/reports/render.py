"""One disclosure in every format: json (the figures), text, html and docx.

A document is either computed now (the figures of reports.figures as of the date, with the
office's narratives) or frozen: a published (or later withdrawn) Disclosure renders from
the figures and paragraphs stored when it was published and is never recomputed, so that
what was published stays what it was whatever is recorded later.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from rectify.core import audit
from rectify.core.officedoc import DOCX_CONTENT_TYPE
from rectify.problems.models import Inspection
from rectify.reports.figures import disclosure_figures
from rectify.reports.models import Disclosure, DisclosureState
from rectify.reports.text import (
    Section,
    disclosure_paragraphs,
    plain_text,
    title_for,
    zh_as_of,
)
from rectify.reports.text.common import en_as_of

FORMATS = ("json", "text", "html", "docx")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": DOCX_CONTENT_TYPE,
}
EXTENSIONS = {"json": "json", "text": "txt", "html": "html", "docx": "docx"}
LIVE = "live"  # computed now, not stored


@dataclass
class DisclosureDocument:
    inspection: Inspection
    as_of: date
    lang: str
    title: str
    sections: list[Section]
    figures: dict[str, Any]
    state: str = LIVE  # live, or the Disclosure's state
    disclosure: Disclosure | None = None
    published_at: datetime | None = None
    withdrawn_reason: str = ""
    # The figures table as published; PostgreSQL's jsonb does not keep the key order of the
    # frozen figures, so the order the table was shown in is frozen with the text.
    stored_rows: list[tuple[str, str, int]] | None = None

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """The figures as (label, value, depth) table rows."""
        if self.stored_rows is not None:
            return self.stored_rows
        return figure_rows(self.figures, self.lang)

    @property
    def frozen(self) -> bool:
        return self.state in (DisclosureState.PUBLISHED, DisclosureState.WITHDRAWN)

    def frozen_paragraphs(self) -> dict[str, Any]:
        """What publication stores in Disclosure.paragraphs."""
        return {
            "title": self.title,
            "lang": self.lang,
            "sections": [s.as_dict() for s in self.sections],
            "rows": [list(row) for row in self.rows],
        }


def compute_figures(inspection: Inspection, as_of: date) -> dict[str, Any]:
    """The report contract's figures as plain JSON data (as stored when frozen)."""
    return audit.to_json(disclosure_figures(inspection, as_of))


def live_document(
    inspection: Inspection,
    as_of: date,
    lang: str = "zh",
    narratives: dict[str, Any] | None = None,
    *,
    disclosure: Disclosure | None = None,
) -> DisclosureDocument:
    """The disclosure computed now from the ledger, with the given narratives."""
    figures = compute_figures(inspection, as_of)
    return DisclosureDocument(
        inspection=inspection,
        as_of=as_of,
        lang=lang,
        title=title_for(inspection, lang),
        sections=disclosure_paragraphs(
            figures, narratives=narratives, inspection=inspection, lang=lang
        ),
        figures=figures,
        state=disclosure.state if disclosure is not None else LIVE,
        disclosure=disclosure,
    )


def frozen_document(disclosure: Disclosure) -> DisclosureDocument:
    """A published or withdrawn disclosure exactly as it was published."""
    stored = disclosure.paragraphs or {}
    return DisclosureDocument(
        inspection=disclosure.inspection,
        as_of=disclosure.as_of,
        lang=disclosure.lang,
        title=stored.get("title") or disclosure.title,
        sections=[Section.from_dict(s) for s in stored.get("sections") or []],
        figures=disclosure.figures or {},
        state=disclosure.state,
        disclosure=disclosure,
        published_at=disclosure.published_at,
        withdrawn_reason=disclosure.withdrawn_reason,
        stored_rows=[tuple(r) for r in stored["rows"]] if stored.get("rows") else None,
    )


def document_of(disclosure: Disclosure) -> DisclosureDocument:
    """Frozen once published; a draft is computed now with its narratives."""
    if disclosure.figures is not None and disclosure.state != DisclosureState.DRAFT:
        return frozen_document(disclosure)
    return live_document(
        disclosure.inspection,
        disclosure.as_of,
        disclosure.lang,
        disclosure.narratives,
        disclosure=disclosure,
    )


def published_disclosure(inspection: Inspection, as_of: date, lang: str) -> Disclosure | None:
    return (
        Disclosure.objects.select_related("inspection__target_region")
        .filter(inspection=inspection, as_of=as_of, lang=lang, state=DisclosureState.PUBLISHED)
        .first()
    )


def document_for(
    inspection: Inspection,
    as_of: date,
    lang: str = "zh",
    narratives: dict[str, Any] | None = None,
) -> DisclosureDocument:
    """The published disclosure for the inspection, date and language if there is one
    (frozen, never recomputed); otherwise the disclosure computed now."""
    published = published_disclosure(inspection, as_of, lang)
    if published is not None:
        return frozen_document(published)
    return live_document(inspection, as_of, lang, narratives)


def figures_caption(document: DisclosureDocument) -> str:
    if document.lang == "en":
        return f"Figures as of {en_as_of(document.as_of)}"
    return f"截至{zh_as_of(document.as_of)}主要数据"


# --- formats ------------------------------------------------------------------------------


def figures_json(document: DisclosureDocument) -> str:
    return json.dumps(document.figures, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"


# The plain-text form reproduces the reference article as it was published on the web, whose
# commas, semicolons, colons and brackets are half-width ("42项问题,30项已完成整改"); the
# page and the Word document keep the full-width forms of printed official documents.
WEB_PUNCTUATION = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")"})


def render(document: DisclosureDocument, fmt: str) -> str | bytes:
    """The document in one of FORMATS: str for json/text/html, bytes for docx."""
    if fmt == "json":
        return figures_json(document)
    if fmt == "text":
        text = plain_text(document.title, document.sections, lang=document.lang)
        return text.translate(WEB_PUNCTUATION) if document.lang == "zh" else text
    if fmt == "html":
        return render_to_string(
            "reports/disclosure_document.html",
            {
                "doc": document,
                "rows": document.rows,
                "caption": figures_caption(document),
            },
        )
    if fmt == "docx":
        from rectify.reports.docx import disclosure_docx

        return disclosure_docx(document)
    raise ValueError(f"unknown format {fmt!r}")


def render_disclosure(
    inspection: Inspection,
    as_of: date,
    fmt: str,
    lang: str = "zh",
    narratives: dict[str, Any] | None = None,
) -> str | bytes:
    """The disclosure of `inspection` as of `as_of` in `fmt` (see document_for)."""
    return render(document_for(inspection, as_of, lang, narratives), fmt)


def filename(document: DisclosureDocument, fmt: str) -> str:
    return (
        f"disclosure-{document.inspection.code}-{document.as_of.isoformat()}-"
        f"{document.lang}.{EXTENSIONS[fmt]}"
    )


# --- the figures as a table (the page beside the text, the Word annex) -------------------

_LABELS = {
    "problems": ("整改问题", "Problems on the ledger"),
    "completed": ("已完成整改", "Rectified"),
    "signed_off": ("其中完成交账销号", "of which signed off"),
    "on_schedule": ("达到时序进度", "On schedule"),
    "ahead_of_schedule": ("其中超过时序进度", "of which ahead of schedule"),
    "behind_schedule": ("未达到时序进度", "Behind schedule"),
    "overdue": ("逾期未完成", "Overdue"),
    "not_started": ("尚未启动", "Not started"),
    "basically_done": ("基本完成", "Basically done"),
    "by_category": ("按问题类别", "By category"),
    "by_aspect": ("按方面", "By aspect"),
    "by_deadline_year": ("按整改时限", "By deadline year"),
    "complaints": ("交办群众举报问题", "Public complaints transferred"),
    "closed": ("已办结", "Closed"),
    "closed_stage": ("阶段性办结", "Closed for the stage"),
    "in_progress": ("正在办理", "Being handled"),
    "closure_rate": ("办结率", "Closure rate"),
    "followup": ("省级督察问题", "Problems of follow-up inspections"),
    "followup_completed": ("已整改完成", "rectified"),
    "cases_transferred": ("移交责任追究案件", "Accountability cases transferred"),
    "organizations": ("追责党组织", "Party organisations held accountable"),
    "persons": ("追责人员", "Officials held accountable"),
    "by_rank": ("按职级", "By rank"),
    "by_sanction": ("按处理方式（人次）", "By sanction (person-times)"),
    "letters": ("致函", "Supervision letters"),
    "interviews": ("约谈", "Interviews"),
    "notifications": ("通报", "Notifications"),
    "secret_visits": ("暗访暗查", "Secret visits"),
    "spot_checks": ("抽查", "Spot checks"),
    "warning_films": ("警示片", "Warning films"),
    "meetings": ("召开会议", "Meetings"),
    "battle_teams": ("督战队", "Battle teams"),
    "responsibility_letters": ("目标责任书", "Responsibility letters"),
}


def _label(key: str, lang: str) -> str:
    zh, en = _LABELS[key]
    return en if lang == "en" else zh


def _n(value: Any) -> str:
    return str(value if value is not None else 0)


SUPERVISION_KEYS = (
    "letters",
    "interviews",
    "notifications",
    "secret_visits",
    "spot_checks",
    "warning_films",
)


def figure_rows(figures: dict[str, Any], lang: str = "zh") -> list[tuple[str, str, int]]:
    """(label, value, depth) for every figure, breakdowns indented under their total."""
    rows: list[tuple[str, str, int]] = []

    def add(key: str, value: Any, depth: int) -> None:
        rows.append((_label(key, lang), _n(value), depth))

    def breakdown(key: str, mapping: dict | None, depth: int) -> None:
        if mapping:
            rows.append((_label(key, lang), "", depth))
            rows.extend((str(name), _n(n), depth + 1) for name, n in mapping.items())

    p = figures.get("problems") or {}
    add("problems", p.get("total"), 0)
    add("completed", p.get("completed"), 1)
    add("signed_off", p.get("signed_off"), 2)
    add("on_schedule", p.get("on_schedule"), 1)
    add("ahead_of_schedule", p.get("ahead_of_schedule"), 2)
    for key in ("behind_schedule", "overdue", "not_started", "basically_done"):
        add(key, p.get(key), 1)
    for key in ("by_category", "by_aspect", "by_deadline_year"):
        breakdown(key, p.get(key), 1)

    q = figures.get("complaints") or {}
    add("complaints", q.get("assigned"), 0)
    for key in ("closed", "closed_stage", "in_progress"):
        add(key, q.get(key), 1)
    rate = float(q.get("closure_rate") or 0) * 100
    rows.append((_label("closure_rate", lang), f"{rate:.1f}%", 1))

    for block in figures.get("followup") or []:
        name = block.get("name") or block.get("inspection")
        rows.append((f"{_label('followup', lang)}：{name}", _n(block.get("total")), 0))
        add("followup_completed", block.get("completed"), 1)

    a = figures.get("accountability") or {}
    for key in ("cases_transferred", "organizations", "persons"):
        add(key, a.get(key), 0)
    breakdown("by_rank", a.get("by_rank"), 1)
    breakdown("by_sanction", a.get("by_sanction"), 1)

    s = figures.get("supervision") or {}
    for key in SUPERVISION_KEYS:
        add(key, s.get(key), 0)
    add("meetings", figures.get("meetings"), 0)
    rows.extend((str(k), _n(n), 1) for k, n in (figures.get("meetings_by_kind") or {}).items())
    add("battle_teams", figures.get("battle_teams"), 0)
    add("responsibility_letters", figures.get("responsibility_letters"), 0)
    return rows
