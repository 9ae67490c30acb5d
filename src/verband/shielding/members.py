"""Whom an involvement is for: the whole household, or named members only (a member-scoped involvement,
`ScopedMember`). Read by the scope (`verband.shielding.scope`); written when a team accepts the referral
of one member, or by the demo and tests."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verband.households.models import HouseholdMember
from verband.sharing.models import Involvement
from verband.shielding.models import ScopedMember


def scope_involvement(involvement: Involvement, person_ids: Iterable[int]) -> None:
    """Make an involvement one for these members only (callers log; the members must be the household's)."""
    persons = set(person_ids)
    members = set(
        HouseholdMember.objects.filter(
            household_id=involvement.household_id, person_id__in=persons
        ).values_list("person_id", flat=True)
    )
    if not persons or members != persons:
        raise ValidationError(_("Choose members of this household."))
    ScopedMember.objects.bulk_create(
        [ScopedMember(involvement=involvement, person_id=pid) for pid in sorted(persons)],
        ignore_conflicts=True,
    )
