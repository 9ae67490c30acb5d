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
from verband.households.models import Household, HouseholdMember, Person
from verband.network.models import Membership, Network, Organisation, Region, Role, Team
from verband.sharing import services as sharing_services
from verband.sharing.access import SYSTEM

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
        token_b=_token(org_b, "Systeem B", ["network:read", "households:read"]),
        token_a_network_only=_token(org_a, "Systeem A beperkt", ["network:read"]),
    )
