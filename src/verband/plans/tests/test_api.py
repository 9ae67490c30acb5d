"""Assessments, plans, actions and regie over the API: the same access core, the same validation, the
same access log as the pages."""

from datetime import date

import pytest

from verband.plans import regie, services
from verband.plans.models import PlanAction
from verband.safety.models import DangerFact, SafetyAssessment
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def plan(partners):
    world = partners
    members = dict(world.household.members.values_list("role", "person_id"))
    data = services.PlanInput(
        household_wishes="Rust in huis",
        goals=[services.GoalInput("Veilig thuis", members["victim"])],
        actions=[
            services.ActionInput("Gevaarsbeoordeling", world.org_b.pk, date(2026, 12, 5)),
            services.ActionInput("Veiligheidsplan", world.org_vt.pk, date(2026, 12, 1)),
        ],
    )
    return services.save_plan(actor_for(world.involved), world.household, data, 0)


def test_openapi_lists_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/households/{reference}/safety",
        "/api/v1/households/{reference}/assessments",
        "/api/v1/households/{reference}/danger-facts",
        "/api/v1/households/{reference}/plan",
        "/api/v1/actions",
        "/api/v1/actions/{action_id}",
        "/api/v1/households/{reference}/regie",
    ):
        assert path in paths, path


def test_post_assessment_and_read_it_back(partners, client):
    world = partners
    members = dict(world.household.members.values_list("role", "person_id"))
    body = {
        "acute": False,
        "structural": True,
        "phase": "direct",
        "profiles": ["intimate_terror"],
        "scores": [{"person_id": members["victim"], "professional": 4, "own": 3}],
        "danger": [{"kind": "weapon", "detail": "vuurwapen"}],
    }
    ref = world.household.reference
    response = client.post(
        f"/api/v1/households/{ref}/assessments", body, content_type="application/json", **auth(world.token_vt)
    )
    assert response.status_code == 201, response.content
    assert response.json()["assessed_by"] == "VT-systeem"
    safety = client.get(f"/api/v1/households/{ref}/safety", **auth(world.token_vt)).json()
    assert safety["danger"][0]["kind"] == "weapon"
    assert safety["assessments"][0]["scores"] == [
        {"person_id": members["victim"], "professional": 4, "own": 3}
    ]
    assert AccessLogEntry.objects.filter(channel="api", object_type="safety", action="view").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"phase": "fase-9"},
        {"profiles": ["x"]},
        {"scores": [{"person_id": 999999, "professional": 4}]},
        {"acute": True, "phase": "recovery"},
    ],
)
def test_bad_assessment_is_422_and_writes_nothing(partners, client, changes):
    world = partners
    body = {"acute": False, "structural": False, "phase": "direct", **changes}
    response = client.post(
        f"/api/v1/households/{world.household.reference}/assessments",
        body,
        content_type="application/json",
        **auth(world.token_vt),
    )
    assert response.status_code == 422
    assert not SafetyAssessment.objects.exists()


def test_uninvolved_organisation_gets_404_everywhere(world, client):
    ref = world.household.reference  # world without partners: organisation B is not involved
    for path in ("safety", "plan", "regie"):
        assert client.get(f"/api/v1/households/{ref}/{path}", **auth(world.token_b)).status_code == 404
    body = {"kind": "weapon"}
    response = client.post(
        f"/api/v1/households/{ref}/danger-facts", body, content_type="application/json", **auth(world.token_b)
    )
    assert response.status_code == 404
    assert not DangerFact.objects.exists()
    assert AccessLogEntry.objects.filter(channel="api", outcome="denied").count() >= 4


def test_scopes_are_required(partners, client):
    world = partners
    ref = world.household.reference
    response = client.post(
        f"/api/v1/households/{ref}/danger-facts",
        {"kind": "weapon"},
        content_type="application/json",
        **auth(world.token_a),
    )
    assert response.status_code == 403


def test_plan_and_actions(plan, partners, client):
    world = partners
    ref = world.household.reference
    body = client.get(f"/api/v1/households/{ref}/plan", **auth(world.token_b)).json()
    assert body["version"] == 1 and len(body["actions"]) == 2 and body["household_wishes"] == "Rust in huis"
    mine = client.get("/api/v1/actions", **auth(world.token_b)).json()
    assert [a["text"] for a in mine] == ["Gevaarsbeoordeling"]
    action = PlanAction.objects.get(text="Gevaarsbeoordeling")
    other = PlanAction.objects.get(text="Veiligheidsplan")
    patch = client.patch(
        f"/api/v1/actions/{action.pk}",
        {"status": "done"},
        content_type="application/json",
        **auth(world.token_b),
    )
    assert patch.status_code == 200 and patch.json()["status"] == "done"
    # Another organisation's action is not found; a wrong status is refused.
    assert (
        client.patch(
            f"/api/v1/actions/{other.pk}",
            {"status": "done"},
            content_type="application/json",
            **auth(world.token_b),
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/actions/{action.pk}",
            {"status": "weg"},
            content_type="application/json",
            **auth(world.token_b),
        ).status_code
        == 422
    )
    assert client.patch(
        f"/api/v1/actions/{2**63}", {"status": "done"}, content_type="application/json", **auth(world.token_b)
    ).status_code in (404, 422)


def test_regie_over_the_api(partners, client):
    world = partners
    ref = world.household.reference
    assert client.get(f"/api/v1/households/{ref}/regie", **auth(world.token_vt)).json()["regisseur"] is None
    transfer = regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    assert client.get(f"/api/v1/households/{ref}/regie", **auth(world.token_vt)).json()["pending_to"]
    regie.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    body = client.get(f"/api/v1/households/{ref}/regie", **auth(world.token_vt)).json()
    assert body["regisseur"] == world.vt.display_name and body["mandated_by"] == world.lm_vt.display_name
    assert len(body["history"]) == 1


def test_lone_surrogates_are_422_not_500(partners, client):
    world = partners
    ref = world.household.reference
    for path, raw in (
        ("assessments", '{"acute": false, "structural": false, "phase": "stable", "summary": "\\ud800"}'),
        ("danger-facts", '{"kind": "other", "detail": "\\ud800"}'),
    ):
        response = client.post(
            f"/api/v1/households/{ref}/{path}", raw, content_type="application/json", **auth(world.token_vt)
        )
        assert response.status_code == 422, response.content
    signal = client.post(
        "/api/v1/signals",
        '{"kind": "advice", "description": "\\ud800", "persons": []}',
        content_type="application/json",
        **auth(world.token_vt),
    )
    assert signal.status_code in (400, 422)
    assert not DangerFact.objects.exists() and not SafetyAssessment.objects.exists()
