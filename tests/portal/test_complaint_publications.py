"""The public portal lists and shows published complaint-handling publications to anyone,
never withdrawn ones, with their Word, Excel, CSV and JSON downloads, without personal data,
and rate-limited like the sign-off notices."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.cache import cache

from rectify.complaints import actions
from rectify.complaints.publication import check_publish, check_withdraw_publication
from rectify.complaints.states import Step
from tests.complaints.test_publication import CANARY, THIRD_PARTY, build_story

pytestmark = pytest.mark.django_db

PRIVATE = (*CANARY.values(), *THIRD_PARTY)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def published(office_clerk):
    story = build_story(office_clerk)
    shown = check_publish(story.batch1, date(2018, 11, 9), actor=office_clerk)
    gone = check_publish(story.batch2, date(2018, 11, 9), actor=office_clerk)
    check_withdraw_publication(gone, actor=office_clerk, reason="数字有误，撤回更正")
    return story, shown, gone


def _clean(content: bytes) -> str:
    text = content.decode("utf-8")
    for private in PRIVATE:
        assert private not in text
    return text


def test_anonymous_visitor_sees_only_published_publications(client, published):
    _story, shown, gone = published
    listing = _clean(client.get("/public/complaints/").content)
    assert f"/public/complaints/{shown.pk}/" in listing
    assert f"/public/complaints/{gone.pk}/" not in listing
    assert "中央第五生态环境保护督察组" in listing
    assert client.get(f"/public/complaints/{gone.pk}/").status_code == 404
    assert client.get(f"/public/complaints/{gone.pk}/rows.json").status_code == 404
    assert client.get("/public/complaints/999999/").status_code == 404


def test_publication_page_is_an_accessible_table_without_personal_data(client, published):
    _story, shown, _gone = published
    response = client.get(f"/public/complaints/{shown.pk}/")
    page = _clean(response.content)
    assert response.status_code == 200
    assert shown.paragraphs[0] in page
    assert "<caption>中央第五生态环境保护督察组交办第1批信访举报件办理情况一览表</caption>" in page
    assert page.count('<th scope="col">') == 9
    assert page.count('<th scope="row"') == 3


def test_portal_serves_the_frozen_publication_not_live_figures(client, published, office_clerk):
    story, shown, _gone = published
    actions.check_update_complaint(
        story.c, actor=office_clerk, expected_version=None, content="更正后的交办内容。"
    )
    actions.check_transition_complaint(
        story.a,
        Step.RETURN,
        actor=office_clerk,
        effective_date=date(2018, 11, 9),
        deadline=date(2018, 11, 30),
        reason="核查不实，退回重办。",
    )
    page = _clean(client.get(f"/public/complaints/{shown.pk}/").content)
    assert "更正后的交办内容" not in page and "再次反映砂石厂粉尘扰民" in page
    assert "已办结1件、阶段性办结1件、未办结1件" in page


def test_downloads_work_for_anyone(client, published):
    _story, shown, _gone = published
    base = f"/public/complaints/{shown.pk}"
    for name in ("publication.xlsx", "publication.docx"):
        response = client.get(f"{base}/{name}")
        assert response.status_code == 200 and response.content[:2] == b"PK"
        assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_clean(client.get(f"{base}/rows.csv").content)[1:])))
    assert [r["受理编号"] for r in rows] == [r["acceptance_no"] for r in shown.rows]
    data = json.loads(_clean(client.get(f"{base}/rows.json").content))
    assert data["figures"] == shown.figures and len(data["rows"]) == 3


def test_english_visitors_read_english_paragraphs(client, published):
    _story, shown, _gone = published
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/public/complaints/{shown.pk}/").content.decode()
    assert "As of 9 November 2018, the province had taken up" in page
    assert '<th scope="col">Acceptance number</th>' in page


def test_complaint_pages_are_rate_limited_like_notices(client, published):
    _story, shown, _gone = published
    codes = [client.get("/public/complaints/").status_code for _ in range(62)]
    assert codes[:60] == [200] * 60 and codes[-1] == 429
    assert client.get(f"/public/complaints/{shown.pk}/").status_code == 429  # one budget
    assert client.get("/public/").status_code == 429


def test_downloads_are_refused_sooner_than_pages(client, published):
    _story, shown, _gone = published
    codes = [client.get(f"/public/complaints/{shown.pk}/rows.json").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[-1] == 429
