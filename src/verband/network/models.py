"""The regional network: partner organisations, their teams and coverage, standing core teams
(networks) and who works where in which role."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.accounts.models import FourEyes


class Region(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    REPORTING_CENTRE = "reporting_centre", _("Reporting centre (Veilig Thuis)")
    NEIGHBOURHOOD_TEAM = "neighbourhood_team", _("Neighbourhood team")
    DOMESTIC_VIOLENCE_CENTRE = "dv_centre", _("Domestic violence centre")
    YOUTH_CARE = "youth_care", _("Youth care")
    YOUTH_PROTECTION = "youth_protection", _("Youth protection")
    CRISIS_TEAM = "crisis_team", _("Crisis team")
    SHELTER = "shelter", _("Shelter")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    FORENSIC_MENTAL_HEALTH = "forensic_mental_health", _("Forensic mental health care")
    ADDICTION_CARE = "addiction_care", _("Addiction care")
    POLICE = "police", _("Police")
    PROBATION = "probation", _("Probation service")
    PUBLIC_PROSECUTION = "public_prosecution", _("Public prosecution")
    SAFETY_HOUSE = "safety_house", _("Safety house")
    MUNICIPALITY = "municipality", _("Municipality")
    ACCESS_DESK = "access_desk", _("Access desk")
    SCHOOL = "school", _("School")
    OTHER_REPORTER = "other", _("Other partner or reporter")


class Organisation(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    description = models.TextField(_("what this partner does"), blank=True)
    phone = models.CharField(_("phone (contact point)"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail (contact point)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_per_region")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class KindChange(FourEyes):
    """A change of an organisation's kind asked in the admin. The kind decides what others are shielded
    from (a shelter's addresses and help are hidden) and how long the households the organisation worked
    with are kept (`verband.retention`): the change is in force only once a second functional administrator
    of the region approves it (`sharing.grants`); until then the organisation keeps its kind. One change
    waits per organisation; asking another replaces it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="kind_changes", verbose_name=_("organisation")
    )
    from_kind = models.CharField(_("kind until now"), max_length=40, choices=OrganisationKind.choices)
    to_kind = models.CharField(_("new kind"), max_length=40, choices=OrganisationKind.choices)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    # Waiting until approved (never approved when made, unlike the grants the system makes).
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change of kind of an organisation")
        verbose_name_plural = _("changes of kind of organisations")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(approved_at__isnull=True), name="one_kind_change_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.from_kind} → {self.to_kind}"


class ShelterAddress(models.Model):
    """A shelter's location, configured by the functional administrator: a person's address at this
    postcode and house number is confidential whatever the reporter ticked."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shelter_addresses",
        verbose_name=_("shelter"),
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        help_text=_("For example 3072 AB."),
        validators=[
            RegexValidator(r"^\s*\d{4}\s?[A-Za-z]{2}\s*$", _("Enter a Dutch postcode, for example 3072 AB."))
        ],
    )
    house_number = models.CharField(
        _("house number"), max_length=20, blank=True, help_text=_("Empty: every number at this postcode.")
    )

    class Meta:
        verbose_name = _("shelter address")
        verbose_name_plural = _("shelter addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "postcode", "house_number"], name="shelter_address_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode} {self.house_number}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.postcode = self.postcode.replace(" ", "").upper()
        self.house_number = self.house_number.strip()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone (contact point)"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail (contact point)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.label})"


class Network(models.Model):
    """A standing multidisciplinary core team (kernteam / wijkteamoverstijgend netwerk): people of
    several organisations who work together on the households of an area."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="networks", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_pilot = models.BooleanField(_("pilot core team"), default=False)
    phone = models.CharField(_("phone (contact point)"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail (contact point)"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, related_name="networks", blank=True, verbose_name=_("participating organisations")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoverageArea(models.Model):
    """An area a team or network covers: a postcode range (4-digit numbers, inclusive) or a named
    neighbourhood."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="coverage", verbose_name=_("team")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coverage",
        verbose_name=_("network"),
    )
    postcode_from = models.PositiveIntegerField(_("postcode from"), null=True, blank=True)
    postcode_to = models.PositiveIntegerField(_("postcode to"), null=True, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("coverage area")
        verbose_name_plural = _("coverage areas")
        ordering = ["postcode_from", "neighbourhood"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(network__isnull=True))
                | (Q(team__isnull=True) & Q(network__isnull=False)),
                name="coverage_of_team_or_network",
            ),
            models.CheckConstraint(
                condition=(
                    Q(postcode_from__isnull=False) & Q(postcode_to__isnull=False) & Q(neighbourhood="")
                )
                | (Q(postcode_from__isnull=True) & Q(postcode_to__isnull=True) & ~Q(neighbourhood="")),
                name="coverage_postcodes_or_neighbourhood",
            ),
        ]

    def __str__(self) -> str:
        if self.neighbourhood:
            return self.neighbourhood
        if self.postcode_from == self.postcode_to:
            return f"{self.postcode_from}"
        return f"{self.postcode_from}-{self.postcode_to}"

    def clean(self) -> None:
        if (self.team_id is None) == (self.network_id is None):
            raise ValidationError(_("A coverage area belongs to either a team or a network."))
        has_range = self.postcode_from is not None or self.postcode_to is not None
        if has_range == bool(self.neighbourhood):
            raise ValidationError(_("Give either a postcode range or a neighbourhood name."))
        if has_range:
            if self.postcode_from is None or self.postcode_to is None:
                raise ValidationError(_("A postcode range needs both a first and a last postcode."))
            for value in (self.postcode_from, self.postcode_to):
                if not 1000 <= value <= 9999:
                    raise ValidationError(_("Postcodes are the four digits of a Dutch postcode (1000-9999)."))
            if self.postcode_from > self.postcode_to:
                raise ValidationError(_("The first postcode must not be after the last one."))

    def covers(self, postcode: str) -> bool:
        digits = postcode.strip()[:4]
        if not digits.isdigit() or self.postcode_from is None or self.postcode_to is None:
            return False
        return self.postcode_from <= int(digits) <= self.postcode_to


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    LINE_MANAGER = "line_manager", _("Line manager")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")
    EXPERIENCE_EXPERT = "experience_expert", _("Experience expert")


# Roles whose work is with individual households: they see household data, always through an
# involvement. Managers and executives see aggregates only; the privacy officer sees the access log;
# the functional administrator configures the network.
CASEWORK_ROLES = frozenset(
    {Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR, Role.EXPERIENCE_EXPERT}
)
# The case workers who act and decide: take up signals, hold regie, chair case meetings, hand over, help,
# shield. An experience expert takes part in the casework (CASEWORK_ROLES) but does not decide.
ACTING_ROLES = frozenset({Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR})
AGGREGATE_ROLES = frozenset({Role.MANAGER, Role.EXECUTIVE})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """In force: active, of an active organisation, and approved by a second person of that organisation
        when an administrator granted or widened it (four eyes)."""
        return self.filter(active=True, organisation__active=True, approved_at__isnull=False)

    def awaiting_approval(self) -> MembershipQuerySet:
        return self.filter(active=True, approved_at__isnull=True)


class Membership(FourEyes):
    """A person working for an organisation (optionally in one of its teams) in a role. A user with
    several memberships acts for one of them at a time; the access log records which."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("team"),
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    networks = models.ManyToManyField(
        Network, related_name="memberships", blank=True, verbose_name=_("networks")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "team", "role"], name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.team.name if self.team is not None else self.organisation.label
        return f"{self.get_role_display()} · {where}"

    def clean(self) -> None:
        if (
            self.team is not None
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(_("The team must belong to the organisation of the membership."))

    @property
    def does_casework(self) -> bool:
        return self.role in CASEWORK_ROLES


class RegionNorms(models.Model):
    """The time norms of one region, in working days (weekends and Dutch public holidays excluded): what
    the network agreed, read by help, handovers, meetings and the escalation engine alike."""

    region = models.OneToOneField("network.Region", on_delete=models.CASCADE, related_name="norms")
    handover_days = models.PositiveSmallIntegerField(
        _("handover answered within"), default=3, help_text=_("Referral, scaling up or down, regie transfer.")
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("a new signal for a partner already involved is seen within"),
        default=1,
        help_text=_(
            "The partner marks the update as seen in its inbox ('Gezien'); 0 means the same working day."
        ),
    )
    first_contact_days = models.PositiveSmallIntegerField(
        _("first contact within (after a partner is involved for help)"), default=2
    )
    assessment_days = models.PositiveSmallIntegerField(
        _("safety assessment within (after the signal)"), default=5
    )
    action_grace_days = models.PositiveSmallIntegerField(
        _("plan action escalates after being overdue for"), default=2
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("help starts within (waiting time)"),
        default=10,
        help_text=_("A kind of help can have its own norm."),
    )
    no_regisseur_days = models.PositiveSmallIntegerField(
        _("a household has a regisseur within (after the first partner is involved)"), default=5
    )
    mandate_days = models.PositiveSmallIntegerField(
        _("line manager confirms a regie mandate within"), default=2
    )
    step_regisseur_days = models.PositiveSmallIntegerField(_("regisseur decides within"), default=2)
    step_line_manager_days = models.PositiveSmallIntegerField(_("line manager decides within"), default=2)
    step_coordinator_days = models.PositiveSmallIntegerField(
        _("network coordinator or manager decides within"), default=5
    )
    meeting_interval_days = models.PositiveSmallIntegerField(
        _("case meeting every (calendar days)"), default=14
    )

    class Meta:
        db_table = "escalation_regionnorms"  # kept where it was made, before the norms moved to the network
        verbose_name = _("norms of a region")
        verbose_name_plural = _("norms of regions")

    def __str__(self) -> str:
        return str(self.region)

    def step_days(self, step: int) -> int | None:
        """Working days step 1 (regisseur), 2 (line manager) or 3 (network coordinator or manager) of the
        escalation ladder has to decide; None on the last step (the tactical platform)."""
        return {
            1: self.step_regisseur_days,
            2: self.step_line_manager_days,
            3: self.step_coordinator_days,
        }.get(int(step))


def norms_for(region_id: int) -> RegionNorms:
    """The region's norms (the defaults, stored, when nobody set them yet)."""
    norms, _created = RegionNorms.objects.get_or_create(region_id=region_id)
    return norms
