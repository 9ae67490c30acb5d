"""Reads of households, always starting from a queryset already scoped by the access core."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from verband.households.models import Household, HouseholdMember, member_sort_key
from verband.sharing.access import Actor, get_household_or_404, visible_involvements
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.models import Involvement


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    members: list[HouseholdMember]
    involvement: Involvement

    @property
    def basis(self) -> str:
        inv = self.involvement
        return f"involvement:{inv.pk}:{inv.purpose}:{inv.legal_basis}"


def household_rows(households: QuerySet[Household], actor: Actor) -> list[HouseholdRow]:
    """Households for a work list, with members and the involvement that brings each to this actor."""
    mine = (
        visible_involvements(actor)
        .select_related("organisation", "team__organisation", "network")
        .order_by("started_on", "pk")
    )
    members = HouseholdMember.objects.select_related("person").order_by("role", "person__family_name")
    items = households.prefetch_related(
        Prefetch("members", queryset=members),
        Prefetch("involvements", queryset=mine, to_attr="my_involvements"),
    ).order_by("reference")
    return [
        HouseholdRow(
            household=h,
            members=sorted(h.members.all(), key=member_sort_key),
            involvement=h.my_involvements[0],
        )
        for h in items
        if h.my_involvements
    ]


def row_subjects(rows: list[HouseholdRow]) -> list[Subject]:
    """For the access log of a list: each household, and each member whose name the list shows."""
    subjects = []
    for row in rows:
        subjects.append(Subject(household_id=row.household.pk))
        subjects += [
            Subject(household_id=row.household.pk, person_id=pid)
            for pid in sorted({m.person_id for m in row.members})
        ]
    return subjects


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[HouseholdMember]
    involvements: list[Involvement]


def open_household(actor: Actor, reference: str) -> HouseholdDetail:
    """The household page's data, if the actor may see it (else 404), recorded in the access log for the
    household and each member shown."""
    household, basis = get_household_or_404(actor, reference)
    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    involvements = list(
        Involvement.objects.active()
        .filter(household=household)
        .select_related("organisation", "team__organisation", "network")
    )
    subjects = [Subject(household_id=household.pk)] + [
        Subject(household_id=household.pk, person_id=pid) for pid in sorted({m.person_id for m in members})
    ]
    record_many(
        actor,
        action="view",
        object_type="household",
        object_id=household.reference,
        subjects=subjects,
        basis=basis,
    )
    return HouseholdDetail(household, members, involvements)
