"""Request and response shapes of the disclosure API (see reports/api.py)."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class SectionOut(Schema):
    key: str = Field(description="Section key; the office's text of a section has the same key")
    level: int = Field(description="0: no heading; 1: 一、 heading; 2: （一） heading")
    heading: str | None
    paragraphs: list[str]


class DisclosureSummaryOut(Schema):
    id: int
    inspection: str
    as_of: dt.date
    lang: str
    state: str
    title: str
    published_at: dt.datetime | None
    version: int


class DisclosureOut(Schema):
    id: int | None = Field(description="None when computed on request and not stored")
    inspection: str
    as_of: dt.date
    lang: str
    state: str = Field(description="live (computed now), draft, published or withdrawn")
    title: str
    version: int | None
    published_at: dt.datetime | None
    withdrawn_reason: str
    narratives: dict[str, str] | None = Field(
        description="The office's own text by section (drafts; frozen into sections once out)"
    )
    sections: list[SectionOut]
    figures: dict[str, Any] = Field(description="The report contract of DESIGN.md")


class CreateIn(Schema):
    inspection: str = Field(description="Inspection code, e.g. central-2018-lookback")
    as_of: dt.date
    lang: str = "zh"


class NarrativesIn(Schema):
    narratives: dict[str, Any] = Field(
        description="Section key → text (an empty text removes it); figures are not editable"
    )
    version: int


class VersionIn(Schema):
    version: int


class WithdrawIn(Schema):
    reason: str
    version: int


class DifferenceOut(Schema):
    path: str
    published: Any
    recomputed: Any


class CompareOut(Schema):
    id: int
    as_of: dt.date
    same: bool
    differences: list[DifferenceOut]


TextFormat = Literal["json", "text"]
