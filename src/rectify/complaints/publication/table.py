"""The one-line-per-complaint public table (一览表) of a batch as of a date.

No personal data: complainants' own values were scrubbed at intake (actions.scrub), and
every text shown is redacted (redaction.redact). The result in force on the date is shown;
none yet reads 正在调查处理中.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy

from rectify.complaints import stats
from rectify.complaints.models import Complaint, ComplaintBatch, HandlingResult, PollutionType
from rectify.complaints.publication.redaction import redact
from rectify.complaints.publication.text import in_region, team_words
from rectify.complaints.states import VERDICT_ZH
from rectify.orgs.models import Org, OrgKind


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: Any  # lazy translation
    width: int  # Excel characters


COLUMNS = [
    Column("acceptance_no", "受理编号", gettext_lazy("Acceptance number"), 18),
    Column("content", "交办问题基本情况", gettext_lazy("Complaint as transferred"), 44),
    Column("region", "行政区域", gettext_lazy("Region"), 14),
    Column("pollution_types", "污染类型", gettext_lazy("Pollution type"), 10),
    Column("investigation", "调查核实情况", gettext_lazy("Investigation findings"), 40),
    Column("verdict", "是否属实", gettext_lazy("Verdict"), 10),
    Column("handling", "处理和整改情况", gettext_lazy("Handling and rectification"), 40),
    Column("accountability", "责任人被处理情况", gettext_lazy("Persons held responsible"), 22),
]
UNDER_INVESTIGATION = "正在调查处理中。"
NO_ACCOUNTABILITY = "无"


def _region_labels(region_ids: set[int]) -> dict[int, str]:
    """ "遵义市播州区" for a county, "贵安新区" for a new area: the short names of the
    regions above it (the province left out) before its own name."""
    orgs = list(Org.objects.filter(pk__in=region_ids))
    above = {c for o in orgs for c in o.path.strip("/").split("/")[:-1]}
    short = {
        o.code: o.short_name or o.name
        for o in Org.objects.filter(code__in=above).exclude(kind=OrgKind.PROVINCE)
    }
    return {
        o.pk: "".join(short.get(c, "") for c in o.path.strip("/").split("/")[:-1]) + o.name
        for o in orgs
    }


def public_rows(
    batch: ComplaintBatch, as_of: date, *, region: Org | None = None
) -> list[dict[str, str]]:
    """The 一览表 of `batch` as of `as_of`: one dict per complaint, keyed by COLUMNS, every
    text redacted; the result in force on that date (none yet: 正在调查处理中)."""
    qs = in_region(Complaint.objects.filter(batch=batch), region)
    items = list(
        stats.with_state(qs, as_of)
        .order_by("original_order", "acceptance_no", "pk")
        .values("pk", "acceptance_no", "content", "region_id", "result_id")
    )
    ids = [i["pk"] for i in items]
    types: dict[int, list[str]] = defaultdict(list)
    through = Complaint.pollution_types.through
    order = {t.pk: (t.sort_order, t.pk) for t in PollutionType.objects.all()}
    names = dict(PollutionType.objects.values_list("pk", "name"))
    for cid, tid in sorted(
        through.objects.filter(complaint_id__in=ids).values_list(
            "complaint_id", "pollutiontype_id"
        ),
        key=lambda pair: order.get(pair[1], (0, 0)),
    ):
        types[cid].append(names[tid])
    results = HandlingResult.objects.in_bulk([i["result_id"] for i in items if i["result_id"]])
    regions = _region_labels({i["region_id"] for i in items})
    rows = []
    for i in items:
        r = results.get(i["result_id"])
        rows.append(
            {
                "acceptance_no": i["acceptance_no"],
                "content": redact(i["content"]),
                "region": regions.get(i["region_id"], ""),
                "pollution_types": "、".join(types.get(i["pk"], [])),
                "investigation": redact(r.investigation) if r else UNDER_INVESTIGATION,
                "verdict": VERDICT_ZH.get(r.verdict, "") if r else "",
                "handling": redact(r.handling) if r else "",
                "accountability": ((redact(r.accountability) or NO_ACCOUNTABILITY) if r else ""),
            }
        )
    return rows


def attachment_title(inspection, batch_number: int) -> str:
    """The caption of the 一览表: "中央第五生态环境保护督察组交办第3批信访举报件办理情况一览表"."""
    team = inspection.team or team_words(inspection.level)[0]
    return f"{team}交办第{batch_number}批信访举报件办理情况一览表"


def headers(lang: str = "zh") -> list[str]:
    """The 一览表's column headings, 序号 first: the offices' Chinese ones, or English."""
    if lang.startswith("en"):
        return ["No.", *(str(c.en) for c in COLUMNS)]
    return ["序号", *(c.zh for c in COLUMNS)]


def table(rows: list[dict[str, str]]) -> list[tuple[str, list[str]]]:
    """The 一览表 for a template: (acceptance number, the other cells in COLUMNS order)."""
    return [(r["acceptance_no"], [r.get(c.key, "") for c in COLUMNS[1:]]) for r in rows]
