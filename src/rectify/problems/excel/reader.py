"""Reading a ledger sheet with python-calamine, after `safety.check_workbook` passed.

Finds the sheet and its header row (a title row above it is allowed), copies the value of
vertically merged cells into every row they cover, and recognises section rows ("一、思想
认识方面") merged across the sheet, which give the aspect of the rows below them.
"""

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from rectify.problems.excel.errors import CellError, LayoutError
from rectify.problems.excel.headers import (
    BY_KEY,
    REQUIRED,
    HeaderMap,
    header_score,
    map_headers,
)
from rectify.problems.excel.safety import WorkbookRefused, limits

HEADER_SEARCH_ROWS = 10
MIN_HEADER_SCORE = 3


@dataclass
class LedgerSheet:
    name: str
    headers: HeaderMap
    rows: list[tuple[int, list]]  # (Excel row number, cells), data rows only
    headings: dict[int, str] = field(default_factory=dict)  # Excel row → section heading


def open_workbook(stream: BinaryIO) -> CalamineWorkbook:
    stream.seek(0)
    try:
        return CalamineWorkbook.from_filelike(stream)
    except CalamineError as exc:
        raise WorkbookRefused(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc


def read_ledger(stream: BinaryIO, *, sheet_name: str | None = None) -> LedgerSheet:
    """The first visible worksheet with a ledger header row (or the one named)."""
    lim = limits()
    with open_workbook(stream) as wb:
        names = [
            m.name
            for m in wb.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        ]
        if sheet_name is not None:
            if sheet_name not in wb.sheet_names:
                raise LayoutError(
                    [
                        CellError(
                            sheet_name,
                            None,
                            "",
                            _("The workbook has no sheet of that name (it has: %(names)s).")
                            % {"names": "、".join(wb.sheet_names)},
                        )
                    ]
                )
            names = [sheet_name]
        for name in names:
            try:
                sheet = wb.get_sheet_by_name(name)
            except CalamineError as exc:
                raise WorkbookRefused(
                    _("The sheet %(name)s cannot be read: %(error)s") % {"name": name, "error": exc}
                ) from exc
            end = sheet.end
            if end is not None and (end[0] + 1 > lim.max_rows or end[1] + 1 > lim.max_cols):
                raise WorkbookRefused(
                    _("The sheet %(name)s has more than %(max_rows)d rows or %(max_cols)d columns.")
                    % {"name": name, "max_rows": lim.max_rows, "max_cols": lim.max_cols}
                )
            grid = []
            for i, row in enumerate(sheet.iter_rows()):
                if i >= lim.max_rows:  # also enforced while reading, whatever the sheet says
                    raise WorkbookRefused(
                        _("The sheet %(name)s has more than %(max_rows)d rows.")
                        % {"name": name, "max_rows": lim.max_rows}
                    )
                grid.append(row[: lim.max_cols])
            header_row = _find_header(grid)
            if header_row is None:
                if sheet_name is None and name != names[-1]:
                    continue
                raise LayoutError([_no_header(name)])
            return _ledger_sheet(name, grid, header_row, sheet.merged_cell_ranges or [])
    raise LayoutError([CellError("", None, "", _("The workbook has no visible worksheet."))])


def _find_header(grid: list[list]) -> int | None:
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if header_score(row) >= MIN_HEADER_SCORE:
            return i
    return None


def _no_header(sheet: str) -> CellError:
    expected = "、".join(BY_KEY[k].header for k in REQUIRED)
    return CellError(
        sheet,
        None,
        "",
        _(
            "No header row found in the first %(n)d rows. The ledger needs at least the "
            "columns %(expected)s (synonyms such as 项目, 责任单位, 整改期限 are accepted)."
        )
        % {"n": HEADER_SEARCH_ROWS, "expected": expected},
    )


def _ledger_sheet(name: str, grid: list[list], header_row: int, merged) -> LedgerSheet:
    headers = map_headers(header_row, grid[header_row])
    missing = [k for k in REQUIRED if k not in headers.columns]
    if "number" in missing and "seq" in headers.columns:
        # Some offices number problems only with 序号; it then serves as the problem number.
        headers.columns["number"] = headers.columns["seq"]
        missing.remove("number")
    if missing:
        raise LayoutError(
            [
                CellError(
                    name,
                    header_row + 1,
                    BY_KEY[k].header,
                    _("This column is missing; the header row has: %(found)s.")
                    % {"found": "、".join(headers.labels.values())},
                )
                for k in missing
            ]
        )
    headings: dict[int, str] = {}
    width = max((len(r) for r in grid), default=0)
    for (r0, c0), (r1, c1) in merged:
        if r0 <= header_row or r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        if c1 - c0 + 1 >= 3 and c1 - c0 + 1 >= width // 2:
            # A section row merged across the sheet, e.g. "一、思想认识方面（共5个问题）".
            for r in range(r0, min(r1, len(grid) - 1) + 1):
                headings[r + 1] = str(value).strip()
            continue
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = value
    rows = []
    for r in range(header_row + 1, len(grid)):
        if r + 1 in headings:
            continue
        cells = grid[r]
        if all(c in ("", None) or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((r + 1, cells))
    return LedgerSheet(name=name, headers=headers, rows=rows, headings=headings)


_COUNT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]\s*$")
_SECTION_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")


def heading_aspect(heading: str) -> str:
    """The aspect named by a section row: "一、思想认识方面（共5个）" → "思想认识方面"."""
    return _SECTION_NUMBER.sub("", _COUNT_SUFFIX.sub("", heading)).strip()
