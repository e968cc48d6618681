"""Malformed and hostile workbooks are refused before parsing, with the ledger unchanged.

Each test builds the file itself: a truncated workbook, a text file and a Word document
renamed .xlsx, a zip bomb, an XML entity bomb, a sheet declaring a huge range, and a sheet
holding more rows than its declared range. Peak memory is checked for the bombs.
"""

import io
import resource
import struct
import zipfile
from datetime import date

import pytest
from django.utils import translation

from rectify.problems.excel.importer import check_import_ledger
from rectify.problems.testing import InspectionFactory

from .excel_helpers import counts, workbook


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the English wording; the Chinese is checked where it matters."""
    with translation.override("en"):
        yield


TODAY = date(2021, 1, 15)
ROW = [
    "1",
    "1",
    "",
    "环境生态类",
    "遵义市污水处理厂超标排放",
    "",
    "",
    "遵义市",
    "遵义市",
    "",
    "",
    date(2020, 12, 31),
    "",
    "",
    "",
    "",
]


@pytest.fixture
def inspection(orgs):
    return InspectionFactory()


def run(data: bytes, inspection):
    return check_import_ledger(io.BytesIO(data), inspection=inspection, actor="tests", today=TODAY)


def refused(data: bytes, inspection) -> str:
    before = counts()
    result = run(data, inspection)
    assert not result.ok
    assert counts() == before
    return " ".join(str(e) for e in result.errors)


def replace_part(data: bytes, name: str, new: bytes) -> bytes:
    """The workbook with one zip entry's content replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == name else src.read(info))
    return out.getvalue()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_valid_workbook_passes_the_checks(inspection):
    result = run(workbook([ROW]), inspection)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == ["1"]


def test_a_truncated_workbook_is_refused_as_damaged(inspection):
    data = workbook([ROW] * 50)
    message = refused(data[: len(data) // 2], inspection)
    assert "damaged or incomplete" in message


def test_a_text_file_renamed_xlsx_is_refused(inspection):
    message = refused("序号,问题编号\n1,1\n".encode(), inspection)
    assert "not an Excel workbook" in message


def test_an_old_xls_file_is_refused_with_advice(inspection):
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, inspection)
    assert "save it as an unprotected .xlsx" in message


def test_a_word_document_renamed_xlsx_is_refused(inspection):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word document" in refused(out.getvalue(), inspection)


def test_a_plain_zip_renamed_xlsx_is_refused(inspection):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "[Content_Types].xml" in refused(out.getvalue(), inspection)


def bomb(megabytes: int) -> bytes:
    """A valid workbook plus one part of `megabytes` MB of zeros (a few hundred KB zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        src = zipfile.ZipFile(io.BytesIO(workbook([ROW])))
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
        with z.open("xl/media/padding.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_directory_with_bounded_memory(inspection):
    data = bomb(300)
    assert len(data) < 3 * 1024 * 1024
    before = peak_rss_mb()
    message = refused(data, inspection)
    assert peak_rss_mb() - before < 100
    assert "expands to 300 MB" in message


def test_a_part_compressed_beyond_the_ratio_limit_is_refused(inspection):
    message = refused(bomb(20), inspection)
    assert "zip bomb" in message and "to 1" in message


def test_a_bomb_lying_about_its_size_is_refused_while_reading(inspection, settings):
    # The directory says 200 bytes; the data inflates to 50 MB. Reading stops at the
    # declared size and the check fails, never holding more than a chunk in memory.
    big = b"<x/>" * (50 * 1024 * 1024 // 4)
    data = replace_part(workbook([ROW]), "xl/sharedStrings.xml", big)
    src = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    # Patch the uncompressed-size fields in the central directory and the local header.
    for offset in range(len(src) - 46):
        if src[offset : offset + 4] == b"PK\x01\x02":
            name_len = struct.unpack_from("<H", src, offset + 28)[0]
            if src[offset + 46 : offset + 46 + name_len] == b"xl/sharedStrings.xml":
                struct.pack_into("<I", src, offset + 24, 200)
    struct.pack_into("<I", src, info.header_offset + 22, 200)
    before = peak_rss_mb()
    message = refused(bytes(src), inspection)
    assert peak_rss_mb() - before < 100
    assert "damaged" in message or "declared size" in message


def test_an_xml_entity_bomb_is_refused_before_parsing(inspection):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    data = replace_part(workbook([ROW]), "xl/sharedStrings.xml", lol)
    before = peak_rss_mb()
    message = refused(data, inspection)
    assert peak_rss_mb() - before < 50
    assert "DOCTYPE" in message


def test_a_sheet_declaring_a_huge_range_is_refused(inspection):
    data = workbook([ROW])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    huge = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    message = refused(replace_part(data, "xl/worksheets/sheet1.xml", huge), inspection)
    assert "1048576 rows" in message and "16384 columns" in message


def test_rows_beyond_the_limit_are_refused_even_if_the_range_is_small(inspection, settings):
    settings.RECTIFY_EXCEL_LIMITS = {"max_rows": 100}
    data = workbook([[*ROW[:1], str(i), *ROW[2:]] for i in range(1, 150)])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    lying = sheet[:start] + b'<dimension ref="A1:P2"/>' + sheet[end:]
    message = refused(replace_part(data, "xl/worksheets/sheet1.xml", lying), inspection)
    assert "more than 100 rows" in message


def test_too_many_zip_entries_are_refused(inspection, settings):
    settings.RECTIFY_EXCEL_LIMITS = {"max_entries": 20}
    src = zipfile.ZipFile(io.BytesIO(workbook([ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
        for i in range(30):
            z.writestr(f"xl/extra{i}.bin", b"x")
    assert "has 40 parts; the limit is 20" in refused(out.getvalue(), inspection)


def test_a_file_over_the_size_limit_is_refused(inspection, settings):
    settings.RECTIFY_EXCEL_LIMITS = {"max_file_bytes": 1000}
    assert "the limit is" in refused(workbook([ROW] * 20), inspection)
