"""Two app servers, one PostgreSQL: what docs/DEPLOY.md promises about running several.

Two `rectify serve` (gunicorn) processes on their own loopback ports share one scratch
database and one media directory, as app servers behind a load balancer share the database
and the object store. A client that moves between them keeps its session, sees the other's
uploads byte for byte, and gets 409 when it writes over the other's change.
"""

import http.client
import json
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection

from tests.deploy.dataset import PASSWORD, PDF
from tests.deploy.support import (
    ROOT,
    app_server,
    instance_env,
    pg_url,
    rectify,
    run_python,
    scratch_database,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several app servers need PostgreSQL"
    ),
]


class Browser:
    """A cookie-keeping HTTP client that may send each request to a different server."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, body=b"", headers=None):
        url = urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method not in ("GET", "HEAD") and "csrftoken" in self.cookies:
            headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return response.status, response.headers, data

    def get(self, base: str, path: str, **headers):
        return self.request(base, "GET", path, headers=headers)

    def form(self, base: str, path: str, fields: dict[str, str]):
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        return self.request(
            base,
            "POST",
            path,
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def upload(self, base: str, path: str, fields: dict[str, str], name: str, data: bytes):
        boundary = secrets.token_hex(16)
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(base, "POST", path, b"".join(parts), headers)

    def api(self, base: str, method: str, path: str, payload=None, **headers):
        body = json.dumps(payload).encode() if payload is not None else b""
        if payload is not None:
            headers["Content-Type"] = "application/json"
        return self.request(base, method, f"/api/v1{path}", body, headers)

    def sign_in(self, base: str, username: str) -> None:
        self.get(base, "/accounts/login/")
        status, _, _ = self.form(
            base, "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, status
        assert "sessionid" in self.cookies


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two servers (A, B) over one scratch PostgreSQL database and one media directory."""
    tmp = tmp_path_factory.mktemp("two_servers")
    with scratch_database("two_servers") as name:
        env = instance_env(tmp / "var", pg_url(name), PYTHONPATH=str(ROOT))
        rectify(env, "migrate", "--noinput", "-v0")
        run_python(env, "from tests.deploy import dataset; dataset.accounts(); dataset.problems()")
        with (
            app_server(env, tmp / "a.log") as a,
            app_server(env, tmp / "b.log") as b,
        ):
            yield a, b


def first_problem(browser: Browser, base: str) -> int:
    status, _, body = browser.api(base, "GET", "/problems?limit=1")
    assert status == 200, body[:300]
    return json.loads(body)["items"][0]["id"]


def test_session_from_server_a_works_on_b_and_logout_on_b_ends_it_on_a(servers):
    a, b = servers
    browser = Browser()
    assert browser.api(b, "GET", "/inspections")[0] == 401  # not signed in yet
    browser.sign_in(a, "clerk")
    status, _, body = browser.api(b, "GET", "/inspections")
    assert status == 200 and len(json.loads(body)) == 1
    session = dict(browser.cookies)

    status, _, _ = browser.form(b, "/accounts/logout/", {})
    assert status == 302
    assert "sessionid" not in browser.cookies
    # The old cookie, replayed on the other server, is dead: logout ended it server-side.
    replay = Browser()
    replay.cookies = session
    assert replay.api(a, "GET", "/inspections")[0] == 401
    assert replay.get(a, "/ledger/")[0] == 302  # to the sign-in page


def test_evidence_uploaded_on_a_downloads_byte_identical_from_b(servers):
    a, b = servers
    browser = Browser()
    browser.sign_in(a, "clerk")
    problem = first_problem(browser, a)
    data = PDF + secrets.token_bytes(4096)
    browser.get(a, f"/ledger/evidence/problems/{problem}/upload/")
    status, headers, body = browser.upload(
        a,
        f"/ledger/evidence/problems/{problem}/upload/",
        {"caption": "两台服务器"},
        "整改报告.pdf",
        data,
    )
    assert status == 302, body[:2000]

    status, _, page = browser.get(b, f"/ledger/evidence/problems/{problem}/")
    assert status == 200
    ids = re.findall(rb"/ledger/evidence/(\d+)/download/", page)
    assert ids, page[:2000]
    status, headers, downloaded = browser.get(b, f"/ledger/evidence/{int(ids[-1])}/download/")
    assert status == 200
    assert downloaded == data
    assert headers["Content-Type"] == "application/pdf"


def test_a_write_with_a_version_read_on_a_after_b_changed_it_answers_409(servers):
    a, b = servers
    browser = Browser()
    browser.sign_in(a, "clerk")
    problem = first_problem(browser, a)
    status, headers, _ = browser.api(a, "GET", f"/problems/{problem}")
    assert status == 200
    read_on_a = headers["ETag"]

    status, headers, body = browser.api(
        b, "PATCH", f"/problems/{problem}", {"title": "由服务器B修改"}, **{"If-Match": read_on_a}
    )
    assert status == 200, body[:500]
    assert headers["ETag"] != read_on_a

    status, _, body = browser.api(
        a, "PATCH", f"/problems/{problem}", {"title": "由服务器A覆盖"}, **{"If-Match": read_on_a}
    )
    assert status == 409, body[:500]
    assert json.loads(body)["code"] == "conflict"
    status, headers, body = browser.api(a, "GET", f"/problems/{problem}")
    assert json.loads(body)["title"] == "由服务器B修改"
