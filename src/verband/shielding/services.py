"""Decisions about shielding (whom an involvement is for is `verband.shielding.members`). Only a deciding professional whose
involvement covers the whole household decides (a partner working only with the perpetrator never lifts
what protects the victim); every decision needs a reason, is kept, and is in the access log; a refusal is
logged as denied."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Household, HouseholdMember
from verband.network.models import ACTING_ROLES
from verband.sharing import basis as sharing_basis
from verband.sharing.access import works_with
from verband.sharing.accesslog import record
from verband.sharing.basis import Basis
from verband.sharing.models import InformationScope, SharingKind
from verband.shielding.models import ItemType, ShieldDecision
from verband.shielding.scope import default_shield, involvement_members
from verband.text import reason_text

# Which part of a consent's scope covers sharing an item of this type.
ITEM_INFORMATION: dict[str, str] = {
    ItemType.ADDRESS: InformationScope.ADDRESS,
    ItemType.AGREEMENT: InformationScope.SAFETY,
    ItemType.GOAL: InformationScope.PLAN,
    ItemType.ACTION: InformationScope.PLAN,
    ItemType.NOTE: InformationScope.ALL,
    ItemType.ASSESSMENT: InformationScope.SAFETY,
    ItemType.HELP: InformationScope.HELP,
    ItemType.MINUTES: InformationScope.PLAN,
    ItemType.MEASURE: InformationScope.SAFETY,
    ItemType.JOURNAL: InformationScope.ALL,
    ItemType.DOCUMENT: InformationScope.ALL,
}


def may_decide(actor: Actor, household: Household) -> bool:
    if actor.membership is None or actor.membership.role not in ACTING_ROLES:
        return False
    whole, _persons = involvement_members(actor, household)
    return whole and works_with(actor, household)


def item_belongs(household: Household, item_type: str, item_id: int) -> bool:
    """The item exists and is this household's."""
    found = _item(household, item_type, item_id)
    return found is not None and found.exists()


# The items that are about one member (their `person`); the others are about the household.
ABOUT_ONE_MEMBER = {
    ItemType.ADDRESS,
    ItemType.AGREEMENT,
    ItemType.GOAL,
    ItemType.ACTION,
    ItemType.HELP,
    ItemType.MEASURE,
    ItemType.JOURNAL,
    ItemType.DOCUMENT,
}


def item_subject(household: Household, item_type: str, item_id: int) -> int | None:
    """The member the item is about, or None for an item about the household."""
    found = _item(household, item_type, item_id) if item_type in ABOUT_ONE_MEMBER else None
    return found.values_list("person_id", flat=True).first() if found is not None else None


def _item(household: Household, item_type: str, item_id: int) -> QuerySet[Any] | None:
    from verband.collaboration.models import AgendaItem, Help
    from verband.households.models import Address, HouseholdEvent
    from verband.journal.models import Document, JournalEntry
    from verband.measures.models import ProtectiveMeasure
    from verband.plans.models import Goal, PlanAction, SafetyAgreement
    from verband.safety.models import SafetyAssessment

    return {
        ItemType.ADDRESS: Address.objects.filter(pk=item_id, person__memberships__household=household),
        ItemType.AGREEMENT: SafetyAgreement.objects.filter(pk=item_id, plan__household=household),
        ItemType.GOAL: Goal.objects.filter(pk=item_id, plan__household=household),
        ItemType.ACTION: PlanAction.objects.filter(pk=item_id, plan__household=household),
        ItemType.NOTE: HouseholdEvent.objects.filter(pk=item_id, household=household),
        ItemType.ASSESSMENT: SafetyAssessment.objects.filter(pk=item_id, household=household),
        ItemType.HELP: Help.objects.filter(pk=item_id, household=household),
        ItemType.MINUTES: AgendaItem.objects.filter(pk=item_id, household=household),
        ItemType.MEASURE: ProtectiveMeasure.objects.filter(pk=item_id, household=household),
        # An entry is shielded as a whole (its first version): about the member its newest version is about.
        ItemType.JOURNAL: JournalEntry.objects.filter(household=household, correction__isnull=True).filter(
            models.Q(pk=item_id, thread__isnull=True) | models.Q(thread_id=item_id)
        ),
        ItemType.DOCUMENT: Document.objects.filter(pk=item_id, household=household),
    }.get(item_type)  # type: ignore[call-overload]


def decide(
    actor: Actor,
    household: Household,
    item_type: str,
    item_id: int,
    person_id: int,
    *,
    shielded: bool,
    reason: str,
    basis: Basis | None = None,
) -> ShieldDecision:
    """Keep an item from a member (`shielded`) or lift that (a default shield too). Lifting shares the item
    with the member: on the basis the professional chose (`sharing.basis`), the consent of another member
    or the five questions answered. Without `basis` (the system's own decisions) none is recorded."""
    what = "shield" if shielded else "shield_lift"
    if not may_decide(actor, household):
        record(
            actor, action="update", object_type=what, object_id=f"{item_type}:{item_id}",
            household_id=household.pk, person_id=person_id, outcome="denied",
        )  # fmt: skip
        raise PermissionDenied(
            _("Only a professional working with the whole household decides about shielding.")
        )
    reason = reason_text(reason)
    if item_type not in ItemType.values or not item_belongs(household, item_type, item_id):
        raise ValidationError(_("This item is not part of this household."))
    if not HouseholdMember.objects.filter(household=household, person_id=person_id).exists():
        raise ValidationError(_("Choose a member of this household."))
    consent, answers = None, dict[str, str]()
    if basis is not None and not shielded:
        consent, answers = sharing_basis.check(
            household, basis, kind=SharingKind.SHIELD_LIFT, receiver=None, information=ITEM_INFORMATION[item_type],
            actor=actor,
        )  # fmt: skip
        if consent is not None:
            # Consent carries sharing one's own data only, and never lifts what protects someone by default:
            # the victim's address kept from the perpetrator is lifted only after weighing the five questions.
            if default_shield(household, item_type, item_id, person_id):
                raise ValidationError({"consent": [_(
                    "This item is kept from this member by default, to protect someone. Lifting it cannot rest "
                    "on consent: choose another basis and answer the five questions."
                )]})  # fmt: skip
            if (
                consent.person_id != item_subject(household, item_type, item_id)
                or consent.person_id == person_id
            ):
                raise ValidationError({"consent": [_(
                    "Only the consent of the member this item is about can share it with another member."
                )]})  # fmt: skip
    with transaction.atomic():
        if consent is not None:
            sharing_basis.lock_in_force(consent)
        decision = ShieldDecision.objects.create(
            household=household, item_type=item_type, item_id=item_id, person_id=person_id, shielded=shielded,
            reason=reason, by=actor.user, by_organisation=actor.organisation,
        )  # fmt: skip
        if basis is not None and not shielded:
            sharing_basis.store(
                actor, household, basis, kind=SharingKind.SHIELD_LIFT, subject_id=decision.pk,
                proposal=sharing_basis.proposed(SharingKind.SHIELD_LIFT), consent=consent, answers=answers,
            )  # fmt: skip
        record(
            actor, action="update", object_type=what, object_id=f"{item_type}:{item_id}",
            household_id=household.pk, person_id=person_id,
        )  # fmt: skip
    return decision
