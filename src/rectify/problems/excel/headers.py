"""The ledger's spreadsheet columns and tolerant matching of the headers offices write.

Each column has a key used in code, the header the export writes, and the other headers
found in provincial and prefectural ledgers (office-formats.md). Matching ignores spaces,
full-/half-width differences, required-field stars and a bracketed unit suffix, so
"最新进度（%）", "最新进度(%)" and " 最新 进度 " are the same column.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # written by the export; first choice when matching
    synonyms: tuple[str, ...] = ()
    exported: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


# Export order; the import accepts any order and any subset that has the required keys.
COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("排序", "原始排序编码")),
    Column("number", "问题编号", ("编号", "问题序号", "任务编号")),
    Column("aspect", "所属方面", ("方面", "问题方面")),
    Column("category", "问题类别", ("归类", "类别", "问题分类", "问题类型")),
    Column("title", "问题简述", ("项目", "问题", "问题名称", "问题概述", "反馈问题")),
    Column("description", "问题描述", ("问题详情", "具体问题", "问题具体情况")),
    Column("target", "整改目标", ("任务具体整改要求", "整改要求", "整改任务", "目标任务")),
    Column("measures", "整改措施", ("措施", "主要整改措施", "重点措施")),
    Column("region", "行政区划", ("所属城市", "所属地区", "行政区域", "地区", "所在地区", "市州")),
    Column("lead_unit", "牵头单位", ("责任单位", "牵头责任单位", "责任部门", "整改责任单位")),
    Column("cooperating_units", "配合单位", ("协同单位", "配合部门", "涉及部门", "协助单位")),
    Column("responsible_leader", "责任领导", ("牵头领导", "牵头人", "包保领导")),
    Column("responsible_person", "责任人", ("具体责任人", "联系人")),
    Column("deadline", "整改时限", ("整改期限", "完成时限", "时限要求", "整改时间")),
    Column("extended_deadline", "调整后时限", ("延期后时限", "延期时限", "调整后整改时限")),
    Column("start_date", "整改起始时间", ("起始时间", "开始时间", "列入台账时间")),
    Column("warning_days", "预警天数", ("预警期",)),
    Column("milestones", "序时进度", ("序时进度计划", "时序进度", "进度计划", "序时进度安排")),
    Column(
        "progress_text",
        "目前进展情况及存在问题",
        ("目前进展情况", "进展情况", "整改进展", "整改进展情况", "最新整改情况", "整改情况说明"),
    ),
    Column("status", "完成情况", ("整改完成情况", "完成状态", "整改状态", "进度状态", "整改情况")),
    Column("done_date", "完成时间", ("完成日期", "整改完成时间", "验收时间")),
    Column("signoff_date", "销号时间", ("销号日期", "交账销号时间")),
    Column("percent", "最新进度", ("完成进度", "整改进度", "进度", "完成比例")),
    Column("progress_date", "进度填报时间", ("进度更新时间", "填报时间", "进度日期")),
    Column("source", "问题来源", ("来源",)),
    Column("longitude", "经度", ("东经",)),
    Column("latitude", "纬度", ("北纬",)),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Headers the export writes where the bare name would hide the unit.
EXPORT_HEADERS = {"percent": "最新进度(%)"}
REQUIRED = ("number", "title", "lead_unit", "deadline")

_SUFFIX = re.compile(r"[(\[][^()\[\]]*[)\]]$")
_NOISE = re.compile(r"[\s*※:：]+")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


def normalise(text: str) -> str:
    """Header text reduced for comparison: NFKC, no spaces, stars, colons or unit suffix."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _NOISE.sub("", text)
    while True:
        stripped = _SUFFIX.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    return text


def name_key(text: str) -> str:
    """Comparison key for names (units, categories, aspects): NFKC, no spaces or quotes."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).translate(_QUOTES)


class ColumnSet:
    """The columns of one kind of sheet, those it must have, and tolerant matching of the
    headers offices write for them (the ledger, complaints and oversight sheets use one)."""

    def __init__(
        self,
        columns: tuple[Column, ...],
        required: tuple[str, ...],
        *,
        stand_ins: dict[str, str] | None = None,
        no_header: str = gettext_lazy(
            "No header row found in the first %(n)d rows; the sheet needs the columns %(expected)s."
        ),
    ):
        self.columns = columns
        self.required = required
        self.stand_ins = stand_ins or {}  # missing required key → a column that may serve
        self.no_header = no_header  # %(n)d header rows searched, %(expected)s columns
        self.by_key = {c.key: c for c in columns}
        # normalised header → (key, priority): a lower priority wins when two cells match.
        self._lookup: dict[str, tuple[str, int]] = {}
        for column in columns:
            for prio, name in enumerate(column.names):
                self._lookup.setdefault(normalise(name), (column.key, prio))

    def match(self, text: str) -> tuple[str, int] | None:
        """(key, priority) of a header cell, or None; "A / B" matches if either part does."""
        norm = normalise(text)
        if not norm:
            return None
        if norm in self._lookup:
            return self._lookup[norm]
        hits = [
            h for part in re.split(r"[/／、或]", norm) if (h := self._lookup.get(normalise(part)))
        ]
        return min(hits, key=lambda h: h[1]) if hits else None


LEDGER = ColumnSet(
    COLUMNS,
    REQUIRED,
    # Some offices number problems only with 序号; it then serves as the problem number.
    stand_ins={"number": "seq"},
    no_header=gettext_lazy(
        "No header row found in the first %(n)d rows. The ledger needs at least the "
        "columns %(expected)s (synonyms such as 项目, 责任单位, 整改期限 are accepted)."
    ),
)


def match_header(text: str) -> tuple[str, int] | None:
    """(key, priority) of a ledger header cell, or None."""
    return LEDGER.match(text)


@dataclass
class HeaderMap:
    """Where each known key sits in the sheet (0-based column) and what the header said."""

    row: int  # 0-based index of the header row
    columns: dict[str, int]
    labels: dict[int, str]  # column index → header text as written
    ignored: list[str]
    column_set: ColumnSet = LEDGER

    def label(self, key: str) -> str:
        if key in self.columns:
            return self.labels[self.columns[key]]
        return self.column_set.by_key[key].header


def map_headers(row_index: int, cells: list, column_set: ColumnSet = LEDGER) -> HeaderMap:
    """Assign keys to the cells of a header row; the best-priority, leftmost match wins."""
    chosen: dict[str, tuple[int, int]] = {}
    labels: dict[int, str] = {}
    ignored: list[str] = []
    for i, cell in enumerate(cells):
        text = str(cell).strip() if cell not in (None, "") else ""
        if not text:
            continue
        labels[i] = re.sub(r"\s+", " ", text)
        hit = column_set.match(text)
        if hit is None:
            ignored.append(labels[i])
            continue
        key, prio = hit
        if key not in chosen or prio < chosen[key][1]:
            if key in chosen:
                ignored.append(labels[chosen[key][0]])
            chosen[key] = (i, prio)
        else:
            ignored.append(labels[i])
    return HeaderMap(
        row=row_index,
        columns={k: v[0] for k, v in chosen.items()},
        labels=labels,
        ignored=ignored,
        column_set=column_set,
    )


def header_score(cells: list, column_set: ColumnSet = LEDGER) -> int:
    """How many distinct columns of `column_set` a row names (to find the header row)."""
    return len({h[0] for c in cells if c not in (None, "") and (h := column_set.match(str(c)))})


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
