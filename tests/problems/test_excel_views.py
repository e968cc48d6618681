"""Upload (office only: check, then confirm) and download (every role, own scope only)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectify.problems.models import Problem

from .excel_helpers import build_ledger, counts, read_rows, workbook

ROW = [
    "1",
    "21",
    "",
    "其他类",
    "红花岗区建筑工地扬尘污染",
    "",
    "",
    "遵义市",
    "遵义市",
    "",
    "",
    "2020-12-31",
    "",
    "",
    "",
    "",
]


def xlsx(data: bytes, name="台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def ledger(orgs, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    inspection, _ = build_ledger()
    return inspection


def test_office_checks_then_confirms_an_import(ledger, office_clerk, login, settings):
    client = login(office_clerk)
    before = counts()
    response = client.post(
        "/ledger/excel/import/",
        {"file": xlsx(workbook([ROW])), "inspection": ledger.code, "as_of": "2020-12-31"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    token = response.context["token"]
    assert token and 'name="token"' in page
    assert response.context["result"].created == ["21"]
    assert counts() == before
    stored = settings.VAR_DIR / "imports" / f"{token}.xlsx"
    assert stored.is_file()
    assert not str(stored).startswith(str(settings.STATIC_ROOT))

    response = client.post("/ledger/excel/import/", {"token": token})

    assert response.status_code == 200
    assert response.context["result"].ok and not response.context["result"].dry_run
    assert Problem.objects.filter(number="21").exists()
    assert not stored.exists()
    again = client.post("/ledger/excel/import/", {"token": token})
    assert again.context["expired"] and Problem.objects.filter(number="21").count() == 1


def test_a_bad_file_shows_every_error_with_row_and_column(ledger, office_clerk, login):
    client = login(office_clerk)
    bad = list(ROW)
    bad[8] = "遵义县环保局"
    bad[3] = "水污染类"
    before = counts()
    response = client.post(
        "/ledger/excel/import/",
        {"file": xlsx(workbook([bad])), "inspection": ledger.code, "as_of": "2020-12-31"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # the htmx partial only
    assert "遵义县环保局" in page and "水污染类" in page
    assert page.count("<tr><td>台账</td>") == 2
    assert 'name="token"' not in page
    assert counts() == before


def test_an_oversized_upload_is_refused_before_reading(ledger, office_clerk, login, settings):
    settings.RECTIFY_EXCEL_LIMITS = {"max_file_bytes": 2000}
    client = login(office_clerk)
    response = client.post(
        "/ledger/excel/import/",
        {"file": xlsx(workbook([ROW] * 30)), "inspection": ledger.code, "as_of": "2020-12-31"},
    )
    assert response.status_code == 400
    assert response.context["result"] is None


@pytest.mark.parametrize(
    "who", ["zunyi_clerk", "zunyi_reviewer", "leader", "team_member", "sysadmin", "auditor"]
)
def test_only_the_office_may_open_the_upload_page(ledger, who, request, login):
    client = login(request.getfixturevalue(who))
    assert client.get("/ledger/excel/import/").status_code == 404
    assert client.post("/ledger/excel/import/", {"token": "x"}).status_code == 404


def test_the_upload_page_needs_a_sign_in(ledger, client):
    assert client.get("/ledger/excel/import/").status_code == 302


@pytest.mark.parametrize(
    ("who", "numbers"),
    [
        ("office_clerk", ["1", "2", "3", "4", "10"]),
        ("leader", ["1", "2", "3", "4", "10"]),
        ("zunyi_clerk", ["1", "3", "10"]),
        ("bozhou_clerk", ["3"]),
        ("guiyang_outsider", ["2"]),
        ("team_member", ["1", "3", "10"]),
    ],
)
def test_download_holds_only_the_callers_visible_problems(ledger, who, numbers, request, login):
    client = login(request.getfixturevalue(who))
    response = client.get(f"/ledger/excel/export/?inspection={ledger.code}&as_of=2020-12-31")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_rows(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert [r[1] for r in rows[1:]] == numbers


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_cannot_download(ledger, who, request, login):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/ledger/excel/export/?inspection={ledger.code}").status_code == 404
    assert client.get("/ledger/excel/export/").status_code == 404


def test_an_inspection_outside_scope_or_unknown_answers_404(ledger, dept_clerk, login):
    client = login(dept_clerk)  # 省生态环境厅 leads problem 4 only
    assert client.get(f"/ledger/excel/export/?inspection={ledger.code}").status_code == 200
    assert client.get("/ledger/excel/export/?inspection=nope").status_code == 404


def test_the_download_page_offers_the_visible_inspections(ledger, guiyang_outsider, login):
    client = login(guiyang_outsider)
    response = client.get("/ledger/excel/export/")
    assert response.status_code == 200
    assert ledger.code in response.content.decode()


def test_a_bad_as_of_date_is_a_form_error(ledger, office_clerk, login):
    client = login(office_clerk)
    response = client.get(f"/ledger/excel/export/?inspection={ledger.code}&as_of=2020-13-01")
    assert response.status_code == 400
    assert "as_of" in response.context["form"].errors


def test_the_export_is_dated_today_by_default(ledger, office_clerk, login):
    client = login(office_clerk)
    response = client.get(f"/ledger/excel/export/?inspection={ledger.code}")
    assert response.status_code == 200
    assert timezone.localdate().isoformat() in response["Content-Disposition"]
    assert read_rows(response.content)[0][1] == "问题编号"
