"""The escalation engine: find what stalls, open an escalation, climb the ladder, close it.

`sweep()` runs in the background worker. It is safe with several workers and after a crash:
- opening: each stall is opened in its own transaction; a partial unique index allows one open
  escalation per stall, so a second worker's insert fails and is skipped;
- climbing: a conditional UPDATE on (pk, step, status) moves an escalation one step exactly once;
- a crash mid-sweep loses nothing: what was committed stays, the rest is found again next sweep.

Deadlines count working days (weekends and Dutch public holidays do not count, `verband.workdays`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import SYSTEM, Actor
from verband.collaboration.models import WAITING_STATUSES, Handover, HandoverStatus, Help
from verband.escalation.models import (
    Escalation,
    EscalationKind,
    EscalationRecipient,
    EscalationStatus,
    RegionNorms,
    Step,
)
from verband.households.models import EventKind, Household, HouseholdStatus
from verband.households.services import add_event
from verband.network.models import CASEWORK_ROLES, Membership, Role
from verband.notifications.services import notify
from verband.plans.models import ActionStatus, PlanAction, Regie, RegieTransfer, TransferStatus
from verband.safety.models import SafetyAssessment
from verband.sharing.access import can_see_household, involved_organisation_ids
from verband.sharing.accesslog import record
from verband.sharing.models import Involvement, Purpose
from verband.signals.models import Activation, ActivationStatus
from verband.text import refuse_nul
from verband.workdays import add_working_days

logger = logging.getLogger(__name__)

# Who works a case at step 1 when there is no regisseur: case workers, not experience experts.
_WORKERS = (Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR)


def norms_for(region_id: int) -> RegionNorms:
    norms, _created = RegionNorms.objects.get_or_create(region_id=region_id)
    return norms


@dataclass
class Stall:
    """Something that breaches a norm, found by a detector. `owners` are the memberships that should
    act at step 1 besides the regisseur; `parties` are organisations the stall is waiting for, whose line
    managers and managers join on steps 2 and 3."""

    kind: str
    subject_type: str
    subject_id: int
    household_id: int | None
    region_id: int
    since: date
    summary: str
    owners: list[int] = field(default_factory=list)
    parties: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.subject_type, self.subject_id)


# --- Detectors: one per norm ------------------------------------------------------------------


def _team_workers(team_id: int | None, network_id: int | None = None) -> list[int]:
    """Who must act for a team (its case workers) or a network (its coordinators, who see that the
    network takes it up; only without a coordinator all of its members)."""
    qs = Membership.objects.active().filter(role__in=_WORKERS)
    if team_id is not None:
        return list(qs.filter(team_id=team_id).values_list("pk", flat=True))
    if network_id is None:
        return []
    members = qs.filter(networks=network_id)
    coordinators = list(members.filter(role=Role.NETWORK_COORDINATOR).values_list("pk", flat=True))
    return coordinators or list(members.values_list("pk", flat=True))


def _membership_of(user_id: int | None, organisation_id: int) -> list[int]:
    if user_id is None:
        return []
    return list(
        Membership.objects.active()
        .filter(user_id=user_id, organisation_id=organisation_id, role__in=CASEWORK_ROLES)
        .values_list("pk", flat=True)[:1]
    )


def _signals_not_taken_up(today: date) -> Iterator[Stall]:
    late = (
        Activation.objects.filter(status=ActivationStatus.OPEN, due_on__lt=today)
        .select_related("household", "team", "network", "signal")
        .order_by("pk")
    )
    for a in late:
        yield Stall(
            EscalationKind.SIGNAL_NOT_ACCEPTED,
            "activation",
            a.pk,
            a.household_id,
            a.household.region_id,
            a.due_on,
            _("%(signal)s for %(party)s not taken up (due %(due)s)")
            % {"signal": a.signal.reference, "party": a.party_name, "due": a.due_on.strftime("%d-%m-%Y")},
            owners=_team_workers(a.team_id, a.network_id),
            parties=[a.team.organisation_id] if a.team else [],
        )


def _first_contact_late(today: date) -> Iterator[Stall]:
    norms: dict[int, RegionNorms] = {}
    waiting = (
        Involvement.objects.active(today)
        .filter(purpose=Purpose.HELP, first_contact_at__isnull=True, household__status=HouseholdStatus.ACTIVE)
        .select_related("household", "team__organisation", "network", "organisation")
        .order_by("pk")
    )
    for inv in waiting:
        region = inv.household.region_id
        days = norms.setdefault(region, norms_for(region)).first_contact_days
        due = add_working_days(inv.started_on, days)
        if due >= today:
            continue
        if inv.team_id is not None:
            owners = _team_workers(inv.team_id)
        elif inv.network_id is not None:
            owners = _team_workers(None, inv.network_id)
        else:
            owners = []
        yield Stall(
            EscalationKind.FIRST_CONTACT_LATE,
            "involvement",
            inv.pk,
            inv.household_id,
            region,
            due,
            _("%(party)s has not recorded first contact with %(ref)s (due %(due)s)")
            % {"party": inv.party, "ref": inv.household.reference, "due": due.strftime("%d-%m-%Y")},
            owners=owners,
            parties=[inv.organisation_id] if inv.organisation_id else [],
        )


def _assessments_late(today: date) -> Iterator[Stall]:
    assessed = SafetyAssessment.objects.filter(
        household_id=OuterRef("household_id"), assessed_at__gte=OuterRef("signal__received_at")
    )
    late = (
        Activation.objects.filter(
            status=ActivationStatus.ACCEPTED, purpose=Purpose.SAFETY_ASSESSMENT, due_on__lt=today
        )
        .exclude(Exists(assessed))
        .select_related("household", "team", "signal")
        .order_by("pk")
    )
    for a in late:
        owners = _membership_of(a.decided_by_id, a.team.organisation_id) if a.team else []
        yield Stall(
            EscalationKind.ASSESSMENT_LATE,
            "activation",
            a.pk,
            a.household_id,
            a.household.region_id,
            a.due_on,
            _("Safety assessment after %(signal)s by %(party)s not recorded (due %(due)s)")
            % {"signal": a.signal.reference, "party": a.party_name, "due": a.due_on.strftime("%d-%m-%Y")},
            owners=owners or _team_workers(a.team_id, a.network_id),
            parties=[a.team.organisation_id] if a.team else [],
        )


def _actions_overdue(today: date) -> Iterator[Stall]:
    overdue = (
        PlanAction.objects.filter(
            status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
            due_on__lt=today,
            plan__household__status=HouseholdStatus.ACTIVE,
        )
        .select_related("plan__household", "owner_organisation")
        .order_by("pk")
    )
    grace: dict[int, int] = {}
    for action in overdue:
        household = action.plan.household
        days = grace.setdefault(household.region_id, norms_for(household.region_id).action_grace_days)
        since = add_working_days(action.due_on, days)
        if since >= today:
            continue
        yield Stall(
            EscalationKind.ACTION_OVERDUE,
            "plan_action",
            action.pk,
            household.pk,
            household.region_id,
            action.due_on,
            _("An action of %(org)s in the family plan of %(ref)s is overdue (due %(due)s)")
            % {
                "org": action.owner_organisation,
                "ref": household.reference,
                "due": action.due_on.strftime("%d-%m-%Y"),
            },
            owners=_membership_of(action.owner_user_id, action.owner_organisation_id),
            parties=[action.owner_organisation_id],
        )


def _handovers_unanswered(today: date) -> Iterator[Stall]:
    late = (
        Handover.objects.filter(status=HandoverStatus.PENDING, due_on__lt=today)
        .select_related("household", "to_team__organisation")
        .order_by("pk")
    )
    for h in late:
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "handover",
            h.pk,
            h.household_id,
            h.household.region_id,
            h.due_on,
            _("%(kind)s of %(ref)s to %(team)s (%(org)s) not answered (due %(due)s)")
            % {
                "kind": h.get_kind_display(),
                "ref": h.household.reference,
                "team": h.to_team.name,
                "org": h.to_team.organisation,
                "due": h.due_on.strftime("%d-%m-%Y"),
            },
            owners=[h.from_membership_id],
            parties=[h.to_team.organisation_id],
        )
    norms: dict[int, RegionNorms] = {}
    for t in (
        RegieTransfer.objects.filter(status=TransferStatus.PENDING)
        .select_related("household", "to_membership__organisation")
        .order_by("pk")
    ):
        region = t.household.region_id
        days = norms.setdefault(region, norms_for(region)).handover_days
        due = add_working_days(t.requested_at, days)
        if due >= today:
            continue
        yield Stall(
            EscalationKind.HANDOVER_UNANSWERED,
            "regie_transfer",
            t.pk,
            t.household_id,
            region,
            due,
            _("Regie of %(ref)s offered to %(org)s, not answered (due %(due)s)")
            % {
                "ref": t.household.reference,
                "org": t.to_membership.organisation,
                "due": due.strftime("%d-%m-%Y"),
            },
            owners=_membership_of(t.requested_by_id, t.from_regie.organisation_id) if t.from_regie else [],
            parties=[t.to_membership.organisation_id],
        )


def _help_waiting(today: date) -> Iterator[Stall]:
    norms: dict[int, RegionNorms] = {}
    waiting = (
        Help.objects.filter(status__in=WAITING_STATUSES, household__status=HouseholdStatus.ACTIVE)
        .select_related("household", "kind", "provider__organisation")
        .order_by("pk")
    )
    for h in waiting:
        region = h.household.region_id
        days = h.kind.waiting_norm_working_days
        if days is None:
            days = norms.setdefault(region, norms_for(region)).waiting_days
        due = add_working_days(h.requested_on, days)
        if due >= today:
            continue
        yield Stall(
            EscalationKind.WAITING_OVER_NORM,
            "help",
            h.pk,
            h.household_id,
            region,
            due,
            _("%(kind)s for %(ref)s: %(status)s since %(since)s, norm %(days)s working days")
            % {
                "kind": h.kind.name,
                "ref": h.household.reference,
                "status": h.get_status_display().lower(),
                "since": h.requested_on.strftime("%d-%m-%Y"),
                "days": days,
            },
            owners=_membership_of(h.created_by_id, h.provider.organisation_id) if h.provider else [],
            parties=[h.provider.organisation_id] if h.provider else [],
        )


def _without_regisseur(today: date) -> Iterator[Stall]:
    current = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    households = (
        Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .exclude(Exists(current))
        .annotate(
            first_involved=Min("involvements__started_on", filter=Q(involvements__ended_on__isnull=True))
        )
        .filter(first_involved__isnull=False)
        .order_by("pk")
    )
    norms: dict[int, RegionNorms] = {}
    for household in households:
        days = norms.setdefault(household.region_id, norms_for(household.region_id)).no_regisseur_days
        due = add_working_days(household.first_involved, days)
        if due >= today:
            continue
        organisations = sorted(involved_organisation_ids([household], today))
        yield Stall(
            EscalationKind.NO_REGISSEUR,
            "household",
            household.pk,
            household.pk,
            household.region_id,
            due,
            _("%(ref)s has had no regisseur since %(since)s")
            % {"ref": household.reference, "since": due.strftime("%d-%m-%Y")},
            parties=organisations,
        )


DETECTORS = (
    _signals_not_taken_up,
    _first_contact_late,
    _assessments_late,
    _actions_overdue,
    _handovers_unanswered,
    _help_waiting,
    _without_regisseur,
)


def detect(today: date | None = None) -> list[Stall]:
    day = today or timezone.localdate()
    return [stall for detector in DETECTORS for stall in detector(day)]


# --- The ladder ------------------------------------------------------------------------------


def _regisseur(household_id: int | None) -> list[int]:
    if household_id is None:
        return []
    return list(
        Regie.objects.filter(household_id=household_id, ended_at__isnull=True).values_list(
            "membership_id", flat=True
        )
    )


def _organisations_of(memberships: Iterable[int]) -> set[int]:
    return set(Membership.objects.filter(pk__in=list(memberships)).values_list("organisation_id", flat=True))


def _household_networks(household_id: int | None, organisations: set[int]) -> set[int]:
    networks: set[int] = set()
    if household_id is not None:
        networks |= set(
            Involvement.objects.active()
            .filter(household_id=household_id, network__isnull=False)
            .values_list("network_id", flat=True)
        )
    if not networks and organisations:
        from verband.network.models import Network

        networks |= set(
            Network.objects.filter(organisations__in=organisations, active=True).values_list("pk", flat=True)
        )
    return networks


def _involved_organisations(household_id: int | None) -> set[int]:
    return involved_organisation_ids([household_id]) if household_id is not None else set()


def recipients_for(escalation: Escalation, step: int) -> list[int]:
    """The memberships an escalation is put to at a step: regisseur → line manager → network coordinator
    or manager → tactical platform (the managers of every partner involved)."""
    active = Membership.objects.active()
    owners, parties = escalation.owners, escalation.parties
    if step == Step.REGISSEUR:
        return sorted(set(_regisseur(escalation.household_id)) | set(owners))
    earlier = set(
        EscalationRecipient.objects.filter(escalation=escalation, step=Step.REGISSEUR).values_list(
            "membership_id", flat=True
        )
    ) | set(owners)
    organisations = _organisations_of(earlier) | set(parties)
    if not organisations:
        organisations = _involved_organisations(escalation.household_id)
    if step == Step.LINE_MANAGER:
        teams = set(Membership.objects.filter(pk__in=earlier).values_list("team_id", flat=True)) - {None}
        managers = active.filter(role=Role.LINE_MANAGER, organisation_id__in=organisations)
        in_team = managers.filter(team_id__in=teams)
        # The line managers of the teams concerned; where a party has none in that team, all of its own.
        chosen = set(in_team.values_list("pk", flat=True))
        covered = set(in_team.values_list("organisation_id", flat=True))
        chosen |= set(managers.exclude(organisation_id__in=covered).values_list("pk", flat=True))
        return sorted(chosen)
    if step == Step.COORDINATOR:
        networks = _household_networks(escalation.household_id, organisations)
        coordinators = active.filter(role=Role.NETWORK_COORDINATOR, networks__in=networks)
        managers = active.filter(role=Role.MANAGER, organisation_id__in=organisations)
        return sorted(
            set(coordinators.values_list("pk", flat=True)) | set(managers.values_list("pk", flat=True))
        )
    organisations |= _involved_organisations(escalation.household_id)
    networks = _household_networks(escalation.household_id, organisations)
    return sorted(
        set(active.filter(role=Role.MANAGER, organisation_id__in=organisations).values_list("pk", flat=True))
        | set(
            active.filter(role=Role.NETWORK_COORDINATOR, networks__in=networks).values_list("pk", flat=True)
        )
    )


def _due(region_id: int, step: int, today: date) -> date | None:
    days = norms_for(region_id).step_days(step)
    return add_working_days(today, days) if days is not None else None


def _put_to(escalation: Escalation, step: int, memberships: list[int], *, title: str) -> None:
    EscalationRecipient.objects.bulk_create(
        [EscalationRecipient(escalation=escalation, membership_id=m, step=step) for m in memberships],
        ignore_conflicts=True,
    )
    users = Membership.objects.filter(pk__in=memberships).values_list("user_id", flat=True)
    notify(users, title, reverse("escalation:detail", args=[escalation.pk]))


def _title(escalation: Escalation) -> str:
    where = f" ({escalation.household.reference})" if escalation.household else ""
    with override("nl"):
        return _("Escalation, %(step)s: %(kind)s%(where)s") % {
            "step": Step(escalation.step).label,
            "kind": EscalationKind(escalation.kind).label,
            "where": where,
        }


def open_escalation(
    stall: Stall,
    *,
    actor: Actor = SYSTEM,
    today: date | None = None,
    start_step: int = Step.REGISSEUR,
    question: str = "",
) -> Escalation | None:
    """Open an escalation for a stall, once. Returns None when one is open already (another worker) or
    a recent decision keeps this stall quiet."""
    day = today or timezone.localdate()
    quiet = Escalation.objects.filter(
        kind=stall.kind,
        subject_type=stall.subject_type,
        subject_id=stall.subject_id,
        status=EscalationStatus.RESOLVED,
        quiet_until__gte=day,
    )
    # A partner's explicit request is never kept quiet: it asks for a new decision.
    if stall.kind != EscalationKind.DISAGREEMENT and quiet.exists():
        return None
    step = start_step
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                region_id=stall.region_id,
                household_id=stall.household_id,
                kind=stall.kind,
                subject_type=stall.subject_type,
                subject_id=stall.subject_id,
                summary=stall.summary[:300],
                question=question,
                owners=stall.owners,
                parties=stall.parties,
                breach_since=stall.since,
                opened_by=actor.user,
                step=step,
                step_due_on=_due(stall.region_id, step, day),
            )
            first = recipients_for(escalation, step)
            if not first and step == Step.REGISSEUR:
                # Nobody to put it to at this step (no regisseur, no owner): the next step starts now.
                step = Step.LINE_MANAGER
                first = recipients_for(escalation, step)
                Escalation.objects.filter(pk=escalation.pk).update(
                    step=step, step_due_on=_due(stall.region_id, step, day)
                )
                escalation.step, escalation.step_due_on = step, _due(stall.region_id, step, day)
            _put_to(escalation, step, first, title=_title(escalation))
            if escalation.household is not None:
                add_event(
                    escalation.household,
                    EventKind.ESCALATION,
                    _("%(kind)s: put to the %(step)s")
                    % {"kind": escalation.get_kind_display(), "step": escalation.get_step_display().lower()},
                    actor=actor,
                )
            record(
                actor,
                action="create",
                object_type="escalation",
                object_id=str(escalation.pk),
                household_id=stall.household_id,
            )
    except IntegrityError:
        return None
    return escalation


def climb(escalation_id: int, *, today: date | None = None) -> bool:
    """Move an escalation whose step deadline passed one step up, exactly once."""
    day = today or timezone.localdate()
    with transaction.atomic():
        escalation = Escalation.objects.select_related("household").get(pk=escalation_id)
        if (
            escalation.status != EscalationStatus.OPEN
            or escalation.step >= Step.TACTICAL
            or escalation.step_due_on is None
            or escalation.step_due_on >= day
        ):
            return False
        step = escalation.step + 1
        moved = Escalation.objects.filter(
            pk=escalation.pk, step=escalation.step, status=EscalationStatus.OPEN
        ).update(step=step, step_due_on=_due(escalation.region_id, step, day))
        if not moved:
            return False
        escalation.refresh_from_db()
        memberships = recipients_for(escalation, step)
        _put_to(escalation, step, memberships, title=_title(escalation))
        if escalation.household is not None:
            add_event(
                escalation.household,
                EventKind.ESCALATION,
                _("%(kind)s: up to the %(step)s")
                % {"kind": escalation.get_kind_display(), "step": escalation.get_step_display().lower()},
            )
        record(
            SYSTEM,
            action="update",
            object_type="escalation",
            object_id=str(escalation.pk),
            household_id=escalation.household_id,
        )
    return True


def _close(
    escalation: Escalation, status: str, *, actor: Actor, decision: str, quiet_until: date | None = None
) -> bool:
    name = ""
    if actor.user is not None:
        name = (
            f"{actor.user.display_name} ({actor.membership})" if actor.membership else actor.user.display_name
        )
    closed = Escalation.objects.filter(pk=escalation.pk, status=EscalationStatus.OPEN).update(
        status=status,
        closed_at=timezone.now(),
        decided_by=actor.user,
        decided_by_name=name[:300],
        decision=decision,
        quiet_until=quiet_until,
    )
    return bool(closed)


def clear(escalation: Escalation, *, today: date | None = None) -> bool:
    """The stall ended by itself (the handover was answered, the action done): close without a decision."""
    with transaction.atomic():
        with override("nl"):
            text = _("The stall ended: %(kind)s no longer applies.") % {
                "kind": escalation.get_kind_display().lower()
            }
        if not _close(escalation, EscalationStatus.CLEARED, actor=SYSTEM, decision=text):
            return False
        users = Membership.objects.filter(pk__in=escalation.recipients.values("membership_id")).values_list(
            "user_id", flat=True
        )
        with override("nl"):
            title = _("Escalation closed, the stall ended: %(kind)s") % {
                "kind": escalation.get_kind_display()
            }
        notify(users, title, reverse("escalation:detail", args=[escalation.pk]), email=False)
        record(
            SYSTEM,
            action="update",
            object_type="escalation",
            object_id=str(escalation.pk),
            household_id=escalation.household_id,
        )
    return True


def may_decide(actor: Actor, escalation: Escalation) -> bool:
    """Anyone the escalation was put to may decide it, at any step it reached."""
    return (
        escalation.is_open
        and actor.membership is not None
        and escalation.recipients.filter(membership=actor.membership).exists()
    )


def resolve(actor: Actor, escalation: Escalation, decision: str, *, today: date | None = None) -> Escalation:
    """Record who decided what. The same stall stays quiet for one norm period so the decision can work."""
    if not may_decide(actor, escalation):
        raise PermissionDenied
    refuse_nul(decision)
    decision = decision.strip()
    if len(decision) < 10:
        raise ValidationError({"decision": [_("Write down what was decided, in at least a sentence.")]})
    if len(decision) > 4000:
        raise ValidationError({"decision": [_("At most 4000 characters.")]})
    day = today or timezone.localdate()
    quiet = add_working_days(day, norms_for(escalation.region_id).step_days(Step.REGISSEUR) or 2)
    with transaction.atomic():
        if not _close(
            escalation, EscalationStatus.RESOLVED, actor=actor, decision=decision, quiet_until=quiet
        ):
            raise ValidationError(_("This escalation was closed in the meantime."))
        escalation.refresh_from_db()
        if escalation.household is not None:
            add_event(
                escalation.household,
                EventKind.ESCALATION,
                _("%(kind)s: decided by %(who)s")
                % {"kind": escalation.get_kind_display(), "who": escalation.decided_by_name},
                actor=actor,
            )
        others = (
            Membership.objects.filter(pk__in=escalation.recipients.values("membership_id"))
            .exclude(pk=actor.membership.pk if actor.membership else 0)
            .values_list("user_id", flat=True)
        )
        with override("nl"):
            title = _("Escalation decided: %(kind)s") % {"kind": escalation.get_kind_display()}
        notify(others, title, reverse("escalation:detail", args=[escalation.pk]))
        record(
            actor,
            action="update",
            object_type="escalation",
            object_id=str(escalation.pk),
            household_id=escalation.household_id,
        )
    return escalation


def ask_decision(
    actor: Actor, household: Household, question: str, *, today: date | None = None
) -> Escalation:
    """A partner's "we disagree — decide": straight onto the ladder. The regisseur decides first; when the
    regisseur asks, their line manager does."""
    if (
        actor.membership is None
        or actor.membership.role not in _WORKERS
        or not can_see_household(actor, household)
    ):
        raise PermissionDenied
    refuse_nul(question)
    question = question.strip()
    if len(question) < 10:
        raise ValidationError({"question": [_("Describe what you disagree about, in at least a sentence.")]})
    if len(question) > 1000:
        raise ValidationError({"question": [_("At most 1000 characters.")]})
    day = today or timezone.localdate()
    asker_is_regisseur = actor.membership.pk in _regisseur(household.pk)
    stall = Stall(
        EscalationKind.DISAGREEMENT,
        "household",
        household.pk,
        household.pk,
        household.region_id,
        day,
        _("%(org)s asks for a decision about %(ref)s")
        % {"org": actor.organisation, "ref": household.reference},
        parties=sorted(_involved_organisations(household.pk)),
    )
    escalation = open_escalation(
        stall,
        actor=actor,
        today=day,
        start_step=Step.LINE_MANAGER if asker_is_regisseur else Step.REGISSEUR,
        question=question,
    )
    if escalation is None:
        raise ValidationError(
            _("A request for a decision about this household is open already; add to it there.")
        )
    return escalation


# --- The sweep -------------------------------------------------------------------------------


def sweep(today: date | None = None) -> dict[str, int]:
    """Open escalations for new stalls, climb the ones past their step deadline, clear those whose stall
    ended. Each item in its own transaction."""
    day = today or timezone.localdate()
    stalls = {stall.key: stall for stall in detect(day)}
    opened = climbed = cleared = 0
    open_now = {
        (e.kind, e.subject_type, e.subject_id): e
        for e in Escalation.objects.filter(status=EscalationStatus.OPEN).select_related("household")
    }
    for key, stall in stalls.items():
        if key in open_now:
            continue
        if open_escalation(stall, today=day) is not None:
            opened += 1
    for key, escalation in open_now.items():
        if escalation.kind != EscalationKind.DISAGREEMENT and key not in stalls:
            cleared += clear(escalation, today=day)
    due = Escalation.objects.filter(status=EscalationStatus.OPEN, step_due_on__lt=day, step__lt=Step.TACTICAL)
    for pk in due.values_list("pk", flat=True):
        climbed += climb(pk, today=day)
    return {"opened": opened, "climbed": climbed, "cleared": cleared}
