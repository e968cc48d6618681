import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError

from rectify.accounts import actions
from rectify.accounts.models import User
from rectify.core.testing import TEST_PASSWORD, make_user


def strip_variable(html: str, username: str) -> str:
    html = html.replace(username, "NAME") if username else html
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\\1", html)


def attempt(client, username, password="wrong-Password-1"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(orgs, settings):
    from django.conf import settings as live

    settings.PASSWORD_HASHERS = live.PASSWORD_HASHERS_PRODUCTION
    user = make_user("argon_user", "unit", "520300")
    assert identify_hasher(User.objects.get(pk=user.pk).password).algorithm == "argon2"


def test_wrong_password_and_unknown_user_get_the_same_answer(zunyi_clerk, client):
    wrong = attempt(client, "zunyi_clerk")
    unknown = attempt(client, "nobody_here")
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名或密码错误" in wrong.content.decode()
    # The same page apart from the echoed user name and the per-request CSRF token.
    assert strip_variable(wrong.content.decode(), "zunyi_clerk") == strip_variable(
        unknown.content.decode(), "nobody_here"
    )


def test_account_locks_after_the_failure_limit_even_with_the_right_password(zunyi_clerk, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "zunyi_clerk")
    locked = attempt(client, "zunyi_clerk", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_the_account(zunyi_clerk, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "zunyi_clerk")
    assert attempt(client, "zunyi_clerk", TEST_PASSWORD).status_code == 302


def test_the_lockout_lasts_the_configured_period_and_then_ends(zunyi_clerk, client):
    assert settings.AXES_FAILURE_LIMIT == 5  # RECTIFY_LOGIN_FAILURE_LIMIT default
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "zunyi_clerk")
        # Each attempt while locked restarts the period (axes counts from the last one), so
        # the account opens RECTIFY_LOCKOUT_MINUTES after the last try, not before.
        traveller.shift((minutes - 1) * 60)
        locked = attempt(client, "zunyi_clerk", TEST_PASSWORD)
        assert locked.status_code == 429
        assert f'data-minutes="{minutes}"' in locked.content.decode()
        traveller.shift((minutes + 1) * 60)  # one minute past it
        assert attempt(client, "zunyi_clerk", TEST_PASSWORD).status_code == 302
        assert client.get("/ledger/").status_code == 200


def test_the_login_page_states_the_configured_limit_and_period(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    page = client.get("/accounts/login/").content.decode()
    assert "3" in page and "45" in page and "30" not in page.split("</form>")[1]


def test_lockout_of_unknown_user_looks_like_lockout_of_real_user(zunyi_clerk, client):
    for name in ("zunyi_clerk", "ghost_user"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, name)
    real = attempt(client, "zunyi_clerk")
    ghost = attempt(client, "ghost_user")
    assert real.status_code == ghost.status_code == 429
    assert strip_variable(real.content.decode(), "") == strip_variable(ghost.content.decode(), "")


def test_sysadmin_clears_a_lockout(zunyi_clerk, sysadmin, login, client):
    from django.test import Client

    other = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(other, "zunyi_clerk")
    assert attempt(other, "zunyi_clerk", TEST_PASSWORD).status_code == 429
    login(sysadmin)
    client.post(f"/users/{zunyi_clerk.pk}/unlock/")
    assert attempt(other, "zunyi_clerk", TEST_PASSWORD).status_code == 302


def test_session_expires_after_inactivity(zunyi_clerk, login, client):
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False) as traveller:
        login(zunyi_clerk)
        assert client.get("/").status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE - 60)
        assert client.get("/").status_code == 200  # activity renews the session
        traveller.shift(settings.SESSION_COOKIE_AGE + 60)
        response = client.get("/ledger/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "password", ["short1A!", "alllowercaseletters", "12345678901234", "Abcdefghijklmn"]
)
def test_weak_passwords_are_refused_with_the_field_named(sysadmin, password):
    with pytest.raises(ValidationError) as info:
        actions.check_create_user(
            actor=sysadmin, username="newbie", password=password, org=sysadmin.org, role="unit"
        )
    assert "password" in info.value.message_dict
    assert not User.objects.filter(username="newbie").exists()


def test_strong_password_is_accepted(sysadmin):
    user = actions.check_create_user(
        actor=sysadmin,
        username="newbie",
        password="Zunyi-Rectify-42",
        org=sysadmin.org,
        role="unit",
    )
    assert user.check_password("Zunyi-Rectify-42")
