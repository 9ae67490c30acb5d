"""Health, token info, the OpenAPI document, structured errors and the demo marker."""

import pytest


def test_health_needs_no_token_and_shows_demo(db, client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "demo": True, "version": "1"}
    assert response["X-Verband-Demo"] == "true"


def test_demo_marker_absent_outside_demo_mode(db, client, settings):
    settings.DEMO_MODE = False
    assert "X-Verband-Demo" not in client.get("/api/v1/health")


def test_me_shows_organisation_and_scopes(world, client):
    body = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {world.token_a}").json()
    assert body["organisation"] == "Wijkteams Testdorp"
    assert body["scopes"] == ["households:read", "network:read"]


def test_openapi_document(db, client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "(DEMO)" in doc["info"]["title"]
    for path in [
        "/api/v1/health",
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/networks",
        "/api/v1/households",
        "/api/v1/households/{reference}",
    ]:
        assert path in doc["paths"], path
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_unauthorized_is_structured(db, client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ["/api/v1/bestaat-niet", "/api/v2/", "/api/v1/households/..%2F..%2Fetc"])
def test_unknown_api_path_is_a_structured_404(db, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Niet gevonden.", "details": None}}


def test_wrong_method_is_a_structured_405(db, client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_answers_with_personal_data_are_not_cached(world, client, as_user):
    api = client.get("/api/v1/households/HH-T-0001", HTTP_AUTHORIZATION=f"Bearer {world.token_a}")
    page = as_user(world.involved).get("/huishoudens/HH-T-0001/")
    for response in (api, page):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_error_messages_follow_accept_language(world, client):
    nl = client.get("/api/v1/households/HH-T-0001", HTTP_AUTHORIZATION=f"Bearer {world.token_b}").json()
    assert nl["error"]["message"] == "Niet gevonden."
    en = client.get(
        "/api/v1/households/HH-T-0001",
        HTTP_AUTHORIZATION=f"Bearer {world.token_b}",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert en["error"]["message"] == "Not found."


def test_api_docs_page_uses_local_assets(db, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.content.decode()


def test_missing_scope_is_refused_and_logged(world, client):
    from verband.sharing.models import AccessLogEntry

    response = client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {world.token_a_network_only}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    entry = AccessLogEntry.objects.get(outcome="denied")
    assert entry.object_type == "api" and entry.object_id == "households:read" and entry.channel == "api"
