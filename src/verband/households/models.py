"""Households (the case unit) and the people in them.

This is the first cut the access core needs; intake, matching, addresses and relations extend it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    surname_prefix = models.CharField(
        _("surname prefix"), max_length=20, blank=True, help_text=_("e.g. van, de, van der")
    )
    family_name = models.CharField(_("family name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.full_name

    @property
    def surname(self) -> str:
        return f"{self.surname_prefix} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


class Household(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="households")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    persons: models.ManyToManyField[Person, HouseholdMember] = models.ManyToManyField(
        Person, through="HouseholdMember", related_name="households"
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class MemberRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    CHILD = "child", _("Child")
    WITNESS = "witness", _("Witness")
    PARENT = "parent", _("Parent")
    NETWORK_MEMBER = "network_member", _("Network member")


# How members are listed: the people the violence is about first.
ROLE_ORDER = {role: index for index, role in enumerate(MemberRole.values)}


def member_sort_key(member: HouseholdMember) -> tuple[int, str]:
    return ROLE_ORDER.get(member.role, len(ROLE_ORDER)), member.person.given_names


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household", "person", "role"], name="member_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"
