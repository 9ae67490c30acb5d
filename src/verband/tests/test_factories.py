"""The factories make valid objects that hang together, and the shared helpers act as a request would."""

import pytest
from django.test import Client

from verband.accounts.models import ApiToken
from verband.actors import Channel
from verband.factories import (
    ActivationFactory,
    AddressFactory,
    FamilyPlanFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    MembershipFactory,
    NetworkFactory,
    TeamFactory,
)
from verband.network.models import Network, Role
from verband.sharing.access import can_see_household
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, actor_for_token, sign_in


def test_every_factory_makes_a_valid_object(db):
    made = [
        MembershipFactory(),
        AddressFactory(),
        HouseholdMemberFactory(),
        InvolvementFactory(),
        ActivationFactory(),
        FamilyPlanFactory(),
        NetworkFactory(),
    ]
    for obj in made:
        obj.full_clean()


def test_a_membership_in_a_team_belongs_to_the_teams_organisation(db):
    team = TeamFactory()
    assert MembershipFactory(team=team).organisation == team.organisation
    assert MembershipFactory().team is None


def test_an_activation_is_for_its_signals_household(db):
    activation = ActivationFactory()
    assert activation.household == activation.signal.household is not None
    assert activation.household.region == activation.signal.region


def test_an_involvement_is_made_as_verband_makes_one(db):
    """Through `sharing.services.involve`: validated, in the access log, and the household opens to the
    team."""
    member = HouseholdMemberFactory()
    membership = MembershipFactory(role=Role.PROFESSIONAL, team=TeamFactory())
    involvement = InvolvementFactory(household=member.household, team=membership.team)
    assert AccessLogEntry.objects.filter(
        object_type="involvement", object_id=str(involvement.pk), subject_household_id=member.household.pk
    ).exists()
    assert involvement.organisation == membership.organisation
    assert can_see_household(actor_for(membership.user), member.household)


def test_a_household_has_one_plan(db):
    plan = FamilyPlanFactory(household_wishes="Rust in huis")
    again = FamilyPlanFactory(household=plan.household, household_wishes="Rust")
    assert again.pk == plan.pk and again.household_wishes == "Rust"


def test_a_factory_user_signs_in_with_both_steps(db):
    user = MembershipFactory().user
    client = sign_in(Client(), user)
    assert client.get("/mijn-werk/").status_code == 200


def test_actor_for_acts_as_the_request_would(db, world, as_user):
    """The membership the middleware chooses, with its active networks (an inactive network is left
    out); given a membership: that one, as after the role switch."""
    coordinator = world.coordinator.memberships.get()
    closed = Network.objects.create(region=world.region, name="Gesloten netwerk", active=False)
    coordinator.networks.add(closed)
    actor = actor_for(world.coordinator)
    assert (actor.channel, actor.user, actor.membership) == (Channel.WEB, world.coordinator, coordinator)
    assert actor.organisation == world.org_a and actor.network_ids == {world.network.pk}
    second = MembershipFactory(user=world.involved, team=world.team_b1)
    assert actor_for(world.involved).membership == world.involved.memberships.order_by("pk").first()
    assert actor_for(second).membership == second and actor_for(second).organisation == world.org_b
    second.active = False
    second.save()
    with pytest.raises(ValueError):  # no request acts for an ended membership
        actor_for(second)


def test_actor_for_token_acts_as_the_partner_system(world):
    actor = actor_for_token(world.token_b)
    assert actor.channel == Channel.API and actor.organisation == world.org_b
    assert actor_for_token(actor.token) == actor and isinstance(actor.token, ApiToken)
