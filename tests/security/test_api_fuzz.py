"""Fuzzing /api/v1 from its own OpenAPI document (schemathesis, in-process WSGI).

Every operation of the published schema is called with generated parameters and bodies by an
office token, a 遵义市 unit token and anonymously, against a demo-like world (the demo ledger,
workflows, oversight and disclosure, plus a batch of complaints), with path ids drawn now and
then from rows that exist so that requests also reach the code behind the 404. Checks: no 5xx,
every documented answer matches its response schema, and anonymously every operation outside
PUBLIC_OPERATIONS answers 401/403. The number of requests made is printed (issue 9 closing
note: "requests fuzzed").
"""

import traceback
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

import rectify.api  # noqa: F401 - mounts every router: every API schema class is defined
from rectify.accounts import actions as account_actions
from rectify.accounts.models import User
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.demo.accounts import ensure_demo_accounts
from rectify.demo.disclosure import ensure_demo_disclosure
from rectify.demo.ledger import ensure_demo_ledger
from rectify.demo.oversight import ensure_demo_oversight
from rectify.demo.workflows import ensure_demo_workflows
from rectify.dispatch.models import DispatchPeriod, ProgressReport
from rectify.oversight.models import (
    AccountabilityCase,
    BattleTeam,
    Finding,
    HeldOrganization,
    HeldPerson,
    Meeting,
    ResponsibilityLetter,
    SupervisionAction,
)
from rectify.problems.models import ExtensionRequest, Inspection, Problem
from rectify.reports.models import Disclosure
from rectify.signoff.models import Application
from tests.complaints.ui_support import assign, intake, make_batch, pii_key  # noqa: F401

# Operations anyone may call; every other operation must refuse an anonymous caller.
PUBLIC_OPERATIONS = {"GET /api/v1/ping", "GET /api/v1/oversight/public/cases"}
# Examples per operation and caller; about 4,000 requests in all, under 3 minutes on SQLite.
EXAMPLES = 15
ANONYMOUS_EXAMPLES = 5

# Path parameter -> the rows whose ids (or codes) it names, so that some requests hit real rows.
KNOWN_IDS: dict[str, Callable[[str], list]] = {
    "problem_id": lambda path: _pks(Problem),
    "extension_id": lambda path: _pks(ExtensionRequest),
    "application_id": lambda path: _pks(Application),
    "period_id": lambda path: _pks(DispatchPeriod),
    "report_id": lambda path: _pks(ProgressReport),
    "complaint_id": lambda path: _pks(Complaint),
    "batch_id": lambda path: _pks(ComplaintBatch),
    "case_id": lambda path: _pks(AccountabilityCase),
    "row_id": lambda path: _pks(HeldPerson if "/persons/" in path else HeldOrganization),
    "meeting_id": lambda path: _pks(Meeting),
    "letter_id": lambda path: _pks(ResponsibilityLetter),
    "action_id": lambda path: _pks(SupervisionAction),
    "finding_id": lambda path: _pks(Finding),
    "team_id": lambda path: _pks(BattleTeam),
    "disclosure_id": lambda path: _pks(Disclosure),
    "code": lambda path: list(Inspection.objects.values_list("code", flat=True)[:3]),
}


def _pks(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True)[:3])


@pytest.fixture
def wsgi_app():
    """Django's WSGI app sharing the test's connection (and so its transaction).

    Django's test client does the same per request: closing "old" connections at request end
    would close the test's connection in the middle of its transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(orgs, pii_key):  # noqa: F811
    """The demo ledger, workflows, oversight and disclosure, and three open complaints."""
    today = timezone.localdate()
    ensure_demo_accounts()
    ensure_demo_ledger(today)
    ensure_demo_workflows(today)
    ensure_demo_oversight(today)
    ensure_demo_disclosure(today)
    office = User.objects.get(username="office")
    batch = make_batch(office, 1, stated=3)
    for seq, region in ((1, "520304"), (2, "520304"), (3, "520103")):
        assign(intake(batch, office, seq, region=region), office, date(2025, 6, 3))
    return office


def token_of(username: str) -> dict[str, str]:
    _, raw = account_actions.do_create_token(actor=User.objects.get(username=username), name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


class Fuzzer:
    """Runs every operation of the schema; records failures instead of stopping at the first."""

    def __init__(self, schema, headers: dict[str, str], examples: int):
        self.schema = schema
        self.headers = headers
        self.examples = examples
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.failures: dict[str, str] = {}
        self.crash: list[str] = []
        got_request_exception.connect(self._on_crash)

    def _on_crash(self, sender, request=None, **kwargs):
        self.crash.append(traceback.format_exc(limit=-6))

    def close(self) -> None:
        got_request_exception.disconnect(self._on_crash)

    def strategy(self, operation):
        """Generated cases, and cases whose path ids name existing rows."""
        generated = operation.as_strategy()
        names = [p.name for p in operation.path_parameters]
        if not names or not all(n in KNOWN_IDS for n in names):
            return generated
        choices = [KNOWN_IDS[n](operation.path) for n in names]
        known = [
            operation.as_strategy(path_parameters=dict(zip(names, values, strict=True)))
            for values in zip(*choices, strict=False)
        ]
        return st.one_of(generated, *known)

    def run(self, operation, verify: Callable | None = None) -> None:
        label = f"{operation.method.upper()} {operation.path}"

        @settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=self.strategy(operation))
        def fuzz(case):
            if label in self.failures:
                return
            self.crash.clear()
            # One savepoint per request, as if each ran in its own transaction: a failed
            # statement must not leave the test's transaction aborted (PostgreSQL).
            self.requests += 1
            savepoint = transaction.savepoint()
            try:
                response = case.call_and_validate(
                    headers=self.headers,
                    checks=[not_a_server_error, response_schema_conformance],
                )
            except FailureGroup as exc:
                self.failures[label] = str(exc)[:1500] + "".join(self.crash)[-1500:]
                transaction.savepoint_rollback(savepoint)
                return
            try:
                transaction.savepoint_commit(savepoint)
            except DatabaseError:
                transaction.savepoint_rollback(savepoint)
            self.statuses[response.status_code] += 1
            if verify is not None and (problem := verify(label, response)):
                self.failures[label] = problem

        fuzz()

    def run_all(self, verify: Callable | None = None) -> None:
        for result in self.schema.get_all_operations():
            self.run(result.ok(), verify)


# Credentials are ours to send: generated session cookies would only meet the CSRF check.
CONFIG = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})


def load_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, config=CONFIG)


def report(who: str, fuzzer: Fuzzer) -> str:
    print(f"\n{who}: requests fuzzed: {fuzzer.requests}; statuses {dict(fuzzer.statuses)}")
    return "\n\n".join(f"{label}\n{text}" for label, text in fuzzer.failures.items())


def test_every_operation_survives_fuzzing_by_an_office_and_a_unit_token(world, wsgi_app):
    # One test for both callers: the world takes longer to build than either run.
    schema = load_schema(wsgi_app)
    failures = []
    for username in ("office", "zunyi"):
        fuzzer = Fuzzer(schema, token_of(username), EXAMPLES)
        try:
            fuzzer.run_all()
        finally:
            fuzzer.close()
        failures.append(report(username, fuzzer))
        # The world was reachable: some requests succeeded, some named rows not there.
        assert fuzzer.statuses[200] > 100 and fuzzer.statuses[404] > 0, fuzzer.statuses
    assert not any(failures), "\n\n".join(failures)


def test_no_two_api_schemas_share_a_name(db):
    # ninja names components by class name: a second `StepOut` silently replaced the first
    # in the document, and clients validated sign-off steps against complaint steps.
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("rectify."):
            seen.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: mods for name, mods in seen.items() if len(mods) > 1} == {}


def needs_auth_answer(label: str, response) -> str | None:
    """An anonymous caller gets 401/403 everywhere but the public operations."""
    if label in PUBLIC_OPERATIONS:
        return None if response.status_code == 200 else f"public answered {response.status_code}"
    if response.status_code in (401, 403):
        return None
    content_type = " ".join(response.headers.get("content-type", []))  # lowercase keys, lists
    if response.status_code == 404 and "json" not in content_type:
        # Django's own 404: the URL's int converter refused the path (a negative id), so no
        # operation was reached; the schema's unbounded integer ids allow such paths.
        return None
    return f"anonymous caller got {response.status_code}: {response.text[:300]}"


def test_the_public_operations_are_exactly_the_listed_ones(wsgi_app, db):
    schema = load_schema(wsgi_app)
    unsecured = {
        f"{op.method.upper()} {op.path}"
        for op in (r.ok() for r in schema.get_all_operations())
        if not op.definition.raw.get("security")
    }
    assert unsecured == PUBLIC_OPERATIONS


def test_anonymous_callers_are_refused_everywhere_but_the_public_operations(orgs, wsgi_app):
    # Refusal comes before any lookup, so no world is needed; the public operations read none.
    fuzzer = Fuzzer(load_schema(wsgi_app), {}, ANONYMOUS_EXAMPLES)
    try:
        fuzzer.run_all(verify=needs_auth_answer)
    finally:
        fuzzer.close()
    failures = report("anonymous", fuzzer)
    assert not fuzzer.failures, failures
    assert fuzzer.statuses[401] > 250, fuzzer.statuses


def test_a_nul_character_in_a_parameter_is_refused_not_a_crash(office_clerk, client):
    # PostgreSQL cannot hold NUL in text; the lookup's DataError used to be a 500.
    _, raw = account_actions.do_create_token(actor=office_clerk, name="nul")
    response = client.get(
        "/api/v1/oversight/figures",
        {"inspection": "central\x002018"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"


def test_an_offset_past_any_page_is_refused_not_a_crash(office_clerk, client):
    # SQLite cannot bind an integer past 64 bits ("datatype mismatch"): it was a 500.
    _, raw = account_actions.do_create_token(actor=office_clerk, name="offset")
    response = client.get(
        "/api/v1/signoff/applications",
        {"offset": 97986069024644551147520},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422, response.content
