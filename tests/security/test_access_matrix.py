"""The access matrix: every URL pattern and every API operation, asked by every role of the
cast and the public, about an object inside and one outside the caller's scope, answers
what tests/security/access_matrix.py says — and a refused write leaves no audit row.

A route or operation missing from access_matrix.py fails here, so a new one cannot ship
without someone deciding who may use it. One world per module (tests/security/world.py);
each request runs in a savepoint that is rolled back, so requests cannot affect each other.
Besides the status, every signed-in answer is searched for the problem titles of the
region the caller may not see (the public portal excepted, where they are public).
"""

import copy
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from rectify.core.models import AuditEvent
from rectify.core.testing import ensure_reference_orgs
from tests.security import access_matrix as M
from tests.security.matrix_probe import API_PARAM, KWARG, api_operations, fill, html_routes
from tests.security.world import CALLERS, REGIONS, build_world

ROUTES = html_routes()
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    old = settings.MEDIA_ROOT, settings.RECTIFY_REQUIRE_2FA, settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("matrix_media"))
    settings.RECTIFY_REQUIRE_2FA = False
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_orgs()
        w = build_world()
        w.clients = {}
        for name in CALLERS:
            c = Client()
            if name != "anonymous":
                c.force_login(w.users[name])
            w.clients[name] = c
        w.markers = {
            key: f"{org}黑臭水体整改问题".encode()
            for key, org in (("zy", "遵义市"), ("gy", "贵阳市"))
        }
        yield w
        transaction.set_rollback(True)
    settings.MEDIA_ROOT, settings.RECTIFY_REQUIRE_2FA, settings.PASSWORD_HASHERS = old


def _request(client: Client, method: str, url: str, data: dict | None = None):
    """One request in a rolled-back savepoint: (status tag, body, audit rows it added)."""
    cookies = copy.deepcopy(client.cookies)
    cache.clear()  # the portal's rate limit counts per minute
    data = data or {}
    with transaction.atomic():
        before = AuditEvent.objects.count()
        if method == "GET":
            r = client.get(url)
        elif url.startswith("/api/"):
            r = client.generic(method, url, json.dumps(data), content_type="application/json")
        else:
            r = client.post(url, data)
        added = AuditEvent.objects.count() - before
        body = b"".join(r.streaming_content) if r.streaming else r.content
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout answer must not sign the caller out for the next
    tag = str(r.status_code)
    if r.status_code == 302 and "/accounts/login/" in r.get("Location", ""):
        tag = M.LOGIN
    return tag, body, added


def _check(world, key: str, method: str, url: str, region: str, expect, public: bool):
    """Every caller asks; returns the mismatches as readable lines."""
    problems = []
    for caller in CALLERS:
        want = expect(caller, region)
        got, body, added = _request(world.clients[caller], method, url)
        if got != want:
            problems.append(f"{caller}: {method} {url} answered {got}, expected {want}")
        if added and caller not in M.MAY_WRITE.get(key, set()):
            problems.append(f"{caller}: {method} {url} wrote {added} audit row(s)")
        # The auditor's log records what changed, business data included: that is its job.
        reads_log = caller == "auditor" and key.startswith("audit:")
        if got == "200" and not public and not reads_log and caller != "anonymous":
            for other, marker in world.markers.items():
                if not M.sees(caller, other) and marker in body:
                    problems.append(f"{caller}: {method} {url} shows {other}'s problem")
    return problems


def test_every_route_and_operation_is_in_the_matrix(world):
    names = {name for name, _route in ROUTES}
    missing = sorted(names - set(M.ROUTES))
    assert not missing, "\n".join(f"add {n} to access_matrix.py" for n in missing)
    assert not set(M.ROUTES) - names, f"stale entries: {sorted(set(M.ROUTES) - names)}"
    ops = {f"{m} {p}" for m, p in api_operations()}
    missing = sorted(ops - set(M.API))
    assert not missing, "\n".join(f"add {n} to access_matrix.py" for n in missing)
    assert not set(M.API) - ops, f"stale entries: {sorted(set(M.API) - ops)}"


@pytest.mark.parametrize("name,route", ROUTES, ids=[n for n, _r in ROUTES])
def test_route_answers_each_caller_as_the_matrix_says(world, name, route):
    if name not in M.ROUTES:
        pytest.fail(f"add {name} to access_matrix.py")
    kwargs = [m.group("name") for m in KWARG.finditer(route)]
    kinds = M.kinds_for(name, kwargs)
    problems = []
    for method, expect in M.ROUTES[name].items():
        for region in REGIONS if kwargs else ("zy",):
            url = "/" + fill(route, kinds, world.ids, region)
            url += f"?{M.QUERY[name]}" if name in M.QUERY else ""
            public = name.startswith(M.PUBLIC_PREFIXES)
            problems += _check(world, name, method, url, region, expect, public)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("op", [f"{m} {p}" for m, p in api_operations()])
def test_api_operation_answers_each_caller_as_the_matrix_says(world, op):
    if op not in M.API:
        pytest.fail(f"add {op} to access_matrix.py")
    method, path = op.split(" ", 1)
    problems = []
    for region in REGIONS if "{" in path else ("zy",):
        url = fill(path, M.api_kinds(method, path), world.ids, region, API_PARAM)
        url += f"?{M.QUERY[op]}" if op in M.QUERY else ""
        public = op.startswith(M.PUBLIC_PREFIXES) or op == "GET /api/v1/ping"
        problems += _check(world, op, method, url, region, M.API[op], public)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", sorted(M.VALID_WRITES))
def test_a_valid_write_is_taken_only_from_who_may_make_it(world, key):
    method, body, allowed = M.VALID_WRITES[key]
    if key.startswith(("POST ", "PATCH ", "DELETE ")):
        route = key.split(" ", 1)[1]
        kinds, pattern, prefix = M.api_kinds(method, route), API_PARAM, ""
    else:
        route = dict(ROUTES)[key]
        kinds, pattern, prefix = (
            M.kinds_for(key, [m["name"] for m in KWARG.finditer(route)]),
            KWARG,
            "/",
        )
    problems = []
    for region in REGIONS:
        url = prefix + fill(route, kinds, world.ids, region, pattern)
        for caller in CALLERS:
            got, _body, added = _request(
                world.clients[caller], method, url, body(world.ids, region)
            )
            if bool(added) != allowed(caller, region):
                problems.append(f"{caller}: {method} {url} -> {got}, {added} audit row(s)")
    assert not problems, "\n".join(problems)
