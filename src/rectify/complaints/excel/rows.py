"""One sheet row → the complaint it transfers, or its cell errors.

Lookups (regions, pollution types, industries) are loaded once per import and cached by
the text offices typed, which repeats from row to row. The complainant's name, phone and
address are checked for shape only; an error about them names the row and column and never
repeats the value (it would end up on screens and in logs).
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import PollutionType
from rectify.complaints.routing import FORMER_NAMES
from rectify.complaints.states import INDUSTRY_ZH, Industry
from rectify.orgs.models import Org, OrgKind
from rectify.problems.excel import cells as C
from rectify.problems.excel.errors import CellError
from rectify.problems.excel.headers import name_key
from rectify.problems.excel.reader import Sheet
from rectify.problems.excel.rows import CellReader

REGION_LEVELS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)
NAME_MAX, PHONE_MAX, ADDRESS_MAX = 100, 40, 300  # as actions.validate_complaint_data
EMPTY_PERSON = PersonalData()


def province_of(org: Org) -> Org:
    """The province above (or equal to) `org`; the org itself when it has none."""
    if org.kind == OrgKind.PROVINCE:
        return org
    return org.ancestors().filter(kind=OrgKind.PROVINCE).first() or org


def _stem(name: str) -> str:
    """播州区 → 播州, 遵义市 → 遵义: the name without its level suffix (when two left)."""
    for suffix in ("自治州", "自治县", "新区", "特区", "地区", "市", "州", "县", "区"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class RegionIndex:
    """The prefectures and counties of one province, found by how offices write them:
    播州区, 遵义市播州区, 贵州省遵义市播州区, 遵义播州区, 道真县 (short for the autonomous
    county's full name), 遵义县 (its former name, from routing.FORMER_NAMES)."""

    def __init__(self, province: Org):
        self.province = province
        orgs = list(
            Org.objects.filter(path__startswith=province.path, kind__in=REGION_LEVELS).order_by(
                "path"
            )
        )
        self.by_id = {o.pk: o for o in orgs}
        self.names: dict[str, set[int]] = {}  # whole names, short names
        self.stems: dict[str, set[int]] = {}  # the same without the level suffix
        self.children: dict[int, dict[str, set[int]]] = {}  # prefecture → its counties' keys
        for o in orgs:
            keys = {name_key(o.name), name_key(o.short_name)} - {""}
            stems = {_stem(k) for k in keys} - keys
            for k in keys:
                self.names.setdefault(k, set()).add(o.pk)
            for k in stems:
                self.stems.setdefault(k, set()).add(o.pk)
            if o.kind == OrgKind.COUNTY and o.parent_id in self.by_id:
                mine = self.children.setdefault(o.parent_id, {})
                for k in keys | stems:
                    mine.setdefault(k, set()).add(o.pk)
        self.prefixes = sorted(
            (
                (k, o.pk)
                for o in orgs
                if o.kind != OrgKind.COUNTY
                for k in {name_key(o.name), name_key(o.short_name), _stem(name_key(o.name))}
                if k
            ),
            key=lambda kv: -len(kv[0]),
        )
        province_keys = {name_key(province.name), name_key(province.short_name)} - {""}
        self.province_prefixes = sorted(
            province_keys | {_stem(k) for k in province_keys}, key=len, reverse=True
        )
        self._found: dict[str, tuple[Org | None, str | None]] = {}

    def find(self, text: str) -> tuple[Org | None, str | None]:
        """(org, None) or (None, error message naming the text)."""
        if text not in self._found:
            self._found[text] = self._find(text)
        return self._found[text]

    def _find(self, text: str) -> tuple[Org | None, str | None]:
        key = re.sub(r"[、,，;；/／·.。\-—]+", "", name_key(text))
        for prefix in self.province_prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        ids = self.names.get(key) or self.stems.get(key) or set()
        if not ids and key in FORMER_NAMES:  # 遵义县 for 播州区, as old lists write it
            ids = {o.pk for o in self.by_id.values() if o.code == FORMER_NAMES[key]}
        if not ids:
            for prefix, parent in self.prefixes:
                if key.startswith(prefix) and len(key) > len(prefix):
                    ids = self.children.get(parent, {}).get(key[len(prefix) :], set())
                    if ids:
                        break
        if len(ids) == 1:
            return self.by_id[next(iter(ids))], None
        if ids:
            names = "、".join(sorted(self.by_id[i].name for i in ids))
            return None, _("The region %(text)s is ambiguous (%(names)s); write it in full.") % {
                "text": text,
                "names": names,
            }
        return None, _(
            "Unknown region %(text)s: write a county or prefecture of %(province)s, "
            "e.g. 遵义市播州区 or 播州区."
        ) % {"text": text, "province": self.province.name}


_TYPE_SEP = re.compile(r"[、,，/／；;\s]+")


class TypeIndex:
    """Pollution types by name and by the aliases of the reference list."""

    def __init__(self):
        self.types = list(PollutionType.objects.all())
        self.by_key: dict[str, PollutionType] = {}
        for t in self.types:
            for alias in [t.name, *t.aliases.split(",")]:
                if name_key(alias):
                    self.by_key.setdefault(name_key(alias), t)
        self._found: dict[str, tuple[list[PollutionType], list[str]]] = {}

    def find(self, text: str) -> tuple[list[PollutionType], list[str]]:
        """(types, unknown parts) of a cell such as "大气污染、噪声"."""
        if text not in self._found:
            found: dict[int, PollutionType] = {}
            unknown: list[str] = []
            for part in _TYPE_SEP.split(unicodedata.normalize("NFKC", text)):
                if not part:
                    continue
                key = name_key(part)
                hit = self.by_key.get(key)
                for suffix in ("污染类", "污染", "类"):
                    if hit is None and key.endswith(suffix) and len(key) > len(suffix):
                        hit = self.by_key.get(key[: -len(suffix)])
                if hit is None:
                    unknown.append(part)
                else:
                    found.setdefault(hit.pk, hit)
            self._found[text] = (list(found.values()), unknown)
        return self._found[text]

    def names(self) -> str:
        return "、".join(t.name for t in self.types)


_INDUSTRIES: dict[str, str] = {}
for _value, _label in INDUSTRY_ZH.items():
    for _k in (_label, _label.removesuffix("类"), _value.value):
        _INDUSTRIES[name_key(_k).lower()] = _value.value
_INDUSTRIES |= {name_key("其它类"): Industry.OTHER.value, name_key("其它"): Industry.OTHER.value}

_YES = {"是", "y", "yes", "√", "✓", "✔", "1", "true", "重点", "重点件", "是重点件"}
_NO = {"否", "n", "no", "×", "✗", "✘", "0", "false", "非重点", "不是", "-", "—", "/", "无"}


def parse_industry(text: str) -> str | None:
    return _INDUSTRIES.get(name_key(text).lower())


def parse_flag(value) -> bool | None:
    """是/否, Y/N, √, 1/0, a Boolean cell; None when unreadable."""
    if isinstance(value, bool):
        return value
    key = name_key(C.text(value)).lower()
    if key in _YES:
        return True
    if key in _NO or not key:
        return False
    return None


_PHONE_SEP = re.compile(r"[、,，;；/／]+|\s{2,}")
_PHONE = re.compile(r"^\+?[\d\s()\-]{5,24}(?:(?:转|ext\.?|x)\d{1,6})?$", re.IGNORECASE)


def is_phone(text: str) -> bool:
    """Phone numbers (several allowed, 、 or / between): 7 to 20 digits each."""
    parts = [p.strip() for p in _PHONE_SEP.split(unicodedata.normalize("NFKC", text))]
    parts = [p for p in parts if p]
    return bool(parts) and all(
        _PHONE.match(p) and 7 <= sum(ch.isdigit() for ch in p.split("转")[0]) <= 20 for p in parts
    )


MAX_ORDER = 2_000_000_000
_MICRO = Decimal("0.000001")


def _float_coordinate(value) -> Decimal | None:
    """C.parse_coordinate of a number cell, without its round trip through text; None
    for anything else (text, blank, a value it would refuse), which takes the long way."""
    if value.__class__ is not float or not math.isfinite(value):
        return None
    try:  # repr is C.text's form of a float (an integral one differs only by ".0")
        return Decimal(repr(value)).quantize(_MICRO)
    except InvalidOperation:
        return None


@dataclass(slots=True)
class ParsedRow:
    """What one row says; None in a field means the column is absent from the sheet."""

    row: int
    acceptance_no: str
    content: str
    region: Org | None  # None with region_text "" → suggest from the content
    region_text: str
    types: list[PollutionType]
    industry: str | None = None
    is_key: bool | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    coordinates_given: bool = False
    original_order: int | None = None
    order_given: bool = False
    personal: PersonalData = field(default_factory=PersonalData)


class RowParser:
    """Parses the rows of one sheet; the lookups are shared by all its rows."""

    def __init__(self, sheet: Sheet, errors: list[CellError], province: Org):
        self.reader = CellReader(sheet, errors)
        self.regions = RegionIndex(province)
        self.types = TypeIndex()
        self.ix = dict(sheet.headers.columns)  # key → cell index
        self.has = {key: True for key in self.ix}
        self._industries: dict[str, str | None] = {}
        self._flags: dict[object, bool | None] = {}

    def text(self, cells: list, key: str) -> str:
        """A cell as text ("" when the column is absent or the cell blank)."""
        i = self.ix.get(key)
        if i is None or i >= len(cells):
            return ""
        value = cells[i]
        if value.__class__ is str:  # most cells: C.text's last case, without its type tests
            value = value.replace("\r\n", "\n").strip(" \n\u3000\u00a0")
            return C.unneutralise(value) if value[:1] == "'" else value
        return "" if value is None else C.text(value)

    def cell(self, cells: list, key: str):
        """A cell's raw value ("" when the column is absent)."""
        i = self.ix.get(key)
        return "" if i is None or i >= len(cells) else cells[i]

    def parse(self, r: int, cells: list) -> tuple[str, ParsedRow | None]:
        """(the acceptance number as written, the row's data or None after recording its
        errors)."""
        err = self.reader.error
        before = len(self.reader.errors)
        text = self.text
        acceptance_no = text(cells, "acceptance_no")
        region, region_text = None, text(cells, "region")
        if region_text:
            region, message = self.regions.find(region_text)
            if message:
                err(r, "region", message)
        types_text = text(cells, "pollution_types")
        types: list[PollutionType] = []
        if not types_text:
            err(
                r,
                "pollution_types",
                _("The pollution type is missing (one or more of %(names)s).")
                % {"names": self.types.names()},
            )
        else:
            types, unknown = self.types.find(types_text)
            if unknown:
                err(
                    r,
                    "pollution_types",
                    _("Unknown pollution type %(text)s; the known types are %(names)s.")
                    % {"text": "、".join(unknown), "names": self.types.names()},
                )
        row = ParsedRow(r, acceptance_no, text(cells, "content"), region, region_text, types)
        has = self.has
        if "industry" in has:
            label = text(cells, "industry")
            row.industry = ""
            if label:
                if label not in self._industries:
                    self._industries[label] = parse_industry(label)
                industry = self._industries[label]
                if industry is None:
                    err(
                        r,
                        "industry",
                        _("Unknown industry type %(text)s; use one of %(labels)s.")
                        % {"text": label, "labels": "、".join(INDUSTRY_ZH.values())},
                    )
                else:
                    row.industry = industry
        if "is_key" in has:
            i = self.ix["is_key"]
            raw = cells[i] if i < len(cells) else ""
            if raw not in self._flags:
                self._flags[raw] = parse_flag(raw)
            row.is_key = self._flags[raw]
            if row.is_key is None:
                err(r, "is_key", _("Write 是 or 否 (Y/N, √ or blank)."))
        if "original_order" in has:
            row.order_given = True
            number = self.cell(cells, "original_order")
            if number.__class__ is float and number.is_integer() and 1 <= number <= MAX_ORDER:
                row.original_order = int(number)  # the usual cell: what parse_int gives
            elif raw := text(cells, "original_order"):
                try:
                    row.original_order = C.parse_int(raw, low=1, high=MAX_ORDER)
                except C.CellValueError as exc:
                    err(r, "original_order", str(exc))
        if "longitude" in has or "latitude" in has:
            row.coordinates_given = True
            for key in ("longitude", "latitude"):
                degrees = _float_coordinate(self.cell(cells, key))
                if degrees is not None:
                    setattr(row, key, degrees)
                elif raw := text(cells, key):
                    try:
                        setattr(row, key, C.parse_coordinate(raw))
                    except C.CellValueError as exc:
                        err(r, key, str(exc))
        if "name" in has or "phone" in has or "address" in has:
            row.personal = self._personal(r, cells)
        return acceptance_no, (row if len(self.reader.errors) == before else None)

    def _personal(self, r: int, cells: list) -> PersonalData:
        """The complainant's data; errors say what is wrong, never what the cell holds."""
        err = self.reader.error
        name = self.text(cells, "name")
        phone = self.text(cells, "phone")
        address = self.text(cells, "address")
        if not (name or phone or address):
            return EMPTY_PERSON
        for key, value, limit in (("name", name, NAME_MAX), ("address", address, ADDRESS_MAX)):
            if len(value) > limit:
                err(r, key, _("Longer than %(n)d characters.") % {"n": limit})
        if phone and (len(phone) > PHONE_MAX or not is_phone(phone)):
            err(r, "phone", _("Not a phone number."))
        return PersonalData(name=name, phone=phone, address=address)
