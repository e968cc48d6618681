"""Evidence pages: upload form, list, scope-checked download and the stripped image."""

import hashlib
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from rectify.core.models import StoredFile
from rectify.problems import evidence
from rectify.problems.models import Evidence
from rectify.problems.testing import ProblemFactory, add_event
from tests.problems import evidence_samples as s


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def problem(orgs):
    return ProblemFactory(
        start_date=date(2024, 3, 1),
        original_deadline=date(2025, 12, 31),
        latitude=Decimal(str(s.ZUNYI[0])),
        longitude=Decimal(str(s.ZUNYI[1])),
    )


@pytest.fixture
def photo_bytes():
    return s.jpeg_bytes(taken=datetime(2024, 5, 3, 10, 30), gps=s.ZUNYI)


@pytest.fixture
def item(media, problem, zunyi_clerk, photo_bytes):
    return evidence.check_attach_evidence(
        problem,
        actor=zunyi_clerk,
        uploaded_file=s.upload("整改后现场.jpg", photo_bytes),
        caption="污水管网已接通",
    )


def url(name, pk):
    return reverse(f"ledger_evidence:{name}", args=[pk])


def test_the_urls_are_where_the_ledger_expects_them():
    assert url("upload", 7) == "/ledger/evidence/problems/7/upload/"
    assert url("list", 7) == "/ledger/evidence/problems/7/"
    assert url("download", 7) == "/ledger/evidence/7/download/"


def test_the_lead_unit_uploads_photos_through_the_form(
    media, problem, zunyi_clerk, login, photo_bytes
):
    client = login(zunyi_clerk)
    page = client.get(url("upload", problem.pk))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    event = add_event(problem, "progress", date(2024, 6, 1), percent=50)
    response = client.post(
        url("upload", problem.pk),
        {
            "file": [s.upload("现场1.jpg", photo_bytes), s.upload("验收报告.pdf", s.PDF)],
            "caption": "截污工程完工",
            "event": event.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == url("list", problem.pk)
    attached = Evidence.objects.filter(problem=problem).order_by("id")
    assert [e.file.original_name for e in attached] == ["现场1.jpg", "验收报告.pdf"]
    assert all(e.event == event and e.caption == "截污工程完工" for e in attached)
    listing = client.get(url("list", problem.pk)).content.decode()
    assert "现场1.jpg" in listing and "验收报告.pdf" in listing and "已上传 2 个文件" in listing


def test_a_refused_upload_shows_the_chinese_error_and_writes_nothing(
    media, problem, zunyi_clerk, login
):
    client = login(zunyi_clerk)
    response = client.post(url("upload", problem.pk), {"file": [s.upload("setup.jpg", s.EXE)]})
    assert response.status_code == 200
    assert "“setup.jpg”是可执行程序或脚本，此类文件不予接收。" in response.content.decode()
    assert Evidence.objects.count() == 0 and StoredFile.objects.count() == 0
    assert on_disk(media) == []


def test_an_oversized_upload_is_dropped_while_it_arrives(
    media, problem, zunyi_clerk, login, settings, monkeypatch
):
    settings.RECTIFY_MAX_UPLOAD_MB = 1

    def never(*args, **kwargs):
        raise AssertionError("the dropped file must not reach the action")

    monkeypatch.setattr(evidence, "check_attach_evidence_files", never)
    client = login(zunyi_clerk)
    big = s.upload("航拍原图.jpg", s.jpeg_bytes() + b"\0" * (1024 * 1024 + 1))
    response = client.post(url("upload", problem.pk), {"file": [big], "caption": "航拍"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“航拍原图.jpg”超过了 1 MB 的大小限制。" in html
    assert "这个字段是必填项" not in html  # the dropped file is not reported as missing
    assert Evidence.objects.count() == 0 and on_disk(media) == []


def test_a_path_in_the_uploaded_file_name_never_reaches_the_disk(
    media, problem, zunyi_clerk, login, photo_bytes, tmp_path
):
    client = login(zunyi_clerk)
    boundary = "rectifyboundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../../evil.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        url("upload", problem.pk),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == "evil.jpg"
    assert all(media in p.parents for p in on_disk(media))
    assert not (tmp_path / "evil.jpg").exists()


def test_the_upload_page_is_404_outside_scope_and_403_for_readers(
    media, problem, guiyang_outsider, leader, login, client
):
    assert login(guiyang_outsider).get(url("upload", problem.pk)).status_code == 404
    client.logout()
    assert login(leader).get(url("upload", problem.pk)).status_code == 403


@pytest.mark.parametrize("who", ["zunyi_clerk", "office_clerk", "leader", "team_member"])
def test_those_who_see_the_problem_download_the_original_with_safe_headers(
    item, photo_bytes, login, request, who
):
    response = login(request.getfixturevalue(who)).get(url("download", item.pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert (
        hashlib.sha256(body).hexdigest()
        == item.file.sha256
        == hashlib.sha256(photo_bytes).hexdigest()
    )
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "utf-8''%E6%95%B4%E6%94%B9%E5%90%8E%E7%8E%B0%E5%9C%BA.jpg" in disposition
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["guiyang_outsider", "dept_clerk", "sysadmin", "auditor"])
def test_evidence_outside_the_scope_is_404(item, login, request, who):
    client = login(request.getfixturevalue(who))
    assert client.get(url("download", item.pk)).status_code == 404
    assert client.get(url("image", item.pk)).status_code == 404
    assert client.get(url("list", item.problem_id)).status_code == 404


def test_a_missing_evidence_id_is_the_same_404(item, login, guiyang_outsider, zunyi_clerk):
    assert login(zunyi_clerk).get(url("download", item.pk + 1000)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(item, client):
    response = client.get(url("download", item.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_images_are_shown_inline_only_as_the_stripped_copy(item, login, zunyi_clerk):
    response = login(zunyi_clerk).get(url("image", item.pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body != open_original(item)
    assert b"HUAWEI" not in body and b"Exif" not in body
    with Image.open(io.BytesIO(body)) as im:
        assert len(im.getexif()) == 0
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def open_original(item) -> bytes:
    from rectify.core.files import open_stored

    with open_stored(item.file) as fh:
        return fh.read()


def test_documents_have_no_inline_view(media, problem, zunyi_clerk, login):
    doc = evidence.check_attach_evidence(
        problem, actor=zunyi_clerk, uploaded_file=s.upload("报告.pdf", s.PDF)
    )
    assert login(zunyi_clerk).get(url("image", doc.pk)).status_code == 404


def test_the_list_shows_the_facts_and_flags_for_the_reviewer(media, problem, zunyi_clerk, login):
    evidence.check_attach_evidence(
        problem,
        actor=zunyi_clerk,
        uploaded_file=s.upload(
            "异地.jpg", s.jpeg_bytes(taken=datetime(2023, 1, 5, 8, 0), gps=s.GUIYANG)
        ),
    )
    html = login(zunyi_clerk).get(url("list", problem.pk)).content.decode()
    assert "可能为旧照片" in html and "可能为异地照片" in html
    assert "2023-01-05 08:00" in html
    assert "上传佐证材料" in html  # the lead unit may upload
    assert "style=" not in html and "<script>" not in html


def test_the_list_is_an_htmx_partial_when_asked(item, login, zunyi_clerk):
    response = login(zunyi_clerk).get(url("list", item.problem_id), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="evidence-list"' in html and "<html" not in html


def test_readers_see_the_list_without_upload_or_remove(item, login, leader):
    html = login(leader).get(url("list", item.problem_id)).content.decode()
    assert "整改后现场.jpg" in html
    assert url("upload", item.problem_id) not in html and url("remove", item.pk) not in html


def test_the_office_removes_evidence_and_only_the_office_still_reaches_it(
    item, login, office_clerk, zunyi_clerk, client
):
    office = login(office_clerk)
    assert office.get(url("remove", item.pk)).status_code == 200
    empty = office.post(url("remove", item.pk), {"reason": ""})
    assert empty.status_code == 200 and "这个字段是必填项" in empty.content.decode()
    response = office.post(url("remove", item.pk), {"reason": "照片与问题无关"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removal_reason == "照片与问题无关"
    listing = office.get(url("list", item.problem_id)).content.decode()
    assert "照片与问题无关" in listing
    assert office.get(url("download", item.pk)).status_code == 200
    client.logout()
    unit = login(zunyi_clerk)
    assert unit.get(url("download", item.pk)).status_code == 404
    assert "整改后现场.jpg" not in unit.get(url("list", item.problem_id)).content.decode()


def test_units_cannot_reach_the_remove_page(item, login, zunyi_clerk):
    client = login(zunyi_clerk)
    assert client.get(url("remove", item.pk)).status_code == 403
    assert client.post(url("remove", item.pk), {"reason": "不要了"}).status_code == 403
    item.refresh_from_db()
    assert item.removed_at is None


def test_the_upload_form_refuses_a_post_without_the_csrf_token(
    media, problem, zunyi_clerk, photo_bytes
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(zunyi_clerk, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url("upload", problem.pk)).status_code == 200
    response = client.post(url("upload", problem.pk), {"file": [s.upload("a.jpg", photo_bytes)]})
    assert response.status_code == 403
    assert Evidence.objects.count() == 0
    token = client.cookies["csrftoken"].value
    response = client.post(
        url("upload", problem.pk),
        {"file": [s.upload("a.jpg", photo_bytes)], "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and Evidence.objects.count() == 1
