"""The plan's default shields (registered with `verband.shielding.scope` when Django starts)."""

from __future__ import annotations

from collections.abc import Iterator

from verband.network.models import OrganisationKind
from verband.plans.models import PlanAction, SafetyAgreement
from verband.shielding.models import ItemType
from verband.shielding.scope import registers_default_shield


@registers_default_shield
def agreements_and_shelter_actions(
    household_id: int, threats: frozenset[int], protected: frozenset[int]
) -> Iterator[tuple[str, int, frozenset[int]]]:
    """Safety agreements that are not a perpetrator's own are kept from every perpetrator; so are the
    household's parts given to a shelter ("Plek regelen", owned by the shelter): they say where she goes."""
    for pk, owner in SafetyAgreement.objects.filter(plan__household_id=household_id).values_list(
        "pk", "person_id"
    ):
        if owner is None or owner not in threats:
            yield ItemType.AGREEMENT, pk, threats - {owner}
    sheltered = PlanAction.objects.filter(
        plan__household_id=household_id, owner_organisation__kind=OrganisationKind.SHELTER
    ).values_list("pk", "person_id")
    for pk, owner in sheltered:
        if owner is None or owner in protected:
            yield ItemType.ACTION, pk, threats - {owner}
