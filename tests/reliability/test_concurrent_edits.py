"""Twenty API clients edit the same problem at once through a live gunicorn server.

Each client sends 100 versioned PATCHes (If-Match: the version it last saw); on 409 it re-reads
the problem and goes on with the next edit. Every answer must be 200 or 409, every 200 must be
one version increment and one audit event, the audit chain must still verify, and the server
log must show neither "database is locked" nor a traceback. Runs on the engine of the half of
`make test` it is in: a SQLite file (WAL, BEGIN IMMEDIATE, busy timeout) or a scratch
PostgreSQL database. The figures are printed.
"""

import http.client
import json
import socket
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from contextlib import closing

from tests.reliability.scratch import BIN, scratch_database

CLIENTS = 20
EDITS = 100

SEED = """
import json
from rectify.accounts import actions
from rectify.accounts.roles import Role
from rectify.core.testing import make_user
from rectify.problems.testing import ProblemFactory
office = make_user("office_clerk", Role.OFFICE, "520000")
problem = ProblemFactory(number="1")
_, raw = actions.do_create_token(actor=office, name="concurrency drill")
print(json.dumps({"problem": problem.pk, "version": problem.version, "token": raw}))
"""

COUNT = """
import json
from rectify.core.models import AuditEvent
from rectify.problems.models import Problem
p = Problem.objects.get(pk={pk})
edits = AuditEvent.objects.filter(action="problems.update_problem", object_id=str(p.pk))
print(json.dumps({{"version": p.version, "audited": edits.count()}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "rectify.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/ping")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not answer within 60 s")


class Client(threading.Thread):
    """One API client: EDITS versioned PATCHes of the problem, re-reading after a 409."""

    def __init__(self, n: int, port: int, token: str, problem: int, start: threading.Barrier):
        super().__init__()
        self.n, self.port, self.problem, self.start_line = n, port, problem, start
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.answers: Counter[int] = Counter()
        self.errors: list[str] = []

    def request(self, conn, method: str, body: dict | None = None, **headers):
        conn.request(
            method,
            f"/api/v1/problems/{self.problem}",
            body=json.dumps(body) if body is not None else None,
            headers={**self.headers, **headers},
        )
        response = conn.getresponse()
        return response.status, response.getheader("ETag"), response.read()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.start_line.wait()
            _, etag, _ = self.request(conn, "GET")
            for i in range(EDITS):
                body = {"title": f"并发编辑：客户端{self.n}第{i}次"}
                status, new_etag, content = self.request(conn, "PATCH", body, **{"If-Match": etag})
                self.answers[status] += 1
                if status == 200:
                    etag = new_etag
                elif status == 409:
                    status, etag, content = self.request(conn, "GET")
                if status not in (200, 409):
                    self.errors.append(f"{status}: {content[:300]!r}")
        except Exception as exc:  # the test reports it; a thread cannot raise into pytest
            self.errors.append(repr(exc))
        finally:
            conn.close()


def test_twenty_clients_editing_one_problem_lose_no_edit_and_lock_nothing(tmp_path, template_db):
    with scratch_database(tmp_path, "conc", template_db) as db:
        seeded = json.loads(db.python(SEED).strip().splitlines()[-1])
        port = free_port()
        log_path = tmp_path / "server.log"
        with open(log_path, "wb") as log:
            server = start_server(db.env, port, log)
            try:
                start = threading.Barrier(CLIENTS)
                clients = [
                    Client(n, port, seeded["token"], seeded["problem"], start)
                    for n in range(CLIENTS)
                ]
                began = time.monotonic()
                for c in clients:
                    c.start()
                for c in clients:
                    c.join(timeout=150)
                elapsed = time.monotonic() - began
            finally:
                server.terminate()
                server.wait(timeout=30)
        after = json.loads(db.python(COUNT.format(pk=seeded["problem"])).strip().splitlines()[-1])
        verify = db.rectify("audit", "verify")
    answers = sum((c.answers for c in clients), Counter())
    log = log_path.read_text(errors="replace")
    print(
        f"\n{db.vendor}: {CLIENTS} clients x {EDITS} edits in {elapsed:.1f} s: "
        f"{answers[200]} applied, {answers[409]} conflicts (409), answers {dict(answers)}; "
        f"version {seeded['version']} -> {after['version']}, {after['audited']} audit events"
    )
    assert not any(c.is_alive() for c in clients), "a client hung"
    assert [e for c in clients for e in c.errors] == []
    assert set(answers) <= {200, 409} and answers.total() == CLIENTS * EDITS
    assert answers[200] > 0 and answers[409] > 0, answers
    assert after["version"] - seeded["version"] == answers[200] == after["audited"]
    assert "database is locked" not in log
    assert "Traceback" not in log and '" 500 ' not in log, log[-3000:]
    assert "audit chain intact" in verify, verify
    if db.vendor == "sqlite":
        # The settings' WAL journal was in force (readers beside the one writer).
        with closing(sqlite3.connect(db.path)) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
