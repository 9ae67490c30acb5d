"""The statutory feedback and the follow-up of a signal, read as the person the victim fears: a partner who
works only with one member (probation with the father) and a reporter must not learn through the page or
the API who protects her, nor that a shelter took her in."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from verband.accounts.models import ApiScope, ApiToken
from verband.actors import SYSTEM
from verband.network.models import Organisation, Role, Team
from verband.sharing import services as sharing_services
from verband.shielding.members import scope_involvement
from verband.signals import feedback
from verband.signals.models import ActivationStatus, FollowUp
from verband.signals.tests.test_statutory_feedback import SHELTER, reported, signal_page  # noqa: F401
from verband.testing import actor_for, make_user

pytestmark = pytest.mark.django_db


def _token(organisation: Organisation) -> str:
    token = ApiToken(organisation=organisation, name="Eigen systeem", scopes=[ApiScope.SIGNALS_WRITE])
    raw = token.set_token()
    token.save()
    return raw


def test_a_partner_working_only_with_one_member_reads_no_follow_up_through_the_api(reported, client):  # noqa: F811
    """Probation works with Bram only (member-scoped): its signal page is the minimal one, without who took
    the signal up and without the reporter's feedback — the API answers the same."""
    world = reported
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    probation = Organisation.objects.create(
        region=world.region, name="Reclassering Testdorp", kind="probation"
    )
    team = Team.objects.create(organisation=probation, name="Reclassering Team Zuid")
    involvement = sharing_services.involve(
        SYSTEM, world.household, team=team, purpose="criminal_justice", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    bram = world.household.members.get(person__given_names="Bram").person
    scope_involvement(involvement, [bram.pk])
    response = client.get(
        f"/api/v1/signals/{world.signal.reference}", HTTP_AUTHORIZATION=f"Bearer {_token(probation)}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["feedback"] == [] and body["taken_up_by"] == []
    assert "Wijkteams Testdorp" not in response.content.decode()
    assert "Veilig Thuis" not in response.content.decode()


def test_a_shelter_that_took_the_signal_up_is_not_named_to_the_reporter(reported, as_user, client):  # noqa: F811
    """The routing desk sent the signal on to a shelter's team, which took it up: the reporter (the police
    officer) reads that a partner took it up, never the shelter's name (it is where she is)."""
    world = reported
    shelter = Organisation.objects.create(region=world.region, name=SHELTER, kind="shelter")
    team = Team.objects.create(organisation=shelter, name="Opvang Geheimstad")
    worker = make_user("opvang", shelter, Role.PROFESSIONAL, team)
    world.signal.activations.create(
        household=world.household, team=team, purpose="help", reason="Doorgezet", norm_working_days=2,
        due_on=date(2026, 12, 31), status=ActivationStatus.ACCEPTED, decided_at=timezone.now(),
        decided_by=worker,
    )  # fmt: skip
    page = signal_page(as_user(world.other_org), world.signal)
    assert "Veilig Thuis Testdorp" in page  # the other partner that took it up is still named
    assert "Geheimstad" not in page and "opvang" not in page.lower()
    token = _token(world.org_b)
    response = client.get(f"/api/v1/signals/{world.signal.reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "Geheimstad" not in response.content.decode()
    assert len(response.json()["taken_up_by"]) == 3


def test_the_reporters_system_reads_no_network_or_team_name(reported, client):  # noqa: F811
    """The reporter's page says "the regional network took it up" and names organisations, never a team or
    a network (their names are districts); the reporter's system reads the same."""
    world = reported
    response = client.get(
        f"/api/v1/signals/{world.signal.reference}", HTTP_AUTHORIZATION=f"Bearer {_token(world.org_b)}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Netwerk HG Testdorp" not in text and "Team Veiligheidsbeoordeling" not in text
    assert {t["organisation"] for t in response.json()["taken_up_by"]} == {
        "Het regionale netwerk",
        "Veilig Thuis Testdorp",
    }
