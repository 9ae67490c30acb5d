"""The shielding page's data: every shieldable item of a household with whom it is kept from, by default
or by decision, for a professional who works with the whole household."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.addresses import address_text
from verband.households.models import Address, Household, HouseholdMember, member_sort_key
from verband.shielding.models import ItemType, ShieldDecision
from verband.shielding.scope import household_shields

NOTES_SHOWN = 50


@dataclass
class ItemRow:
    item_type: str
    item_id: int
    label: str
    about: str
    hidden_from: list[tuple[int, str, bool]] = field(default_factory=list)  # (person, name, by default)
    # The legal basis fields for lifting (`sharing.basis.form_context`), set by the view.
    basis: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return f"{self.item_type}-{self.item_id}"


@dataclass
class ShieldOverview:
    members: list[tuple[int, str]]
    groups: list[tuple[str, list[ItemRow]]]
    decisions: list[ShieldDecision]


def shield_overview(actor: Actor, household: Household) -> ShieldOverview:
    from verband.collaboration.models import AgendaItem, Help
    from verband.journal.models import Document, JournalEntry
    from verband.measures.models import ProtectiveMeasure
    from verband.plans.models import Goal, PlanAction, SafetyAgreement
    from verband.safety.models import SafetyAssessment

    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    names: dict[int, str] = {}
    for member in members:
        names.setdefault(member.person_id, member.person.full_name)
    shields = household_shields(household, members=members)
    defaults = household_shields(household, members=members, decisions=False)

    def row(item_type: str, item_id: int, label: str, person_id: int | None) -> ItemRow:
        hidden = shields.get((item_type, item_id), frozenset())
        default = defaults.get((item_type, item_id), frozenset())
        return ItemRow(
            item_type,
            item_id,
            label,
            names.get(person_id, "") if person_id else _("the whole household"),
            [(pid, names.get(pid, ""), pid in default) for pid in sorted(hidden)],
        )

    addresses = Address.objects.filter(person_id__in=names, valid_until__isnull=True).prefetch_related(
        "disclosures"
    )
    groups: list[tuple[str, list[ItemRow]]] = [
        (
            str(ItemType.ADDRESS.label),
            [row(ItemType.ADDRESS, a.pk, address_text(actor, a), a.person_id) for a in addresses],
        ),
        (
            str(ItemType.AGREEMENT.label),
            [
                row(ItemType.AGREEMENT, a.pk, a.text, a.person_id)
                for a in SafetyAgreement.objects.filter(plan__household=household)
            ],
        ),
        (
            str(ItemType.GOAL.label),
            [
                row(ItemType.GOAL, g.pk, g.text, g.person_id)
                for g in Goal.objects.filter(plan__household=household)
            ],
        ),
        (
            str(ItemType.ACTION.label),
            [
                row(ItemType.ACTION, a.pk, a.text, a.person_id)
                for a in PlanAction.objects.filter(plan__household=household)
            ],
        ),
        (
            str(ItemType.ASSESSMENT.label),
            [
                row(ItemType.ASSESSMENT, a.pk, f"{a.assessed_at:%d-%m-%Y} — {a.organisation}", None)
                for a in SafetyAssessment.objects.filter(household=household).select_related("organisation")
            ],
        ),
        (
            str(ItemType.HELP.label),
            [
                row(ItemType.HELP, h.pk, f"{h.kind} — {h.provider or '—'}", h.person_id)
                for h in Help.objects.filter(household=household).select_related("kind", "provider")
            ],
        ),
        (
            str(ItemType.MINUTES.label),
            [
                row(ItemType.MINUTES, i.pk, f"{i.meeting.scheduled_at:%d-%m-%Y} — {i.meeting}", None)
                for i in AgendaItem.objects.filter(household=household).select_related("meeting")
            ],
        ),
        (
            str(ItemType.MEASURE.label),
            [
                row(ItemType.MEASURE, m.pk, f"{m.get_kind_display()} — {m.ends_on:%d-%m-%Y}", m.person_id)
                for m in ProtectiveMeasure.objects.filter(household=household)
            ],
        ),
        (
            str(ItemType.JOURNAL.label),
            [
                row(
                    ItemType.JOURNAL,
                    e.item_id,
                    f"{e.occurred_at:%d-%m-%Y} — {e.get_kind_display()}",
                    e.person_id,
                )
                for e in JournalEntry.objects.filter(household=household, correction__isnull=True).order_by(
                    "-occurred_at"
                )[:NOTES_SHOWN]
            ],
        ),
        (
            str(ItemType.DOCUMENT.label),
            [
                row(ItemType.DOCUMENT, d.pk, d.original_name, d.person_id)
                for d in Document.objects.filter(household=household).order_by("-uploaded_at")[:NOTES_SHOWN]
            ],
        ),
        (
            str(ItemType.NOTE.label),
            [
                row(ItemType.NOTE, e.pk, f"{e.at:%d-%m-%Y} — {e.summary}", None)
                for e in household.events.filter(kind="note").order_by("-at")[:NOTES_SHOWN]
            ],
        ),
    ]
    decisions = list(
        ShieldDecision.objects.filter(household=household)
        .select_related("person", "by", "by_organisation")
        .order_by("-at")
    )
    return ShieldOverview(
        members=list(names.items()),
        groups=[(title, rows) for title, rows in groups if rows],
        decisions=decisions,
    )
