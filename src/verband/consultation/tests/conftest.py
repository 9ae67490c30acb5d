"""A network with members on both sides of a household: the neighbourhood team's professional who works
with Anna's household (HH-T-0001), the police's professional who does not see it, the network's
coordinator and an experience expert; a colleague of the neighbourhood team outside the network; Veilig
Thuis, which sees the household but is not in the network; and probation, in the network, working with
Bram only."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from verband.actors import SYSTEM
from verband.consultation import services
from verband.network.models import Role
from verband.sharing import services as sharing
from verband.shielding.members import scope_involvement
from verband.testing import actor_for, make_user

YEAR = timezone.localdate().year
FIRST = f"AC-{YEAR}-0001"  # the first reference of a network this year

FACTS = (
    "Moeder (begin dertig) en twee kinderen van 4 en 7. Vader is vorig jaar vertrokken maar komt 's avonds "
    "langs en dreigt. Moeder wil geen aangifte doen. School ziet de oudste steeds stiller worden."
)
QUESTION = "Wie kan hier het beste de regie nemen, en is een melding bij Veilig Thuis nodig?"


@pytest.fixture
def net(world):
    w = world
    for user in (w.involved, w.other_org):
        user.memberships.get().networks.add(w.network)
    w.expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    w.expert.memberships.get().networks.add(w.network)
    # Veilig Thuis works with Anna's household (whole) but is not in the network.
    sharing.involve(
        SYSTEM, w.household, team=w.team_vt, purpose="safety_assessment", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    # Probation is in the network and works with Bram only.
    from verband.factories import OrganisationFactory, TeamFactory

    w.org_probation = OrganisationFactory.create(
        region=w.region, name="Reclassering Testdorp", kind="probation"
    )
    w.team_probation = TeamFactory.create(organisation=w.org_probation, name="Toezicht")
    w.network.organisations.add(w.org_probation)
    involvement = sharing.involve(
        SYSTEM, w.household, team=w.team_probation, purpose="criminal_justice", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    bram = w.household.members.get(person__given_names="Bram").person_id
    scope_involvement(involvement, [bram])
    w.probation = make_user("reclassering", w.org_probation, Role.PROFESSIONAL, w.team_probation)
    w.probation.memberships.get().networks.add(w.network)
    return w


@pytest.fixture
def asked(net):
    """An open consultation, asked by the neighbourhood team's professional."""
    net.consultation = services.ask(
        actor_for(net.involved), network_id=net.network.pk, facts=FACTS, question=QUESTION
    )
    return net
