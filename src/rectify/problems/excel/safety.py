"""Checks a workbook must pass before any parser sees it.

An .xlsx is a zip of XML parts. Before python-calamine reads it we make sure, from the zip
central directory and then by streaming each part through a capped decompressor, that it is
an Excel workbook (not a renamed text file or Word document), that it does not expand past
the limits (zip bomb: total size, entry count, compression ratio), that no XML part declares
a DOCTYPE or entities (entity bomb), and that no worksheet declares or holds more rows or
columns than allowed. Memory stays bounded: parts are read in fixed-size chunks.

Limits can be lowered or raised with the optional setting RECTIFY_EXCEL_LIMITS (a dict
with the field names of `Limits`).
"""

import re
import zipfile
import zlib
from dataclasses import dataclass, fields, replace
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc and password-protected files
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MB  # the .xlsx file itself
    max_entries: int = 1000  # zip entries
    max_total_uncompressed: int = 256 * MB  # all parts together, expanded
    max_entry_uncompressed: int = 200 * MB  # one part, expanded
    max_ratio: int = 200  # expanded / compressed, for parts above ratio_floor
    ratio_floor: int = 1 * MB
    max_rows: int = 50_000  # per worksheet
    max_cols: int = 100


def limits() -> Limits:
    """The limits in force (defaults, overridden by settings.RECTIFY_EXCEL_LIMITS)."""
    overrides = getattr(settings, "RECTIFY_EXCEL_LIMITS", None) or {}
    known = {f.name for f in fields(Limits)}
    return replace(Limits(), **{k: v for k, v in overrides.items() if k in known})


class WorkbookRefused(Exception):
    """The file is not a workbook we are willing to parse; the message says why."""


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\""
)
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
# Cells beyond column Z: enough to enforce any column limit of 26 or more, and far fewer
# matches than every cell (a 10,000-row ledger has 270,000 cells).
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]{2,3})\d+\"")
_CELL_COL = re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]{1,3})\d+\"")
_DANGEROUS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def col_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _human(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_workbook(stream: BinaryIO, *, size: int | None = None) -> None:
    """Raise WorkbookRefused unless `stream` (seekable) is a safe .xlsx within the limits."""
    lim = limits()
    stream.seek(0, 2)
    total = stream.tell() if size is None else size
    stream.seek(0)
    if total == 0:
        raise WorkbookRefused(_("The file is empty."))
    if total > lim.max_file_bytes:
        raise WorkbookRefused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": _human(total), "limit": _human(lim.max_file_bytes)}
        )
    magic = stream.read(8)
    stream.seek(0)
    if magic.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            _(
                "This is an old-format (.xls) or password-protected file. "
                "Open it in Excel or WPS and save it as an unprotected .xlsx workbook."
            )
        )
    if not magic.startswith(b"PK\x03\x04"):
        raise WorkbookRefused(
            _("This is not an Excel workbook (.xlsx): the file does not start like one.")
        )
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(
            _("The file is damaged or incomplete (it may have been truncated): %(error)s")
            % {"error": exc}
        ) from exc
    with archive:
        _check_directory(archive, lim)
        _check_content_types(archive, lim)
        for info in archive.infolist():
            if _is_xml(info.filename):
                _scan_part(archive, info, lim)


def _check_directory(archive: zipfile.ZipFile, lim: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > lim.max_entries:
        raise WorkbookRefused(
            _("The workbook has %(n)d parts; the limit is %(limit)d.")
            % {"n": len(infos), "limit": lim.max_entries}
        )
    expanded = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(_("The workbook is encrypted; save it without a password."))
        if info.file_size > lim.max_entry_uncompressed:
            raise WorkbookRefused(
                _("The part %(name)s expands to %(size)s; the limit is %(limit)s.")
                % {
                    "name": info.filename,
                    "size": _human(info.file_size),
                    "limit": _human(lim.max_entry_uncompressed),
                }
            )
        if info.file_size > lim.ratio_floor and info.file_size > lim.max_ratio * max(
            info.compress_size, 1
        ):
            raise WorkbookRefused(
                _(
                    "The part %(name)s is compressed %(ratio)d to 1, more than the %(limit)d "
                    "to 1 allowed (a zip bomb?)."
                )
                % {
                    "name": info.filename,
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "limit": lim.max_ratio,
                }
            )
        expanded += info.file_size
    if expanded > lim.max_total_uncompressed:
        raise WorkbookRefused(
            _("The workbook expands to %(size)s; the limit is %(limit)s (a zip bomb?).")
            % {"size": _human(expanded), "limit": _human(lim.max_total_uncompressed)}
        )


def _check_content_types(archive: zipfile.ZipFile, lim: Limits) -> None:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise WorkbookRefused(
            _("This is a zip file but not an Excel workbook (no [Content_Types].xml).")
        ) from None
    if info.file_size > 1 * MB:
        raise WorkbookRefused(_("The workbook's [Content_Types].xml is too large."))
    data = _scan_part(archive, info, lim, keep=True)
    if XLSX_MAIN.encode() in data:
        return
    if XLSM_MAIN.encode() in data:
        raise WorkbookRefused(
            _("Macro-enabled workbooks (.xlsm) are not accepted; save it as .xlsx.")
        )
    if DOCX_MAIN.encode() in data:
        raise WorkbookRefused(_("This is a Word document, not an Excel workbook."))
    if PPTX_MAIN.encode() in data:
        raise WorkbookRefused(_("This is a PowerPoint presentation, not an Excel workbook."))
    raise WorkbookRefused(_("This is not an Excel workbook (.xlsx)."))


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, lim: Limits, *, keep: bool = False
) -> bytes:
    """Stream one part with a size cap; refuse DOCTYPE/ENTITY and oversized worksheets."""
    worksheet = _is_worksheet(info.filename)
    cap = min(info.file_size, lim.max_entry_uncompressed)
    seen = 0
    tail = b""
    kept: list[bytes] = []
    max_row = 0
    row_tags = 0
    max_col = 0
    first = True
    try:
        with archive.open(info) as part:
            while True:
                chunk = part.read(CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                if seen > cap:
                    raise WorkbookRefused(
                        _("The part %(name)s expands past its declared size.")
                        % {"name": info.filename}
                    )
                if first:
                    first = False
                    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]:
                        raise WorkbookRefused(
                            _("The part %(name)s is not UTF-8 XML.") % {"name": info.filename}
                        )
                window = tail + chunk
                if _DANGEROUS.search(window):
                    raise WorkbookRefused(
                        _(
                            "The part %(name)s declares a DOCTYPE or entities, which workbooks "
                            "never need (an entity bomb?)."
                        )
                        % {"name": info.filename}
                    )
                if worksheet:
                    max_row, row_tags, max_col = _count_cells(
                        window, len(tail), max_row, row_tags, max_col, info.filename, lim
                    )
                # Keep enough of the end to catch a tag split across two chunks.
                tail = window[-256:]
                if keep:
                    kept.append(chunk)
    except WorkbookRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise WorkbookRefused(
            _("The file is damaged or incomplete (it may have been truncated): %(error)s")
            % {"error": exc}
        ) from exc
    return b"".join(kept)


def _count_cells(window, overlap, max_row, row_tags, max_col, name, lim):
    """Update the largest row / column seen in a worksheet chunk and enforce the limits."""
    if row_tags == 0 and max_row == 0:
        dim = _DIMENSION.search(window)
        if dim:
            rows = int(dim.group(4) or dim.group(2) or 0)
            cols = col_number((dim.group(3) or dim.group(1) or b"A").decode())
            if rows > lim.max_rows or cols > lim.max_cols:
                raise WorkbookRefused(
                    _(
                        "The sheet %(name)s declares %(rows)d rows × %(cols)d columns; the "
                        "limit is %(max_rows)d × %(max_cols)d."
                    )
                    % {
                        "name": name,
                        "rows": rows,
                        "cols": cols,
                        "max_rows": lim.max_rows,
                        "max_cols": lim.max_cols,
                    }
                )
    # Matches wholly inside the overlap were counted with the previous chunk.
    for m in _ROW_REF.finditer(window):
        if m.end() > overlap:
            max_row = max(max_row, int(m.group(1)))
    row_tags += sum(1 for m in _ROW_TAG.finditer(window) if m.end() > overlap)
    cells = _WIDE_CELL if lim.max_cols >= 26 else _CELL_COL
    for m in cells.finditer(window):
        if m.end() > overlap:
            max_col = max(max_col, col_number(m.group(1).decode()))
    if max(max_row, row_tags) > lim.max_rows or max_col > lim.max_cols:
        raise WorkbookRefused(
            _("The sheet %(name)s has more than %(max_rows)d rows or %(max_cols)d columns.")
            % {"name": name, "max_rows": lim.max_rows, "max_cols": lim.max_cols}
        )
    return max_row, row_tags, max_col
