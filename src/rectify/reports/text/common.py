"""What the Chinese and English texts share: the section table, dates, the words taken from
the inspection, and reading the figures (missing keys count as zero)."""

import re
from calendar import monthrange
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rectify.orgs.models import OrgKind
from rectify.problems.models import Inspection, InspectionKind, InspectionLevel

LANGS = ("zh", "en")

# Narrative slots, in document order: (key, level) — level 0 has no heading.
SECTIONS: list[tuple[str, int]] = [
    ("opening", 0),
    ("responsibility", 1),
    ("leadership", 2),
    ("followup", 2),
    ("supervision", 2),
    ("accountability", 2),
    ("ledger", 1),
    ("complaints", 1),
    ("battle_teams", 1),
    ("next_steps", 0),
]
NARRATIVE_KEYS = tuple(key for key, _level in SECTIONS)
# Where the office's paragraphs go relative to the generated ones (the article's order).
NARRATIVE_AFTER = {"ledger", "complaints"}
MAX_NARRATIVE_CHARS = 4000


@dataclass
class Section:
    key: str
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)
    level: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Section":
        return cls(
            key=data["key"],
            heading=data.get("heading"),
            paragraphs=list(data.get("paragraphs") or []),
            level=int(data.get("level", 1)),
        )


def narrative_paragraphs(text: str | None) -> list[str]:
    """The office's text as paragraphs: one per non-empty line, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- dates ----------------------------------------------------------------------------------


def is_month_end(d: date) -> bool:
    return d.day == monthrange(d.year, d.month)[1]


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def zh_as_of(d: date) -> str:
    """截至 dates as disclosures write them: 2020年8月底 at a month's end, else 2020年8月31日."""
    return f"{d.year}年{d.month}月底" if is_month_end(d) else zh_date(d)


def zh_range(start: date, end: date) -> str:
    """2018年11月4日至12月4日 (the second year only when it differs)."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else zh_date(end)
    return f"{zh_date(start)}至{tail}"


def en_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def en_as_of(d: date) -> str:
    return f"the end of {d.strftime('%B')} {d.year}" if is_month_end(d) else en_date(d)


# --- words from the inspection -----------------------------------------------------------


LEVEL_ZH = {
    InspectionLevel.CENTRAL: "中央生态环境保护督察",
    InspectionLevel.PROVINCIAL: "省委生态环境保护督察",
}
LEVEL_EN = {
    InspectionLevel.CENTRAL: "central environmental protection inspection",
    InspectionLevel.PROVINCIAL: "provincial environmental protection inspection",
}
SPECIAL_SUFFIX = re.compile(r"及([^及]+专项督察)$")
LEADING_YEAR = re.compile(r"^\d{4}年")

REGIONS_EN = {
    "520000": "Guizhou Province",
    "520100": "Guiyang",
    "520200": "Liupanshui",
    "520300": "Zunyi",
    "520400": "Anshun",
    "520500": "Bijie",
    "520600": "Tongren",
    "522300": "Qianxinan",
    "522600": "Qiandongnan",
    "522700": "Qiannan",
}
CATEGORIES_EN = {
    "思想认识类": "awareness",
    "城市基础设施类": "urban infrastructure",
    "自然保护地类": "nature reserves",
    "“三磷”污染类": "phosphorus-industry pollution",
    "环境生态类": "environment and ecology",
    "畜禽养殖类": "livestock farming",
    "其他类": "other",
}
MEETINGS_EN = {
    "省委常委会会议": "meetings of the provincial Party standing committee",
    "省政府常务会议": "executive meetings of the provincial government",
    "专题会": "special meetings",
    "领导小组会议": "meetings of the leading group",
}
RANKS_EN = {
    "厅级": "bureau level",
    "处级": "division level",
    "科级及以下": "section level or below",
}
SANCTIONS_EN = {
    "党纪政务处分": "Party or government disciplinary sanctions",
    "党纪政务处分并组织处理": "disciplinary sanctions with organisational handling",
    "组织处理": "organisational handling",
    "诫勉谈话": "admonishment",
    "书面检查": "written self-criticism",
    "约谈": "a formal talk",
    "批评教育": "criticism and education",
    "移送司法机关": "referral to the judicial authorities",
}
ENFORCEMENT_EN = {
    "ordered_rectify": ("{n} firm ordered to rectify", "{n} firms ordered to rectify"),
    "penalty_cases": ("{n} firm penalised", "{n} firms penalised"),
    "fines_yuan": ("fines of CNY {n}", "fines of CNY {n}"),
    "criminal_cases": ("{n} criminal case opened", "{n} criminal cases opened"),
    "admin_detained": (
        "{n} person in administrative detention",
        "{n} persons in administrative detention",
    ),
    "criminal_detained": ("{n} person in criminal detention", "{n} persons in criminal detention"),
    "interviewed": ("{n} official summoned for a talk", "{n} officials summoned for a talk"),
    "held_accountable": ("{n} official held accountable", "{n} officials held accountable"),
}


def inspection_subject_zh(inspection: Inspection) -> str:
    """What the inspection is called in a title: its own name, unless the name is a
    sentence about the team ("中央第五…督察组对贵州省…"), then level, kind and any special
    inspection the name joins to it ("中央生态环境保护督察“回头看”及…专项督察")."""
    name, team = inspection.name, inspection.team
    if not team or not name.startswith(team):
        return name
    base = LEVEL_ZH.get(inspection.level, "生态环境保护督察")
    if inspection.kind == InspectionKind.LOOKBACK:
        base += "“回头看”"
    elif inspection.kind == InspectionKind.SPECIAL:
        base = base.replace("督察", "专项督察")
    special = SPECIAL_SUFFIX.search(name)
    if special and inspection.kind != InspectionKind.SPECIAL:
        base += "及" + special.group(1)
    return base


def activity_zh(inspection: Inspection, region: str) -> str:
    """What the team did, for "…督察组对<region>开展<activity>"."""
    name, team = inspection.name, inspection.team
    if team and name.startswith(team):
        rest = name[len(team) :]
        for prefix in (f"对{region}", "对我省", "对"):
            if rest.startswith(prefix):
                return rest[len(prefix) :]
        return rest
    return name


def inspection_subject_en(inspection: Inspection) -> str:
    base = LEVEL_EN.get(inspection.level, "environmental protection inspection")
    if inspection.kind == InspectionKind.LOOKBACK:
        base += " look-back"
    elif inspection.kind == InspectionKind.SPECIAL:
        base = base.replace("inspection", "special inspection")
    if SPECIAL_SUFFIX.search(inspection.name) and inspection.kind != InspectionKind.SPECIAL:
        base += " and the accompanying special inspection"
    return base


def region_en(org) -> str:
    return REGIONS_EN.get(org.code, org.name)


def title_for(inspection: Inspection, lang: str = "zh") -> str:
    """贵州省公开<…>反馈意见整改落实情况, or its English counterpart."""
    region = inspection.target_region
    if lang == "en":
        return (
            f"{region_en(region)}: progress in rectifying the feedback of the "
            f"{inspection_subject_en(inspection)}"
        )
    return f"{region.name}公开{inspection_subject_zh(inspection)}反馈意见整改落实情况"


# --- reading the figures ----------------------------------------------------------------


def count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def named(mapping: dict | None) -> list[tuple[str, int]]:
    """(name, n) of a breakdown with n > 0, in the figures' order; no name → ""."""
    out = []
    for name, n in (mapping or {}).items():
        if count(n) > 0:
            out.append(("" if name in (None, "None", "null") else str(name), count(n)))
    return out


@dataclass
class Context:
    figures: dict[str, Any]
    inspection: Inspection
    as_of: date
    narratives: dict[str, list[str]]
    children: dict[str, Inspection]

    @property
    def phase(self) -> str:
        """before (not on site yet), onsite, awaiting (feedback) or after (feedback given)."""
        i, d = self.inspection, self.as_of
        if i.feedback_date and d >= i.feedback_date:
            return "after"
        if i.onsite_start and d < i.onsite_start:
            return "before"
        if i.onsite_start and (i.onsite_end is None or d <= i.onsite_end):
            return "onsite"
        return "awaiting"

    @property
    def central(self) -> bool:
        return self.inspection.level == InspectionLevel.CENTRAL

    @property
    def province_wide(self) -> bool:
        return self.inspection.target_region.kind == OrgKind.PROVINCE

    @property
    def problems(self) -> dict[str, Any]:
        return self.figures.get("problems") or {}

    @property
    def complaints(self) -> dict[str, Any]:
        return self.figures.get("complaints") or {}

    @property
    def open_problems(self) -> int:
        p = self.problems
        return max(count(p.get("total")) - count(p.get("completed")), 0)

    def children_started(self) -> list[tuple[dict[str, Any], Inspection]]:
        """(figures block, inspection) of each follow-up inspection begun by the date."""
        out = []
        for block in self.figures.get("followup") or []:
            child = self.children.get(block.get("inspection"))
            if child is None:
                continue
            begun = child.onsite_start or child.feedback_date
            if begun and self.as_of >= begun:
                out.append((block, child))
        return out
