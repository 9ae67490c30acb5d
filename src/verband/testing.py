"""Test personas and helpers, shared by every app's tests (see conftest.py).

The personas follow the access model: an involved professional, an uninvolved colleague in the same
organisation, a professional of another organisation, a manager, and an anonymous visitor; plus the
roles with pages of their own. The data is made with the factories of `verband.factories`; a test acts
as someone with `actor_for` (a person, as a signed-in request would) or `actor_for_token` (a partner
system), never with a hand-built `Actor`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.middleware import ACTING_MEMBERSHIP, choose_membership
from verband.accounts.models import ApiToken, User, hash_token
from verband.actors import SYSTEM, Actor
from verband.factories import (
    PASSWORD,
    HouseholdFactory,
    HouseholdMemberFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
)
from verband.households.matching import index_person
from verband.households.models import Address, Household, Person, Relation
from verband.network.models import CoverageArea, Membership, Network, Organisation, Region, Role, Team
from verband.sharing import services as sharing_services
from verband.sharing.access import actor_for_request

__all__ = [
    "PASSWORD",
    "World",
    "actor_for",
    "actor_for_token",
    "build_world",
    "confirm_likely",
    "make_member",
    "make_user",
    "sign_in",
    "sign_in_member",
]


def make_user(
    username: str, organisation: Organisation, role: str, team: Team | None = None, **extra: Any
) -> User:
    """A user with one membership (the organisation, optionally a team, a role), the test password and a
    confirmed authenticator app."""
    user = UserFactory.create(username=username, **extra)
    MembershipFactory.create(user=user, organisation=organisation, team=team, role=role)
    return user


def actor_for(who: User | Membership) -> Actor:
    """The actor of a signed-in request (`sharing.access.actor_for_request`) by this user, acting for
    the membership the middleware chooses (their first active one), or — given a membership — by its
    user acting for that membership, as after choosing it with the role switch. As in a request, the
    actor carries the membership's active networks."""
    user = who.user if isinstance(who, Membership) else who
    request = HttpRequest()
    request.user = user
    request.session = SessionBase()
    if isinstance(who, Membership):
        request.session[ACTING_MEMBERSHIP] = who.pk
    request.membership = choose_membership(request)  # type: ignore[attr-defined]
    if isinstance(who, Membership) and request.membership != who:  # type: ignore[attr-defined]
        raise ValueError(f"{user} cannot act for {who}: the membership (or its organisation) is inactive.")
    return actor_for_request(request)


def actor_for_token(token: ApiToken | str) -> Actor:
    """The actor of an API request with this token (the token, or its raw value as a partner system
    sends it)."""
    if isinstance(token, str):
        token = ApiToken.objects.select_related("organisation").get(token_hash=hash_token(token))
    request = HttpRequest()
    request.api_token = token  # type: ignore[attr-defined]
    return actor_for_request(request)


def sign_in(client: Client, user: User) -> Client:
    """Signs in as if password and one-time code were given."""
    client.force_login(user, backend="verband.accounts.backends.VerbandModelBackend")
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    assert device is not None
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def make_member(household: Household, person: Person, username: str | None = None) -> Any:
    """A member of the household with a redeemed access at the household's door (`verband.portal`): an
    account with the test password and a confirmed authenticator app, as after the invitation."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.portal.models import MemberAccess, hash_code, new_code

    user = UserFactory.create(username=username or f"thuis-{person.pk}", household_member=True)
    return MemberAccess.objects.create(
        household=household,
        person=person,
        user=user,
        code_hash=hash_code(new_code()),
        code_expires_at=timezone.now() + timedelta(days=14),
        redeemed_at=timezone.now(),
    )


def sign_in_member(client: Client, access: Any) -> Client:
    """Signs a household member in at their door, as if password and one-time code were given."""
    from verband.accounts.middleware import DOOR_SESSION

    sign_in(client, access.user)
    session = client.session
    session[DOOR_SESSION] = True
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
    region = RegionFactory.create(name="Testregio", code="test")
    org_a = OrganisationFactory.create(region=region, name="Wijkteams Testdorp", kind="neighbourhood_team")
    team_a1 = TeamFactory.create(organisation=org_a, name="Wijkteam Noord")
    team_a2 = TeamFactory.create(organisation=org_a, name="Wijkteam Zuid")
    org_b = OrganisationFactory.create(region=region, name="Politie Testdorp", kind="police")
    team_b1 = TeamFactory.create(organisation=org_b, name="Basisteam Centrum")
    network = NetworkFactory.create(region=region, name="Netwerk HG Testdorp", organisations=[org_a, org_b])
    org_vt = OrganisationFactory.create(region=region, name="Veilig Thuis Testdorp", kind="reporting_centre")
    team_vt = TeamFactory.create(organisation=org_vt, name="Team Veiligheidsbeoordeling")
    CoverageArea.objects.create(team=team_a1, postcode_from=1000, postcode_to=1049)
    CoverageArea.objects.create(team=team_a2, postcode_from=1050, postcode_to=1099)
    CoverageArea.objects.create(network=network, postcode_from=1000, postcode_to=1099)
    routing_rules(region, org_a, team_vt, team_b1)

    household = HouseholdFactory.create(reference="HH-T-0001", region=region)
    victim = PersonFactory.create(
        given_names="Anna",
        surname_prefix="van",
        family_name="Dam",
        birth_year=1990,
        birth_month=1,
        birth_day=2,
    )
    child = PersonFactory.create(given_names="Bram", surname_prefix="van", family_name="Dam")
    Address.objects.create(
        person=victim, street="Dorpsstraat", house_number="12", postcode="1012AB", city="Testdorp"
    )
    Relation.objects.create(person=victim, other=child, kind="parent_of")
    HouseholdMemberFactory.create(household=household, person=victim, role="victim")
    HouseholdMemberFactory.create(household=household, person=child, role="child")
    sharing_services.involve(
        SYSTEM, household, team=team_a1, purpose="help", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    other_household = HouseholdFactory.create(reference="HH-T-0002", region=region)
    HouseholdMemberFactory.create(
        household=other_household, person__given_names="Carla", person__family_name="Zwart", role="victim"
    )
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


def routing_rules(region: Region, wijkteams: Organisation, reporting_centre: Team, police: Team) -> None:
    """The standard rules of a region: every signal to the reporting centre and the covering network,
    children to the covering team of the neighbourhood teams, acute danger to the police, and a routing
    desk. Used by the test world and the intake benchmark."""
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


# A disclosure without consent, as a professional records it: the basis and the five questions answered
# (`verband.sharing.basis`). Tests that share a household add these to their POST.
FIVE_ANSWERS = {
    "legal_basis": "covenant",
    "q_purpose": "Samen de veiligheid van de kinderen herstellen.",
    "q_need_to_know": "Zonder dit kan het team de hulp niet afstemmen.",
    "q_subsidiarity": "Een lichtere stap is geprobeerd en werkte niet.",
    "q_proportionality": "Alleen wat nodig is voor de hulp wordt gedeeld.",
    "q_effectiveness": "Het team kan hiermee direct starten.",
    "q_without_consent": "Moeder wilde niet tekenen uit angst voor haar partner.",
}


def confirm_likely(world: World, signal: Any) -> None:
    """The reporting centre (Veilig Thuis's worker) confirms every likely match of the signal ("te
    bevestigen"): before that, nobody takes it up."""
    from verband.signals import confirmation
    from verband.signals.models import MatchState

    likely = {sp.pk: True for sp in signal.persons.filter(match_state=MatchState.LIKELY)}
    if likely:
        confirmation.decide(actor_for(world.vt), signal, likely)
