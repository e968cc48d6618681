"""The disclosure pages at /reports/: the list, a new draft, the preview with the figures
beside the text, narratives saved per section with htmx, publish, withdraw, downloads and
"recompute and compare"; who sees which page."""

import io
import json
from datetime import date

import docx
import pytest
from django.test import Client

from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from rectify.reports import actions
from rectify.reports.models import Disclosure, DisclosureState

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english_ui(settings):
    # These tests read the English messages; the Chinese UI is checked by the page tests.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def draft(world, office_clerk):
    return actions.check_create_disclosure(world, date(2020, 6, 30), "zh", actor=office_clerk)


@pytest.fixture
def published(world, office_clerk):
    d = actions.check_create_disclosure(world, date(2020, 3, 31), "zh", actor=office_clerk)
    return actions.check_publish_disclosure(d, expected_version=1, actor=office_clerk)


@pytest.fixture
def office(office_clerk, login):
    return login(office_clerk, Client())


def test_the_office_sees_drafts_and_the_form_others_see_published_only(
    draft, published, office, leader, zunyi_clerk, login
):
    page = office.get("/reports/").content.decode()
    assert f'data-disclosure="{draft.pk}"' in page and f'data-disclosure="{published.pk}"' in page
    assert 'name="as_of"' in page
    for user in (leader, zunyi_clerk):
        page = login(user, Client()).get("/reports/").content.decode()
        assert f'data-disclosure="{published.pk}"' in page
        assert f'data-disclosure="{draft.pk}"' not in page and 'name="as_of"' not in page


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_roles_without_business_data_get_404(published, request, login, who):
    client = login(request.getfixturevalue(who), Client())
    assert client.get("/reports/").status_code == 404
    assert client.get(f"/reports/{published.pk}/").status_code == 404


def test_the_public_is_sent_to_sign_in(published):
    r = Client().get("/reports/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_office_creates_a_draft_and_lands_on_it(world, office):
    r = office.post(
        "/reports/", {"inspection": "central-2018-lookback", "as_of": "2020-06-30", "lang": "zh"}
    )
    d = Disclosure.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/{d.pk}/"
    r = office.post(
        "/reports/", {"inspection": "central-2018-lookback", "as_of": "2020-06-30", "lang": "zh"}
    )
    assert r.status_code == 400 and "edit that one" in r.content.decode()
    r = office.post(
        "/reports/", {"inspection": "central-2018-lookback", "as_of": "2020-09-11", "lang": "zh"}
    )
    assert r.status_code == 400 and "after today" in r.content.decode()
    assert Disclosure.objects.count() == 1


def test_a_leader_cannot_create(world, leader, login):
    r = login(leader, Client()).post(
        "/reports/", {"inspection": "central-2018-lookback", "as_of": "2020-06-30", "lang": "zh"}
    )
    assert r.status_code == 403 and not Disclosure.objects.exists()


def test_the_draft_preview_shows_the_text_the_figures_and_an_editor_per_section(draft, office):
    page = office.get(f"/reports/{draft.pk}/").content.decode()
    assert "贵州省梳理形成的6项问题，2项已完成整改" in page
    assert '<table class="data rp-figures" id="figures">' in page
    assert "截至2020年6月底主要数据" in page
    for key in ("opening", "leadership", "ledger", "next_steps", "responsibility"):
        assert f'data-editor="{key}"' in page
    assert f'action="/reports/{draft.pk}/publish/"' in page
    assert "Recompute and compare" not in page  # nothing frozen to compare yet
    assert "<script" not in page.split("</head>")[1] and " style=" not in page


def test_a_draft_is_invisible_to_everyone_but_the_office(draft, leader, zunyi_clerk, login):
    for user in (leader, zunyi_clerk):
        assert login(user, Client()).get(f"/reports/{draft.pk}/").status_code == 404


def test_saving_a_section_with_htmx_updates_the_preview(draft, office):
    r = office.post(
        f"/reports/{draft.pk}/narratives/",
        {"key": "opening", "text": "贵州省委、省政府高度重视。", "version": 1},
        **HTMX,
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="rp-workspace">')
    assert "反馈了督察意见。贵州省委、省政府高度重视。截至2020年6月底" in html
    assert "The text is saved." in html and 'name="version" value="2"' in html
    draft.refresh_from_db()
    assert draft.narratives == {"opening": "贵州省委、省政府高度重视。"} and draft.version == 2
    stale = office.post(
        f"/reports/{draft.pk}/narratives/", {"key": "opening", "text": "改", "version": 1}, **HTMX
    )
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()


def test_saving_without_htmx_redirects_back(draft, office):
    r = office.post(
        f"/reports/{draft.pk}/narratives/", {"key": "ledger", "text": "实行月调度。", "version": 1}
    )
    assert r.status_code == 302 and r["Location"] == f"/reports/{draft.pk}/"
    assert "实行月调度。" in office.get(r["Location"]).content.decode()


def test_a_section_key_that_is_not_a_section_is_refused(draft, office):
    r = office.post(
        f"/reports/{draft.pk}/narratives/", {"key": "problems", "text": "99", "version": 1}, **HTMX
    )
    assert r.status_code == 400
    draft.refresh_from_db()
    assert draft.narratives == {}


def test_publishing_and_withdrawing_from_the_page(draft, office):
    r = office.post(f"/reports/{draft.pk}/publish/", {"version": 1})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DisclosureState.PUBLISHED
    page = office.get(f"/reports/{draft.pk}/").content.decode()
    assert "data-editor=" not in page and "Withdraw this disclosure" in page
    assert "Recompute and compare" in page
    r = office.post(f"/reports/{draft.pk}/withdraw/", {"reason": "", "version": draft.version})
    draft.refresh_from_db()
    assert draft.state == DisclosureState.PUBLISHED
    r = office.post(
        f"/reports/{draft.pk}/withdraw/", {"reason": "口径调整", "version": draft.version}
    )
    draft.refresh_from_db()
    assert draft.state == DisclosureState.WITHDRAWN and draft.withdrawn_reason == "口径调整"
    assert "口径调整" in office.get(f"/reports/{draft.pk}/").content.decode()


def test_readers_see_a_published_disclosure_without_any_write_control(
    published, zunyi_clerk, login
):
    client = login(zunyi_clerk, Client())
    page = client.get(f"/reports/{published.pk}/").content.decode()
    assert "截至2020年3月底" in page
    assert "data-editor=" not in page and "/publish/" not in page and "/withdraw/" not in page
    r = client.post(
        f"/reports/{published.pk}/withdraw/", {"reason": "x", "version": published.version}
    )
    assert r.status_code == 403
    published.refresh_from_db()
    assert published.state == DisclosureState.PUBLISHED


def test_downloads_give_word_json_and_text(published, zunyi_clerk, login):
    client = login(zunyi_clerk, Client())
    word = client.get(f"/reports/{published.pk}/disclosure.docx")
    assert word["Content-Disposition"] == (
        'attachment; filename="disclosure-central-2018-lookback-2020-03-31-zh.docx"'
    )
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == published.title
    figures = client.get(f"/reports/{published.pk}/disclosure.json")
    assert figures["Content-Type"].startswith("application/json")
    assert json.loads(figures.content) == published.figures
    text = client.get(f"/reports/{published.pk}/disclosure.text").content.decode()
    assert text.startswith(published.title)
    assert client.get(f"/reports/{published.pk}/disclosure.exe").status_code == 404


def test_recompute_and_compare_shows_every_difference(published, leader, login, ledger):
    client = login(leader, Client())
    same = client.get(f"/reports/{published.pk}/compare/", **HTMX).content.decode()
    assert 'id="no-differences"' in same
    add_event(ledger["idle"], EventKind.ACCEPTED, date(2020, 3, 1))  # backdated, recorded now
    page = client.get(f"/reports/{published.pk}/compare/").content.decode()
    assert '<table class="data" id="differences">' in page
    assert "problems.completed" in page and "problems.not_started" in page
    assert "<!DOCTYPE html>" in page  # the whole page without htmx
    published.refresh_from_db()
    assert published.figures["problems"]["completed"] == 2  # frozen, not recomputed


def test_a_draft_has_nothing_to_compare(draft, office):
    assert office.get(f"/reports/{draft.pk}/compare/").status_code == 404
