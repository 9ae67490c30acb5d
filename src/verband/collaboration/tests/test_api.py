"""The API exposes handovers, help, meetings and escalations of households the token's organisation is
involved with; anything else is 404; every answer is logged."""

from datetime import date

import pytest

from verband.escalation import lifecycle as escalation
from verband.escalation.tests.test_engine import ask_shelter, at, shelter  # noqa: F401 - fixture
from verband.sharing.models import AccessLogEntry
from verband.testing import build_world  # noqa: F401

PATHS = ["handovers", "help", "escalations", "meetings"]


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("path", PATHS)
def test_involved_organisation_reads_and_others_get_404(shelter, client, path):  # noqa: F811
    w = shelter
    ask_shelter(w)
    with at(date(2026, 4, 29)):
        escalation.sweep()
    ref = w.household.reference
    involved = client.get(f"/api/v1/households/{ref}/{path}", **auth(w.token_b))  # police are involved
    assert involved.status_code == 200
    if path in ("handovers", "escalations"):
        assert len(involved.json()) == 1
    assert AccessLogEntry.objects.filter(token_id__isnull=False, subject_household_id=w.household.pk).exists()
    other = client.get(f"/api/v1/households/{w.other_household.reference}/{path}", **auth(w.token_vt))
    assert other.status_code == 404
    assert client.get(f"/api/v1/households/{ref}/{path}").status_code == 401
    assert client.get(f"/api/v1/households/{ref}/{path}", **auth(w.token_a_network_only)).status_code == 403


def test_incoming_handovers_for_the_organisation(shelter, client):  # noqa: F811
    w = shelter
    from verband.accounts.models import ApiToken

    token = ApiToken(organisation=w.team_shelter.organisation, name="Opvang", scopes=["households:read"])
    raw = token.set_token()
    token.save()
    handover = ask_shelter(w)
    rows = client.get("/api/v1/handovers/incoming", **auth(raw)).json()
    assert [r["id"] for r in rows] == [handover.pk]
    assert "question" not in rows[0]  # the question waits for a professional's acceptance
    assert client.get("/api/v1/handovers/incoming", **auth(w.token_b)).json() == []


def test_openapi_lists_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in PATHS:
        assert f"/api/v1/households/{{reference}}/{path}" in paths
    assert "/api/v1/handovers/incoming" in paths
