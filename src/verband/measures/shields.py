"""The measures' default shields (registered with `verband.shielding.scope` when Django starts)."""

from __future__ import annotations

from collections.abc import Iterator

from verband.measures.models import PROTECTING, MeasureKind, ProtectiveMeasure
from verband.shielding.models import ItemType
from verband.shielding.scope import registers_default_shield


@registers_default_shield
def what_protects_her(
    household_id: int, threats: frozenset[int], protected: frozenset[int]
) -> Iterator[tuple[str, int, frozenset[int]]]:
    """An AWARE alarm, a contact ban and a location ban are kept from every perpetrator (and so from a
    partner working with him only): the alarm says she can call the police at once, a location ban names
    the streets she is safe in. A professional lifts it with a reason (probation supervising the ban)."""
    rows = ProtectiveMeasure.objects.filter(household_id=household_id, kind__in=PROTECTING)
    for pk, kind, person_id in rows.values_list("pk", "kind", "person_id"):
        # A ban is about the one banned and kept from him; an alarm is hers (also when she is recorded as
        # perpetrator too, in two-sided violence) and kept from the others.
        yield ItemType.MEASURE, pk, threats if kind != MeasureKind.AWARE else threats - {person_id}
