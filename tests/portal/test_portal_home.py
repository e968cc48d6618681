"""The portal's home page shows what is published, links every part of the portal, keeps
the sign-off notice list at its own address, and is accessible and rate-limited."""

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.portal.public_data import PRIVATE, TODAY, assert_accessible, seed_all


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def published(office_clerk):
    with time_machine.travel(TODAY):
        yield seed_all(office_clerk)


def test_home_page_lists_what_is_published_to_an_anonymous_visitor(client, published):
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert published.disclosure.title in html
    assert reverse("portal:disclosure", args=[published.disclosure.pk]) in html
    assert published.inspection.name in html
    assert reverse("portal:problems", args=[published.inspection.code]) in html
    assert published.publication.title in html
    assert reverse("portal:complaint_publication", args=[published.publication.pk]) in html
    assert reverse("portal:complaint_publications") in html
    assert reverse("portal:opendata") in html
    assert reverse("portal:notices") in html


def test_home_page_leaves_out_drafts_withdrawn_items_and_private_data(client, published):
    html = client.get("/public/").content.decode()
    for hidden in (published.draft, published.withdrawn):
        assert f"/public/disclosures/{hidden.pk}/" not in html
    assert published.withdrawn_publication.title not in html
    for private in PRIVATE:
        assert private not in html


def test_sign_off_notices_keep_their_url_name_at_their_own_address(client, db):
    assert reverse("portal:notices") == "/public/notices/"
    assert reverse("portal:home") == "/public/"
    assert client.get("/public/notices/").status_code == 200


def test_home_page_has_the_accessibility_landmarks(client, published):
    html = client.get("/public/").content.decode()
    outline = assert_accessible(html)
    assert outline.tables >= 1


def test_home_page_is_rate_limited(client, published):
    codes = [client.get("/public/").status_code for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[-1] == 429
