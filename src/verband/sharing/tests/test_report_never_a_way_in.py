"""A report is never a way in (issue 11, item 6): members of the reporting organisation gain no access to
a household through their own report — whichever team, network or membership takes it up — unless they
could see it before or an involved professional involves them on a recorded basis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from verband.actors import SYSTEM, Actor
from verband.households.models import Household, HouseholdMember, Person
from verband.network.models import CASEWORK_ROLES, Membership, Role, Team
from verband.sharing import services as sharing
from verband.sharing.access import (
    can_see_household,
    is_own_involvement,
    memberships_seeing,
    partner_organisations,
    visible_households,
)
from verband.sharing.models import AccessLogEntry, Involvement
from verband.signals import services as signals
from verband.signals.models import Activation, Signal
from verband.signals.tests.test_services import report_about_anna
from verband.testing import World, actor_for, actor_for_token, build_world, make_user

HH = "HH-T-0001"


def in_network(world: World, user) -> None:
    for m in user.memberships.all():
        m.networks.add(world.network)


def report_on_anna(reporter: Actor, **changes) -> Signal:
    """A report recognised as Anna's household (known before the report) and routed."""
    signal, _ = signals.receive(reporter, report_about_anna(**changes))
    victim, perpetrator = signals.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    signals.confirm_recognition(reporter, signal, {victim.pk: anna.pk, perpetrator.pk: None})
    signals.finish(signal.pk)
    signal.refresh_from_db()
    return signal


def api(client, path: str, token: str):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def police_report(world):
    """A police officer, member of the network, reports on Anna's household (known, not theirs); the
    network takes it up (its coordinator, of the neighbourhood teams) and so does Veilig Thuis."""
    agent = make_user("agent", world.org_b, Role.PROFESSIONAL, world.team_b1)
    in_network(world, agent)
    signal = report_on_anna(actor_for(agent))
    signals.accept(actor_for(world.coordinator), signal.activations.get(network=world.network))
    signals.accept(actor_for(world.vt), signal.activations.get(team=world.team_vt))
    world.agent = agent
    world.signal = signal
    return world


def test_the_reporter_in_the_network_does_not_see_what_the_network_took_up(police_report, as_user, client):
    world = police_report
    agent = actor_for(world.agent)
    assert not can_see_household(agent, world.household)
    assert as_user(world.agent).get(f"/huishoudens/{HH}/").status_code == 404
    # Their organisation's system neither: not the household, not in the list.
    assert api(client, f"/api/v1/households/{HH}", world.token_b).status_code == 404
    listed = [h["reference"] for h in api(client, "/api/v1/households", world.token_b).json()]
    assert HH not in listed
    # The network and Veilig Thuis do see it: the normal flow is untouched.
    assert can_see_household(actor_for(world.coordinator), world.household)
    assert can_see_household(actor_for(world.vt), world.household)
    assert api(client, f"/api/v1/households/{HH}", world.token_vt).status_code == 200


def test_take_up_logs_whom_the_involvement_is_closed_to(police_report):
    world = police_report
    network_involvement = Involvement.objects.get(household=world.household, network=world.network)
    assert network_involvement.excluded_organisation == world.org_b
    assert network_involvement.excluded_user == world.agent
    entries = AccessLogEntry.objects.filter(object_type="involvement_exclusion")
    assert {(e.object_id, e.username, e.subject_household_id, e.basis) for e in entries} == {
        (
            str(network_involvement.pk),
            "coordinator",
            world.household.pk,
            f"excludes:{world.org_b.pk}:{world.agent.pk}",
        ),
        (
            str(Involvement.objects.get(household=world.household, team=world.team_vt).pk),
            "vt",
            world.household.pk,
            f"excludes:{world.org_b.pk}:{world.agent.pk}",
        ),
    }
    from verband.sharing.models import basis_label

    assert "niet open voor organisatie" in str(basis_label(entries.first().basis))


def test_a_second_membership_of_the_reporter_opens_nothing(police_report, as_user):
    """The officer also works for the neighbourhood teams (in the network): acting for that membership
    they do not see it either; a colleague there does."""
    world = police_report
    second = Membership.objects.create(
        user=world.agent, organisation=world.org_a, team=world.team_a2, role=Role.PROFESSIONAL
    )
    second.networks.add(world.network)
    assert not can_see_household(actor_for(second), world.household)
    neighbour = make_user("buur", world.org_a, Role.PROFESSIONAL, world.team_a2)
    in_network(world, neighbour)
    assert can_see_household(actor_for(neighbour), world.household)
    client = as_user(world.agent)
    client.post("/rol/", {"membership": second.pk})
    assert client.get(f"/huishoudens/{HH}/").status_code == 404
    denied = AccessLogEntry.objects.filter(
        user_id=world.agent.pk, object_type="household", object_id=HH, outcome="denied"
    )
    assert denied.filter(organisation_id=world.org_a.pk).exists()


def test_a_colleague_of_the_reporter_in_another_team_does_not_see_it(police_report, as_user):
    world = police_report
    team_b2 = Team.objects.create(organisation=world.org_b, name="Basisteam Zuid")
    colleague = make_user("agent_zuid", world.org_b, Role.PROFESSIONAL, team_b2)
    in_network(world, colleague)
    assert not can_see_household(actor_for(colleague), world.household)
    assert as_user(colleague).get(f"/huishoudens/{HH}/").status_code == 404


def test_memberships_seeing_and_partners_follow_the_same_rule(police_report):
    world = police_report
    team_b2 = Team.objects.create(organisation=world.org_b, name="Basisteam Zuid")
    colleague = make_user("agent_zuid", world.org_b, Role.PROFESSIONAL, team_b2)
    in_network(world, colleague)
    neighbour = make_user("buur", world.org_a, Role.PROFESSIONAL, world.team_a2)
    in_network(world, neighbour)
    seeing = set(memberships_seeing(world.household))
    for m in Membership.objects.active():
        assert (m in seeing) == can_see_household(actor_for(m), world.household), m
    assert world.agent.memberships.get() not in seeing and colleague.memberships.get() not in seeing
    # The police work with the household only through their own report: not a partner for plan actions.
    assert world.org_b not in set(partner_organisations(world.household))
    assert world.org_a in set(partner_organisations(world.household))


def test_the_reporting_organisations_own_team_sees_it_but_not_the_reporter(world, as_user, client):
    """Acute danger: the crisis route is the reporter's own team. A colleague takes it up (four eyes);
    the team sees the household, the reporter personally does not."""
    agent = make_user("agent", world.org_b, Role.PROFESSIONAL, world.team_b1)
    signal = report_on_anna(actor_for(agent), acute_danger=True)
    crisis = signal.activations.get(team=world.team_b1)
    signals.accept(actor_for(world.other_org), crisis)
    involvement = Involvement.objects.get(household=world.household, team=world.team_b1)
    assert involvement.excluded_organisation is None and involvement.excluded_user == agent
    assert can_see_household(actor_for(world.other_org), world.household)
    assert not can_see_household(actor_for(agent), world.household)
    assert as_user(agent).get(f"/huishoudens/{HH}/").status_code == 404
    assert as_user(world.other_org).get(f"/huishoudens/{HH}/").status_code == 200
    # The team's system serves the team that has the task.
    assert api(client, f"/api/v1/households/{HH}", world.token_b).status_code == 200
    assert AccessLogEntry.objects.filter(object_type="own_report_take_up", username="other_org").exists()
    assert AccessLogEntry.objects.filter(
        object_type="involvement_exclusion", object_id=str(involvement.pk), basis=f"excludes::{agent.pk}"
    ).exists()
    assert not is_own_involvement(actor_for(agent), involvement)
    assert is_own_involvement(actor_for(world.other_org), involvement)


def test_whoever_could_see_it_before_still_does(world):
    """The neighbourhood team (Noord) works with Anna already; its worker reports. The network and Veilig
    Thuis take it up: the reporter keeps seeing it (through Noord), their colleague of Zuid in the
    network does not gain it."""
    in_network(world, world.colleague)
    signal = report_on_anna(actor_for(world.involved))
    net = signal.activations.get(network=world.network)
    police_in_network = make_user("agent", world.org_b, Role.PROFESSIONAL, world.team_b1)
    in_network(world, police_in_network)
    signals.accept(actor_for(police_in_network), net)
    signals.accept(actor_for(world.vt), signal.activations.get(team=world.team_vt))
    assert can_see_household(actor_for(world.involved), world.household)
    assert not can_see_household(actor_for(world.colleague), world.household)
    assert can_see_household(actor_for(police_in_network), world.household)
    # Noord's own activation (children: the covering team) lands on its open involvement, unchanged.
    signals.accept(actor_for(world.involved), signal.activations.get(team=world.team_a1))
    assert Involvement.objects.filter(household=world.household, team=world.team_a1).count() == 1
    assert Involvement.objects.get(household=world.household, team=world.team_a1).excluded_user is None


def test_an_explicit_handover_to_the_reporters_team_opens_it(police_report):
    """An involved professional (Veilig Thuis) refers the household to the police team; a case worker of
    that team accepts: a new, open involvement, which opens the household to the team — the reporter
    included, on that recorded basis."""
    from verband.collaboration import services as collaboration

    world = police_report
    handover = collaboration.request_handover(
        actor_for(world.vt),
        world.household,
        kind="referral",
        to_team_id=world.team_b1.pk,
        question="Wilt u de aangifte en het contact met de pleger oppakken?",
    )
    assert not can_see_household(actor_for(world.agent), world.household)
    colleague = actor_for(world.other_org)
    collaboration.accept_handover(colleague, handover)
    opened = Involvement.objects.get(household=world.household, team=world.team_b1)
    assert opened.excluded_organisation is None and opened.excluded_user is None
    assert can_see_household(actor_for(world.agent), world.household)
    # The network's involvement keeps its exclusion: nothing copied it away.
    kept = Involvement.objects.get(household=world.household, network=world.network)
    assert kept.excluded_organisation == world.org_b


def test_an_explicit_involvement_is_not_swallowed_by_a_closed_one(police_report):
    """sharing.involve for the same party and purpose without exclusions gets its own open involvement;
    asked with the same exclusions again, the closed one is returned."""
    world = police_report
    closed = Involvement.objects.get(household=world.household, network=world.network)
    again = sharing.involve(
        SYSTEM,
        world.household,
        network=world.network,
        purpose="help",
        legal_basis="covenant",
        started_on=timezone.localdate(),
        excluded_organisation=world.org_b,
        excluded_user=world.agent,
    )
    assert again == closed
    opened = sharing.involve(
        SYSTEM,
        world.household,
        network=world.network,
        purpose="help",
        legal_basis="covenant",
        started_on=timezone.localdate(),
    )
    assert opened != closed and opened.excluded_organisation is None
    assert can_see_household(actor_for(world.agent), world.household)
    # Once open, a later closed take-up for the same party and purpose changes nothing.
    assert (
        sharing.involve(
            SYSTEM,
            world.household,
            network=world.network,
            purpose="help",
            legal_basis="covenant",
            started_on=timezone.localdate(),
            excluded_organisation=world.org_b,
        )
        == opened
    )


def test_an_involvement_cannot_be_closed_to_its_own_organisation(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        sharing.involve(
            SYSTEM,
            world.household,
            team=world.team_b1,
            purpose="protection",
            legal_basis="legal_task",
            started_on=timezone.localdate(),
            excluded_organisation=world.org_b,
        )


def test_plan_actions_and_meetings_do_not_reach_the_excluded_organisation(police_report):
    """Only involvements open a household. The police organisation works with it only through its own
    report: it is not offered as owner of plan actions or agreements, nor invited to its case meetings as
    an involved partner, and none of its people are offered."""
    from verband.collaboration import meetings
    from verband.plans.services import owner_choices

    world = police_report
    organisations, people = owner_choices(world.household)
    assert world.org_b.pk not in organisations and world.agent.pk not in people
    assert world.org_b.pk not in meetings._organisations([world.household])
    assert not visible_households(actor_for(world.agent)).filter(pk=world.household.pk).exists()


def test_a_household_new_with_the_report(world):
    """Strict reading for a household the report created: the network's take-up is closed to the
    reporting organisation and the reporter; the reporter's own team taking up the crisis route sees it,
    the reporter included (there was nothing to get into, and their team has the task)."""
    agent = make_user("agent", world.org_b, Role.PROFESSIONAL, world.team_b1)
    in_network(world, agent)
    reporter = actor_for(agent)
    signal, _ = signals.receive(reporter, report_about_anna(acute_danger=True))
    victim, perpetrator = signals.recognise(signal)
    signals.confirm_recognition(reporter, signal, {victim.pk: None, perpetrator.pk: None})
    signals.finish(signal.pk)
    signal.refresh_from_db()
    household = signal.household
    signals.accept(actor_for(world.coordinator), signal.activations.get(network=world.network))
    assert not can_see_household(reporter, household)
    signals.accept(reporter, signal.activations.get(team=world.team_b1))
    assert can_see_household(reporter, household)
    own = Involvement.objects.get(household=household, team=world.team_b1)
    assert own.excluded_user is None and own.excluded_organisation is None


# --- The rule, over random combinations -------------------------------------------------------------

PARTIES = ["network", "team_a1", "team_a2", "team_b1", "team_vt"]
TEAMS = {"a": ["team_a1", "team_a2"], "b": ["team_b1"], "vt": ["team_vt"]}
ORGS = {"a": "org_a", "b": "org_b", "vt": "org_vt"}


@st.composite
def cases(draw):
    org = draw(st.sampled_from(["a", "b", "vt"]))
    return {
        "org": org,
        "team": draw(st.sampled_from(TEAMS[org])),
        "reporter_in_network": draw(st.booleans()),
        "second": draw(st.sampled_from([None, "a", "b", "vt"])),
        "second_in_network": draw(st.booleans()),
        "party": draw(st.sampled_from(PARTIES)),
        "known": draw(st.booleans()),
        # Who could see it before the take-up: nobody, the reporter's team, or the network (open).
        "prior": draw(st.sampled_from([None, "reporter_team", "network", "other_team"])),
    }


class ReportIsNeverAWayIn(TestCase):
    """For any reporting organisation, taking party, second membership and prior visibility: after the
    take-up, a membership of the reporter or of the reporting organisation sees the household only if it
    could before, or it is in the taking team of the reporting organisation (the reporter personally only
    on a household new with the report); everyone else covered by the taking party sees it; the reporting
    organisation's system likewise; and `memberships_seeing` agrees with `can_see_household`."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()  # once; each example runs in a savepoint that rolls back

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=cases())
    def test_rule(self, case):
        world = self.world
        org = getattr(world, ORGS[case["org"]])
        reporter = make_user("melder", org, Role.PROFESSIONAL, getattr(world, case["team"]))
        if case["reporter_in_network"]:
            in_network(world, reporter)
        if case["second"] is not None:
            other = getattr(world, ORGS[case["second"]])
            second = Membership.objects.create(
                user=reporter,
                organisation=other,
                team=getattr(world, TEAMS[case["second"]][-1]),
                role=Role.LINE_MANAGER,
            )
            if case["second_in_network"]:
                second.networks.add(world.network)
        # Others, one of each kind: a network member per organisation, a worker per team.
        for name in ("a1", "a2", "b1", "vt"):
            team = getattr(world, f"team_{name}")
            make_user(f"werker_{name}", team.organisation, Role.PROFESSIONAL, team)
            netter = make_user(f"netwerker_{name}", team.organisation, Role.PROFESSIONAL, team)
            if name != "vt":
                in_network(world, netter)

        household = Household.objects.create(reference="HH-P-0001", region=world.region)
        HouseholdMember.objects.create(
            household=household, person=Person.objects.create(family_name="X"), role="victim"
        )
        day = timezone.localdate() - timedelta(days=3)
        if case["prior"] == "reporter_team":
            sharing.involve(SYSTEM, household, team=getattr(world, case["team"]), purpose="help",
                            legal_basis="consent", started_on=day)  # fmt: skip
        elif case["prior"] == "network":
            sharing.involve(SYSTEM, household, network=world.network, purpose="monitoring",
                            legal_basis="covenant", started_on=day)  # fmt: skip
        elif case["prior"] == "other_team":
            sharing.involve(SYSTEM, household, team=world.team_vt, purpose="monitoring",
                            legal_basis="legal_task", started_on=day)  # fmt: skip
        offset = timedelta(minutes=5)
        signal = Signal.objects.create(
            region=world.region, kind="report", description="x", source_organisation=org, source_user=reporter,
            household=household, status="routed", reference="SG-P-0001",
            received_at=household.created_at + (offset if case["known"] else -offset),
        )  # fmt: skip
        party = case["party"]
        team = None if party == "network" else getattr(world, party)
        activation = Activation.objects.create(
            signal=signal, household=household, team=team, network=world.network if team is None else None,
            purpose="help", reason="r", norm_working_days=2, due_on=timezone.localdate() + timedelta(days=5),
        )  # fmt: skip

        memberships = list(Membership.objects.active().select_related("user", "organisation", "team"))
        tokens = [world.token_a, world.token_b, world.token_vt]
        before = {m.pk: can_see_household(actor_for(m), household) for m in memberships}
        before_tokens = {t: can_see_household(actor_for_token(t), household) for t in tokens}

        taker_name = "netwerker_a1" if team is None else f"werker_{party.removeprefix('team_')}"
        taker = Membership.objects.get(user__username=taker_name)
        signals.accept(actor_for(taker), activation)

        reporters_team = team is not None and team.organisation_id == org.pk
        seeing = set(memberships_seeing(household))
        for m in memberships:
            after = can_see_household(actor_for(m), household)
            assert (m in seeing) == after, (case, m)
            covered = (
                m.team_id == team.pk if team is not None else world.network.pk in actor_for(m).network_ids
            )
            covered = covered and m.role in CASEWORK_ROLES
            if m.user_id == reporter.pk:
                allowed = reporters_team and not case["known"] and covered
                assert after == (before[m.pk] or allowed), (case, m)
            elif m.organisation_id == org.pk:
                assert after == (before[m.pk] or (reporters_team and covered)), (case, m)
            else:
                assert after == (before[m.pk] or covered), (case, m)
        for raw in tokens:
            token = actor_for_token(raw)
            after = can_see_household(token, household)
            if token.organisation == org:
                assert after == (before_tokens[raw] or reporters_team), (case, raw)
            else:
                own_team = team is not None and team.organisation_id == token.organisation.pk
                assert after == (before_tokens[raw] or own_team), (case, raw)
        closed = Involvement.objects.filter(household=household).exclude(
            excluded_organisation=None, excluded_user=None
        )
        assert AccessLogEntry.objects.filter(object_type="involvement_exclusion").count() == closed.count()
