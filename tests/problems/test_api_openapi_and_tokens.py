"""The ledger API's OpenAPI document, the liveness probe, and Bearer-token access."""

from django.test import Client

from rectify.accounts import actions as account_actions
from rectify.problems.testing import ProblemFactory

LEDGER_PATHS = {
    "/api/v1/ping": {"get"},
    "/api/v1/inspections": {"get", "post"},
    "/api/v1/inspections/{code}": {"get"},
    "/api/v1/problems": {"get", "post"},
    "/api/v1/problems/{problem_id}": {"get", "patch"},
    "/api/v1/problems/{problem_id}/events": {"post"},
    "/api/v1/problems/{problem_id}/extensions": {"post"},
    "/api/v1/extensions/{extension_id}/decision": {"post"},
}


def test_openapi_document_loads_and_lists_the_ledger(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    for path, methods in LEDGER_PATHS.items():
        assert methods <= set(doc["paths"][path]), path
    patch = doc["paths"]["/api/v1/problems/{problem_id}"]["patch"]
    assert "428" in patch["responses"] and "409" in patch["responses"]
    assert "If-Match" in patch["description"]
    params = {p["name"] for p in doc["paths"]["/api/v1/problems"]["get"]["parameters"]}
    assert {"inspection", "category", "region", "status", "as_of", "limit", "offset"} <= params
    # Every referenced schema exists.
    text = response.content.decode()
    for name in ("ProblemOut", "ProblemListOut", "ProblemPatch", "ErrorOut"):
        assert f"#/components/schemas/{name}" in text and name in doc["components"]["schemas"]


def test_ping_needs_no_authentication(client, db):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_the_ledger_answers_a_bearer_token_with_the_tokens_scope(
    orgs, client, zunyi_clerk, guiyang_outsider
):
    mine = ProblemFactory(number="1")
    _, raw = account_actions.do_create_token(actor=zunyi_clerk, name="月调度脚本")
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get("/api/v1/problems", headers=headers).json()
    assert [p["id"] for p in body["items"]] == [mine.pk]
    detail = client.get(f"/api/v1/problems/{mine.pk}", headers=headers)
    assert detail.status_code == 200 and detail["ETag"] == '"1"'

    _, other = account_actions.do_create_token(actor=guiyang_outsider, name="贵阳脚本")
    outsider = {"Authorization": f"Bearer {other}"}
    assert client.get("/api/v1/problems", headers=outsider).json()["count"] == 0
    assert client.get(f"/api/v1/problems/{mine.pk}", headers=outsider).status_code == 404


def test_a_token_posts_progress_without_a_csrf_token(orgs, zunyi_clerk):
    problem = ProblemFactory(number="1")
    _, raw = account_actions.do_create_token(actor=zunyi_clerk, name="脚本")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/api/v1/problems/{problem.pk}/events",
        {"kind": "progress", "effective_date": "2019-12-01", "percent": 25},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201, response.content


def test_a_bad_token_is_a_json_401(orgs, client):
    response = client.get("/api/v1/problems", headers={"Authorization": "Bearer rct_wrong"})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
