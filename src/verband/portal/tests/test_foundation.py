"""A household member acts at their door as an actor of channel "household", and the access log says so."""

from __future__ import annotations

import pytest
from django.http import HttpRequest

from verband.actors import Channel
from verband.factories import HouseholdMemberFactory
from verband.sharing.access import actor_for_request, involvement_scope
from verband.sharing.accesslog import record
from verband.sharing.models import AccessLogEntry
from verband.testing import make_member

pytestmark = pytest.mark.django_db


def test_a_member_acts_on_the_household_channel(world):
    member = HouseholdMemberFactory.create(household=world.household)
    access = make_member(world.household, member.person)
    request = HttpRequest()
    request.user = access.user
    request.member_access = access
    actor = actor_for_request(request)
    assert actor.channel == Channel.HOUSEHOLD
    assert actor.role == "household_member"
    assert (actor.household_id, actor.person_id) == (world.household.pk, member.person_id)
    assert actor.organisation is None and actor.membership is None
    # No household opens to a member through the professionals' access rule.
    assert involvement_scope(actor) is None
    record(actor, action="view", object_type="portal_home", household_id=world.household.pk)
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.channel, entry.role, entry.username) == (
        "household",
        "household_member",
        access.user.username,
    )
