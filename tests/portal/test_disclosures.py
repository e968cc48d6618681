"""The public disclosure archive shows only published disclosures, with the text and figures
frozen on publication, whatever happens to the ledger afterwards."""

import json
from datetime import date

import pytest
import time_machine
from django.core.cache import cache

from rectify.problems.models import Category
from rectify.problems.states import EventKind
from rectify.problems.testing import ProblemFactory, add_event
from rectify.reports.figures import disclosure_figures
from tests.portal.public_data import AS_OF, NARRATIVE, TODAY, assert_accessible, seed_all


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def published(office_clerk):
    with time_machine.travel(TODAY):
        yield seed_all(office_clerk)


def test_archive_lists_only_published_disclosures(client, published):
    response = client.get("/public/disclosures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert published.disclosure.title in html
    assert published.inspection.name in html
    assert "2020-08-31" in html and "2020-09-10" in html  # as of, published on
    for hidden in (published.draft, published.withdrawn):
        assert f"/public/disclosures/{hidden.pk}/" not in html
    assert "2020-09-05" not in html and "2020-07-31" not in html


def test_drafts_and_withdrawn_disclosures_are_not_found(client, published):
    for hidden in (published.draft, published.withdrawn):
        assert client.get(f"/public/disclosures/{hidden.pk}/").status_code == 404
        assert client.get(f"/public/disclosures/{hidden.pk}/figures.json").status_code == 404


def test_disclosure_page_shows_its_frozen_text_and_figures(client, published):
    response = client.get(f"/public/disclosures/{published.disclosure.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert NARRATIVE in html  # the office's own words
    for section in published.disclosure.paragraphs["sections"]:
        for paragraph in section["paragraphs"]:
            assert paragraph in html
    assert "3项问题" in html  # the frozen sentence with its figure
    assert "环境生态类" in html  # the frozen category breakdown


def test_disclosure_downloads_as_the_word_document_of_the_reports_app(client, published):
    response = client.get(f"/public/disclosures/{published.disclosure.pk}/disclosure.docx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    assert ".docx" in response["Content-Disposition"]
    for hidden in (published.draft, published.withdrawn):
        assert client.get(f"/public/disclosures/{hidden.pk}/disclosure.docx").status_code == 404


def test_later_ledger_changes_do_not_change_a_published_disclosure(client, published):
    frozen = published.disclosure.figures
    late = ProblemFactory(
        inspection=published.inspection,
        number="9",
        category=Category.objects.get(name="思想认识类"),
        start_date=date(2020, 1, 1),
    )
    add_event(late, EventKind.ACCEPTED, date(2020, 8, 1))
    recomputed = disclosure_figures(published.inspection, AS_OF)
    assert recomputed["problems"]["total"] == frozen["problems"]["total"] + 1

    html = client.get(f"/public/disclosures/{published.disclosure.pk}/").content.decode()
    assert "思想认识类" not in html
    assert "3项问题" in html and "4项问题" not in html
    data = json.loads(
        client.get(f"/public/disclosures/{published.disclosure.pk}/figures.json").content
    )
    assert data["figures"] == frozen
    assert data["figures"] != recomputed


def test_figures_json_identifies_the_disclosure(client, published):
    response = client.get(f"/public/disclosures/{published.disclosure.pk}/figures.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["inspection"] == published.inspection.code
    assert data["as_of"] == "2020-08-31"
    assert data["title"] == published.disclosure.title
    assert data["figures"]["problems"]["total"] == 3


def test_disclosure_text_carries_its_own_language(client, published):
    html = client.get(f"/public/disclosures/{published.disclosure.pk}/").content.decode()
    assert '<article class="card disclosure" lang="zh-Hans">' in html


@pytest.mark.parametrize("page", ["list", "detail"])
def test_disclosure_pages_have_the_accessibility_landmarks(client, published, page):
    url = "/public/disclosures/"
    if page == "detail":
        url += f"{published.disclosure.pk}/"
    outline = assert_accessible(client.get(url).content.decode())
    assert outline.tables >= 1


def test_figures_json_is_rate_limited(client, published):
    url = f"/public/disclosures/{published.disclosure.pk}/figures.json"
    codes = [client.get(url).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[-1] == 429
