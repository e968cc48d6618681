"""Production settings: `check --deploy` is clean (zero warnings, not just no errors), the
hardening headers are on every answer, the 等级保护 defaults hold whatever the demo says."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RECTIFY = Path(sys.executable).parent / "rectify"
SECRET = "x" * 20 + "-production-key-with-enough-entropy-1234567890"

# Runs in a fresh interpreter under rectify.settings_production: an in-memory database and
# the collected (manifest) static files, then real requests through the whole middleware.
PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for url in ["/accounts/login/", "/public/", "/health/?format=json", "/api/v1/openapi.json",
            "/ledger/"]:
    r = client.get(url, secure=True, headers={"host": "localhost"})
    answers[url] = {"status": r.status_code, "headers": dict(r.headers),
                    "cookies": {k: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])}
                                for k, m in r.cookies.items()}}
plain = client.get("/accounts/login/", headers={"host": "localhost"})
print(json.dumps({
    "answers": answers,
    "plain_http": {"status": plain.status_code, "location": plain.headers.get("Location", "")},
    "settings": {name: getattr(settings, name) for name in (
        "RECTIFY_REQUIRE_2FA", "SESSION_COOKIE_AGE", "RECTIFY_SESSION_MAX_HOURS",
        "RECTIFY_PASSWORD_MAX_AGE_DAYS", "SESSION_COOKIE_SECURE", "DEBUG")},
}))
"""


def production_env(tmp_path, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rectify.settings_production",
        "RECTIFY_SECRET_KEY": SECRET,
        "RECTIFY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by browser tests; deploy check flags it
    return env


def test_deploy_check_reports_zero_warnings_under_production_settings(tmp_path):
    result = subprocess.run(
        [str(RECTIFY), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "?: (" not in output, output


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("RECTIFY_SECRET_KEY")
    result = subprocess.run(
        [str(RECTIFY), "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "RECTIFY_SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """One run of PROBE under production settings (the demo's 2FA switch set to off)."""
    env = production_env(
        tmp_path_factory.mktemp("prod"), RECTIFY_SQLITE_PATH=":memory:", RECTIFY_REQUIRE_2FA="0"
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/public/", "/health/?format=json", "/api/v1/openapi.json"]
)
def test_every_answer_carries_csp_hsts_frame_and_nosniff_headers(production, url):
    answer = production["answers"][url]
    assert answer["status"] == 200
    headers = answer["headers"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_redirects_carry_the_headers_too(production):
    answer = production["answers"]["/ledger/"]
    assert answer["status"] == 302
    assert "Strict-Transport-Security" in answer["headers"]
    assert answer["headers"]["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(production):
    assert production["plain_http"]["status"] == 301
    assert production["plain_http"]["location"].startswith("https://")


def test_cookies_are_secure_and_the_csrf_cookie_is_not_readable_by_scripts(production):
    cookies = production["answers"]["/accounts/login/"]["cookies"]
    assert cookies["csrftoken"] == {"secure": True, "httponly": True}


def test_production_forces_two_factor_and_the_session_and_password_limits(production):
    assert production["settings"] == {
        "RECTIFY_REQUIRE_2FA": True,  # although the environment said 0
        "SESSION_COOKIE_AGE": 600,
        "RECTIFY_SESSION_MAX_HOURS": 12.0,
        "RECTIFY_PASSWORD_MAX_AGE_DAYS": 90,
        "SESSION_COOKIE_SECURE": True,
        "DEBUG": False,
    }
