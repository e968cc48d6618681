"""The public portal shows published sign-off notices without personal data and takes
objections, rate-limited."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache

from rectify.signoff.models import AppState
from tests.signoff.conftest import walk


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def running(problem, cast):
    return walk(problem, cast, "notice_running")


def test_anonymous_visitor_lands_on_the_portal(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/public/"


def test_notice_under_way_is_listed_and_readable_without_personal_data(client, running):
    with time_machine.travel(date(2026, 11, 28)):
        listing = client.get("/public/").content.decode()
        assert running.problem.title in listing
        page = client.get(f"/public/notices/{running.pk}/").content.decode()
    assert "整改完成情况" in page
    for private in ("王某某", "李某某", "张建华"):  # leader, person, signer
        assert private not in page
    docx = client.get(f"/public/notices/{running.pk}/notice.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_unpublished_application_is_not_found(client, problem, cast):
    app = walk(problem, cast, "review_city")
    assert client.get(f"/public/notices/{app.pk}/").status_code == 404


def test_public_objection_sends_the_application_back_to_review(client, running):
    with time_machine.travel(date(2026, 11, 28)):
        response = client.post(
            f"/public/notices/{running.pk}/objection/",
            {"text": "河道边仍能看到养殖废水排放口，晚上有排污。"},
        )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.state == AppState.IN_REVIEW
    step = running.steps.order_by("-pk").first()
    assert step.kind == "object" and step.actor is None


def test_too_short_objection_is_refused_and_changes_nothing(client, running):
    with time_machine.travel(date(2026, 11, 28)):
        response = client.post(f"/public/notices/{running.pk}/objection/", {"text": "不行"})
    assert response.status_code == 422
    running.refresh_from_db()
    assert running.state == AppState.NOTICE


def test_portal_is_rate_limited(client, running):
    codes = [client.get("/public/").status_code for _ in range(62)]
    assert codes[:60] == [200] * 60 and codes[-1] == 429
