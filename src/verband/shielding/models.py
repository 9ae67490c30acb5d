"""Shielding within a household: who among the members an item is kept from, and which members a
partner's involvement is for.

An involvement without scoped members is for the whole household; with them, it is for those members
only (probation for the perpetrator, youth care for a child). A shield keeps one item (an address, a
safety agreement, a goal, an action, a timeline note, an assessment, a meeting's minutes, a protective
measure) from one
member; the latest decision about an item and a member counts, and without any decision the defaults
of `verband.shielding.scope` apply (what protects a victim is kept from the member threatening her)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScopedMember(models.Model):
    involvement = models.ForeignKey(
        "sharing.Involvement", on_delete=models.CASCADE, related_name="scoped_members"
    )
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("member of a member-scoped involvement")
        verbose_name_plural = _("members of member-scoped involvements")
        constraints = [
            models.UniqueConstraint(fields=["involvement", "person"], name="scoped_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.involvement_id}:{self.person_id}"


class ItemType(models.TextChoices):
    ADDRESS = "address", _("Address")
    AGREEMENT = "agreement", _("Safety agreement")
    GOAL = "goal", _("Goal")
    ACTION = "action", _("Plan action")
    NOTE = "note", _("Timeline note")
    ASSESSMENT = "assessment", _("Safety assessment")
    HELP = "help", _("Help")
    MINUTES = "minutes", _("Case meeting minutes")
    MEASURE = "measure", _("Protective measure")
    JOURNAL = "journal", _("Journal entry")
    DOCUMENT = "document", _("Document")


class ShieldDecision(models.Model):
    """One decision: item X is (`shielded` true) or is not (false: a lift) kept from member P, with the
    reason. Decisions are never changed; a later one about the same item and member overrides."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    item_type = models.CharField(max_length=12, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField()
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    shielded = models.BooleanField()
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["household", "item_type", "item_id"])]

    def __str__(self) -> str:
        return f"{self.item_type}:{self.item_id} {'⊘' if self.shielded else '✓'} {self.person_id}"
