"""Who is involved with which household, and the access log of every look at personal data."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.actors import Channel
from verband.network.models import Network, Organisation, OrganisationKind


class Purpose(models.TextChoices):
    SAFETY_ASSESSMENT = "safety_assessment", _("Safety assessment")
    HELP = "help", _("Help and support")
    CASE_DIRECTION = "case_direction", _("Case direction (regie)")
    PROTECTION = "protection", _("Protection")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    MONITORING = "monitoring", _("Monitoring")


# An involvement's purpose is one of the partners' purposes (what signals are routed for), or emergency
# access: one person opening a household in acute danger (`collaboration.emergency`), never routed.
EMERGENCY = "emergency"
INVOLVEMENT_PURPOSES = [*Purpose.choices, (EMERGENCY, _("Emergency access (acute danger)"))]


class LegalBasis(models.TextChoices):
    LEGAL_TASK = "legal_task", _("Statutory task")
    CONSENT = "consent", _("Consent of the person concerned")
    COVENANT = "covenant", _("Covenant between partners")
    SERIOUS_DANGER = "serious_danger", _("Serious danger (conflict of duties)")


class EndReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Goals reached")
    TAKEN_OVER = "taken_over", _("Taken over by another partner")
    MOVED = "moved", _("Moved out of our area")
    CARE_REFUSED = "care_refused", _("Help refused")
    NOT_NEEDED = "not_needed", _("Our part is no longer needed")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CASE_CLOSED = "case_closed", _("The regisseur closed the case")


# The reasons a partner gives itself (the case's closing ends the others' involvements, `measures.closing`).
PARTNER_END_REASONS = [(value, label) for value, label in EndReason.choices if value != EndReason.CASE_CLOSED]


def kinds_now(organisation_id: int | None, network_id: int | None) -> tuple[str, list[str]]:
    """The kind of the organisation, and the kinds of the network's organisations, as they are now."""
    kind = ""
    if organisation_id is not None:
        kind = Organisation.objects.filter(pk=organisation_id).values_list("kind", flat=True).first() or ""
    kinds: list[str] = []
    if network_id is not None:
        through = Network.organisations.through.objects.filter(network_id=network_id)
        kinds = sorted(set(through.values_list("organisation__kind", flat=True)))
    return kind, kinds


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def active(self, on: Any = None) -> InvolvementQuerySet:
        """Involved on the day `on` (today): started, not past its last day, and not ended on or before
        that day (an involvement ended today gives no access from the moment it was ended)."""
        day = on or timezone.localdate()
        # Ended at a moment (by the partner, or an emergency access running out): to the minute today,
        # by the day for a day in the past.
        ended = Q(ended_at__gt=timezone.now()) if on is None else Q(ended_at__date__gt=day)
        return (
            self.filter(started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
            .filter(Q(ended_at__isnull=True) | ended)
        )


class Involvement(models.Model):
    """An organisation, one of its teams, or a network is involved with a household for a purpose
    from a date. This — and nothing else — opens the household to the people it covers."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="involvements",
        verbose_name=_("household"),
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        "network.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("team"),
    )
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("network"),
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=INVOLVEMENT_PURPOSES)
    legal_basis = models.CharField(_("legal basis"), max_length=40, choices=LegalBasis.choices)
    started_on = models.DateField(_("involved since"))
    ended_on = models.DateField(_("involved until"), null=True, blank=True)
    # Ended by the partner itself (`collaboration.involvements.end_involvement`): access ends at this moment.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(_("note on the ending"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # A report is never a way in: an involvement created by taking up a report names whom it must NOT
    # open the household to — the reporting person (in any of their memberships) and, unless the party
    # that took it up is a team of that organisation, the reporting organisation (`sharing.access`).
    excluded_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("not open to organisation"),
    )
    excluded_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("not open to person"),
    )

    # Emergency access (break the glass) opens the household to one person only, until `ended_at`.
    only_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for person"),
    )

    # Why this party may see the household, as the professional chose it (`SharingBasis`): taking up,
    # or the handover it accepted. Empty for involvements made before bases were recorded, by the system.
    basis_record = models.ForeignKey(
        "sharing.SharingBasis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Help starts with contact: a partner involved for help records when it first reached the household
    # (the region's norm counts working days from the start of the involvement).
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The kind of organisation of the party when the involvement started (a network's: the kinds of its
    # organisations then), kept as it was: the retention period counts these as well as the kinds now, so
    # changing an organisation's kind later never shortens how long a household it worked with is kept
    # (`verband.retention`). Filled when the involvement is made (`save`).
    organisation_kind = models.CharField(
        _("kind of organisation then"), max_length=40, choices=OrganisationKind.choices, blank=True
    )
    network_kinds = models.JSONField(_("kinds of the network's organisations then"), default=list, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["started_on", "pk"]
        constraints = [
            # A team involvement names the team's organisation too; a network involvement has no single
            # organisation; an organisation-wide involvement has neither team nor network.
            models.CheckConstraint(
                condition=(Q(network__isnull=True) & Q(organisation__isnull=False))
                | (Q(network__isnull=False) & Q(team__isnull=True) & Q(organisation__isnull=True)),
                name="involvement_party",
            ),
            # An involvement of an organisation (or its team) cannot be closed to that organisation.
            models.CheckConstraint(
                condition=~Q(excluded_organisation=F("organisation")),
                name="involvement_not_closed_to_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "started_on"]),
            models.Index(fields=["organisation", "started_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.party} — {self.household}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.organisation_kind and not self.network_kinds:
            self.organisation_kind, self.network_kinds = kinds_now(self.organisation_id, self.network_id)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if (
            self.team is not None
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(_("The team must belong to the organisation."))

    @property
    def party(self) -> Any:
        return self.network or self.team or self.organisation

    @property
    def contact(self) -> dict[str, str]:
        """Who to call: the person who took it up, and the contact point of the team (or its
        organisation), network or organisation."""
        points = [self.network, self.team, self.organisation, self.team.organisation if self.team else None]
        phone = next((p.phone for p in points if p is not None and p.phone), "")
        email = next((p.email for p in points if p is not None and p.email), "")
        person = self.created_by.get_full_name() if self.created_by else ""
        return {"phone": phone, "email": email, "person": person}


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied (not found)")


# How the log's codes read in the interface.
ACTION_LABELS = {
    "view": _("viewed"),
    "list": _("listed"),
    "create": _("created"),
    "update": _("changed"),
    "sign_in": _("signed in"),
    "sign_out": _("signed out"),
    "session_expired": _("session expired"),
    "verify": _("verified"),
    "end": _("ended"),
    "close": _("closed"),
    "reopen": _("opened again"),
    "merge": _("merged"),
    "split": _("split off"),
    "undo_merge": _("merge or split undone"),
    "emergency": _("asked emergency access to"),
    "judge": _("judged"),
    "alarm": _("raised an alarm about"),
    "grant": _("granted"),
    "change": _("changed"),
    "revoke": _("revoked"),
    "export": _("exported"),
    "export_list": _("exported in a list (CSV or Excel)"),
    "approve": _("approved"),
    "propose": _("change proposed"),
    "delete": _("deleted"),
    "withdraw": _("withdrew"),
    "use": _("used"),
    "link": _("linked"),
    "pseudonymise": _("pseudonymised"),
    "run": _("carried out"),
    "extend": _("extended"),
    "complete": _("completed"),
    "download": _("downloaded"),
    "search": _("entered"),
    "redeem": _("redeemed"),
}
OBJECT_LABELS = {
    "household": _("household"),
    "involvement": _("involvement"),
    "involvement_exclusion": _("involvement closed to the reporter"),
    "own_report_take_up": _("take-up of a report by the own organisation"),
    "session": _("session"),
    "access_log": _("access log"),
    "page": _("page"),
    "api": _("API"),
    "addresses": _("addresses and reported data"),
    "address": _("address"),
    "address_marked": _("address marked confidential"),
    "address_lifted": _("confidentiality of an address lifted"),
    "address_disclosed": _("confidential address disclosed"),
    "address_revoked": _("disclosure of an address revoked"),
    "reported_statement": _("reported data confirmed or dismissed"),
    "shields": _("shielding page"),
    "shield": _("item shielded from a member"),
    "shield_lift": _("shield lifted for a member"),
    "involvement_scope": _("involvement for named members"),
    "unusual_volume": _("unusual volume of reports or persons shown"),
    "signal_pending": _("signal before take-up"),
    "recognition": _("recognition of persons"),
    "recognition_queue": _("signals to be confirmed (recognition)"),
    "merge": _("merging and splitting"),
    "person": _("person"),
    "agenda_candidates": _("candidates for a meeting's agenda"),
    "case_meeting": _("case meeting"),
    "emergency_access": _("emergency access"),
    "escalation": _("escalation"),
    "barrier": _("system barrier"),
    "barrier_case": _("household linked to a system barrier"),
    "platform": _("tactical or strategic platform"),
    "platform_meeting": _("platform meeting"),
    "platform_priority": _("platform priority"),
    "platform_decision": _("platform decision"),
    "agenda_item": _("platform agenda item"),
    "family_plan": _("family plan"),
    "handover": _("handover"),
    "help": _("help"),
    "inbox": _("inbox"),
    "instrument": _("instrument"),
    "instrument_result": _("outcome of an instrument"),
    "monitor": _("overview of households between the cracks"),
    "notification_setting": _("e-mail setting for notifications"),
    "network": _("network"),
    "plan_action": _("action of the family plan"),
    "plan_pdf": _("family plan (PDF)"),
    "portal_page": _("page of the household's door"),
    "member_words": _("a member's own words in the plan"),
    "member_response": _("a member's answer to a plan version"),
    "member_message": _("message between a member and the regisseur"),
    "member_thread": _("a member's questions to the regisseur"),
    "member_questions": _("questions from households"),
    "member_voice": _("words, questions and feedback of the household's members"),
    "member_feedback": _("a member's feedback on the help"),
    "meeting_invitation": _("invitation of a member to a meeting"),
    "member_access": _("access to the household's door"),
    "invitation_letter": _("invitation letter for the household's door"),
    "regie": _("regie"),
    "regie_transfer": _("transfer of regie"),
    "relation": _("relation"),
    "routing": _("routing"),
    "safety": _("safety"),
    "safety_assessment": _("safety assessment"),
    "sign_in": _("sign-in"),
    "signal": _("signal"),
    "signal_feedback": _("feedback to the reporter"),
    "timeline": _("timeline"),
    "user": _("account"),
    "membership": _("membership and role"),
    "api_token": _("API token"),
    "shelter_address": _("shelter address"),
    "organisation": _("organisation"),
    "organisation_kind": _("kind of an organisation"),
    "activation": _("activation of a partner"),
    "danger_fact": _("danger for professionals"),
    "consent": _("consent"),
    "sharing_basis": _("legal bases of what was shared"),
    "consents": _("consents and legal bases"),
    "consent_form": _("form to record consent"),
    "consent_withdrawal": _("withdrawal of a consent"),
    "consultation": _("anonymous case consultation"),
    "consultation_advice": _("advice in an anonymous case consultation"),
    "rights_request": _("request under the AVG"),
    "rights_export": _("export of a member's data (AVG)"),
    "retention_sweep": _("sweep after the retention period"),
    "retention_reports": _("retention periods and reports"),
    "measure": _("protective measure"),
    "measure_form": _("form to record a protective measure"),
    "task": _("task"),
    "closing": _("closing of a case"),
    "journal": _("journal"),
    "journal_entry": _("journal entry"),
    "journal_form": _("journal form"),
    "documents": _("documents"),
    "document": _("document of a household"),
    "steering_table": _("table of steering numbers (no persons)"),
    "steering_report": _("quarterly steering report (no persons)"),
    "search": _("search query"),
}


def _field_names(model_label: str, names: list[str]) -> list[str]:
    """The fields' names as the admin shows them (`fields:<app.model>:<field>,…` of an admin's change)."""
    try:
        meta = apps.get_model(model_label)._meta
    except (LookupError, ValueError):
        return names
    shown = []
    for name in names:
        try:
            shown.append(str(meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            shown.append(name)
    return shown


def basis_label(basis: str) -> str:
    """`involvement:<id>:<purpose>:<legal basis>` (or `<legal basis>:<purpose>`) in words."""
    purposes, bases = dict(INVOLVEMENT_PURPOSES), dict(LegalBasis.choices)
    parts = basis.split(":")
    if len(parts) == 4 and parts[0] == "involvement":
        return f"{_('involvement')} {parts[1]}: {purposes.get(parts[2], parts[2])}, {bases.get(parts[3], parts[3])}"
    if len(parts) == 3 and parts[0] == "excludes":
        return _("not open to organisation %(organisation)s nor to user %(user)s") % {
            "organisation": parts[1] or "—",
            "user": parts[2] or "—",
        }
    if len(parts) == 2 and parts[0] == "consent" and parts[1] in ConsentStatus.values:
        return f"{_('consent')}: {str(ConsentStatus(parts[1]).label).lower()}"
    if len(parts) == 2 and parts[0] in bases:
        return f"{bases[parts[0]]}, {purposes.get(parts[1], parts[1])}"
    if basis == "anonymous_consultation":
        return str(
            _("anonymous case consultation in a network (no consent needed while nobody is identified)")
        )
    if len(parts) == 3 and parts[0] == "kind":
        kinds = dict(OrganisationKind.choices)
        return f"{_('kind')}: {kinds.get(parts[1], parts[1])} → {kinds.get(parts[2], parts[2])}"
    if len(parts) == 3 and parts[0] == "fields":
        return _("changed: %(fields)s") % {"fields": ", ".join(_field_names(parts[1], parts[2].split(",")))}
    if parts[0] == "review":
        judgements = dict(Judgement.choices)
        judged = judgements.get(parts[1], parts[1]) if len(parts) == 2 else ""
        return f"{_('review by the privacy officer')}{': ' + str(judged).lower() if judged else ''}"
    return basis


ACTOR_ROLE_LABELS = {"api_client": _("system of the organisation (API)"), "system": _("Verband itself")}


class Judgement(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified")


class EmergencyAccess(models.Model):
    """A professional not involved opened a household in acute danger (break the glass): the written
    reason, and the privacy officer's judgement afterwards. The access itself is the involvement, for
    this one person and until its end (`Involvement.only_user`, `ended_at`)."""

    involvement = models.OneToOneField(Involvement, on_delete=models.PROTECT, related_name="emergency")
    reason = models.TextField(_("reason"))
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judgement = models.CharField(_("judgement"), max_length=20, choices=Judgement.choices, blank=True)
    judgement_note = models.TextField(_("note on the judgement"), blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"emergency access {self.pk}"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """The access log's rows are written once: no update or delete through the ORM (the database refuses
    them as well; see the migrations)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AppendOnly(models.Model):
    """A row of the access log: saved once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AccessLogQuerySet(AppendOnlyQuerySet):
    def about(self, *, household_id: int | None = None, person_id: int | None = None) -> AccessLogQuerySet:
        """Entries about this household and/or person: as the entry's own subject or among the subjects
        it lists."""
        own, listed = models.Q(), models.Q()
        if household_id is not None:
            own &= models.Q(subject_household_id=household_id)
            listed &= models.Q(household_id=household_id)
        if person_id is not None:
            own &= models.Q(subject_person_id=person_id)
            listed &= models.Q(person_id=person_id)
        rows = AccessLogSubject.objects.filter(listed).values("entry_id")
        return self.filter(own | models.Q(pk__in=rows))


class AccessLogEntry(AppendOnly):
    """One entry of the access log (NEN 7513): who, acting for which organisation and role, looked at
    or changed whose data, which object, when, on which basis, and with what outcome.

    Identifiers and labels of the actor are copied, not linked, so the log outlives users and
    organisations. Each entry carries the HMAC of its own fields (`mac`) from the moment it is written;
    the sealer then chains it (`AccessLogSeal`): changing or removing an entry breaks the chain."""

    at = models.DateTimeField(editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=40, blank=True)
    token_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, blank=True)
    subject_household_id = models.BigIntegerField(null=True, db_index=True)
    subject_person_id = models.BigIntegerField(null=True, db_index=True)
    basis = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(null=True)
    path = models.CharField(max_length=300, blank=True)
    mac = models.CharField(max_length=64, default="", editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["pk"]
        indexes = [models.Index(fields=["user_id", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type} {self.object_id}"


class AccessLogSubject(AppendOnly):
    """One subject of an entry that lists several: a household, or a person in it, shown or changed by the
    one action the entry records (a page listing households writes one entry with a row here for each
    household and each member it names). Covered by the entry's hash, so a subject added, removed or
    changed breaks the chain. An entry about a single subject keeps it in the entry itself."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.PROTECT, related_name="subjects")
    position = models.PositiveIntegerField()
    household_id = models.BigIntegerField(null=True, db_index=True)
    person_id = models.BigIntegerField(null=True, db_index=True)
    basis = models.CharField(max_length=120, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log subject")
        verbose_name_plural = _("access log subjects")
        ordering = ["entry_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="accesslog_subject_position")
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id}.{self.position} household {self.household_id} person {self.person_id}"


class AccessLogSeal(AppendOnly):
    """An entry's place in the chain, written by the sealer shortly after the entry: its sequence number,
    the entry's own HMAC as it was when sealed, the previous link's hash and this link's hash over all of
    them. Append-only like the entries (the database refuses an UPDATE)."""

    seq = models.BigIntegerField(unique=True)
    entry = models.OneToOneField(AccessLogEntry, on_delete=models.PROTECT, related_name="seal")
    entry_mac = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log seal")
        verbose_name_plural = _("access log seals")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"seal #{self.seq} of entry {self.entry_id}"


class AccessLogPending(models.Model):
    """An entry written but not yet sealed: inserted in the same transaction as the entry, so the sealer
    sees an entry exactly when it is committed, whatever order the database hands out ids in; removed when
    the entry is sealed. Small by design: a queue, not part of the log."""

    entry = models.OneToOneField(AccessLogEntry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("access log entry to seal")
        verbose_name_plural = _("access log entries to seal")

    def __str__(self) -> str:
        return f"entry {self.entry_id} to seal"


class AccessLogHead(models.Model):
    """The end of the chain: the last sequence number and link hash. Only the sealer locks this row
    (writers of entries never do); comparing it with the last seal reveals seals cut off at the end."""

    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="")
    # HMAC over seq and entry_hash: rewriting the head to hide entries cut off at the end needs the key.
    head_mac = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentManner(models.TextChoices):
    VERBAL = "verbal", _("Verbally")
    WRITTEN = "written", _("In writing (signed)")
    DIGITAL = "digital", _("Digitally (e-mail or message)")


class InformationScope(models.TextChoices):
    """Which information a consent covers."""

    ALL = "all", _("The whole file")
    PLAN = "plan", _("Plan, agreements and case meetings")
    SAFETY = "safety", _("Safety assessment and safety plan")
    HELP = "help", _("Help deployed")
    ADDRESS = "address", _("Where the person stays (address)")


class Consent(models.Model):
    """One person's consent to share their information: given or refused, with its scope (which partners,
    which information), how and when, until when; withdrawn later with how and when. A record is never
    edited: withdrawing sets the withdrawal fields once; a new consent is a new record."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    status = models.CharField(_("consent"), max_length=20, choices=ConsentStatus.choices)
    partners = models.ManyToManyField(
        "network.Organisation", related_name="+", blank=True, verbose_name=_("with which partners")
    )
    information = models.JSONField(_("which information"), default=list)
    manner = models.CharField(_("how"), max_length=20, choices=ConsentManner.choices)
    given_on = models.DateField(_("on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_manner = models.CharField(_("how"), max_length=20, choices=ConsentManner.choices, blank=True)
    withdrawn_note = models.TextField(_("note on the withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="consent_withdrawn_when_withdrawn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} — {self.person}"

    def information_labels(self) -> list[str]:
        labels = dict(InformationScope.choices)
        return [str(labels.get(code, code)) for code in self.information]

    def covers(self, information: str) -> bool:
        return InformationScope.ALL in self.information or information in self.information

    def in_force(self, on: Any = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.status == ConsentStatus.GIVEN
            and self.given_on <= day
            and (self.valid_until is None or self.valid_until >= day)
        )


class SharingKind(models.TextChoices):
    """What a recorded basis is for."""

    TAKE_UP = "take_up", _("Taking up a signal")
    HANDOVER = "handover", _("Involving a partner")
    ADDRESS = "address_disclosure", _("Disclosing an address")
    SHIELD_LIFT = "shield_lift", _("Sharing an item with a member")


# The five questions a professional answers before sharing without consent (the source documents'
# "vijf vragen"), and why it is not done with consent. Field name → question.
FIVE_QUESTIONS = {
    "q_purpose": _("1. What is the purpose of sharing?"),
    "q_need_to_know": _("2. Is this information need-to-know for that purpose?"),
    "q_subsidiarity": _("3. Could a lighter step do (subsidiarity)?"),
    "q_proportionality": _("4. Is what you share in proportion to the purpose?"),
    "q_effectiveness": _("5. Is it effective to share it with these colleagues?"),
    "q_without_consent": _("Why is it not done with the person's consent?"),
}


class SharingBasis(models.Model):
    """The legal basis a professional chose for one act of sharing (taking up, involving a partner,
    disclosing an address, sharing an item), as proposed by the routing rule or the kind of act: with the
    consent it rests on, or the five questions answered when it does not rest on consent."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("for"), max_length=30, choices=SharingKind.choices)
    # The act it was recorded for: an involvement, handover, address decision or shield decision id.
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=40, choices=LegalBasis.choices)
    proposed_basis = models.CharField(
        _("proposed legal basis"), max_length=40, choices=LegalBasis.choices, blank=True
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bases",
        verbose_name=_("consent"),
    )
    q_purpose = models.TextField(blank=True)
    q_need_to_know = models.TextField(blank=True)
    q_subsidiarity = models.TextField(blank=True)
    q_proportionality = models.TextField(blank=True)
    q_effectiveness = models.TextField(blank=True)
    q_without_consent = models.TextField(blank=True)
    chosen_at = models.DateTimeField(default=timezone.now)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_by_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("legal basis of a disclosure")
        verbose_name_plural = _("legal bases of disclosures")
        ordering = ["-chosen_at", "-pk"]
        indexes = [models.Index(fields=["kind", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_legal_basis_display()}"

    def answers(self) -> list[tuple[str, str]]:
        """The five questions with their answers, in order (empty when it rests on consent)."""
        return [(str(q), getattr(self, f)) for f, q in FIVE_QUESTIONS.items() if getattr(self, f)]
