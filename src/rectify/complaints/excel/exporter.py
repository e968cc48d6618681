"""The office summary workbook of complaints (信访举报件汇总表), as they stand today.

One row per complaint in the layout of office-formats.md: the transfer fields, the lead unit
and deadline, the latest handling result (investigation, verdict, handling, enforcement
counts) and the closure state. Never any complainant data: the Complainant rows are not
read, and the content was scrubbed of the complainant's own details at intake. Written
with XlsxWriter in constant-memory mode from a chunked queryset, so an inspection's whole
list streams out through the ledger's writer, which neutralises text a spreadsheet would
take for a formula.
"""

from collections import defaultdict
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils import timezone

from rectify.complaints.excel.columns import EXPORT_HEADERS
from rectify.complaints.models import Complaint
from rectify.complaints.states import INDUSTRY_ZH, VERDICT_ZH, State
from rectify.orgs.models import OrgKind
from rectify.problems.excel.exporter import write_workbook

SHEET = "信访举报件"
CHUNK = 2000
CLOSURE_ZH = {State.CLOSED: "已办结", State.STAGE_CLOSED: "阶段性办结"}  # else 未办结
WIDTHS = {1: 20, 2: 60, 3: 16, 4: 12, 7: 18, 9: 48, 11: 48, 22: 30, 24: 20}
WRAP = {2, 9, 11, 22}
ENFORCEMENT = (
    "ordered_rectify",
    "penalty_cases",
    "fines_yuan",
    "criminal_cases",
    "admin_detained",
    "criminal_detained",
    "interviewed",
    "held_accountable",
)


def region_label(org) -> str:
    """遵义市播州区 for a county (its prefecture first), the name otherwise."""
    parent = org.parent
    if org.kind == OrgKind.COUNTY and parent is not None and parent.kind != OrgKind.PROVINCE:
        return f"{parent.name}{org.name}"
    return org.name


def complaint_rows(qs: QuerySet[Complaint], *, accountability: bool = True):
    """Yield one list of cell values per complaint of `qs` (the caller's scoped queryset)."""
    rows = (
        qs.select_related("batch", "region__parent", "lead_unit", "latest_result", "repeat_of")
        .defer("signature", "place_key", "repeat_of__signature", "repeat_of__content")
        .order_by("batch__inspection_id", "batch__number", "original_order", "acceptance_no")
    )
    through = Complaint.pollution_types.through
    chunk: list[Complaint] = []

    def flush():
        types: dict[int, list[str]] = defaultdict(list)
        for cid, name in (
            through.objects.filter(complaint_id__in=[c.pk for c in chunk])
            .order_by("pollutiontype__sort_order", "pollutiontype_id")
            .values_list("complaint_id", "pollutiontype__name")
        ):
            types[cid].append(name)
        for c in chunk:
            yield _row(c, types.get(c.pk, []), accountability)

    for c in rows.iterator(chunk_size=CHUNK):
        chunk.append(c)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def _row(c: Complaint, types: list[str], accountability: bool) -> list:
    r = c.latest_result
    closed_on = (
        c.closed_on
        if c.state == State.CLOSED
        else c.stage_closed_on
        if c.state == State.STAGE_CLOSED
        else None
    )
    enforcement: list = [None] * len(ENFORCEMENT)
    if r is not None:
        enforcement = [getattr(r, name) for name in ENFORCEMENT]
        enforcement[2] = float(r.fines_yuan)
    return [
        c.original_order,
        c.acceptance_no,
        c.content,
        region_label(c.region),
        "、".join(types),
        INDUSTRY_ZH.get(c.industry, "") if c.industry else "",
        "是" if c.is_key else "否",
        c.lead_unit.name if c.lead_unit_id else "",
        c.deadline,
        r.investigation if r else "",
        VERDICT_ZH.get(r.verdict, "") if r else "",
        r.handling if r else "",
        CLOSURE_ZH.get(c.state, "未办结"),
        closed_on,
        *enforcement,
        (r.accountability if accountability else "") if r else "",
        "是" if c.repeat_of_id else "否",
        c.repeat_of.acceptance_no if c.repeat_of_id else "",
        c.batch.number,
    ]


def export_complaints(
    qs: QuerySet[Complaint],
    fileobj: str | BinaryIO,
    *,
    title: str = "",
    exported_by: str = "",
    accountability: bool = True,
) -> int:
    """Write the complaints of `qs` (already scoped to the caller) to `fileobj`; the rows
    written. `accountability=False` leaves 问责情况 (names of officials) empty."""
    return write_workbook(
        fileobj,
        sheet=SHEET,
        headers=EXPORT_HEADERS,
        widths=[WIDTHS.get(col, 11) for col in range(len(EXPORT_HEADERS))],
        rows=complaint_rows(qs, accountability=accountability),
        wrap=WRAP,
        freeze_cols=2,
        header_height=32,
        facts=lambda n: [
            ("内容", title),
            ("件数", str(n)),
            ("说明", "办结状态和办理结果为导出时的最新情况；不含举报人信息。"),
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("导出人", exported_by),
        ],
    )
