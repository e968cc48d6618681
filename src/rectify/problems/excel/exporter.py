"""Writing the ledger as a workbook in the offices' column layout, as of a date.

The header is on row 1 (bold, frozen, filterable) so that the file re-imports unchanged;
dates are real date cells; text that a spreadsheet would take for a formula is prefixed
with a quote (the importer removes it). The 完成情况 column is the status as of the date,
and 完成时间, 销号时间, 最新进度 and 进度填报时间 carry the events needed to rebuild it.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from datetime import date
from typing import BinaryIO

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.excel import cells as C
from rectify.problems.excel.headers import COLUMNS, EXPORT_HEADERS, name_key
from rectify.problems.excel.labels import SOURCE_LABELS, STATUS_LABELS
from rectify.problems.models import Inspection, Measure, Milestone, Problem, StatusEvent
from rectify.problems.states import DONE_STATUSES, EventKind, Status

SHEET = "整改台账"
WIDTHS = {
    "seq": 6,
    "number": 10,
    "aspect": 16,
    "category": 14,
    "title": 40,
    "description": 40,
    "target": 36,
    "measures": 48,
    "region": 12,
    "lead_unit": 20,
    "cooperating_units": 28,
    "milestones": 26,
    "progress_text": 40,
    "status": 14,
}
DATE_KEYS = ("extended_deadline", "start_date", "done_date", "signoff_date", "progress_date")
WRAP_KEYS = ("title", "description", "target", "measures", "cooperating_units", "progress_text")


def _org_labels() -> dict[int, str]:
    """Org names for the sheet; a name two orgs share is written as the code instead."""
    rows = list(Org.objects.values_list("id", "code", "name"))
    counts = Counter(name_key(n) for _i, _c, n in rows)
    return {pk: (name if counts[name_key(name)] == 1 else code) for pk, code, name in rows}


def ledger_rows(problems: QuerySet[Problem], *, inspection: Inspection, as_of: date):
    """Yield one dict per problem on the ledger at `as_of`: column key → cell value."""
    base = problems.filter(inspection=inspection)
    annotated = (
        asof.as_of(base, as_of)
        .select_related("aspect", "category")
        .order_by("sort_key", "number", "pk")
    )
    ids = base.values("pk")
    orgs = _org_labels()
    through = Problem.cooperating_units.through
    coop: dict[int, list[int]] = defaultdict(list)
    for pid, oid in (
        through.objects.filter(problem_id__in=ids)
        .order_by("problem_id", "org__code")
        .values_list("problem_id", "org_id")
    ):
        coop[pid].append(oid)
    measures: dict[int, list[str]] = defaultdict(list)
    for pid, text in (
        Measure.objects.filter(problem_id__in=ids)
        .order_by("problem_id", "seq")
        .values_list("problem_id", "text")
    ):
        measures[pid].append(text)
    milestones: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for pid, d, p in (
        Milestone.objects.filter(problem_id__in=ids)
        .order_by("problem_id", "date")
        .values_list("problem_id", "date", "percent")
    ):
        milestones[pid].append((d, p))
    latest: dict[int, dict[str, object]] = defaultdict(dict)
    for pid, kind, d, percent, new_deadline, note in (
        StatusEvent.objects.filter(problem_id__in=ids, day__lte=as_of.toordinal())
        .order_by("problem_id", "day", "id")
        .values_list("problem_id", "kind", "effective_date", "percent", "new_deadline", "note")
    ):
        last = latest[pid]
        if kind == EventKind.ACCEPTED:
            last["done_date"] = d
        elif kind == EventKind.SIGNED_OFF:
            last["signoff_date"] = d
        elif kind == EventKind.PROGRESS:
            last["percent"], last["progress_date"] = percent, d
        elif kind == EventKind.DEADLINE_CHANGED:
            last["extended_deadline"] = new_deadline
        if note:
            last["progress_text"] = note
    for seq, p in enumerate(annotated, start=1):
        last = latest.get(p.pk, {})
        status = p.asof_status
        yield {
            "seq": seq,
            "number": p.number,
            "aspect": p.aspect.name if p.aspect_id else "",
            "category": p.category.name if p.category_id else "",
            "title": p.title,
            "description": p.description,
            "target": p.target,
            "measures": C.format_measures(measures.get(p.pk, [])),
            "region": orgs[p.region_id],
            "lead_unit": orgs[p.lead_unit_id],
            "cooperating_units": "、".join(orgs[o] for o in coop.get(p.pk, [])),
            "responsible_leader": p.responsible_leader,
            "responsible_person": p.responsible_person,
            "deadline": C.format_deadline(p.deadline_kind, p.original_deadline, p.start_date),
            "extended_deadline": last.get("extended_deadline"),
            "start_date": p.start_date,
            "warning_days": p.warning_days,
            "milestones": C.format_milestones(milestones.get(p.pk, [])),
            "progress_text": last.get("progress_text", ""),
            "status": STATUS_LABELS[Status(status)],
            "done_date": last.get("done_date") if status in DONE_STATUSES else None,
            "signoff_date": last.get("signoff_date") if status == Status.SIGNED_OFF else None,
            "percent": last.get("percent"),
            "progress_date": last.get("progress_date"),
            "source": SOURCE_LABELS.get(p.source, p.source),
            "longitude": float(p.longitude) if p.longitude is not None else None,
            "latitude": float(p.latitude) if p.latitude is not None else None,
        }


def export_ledger(
    problems: QuerySet[Problem],
    output: str | BinaryIO,
    *,
    inspection: Inspection,
    as_of: date,
    exported_by: str = "",
) -> int:
    """Write the problems of `inspection` (from the caller's scoped queryset); rows written."""
    rows = ledger_rows(problems, inspection=inspection, as_of=as_of)
    return write_workbook(
        output,
        sheet=SHEET,
        headers=[EXPORT_HEADERS.get(c.key, c.header) for c in COLUMNS],
        widths=[WIDTHS.get(c.key, 12) for c in COLUMNS],
        rows=([row[c.key] for c in COLUMNS] for row in rows),
        wrap={i for i, c in enumerate(COLUMNS) if c.key in WRAP_KEYS},
        header_height=30,
        facts=lambda n: [
            ("督察", inspection.name),
            ("督察代码", inspection.code),
            ("统计截止日期", as_of.isoformat()),
            ("问题数", str(n)),
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("导出人", exported_by),
        ],
    )


def write_workbook(
    output: str | BinaryIO,
    *,
    sheet: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence],
    facts: Iterable[tuple[str, str]] | Callable[[int], Iterable[tuple[str, str]]],
    wrap: Container[int] | None = None,
    freeze_cols: int = 0,
    header_height: float | None = None,
) -> int:
    """Stream `rows` (values in `headers` order) to one sheet under a bold, frozen, filtered
    header, then a 说明 sheet of `facts` (or of `facts(n)`); returns n, the rows written.

    Written in constant memory; dates become date cells, numbers numbers, and text is
    neutralised so no cell is taken for a formula. Text wraps in the `wrap` columns (all of
    them when None)."""
    wb = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    head = wb.add_format(
        {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    plain = wb.add_format({"valign": "top"})
    day = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    ws = wb.add_worksheet(sheet)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, head)
    ws.freeze_panes(1, freeze_cols)
    if header_height is not None:
        ws.set_row(0, header_height)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(n, col, value, day)
            elif isinstance(value, int | float):
                ws.write_number(n, col, value, plain)
            else:
                fmt = wrapped if wrap is None or col in wrap else plain
                ws.write_string(n, col, C.neutralise(str(value)), fmt)
    ws.autofilter(0, 0, max(n, 1), len(headers) - 1)
    info = wb.add_worksheet("说明")
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 60)
    for r, (k, v) in enumerate(facts(n) if callable(facts) else facts):
        info.write_string(r, 0, k, head)
        info.write_string(r, 1, C.neutralise(str(v)))
    wb.close()
    return n
