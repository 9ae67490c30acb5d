"""Test personas and helpers, shared by every app's tests (see conftest.py).

The personas follow the access model: an involved professional, an uninvolved colleague in the same
organisation, a professional of another organisation, a manager, and an anonymous visitor; plus the
roles with pages of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import ApiToken, User
from verband.actors import SYSTEM
from verband.households.matching import index_person
from verband.households.models import Address, Household, HouseholdMember, Person, Relation
from verband.network.models import CoverageArea, Membership, Network, Organisation, Region, Role, Team
from verband.sharing import services as sharing_services

PASSWORD = "Een-lang-test-wachtwoord-42"  # noqa: S105


def make_user(
    username: str, organisation: Organisation, role: str, team: Team | None = None, **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), last_name="Test", **extra
    )
    Membership.objects.create(user=user, organisation=organisation, team=team, role=role)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def sign_in(client: Client, user: User) -> Client:
    """Signs in as if password and one-time code were given."""
    client.force_login(user, backend="verband.accounts.backends.VerbandModelBackend")
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    assert device is not None
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class World:
    region: Region
    org_a: Organisation
    team_a1: Team
    team_a2: Team
    org_b: Organisation
    team_b1: Team
    network: Network
    household: Household
    other_household: Household
    involved: User
    colleague: User
    other_org: User
    manager: User
    executive: User
    privacy_officer: User
    admin: User
    coordinator: User
    token_a: str
    token_b: str
    token_a_network_only: str
    org_vt: Organisation
    team_vt: Team
    vt: User
    token_vt: str

    def personas(self) -> dict[str, User | None]:
        return {
            "involved": self.involved,
            "colleague": self.colleague,
            "other_org": self.other_org,
            "manager": self.manager,
            "anonymous": None,
        }


def _token(organisation: Organisation, name: str, scopes: list[str]) -> str:
    token = ApiToken(organisation=organisation, name=name, scopes=scopes)
    raw = token.set_token()
    token.save()
    return raw


def build_world() -> World:
    region = Region.objects.create(name="Testregio", code="test")
    org_a = Organisation.objects.create(region=region, name="Wijkteams Testdorp", kind="neighbourhood_team")
    team_a1 = Team.objects.create(organisation=org_a, name="Wijkteam Noord")
    team_a2 = Team.objects.create(organisation=org_a, name="Wijkteam Zuid")
    org_b = Organisation.objects.create(region=region, name="Politie Testdorp", kind="police")
    team_b1 = Team.objects.create(organisation=org_b, name="Basisteam Centrum")
    network = Network.objects.create(region=region, name="Netwerk HG Testdorp")
    network.organisations.set([org_a, org_b])
    org_vt = Organisation.objects.create(region=region, name="Veilig Thuis Testdorp", kind="reporting_centre")
    team_vt = Team.objects.create(organisation=org_vt, name="Team Veiligheidsbeoordeling")
    CoverageArea.objects.create(team=team_a1, postcode_from=1000, postcode_to=1049)
    CoverageArea.objects.create(team=team_a2, postcode_from=1050, postcode_to=1099)
    CoverageArea.objects.create(network=network, postcode_from=1000, postcode_to=1099)
    _routing_rules(region, org_a, team_vt, team_b1)

    household = Household.objects.create(reference="HH-T-0001", region=region)
    victim = Person.objects.create(
        given_names="Anna",
        surname_prefix="van",
        family_name="Dam",
        birth_year=1990,
        birth_month=1,
        birth_day=2,
    )
    child = Person.objects.create(given_names="Bram", surname_prefix="van", family_name="Dam")
    Address.objects.create(
        person=victim, street="Dorpsstraat", house_number="12", postcode="1012AB", city="Testdorp"
    )
    Relation.objects.create(person=victim, other=child, kind="parent_of")
    HouseholdMember.objects.create(household=household, person=victim, role="victim")
    HouseholdMember.objects.create(household=household, person=child, role="child")
    sharing_services.involve(
        SYSTEM, household, team=team_a1, purpose="help", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    other_household = Household.objects.create(reference="HH-T-0002", region=region)
    stranger = Person.objects.create(given_names="Carla", family_name="Zwart")
    HouseholdMember.objects.create(household=other_household, person=stranger, role="victim")
    sharing_services.involve(
        SYSTEM,
        other_household,
        team=team_b1,
        purpose="criminal_justice",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )

    for person in Person.objects.all():
        index_person(person)

    coordinator = make_user("coordinator", org_a, Role.NETWORK_COORDINATOR)
    coordinator.memberships.get().networks.add(network)
    return World(
        region=region,
        org_a=org_a,
        team_a1=team_a1,
        team_a2=team_a2,
        org_b=org_b,
        team_b1=team_b1,
        network=network,
        household=household,
        other_household=other_household,
        involved=make_user("involved", org_a, Role.PROFESSIONAL, team_a1),
        colleague=make_user("colleague", org_a, Role.PROFESSIONAL, team_a2),
        other_org=make_user("other_org", org_b, Role.PROFESSIONAL, team_b1),
        manager=make_user("manager", org_a, Role.MANAGER),
        executive=make_user("executive", org_a, Role.EXECUTIVE),
        privacy_officer=make_user("privacy", org_a, Role.PRIVACY_OFFICER),
        admin=make_user("beheer", org_a, Role.FUNCTIONAL_ADMIN, is_staff=True),
        coordinator=coordinator,
        token_a=_token(org_a, "Systeem A", ["network:read", "households:read"]),
        token_b=_token(
            org_b, "Systeem B", ["network:read", "households:read", "safety:write", "plans:write"]
        ),
        token_a_network_only=_token(org_a, "Systeem A beperkt", ["network:read"]),
        org_vt=org_vt,
        team_vt=team_vt,
        vt=make_user("vt", org_vt, Role.PROFESSIONAL, team_vt),
        token_vt=_token(
            org_vt,
            "VT-systeem",
            ["network:read", "households:read", "signals:write", "safety:write", "plans:write"],
        ),
    )


def _routing_rules(region: Region, wijkteams: Organisation, reporting_centre: Team, police: Team) -> None:
    from verband.signals.models import RoutingRule

    common = {"region": region}
    RoutingRule.objects.create(
        **common, name="Elke melding: veiligheidsbeoordeling", condition="every", target="fixed",
        team=reporting_centre, purpose="safety_assessment", norm_working_days=5, order=1,
    )  # fmt: skip
    RoutingRule.objects.create(
        **common, name="Elke melding: netwerk voor hulp", condition="every", target="covering_network",
        purpose="help", norm_working_days=2, order=2,
    )  # fmt: skip
    RoutingRule.objects.create(
        **common, name="Kinderen: wijkteam", condition="children", target="covering_team",
        organisation=wijkteams, purpose="help", norm_working_days=2, order=3,
    )  # fmt: skip
    RoutingRule.objects.create(
        **common, name="Acuut gevaar: crisisroute", condition="acute", target="fixed", team=police,
        purpose="protection", norm_working_days=0, urgent=True, order=4,
    )  # fmt: skip
    RoutingRule.objects.create(
        **common, name="Routeringsdesk", condition="fallback", target="fixed", team=reporting_centre,
        purpose="safety_assessment", norm_working_days=1, order=9,
    )  # fmt: skip
