"""Health, token info, the OpenAPI document, structured errors and the demo marker."""


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


def test_unknown_api_path_is_404(db, client):
    assert client.get("/api/v1/bestaat-niet").status_code == 404


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
