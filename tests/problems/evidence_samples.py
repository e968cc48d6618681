"""Sample files for upload tests: real images made with Pillow, Office and PDF stand-ins,
and the bad files an attacker or a careless user would send."""

import io
import struct
import zipfile
import zlib
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# 遵义市红花岗区 (a problem's site) and points near and far from it.
ZUNYI = (27.725700, 106.927400)
ZUNYI_NEARBY = (27.730100, 106.931200)  # about 0.6 km away
GUIYANG = (26.647700, 106.630200)  # about 118 km away


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round((value - deg - minutes / 60) * 3600, 4)
    return (float(deg), float(minutes), seconds)


def jpeg_bytes(
    *,
    taken: datetime | None = None,
    gps: tuple[float, float] | None = None,
    size: tuple[int, int] = (64, 48),
    offset: str | None = None,
) -> bytes:
    """A real JPEG as a phone writes it: camera make/model, capture time, GPS position."""
    im = Image.new("RGB", size, (96, 140, 72))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "Mate 60 Pro"
    exif[ExifTags.Base.Orientation] = 1
    if taken is not None:
        sub = {ExifTags.Base.DateTimeOriginal: taken.strftime("%Y:%m:%d %H:%M:%S")}
        if offset:
            sub[ExifTags.Base.OffsetTimeOriginal] = offset
        exif[ExifTags.IFD.Exif] = sub
    if gps is not None:
        lat, lon = gps
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
            ExifTags.GPS.GPSLatitude: _dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
            ExifTags.GPS.GPSLongitude: _dms(lon),
        }
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, "PNG")
    return out.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's calling card."""
    data = bytearray(png_bytes((8, 8)))
    # IHDR starts at byte 8: length(4) "IHDR"(4) width(4) height(4) ...; CRC over type+data.
    struct.pack_into(">II", data, 16, width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    struct.pack_into(">I", data, 29, crc)
    return bytes(data)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b"%s</Types>"
)


def docx_bytes() -> bytes:
    override = (
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.document.main+xml"/>'
    )
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES % override,
            "word/document.xml": "<w:document><w:body><w:p>整改完成情况报告</w:p></w:body>"
            "</w:document>".encode(),
        }
    )


def xlsx_bytes() -> bytes:
    override = (
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/>'
    )
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES % override,
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def xlsm_bytes() -> bytes:
    override = (
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.'
        b'macroEnabled.main+xml"/>'
    )
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES % override,
            "xl/workbook.xml": b"<workbook/>",
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64,
        }
    )


def plain_zip_bytes() -> bytes:
    return _zip({"照片/现场1.jpg": jpeg_bytes(), "说明.txt": "整改说明".encode()})


def zip_bomb_docx_bytes() -> bytes:
    override = b""
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES % override,
            "word/document.xml": b"<w:document/>",
            "word/media/padding.xml": b"\0" * (20 * 1024 * 1024),
        }
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200 + b"PE\0\0"
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 100
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
OLE2_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
RAR = b"Rar!\x1a\x07\x01\x00" + b"\0" * 64
SEVEN_Z = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 64
GZIP = b"\x1f\x8b\x08\x00" + b"\0" * 64
TAR = b"\0" * 257 + b"ustar\x0000" + b"\0" * 254
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00;"
HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
