"""The disclosure's text (公开): the figures of reports.figures put into the sentences of the
reference article (guizhou-2020-disclosure.txt), in Chinese or English.

Structure, as the article has it (section keys in brackets; the office's own words, its
"narratives", go into the section of the same key):
  [opening]         who inspected when, the feedback, then "截至…，…N项问题，a项已完成整改，
                    b项达到时序进度要求；交办…M件群众举报问题已全部办结" — the narrative is
                    woven into this paragraph between the feedback and the figures;
  一 [responsibility] political responsibility (narrative only), with
     （一）[leadership]     meetings by kind and responsibility letters,
     （二）[followup]       the province's own follow-up inspections,
     （三）[supervision]    letters, interviews, notifications, secret visits, checks,
     （四）[accountability] organisations and officials held accountable;
  二 [ledger]         the ledger by aspect, category and deadline year;
  三 [complaints]     complaint closure and enforcement;
  四 [battle_teams]   battle teams;
  [next_steps]        the office's narrative, or a default sentence that fits the figures.

Rules that keep the text true for any figures (tested with zero, mixed and all-done
figures): a clause whose count is zero is left out (never "致函0次"); "全部办结" and
"已全部完成整改" only when everything is and there is something; "其余正在整改" only when
some remain; a section with nothing to say is left out and the remaining ones are numbered
without gaps; nothing about rectification is said before the inspection's feedback date.
Every number comes from `figures`; the inspection (names, dates) gives only the words.
"""

from datetime import date
from typing import Any

from rectify.problems.models import Inspection
from rectify.reports.text.common import (
    LANGS,
    MAX_NARRATIVE_CHARS,
    NARRATIVE_AFTER,
    NARRATIVE_KEYS,
    SECTIONS,
    Context,
    Section,
    narrative_paragraphs,
    title_for,
    zh_as_of,
)
from rectify.reports.text.en import English
from rectify.reports.text.reference import REFERENCE_NARRATIVES
from rectify.reports.text.zh import Chinese

__all__ = [
    "LANGS",
    "MAX_NARRATIVE_CHARS",
    "NARRATIVE_KEYS",
    "REFERENCE_NARRATIVES",
    "SECTIONS",
    "Section",
    "clean_narratives",
    "disclosure_paragraphs",
    "plain_text",
    "title_for",
    "zh_as_of",
]


def _children(figures: dict[str, Any]) -> dict[str, Inspection]:
    codes = [b.get("inspection") for b in figures.get("followup") or []]
    return {i.code: i for i in Inspection.objects.filter(code__in=codes)}


def clean_narratives(narratives: dict[str, Any] | None) -> dict[str, list[str]]:
    """Known keys only, as paragraphs (unknown keys are the caller's to reject)."""
    out = {}
    for key in NARRATIVE_KEYS:
        value = (narratives or {}).get(key)
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        paragraphs = narrative_paragraphs(value)
        if paragraphs:
            out[key] = paragraphs
    return out


def disclosure_paragraphs(
    figures: dict[str, Any],
    *,
    narratives: dict[str, Any] | None = None,
    inspection: Inspection,
    lang: str = "zh",
) -> list[Section]:
    """The disclosure as sections of paragraphs, headings numbered (see the module doc)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    context = Context(
        figures=figures,
        inspection=inspection,
        as_of=date.fromisoformat(str(figures["as_of"])),
        narratives=clean_narratives(narratives),
        children=_children(figures),
    )
    words = English(context) if lang == "en" else Chinese(context)
    built: list[Section] = []
    for key, level in SECTIONS:
        generated = getattr(words, key)()
        own = [] if key == "opening" else context.narratives.get(key, [])
        if key == "next_steps":
            paragraphs = own or generated
        elif key in NARRATIVE_AFTER:
            paragraphs = generated + own
        else:
            paragraphs = own + generated
        built.append(
            Section(key=key, heading=words.heading(key) or None, paragraphs=paragraphs, level=level)
        )

    # A level-1 section is kept when it or one of its level-2 children has paragraphs.
    kept: list[Section] = []
    for i, section in enumerate(built):
        if section.level == 1 and not section.paragraphs:
            children = []
            for later in built[i + 1 :]:
                if later.level != 2:
                    break
                children.append(later)
            if not any(ch.paragraphs for ch in children):
                continue
        elif not section.paragraphs:
            continue
        kept.append(section)

    n1 = n2 = 0
    for section in kept:
        if section.level == 1:
            n1, n2 = n1 + 1, 0
            section.heading = words.numbered(1, n1, section.heading or "")
        elif section.level == 2:
            n2 += 1
            section.heading = words.numbered(2, n2, section.heading or "")
        else:
            section.heading = None
    return kept


def plain_text(title: str, sections: list[Section], *, lang: str = "zh") -> str:
    """The disclosure as plain text: the title, then headings and indented paragraphs."""
    indent = "\u3000\u3000" if lang == "zh" else ""
    lines = [title, ""]
    for section in sections:
        if section.heading:
            lines.append(indent + section.heading)
        lines.extend(indent + p for p in section.paragraphs)
    return "\n".join(lines).rstrip() + "\n"
