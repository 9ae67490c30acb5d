from __future__ import annotations

from dataclasses import dataclass

import pytest

from verband.accounts.models import User
from verband.factories import OrganisationFactory, RegionFactory
from verband.network.models import Role
from verband.platforms.models import Level, Platform, PlatformMember
from verband.testing import World, make_user


@dataclass
class Cast:
    world: World
    line_manager: User
    outsider: User
    outsider_coordinator: User
    tactical: Platform
    strategic: Platform


@pytest.fixture
def cast(world: World) -> Cast:
    other = RegionFactory.create(name="Andere regio", code="ander")
    other_org = OrganisationFactory.create(region=other, name="Wijkteams Elders", kind="neighbourhood_team")
    tactical = Platform.objects.create(
        region=world.region, level=Level.TACTICAL, name="Tactisch platform Test"
    )
    strategic = Platform.objects.create(
        region=world.region, level=Level.STRATEGIC, name="Strategisch platform Test"
    )
    PlatformMember.objects.create(platform=tactical, membership=world.manager.memberships.get(), chair=True)
    PlatformMember.objects.create(
        platform=strategic, membership=world.executive.memberships.get(), chair=True
    )
    return Cast(
        world=world,
        line_manager=make_user("teamleider", world.org_a, Role.LINE_MANAGER, world.team_a1),
        outsider=make_user("buiten", other_org, Role.PROFESSIONAL),
        outsider_coordinator=make_user("buitencoord", other_org, Role.NETWORK_COORDINATOR),
        tactical=tactical,
        strategic=strategic,
    )
