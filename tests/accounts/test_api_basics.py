from rectify.accounts import actions
from rectify.core.models import AuditEvent


def test_openapi_document_is_served(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in doc["paths"] and "/api/v1/orgs" in doc["paths"]


def test_anonymous_api_call_gets_json_401_with_code(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated" and response.json()["message"]


def test_me_through_the_session(login, zunyi_clerk, client):
    login(zunyi_clerk)
    body = client.get("/api/v1/me").json()
    assert body["username"] == "zunyi_clerk" and body["org_code"] == "520300"
    assert body["role"] == "unit"


def test_me_through_a_bearer_token(zunyi_clerk, client):
    token, raw = actions.do_create_token(actor=zunyi_clerk, name="脚本")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "zunyi_clerk"
    assert raw not in str(list(AuditEvent.objects.values()))  # only the digest is kept
    assert token.digest != raw


def test_revoked_and_unknown_tokens_are_refused(zunyi_clerk, client):
    token, raw = actions.do_create_token(actor=zunyi_clerk, name="脚本")
    actions.do_revoke_token(token, actor=zunyi_clerk)
    for value in (raw, "rct_not-a-real-token"):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})
        assert response.status_code == 401


def test_bad_query_parameter_is_named(login, office_clerk, client):
    login(office_clerk)
    response = client.get("/api/v1/orgs?kind=planet")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert any("kind" in e["field"] for e in body["errors"])


def test_health_answers_json_without_a_session(client, db):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}
