"""The reporter keeps the statutory feedback — who took it up — and nothing more (issue 11, item 6): not
through the network their organisation belongs to, not through a second membership, not through their
own team taking it up on a known household. Persona tests for the pages this touches."""

import re

import pytest

from verband.actors import Actor
from verband.households.models import Person
from verband.network.models import Membership, Role
from verband.sharing.access import can_see_household
from verband.sharing.models import AccessLogEntry
from verband.signals import services
from verband.signals.tests.test_services import report_about_anna
from verband.testing import actor_for, make_user

PERSONAS = ["involved", "colleague", "other_org", "manager", "anonymous"]
HH = "HH-T-0001"


def report_on_anna(reporter: Actor, **changes):
    signal, _ = services.receive(reporter, report_about_anna(**changes))
    victim, perpetrator = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    services.confirm_recognition(reporter, signal, {victim.pk: anna.pk, perpetrator.pk: None})
    services.finish(signal.pk)
    signal.refresh_from_db()
    return signal


def taken_up(world, signal):
    services.accept(actor_for(world.coordinator), signal.activations.get(network=world.network))
    services.accept(actor_for(world.vt), signal.activations.get(team=world.team_vt))


def without_tokens(html: str) -> str:
    """The page without its random CSRF token values (a token can contain "Ana" by chance)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def assert_feedback_only(response, signal):
    body = without_tokens(response.content.decode())
    assert response.status_code == 200
    assert "Het regionale netwerk heeft het op" in body and "Veilig Thuis Testdorp heeft het op" in body
    # Organisations, not teams or networks: a team's name is its district.
    assert "Team Veiligheidsbeoordeling" not in body and "Netwerk HG Testdorp" not in body
    # No link to any household (the menu's caseload list, /huishoudens/ itself, is no household).
    assert HH not in body and not re.search(r'href="/huishoudens/[^"]', body)
    for secret in ("Ana", "Vos", "geschreeuw"):
        assert secret not in body
    entry = AccessLogEntry.objects.filter(object_id=signal.reference).order_by("-pk").first()
    assert entry.object_type == "signal_feedback" and entry.subject_household_id is None


@pytest.fixture
def reported(world):
    """The police officer (other_org), member of the network, reported on Anna's household; the network
    and Veilig Thuis took it up."""
    world.other_org.memberships.get().networks.add(world.network)
    signal = report_on_anna(actor_for(world.other_org))
    taken_up(world, signal)
    world.signal = signal
    return world


def test_a_reporter_outside_the_network_sees_who_took_it_up_and_nothing_more(world, as_user):
    signal = report_on_anna(actor_for(world.other_org))
    taken_up(world, signal)
    assert_feedback_only(as_user(world.other_org).get(f"/meldingen/{signal.reference}/"), signal)


def test_a_reporter_in_the_network_sees_who_took_it_up_and_nothing_more(reported, as_user):
    world = reported
    assert not can_see_household(actor_for(world.other_org), world.household)
    assert_feedback_only(as_user(world.other_org).get(f"/meldingen/{world.signal.reference}/"), world.signal)


def test_a_reporter_with_a_second_membership_sees_who_took_it_up_and_nothing_more(world, as_user):
    """The reporter is also a neighbourhood-team worker in the network (Zuid): acting for that membership
    the household stays closed; acting for the police, the signal page is the feedback."""
    second = Membership.objects.create(
        user=world.other_org, organisation=world.org_a, team=world.team_a2, role=Role.PROFESSIONAL
    )
    second.networks.add(world.network)
    signal = report_on_anna(actor_for(world.other_org.memberships.get(organisation=world.org_b)))
    taken_up(world, signal)
    assert not can_see_household(actor_for(second), world.household)
    client = as_user(world.other_org)
    client.post("/rol/", {"membership": second.pk})
    assert client.get(f"/huishoudens/{HH}/").status_code == 404
    client.post("/rol/", {"membership": world.other_org.memberships.get(organisation=world.org_b).pk})
    assert client.get(f"/huishoudens/{HH}/").status_code == 404
    assert_feedback_only(client.get(f"/meldingen/{signal.reference}/"), signal)


def test_the_reporter_in_the_taking_team_sees_who_took_it_up_and_nothing_more(world, as_user):
    """Acute danger on a known household: the crisis route is the reporter's own team, a colleague takes
    it up. The team sees the household; the reporter personally keeps the feedback only."""
    agent = make_user("agent", world.org_b, Role.PROFESSIONAL, world.team_b1)
    signal = report_on_anna(actor_for(agent), acute_danger=True)
    services.accept(actor_for(world.other_org), signal.activations.get(team=world.team_b1))
    client = as_user(agent)
    assert client.get(f"/huishoudens/{HH}/").status_code == 404
    body = without_tokens(client.get(f"/meldingen/{signal.reference}/").content.decode())
    assert HH not in body and "Vos" not in body


@pytest.mark.parametrize("persona", PERSONAS)
def test_household_page_per_persona(reported, as_user, persona):
    world = reported
    response = as_user(world.personas()[persona]).get(f"/huishoudens/{HH}/")
    # involved: Wijkteam Noord worked with Anna before; other_org: the reporter, in the network.
    expected = {"involved": 200, "colleague": 404, "other_org": 404, "manager": 403, "anonymous": 302}
    assert response.status_code == expected[persona]
    if persona in ("colleague", "other_org"):
        user = world.personas()[persona]
        assert AccessLogEntry.objects.filter(
            user_id=user.pk, object_type="household", object_id=HH, outcome="denied"
        ).exists()


@pytest.mark.parametrize(
    "persona",
    [
        "involved",
        "colleague",
        "other_org",
        "manager",
        "anonymous",
    ],
)
def test_signal_page_per_persona(reported, as_user, persona):
    world = reported
    response = as_user(world.personas()[persona]).get(f"/meldingen/{world.signal.reference}/")
    # involved: Noord's own (children) activation and the household it sees: the whole signal.
    expected = {"involved": 200, "colleague": 404, "other_org": 200, "manager": 403, "anonymous": 302}
    assert response.status_code == expected[persona]
    if persona == "involved":
        assert HH in response.content.decode()
    if persona == "other_org":
        assert_feedback_only(response, world.signal)


@pytest.mark.parametrize(
    ("token", "status"),
    [("token_a", 200), ("token_b", 404), ("token_vt", 200), ("token_a_network_only", 403), (None, 401)],
)
def test_api_household_per_token(reported, client, token, status):
    """token_b is the reporting police organisation's system: the network's and Veilig Thuis' take-up do
    not open the household to it."""
    world = reported
    headers = {"HTTP_AUTHORIZATION": f"Bearer {getattr(world, token)}"} if token else {}
    response = client.get(f"/api/v1/households/{HH}", **headers)
    assert response.status_code == status
    listed = client.get("/api/v1/households", **headers)
    if status == 200:
        assert listed.json()[0]["reference"] == HH or HH in [h["reference"] for h in listed.json()]
    elif token == "token_b":
        assert HH not in [h["reference"] for h in listed.json()]
        assert "Anna" not in response.content.decode()
