"""Reads of escalations and the monitor of households between the cracks.

`visible_escalations` answers "may this user see this escalation?": those it was put to and the one who
asked. The monitor lists household references with reasons and durations, never names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from verband.actors import Actor
from verband.collaboration.models import Handover, HandoverStatus, Help, HelpStatus
from verband.escalation.models import Escalation, EscalationKind, EscalationStatus, Step
from verband.households.models import Household, HouseholdStatus
from verband.network.models import Membership, Role
from verband.plans.models import Regie, RegieTransfer, TransferStatus
from verband.safety.models import SafetyAssessment
from verband.sharing.access import visible_households
from verband.sharing.models import Involvement
from verband.shielding.scope import Scope


def _put_to(membership: Membership) -> Q:
    """Put to this membership, or reopened higher as an escalation put to it: whoever an escalation is
    put to reads the decisions before it (at most three reopenings: the ladder has four steps)."""
    q = Q(recipients__membership=membership)
    path = ""
    for _level in range(Step.TACTICAL - Step.REGISSEUR):
        path += "reopened_as__"
        q |= Q(**{f"{path}recipients__membership": membership})
    return q


def visible_escalations(actor: Actor) -> QuerySet[Escalation]:
    if actor.membership is None or actor.user is None:
        return Escalation.objects.none()
    put_to = _put_to(actor.membership)
    asked = Q(opened_by=actor.user, household__region_id=actor.membership.organisation.region_id)
    return Escalation.objects.filter(Q(pk__in=Escalation.objects.filter(put_to).values("pk")) | asked)


def may_decide(actor: Actor, escalation: Escalation) -> bool:
    """Anyone the escalation was put to may decide it, at any step it reached."""
    return (
        escalation.is_open
        and actor.membership is not None
        and escalation.recipients.filter(membership=actor.membership).exists()
    )


def sees_whole(actor: Actor, escalation: Escalation) -> bool:
    """Whether a shelter involved with the escalation's household may be named to the actor
    (`Scope.names_organisation`: the shelter is where she is): not when the actor's organisation works
    with the household for named members only (probation with the perpetrator) and the actor does not
    see it whole otherwise. Line managers and coordinators of other partners do not see households; they
    are not kept from it."""
    from verband.sharing.access import can_see_household
    from verband.shielding.scope import members_of, view_scope

    household = escalation.household
    if household is None:
        return True
    if can_see_household(actor, household) and view_scope(actor, household).whole:
        return True
    organisation = actor.organisation.pk if actor.organisation else 0
    own = list(
        Involvement.objects.active()
        .filter(household=household, organisation_id=organisation)
        .prefetch_related("scoped_members")
    )
    return not own or members_of(own)[0]


def decision_people(escalation: Escalation, actor: Actor | None = None) -> list[Membership]:
    """Who a decision can give the action to, or hand the escalation over to: the case workers who act
    (not experience experts) of the organisations the stall waits for, of those involved with the
    household, and of those it was put to. Given the deciding `actor`, a shelter's workers are offered
    only when the actor sees the household whole: a line manager of probation, on the ladder of the
    perpetrator's household, must not learn from the list that a shelter works with the family."""
    from verband.network.models import ACTING_ROLES, OrganisationKind
    from verband.sharing.access import involved_organisation_ids

    organisations = set(escalation.parties.values_list("pk", flat=True))
    organisations |= set(escalation.recipients.values_list("membership__organisation_id", flat=True))
    if escalation.household_id is not None:
        organisations |= set(involved_organisation_ids([escalation.household_id]))
    people = Membership.objects.active().filter(role__in=ACTING_ROLES, organisation_id__in=organisations)
    if actor is not None and not sees_whole(actor, escalation):
        people = people.exclude(organisation__kind=OrganisationKind.SHELTER)
    return list(
        people.select_related("user", "organisation", "team").order_by(
            "organisation__name", "user__last_name", "user__first_name", "pk"
        )
    )


def reads_decision(actor: Actor, escalation: Escalation) -> bool:
    """The decider and everyone the escalation was put to read its decision afterwards (the form says it
    is read by managers too, so it names no family members); a viewer for whom what stalls is shielded
    reads it only when they decided it themselves."""
    if actor.membership is None or actor.user is None:
        return False
    if escalation.decided_by_id == actor.user.pk:
        return True
    if getattr(escalation, "summary_shielded", False):
        return False
    return Escalation.objects.filter(pk=escalation.pk).filter(_put_to(actor.membership)).exists()


def regisseurs_of(household_id: int) -> set[int]:
    """The memberships that hold the regie of a household now."""
    return set(
        Regie.objects.filter(household_id=household_id, ended_at__isnull=True).values_list(
            "membership_id", flat=True
        )
    )


def escalations_for(actor: Actor, *, open_only: bool = True) -> list[Escalation]:
    """The escalations put to the actor (or asked by them), with summaries shielded where the actor's
    organisation works only with other members (`shield_summaries`): for display, never to be saved."""
    qs = visible_escalations(actor).select_related("household")
    if open_only:
        qs = qs.filter(status=EscalationStatus.OPEN).order_by("step_due_on", "pk")
    else:
        qs = qs.exclude(status=EscalationStatus.OPEN).order_by("-closed_at", "-pk")[:50]
    rows = list(qs)
    shield_summaries(actor, rows)
    return rows


# --- Between the cracks ----------------------------------------------------------------------


def listed_stalls(actor: Actor) -> list[Escalation]:
    """The old stalls of the actor's region listed for the coordinator instead of escalated (references
    and kinds; summaries shielded as on the ladder), oldest first."""
    if actor.organisation is None:
        return []
    rows = list(
        Escalation.objects.filter(region_id=actor.organisation.region_id, status=EscalationStatus.LISTED)
        .select_related("household")
        .order_by("breach_since", "pk")[:500]
    )
    shield_summaries(actor, rows)
    return rows


MONITOR_ROLES = (Role.NETWORK_COORDINATOR, Role.MANAGER, Role.LINE_MANAGER)


@dataclass
class Crack:
    reason: str
    since: date

    @property
    def days(self) -> int:
        return (timezone.localdate() - self.since).days


@dataclass
class MonitorRow:
    household_id: int
    reference: str
    cracks: list[Crack] = field(default_factory=list)
    can_open: bool = False

    @property
    def longest(self) -> int:
        return max(c.days for c in self.cracks)


def _day(value: object) -> date:
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value  # type: ignore[arg-type,return-value]


def between_the_cracks(actor: Actor) -> list[MonitorRow]:
    """Every active household of the actor's region with open unsafety and no help started, no
    regisseur, an unanswered handover or an unresolved escalation — longest first."""
    from django.utils.translation import gettext as _

    if actor.organisation is None:
        return []
    region = actor.organisation.region_id
    households = Household.objects.filter(region_id=region, status=HouseholdStatus.ACTIVE)
    rows: dict[int, MonitorRow] = {}
    refs = dict(households.values_list("pk", "reference"))

    def add(household_id: int, reason: str, since: object) -> None:
        row = rows.setdefault(household_id, MonitorRow(household_id, refs[household_id]))
        row.cracks.append(Crack(reason, _day(since)))

    latest = SafetyAssessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
    help_started = Help.objects.filter(household_id=OuterRef("pk"), status=HelpStatus.STARTED)
    unsafe = (
        households.annotate(
            acute=Subquery(latest.values("acute")[:1]),
            structural=Subquery(latest.values("structural")[:1]),
            assessed=Subquery(latest.values("assessed_at")[:1]),
        )
        .filter(Q(acute=True) | Q(structural=True))
        .exclude(Exists(help_started))
        .values_list("pk", "assessed")
    )
    for pk, assessed in unsafe:
        add(pk, _("Unsafe and no help started"), assessed)

    current = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    involved = Involvement.objects.active().filter(household_id=OuterRef("pk"))
    first = Involvement.objects.active().filter(household_id=OuterRef("pk")).order_by("started_on")
    without = (
        households.filter(Exists(involved))
        .exclude(Exists(current))
        .annotate(since=Subquery(first.values("started_on")[:1]))
        .values_list("pk", "since")
    )
    for pk, since in without:
        add(pk, _("No regisseur"), since)

    def earliest(rows: Iterable[tuple[int, datetime]]) -> dict[int, datetime]:
        first: dict[int, datetime] = {}
        for pk, at in rows:
            first[pk] = min(first.get(pk, at), at)
        return first

    pending = list(
        Handover.objects.filter(household__in=households, status=HandoverStatus.PENDING).values_list(
            "household_id", "requested_at"
        )
    ) + list(
        RegieTransfer.objects.filter(household__in=households, status=TransferStatus.PENDING).values_list(
            "household_id", "requested_at"
        )
    )
    for pk, at in earliest(pending).items():
        add(pk, _("Handover not answered"), at)
    unresolved = Escalation.objects.filter(household__in=households, status=EscalationStatus.OPEN)
    for pk, at in earliest(unresolved.values_list("household_id", "opened_at")).items():
        add(pk, _("Escalation not resolved"), at)

    if actor.membership is not None and actor.membership.does_casework and rows:
        seen = set(visible_households(actor).filter(pk__in=rows).values_list("pk", flat=True))
        for row in rows.values():
            row.can_open = row.household_id in seen
    return sorted(rows.values(), key=lambda r: (-r.longest, r.reference))


# --- Shielding: what a stall is about, and whether this viewer may read its summary ------------------


@dataclass(frozen=True)
class StallSubject:
    """What an escalation is about, for the scope: an item type, the member it concerns (None: the
    household) and the organisation that owns it (a member-scoped partner sees its own)."""

    item_type: str
    item_id: int
    person_id: int | None
    owner_organisation_id: int | None
    # The organisations the stall waits for (its parties).
    parties: frozenset[int] = frozenset()


def stall_subjects(escalations: Iterable[Escalation]) -> dict[int, StallSubject]:
    """Per escalation id, in a few queries: help, handovers, plan actions and requests under the AVG concern
    a member (or the household); every other stall concerns the household, owned by the parties it waits
    for."""
    from verband.plans.models import PlanAction
    from verband.rights.models import RightsRequest
    from verband.shielding.models import ItemType

    rows = list(escalations)
    ids: dict[str, set[int]] = {}
    for e in rows:
        ids.setdefault(e.subject_type, set()).add(e.subject_id)
    helps = {
        pk: (person, org)
        for pk, person, org in Help.objects.filter(pk__in=ids.get("help", ())).values_list(
            "pk", "person_id", "provider__organisation_id"
        )
    }
    handovers = {
        pk: (person, org)
        for pk, person, org in Handover.objects.filter(pk__in=ids.get("handover", ())).values_list(
            "pk", "person_id", "from_organisation_id"
        )
    }
    actions = {
        pk: (person, org)
        for pk, person, org in PlanAction.objects.filter(pk__in=ids.get("plan_action", ())).values_list(
            "pk", "person_id", "owner_organisation_id"
        )
    }
    requests = {
        pk: (person, org)
        for pk, person, org in RightsRequest.objects.filter(pk__in=ids.get("rights_request", ())).values_list(
            "pk", "person_id", "organisation_id"
        )
    }
    parties: dict[int, set[int]] = {}
    for escalation_id, organisation_id in Escalation.parties.through.objects.filter(
        escalation_id__in=[e.pk for e in rows]
    ).values_list("escalation_id", "organisation_id"):
        parties.setdefault(escalation_id, set()).add(organisation_id)
    found = {
        "help": (ItemType.HELP, helps),
        "handover": ("handover", handovers),
        "plan_action": (ItemType.ACTION, actions),
        "rights_request": ("rights_request", requests),
    }
    subjects = {}
    for e in rows:
        if e.subject_type in found:
            item_type, known = found[e.subject_type]
            person, org = known.get(e.subject_id, (None, None))
            subjects[e.pk] = StallSubject(
                item_type, e.subject_id, person, org, frozenset(parties.get(e.pk, ()))
            )
        else:
            subjects[e.pk] = StallSubject("escalation", e.pk, None, None, frozenset(parties.get(e.pk, ())))
    return subjects


def shows_stall(scope: Scope, escalation: Escalation, subject: StallSubject) -> bool:
    """May a viewer with this scope read what the escalation is about? A stall of the household (no
    regisseur, a signal not taken up) is shown to a member-scoped partner only when it is one of the
    parties the stall waits for."""
    if scope.whole:
        return True
    owner = subject.owner_organisation_id
    if subject.person_id is None and owner is None and scope.organisation_id in subject.parties:
        owner = scope.organisation_id
    return scope.shows(subject.item_type, subject.item_id, subject.person_id, owner_organisation_id=owner)


def _scopes(actor: Actor, household_ids: set[int]) -> dict[int, Scope]:
    """The narrowing scope per household, in a constant number of queries for a whole list: for the
    households the actor opens, their own involvements; for the others (a manager on the ladder), their
    organisation's. Households seen whole (or not at all through an own involvement) are left out: nothing
    to narrow. Shield maps are read only for the member-scoped ones."""
    from verband.sharing.access import visible_involvements
    from verband.shielding.scope import household_shields, members_of

    if not household_ids:
        return {}
    by_household: dict[int, list[Involvement]] = {}
    for involvement in (
        visible_involvements(actor).filter(household_id__in=household_ids).prefetch_related("scoped_members")
    ):
        by_household.setdefault(involvement.household_id, []).append(involvement)
    org = actor.organisation.pk if actor.organisation else None
    rest = household_ids - set(by_household)
    if org is not None and rest:
        own = (
            Involvement.objects.active()
            .filter(household_id__in=rest)
            .filter(Q(organisation_id=org) | Q(team__organisation_id=org))
            .prefetch_related("scoped_members")
        )
        for involvement in own:
            by_household.setdefault(involvement.household_id, []).append(involvement)
    scopes = {}
    for household_id, involvements in by_household.items():
        whole, persons = members_of(involvements)
        if not whole:
            scopes[household_id] = Scope(
                whole=False, person_ids=persons, organisation_id=org, shields=household_shields(household_id)
            )
    return scopes


# The kinds whose summary names every party of the household's stall (`detectors.per_household`).
SUMMARY_NAMES_PARTIES = frozenset(
    {
        EscalationKind.SIGNAL_NOT_ACCEPTED,
        EscalationKind.FIRST_CONTACT_LATE,
        EscalationKind.ASSESSMENT_LATE,
    }
)


def shield_summaries(actor: Actor, escalations: Iterable[Escalation]) -> None:
    """For display only (never saved): the summary of an escalation about a member (or an item) the
    viewer's organisation does not work with becomes "shielded" — the kind and the reference still show,
    not what stalls (a help escalation could name the victim's shelter place)."""
    from django.utils.translation import gettext as _

    from verband.network.models import Organisation, OrganisationKind

    rows = list(escalations)
    subjects = stall_subjects(rows)
    scopes = _scopes(actor, {e.household_id for e in rows if e.household_id is not None})
    # A stall of the household waits for several parties at once (`detectors.per_household`), and its
    # summary names them: to a member-scoped viewer, one of them being a shelter says where she is.
    naming = {e.pk for e in rows if e.household_id in scopes and e.kind in SUMMARY_NAMES_PARTIES}
    parties = {pk for e in rows if e.pk in naming for pk in subjects[e.pk].parties}
    shelters = (
        set(
            Organisation.objects.filter(pk__in=parties, kind=OrganisationKind.SHELTER).values_list(
                "pk", flat=True
            )
        )
        if parties
        else set()
    )
    for e in rows:
        e.summary_shielded = False  # type: ignore[attr-defined]
        household = e.household
        if household is None:
            continue
        scope = scopes.get(household.pk)
        if scope is not None and (
            not shows_stall(scope, e, subjects[e.pk])
            or (e.pk in naming and bool(subjects[e.pk].parties & shelters - {scope.organisation_id or 0}))
        ):
            e.summary = _(
                "Shielded: about a member or part of %(ref)s your organisation does not work with"
            ) % {"ref": household.reference}
            e.summary_shielded = True  # type: ignore[attr-defined]


def open_shown(scope: Scope, household: Household) -> int:
    """How many open escalations of the household this viewer may know of (a member-scoped partner only
    those about its members or waiting for it)."""
    escalations = list(Escalation.objects.filter(household=household, status=EscalationStatus.OPEN))
    if not scope.whole:
        subjects = stall_subjects(escalations)
        escalations = [e for e in escalations if shows_stall(scope, e, subjects[e.pk])]
    return len(escalations)
