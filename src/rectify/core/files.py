"""Hardened file uploads: the only way a file enters Rectify and the only way it is read back.

`store_upload` accepts a file only after checking, from its content and never its name,
that it is a photo (JPEG, PNG, WebP), a PDF or an Office Open XML document (Word, Excel,
PowerPoint) within the size limit. Refused on purpose: archives (zip, rar, 7z, gz, tar, …),
executables and scripts, HTML, SVG and other markup, GIF, HEIC/AVIF, and the legacy OLE2
Office formats (.doc, .xls, .ppt, also WPS .wps/.et): OLE2 is the usual carrier of macro
malware and cannot be checked cheaply, and every office suite saves .docx/.xlsx. Macro-enabled
OOXML (.docm, .xlsm) is refused for the same reason.

Accepted bytes go to the default storage (local `MEDIA_ROOT` or any production backend)
under `evidence/<yyyy>/<mm>/<random hex>`, never under the user's name. For images the EXIF
capture time and GPS position are read first, then a re-encoded copy without any metadata
is stored next to the original: pages and publications show only that copy.

Files are written before the transaction commits. Callers wrap their transaction in
`discard_on_error()` so that files of a rolled-back action are deleted again.
"""

import hashlib
import io
import logging
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from rectify.core import audit
from rectify.core.models import StoredFile

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_MB = 20
# Pixels, not bytes, decide how much memory decoding takes: a 64-megapixel RGB image needs
# about 200 MB. Phone cameras stay well below (12-50 MP in normal modes).
DEFAULT_MAX_IMAGE_MEGAPIXELS = 64
# The published copy is for screens and reports, not for forensic zoom.
PUBLIC_IMAGE_MAX_SIDE = 2560
# A Word/Excel file is a zip; these bound what a reader would have to inflate.
OOXML_MAX_ENTRIES = 10_000
OOXML_MAX_UNCOMPRESSED = 512 * 1024 * 1024
OOXML_MAX_RATIO = 1000  # per entry; XML compresses 5-50 times, zip bombs thousands of times
CHUNK = 64 * 1024
HEAD = 8 * 1024


def max_upload_bytes() -> int:
    """The size limit of one file, from `RECTIFY_MAX_UPLOAD_MB` (default 20)."""
    return int(getattr(settings, "RECTIFY_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)


def max_image_pixels() -> int:
    mp = getattr(settings, "RECTIFY_MAX_IMAGE_MEGAPIXELS", DEFAULT_MAX_IMAGE_MEGAPIXELS)
    return int(mp * 1_000_000)


@dataclass(frozen=True)
class FileType:
    kind: str  # image, pdf, word, excel, powerpoint
    content_type: str
    extension: str
    pil_format: str = ""


JPEG = FileType("image", "image/jpeg", ".jpg", "JPEG")
PNG = FileType("image", "image/png", ".png", "PNG")
WEBP = FileType("image", "image/webp", ".webp", "WEBP")
PDF = FileType("pdf", "application/pdf", ".pdf")
DOCX = FileType(
    "word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = FileType(
    "excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
PPTX = FileType(
    "powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
)
ALLOWED_TYPES = (JPEG, PNG, WEBP, PDF, DOCX, XLSX, PPTX)

# The main part each OOXML document must have, and the content type [Content_Types].xml
# gives it; macro-enabled variants declare ".macroEnabled" types and are refused.
OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}

# Magic numbers of refused formats: (offset, bytes, reason key).
ARCHIVE_MAGIC = (
    (0, b"Rar!\x1a\x07"),
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"\x1f\x8b"),  # gzip, .tgz
    (0, b"BZh"),
    (0, b"\xfd7zXZ\x00"),
    (0, b"\x28\xb5\x2f\xfd"),  # zstd
    (0, b"MSCF"),  # cab
    (0, b"\x60\xea"),  # arj
    (257, b"ustar"),  # tar
    (0, b"!<arch>\n"),  # ar, .deb
)
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE (.exe, .dll, .scr)
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# ISO base media brands of HEIC/HEIF/AVIF photos (iPhones' default).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
MARKUP_RE = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml|xsl|"
    rb"x:xmpmeta|rdf:rdf|a\s|img\s|div|style|link|form|title|!--)",
    re.IGNORECASE,
)


def _accepted_types_text() -> str:
    return _("photos (JPEG, PNG, WebP), PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx)")


def _refuse(name: str, message: str, **params: Any) -> ValidationError:
    logger.warning("upload refused: %r: %s", name, message % {"name": name, **params})
    return ValidationError(message, code="upload_refused", params={"name": name, **params})


# --- names ---------------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069]')


def clean_original_name(name: str) -> str:
    """The user's file name made safe to show and to offer as a download name.

    Control and bidirectional-override characters and characters Windows forbids are
    dropped, whitespace is collapsed, leading dots are removed, and the name is cut to
    255 characters keeping its extension. Never used as a path.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE_CHARS.sub("", name)
    name = " ".join(name.split()).lstrip(". ")
    if not name:
        return "file"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        keep_ext = bool(dot) and 0 < len(ext) <= 10
        name = f"{stem[: 254 - len(ext)]}.{ext}" if keep_ext else name[:255]
    return name


def _name_has_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.strip() in {".", ".."} or "\x00" in name


def download_name(stored: StoredFile) -> str:
    """The original name, with the extension of the detected type added when it lacks it."""
    ext = {t.content_type: t.extension for t in ALLOWED_TYPES}.get(stored.content_type, "")
    name = stored.original_name
    if (
        ext
        and not name.lower().endswith(ext)
        and not (ext == ".jpg" and name.lower().endswith(".jpeg"))
    ):
        name = f"{name}{ext}"
    return name


# --- type detection --------------------------------------------------------------------------


def _read_head(fp: IO[bytes]) -> bytes:
    fp.seek(0)
    head = fp.read(HEAD)
    fp.seek(0)
    return head


def _is_ftyp_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _looks_like_markup(head: bytes) -> bool:
    # Browsers sniff HTML and SVG from the first bytes; anything text-like that opens with
    # a tag, even after a BOM or blank lines, is refused. Also refuse UTF-16 text.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<") or bool(MARKUP_RE.search(head[:1024]))


def detect_type(fp: IO[bytes], name: str) -> FileType:
    """The accepted type of the file's content, or a ValidationError naming the file."""
    head = _read_head(fp)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(ZIP_MAGIC):
        return _detect_ooxml(fp, name)
    if head.startswith(OLE2_MAGIC):
        raise _refuse(
            name,
            _(
                "“%(name)s” is in an old Office format (.doc, .xls, .ppt or WPS), which is not "
                "accepted. Save it as .docx, .xlsx or .pptx and upload it again."
            ),
        )
    if any(head[off : off + len(magic)] == magic for off, magic in ARCHIVE_MAGIC):
        raise _archive_refused(name)
    if head.startswith(EXECUTABLE_MAGIC):
        raise _refuse(name, _("“%(name)s” is a program or script; such files are not accepted."))
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise _refuse(
            name, _("“%(name)s” is a GIF image, which is not accepted; upload a JPEG or PNG.")
        )
    if _is_ftyp_heif(head):
        raise _refuse(
            name,
            _(
                "“%(name)s” is a HEIC/AVIF photo, which is not accepted; set the camera or "
                "the phone's transfer option to JPEG (“most compatible”) and upload it again."
            ),
        )
    if _looks_like_markup(head):
        raise _refuse(
            name,
            _(
                "“%(name)s” is a web page, SVG image or other markup, which is not accepted "
                "because it can carry scripts."
            ),
        )
    raise _refuse(
        name,
        _("“%(name)s” is not a type accepted as evidence. Accepted: %(types)s."),
        types=_accepted_types_text(),
    )


def _archive_refused(name: str) -> ValidationError:
    return _refuse(
        name,
        _(
            "“%(name)s” is a compressed archive (zip, rar, 7z, …), which is not accepted. "
            "Upload the photos and documents themselves."
        ),
    )


def _zip_entry_count(fp: IO[bytes]) -> int | None:
    """Entries declared by the end-of-central-directory record (None if there is none).

    Read before `zipfile` parses the directory, which holds one object per entry in memory.
    """
    fp.seek(0, 2)
    size = fp.tell()
    fp.seek(max(0, size - 65557))
    tail = fp.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def _detect_ooxml(fp: IO[bytes], name: str) -> FileType:
    """Tell Word/Excel/PowerPoint documents from other zips using only the zip directory."""
    count = _zip_entry_count(fp)
    # 0xFFFF means "see the ZIP64 record": no office document needs that many parts.
    if count is not None and count > OOXML_MAX_ENTRIES:
        raise _refuse(
            name, _("“%(name)s” expands to far more data than a normal document; refused.")
        )
    fp.seek(0)
    try:
        with zipfile.ZipFile(fp) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            main = [t for part, t in OOXML_MAIN_PARTS.items() if part in names]
            if "[Content_Types].xml" not in names or len(main) != 1:
                raise _archive_refused(name)
            total = sum(i.file_size for i in infos)
            bomb_entry = any(i.file_size > OOXML_MAX_RATIO * max(i.compress_size, 1) for i in infos)
            if len(infos) > OOXML_MAX_ENTRIES or total > OOXML_MAX_UNCOMPRESSED or bomb_entry:
                raise _refuse(
                    name,
                    _("“%(name)s” expands to far more data than a normal document; refused."),
                )
            ct_info = zf.getinfo("[Content_Types].xml")
            if ct_info.file_size > 1024 * 1024:
                raise _archive_refused(name)
            content_types = zf.read(ct_info).lower()
            lowered = {n.lower() for n in names}
            if (
                b"macroenabled" in content_types
                or b"vbaproject" in content_types
                or any(n.endswith("vbaproject.bin") for n in lowered)
            ):
                raise _refuse(
                    name,
                    _(
                        "“%(name)s” contains macros, which are not accepted; save it as a "
                        "normal .docx, .xlsx or .pptx and upload it again."
                    ),
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as exc:
        raise _refuse(name, _("“%(name)s” is damaged or incomplete and cannot be read.")) from exc
    finally:
        fp.seek(0)
    return main[0]


# --- images ----------------------------------------------------------------------------------


@dataclass
class ImageFacts:
    taken_at: datetime | None = None
    gps_lat: Decimal | None = None
    gps_lon: Decimal | None = None
    public_bytes: bytes = b""
    public_content_type: str = ""


def _exif_datetime(exif_ifd: dict, base: Any) -> datetime | None:
    raw = exif_ifd.get(ExifTags.Base.DateTimeOriginal) or exif_ifd.get(
        ExifTags.Base.DateTimeDigitized
    )
    if raw is None:
        raw = base.get(ExifTags.Base.DateTime)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.strptime(raw.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = exif_ifd.get(ExifTags.Base.OffsetTimeOriginal) or exif_ifd.get(
        ExifTags.Base.OffsetTime
    )
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d\d:\d\d", offset.strip()):
        sign = -1 if offset.strip()[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        tz = dt_timezone(sign * timedelta(hours=hours, minutes=minutes))
        return naive.replace(tzinfo=tz)
    # Cameras write local time without a zone; the deployment's zone (Asia/Shanghai) is
    # the only sensible guess for photos of problems in the province.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _gps_coordinate(value: Any, ref: Any) -> Decimal | None:
    try:
        deg, minutes, seconds = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = deg + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip().upper() in {"S", "W"}:
        result = -result
    if result != result:  # NaN from a 0/0 rational
        return None
    return Decimal(str(result)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def read_exif(im: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    """Capture time and WGS-84 position from an opened image's EXIF; None where absent.

    Broken EXIF never refuses a photo: the facts are then simply unknown.
    """
    try:
        exif = im.getexif()
        exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
        taken_at = _exif_datetime(exif_ifd, exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # any malformed EXIF just means "unknown"
        logger.info("unreadable EXIF ignored", exc_info=True)
        return None, None, None
    lat = _gps_coordinate(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _gps_coordinate(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    # (0, 0) is "null island": what a receiver without a fix writes.
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return taken_at, None, None
    if lat == 0 and lon == 0:
        return taken_at, None, None
    return taken_at, lat, lon


def _reencode(im: Image.Image, source: FileType) -> tuple[bytes, str]:
    """Pixels only: orientation applied, size capped, no EXIF, XMP, ICC or text chunks."""
    im = ImageOps.exif_transpose(im)
    im.thumbnail((PUBLIC_IMAGE_MAX_SIDE, PUBLIC_IMAGE_MAX_SIDE))
    has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    lossless = source is PNG or has_alpha
    clean = im.convert("RGBA" if has_alpha else "RGB")
    # Savers fall back to `info` for some metadata (ICC profile, EXIF): start from nothing.
    clean.info = {}
    out = io.BytesIO()
    if lossless:
        clean.save(out, "PNG")
        return out.getvalue(), "image/png"
    clean.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue(), "image/jpeg"


def inspect_image(fp: IO[bytes], name: str, ftype: FileType) -> ImageFacts:
    """Read EXIF facts, then fully decode and re-encode; refuse bombs and broken images."""
    fp.seek(0)
    try:
        with Image.open(fp, formats=[ftype.pil_format]) as im:
            width, height = im.size
            if width * height > max_image_pixels():
                raise _too_many_pixels(name)
            # EXIF first: everything after works on a copy without it.
            taken_at, lat, lon = read_exif(im)
            im.load()
            public, public_type = _reencode(im, ftype)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name) from exc
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    ) as exc:
        raise _refuse(
            name, _("“%(name)s” looks like an image but is damaged or incomplete.")
        ) from exc
    finally:
        fp.seek(0)
    return ImageFacts(taken_at, lat, lon, public, public_type)


def _too_many_pixels(name: str) -> ValidationError:
    return _refuse(
        name,
        _(
            "“%(name)s” has more pixels than can be processed safely (at most %(mp)s "
            "megapixels); reduce it and upload it again."
        ),
        mp=max_image_pixels() // 1_000_000,
    )


def stripped_image_bytes(stored: StoredFile) -> bytes:
    """The image re-encoded without any metadata (the stored public copy when there is one)."""
    if not stored.is_image:
        raise ValueError("not an image")
    if stored.public_name:
        with default_storage.open(stored.public_name, "rb") as fh:
            return fh.read()
    ftype = {t.content_type: t for t in ALLOWED_TYPES}[stored.content_type]
    with open_stored(stored) as fh:
        data = io.BytesIO(fh.read())
    return inspect_image(data, stored.original_name, ftype).public_bytes


# --- storing ---------------------------------------------------------------------------------


@dataclass
class Inspected:
    """An upload that passed every check, with what was learned from it."""

    upload: Any
    name: str
    ftype: FileType
    size: int
    sha256: str
    image: ImageFacts | None = None
    extra: dict = field(default_factory=dict)


def inspect_upload(uploaded_file: Any) -> Inspected:
    """Check one upload without writing anything; a ValidationError names the file."""
    raw_name = getattr(uploaded_file, "name", "") or ""
    if _name_has_path(raw_name):
        raise _refuse(
            clean_original_name(raw_name.replace("\\", "/").rsplit("/", 1)[-1]),
            _("“%(name)s”: the file name contains a folder path; upload the file itself."),
        )
    name = clean_original_name(raw_name)
    limit = max_upload_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(name, limit)
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in _chunks(uploaded_file):
        size += len(chunk)
        if size > limit:
            raise _too_large(name, limit)
        digest.update(chunk)
    if size == 0:
        raise _refuse(name, _("“%(name)s” is empty."))
    uploaded_file.seek(0)
    ftype = detect_type(uploaded_file, name)
    image = inspect_image(uploaded_file, name, ftype) if ftype.kind == "image" else None
    return Inspected(uploaded_file, name, ftype, size, digest.hexdigest(), image)


def _too_large(name: str, limit: int) -> ValidationError:
    return _refuse(
        name,
        _("“%(name)s” is larger than the limit of %(limit)s MB."),
        limit=limit // (1024 * 1024),
    )


def _chunks(fp: Any) -> Iterator[bytes]:
    if hasattr(fp, "chunks"):
        yield from fp.chunks(CHUNK)
        return
    while chunk := fp.read(CHUNK):
        yield chunk


def _check_storage_location() -> None:
    """Refuse to write evidence where the static file server would publish it."""
    if not isinstance(default_storage, FileSystemStorage):
        return
    media = Path(default_storage.location).resolve()
    static_dirs = [settings.STATIC_ROOT, *getattr(settings, "STATICFILES_DIRS", [])]
    for static in static_dirs:
        static = Path(static).resolve()
        if media == static or static in media.parents:
            raise ImproperlyConfigured("MEDIA_ROOT must not lie inside a static files directory")


_written: ContextVar[list[str] | None] = ContextVar("rectify_files_written", default=None)


@contextmanager
def discard_on_error():
    """Delete files stored inside the block when it raises (its transaction rolled back).

    Nested blocks hand their files to the enclosing one on success, so an outer action
    that fails later still removes them. Use it outside the action's `transaction.atomic`.
    """
    parent = _written.get()
    mine: list[str] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        for name in mine:
            try:
                default_storage.delete(name)
            except Exception:  # the original error matters more
                logger.exception("could not delete %s after a rollback", name)
        raise
    finally:
        _written.reset(token)
    if parent is not None:
        parent.extend(mine)


def _new_storage_name(now: datetime) -> str:
    local = timezone.localtime(now)
    return f"evidence/{local:%Y}/{local:%m}/{secrets.token_hex(16)}"


def _save(name: str, content: File) -> str:
    saved = default_storage.save(name, content)
    written = _written.get()
    if written is not None:
        written.append(saved)
    return saved


@transaction.atomic
def store_inspected(inspected: Inspected, *, actor: Any, purpose: str) -> StoredFile:
    """Write an inspected upload and its StoredFile row, audited (caller's transaction)."""
    _check_storage_location()
    now = timezone.now()
    upload = inspected.upload
    upload.seek(0)
    storage_name = _save(_new_storage_name(now), File(upload, name="upload"))
    public_name = public_type = ""
    image = inspected.image
    if image is not None:
        public_name = _save(f"{storage_name}-public", ContentFile(image.public_bytes))
        public_type = image.public_content_type
    stored = StoredFile.objects.create(
        sha256=inspected.sha256,
        size=inspected.size,
        content_type=inspected.ftype.content_type,
        kind=inspected.ftype.kind,
        original_name=inspected.name,
        storage_name=storage_name,
        public_name=public_name,
        public_content_type=public_type,
        uploaded_by=actor,
        uploaded_at=now,
        purpose=purpose,
        taken_at=image.taken_at if image else None,
        gps_lat=image.gps_lat if image else None,
        gps_lon=image.gps_lon if image else None,
    )
    audit.record(
        "core.store_file",
        actor=actor,
        obj=stored,
        after=audit.snapshot(
            stored,
            [
                "sha256",
                "size",
                "content_type",
                "original_name",
                "storage_name",
                "purpose",
                "taken_at",
                "gps_lat",
                "gps_lon",
            ],
        ),
    )
    return stored


def store_upload(uploaded_file: Any, *, actor: Any, purpose: str) -> StoredFile:
    """Check and store one upload; refused uploads raise a ValidationError naming the file.

    Runs inside the caller's transaction; wrap it in `discard_on_error()` so that the
    bytes are deleted again when that transaction rolls back.
    """
    inspected = inspect_upload(uploaded_file)
    with discard_on_error():
        return store_inspected(inspected, actor=actor, purpose=purpose)


def open_stored(stored: StoredFile, *, public: bool = False) -> File:
    """Open a stored file (or its metadata-free public copy) for reading, binary."""
    if public:
        if not stored.public_name:
            raise FileNotFoundError("no public copy")
        return default_storage.open(stored.public_name, "rb")
    return default_storage.open(stored.storage_name, "rb")


def verify_stored(stored: StoredFile) -> bool:
    """Whether the stored bytes still have the SHA-256 recorded at upload."""
    digest = hashlib.sha256()
    with open_stored(stored) as fh:
        for chunk in _chunks(fh):
            digest.update(chunk)
    return digest.hexdigest() == stored.sha256


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops an uploaded file as soon as it passes the size limit, before it reaches disk.

    Install first in `request.upload_handlers` (the view must be csrf_exempt outside and
    csrf_protect inside); names of dropped files are in `refused`.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit if limit is not None else max_upload_bytes()
        self.refused: list[str] = []
        self._received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.refused.append(clean_original_name(self.file_name or ""))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_error(name: str) -> ValidationError:
    """The error for a file the upload handler dropped for its size."""
    return _too_large(name, max_upload_bytes())
