"""Every sign-off page × every role, inside and outside the scope → the expected status."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from .conftest import walk

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed_off(problem, cast):
    return walk(problem, cast, "signed_off")


# role → expected status of: inbox, detail, apply, notice, notice_docx, calendar.
# The application is signed off, so applying again is refused to everyone by the action,
# but the apply page itself answers by role: in scope and may apply → 200.
EXPECTED = {
    "applicant": (200, 200, 200, 200, 200, 403),
    "county": (200, 200, 403, 200, 200, 403),
    "city": (200, 200, 403, 200, 200, 403),
    "dept": (200, 200, 403, 200, 200, 403),
    "office": (200, 200, 200, 200, 200, 200),
    "other_unit": (200, 404, 404, 404, 404, 403),
    "leader": (200, 200, 403, 200, 200, 403),
    "sysadmin": (404, 404, 404, 404, 404, 404),
}


def _urls(app):
    return [
        reverse("signoff:inbox"),
        reverse("signoff:detail", args=[app.pk]),
        reverse("signoff:apply", args=[app.problem_id]),
        reverse("signoff:notice", args=[app.pk]),
        reverse("signoff:notice_docx", args=[app.pk]),
        reverse("signoff:calendar"),
    ]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_the_expected_answer_on_each_page(role, signed_off, cast, login):
    client = login(cast[role], Client())
    got = tuple(client.get(url).status_code for url in _urls(signed_off))
    assert got == EXPECTED[role]


def test_the_public_is_sent_to_the_login_page_everywhere(signed_off, client):
    for url in _urls(signed_off):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_missing_application_is_the_same_404_as_one_out_of_scope(signed_off, cast, login):
    client = login(cast["office"], Client())
    assert client.get(reverse("signoff:detail", args=[signed_off.pk + 999])).status_code == 404


def test_an_outsider_cannot_post_a_step_on_an_application_it_cannot_see(problem, cast, login):
    app = walk(problem, cast, "review_county")
    client = login(cast["other_unit"], Client())
    response = client.post(
        reverse("signoff:step", args=[app.pk]),
        {"step": "withdraw", "step-withdraw-step": "withdraw", "step-withdraw-version": 1},
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.state == "in_review"


def test_the_notice_of_an_application_still_in_review_does_not_exist(problem, cast, login):
    app = walk(problem, cast, "review_city")
    client = login(cast["office"], Client())
    assert client.get(reverse("signoff:notice", args=[app.pk])).status_code == 404
    assert client.get(reverse("signoff:notice_docx", args=[app.pk])).status_code == 404
