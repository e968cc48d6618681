"""The standard paragraphs of the 边督边改 publication and the figures they state.

Paragraphs, in the order offices publish them (office-formats.md, "Daily handling
publication"): the batch as of a date, the cumulative figures from the first batch, and a
standing closing sentence. Clauses with a zero count are left out. The Chinese text uses
full-width punctuation as published; the NFKC-normalised reference texts show the same
sentences with half-width commas. Fines are printed in 元 with thousands separators below
10,000 元 and in 万元 (two decimals at most, rounded half up) from 10,000 元 on, as
publications do; the figures keep the exact amount in 元. Repeat complaints are counted as
transferred (the team counts them) and named: "……M件信访举报件（其中重复件x件）".
Every figure comes from complaints.stats as of the date.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from rectify.complaints import stats
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.complaints.states import ENFORCEMENT_FIELDS
from rectify.orgs.models import Org, OrgKind
from rectify.problems.models import InspectionLevel

# (name suffix, Chinese area word, English noun); longest suffix first.
_AREAS = [
    ("自治州", "州", "prefecture"),
    ("自治县", "县", "county"),
    ("新区", "区", "new area"),
    ("特区", "区", "district"),
    ("省", "省", "province"),
    ("州", "州", "prefecture"),
    ("市", "市", "city"),
    ("区", "区", "district"),
    ("县", "县", "county"),
    ("旗", "旗", "banner"),
]


def area_words(org: Org) -> tuple[str, str]:
    """The word a region calls itself by in "全省/全市/全州…" and its English noun."""
    for suffix, zh, en in _AREAS:
        if org.name.endswith(suffix):
            return zh, en
    if org.kind == OrgKind.PROVINCE:
        return "省", "province"
    return "市", "city"


def team_words(level: str) -> tuple[str, str]:
    """How the paragraphs name the team that transferred the complaints."""
    if level == InspectionLevel.PROVINCIAL:
        return "省委督察组", "the provincial inspection team"
    return "中央督察组", "the central inspection team"


def month_day(d: date) -> str:
    return f"{d.month}月{d.day}日"


def long_date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def long_date_en(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _grouped(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def fine_zh(amount: Decimal) -> str:
    """罚款 as publications print it: "8,500元", "68.5万元", "120万元"."""
    amount = Decimal(amount)
    if amount >= 10_000:
        wan = (amount / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = f"{wan:.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{_grouped(amount)}元"


def fine_en(amount: Decimal) -> str:
    return f"CNY {_grouped(Decimal(amount))}"


# English clause of each enforcement count: (singular, plural) with {n}.
ENFORCEMENT_EN: dict[str, tuple[str, str]] = {
    "ordered_rectify": ("{n} firm ordered to rectify", "{n} firms ordered to rectify"),
    "penalty_cases": ("{n} firm penalised", "{n} firms penalised"),
    "fines_yuan": ("fines of {n}", "fines of {n}"),
    "criminal_cases": ("{n} criminal case opened", "{n} criminal cases opened"),
    "admin_detained": (
        "{n} person in administrative detention",
        "{n} persons in administrative detention",
    ),
    "criminal_detained": (
        "{n} person in criminal detention",
        "{n} persons in criminal detention",
    ),
    "interviewed": ("{n} official interviewed", "{n} officials interviewed"),
    "held_accountable": ("{n} official held accountable", "{n} officials held accountable"),
}


def in_region(qs: QuerySet[Complaint], region: Org | None) -> QuerySet[Complaint]:
    """`qs` narrowed to `region`'s subtree (all of it when None)."""
    return qs.filter(region__path__startswith=region.path) if region is not None else qs


def _block(qs: QuerySet[Complaint], as_of: date) -> dict[str, Any]:
    c = stats.counts(qs, as_of)
    money = stats.enforcement(qs, as_of)
    return {
        "transferred": c.received,
        "closed": c.closed,
        "closed_stage": c.closed_stage,
        "open": c.in_progress,
        "repeats": c.repeats,
        "closure_rate": c.closure_rate,
        "enforcement": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in money.items()},
    }


def publication_figures(
    batch: ComplaintBatch, as_of: date, *, region: Org | None = None
) -> dict[str, Any]:
    """Everything the paragraphs state, as JSON data: the batch and the cumulative figures
    (batches 1…N of the inspection) as of `as_of`, within `region`'s subtree if given."""
    inspection = batch.inspection
    publisher = region or inspection.target_region
    area_zh, area_en = area_words(publisher)
    team_zh, team_en = team_words(inspection.level)
    batch_qs = in_region(Complaint.objects.filter(batch=batch), region)
    upto = in_region(
        Complaint.objects.filter(batch__inspection=inspection, batch__number__lte=batch.number),
        region,
    )
    first = (
        stats.received_by(upto, as_of)
        .order_by("batch__number")
        .values_list("batch__number", flat=True)
        .first()
    )
    return {
        "inspection": inspection.code,
        "level": inspection.level,
        "team": inspection.team,
        "team_words": {"zh": team_zh, "en": team_en},
        "publisher": {"code": publisher.code, "name": publisher.name},
        "region": region.code if region is not None else None,
        "area": {"zh": area_zh, "en": area_en},
        "batch_number": batch.number,
        "batch_received_on": batch.received_on.isoformat(),
        "as_of": as_of.isoformat(),
        "batch": _block(batch_qs, as_of),
        "cumulative": {"first_batch": first or batch.number, **_block(upto, as_of)},
    }


def _enforcement_zh(enf: dict[str, Any]) -> list[str]:
    out = []
    for name, (label, unit) in ENFORCEMENT_FIELDS.items():
        value = Decimal(str(enf.get(name, 0)))
        if value:
            amount = fine_zh(value) if name == "fines_yuan" else f"{value}{unit}"
            out.append(f"{label}{amount}")
    return out


def _enforcement_en(enf: dict[str, Any]) -> list[str]:
    out = []
    for name in ENFORCEMENT_FIELDS:
        value = Decimal(str(enf.get(name, 0)))
        if value:
            one, many = ENFORCEMENT_EN[name]
            n = fine_en(value) if name == "fines_yuan" else str(value)
            out.append((one if value == 1 else many).format(n=n))
    return out


def _closure_zh(b: dict[str, Any]) -> str:
    parts = [
        f"{label}{b[key]}件"
        for key, label in (("closed", "已办结"), ("closed_stage", "阶段性办结"), ("open", "未办结"))
        if b[key]
    ]
    return "、".join(parts)


def _closure_en(b: dict[str, Any]) -> str:
    parts = [
        f"{b[key]} {label}"
        for key, label in (
            ("closed", "closed"),
            ("closed_stage", "closed for this stage"),
            ("open", "still in progress"),
        )
        if b[key]
    ]
    return _join_en(parts)


def _join_en(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _details_zh(b: dict[str, Any]) -> str:
    """ "其中，已办结a件、…，责令整改d家，…" (zero clauses left out)."""
    return "，".join(["其中", _closure_zh(b), *_enforcement_zh(b["enforcement"])])


def _details_en(b: dict[str, Any]) -> str:
    text = _closure_en(b)
    enforcement = _enforcement_en(b["enforcement"])
    if enforcement:
        text += "; " + ", ".join(enforcement)
    return text


def _repeats_zh(b: dict[str, Any]) -> str:
    return f"（其中重复件{b['repeats']}件）" if b["repeats"] else ""


def _repeats_en(b: dict[str, Any]) -> str:
    n = b["repeats"]
    if not n:
        return ""
    return f" ({n} of them {'a repeat' if n == 1 else 'repeats'})"


def _batches_zh(first: int, last: int) -> str:
    return f"第{last}批" if first == last else f"第{first}-{last}批"


def _batches_en(first: int, last: int) -> str:
    return f"batch {last}" if first == last else f"batches {first}–{last}"


def _paragraphs_zh(f: dict[str, Any]) -> list[str]:
    b, cum = f["batch"], f["cumulative"]
    area, team = f["area"]["zh"], f["team_words"]["zh"]
    day, n = month_day(date.fromisoformat(f["as_of"])), f["batch_number"]
    if not b["transferred"]:
        first = f"{day}，{team}交办的第{n}批信访举报件中没有涉及我{area}的信访举报件。"
    else:
        first = (
            f"{day}，全{area}已对{team}交办的第{n}批{b['transferred']}件信访举报件"
            f"{_repeats_zh(b)}进行调查处理，{_details_zh(b)}。"
        )
    out = [first]
    if cum["transferred"]:
        out.append(
            f"截至{day}，全{area}已对{_batches_zh(cum['first_batch'], n)}"
            f"共{cum['transferred']}件信访举报件{_repeats_zh(cum)}进行调查处理，"
            f"{_details_zh(cum)}。"
        )
    if cum["closed"] < cum["transferred"]:
        out.append(
            f"其余信访举报件正在调查处理中，我{area}将持续推进，做到件件有着落、事事有回音。"
        )
    else:
        out.append(
            f"我{area}将持续跟踪已办结信访举报件的整改落实情况，防止问题反弹，"
            "做到件件有着落、事事有回音。"
        )
    return out


def _paragraphs_en(f: dict[str, Any]) -> list[str]:
    b, cum = f["batch"], f["cumulative"]
    area, team = f["area"]["en"], f["team_words"]["en"]
    day, n = long_date_en(date.fromisoformat(f["as_of"])), f["batch_number"]
    if not b["transferred"]:
        first = f"Batch {n} transferred by {team} as of {day} holds no complaint about the {area}."
    else:
        noun = "complaint" if b["transferred"] == 1 else "complaints"
        first = (
            f"As of {day}, the {area} had taken up for investigation and handling the "
            f"{b['transferred']} {noun}{_repeats_en(b)} of batch {n} transferred by {team}: "
            f"{_details_en(b)}."
        )
    out = [first]
    if cum["transferred"]:
        noun = "complaint" if cum["transferred"] == 1 else "complaints"
        out.append(
            f"Up to {day}, the {area} had taken up the {cum['transferred']} {noun}"
            f"{_repeats_en(cum)} of {_batches_en(cum['first_batch'], n)}: {_details_en(cum)}."
        )
    if cum["closed"] < cum["transferred"]:
        out.append(
            f"The remaining complaints are being investigated and handled; the {area} will keep "
            "at it so that every complaint is followed up and answered."
        )
    else:
        out.append(
            f"The {area} will keep following up the rectification of the closed complaints to "
            "prevent problems from recurring, so that every complaint is followed up and answered."
        )
    return out


def paragraphs_from(figures: dict[str, Any], lang: str = "zh") -> list[str]:
    """The standard paragraphs stating `figures` (publication_figures), in Chinese or English."""
    return _paragraphs_en(figures) if lang.startswith("en") else _paragraphs_zh(figures)


def batch_paragraphs(
    batch: ComplaintBatch, as_of: date, *, region: Org | None = None, lang: str = "zh"
) -> list[str]:
    """The 边督边改 paragraphs of `batch` as of `as_of` (region: a prefecture or county
    publishing its own figures)."""
    return paragraphs_from(publication_figures(batch, as_of, region=region), lang)


def title_from(figures: dict[str, Any], lang: str = "zh") -> str:
    as_of = date.fromisoformat(figures["as_of"])
    n = figures["batch_number"]
    if lang.startswith("en"):
        return (
            f"Complaints of batch {n} transferred by {figures['team_words']['en']}: "
            f"handling as of {long_date_en(as_of)}"
        )
    team = figures["team"] or figures["team_words"]["zh"]
    return (
        f"{figures['publisher']['name']}公开{team}交办第{n}批信访举报件边督边改情况"
        f"（截至{long_date_zh(as_of)}）"
    )
