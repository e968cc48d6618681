"""Reading the values offices type into ledger cells: dates, deadlines, percents, lists.

Every parser takes a raw cell value as python-calamine returns it (str, int, float, bool,
date, datetime, "" for empty) and returns a Python value or raises CellValueError with a
message in the user's language.
"""

import calendar
import itertools
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rectify.problems.states import DeadlineKind

# A cell starting with one of these is a formula to a spreadsheet program; the export
# prefixes it with a quote (OWASP "CSV injection") and the import removes that quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2_958_465  # 9999-12-31


class CellValueError(ValueError):
    pass


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would take for a formula (reversible)."""
    if text.lstrip("'")[:1] in FORMULA_START:
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop one leading quote if what follows would start a formula."""
    if text.startswith("'") and text.lstrip("'")[:1] in FORMULA_START:
        return text[1:]
    return text


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as ISO, the export's quote removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    s = str(value).replace("\r\n", "\n").strip(" \n\u3000\u00a0")
    return unneutralise(s)


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _make_date(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellValueError(
            _("%(value)s is not a real date.") % {"value": f"{y}-{m}-{d}"}
        ) from None


_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?\s*(?:底|末|月底|月末)?$")
_YEAR_END = re.compile(r"^(\d{4})\s*(?:年\s*(?:底|末|全年)?|年底|年末|底|末)$")
_HALF = re.compile(r"^(\d{4})\s*年?\s*([上下])半年(?:底|末)?$")
_BEFORE = re.compile(r"(?:之前|以前|前|为止|止|完成|内)+$")


def parse_date(value) -> date:
    """A date from a date cell, an Excel serial number or text such as 2020年12月31日,
    2020-12-31, 2020/12/31, 2020.12.31, 2020年底 (→ 12-31) or 2021年6月底 (→ 06-30)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellValueError(_("Expected a date."))
    if isinstance(value, int | float):
        # Below 10000 (1927) a number is more likely a year or a typo than a serial date.
        if not 10_000 <= value <= MAX_SERIAL:
            raise CellValueError(_("%(value)s is not a date.") % {"value": text(value)})
        return EXCEL_EPOCH + timedelta(days=int(value))
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"\s+", " ", s)
    s = _BEFORE.sub("", s).strip()
    if s.isdigit() and len(s) == 5:
        return parse_date(int(s))
    if m := _YMD.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_END.match(s):
        return date(int(m[1]), 12, 31)
    if m := _HALF.match(s):
        return date(int(m[1]), 6, 30) if m[2] == "上" else date(int(m[1]), 12, 31)
    if (m := _YM.match(s)) and 1 <= int(m[2]) <= 12:
        return _last_day(int(m[1]), int(m[2]))
    raise CellValueError(
        _("%(value)s is not a date (write it like 2020-12-31, 2020年12月31日 or 2020年底).")
        % {"value": text(value)}
    )


IMMEDIATE_WORDS = ("立行立改", "立即整改", "即知即改")
ONGOING_WORDS = ("长期坚持", "持续推进", "长期推进", "持续整改")


def parse_deadline(value) -> tuple[str, date | None]:
    """(deadline kind, date or None): a date, 立行立改 or 长期坚持, optionally with a date."""
    if not isinstance(value, str):
        return DeadlineKind.BY_DATE, parse_date(value)
    s = unicodedata.normalize("NFKC", value).strip()
    kind = DeadlineKind.BY_DATE
    for word in IMMEDIATE_WORDS:
        if word in s:
            kind, s = DeadlineKind.IMMEDIATE, s.replace(word, " ")
    for word in ONGOING_WORDS:
        if word in s:
            kind, s = DeadlineKind.ONGOING, s.replace(word, " ")
    s = re.sub(r"[,;()\[\]、。:]+", " ", s).strip()
    if not s:
        return kind, None
    return kind, parse_date(s)


def format_deadline(kind: str, deadline: date | None, start: date) -> "str | date | None":
    """The 整改时限 cell the export writes; the inverse of parse_deadline."""
    if kind == DeadlineKind.IMMEDIATE:
        return "立行立改" if deadline in (None, start) else f"立行立改,{deadline.isoformat()}"
    if kind == DeadlineKind.ONGOING:
        return "长期坚持" if deadline is None else f"长期坚持,{deadline.isoformat()}"
    return deadline


def parse_percent(value) -> int:
    """0–100 from 60, 60.0, "60%", or 0.6 (a percent-formatted cell)."""
    if isinstance(value, bool):
        raise CellValueError(_("Expected a percent."))
    if isinstance(value, int | float):
        number = float(value)
        if 0 < number < 1 and not number.is_integer():
            number *= 100
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip().rstrip("%").strip()
        try:
            number = float(s)
        except ValueError:
            raise CellValueError(
                _("%(value)s is not a percent.") % {"value": text(value)}
            ) from None
    if not 0 <= number <= 100:
        raise CellValueError(_("A percent must be between 0 and 100."))
    return int(Decimal(str(number)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def parse_int(value, *, low: int, high: int) -> int:
    try:
        number = float(text(value))
    except ValueError:
        raise CellValueError(_("%(value)s is not a number.") % {"value": text(value)}) from None
    if not number.is_integer() or not low <= number <= high:
        raise CellValueError(
            _("Expected a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return int(number)


def parse_coordinate(value) -> Decimal:
    try:
        return Decimal(text(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise CellValueError(
            _("%(value)s is not a coordinate in degrees.") % {"value": text(value)}
        ) from None


_UNIT_SEP = re.compile(r"[、,，;；\n/／]+")


def split_units(value) -> list[str]:
    """Unit names separated by 、，, ; or new lines."""
    return [p.strip() for p in _UNIT_SEP.split(text(value)) if p.strip()]


_NUMBERING = re.compile(
    r"^\s*(?:"
    r"[(（]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]"  # (1) （一）
    r"|\d{1,3}\s*(?:[.．、,，)）](?!\d)|\s)"  # 1. 2、 3) 4，
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]"  # 一、
    r"|[①-⑳]"  # circled numbers
    r"|[•·\-–—*]\s"  # bullets
    r")\s*"
)
_INLINE = re.compile(r"(?:^|(?<=[；;。]))\s*(\d{1,3})\s*[.．、](?!\d)")


def strip_numbering(line: str) -> str:
    return _NUMBERING.sub("", line, count=1).strip()


def split_measures(value) -> list[str]:
    """One measure per line, numbering ("1." "2、" "（3）" "①") removed.

    A single line numbered inline ("1.建设管网；2.完善监管。") is split at its numbers.
    """
    lines = [ln for ln in text(value).split("\n") if ln.strip()]
    if len(lines) == 1:
        starts = list(_INLINE.finditer(lines[0]))
        numbers = [int(m[1]) for m in starts]
        if len(starts) >= 2 and numbers == list(range(1, len(numbers) + 1)):
            bounds = [m.start() for m in starts] + [len(lines[0])]
            lines = [lines[0][a:b] for a, b in itertools.pairwise(bounds)]
            return [strip_numbering(ln).rstrip("；;").strip() for ln in lines if ln.strip()]
    return [m for m in (strip_numbering(ln) for ln in lines) if m]


def format_measures(texts: list[str]) -> str:
    return "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))


_MILESTONE_SEP = re.compile(r"[;；\n,，、]+")
_MILESTONE = re.compile(r"^(.*?)\s*(?:[:=]|完成|达到)?\s*(\d{1,3}(?:\.\d+)?)\s*%?$")


def parse_milestones(value) -> list[tuple[date, int]]:
    """Planned percents by date: "2020-06-30:50%;2020-09-30:80%" or "2020年6月底完成50%"."""
    items = []
    s = unicodedata.normalize("NFKC", text(value))
    for part in _MILESTONE_SEP.split(s):
        part = part.strip()
        if not part:
            continue
        m = _MILESTONE.match(part)
        if not m or not m[1].strip():
            raise CellValueError(
                _("%(value)s is not a milestone (write it like 2020-06-30:50%%).") % {"value": part}
            )
        items.append((parse_date(m[1].strip()), parse_percent(m[2])))
    return items


def format_milestones(items: list[tuple[date, int]]) -> str:
    return ";".join(f"{d.isoformat()}:{p}%" for d, p in items)
