"""Signals from any door, who they are about, and the activations routing makes from them.

A signal is stored before anything else happens (status `received`); recognition links its persons to
the register and a household; routing then activates partners in parallel (status `routed`). A worker
finishes routing for any signal left behind, exactly once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.households.models import MemberRole, Sex, partial_date_display, partial_date_iso
from verband.sharing.models import LegalBasis, Purpose
from verband.statemachine import StateMachine


class SignalKind(models.TextChoices):
    REPORT = "report", _("Report (melding)")
    ADVICE = "advice_request", _("Advice request")
    POLICE = "police_registration", _("Police registration")
    SELF_REFERRAL = "self_referral", _("Self-referral (recorded on someone's behalf)")
    # From anyone without an account, through the public door (`verband.publicdoor`): routed to the
    # reporting centre alone, which weighs it first.
    CITIZEN_ADVICE = "citizen_advice", _("Advice request from a citizen")
    CITIZEN_REPORT = "citizen_report", _("Report from a citizen")


CITIZEN_KINDS = frozenset({SignalKind.CITIZEN_ADVICE, SignalKind.CITIZEN_REPORT})
# What a professional or a partner system reports (the intake form, the API).
PROFESSIONAL_KINDS = [choice for choice in SignalKind.choices if choice[0] not in CITIZEN_KINDS]
# The channel of a signal from the public door (a signal's channel is otherwise the actor's: web, api).
PUBLIC_CHANNEL = "public"


class ViolenceForm(models.TextChoices):
    PHYSICAL = "physical", _("Physical violence")
    PSYCHOLOGICAL = "psychological", _("Psychological violence")
    SEXUAL = "sexual", _("Sexual violence")
    NEGLECT = "neglect", _("Neglect")
    COERCIVE_CONTROL = "coercive_control", _("Coercive control")
    STALKING = "stalking", _("Stalking")
    HONOUR = "honour", _("Honour-related violence")
    FINANCIAL = "financial", _("Financial exploitation")
    ELDER_ABUSE = "elder_abuse", _("Elder abuse")
    WITNESSING = "witnessing", _("Children witnessing violence")


class SignalStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ROUTED = "routed", _("Routed")


# A signal is received at once and routed by the worker (recognition, household, activations).
SIGNAL_FLOW = StateMachine("signal", {SignalStatus.RECEIVED: {SignalStatus.ROUTED}}, choices=SignalStatus)


class Signal(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    region = models.ForeignKey("network.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=SignalKind.choices)
    channel = models.CharField(_("channel"), max_length=10)  # web / api
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.RECEIVED
    )
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="signals"
    )
    # Who reports.
    source_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_function = models.CharField(_("reporter's function"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    anonymous_to_household = models.BooleanField(
        _("reporter stays anonymous towards the household"), default=False
    )
    # A citizen through the public door: an e-mail address (optional), whether the reporting centre may
    # contact them, and the receipt they were given — random, it names and opens nothing.
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    may_contact = models.BooleanField(_("the reporter may be contacted"), default=False)
    receipt = models.CharField(_("receipt given to the citizen"), max_length=20, blank=True, db_index=True)
    # What happened.
    description = models.TextField(_("what happened"))
    violence_forms = models.JSONField(_("forms of violence"), default=list, blank=True)
    children_involved = models.BooleanField(_("children in the household"), default=False)
    children_witness = models.BooleanField(_("children witnessed it"), default=False)
    weapon_mentioned = models.BooleanField(_("weapon mentioned"), default=False)
    acute_danger = models.BooleanField(_("acute danger"), default=False)
    occurred_on = models.DateField(_("when"), null=True, blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode of the household"), max_length=7, blank=True)
    # The API's Idempotency-Key: the same key from the same organisation is the same signal.
    # NULL (not "") when absent, so that the conditional unique constraint leaves key-less signals alone.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True)
    recognition_confirmed = models.BooleanField(default=False)
    # Linked to a household that was closed less than 12 months before it came in: the household was
    # opened again, and this is a repeat report after closing (issue 14, item 6).
    repeat_after_closing = models.BooleanField(_("repeat report after closing"), default=False)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_organisation", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="signal_idempotency_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["household", "-received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def violence_labels(self) -> list[str]:
        labels = dict(ViolenceForm.choices)
        return [str(labels.get(v, v)) for v in self.violence_forms]


class MatchState(models.TextChoices):
    PENDING = "pending", _("To be recognised")
    AUTO = "auto", _("Recognised automatically")
    CONFIRMED = "confirmed", _("Recognised by the professional")
    NEW = "new", _("New person")
    # A likely match: linked to the known person (and household) until the reporting centre confirms it
    # (CONFIRMED) or says it is someone else (NEW, with a person of their own).
    LIKELY = "likely", _("Likely match, to be confirmed")


class StatementState(models.TextChoices):
    NONE = "none", _("Nothing new")
    PENDING = "pending", _("To be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class SignalPerson(models.Model):
    """A person as the reporter described them — possibly partial or misspelled — and who in the
    register they turned out to be."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    surname_prefix = models.CharField(_("surname prefix"), max_length=20, blank=True)
    family_name = models.CharField(_("family name"), max_length=200)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(_("sex as recorded"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_confidential = models.BooleanField(_("shelter or confidential address"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="signal_mentions"
    )
    match_state = models.CharField(max_length=10, choices=MatchState.choices, default=MatchState.PENDING)
    # The candidates as shown when the decision was made: [{"person": id, "score": 0.93, "reasons": [...]}]
    candidates = models.JSONField(default=list, blank=True)
    # What the report says about a person already known (another address, phone, language) is this
    # signal's statement: it changes the known data only when an involved professional confirms it.
    statement = models.CharField(
        max_length=10, choices=StatementState.choices, default=StatementState.NONE, db_index=True
    )
    statement_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    statement_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        surname = f"{self.surname_prefix} {self.family_name}".strip()
        return f"{self.given_names} {surname}".strip()

    @property
    def birth_iso(self) -> str | None:
        return partial_date_iso(self.birth_year, self.birth_month, self.birth_day)

    @property
    def birth_display(self) -> str:
        return partial_date_display(self.birth_year, self.birth_month, self.birth_day)

    @property
    def reported_address(self) -> dict[str, str] | None:
        if not (self.street or self.postcode):
            return None
        return {
            "street": self.street,
            "house_number": self.house_number,
            "postcode": self.postcode,
            "city": self.city,
        }


class RuleCondition(models.TextChoices):
    EVERY_SIGNAL = "every", _("Every signal")
    ACUTE_DANGER = "acute", _("Acute danger")
    CHILDREN = "children", _("Children involved")
    FALLBACK = "fallback", _("Nobody else found (and handed back signals)")


class RuleTarget(models.TextChoices):
    FIXED = "fixed", _("The team or network named in this rule")
    COVERING_TEAM = "covering_team", _("The team of the organisation below that covers the postcode")
    COVERING_NETWORK = "covering_network", _("The network that covers the postcode")


class RoutingRule(models.Model):
    """Routing as configuration, per region, edited in the admin: when a signal meets the condition,
    activate the target for a purpose within a time norm in working days."""

    region = models.ForeignKey("network.Region", on_delete=models.CASCADE, related_name="routing_rules")
    name = models.CharField(_("name"), max_length=200)
    condition = models.CharField(_("when"), max_length=20, choices=RuleCondition.choices)
    target = models.CharField(_("whom"), max_length=20, choices=RuleTarget.choices)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For 'the covering team': whose teams."),
    )
    team = models.ForeignKey(
        "network.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    legal_basis = models.CharField(
        _("proposed legal basis"),
        max_length=40,
        choices=LegalBasis.choices,
        blank=True,
        help_text=_("Proposed to whoever takes it up; empty: the usual basis for the purpose."),
    )
    norm_working_days = models.PositiveSmallIntegerField(
        _("time norm in working days"), help_text=_("0 means the same working day.")
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["region", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ActivationStatus(models.TextChoices):
    OPEN = "open", _("Waiting to be taken up")
    ACCEPTED = "accepted", _("Taken up")
    HANDED_BACK = "handed_back", _("Handed back")
    FORWARDED = "forwarded", _("Sent on")
    ACKNOWLEDGED = "acknowledged", _("Seen")


# An activation waits for its partner, who takes it up, hands it back, or (the routing desk) sends it on.
# An update (for a partner already involved) is acknowledged: "Gezien".
ACTIVATION_FLOW = StateMachine(
    "activation",
    {
        ActivationStatus.OPEN: {
            ActivationStatus.ACCEPTED,
            ActivationStatus.HANDED_BACK,
            ActivationStatus.FORWARDED,
            ActivationStatus.ACKNOWLEDGED,
        }
    },
    choices=ActivationStatus,
)


class Activation(models.Model):
    """A partner asked to act on a household for a purpose, with a clock. Taking it up creates the
    involvement that opens the household; handing it back needs a reason and goes back to routing.

    A partner already involved with the household is not asked to take it up again: the activation is an
    `update` that it acknowledges ("Gezien") within the region's `acknowledge_days`."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="activations")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="activations"
    )
    team = models.ForeignKey(
        "network.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    rule = models.ForeignKey(RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("why"), max_length=300)
    norm_working_days = models.PositiveSmallIntegerField(_("time norm in working days"))
    due_on = models.DateField(_("due"))
    urgent = models.BooleanField(_("urgent"), default=False)
    update = models.BooleanField(_("update for a partner already involved"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=15, choices=ActivationStatus.choices, default=ActivationStatus.OPEN
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handback_reason = models.TextField(_("reason for handing back"), blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next"
    )

    class Meta:
        verbose_name = _("activation")
        verbose_name_plural = _("activations")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["network", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, network__isnull=True)
                | models.Q(team__isnull=True, network__isnull=False),
                name="activation_one_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal} → {self.party_name}"

    @property
    def is_open(self) -> bool:
        return self.status == ActivationStatus.OPEN

    @property
    def party(self) -> Any:
        return self.team or self.network

    @property
    def party_name(self) -> str:
        return str(self.party)


class FeedbackMoment(models.TextChoices):
    """When the law asks the reporting centre to tell a professional reporter what follows (Wmo 2015
    art. 4.1.1, Wet verplichte meldcode)."""

    ASSESSMENT = "assessment", _("End of the safety assessment")
    HANDOVER = "handover", _("After a handover")


class FollowUp(models.TextChoices):
    """The follow-up the reporting centre chose, from Veilig Thuis' own closed list."""

    NONE = "none", _("No further help needed")
    LOCAL_TEAM = "local_team", _("The local team (wijkteam) takes it up")
    VOLUNTARY_HELP = "voluntary_help", _("Voluntary help through the network")
    MONITORING = "monitoring", _("Veilig Thuis sets safety conditions and monitors them")
    INVESTIGATION = "investigation", _("Veilig Thuis investigates")
    SCALED_UP = "scaled_up", _("Scaled up to the multidisciplinary approach")
    CHILD_PROTECTION_BOARD = (
        "child_protection_board",
        _("Council for Child Protection (Raad voor de Kinderbescherming)"),
    )
    POLICE_JUSTICE = "police_justice", _("Police and justice")


class ReporterFeedback(models.Model):
    """The statutory feedback to a professional reporter: which follow-up was chosen and by whom (the
    organisation, never a team or a person, never a shelter) — no more. One per signal and moment."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="feedback")
    moment = models.CharField(_("moment"), max_length=20, choices=FeedbackMoment.choices)
    follow_up = models.CharField(_("follow-up"), max_length=30, choices=FollowUp.choices)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken up by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Who gave it (accountability): the professional of the reporting centre, or who accepted a handover.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(_("given by"), max_length=200, blank=True)
    by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # To whom: the reporter of the signal as it was when the feedback was given.
    source_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        "safety.SafetyAssessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The handover it followed (collaboration lies above signals: the id, not a key).
    handover_id = models.PositiveIntegerField(null=True, blank=True)
    notified = models.BooleanField(_("reporter notified"), default=False)

    class Meta:
        verbose_name = _("feedback to the reporter")
        verbose_name_plural = _("feedback to reporters")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "moment"], name="reporter_feedback_once_per_moment")
        ]

    def __str__(self) -> str:
        return f"{self.signal} {self.moment}: {self.follow_up}"
