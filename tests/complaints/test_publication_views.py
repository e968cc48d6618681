"""The office's publication pages: preview a batch as of a date, publish, read, withdraw and
download; leaders read, units and sysadmins find nothing; no personal data on any page."""

from datetime import date

import pytest

from rectify.complaints.models import Publication
from rectify.complaints.publication import check_publish
from tests.complaints.test_publication import CANARY, THIRD_PARTY, build_story

pytestmark = pytest.mark.django_db

PRIVATE = (*CANARY.values(), *THIRD_PARTY)
BASE = "/complaints/publications/"


@pytest.fixture
def story(office_clerk):
    return build_story(office_clerk)


def _clean(response) -> str:
    html = response.content.decode()
    for private in PRIVATE:
        assert private not in html
    return html


def test_office_previews_and_publishes_a_batch(login, office_clerk, story):
    client = login(office_clerk)
    assert client.get(BASE).status_code == 200
    preview = client.get(f"{BASE}preview/", {"batch": story.batch1.pk, "as_of": "2018-11-09"})
    html = _clean(preview)
    assert preview.status_code == 200
    assert "11月9日，全省已对中央督察组交办的第1批3件信访举报件" in html
    assert '<th scope="col">受理编号</th>' in html and "<caption>" in html
    assert 'id="publish-form"' in html

    response = client.post(f"{BASE}publish/", {"batch": story.batch1.pk, "as_of": "2018-11-09"})
    pub = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{pub.pk}/"
    page = client.get(f"{BASE}{pub.pk}/")
    assert "11月9日" in _clean(page) and 'id="download-xlsx"' in page.content.decode()
    again = client.post(f"{BASE}publish/", {"batch": story.batch1.pk, "as_of": "2018-11-09"})
    assert again.status_code == 422 and 'class="errorlist" role="alert"' in again.content.decode()
    assert Publication.objects.count() == 1


def test_preview_for_a_prefecture_cannot_be_published(login, office_clerk, story):
    client = login(office_clerk)
    response = client.get(
        f"{BASE}preview/",
        {"batch": story.batch1.pk, "as_of": "2018-11-09", "region": story.a.region.parent_id},
    )
    html = _clean(response)
    assert "全市已对中央督察组交办的第1批2件" in html
    assert 'id="publish-form"' not in html


def test_bad_preview_input_names_the_field(login, office_clerk, story):
    response = login(office_clerk).get(f"{BASE}preview/", {"batch": story.batch1.pk, "as_of": "x"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_office_withdraws_with_a_reason(login, office_clerk, story):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    client = login(office_clerk)
    refused = client.post(f"{BASE}{pub.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 422
    pub.refresh_from_db()
    assert pub.withdrawn_at is None
    done = client.post(f"{BASE}{pub.pk}/withdraw/", {"reason": "数据有误，更正后重新公开"})
    assert done.status_code == 302
    pub.refresh_from_db()
    assert pub.withdrawn_reason == "数据有误，更正后重新公开"
    assert "数据有误" in client.get(f"{BASE}{pub.pk}/").content.decode()


def test_downloads_are_a_workbook_and_a_document(login, office_clerk, story):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    client = login(office_clerk)
    xlsx = client.get(f"{BASE}{pub.pk}/publication.xlsx")
    docx = client.get(f"{BASE}{pub.pk}/publication.docx")
    assert xlsx.status_code == docx.status_code == 200
    assert xlsx.content[:2] == docx.content[:2] == b"PK"
    assert "complaints-central-2018-lookback-batch1-2018-11-09.xlsx" in xlsx["Content-Disposition"]


def test_english_ui_shows_english_paragraphs_of_the_frozen_figures(login, office_clerk, story):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    client = login(office_clerk)
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(f"{BASE}{pub.pk}/").content.decode()
    assert "As of 9 November 2018, the province had taken up" in html
    assert '<tbody lang="zh-Hans">' in html


def test_leader_reads_but_cannot_publish(login, leader, office_clerk, story):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    client = login(leader)
    assert client.get(f"{BASE}{pub.pk}/").status_code == 200
    html = client.get(f"{BASE}preview/", {"batch": story.batch2.pk, "as_of": "2018-11-09"})
    assert 'id="publish-form"' not in html.content.decode()
    response = client.post(f"{BASE}publish/", {"batch": story.batch2.pk, "as_of": "2018-11-09"})
    assert response.status_code == 403
    assert client.post(f"{BASE}{pub.pk}/withdraw/", {"reason": "领导撤回"}).status_code == 403
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


@pytest.mark.parametrize("who", ["zunyi_clerk", "bozhou_clerk", "sysadmin", "auditor"])
def test_units_and_administrators_find_no_publication_pages(
    request, login, office_clerk, story, who
):
    pub = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    client = login(request.getfixturevalue(who))
    for url in (
        BASE,
        f"{BASE}preview/?batch={story.batch1.pk}&as_of=2018-11-09",
        f"{BASE}{pub.pk}/",
        f"{BASE}{pub.pk}/publication.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"{BASE}publish/", {"batch": story.batch2.pk, "as_of": "2018-11-09"})
    assert response.status_code == 404
    assert Publication.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, story):
    response = client.get(BASE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
