"""core.files: what an upload must be to be stored, and what is kept of it."""

import hashlib
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from rectify.core import files
from rectify.core.models import AuditEvent, StoredFile
from tests.problems import evidence_samples as s


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def store(upload, actor):
    return files.store_upload(upload, actor=actor, purpose="evidence")


def test_a_phone_photo_is_stored_under_a_random_name_with_its_exif_time_and_gps(
    media, office_clerk
):
    data = s.jpeg_bytes(taken=datetime(2025, 5, 3, 10, 30), gps=s.ZUNYI)
    stored = store(s.upload("红花岗区整改现场.jpg", data, "image/jpeg"), office_clerk)

    assert stored.kind == "image" and stored.content_type == "image/jpeg"
    assert stored.original_name == "红花岗区整改现场.jpg"
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}", stored.storage_name)
    assert (media / stored.storage_name).read_bytes() == data
    # Camera time without a zone is local time in the province.
    assert stored.taken_at == datetime(2025, 5, 3, 2, 30, tzinfo=UTC)
    assert stored.gps_lat == Decimal("27.725700") and stored.gps_lon == Decimal("106.927400")
    assert stored.uploaded_by == office_clerk and stored.purpose == "evidence"


def test_an_exif_time_with_an_offset_is_read_in_that_zone(media, office_clerk):
    data = s.jpeg_bytes(taken=datetime(2025, 5, 3, 10, 30), offset="+02:00")
    stored = store(s.upload("photo.jpg", data), office_clerk)
    assert stored.taken_at == datetime(2025, 5, 3, 8, 30, tzinfo=UTC)
    assert stored.gps_lat is None and stored.gps_lon is None


def test_the_sha256_is_that_of_the_uploaded_bytes_and_still_verifies(media, office_clerk):
    data = s.jpeg_bytes(taken=datetime(2025, 5, 3, 10, 30))
    stored = store(s.upload("a.jpg", data), office_clerk)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    with files.open_stored(stored) as fh:
        assert fh.read() == data
    assert files.verify_stored(stored)
    (media / stored.storage_name).write_bytes(data + b"tampered")
    assert not files.verify_stored(stored)


def test_the_public_copy_of_a_photo_keeps_the_pixels_and_drops_every_metadata(media, office_clerk):
    data = s.jpeg_bytes(taken=datetime(2025, 5, 3, 10, 30), gps=s.ZUNYI)
    assert b"HUAWEI" in data and b"Exif" in data
    stored = store(s.upload("a.jpg", data), office_clerk)

    public = files.stripped_image_bytes(stored)
    assert stored.public_name.startswith(stored.storage_name)
    assert stored.public_content_type == "image/jpeg"
    assert b"HUAWEI" not in public and b"Exif" not in public
    with Image.open(io.BytesIO(public)) as im:
        assert im.size == (64, 48)
        assert len(im.getexif()) == 0
        assert "exif" not in im.info and "icc_profile" not in im.info


def test_stripped_image_bytes_re_encodes_when_no_public_copy_was_kept(media, office_clerk):
    stored = store(s.upload("a.jpg", s.jpeg_bytes(gps=s.ZUNYI)), office_clerk)
    stored.public_name = ""
    public = files.stripped_image_bytes(stored)
    assert b"HUAWEI" not in public
    with Image.open(io.BytesIO(public)) as im:
        assert len(im.getexif()) == 0


def test_a_png_screenshot_stays_lossless_and_keeps_its_transparency(media, office_clerk):
    stored = store(s.upload("截图.png", s.png_bytes()), office_clerk)
    assert stored.content_type == "image/png" and stored.public_content_type == "image/png"
    with Image.open(io.BytesIO(files.stripped_image_bytes(stored))) as im:
        assert im.format == "PNG" and im.mode == "RGBA"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kind"),
    [
        ("验收报告.pdf", s.PDF, "application/pdf", "pdf"),
        (
            "整改报告.docx",
            s.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "word",
        ),
        (
            "整改台账.xlsx",
            s.xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "excel",
        ),
    ],
)
def test_documents_are_accepted_by_content(media, office_clerk, name, content, content_type, kind):
    stored = store(s.upload(name, content), office_clerk)
    assert (stored.content_type, stored.kind) == (content_type, kind)
    assert stored.public_name == "" and stored.taken_at is None


def test_a_word_file_with_the_wrong_extension_is_typed_by_content_and_named_for_it(
    media, office_clerk
):
    stored = store(s.upload("整改报告.pdf", s.docx_bytes()), office_clerk)
    assert stored.kind == "word"
    assert files.download_name(stored) == "整改报告.pdf.docx"


def test_a_file_name_is_cleaned_of_control_and_direction_characters(media, office_clerk):
    # U+202E would show "现场照片gpj.exe" as "现场照片exe.jpg".
    stored = store(s.upload("现场照片\u202egpj.exe", s.jpeg_bytes()), office_clerk)
    assert stored.original_name == "现场照片gpj.exe"
    assert files.download_name(stored) == "现场照片gpj.exe.jpg"


REFUSED = [
    ("setup.jpg", s.EXE, "“setup.jpg”是可执行程序或脚本"),
    ("run.png", s.ELF, "“run.png”是可执行程序或脚本"),
    ("现场照片.zip", s.plain_zip_bytes(), "“现场照片.zip”是压缩包"),
    ("照片.docx", s.plain_zip_bytes(), "“照片.docx”是压缩包"),
    ("资料.rar", s.RAR, "“资料.rar”是压缩包"),
    ("资料.7z", s.SEVEN_Z, "“资料.7z”是压缩包"),
    ("资料.pdf", s.GZIP, "“资料.pdf”是压缩包"),
    ("资料.tar", s.TAR, "“资料.tar”是压缩包"),
    ("验收报告.pdf", s.HTML, "“验收报告.pdf”是网页、SVG 图片或其他标记文件"),
    ("示意图.svg", s.SVG, "“示意图.svg”是网页、SVG 图片或其他标记文件"),
    ("示意图.png", s.SVG, "“示意图.png”是网页、SVG 图片或其他标记文件"),
    ("报告.doc", s.OLE2_DOC, "“报告.doc”是旧版 Office 格式"),
    ("台账.xlsm", s.xlsm_bytes(), "“台账.xlsm”包含宏"),
    ("台账.xlsx", s.xlsm_bytes(), "“台账.xlsx”包含宏"),
    ("动图.gif", s.GIF, "“动图.gif”是 GIF 图片"),
    ("IMG_0001.HEIC", s.HEIC, "“IMG_0001.HEIC”是 HEIC/AVIF 格式照片"),
    ("说明.txt", "整改说明".encode(), "“说明.txt”不是可作为佐证材料的文件类型"),
    ("空.jpg", b"", "“空.jpg”是空文件"),
    ("断了.jpg", s.jpeg_bytes()[:300], "“断了.jpg”看似图片，但已损坏或不完整"),
    ("坏.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "“坏.png”看似图片，但已损坏或不完整"),
    ("炸弹.png", s.png_claiming_size(30000, 30000), "“炸弹.png”像素过多"),
    ("大图.png", s.png_claiming_size(10000, 10000), "“大图.png”像素过多"),
    ("膨胀.docx", s.zip_bomb_docx_bytes(), "“膨胀.docx”解压后的数据量远超正常文档"),
]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_file_gets_a_chinese_error_naming_it_and_leaves_nothing(
    media, office_clerk, name, content, message
):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        store(s.upload(name, content, "image/jpeg"), office_clerk)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert StoredFile.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before
    assert on_disk(media) == []


def test_a_file_over_the_size_limit_is_refused_naming_it_and_the_limit(
    media, office_clerk, settings
):
    settings.RECTIFY_MAX_UPLOAD_MB = 1
    big = s.jpeg_bytes() + b"\0" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        store(s.upload("无人机航拍.jpg", big), office_clerk)
    assert exc.value.messages == ["“无人机航拍.jpg”超过了 1 MB 的大小限制。"]
    assert StoredFile.objects.count() == 0 and on_disk(media) == []


def test_the_size_limit_defaults_to_20_mb(settings):
    del settings.RECTIFY_MAX_UPLOAD_MB
    assert files.max_upload_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\Windows\\evil.jpg", ".."])
def test_a_file_name_with_a_folder_path_is_refused(media, office_clerk, name):
    upload = s.upload("x.jpg", s.jpeg_bytes())
    upload._name = name  # SimpleUploadedFile would strip the path; a caller might not
    with pytest.raises(ValidationError) as exc:
        store(upload, office_clerk)
    assert "文件名中含有文件夹路径" in exc.value.messages[0]
    assert StoredFile.objects.count() == 0 and on_disk(media) == []


def test_files_stored_inside_a_block_that_fails_are_deleted_again(media, office_clerk):
    with pytest.raises(RuntimeError), files.discard_on_error():
        store(s.upload("a.jpg", s.jpeg_bytes()), office_clerk)
        assert len(on_disk(media)) == 2  # the original and its public copy
        raise RuntimeError("the action failed after storing")
    assert on_disk(media) == []


def test_files_stored_by_a_nested_block_are_deleted_when_the_outer_one_fails(media, office_clerk):
    with pytest.raises(RuntimeError), files.discard_on_error():
        with files.discard_on_error():
            store(s.upload("a.pdf", s.PDF), office_clerk)
        assert len(on_disk(media)) == 1
        raise RuntimeError("a later step failed")
    assert on_disk(media) == []


def test_evidence_is_never_stored_inside_a_static_directory(settings, office_clerk):
    settings.MEDIA_ROOT = settings.STATIC_ROOT / "media"
    with pytest.raises(ImproperlyConfigured):
        store(s.upload("a.pdf", s.PDF), office_clerk)
    assert not default_storage.exists("evidence")


def test_a_zip_declaring_more_parts_than_any_document_is_refused_before_parsing(
    media, office_clerk, monkeypatch
):
    data = bytearray(s.docx_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    data[eocd + 8 : eocd + 12] = (60000).to_bytes(2, "little") * 2
    monkeypatch.setattr(
        files.zipfile, "ZipFile", lambda *a, **k: pytest.fail("the directory was parsed")
    )
    with pytest.raises(ValidationError) as exc:
        store(s.upload("很多部分.docx", bytes(data)), office_clerk)
    assert "“很多部分.docx”解压后的数据量远超正常文档" in exc.value.messages[0]
    assert on_disk(media) == []
