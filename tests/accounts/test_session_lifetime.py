"""Sessions end after 10 idle minutes by default, RECTIFY_SESSION_MAX_HOURS after sign-in
however busy the user is, and at logout on the server (a replayed cookie is worthless)."""

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from rectify.accounts.middleware import LOGIN_AT


def redirected_to_login(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_idle_timeout_defaults_to_ten_minutes():
    # settings.py default, unless RECTIFY_SESSION_IDLE_MINUTES says otherwise.
    assert settings.SESSION_COOKIE_AGE == 10 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_an_idle_session_ends_after_ten_minutes_and_the_login_page_says_so(
    zunyi_clerk, login, client
):
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        login(zunyi_clerk)
        traveller.shift(9 * 60)
        assert client.get("/").status_code == 200
        traveller.shift(10 * 60 + 30)
        response = client.get("/ledger/")
        assert redirected_to_login(response)


def test_a_busy_session_still_ends_at_the_absolute_lifetime(zunyi_clerk, login, client, settings):
    settings.RECTIFY_SESSION_MAX_HOURS = 2
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        login(zunyi_clerk)
        assert isinstance(client.session[LOGIN_AT], float)
        # A request every 5 minutes keeps the idle timer fresh for 1 h 55 min.
        for _ in range(23):
            traveller.shift(5 * 60)
            assert client.get("/").status_code == 200
        old_key = client.session.session_key
        traveller.shift(6 * 60)  # 2 h 1 min after sign-in, 6 min after the last request
        response = client.get("/ledger/")
        assert redirected_to_login(response) and "ended=1" in response["Location"]
        assert not Session.objects.filter(session_key=old_key).exists()
        page = client.get(response["Location"]).content.decode()
        assert 'id="session-ended"' in page


def test_the_api_answers_401_when_the_lifetime_is_over(zunyi_clerk, login, client, settings):
    settings.RECTIFY_SESSION_MAX_HOURS = 1
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        login(zunyi_clerk)
        for _ in range(12):  # busy: a call every 5 minutes for an hour
            assert client.get("/api/v1/me").status_code == 200
            traveller.shift(5 * 60)
        traveller.shift(60)
        response = client.get("/api/v1/me")
        assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_signing_in_again_starts_a_new_lifetime(zunyi_clerk, login, client, settings):
    settings.RECTIFY_SESSION_MAX_HOURS = 1
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        login(zunyi_clerk)
        for _ in range(13):
            traveller.shift(5 * 60)
            client.get("/api/v1/me")
        assert redirected_to_login(client.get("/ledger/"))
        login(zunyi_clerk)
        for _ in range(10):
            traveller.shift(5 * 60)
            assert client.get("/api/v1/me").status_code == 200


def test_logout_ends_the_session_on_the_server_and_a_replayed_cookie_is_refused(
    zunyi_clerk, login, client
):
    login(zunyi_clerk)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/ledger/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert redirected_to_login(replay.get("/ledger/"))
    assert replay.get("/api/v1/me").status_code == 401


def test_logout_is_post_only(zunyi_clerk, login, client):
    login(zunyi_clerk)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/ledger/").status_code == 200
