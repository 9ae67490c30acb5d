"""What the regisseur sees of the household's door on the household page ("Toegang voor het
huishouden"): each member and the state of their access. Only for the current regisseur: anyone else
reads nothing of it (a partner working with named members must not learn about other members' doors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verband.actors import Actor
from verband.households.models import Person
from verband.portal.models import MemberAccess
from verband.portal.services import door_refusal

NOT_INVITED = "not_invited"
INVITED = "invited"
EXPIRED = "expired"
IN_USE = "in_use"
CUT_OFF = "cut_off"


@dataclass
class DoorRow:
    person: Person
    state: str
    access: MemberAccess | None
    refusal: str  # why this member cannot be invited (empty if they can)


def door_panel(actor: Actor, regie: Any, people: list[Person]) -> list[DoorRow] | None:
    """The rows of the panel for the household's current regisseur (`regie`, read by the page already),
    else None. One query."""
    if (
        regie is None
        or actor.membership is None
        or actor.user is None
        or regie.user_id != actor.user.pk
        or regie.membership_id != actor.membership.pk
    ):
        return None
    latest: dict[int, MemberAccess] = {}
    for made in MemberAccess.objects.filter(household_id=regie.household_id).order_by("invited_at", "pk"):
        latest[made.person_id] = made  # the newest per member wins
    rows = []
    for person in people:
        access = latest.get(person.pk)
        if access is None:
            state = NOT_INVITED
        elif not access.is_open:
            state = CUT_OFF
        elif access.redeemed_at is not None:
            state = IN_USE
        elif access.redeemable:
            state = INVITED
        else:
            state = EXPIRED
        rows.append(DoorRow(person, state, access, door_refusal(person)))
    return rows
