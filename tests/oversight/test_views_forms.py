"""Writing from the pages: inline (htmx) adds answer their section only, full posts
redirect; uploads are scope-checked; the Excel page imports or lists every bad cell."""

import io
from datetime import date

from rectify.oversight.models import (
    AccountabilityCase,
    Document,
    HeldPerson,
    Meeting,
    MeetingKind,
    Rank,
    SanctionClass,
)
from tests.oversight.conftest import make_action, make_case, org
from tests.problems import evidence_samples as samples
from tests.problems.excel_helpers import workbook

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_office_files_a_case_and_adds_officials_inline(
    login, client, office_clerk, inspection, zunyi_problem
):
    login(office_clerk)
    response = client.post(
        "/oversight/accountability/new/",
        {
            "inspection": inspection.code,
            "number": "移交-1",
            "title": "湘江截污管网建设滞后问题责任追究",
            "source": "transferred",
            "received_date": "2019-05-20",
            "problem_numbers": zunyi_problem.number,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = AccountabilityCase.objects.get()
    assert list(case.problems.all()) == [zunyi_problem]
    person = {
        "name": "刘某某",
        "post": "副局长",
        "unit_name": "遵义市住房和城乡建设局",
        "org": str(org("520300").pk),
        "rank": str(Rank.objects.get(code="division").pk),
        "sanction": str(SanctionClass.objects.get(name="诫勉谈话").pk),
        "decision_date": "2019-09-01",
    }
    url = f"/oversight/accountability/{case.pk}/persons/"
    fragment = client.post(url, person, **HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="persons">')
    assert "刘某某" in html and "<html" not in html
    duplicate = client.post(url, person, **HTMX).content.decode()
    assert 'class="field-error"' in duplicate and HeldPerson.objects.count() == 1
    org_response = client.post(
        f"/oversight/accountability/{case.pk}/organizations/",
        {"name": "遵义市住房和城乡建设局党组", "org": str(org("520300").pk)},
    )
    assert org_response.status_code == 302
    assert case.organizations.get().name == "遵义市住房和城乡建设局党组"


def test_units_cannot_post_to_the_office_forms(
    login, client, zunyi_clerk, office_clerk, inspection
):
    case = make_case(office_clerk, inspection)
    login(zunyi_clerk)
    assert client.post("/oversight/accountability/new/", {}).status_code == 403
    # Out of scope answers 404 before the permission question comes up.
    assert client.post(f"/oversight/accountability/{case.pk}/persons/", {}).status_code == 404
    assert client.post("/oversight/meetings/", {"topic": "x"}).status_code == 403


def test_meetings_are_added_inline_and_counted_by_kind(login, client, office_clerk, inspection):
    login(office_clerk)
    kind = MeetingKind.objects.get(name="省委常委会会议")
    fragment = client.post(
        "/oversight/meetings/",
        {
            "date": "2019-06-27",
            "kind": str(kind.pk),
            "topic": "审定整改方案",
            "inspection": inspection.code,
        },
        **HTMX,
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="meetings">')
    assert "审定整改方案" in fragment and "<strong>1</strong> 省委常委会会议" in fragment
    assert Meeting.objects.get().kind == kind


def test_a_finding_is_added_inline_to_a_secret_visit(login, client, office_clerk, inspection):
    visit = make_action(office_clerk, inspection, "secret_visit", title="赤水河暗访")
    login(office_clerk)
    html = client.post(
        f"/oversight/supervision/{visit.pk}/findings/",
        {"text": "某砂石厂废水直排", "org": str(org("520381").pk)},
        **HTMX,
    ).content.decode()
    assert html.lstrip().startswith('<section class="card" id="findings">')
    assert "某砂石厂废水直排" in html and "/convert/" in html


def test_documents_are_attached_by_the_office_and_downloaded_within_scope(
    login, client, office_clerk, guiyang_outsider, zunyi_clerk, inspection, media
):
    action = make_action(office_clerk, inspection)
    login(office_clerk)
    upload = io.BytesIO(samples.PDF)
    upload.name = "督办函.pdf"
    response = client.post(
        f"/oversight/documents/action/{action.pk}/upload/", {"file": upload, "caption": "督办函"}
    )
    assert response.status_code == 302
    document = Document.objects.get(action=action)
    assert document.file.original_name == "督办函.pdf"
    client.logout()
    login(zunyi_clerk)
    assert client.get(f"/oversight/documents/{document.pk}/").status_code == 200
    client.logout()
    login(guiyang_outsider)
    assert client.get(f"/oversight/documents/{document.pk}/").status_code == 404


def test_the_excel_page_imports_or_lists_the_bad_cells(login, client, office_clerk, inspection):
    make_case(office_clerk, inspection, "1")
    login(office_clerk)
    header = ["序号", "案件", "姓名", "职务", "单位", "职级", "处理类别", "文号", "处理日期"]
    good = [
        [1, "1", "王某某", "副市长", "遵义市人民政府", "厅级", "党纪政务处分", "", date(2019, 8, 1)]
    ]
    bad = [
        [1, "1", "王某某", "副市长", "遵义市人民政府", "部级", "党纪政务处分", "", date(2019, 8, 1)]
    ]
    upload = io.BytesIO(workbook(bad, header=header))
    upload.name = "人员.xlsx"
    response = client.post(
        "/oversight/excel/", {"subject": "persons", "inspection": inspection.code, "file": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "部级" in html and "(F)" in html
    assert HeldPerson.objects.count() == 0
    upload = io.BytesIO(workbook(good, header=header))
    upload.name = "人员.xlsx"
    response = client.post(
        "/oversight/excel/", {"subject": "persons", "inspection": inspection.code, "file": upload}
    )
    assert response.status_code == 200 and HeldPerson.objects.count() == 1
    export = client.get(f"/oversight/excel/accountability.xlsx?inspection={inspection.code}")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
