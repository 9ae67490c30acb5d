"""Households (the case unit) and the people in them.

A person can belong to several households over time and hold two roles in one. Addresses have
periods; a confidential address (a victim in a shelter) is shown only to the organisations explicitly
authorised for it, through `verband.households.addresses.address_text`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.statemachine import StateMachine


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other (X)")
    UNKNOWN = "unknown", _("Unknown")


def validate_bsn(value: str) -> None:
    from stdnum.nl import bsn

    if not bsn.is_valid(value):
        raise ValidationError(
            _("This is not a valid BSN: it must be 9 digits and pass the eleven test."), code="invalid_bsn"
        )


class Person(models.Model):
    """Someone Verband knows about, in any household. The date of birth may be known in full, only as a
    month and year, only as a year, or not at all: an unknown date must never block a report."""

    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    surname_prefix = models.CharField(
        _("surname prefix"), max_length=20, blank=True, help_text=_("e.g. van, de, van der")
    )
    family_name = models.CharField(_("family name"), max_length=200)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    sex = models.CharField(_("sex as recorded"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["bsn"], condition=~models.Q(bsn=""), name="person_bsn_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.initials:
            self.initials = initials_of(self.given_names)
        super().save(*args, **kwargs)

    @property
    def surname(self) -> str:
        return f"{self.surname_prefix} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.given_names or self.initials} {self.surname}".strip()

    @property
    def sort_name(self) -> str:
        """How Dutch registers sort: by family name, the prefix after it ("Berg, Ingrid van den")."""
        given = self.given_names or self.initials
        return f"{self.family_name}, {given} {self.surname_prefix}".strip().rstrip(",")

    @property
    def date_of_birth(self) -> date | None:
        if self.birth_year and self.birth_month and self.birth_day:
            try:
                return date(self.birth_year, self.birth_month, self.birth_day)
            except ValueError:
                return None
        return None

    @property
    def birth_iso(self) -> str | None:
        """ISO 8601 with reduced precision: 1990-03-12, 1990-03 or 1990."""
        return partial_date_iso(self.birth_year, self.birth_month, self.birth_day)

    @property
    def birth_display(self) -> str:
        return partial_date_display(self.birth_year, self.birth_month, self.birth_day)

    def set_birth_date(self, value: date | None) -> None:
        self.birth_year, self.birth_month, self.birth_day = (
            (value.year, value.month, value.day) if value else (None, None, None)
        )


def initials_of(given_names: str) -> str:
    return "".join(f"{part[0].upper()}." for part in given_names.replace("-", " ").split() if part)


def partial_date_iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if not year:
        return None
    if not month:
        return f"{year:04d}"
    if not day:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def partial_date_display(year: int | None, month: int | None, day: int | None) -> str:
    if not year:
        return str(_("unknown"))
    if not month:
        return str(year)
    if not day:
        return f"{month:02d}-{year}"
    return f"{day:02d}-{month:02d}-{year}"


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# A household closes when the last partner ends its involvement and nobody is asked to take it up; a
# partner taking it up again (a new signal) opens it again, with its history.
HOUSEHOLD_FLOW = StateMachine(
    "household",
    {HouseholdStatus.ACTIVE: {HouseholdStatus.CLOSED}, HouseholdStatus.CLOSED: {HouseholdStatus.ACTIVE}},
    choices=HouseholdStatus,
)


class Level(models.TextChoices):
    """Where a household's case is held: the neighbourhood network, the domestic violence centre or
    the safety house (scaling up and down moves it, after the receiver accepts)."""

    NETWORK = "network", _("Neighbourhood network")
    DV_CENTRE = "dv_centre", _("Domestic violence centre")
    SAFETY_HOUSE = "safety_house", _("Safety house")


LEVEL_ORDER = {level: index for index, level in enumerate(Level.values)}


class Household(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="households")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NETWORK)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
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


class RelationKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    EX_PARTNER = "ex_partner", _("Ex-partner")
    PARENT_OF = "parent_of", _("Parent of")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT_OF = "grandparent_of", _("Grandparent of")
    GUARDIAN_OF = "guardian_of", _("Guardian of")


# Relations read the same both ways; the others have a direction ("A is parent of B").
SYMMETRIC_RELATIONS = {RelationKind.PARTNER, RelationKind.EX_PARTNER, RelationKind.SIBLING}
INVERSE_LABELS = {
    RelationKind.PARENT_OF: _("Child of"),
    RelationKind.GRANDPARENT_OF: _("Grandchild of"),
    RelationKind.GUARDIAN_OF: _("Ward of"),
}


class Relation(models.Model):
    """How two persons are related, whichever households they are in."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_from")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} — {self.other}"


class Address(models.Model):
    """Where a person lives or lived, for a period. A confidential address is shown as "geheim adres"
    to everyone except the organisations explicitly authorised for it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_("For example a shelter address: only explicitly authorised organisations see it."),
    )
    # The organisation that entered (or marked) a confidential address manages who else may see it.
    managed_by = models.ForeignKey(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("managed by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        # Never the street of a confidential address, also not in the admin or a log line.
        return str(_("confidential address")) if self.confidential else self.one_line

    @property
    def one_line(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        place = f"{self.postcode} {self.city}".strip()
        return ", ".join(part for part in (street, place) if part)

    @property
    def is_complete(self) -> bool:
        """Street, house number and postcode known: only such an address may replace a complete one."""
        return bool(self.street and self.house_number and self.postcode)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or self.valid_until >= today
        )


class AddressDisclosure(models.Model):
    """An organisation explicitly authorised to see a confidential address, with the basis recorded.
    A revoked disclosure stays as a record and authorises nothing."""

    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="disclosures")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(_("basis"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("address disclosure")
        verbose_name_plural = _("address disclosures")
        constraints = [
            models.UniqueConstraint(fields=["address", "organisation"], name="disclosure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.address}"


class AddressDecisionKind(models.TextChoices):
    MARKED = "marked", _("Marked confidential")
    LIFTED = "lifted", _("Confidentiality lifted")
    DISCLOSED = "disclosed", _("Disclosed to an organisation")
    REVOKED = "revoked", _("Disclosure revoked")


class AddressDecision(models.Model):
    """Why an address became confidential, was disclosed to someone, or stopped being either: the
    reasons, kept with the address for the organisation that manages it (the access log records who)."""

    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=AddressDecisionKind.choices)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PersonKey(models.Model):
    """Blocking keys for recognition: a lookup reads only the persons that share a key with the query
    (same birth date, same sounding name, same BSN, same address) instead of the whole register."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="person_key_unique")]

    def __str__(self) -> str:
        return self.key


class EventKind(models.TextChoices):
    SIGNAL = "signal", _("Signal received")
    ROUTED = "routed", _("Partner activated")
    ACCEPTED = "accepted", _("Taken up")
    HANDED_BACK = "handed_back", _("Handed back")
    REROUTED = "rerouted", _("Sent on")
    INVOLVED = "involved", _("Partner involved")
    MEMBER_ADDED = "member_added", _("Member added")
    NOTE = "note", _("Note")
    ASSESSMENT = "assessment", _("Safety assessment")
    DANGER = "danger", _("Danger for professionals")
    PLAN = "plan", _("Family plan")
    REGIE = "regie", _("Regie")
    HANDOVER = "handover", _("Handover")
    ESCALATION = "escalation", _("Escalation")
    HELP = "help", _("Help")
    MEETING = "meeting", _("Case meeting")
    CONSULTATION = "consultation", _("Anonymous consultation")
    MEASURE = "measure", _("Protective measure")
    CLOSED = "closed", _("Case closed")
    JOURNAL = "journal", _("Journal")
    MERGE = "merge", _("Merged or split")
    RECOGNITION = "recognition", _("Recognition")
    REOPENED = "reopened", _("Opened again")


class HouseholdEvent(models.Model):
    """One line of the household's shared timeline. Append-only: events are added, never changed — until
    the household's retention period is over and the sweep blanks the line's words (`verband.retention`)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=300)
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["household", "-at"])]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"


class MergeKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households merged")
    PERSONS = "persons", _("Persons merged")
    SPLIT = "split", _("Member split off")


class Merge(models.Model):
    """Two households or two persons found to be the same, merged into the one kept; or a wrongly linked
    member split off to a household of its own. Undoable: what was moved is listed (`moved`: model label,
    field, row ids) and moved back; rows removed as duplicates (`removed`: model label and values) are
    made again. See `verband.collaboration.merging`."""

    kind = models.CharField(_("kind"), max_length=12, choices=MergeKind.choices)
    # Households: the one kept and the one merged into it. Split: the household split from, and the new one.
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    other_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Persons: the one kept and the one merged into it. Split: the member split off.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    other_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    moved = models.JSONField(default=list)
    removed = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    previous_status = models.CharField(max_length=10, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge or split")
        verbose_name_plural = _("merges and splits")
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.made_at:%Y-%m-%d}"
