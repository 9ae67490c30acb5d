"""Warm handovers and help deployed. Every write checks who may do it, logs, adds to the household's
timeline and notifies the people who must act."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from verband.accounts.models import User
from verband.actors import Actor
from verband.collaboration.involvements import close_if_nobody_left
from verband.collaboration.models import (
    HANDOVER_FLOW,
    HELP_FLOW,
    Handover,
    HandoverKind,
    HandoverStatus,
    Help,
    HelpKind,
    HelpStatus,
    ProviderCapacity,
)
from verband.households.models import LEVEL_ORDER, EventKind, Household, Level
from verband.network.models import (
    ACTING_ROLES,
    CASEWORK_ROLES,
    Membership,
    OrganisationKind,
    Team,
    norms_for,
)
from verband.sharing import basis as sharing_basis
from verband.sharing import services as sharing
from verband.sharing.access import works_with
from verband.sharing.basis import Basis
from verband.sharing.models import InformationScope, LegalBasis, Purpose, SharingBasis, SharingKind
from verband.shielding.members import scope_involvement
from verband.signals import feedback as reporter_feedback
from verband.text import bounded, refuse_nul
from verband.workdays import add_working_days
from verband.workflow import Tell, happened, transition

LEVEL_OF_KIND = {
    OrganisationKind.DOMESTIC_VIOLENCE_CENTRE: Level.DV_CENTRE,
    OrganisationKind.SAFETY_HOUSE: Level.SAFETY_HOUSE,
}


def level_of(team: Team) -> str:
    return str(LEVEL_OF_KIND.get(team.organisation.kind, Level.NETWORK))  # type: ignore[call-overload]


def _worker(actor: Actor, household: Household) -> None:
    if actor.membership is None or actor.membership.role not in ACTING_ROLES:
        raise PermissionDenied
    if not works_with(actor, household):
        raise PermissionDenied


def receivers(household: Household, kind: str) -> list[Team]:
    """Teams that can receive this kind of handover: active teams of the region, for scaling up only
    heavier levels, for scaling down only lighter ones."""
    teams = list(
        Team.objects.filter(
            active=True, organisation__active=True, organisation__region_id=household.region_id
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    current = LEVEL_ORDER[household.level]
    if kind == HandoverKind.SCALE_UP:
        return [t for t in teams if LEVEL_ORDER[level_of(t)] > current]
    if kind == HandoverKind.SCALE_DOWN:
        return [t for t in teams if LEVEL_ORDER[level_of(t)] < current]
    return teams


def _receiving_users(team: Team) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(team=team, role__in=CASEWORK_ROLES)
        .values_list("user_id", flat=True)
    )


def request_handover(
    actor: Actor,
    household: Household,
    *,
    kind: str,
    to_team_id: int | None,
    question: str,
    person_id: int | None = None,
    basis: Basis | None = None,
    persons: frozenset[int] | None = None,
) -> Handover:
    """Ask another team to take something over. Nothing moves until they accept: the sender stays
    responsible, and an unanswered handover escalates after the region's norm.

    Involving a partner shares the household with it: `basis` is the legal basis the professional chose
    (`sharing.basis`), recorded with the handover and carried to the involvement on acceptance. Without it
    (the system's own handovers, e.g. demo data) the usual basis, a covenant, is used unrecorded."""
    _worker(actor, household)
    errors: dict[str, list[str]] = {}
    if kind not in HandoverKind.values:
        errors["kind"] = [_("Choose referral, scale up or scale down.")]
    team = next((t for t in receivers(household, kind) if t.pk == to_team_id), None) if not errors else None
    if team is None and "kind" not in errors:
        if kind == HandoverKind.SCALE_UP:
            errors["to_team"] = [
                _("Scaling up goes to a heavier level: the domestic violence centre or the safety house.")
            ]
        elif kind == HandoverKind.SCALE_DOWN:
            errors["to_team"] = [_("Scaling down goes to a lighter level than where the household is now.")]
        else:
            errors["to_team"] = [_("Choose a team of this region.")]
    elif team is not None and actor.membership is not None and team.pk == actor.membership.team_id:
        errors["to_team"] = [_("Your own team cannot receive your handover.")]
    if person_id is not None and not household.members.filter(person_id=person_id).exists():
        errors["person"] = [_("Choose a member of this household, or the whole household.")]
    refuse_nul(question)
    question = question.strip()
    if len(question) < 10:
        errors["question"] = [_("Say in a sentence what you ask of them.")]
    elif len(question) > 1000:
        errors["question"] = [_("At most 1000 characters.")]
    consent, answers = None, dict[str, str]()
    if basis is not None and team is not None:
        try:
            consent, answers = sharing_basis.check(
                household, basis, kind=SharingKind.HANDOVER, receiver=team.organisation,
                information=InformationScope.ALL, persons=persons, actor=actor,
            )  # fmt: skip
        except ValidationError as exc:
            errors.update(exc.message_dict)
        # One person's consent carries sharing their own data: a handover for that person, never the
        # whole household (a member-scoped involvement opens only that member).
        if consent is not None and person_id is None:
            errors["consent"] = [_(
                "One person's consent does not carry a handover of the whole household: choose for whom, or "
                "another basis and answer the five questions."
            )]  # fmt: skip
        elif consent is not None and consent.person_id != person_id:
            errors["consent"] = [_("Choose the consent of the member this handover is for.")]
    if errors:
        raise ValidationError(errors)
    assert team is not None and actor.membership is not None and actor.user is not None
    norms = norms_for(household.region_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            if consent is not None:
                sharing_basis.lock_in_force(consent)
            handover = Handover.objects.create(
                household=household,
                kind=kind,
                person_id=person_id,
                from_user=actor.user,
                from_membership=actor.membership,
                from_organisation=actor.membership.organisation,
                to_team=team,
                question=question,
                requested_at=now,
                norm_working_days=norms.handover_days,
                due_on=add_working_days(now, norms.handover_days),
            )
            if basis is not None:
                sharing_basis.store(
                    actor, household, basis, kind=SharingKind.HANDOVER, subject_id=handover.pk,
                    proposal=sharing_basis.proposed(SharingKind.HANDOVER), consent=consent, answers=answers,
                )  # fmt: skip
            happened(
                actor,
                household,
                "handover",
                str(handover.pk),
                action="create",
                event=(
                    EventKind.HANDOVER,
                    _("%(kind)s to %(team)s (%(org)s); waiting for acceptance")
                    % {"kind": handover.get_kind_display(), "team": team.name, "org": team.organisation},
                ),
                tell=_tell(
                    handover,
                    _receiving_users(team),
                    gettext_noop("%(kind)s to accept: %(ref)s"),
                    reverse("collaboration:handover", args=[handover.pk]),
                ),
            )
    except IntegrityError:
        raise ValidationError(
            {"to_team": [_("This team was already asked the same; wait for its answer or withdraw it.")]}
        ) from None
    return handover


def may_answer(actor: Actor, handover: Handover) -> bool:
    m = actor.membership
    return (
        handover.status == HandoverStatus.PENDING
        and m is not None
        and m.role in ACTING_ROLES
        and m.team_id == handover.to_team_id
        and handover.to_team.active
    )


def _answer(
    actor: Actor,
    handover: Handover,
    status: str,
    summary: str,
    *,
    reason: str = "",
    tell_sender: str = "",
    url: str = "",
) -> None:
    """What every answer to a handover does (`verband.workflow.transition`): the declared move from
    pending, a timeline line, an access-log entry, and, when given, a notification for the sender (its
    title names the kind and the household reference, nobody)."""
    tell = _tell(handover, [handover.from_user_id], tell_sender, url) if tell_sender else None
    transition(
        HANDOVER_FLOW,
        handover,
        status,
        actor=actor,
        household=handover.household,
        source=HandoverStatus.PENDING,
        stale=_("This handover is no longer waiting for an answer."),
        event=(EventKind.HANDOVER, summary),
        log_as="handover",
        tell=tell,
        decided_at=timezone.now(),
        decided_by=actor.user,
        decided_by_name=actor.user.display_name if actor.user else "",
        reason=reason,
    )


def _tell(handover: Handover, users: Iterable[User | int], title: str, url: str) -> Tell:
    """A notification about a handover; `title` (marked with `gettext_noop`) names the kind and the
    household reference, nobody, and is in Dutch (it is read in e-mail and lists)."""
    with override("nl"):
        text = _(title) % {"kind": handover.get_kind_display(), "ref": handover.household.reference}
    return Tell(users, text, url)


def accept_handover(actor: Actor, handover: Handover) -> Handover:
    """The receiving team takes it over: it becomes involved (which opens the household to it); a scale
    up or down moves the household to the receiver's level. A referral of one member opens only that
    member (a member-scoped involvement: `verband.shielding`), unless the team already worked with the
    whole household; a referral of the household, and scaling, open the whole household."""
    if not may_answer(actor, handover):
        raise PermissionDenied
    household = handover.household
    # The basis the sender chose when asking (the usual covenant for a handover asked without one).
    chosen = handover_basis(handover)
    with transaction.atomic():
        if chosen is not None and chosen.consent is not None:
            # Asked on consent: it must still be in force now (withdrawn or run out since: not accepted).
            try:
                sharing_basis.lock_in_force(chosen.consent)
            except ValidationError:
                raise ValidationError(
                    _(
                        "The consent this handover rests on is no longer in force. Ask the sender to withdraw it "
                        "and ask again on another basis."
                    )
                ) from None
        _answer(
            actor,
            handover,
            HandoverStatus.ACCEPTED,
            _("%(kind)s accepted by %(team)s")
            % {"kind": handover.get_kind_display(), "team": handover.to_team.name},
            tell_sender=gettext_noop("%(kind)s accepted: %(ref)s"),
            url=reverse("households:detail", args=[household.reference]),
        )
        purpose = Purpose.HELP if handover.kind == HandoverKind.REFERRAL else Purpose.CASE_DIRECTION
        member_only = (
            handover.kind == HandoverKind.REFERRAL
            and handover.person_id is not None
            and not _whole_household_involvement(handover.to_team, household)
        )
        involvement = sharing.involve(
            actor,
            household,
            purpose=purpose,
            legal_basis=chosen.legal_basis if chosen is not None else LegalBasis.COVENANT,
            started_on=timezone.localdate(),
            team=handover.to_team,
            basis_record=chosen,
            # On consent, its own involvement (for that member): withdrawing the consent ends exactly it,
            # never what the team holds on another basis.
            separate=member_only and chosen is not None and chosen.consent_id is not None,
        )
        if member_only:
            # A new involvement, or the team's existing one for named members (then this one is added):
            # an involvement for the whole household would have made `member_only` false.
            assert handover.person_id is not None
            scope_involvement(involvement, [handover.person_id])
            happened(actor, household, "involvement_scope", str(involvement.pk), person_id=handover.person_id)
        if handover.kind in (HandoverKind.SCALE_UP, HandoverKind.SCALE_DOWN):
            Household.objects.filter(pk=household.pk).update(level=level_of(handover.to_team))
        # A handover by the reporting centre, taken up: the professional reporters hear by whom (the law's
        # feedback, `signals.feedback`).
        reporter_feedback.give_after_handover(
            actor,
            household,
            from_organisation=handover.from_organisation,
            to_organisation=handover.to_team.organisation,
            handover_kind=handover.kind,
            handover_id=handover.pk,
            by_user=handover.from_user,
        )
    return handover


def handover_basis(handover: Handover) -> SharingBasis | None:
    """The legal basis recorded when the handover was asked."""
    return SharingBasis.objects.filter(kind=SharingKind.HANDOVER, subject_id=handover.pk).first()


def _whole_household_involvement(team: Team, household: Household) -> bool:
    """Whether the team (itself, or its organisation as a whole) already works with the whole household."""
    from django.db.models import Q

    from verband.sharing.models import Involvement

    return (
        Involvement.objects.active()
        .filter(household=household)
        .filter(
            Q(team=team) | Q(organisation_id=team.organisation_id, team__isnull=True, network__isnull=True)
        )
        .filter(scoped_members__isnull=True, only_user__isnull=True)  # not one person's emergency access
        .exists()
    )


def reject_handover(actor: Actor, handover: Handover, reason: str) -> Handover:
    """Not for us: with a reason, back to the sender, who stays responsible and asks someone else."""
    if not may_answer(actor, handover):
        raise PermissionDenied
    reason = bounded(
        reason,
        field="reason",
        minimum=10,
        maximum=1000,
        too_short=_("Explain in a sentence why you do not accept."),
    )
    _answer(
        actor,
        handover,
        HandoverStatus.REJECTED,
        _("%(kind)s not accepted by %(team)s: %(reason)s")
        % {"kind": handover.get_kind_display(), "team": handover.to_team.name, "reason": reason[:150]},
        reason=reason,
        tell_sender=gettext_noop("%(kind)s returned to you: %(ref)s"),
        url=reverse("collaboration:handover", args=[handover.pk]),
    )
    # The household may have waited only for this answer, its last partner gone.
    close_if_nobody_left(actor, handover.household)
    return handover


def may_withdraw_handover(actor: Actor, handover: Handover) -> bool:
    return (
        actor.user is not None
        and handover.from_user_id == actor.user.pk
        and handover.status == HandoverStatus.PENDING
    )


def withdraw_handover(actor: Actor, handover: Handover) -> Handover:
    if actor.user is None or handover.from_user_id != actor.user.pk:
        raise PermissionDenied
    _answer(
        actor,
        handover,
        HandoverStatus.WITHDRAWN,
        _("%(kind)s to %(team)s withdrawn")
        % {"kind": handover.get_kind_display(), "team": handover.to_team.name},
    )
    close_if_nobody_left(actor, handover.household)
    return handover


def bounces(household: Household) -> int:
    """How often a handover of this household was refused: two or more marks it as bounced between
    organisations."""
    return Handover.objects.filter(household=household, status=HandoverStatus.REJECTED).count()


# --- Help deployed ---------------------------------------------------------------------------


def kinds_for(household: Household) -> list[HelpKind]:
    return list(HelpKind.objects.filter(region_id=household.region_id, active=True))


def providers_by_kind(kinds: Iterable[HelpKind]) -> dict[int, list[Team]]:
    """Per kind of help, the teams that offer it, where the region says so: the providers with places for
    it in the catalogue (`ProviderCapacity`), or for a shelter place without any, the teams of shelters.
    A kind missing from the answer names no providers: any team of the region may give it. Two queries."""
    kinds = list(kinds)
    offered: dict[int, list[Team]] = {}
    for cap in (
        ProviderCapacity.objects.filter(kind__in=kinds, team__active=True, team__organisation__active=True)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    ):
        offered.setdefault(cap.kind_id, []).append(cap.team)
    shelters = [k for k in kinds if k.shelter and k.pk not in offered]
    if shelters:
        teams = list(
            Team.objects.filter(
                active=True,
                organisation__active=True,
                organisation__kind=OrganisationKind.SHELTER,
                organisation__region_id=shelters[0].region_id,
            )
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        for kind in shelters:
            offered[kind.pk] = teams
    return offered


def _check_provider(kind: HelpKind, provider: Team) -> None:
    """Refuse a provider that does not offer this kind of help (where the region says who does)."""
    offered = providers_by_kind([kind]).get(kind.pk)
    if offered is not None and provider not in offered:
        raise ValidationError(
            {
                "provider": [
                    _("%(team)s does not offer %(kind)s. Choose one of the providers of this kind of help.")
                    % {"team": f"{provider.organisation.label} — {provider.name}", "kind": kind.name}
                ]
            }
        )


def capacity(kind: HelpKind) -> list[tuple[Team, int, int]]:
    """Per provider with a capacity for this kind: places and places in use (help started, not ended)."""
    rows = []
    for cap in ProviderCapacity.objects.filter(kind=kind).select_related("team__organisation"):
        used = Help.objects.filter(kind=kind, provider=cap.team, status=HelpStatus.STARTED).count()
        rows.append((cap.team, cap.places, used))
    return rows


def add_help(
    actor: Actor,
    household: Household,
    *,
    kind_id: int | None,
    funding: str,
    person_id: int | None = None,
    provider_id: int | None = None,
    requested_on: date | None = None,
    note: str = "",
) -> Help:
    _worker(actor, household)
    from verband.collaboration.models import FundingStream

    errors: dict[str, list[str]] = {}
    kind = next((k for k in kinds_for(household) if k.pk == kind_id), None)
    if kind is None:
        errors["kind"] = [_("Choose a kind of help from the region's catalogue.")]
    if funding not in FundingStream.values:
        errors["funding"] = [_("Choose how it is funded.")]
    provider = None
    if provider_id is not None:
        provider = (
            Team.objects.filter(pk=provider_id, active=True, organisation__region_id=household.region_id)
            .select_related("organisation")
            .first()
        )
        if provider is None:
            errors["provider"] = [_("Choose a provider of this region.")]
        elif kind is not None:
            try:
                _check_provider(kind, provider)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if person_id is not None and not household.members.filter(person_id=person_id).exists():
        errors["person"] = [_("Choose a member of this household, or the whole household.")]
    day = requested_on or timezone.localdate()
    if day > timezone.localdate():
        errors["requested_on"] = [_("The request date cannot be in the future.")]
    try:
        note = bounded(note, field="note", maximum=500)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors or kind is None:
        raise ValidationError(errors)
    with transaction.atomic():
        help_ = Help.objects.create(
            household=household,
            person_id=person_id,
            kind=kind,
            provider=provider,
            funding=funding,
            requested_on=day,
            note=note,
            created_by=actor.user,
            status=HelpStatus.REQUESTED if provider is not None else HelpStatus.NO_PROVIDER,
        )
        happened(
            actor,
            household,
            "help",
            str(help_.pk),
            action="create",
            event=(EventKind.HELP, _("Help requested: %(kind)s") % {"kind": kind}),
        )
    return help_


def set_help_status(
    actor: Actor, help_: Help, status: str, *, on: date | None = None, provider_id: int | None = None
) -> Help:
    """Move help along requested → waiting → started → ended (or "no provider accepts"), with dates."""
    _worker(actor, help_.household)
    day = on or timezone.localdate()
    if not HELP_FLOW.allows(help_.status, status):
        raise ValidationError(
            {"status": [_("This step is not possible from “%(now)s”.") % {"now": help_.get_status_display()}]}
        )
    if day > timezone.localdate() or day < help_.requested_on:
        raise ValidationError({"on": [_("The date must lie between the request and today.")]})
    fields: dict[str, Any] = {"updated_at": timezone.now()}
    if provider_id is not None:
        provider = (
            Team.objects.filter(
                pk=provider_id, active=True, organisation__region_id=help_.household.region_id
            )
            .select_related("organisation")
            .first()
        )
        if provider is None:
            raise ValidationError({"provider": [_("Choose a provider of this region.")]})
        _check_provider(help_.kind, provider)
        fields["provider"] = provider
    if (
        status in (HelpStatus.WAITING, HelpStatus.STARTED)
        and help_.provider_id is None
        and "provider" not in fields
    ):
        raise ValidationError({"provider": [_("Choose the provider first.")]})
    if status == HelpStatus.STARTED:
        fields["started_on"] = day
    if status == HelpStatus.ENDED:
        fields["ended_on"] = day
    transition(
        HELP_FLOW,
        help_,
        status,
        actor=actor,
        household=help_.household,
        stale=_("Someone else changed this help in the meantime; look again."),
        event=(
            EventKind.HELP,
            _("%(kind)s: %(status)s") % {"kind": help_.kind, "status": HelpStatus(status).label.lower()},
        ),
        log_as="help",
        **fields,
    )
    return help_
