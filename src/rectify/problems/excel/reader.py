"""Reading a sheet with python-calamine, after `safety.check_workbook` passed; the ledger,
complaints and oversight imports all read through here, each with its own ColumnSet.

Finds the sheet and its header row (a title row above it is allowed), copies the value of
merged cells into every cell they cover, and recognises section rows ("一、思想认识方面")
merged across the sheet, which give the aspect of the rows below them. `Sheet.rows()`
streams: calamine holds the sheet in compact native memory and converts a row to Python only
when asked, so a 100,000-row file never becomes 100,000 Python lists at once.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from rectify.problems.excel import cells as C
from rectify.problems.excel.errors import CellError, LayoutError
from rectify.problems.excel.headers import (
    LEDGER,
    ColumnSet,
    HeaderMap,
    column_letter,
    header_score,
    map_headers,
)
from rectify.problems.excel.safety import WorkbookRefused, limits

HEADER_SEARCH_ROWS = 10
MIN_HEADER_SCORE = 3

Merged = list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass
class Sheet:
    """A worksheet whose header row was found, ready to stream its data rows."""

    name: str
    headers: HeaderMap
    # calamine drops empty LEADING columns (not rows): cell i of a row is Excel column
    # first_col + i, and merged ranges are given in Excel coordinates.
    first_col: int
    sheet: CalamineSheet
    merged: Merged
    height: int  # rows below the header, blank ones included
    headings: dict[int, str] = field(default_factory=dict)  # Excel row → section heading

    def letter(self, i: int) -> str:
        """The Excel column letter of cell `i` of a row."""
        return column_letter(self.first_col + i)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) of every non-blank data row, in order; section rows are
        recorded in `headings` as they pass."""
        lim = limits()
        header = self.headers.row
        width = max(self.headers.labels, default=0) + 1
        starts: dict[int, list[tuple[int, int, int]]] = {}
        sections: dict[int, tuple[int, int]] = {}  # first row → (last row, column)
        for (r0, c0), (r1, c1) in self.merged:
            if r0 <= header:
                continue
            c0, c1 = c0 - self.first_col, c1 - self.first_col
            if c1 - c0 + 1 >= 3 and c1 - c0 + 1 >= width // 2:
                # A section row merged across the sheet, e.g. "一、思想认识方面（共5个问题）".
                sections[r0] = (r1, c0)
            else:
                starts.setdefault(r0, []).append((r1, c0, c1))
        active: list[tuple[int, int, int, object]] = []  # (last row, c0, c1, value)
        section: tuple[int, str] | None = None  # (last row, heading)
        for i, cells in enumerate(self.sheet.iter_rows()):
            if i <= header:
                continue
            if i >= lim.max_rows:  # also enforced while reading, whatever the sheet says
                raise WorkbookRefused(
                    _("The sheet %(name)s has more than %(max_rows)d rows.")
                    % {"name": self.name, "max_rows": lim.max_rows}
                )
            if len(cells) > lim.max_cols:
                cells = cells[: lim.max_cols]
            if i in sections:
                r1, c0 = sections.pop(i)
                section = (r1, str(cells[c0] if 0 <= c0 < len(cells) else "").strip())
            if section is not None and i <= section[0]:
                self.headings[i + 1] = section[1]
                continue
            if i in starts:
                for r1, c0, c1 in starts.pop(i):
                    value = cells[c0] if 0 <= c0 < len(cells) else ""
                    active.append((r1, c0, c1, value))
            if active:
                active = [m for m in active if m[0] >= i]
                for _r1, c0, c1, value in active:
                    for c in range(max(c0, 0), min(c1 + 1, len(cells))):
                        if cells[c] in ("", None):
                            cells[c] = value
            if all(C.is_empty(c) for c in cells):
                continue
            yield i + 1, cells

    def count_rows(self) -> int:
        """The number of rows `rows()` yields (a second pass over the native sheet)."""
        return sum(1 for _ in self.rows())


@dataclass
class LedgerSheet:
    """A sheet's data rows read into memory (the ledger and oversight imports)."""

    name: str
    headers: HeaderMap
    rows: list[tuple[int, list]]  # (Excel row number, cells), data rows only
    headings: dict[int, str] = field(default_factory=dict)  # Excel row → section heading
    first_col: int = 0

    def letter(self, i: int) -> str:
        """The Excel column letter of cell `i` of a row."""
        return column_letter(self.first_col + i)


def open_workbook(stream: BinaryIO) -> CalamineWorkbook:
    """The calamine workbook of `stream` (a context manager)."""
    stream.seek(0)
    try:
        return CalamineWorkbook.from_filelike(stream)
    except CalamineError as exc:
        raise WorkbookRefused(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc


def find_sheet(wb: CalamineWorkbook, column_set: ColumnSet, *, sheet_name: str | None = None):
    """The first visible worksheet with a header row of `column_set` (or the one named);
    raises WorkbookRefused (too large, unreadable) or LayoutError (no usable header)."""
    lim = limits()
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
    wanted = min(MIN_HEADER_SCORE, len(column_set.required))
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            end = sheet.end
            if end is not None and (end[0] + 1 > lim.max_rows or end[1] + 1 > lim.max_cols):
                raise WorkbookRefused(
                    _("The sheet %(name)s has more than %(max_rows)d rows or %(max_cols)d columns.")
                    % {"name": name, "max_rows": lim.max_rows, "max_cols": lim.max_cols}
                )
            header_row, header_cells = None, []
            for i, row in enumerate(sheet.iter_rows()):
                if i >= HEADER_SEARCH_ROWS:
                    break
                if header_score(row, column_set) >= wanted:
                    header_row, header_cells = i, row[: lim.max_cols]
                    break
        except CalamineError as exc:
            raise WorkbookRefused(
                _("The sheet %(name)s cannot be read: %(error)s") % {"name": name, "error": exc}
            ) from exc
        if header_row is None:
            if sheet_name is None and name != names[-1]:
                continue
            expected = "、".join(column_set.by_key[k].header for k in column_set.required)
            message = column_set.no_header % {"n": HEADER_SEARCH_ROWS, "expected": expected}
            raise LayoutError([CellError(name, None, "", message)])
        headers = _headers(name, header_row, header_cells, column_set)
        return Sheet(
            name=name,
            headers=headers,
            first_col=sheet.start[1] if sheet.start else 0,
            sheet=sheet,
            merged=sheet.merged_cell_ranges or [],
            height=max(0, (end[0] + 1 if end else 0) - header_row - 1),
        )
    raise LayoutError([CellError("", None, "", _("The workbook has no visible worksheet."))])


def _headers(name: str, header_row: int, cells: list, column_set: ColumnSet) -> HeaderMap:
    headers = map_headers(header_row, cells, column_set)
    for key, stand_in in column_set.stand_ins.items():
        if key not in headers.columns and stand_in in headers.columns:
            headers.columns[key] = headers.columns[stand_in]
    missing = [k for k in column_set.required if k not in headers.columns]
    if missing:
        raise LayoutError(
            [
                CellError(
                    name,
                    header_row + 1,
                    column_set.by_key[k].header,
                    _("This column is missing; the header row has: %(found)s.")
                    % {"found": "、".join(headers.labels.values())},
                )
                for k in missing
            ]
        )
    return headers


def read_sheet(
    stream: BinaryIO, column_set: ColumnSet, *, sheet_name: str | None = None
) -> LedgerSheet:
    """The data rows of the sheet `find_sheet` picks, read into memory."""
    with open_workbook(stream) as wb:
        sheet = find_sheet(wb, column_set, sheet_name=sheet_name)
        rows = list(sheet.rows())
    return LedgerSheet(
        name=sheet.name,
        headers=sheet.headers,
        rows=rows,
        headings=sheet.headings,
        first_col=sheet.first_col,
    )


def read_ledger(stream: BinaryIO, *, sheet_name: str | None = None) -> LedgerSheet:
    """The first visible worksheet with a ledger header row (or the one named)."""
    return read_sheet(stream, LEDGER, sheet_name=sheet_name)


_COUNT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]\s*$")
_SECTION_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")


def heading_aspect(heading: str) -> str:
    """The aspect named by a section row: "一、思想认识方面（共5个）" → "思想认识方面"."""
    return _SECTION_NUMBER.sub("", _COUNT_SUFFIX.sub("", heading)).strip()
