"""The office uploads a batch (check, then confirm); every business role downloads its own."""

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from rectify.complaints.actions import check_assign_batch
from rectify.complaints.models import Complaint, ComplaintBatch

from .test_import_helpers import (
    CODE,
    NAME,
    PHONE,
    book,
    inspection_fixture,  # noqa: F401
    pii_key_fixture,  # noqa: F401
    rows,
    state,
    xlsx_text,
)

URL = "/complaints/import/"
EXPORT = "/complaints/import/export/"


def xlsx(data: bytes, name="第1批.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def form(data: bytes, **extra) -> dict:
    return {
        "inspection": CODE,
        "batch": "1",
        "received_on": "2025-05-30",
        "stated_count": "3",
        "file": xlsx(data),
        **extra,
    }


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def test_the_office_checks_a_batch_then_confirms_the_import(inspection, var, office_clerk, login):
    client = login(office_clerk)
    assert client.get(URL).status_code == 200
    before = state()

    response = client.post(URL, form(book()))

    assert response.status_code == 200
    result, token = response.context["result"], response.context["token"]
    assert result.ok and result.dry_run and result.created == 3 and token
    assert state() == before
    stored = var / "imports" / f"{token}.xlsx"
    assert stored.is_file() and oct(stored.stat().st_mode & 0o777) == "0o600"

    response = client.post(URL, {"token": token})

    assert response.status_code == 200
    assert response.context["result"].ok and not response.context["result"].dry_run
    assert Complaint.objects.count() == 3 and ComplaintBatch.objects.get().stated_count == 3
    assert not stored.exists()
    assert client.post(URL, {"token": token}).context["expired"]
    assert Complaint.objects.count() == 3
    # The same file again: nothing to import, nothing to confirm.
    again = client.post(URL, form(book()))
    assert again.context["result"].unchanged == 3 and again.context["token"] is None


def test_the_check_lists_every_error_by_sheet_row_and_column_in_chinese(
    inspection, var, office_clerk, login
):
    client = login(office_clerk)
    bad = rows()
    bad[1][3] = "遵义市开阳县"
    bad[2][4] = "光污染"
    bad[0][10] = "call me maybe"

    response = client.post(URL, form(book(bad)), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and 'name="token"' not in page  # the htmx partial, no confirm
    assert "交办清单" in page and "联系电话" in page and "行政区域" in page and "污染类型" in page
    assert "遵义市开阳县" in page and "光污染" in page and "call me maybe" not in page
    full = client.post(URL, form(book(bad)))
    assert [(e.row, e.column) for e in full.context["result"].errors] == [
        (2, "联系电话"),
        (3, "行政区域"),
        (4, "污染类型"),
    ]
    assert not ComplaintBatch.objects.exists()


def test_a_form_without_a_file_is_a_bad_request(inspection, var, office_clerk, login):
    client = login(office_clerk)
    response = client.post(URL, {"inspection": CODE, "batch": "1"})
    assert response.status_code == 400 and "file" in response.context["form"].errors


@pytest.mark.parametrize("who", ["zunyi_clerk", "leader", "sysadmin"])
def test_only_the_office_may_import(who, request, inspection, var, login):
    client = login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(book())).status_code == 403
    assert not ComplaintBatch.objects.exists()


def _imported_and_assigned(client, office_clerk):
    client.post(URL, {"token": client.post(URL, form(book())).context["token"]})
    with time_machine.travel(date(2025, 6, 1)):
        check_assign_batch(
            ComplaintBatch.objects.get(),
            actor=office_clerk,
            effective_date=date(2025, 5, 31),
            deadline=date(2025, 6, 30),
        )


def test_the_office_downloads_a_batch_without_complainant_data(
    inspection, var, office_clerk, login
):
    client = login(office_clerk)
    _imported_and_assigned(client, office_clerk)
    assert client.get(EXPORT).status_code == 200

    response = client.get(EXPORT, {"inspection": CODE, "batch": "1"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    text = xlsx_text(response.content)
    assert "D3GZ202505280001" in text and NAME not in text and PHONE not in text


def test_a_county_downloads_only_its_complaints(
    inspection, var, office_clerk, bozhou_clerk, guiyang_outsider, login
):
    _imported_and_assigned(login(office_clerk, Client()), office_clerk)
    client = login(bozhou_clerk)

    response = client.get(EXPORT, {"inspection": CODE})

    assert response.status_code == 200
    with CalamineWorkbook.from_filelike(io.BytesIO(response.content)) as wb:
        grid = wb.get_sheet_by_index(0).to_python()
    assert [r[1] for r in grid[1:]] == ["D3GZ202505280001"]
    assert client.get(EXPORT, {"inspection": CODE, "batch": "9"}).status_code == 400


def test_an_inspection_without_visible_complaints_is_not_found(
    inspection, var, office_clerk, dept_clerk, login
):
    _imported_and_assigned(login(office_clerk, Client()), office_clerk)
    client = login(dept_clerk)
    assert client.get(EXPORT, {"inspection": CODE}).status_code == 404
    assert client.get(EXPORT, {"inspection": "nope"}).status_code == 404


def test_roles_without_business_data_may_not_download(inspection, var, auditor, login):
    assert login(auditor).get(EXPORT).status_code == 403
