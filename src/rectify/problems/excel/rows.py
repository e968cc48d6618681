"""One sheet row → the problem data and the history it declares, or its cell errors."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from rectify.orgs.models import REGION_KINDS, Org
from rectify.problems.excel import cells as C
from rectify.problems.excel.errors import CellError
from rectify.problems.excel.headers import name_key
from rectify.problems.excel.labels import STATUS_LABELS, Declared, parse_source, parse_status
from rectify.problems.excel.reader import LedgerSheet, Sheet, heading_aspect
from rectify.problems.states import Source

TEXT_LIMITS = {"number": 30, "title": 500, "responsible_leader": 100, "responsible_person": 100}
DONE = (Declared.ACCEPTED, Declared.SIGNED_OFF)


@dataclass
class Row:
    """One valid row: the problem's data and the history it declares."""

    row: int
    number: str
    data: dict[str, Any]  # problem fields present in the file (FKs as ids)
    aspect_name: str | None = None  # None: column absent
    coop: list[int] | None = None
    measures: list[str] | None = None
    milestones: list[tuple[date, int]] | None = None
    declared: Declared | None = None
    label: str = ""
    implied: tuple[str, ...] = ()
    done_date: date | None = None
    signoff_date: date | None = None
    percent: int | None = None
    progress_date: date | None = None
    defaulted: set[str] = field(default_factory=set)  # which dates were defaulted
    extended_deadline: date | None = None
    progress_text: str | None = None


@dataclass
class EventSpec:
    kind: str
    effective_date: date
    percent: int | None = None
    new_deadline: date | None = None
    note: str = ""


class CellReader:
    """Reads the cells of one sheet row by column key and collects its errors."""

    def __init__(self, sheet: LedgerSheet | Sheet, errors: list[CellError]):
        self.sheet = sheet
        self.errors = errors
        self.cols = sheet.headers.columns

    def has(self, key: str) -> bool:
        return key in self.cols

    def raw(self, cells: list, key: str):
        i = self.cols.get(key)
        if i is None or i >= len(cells):
            return None
        value = cells[i]
        return None if C.is_empty(value) else value

    def text(self, cells: list, key: str) -> str:
        value = self.raw(cells, key)
        return "" if value is None else C.text(value)

    def error(self, row: int, key: str, message: str) -> None:
        i = self.cols.get(key)
        self.errors.append(
            CellError(
                self.sheet.name,
                row,
                self.sheet.headers.label(key),
                message,
                self.sheet.letter(i) if i is not None else "",
            )
        )


class OrgIndex:
    """Every org by code, name and short name, in one query."""

    def __init__(self):
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self._found: dict[str, tuple[int | None, str | None]] = {}
        self.rows: dict[int, tuple[str, str, str]] = {}  # id → (code, name, kind)
        for pk, code, name, short, kind in Org.objects.values_list(
            "id", "code", "name", "short_name", "kind"
        ):
            self.rows[pk] = (code, name, kind)
            for k in {name_key(code), name_key(name), name_key(short)}:
                if k:
                    self.by_key[k].add(pk)
        # "生态环境厅" is found as 贵州省生态环境厅 or 省生态环境厅.
        self.province_names = [name_key(n) for _c, n, k in self.rows.values() if k == "province"]
        self.province_names.append("省")

    def _candidates(self, key: str):
        yield key
        for suffix in ("人民政府", "政府"):
            if key.endswith(suffix) and len(key) > len(suffix):
                yield key[: -len(suffix)]
        for prefix in self.province_names:
            if not key.startswith(prefix):
                yield prefix + key

    def find(self, name: str) -> tuple[int | None, str | None]:
        """(org id, None) or (None, error message); the same names recur on every row."""
        if name not in self._found:
            self._found[name] = self._find(name)
        return self._found[name]

    def _find(self, name: str) -> tuple[int | None, str | None]:
        for key in self._candidates(name_key(name)):
            ids = self.by_key.get(key)
            if not ids:
                continue
            if len(ids) == 1:
                return next(iter(ids)), None
            codes = "、".join(sorted(self.rows[i][0] for i in ids))
            return None, _("%(name)s is ambiguous (%(codes)s); write the code instead.") % {
                "name": name,
                "codes": codes,
            }
        return None, _("Unknown unit or region: %(name)s.") % {"name": name}

    def code(self, pk: int | None) -> str | None:
        return self.rows[pk][0] if pk is not None else None


def parse_row(reader: CellReader, r: int, cells, sheet, orgs, categories, as_of) -> Row | None:
    """One sheet row → Row, or None after recording its errors."""
    before = len(reader.errors)
    err = reader.error
    number = reader.text(cells, "number")
    data: dict[str, Any] = {"number": number}
    if not number:
        err(r, "number", _("The problem number is missing."))
    for key in ("title", "description", "target", "responsible_leader", "responsible_person"):
        if reader.has(key):
            data[key] = reader.text(cells, key)
    if not data.get("title"):
        err(r, "title", _("The summary is missing."))
    for key, limit in TEXT_LIMITS.items():
        if len(data.get(key) or "") > limit:
            err(r, key, _("Longer than %(n)d characters.") % {"n": limit})
    row = Row(row=r, number=number, data=data)

    if reader.has("aspect"):
        row.aspect_name = reader.text(cells, "aspect")
    elif sheet.headings:
        heading = [t for hr, t in sheet.headings.items() if hr < r]
        row.aspect_name = heading_aspect(heading[-1]) if heading else ""
    if reader.has("category"):
        name = reader.text(cells, "category")
        data["category"] = None
        if name:
            data["category"] = categories.get(name_key(name))
            if data["category"] is None:
                err(r, "category", _("Unknown category: %(name)s.") % {"name": name})

    lead_name = reader.text(cells, "lead_unit")
    data["lead_unit"] = None
    if not lead_name:
        err(r, "lead_unit", _("The lead unit is missing."))
    else:
        data["lead_unit"], message = orgs.find(lead_name)
        if message:
            err(r, "lead_unit", message)
    region_name = reader.text(cells, "region")
    if region_name:
        data["region"], message = orgs.find(region_name)
        if message:
            err(r, "region", message)
        elif orgs.rows[data["region"]][2] not in REGION_KINDS:
            err(r, "region", _("%(name)s is not a region.") % {"name": region_name})
    elif data["lead_unit"] is not None and orgs.rows[data["lead_unit"]][2] in REGION_KINDS:
        data["region"] = data["lead_unit"]  # a prefecture or county leads in its own region
    elif reader.has("region") or data["lead_unit"] is not None:
        data["region"] = None
        err(r, "region", _("The region is missing (the lead unit is not a region)."))
    if reader.has("cooperating_units"):
        row.coop = []
        for name in C.split_units(reader.raw(cells, "cooperating_units")):
            pk, message = orgs.find(name)
            if message:
                err(r, "cooperating_units", message)
            elif pk != data["lead_unit"] and pk not in row.coop:
                row.coop.append(pk)

    def parse(key, fn, *args, **kwargs):
        value = reader.raw(cells, key)
        if value is None:
            return None
        try:
            return fn(value, *args, **kwargs)
        except C.CellValueError as exc:
            err(r, key, str(exc))
            return None

    deadline_raw = reader.raw(cells, "deadline")
    if deadline_raw is None:
        err(r, "deadline", _("The deadline is missing (a date, 立行立改 or 长期坚持)."))
    else:
        parsed = parse("deadline", C.parse_deadline)
        if parsed is not None:
            data["deadline_kind"], data["original_deadline"] = parsed
    row.extended_deadline = parse("extended_deadline", C.parse_date)
    if reader.has("start_date"):
        data["start_date"] = parse("start_date", C.parse_date)
    if reader.has("warning_days"):
        days = parse("warning_days", C.parse_int, low=0, high=365)
        data["warning_days"] = 30 if days is None else days
    if reader.has("source"):
        label = reader.text(cells, "source")
        data["source"] = Source.FEEDBACK
        if label:
            data["source"] = parse_source(label)
            if data["source"] is None:
                err(r, "source", _("Unknown source: %(label)s.") % {"label": label})
    if reader.has("longitude") or reader.has("latitude"):
        data["longitude"] = parse("longitude", C.parse_coordinate)
        data["latitude"] = parse("latitude", C.parse_coordinate)
    if reader.has("measures"):
        row.measures = C.split_measures(reader.raw(cells, "measures"))
        data["measures"] = [{"text": t} for t in row.measures]
    if reader.has("milestones"):
        row.milestones = parse("milestones", C.parse_milestones) or []
        data["milestones"] = [{"date": d, "percent": p} for d, p in row.milestones]

    # History.
    row.percent = parse("percent", C.parse_percent)
    row.done_date = parse("done_date", C.parse_date)
    row.signoff_date = parse("signoff_date", C.parse_date)
    row.progress_date = parse("progress_date", C.parse_date)
    if reader.has("progress_text"):
        row.progress_text = reader.text(cells, "progress_text")
    label = reader.text(cells, "status")
    if label:
        parsed_status = parse_status(label)
        if parsed_status is None:
            err(
                r,
                "status",
                _("Unknown status %(label)s; use one of %(labels)s.")
                % {"label": label, "labels": "、".join(STATUS_LABELS.values())},
            )
        else:
            row.declared, row.implied = parsed_status
            row.label = label
    elif row.signoff_date:
        row.declared = Declared.SIGNED_OFF
    elif row.done_date:
        row.declared = Declared.ACCEPTED
    elif row.percent is not None:
        row.declared = Declared.PROGRESS
    else:
        row.declared = Declared.NONE
    if row.declared == Declared.PROGRESS and row.percent is None and label:
        err(
            r,
            "percent",
            _("完成情况 is %(label)s but the latest percent is empty.") % {"label": label},
        )
    if row.declared == Declared.NONE and row.percent == 0:
        row.percent = None  # 0 % is what 尚未启动 means; no progress event
    if row.declared == Declared.NONE and row.percent:
        err(
            r,
            "percent",
            _("完成情况 says nothing was started but a percent of %(p)d is given.")
            % {"p": row.percent},
        )
    if row.signoff_date and row.declared != Declared.SIGNED_OFF:
        err(r, "signoff_date", _("A sign-off date is given but 完成情况 is not signed off."))
    if row.done_date and row.declared not in (*DONE, Declared.BASICALLY_DONE):
        err(r, "done_date", _("A completion date is given but 完成情况 is not completed."))
    if row.done_date is None and row.declared in (*DONE, Declared.BASICALLY_DONE):
        row.defaulted.add("done_date")
        row.done_date = row.signoff_date or as_of
    if row.declared == Declared.SIGNED_OFF and row.signoff_date is None:
        row.defaulted.add("signoff_date")
        row.signoff_date = as_of
    if row.percent is not None and row.progress_date is None:
        row.defaulted.add("progress_date")
        row.progress_date = row.done_date if row.declared in DONE else as_of
    return row if len(reader.errors) == before else None


def check_duplicates(reader: CellReader, sheet: LedgerSheet) -> None:
    """A number used twice makes the file ambiguous: every later use is an error."""
    first: dict[str, int] = {}
    for r, cells in sheet.rows:
        number = reader.text(cells, "number")
        if not number:
            continue
        if number in first:
            reader.error(
                r,
                "number",
                _("The problem number %(number)s is used again (first in row %(row)d).")
                % {"number": number, "row": first[number]},
            )
        else:
            first[number] = r
