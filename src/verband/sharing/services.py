"""Writes of the sharing app. Every change of who may see a household is logged."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from verband.households.models import Household
from verband.network.models import Network, Organisation, Team
from verband.sharing.access import Actor
from verband.sharing.accesslog import record
from verband.sharing.models import Involvement


@transaction.atomic
def involve(
    actor: Actor,
    household: Household,
    *,
    purpose: str,
    legal_basis: str,
    started_on: date,
    team: Team | None = None,
    network: Network | None = None,
    organisation: Organisation | None = None,
) -> Involvement:
    """Make a team, a network or a whole organisation involved with a household. Involving the same party
    for the same purpose again returns the existing involvement."""
    if sum(x is not None for x in (team, network, organisation)) != 1:
        raise ValueError("Give exactly one of team, network or organisation.")
    if team is not None:
        organisation = team.organisation
    existing = (
        Involvement.objects.active(started_on)
        .filter(household=household, purpose=purpose, team=team, network=network, organisation=organisation)
        .first()
    )
    if existing is not None:
        return existing
    involvement = Involvement(
        household=household,
        team=team,
        network=network,
        organisation=organisation,
        purpose=purpose,
        legal_basis=legal_basis,
        started_on=started_on,
        created_by=actor.user,
    )
    involvement.full_clean()
    involvement.save()
    record(
        actor,
        action="create",
        object_type="involvement",
        object_id=str(involvement.pk),
        household_id=household.pk,
        basis=f"{legal_basis}:{purpose}",
    )
    return involvement
