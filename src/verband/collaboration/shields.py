"""Default shields of help deployed (registered with `verband.shielding.scope` when Django starts)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q

from verband.collaboration.models import Help
from verband.network.models import OrganisationKind
from verband.shielding.models import ItemType
from verband.shielding.scope import registers_default_shield


@registers_default_shield
def help_at_a_shelter(
    household_id: int, threats: frozenset[int], protected: frozenset[int]
) -> Iterator[tuple[str, int, frozenset[int]]]:
    """Help at a shelter, or of a kind that is a shelter place (also before a provider is chosen), for a
    protected member or the household, is kept from every perpetrator."""
    shelter_help = Help.objects.filter(
        Q(provider__organisation__kind=OrganisationKind.SHELTER) | Q(kind__shelter=True),
        household_id=household_id,
    ).values_list("pk", "person_id")
    for pk, owner in shelter_help:
        if owner is None or owner in protected:
            yield ItemType.HELP, pk, threats - {owner}
