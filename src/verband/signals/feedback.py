"""Feedback to professional reporters as the law requires (Wmo 2015 art. 4.1.1, Wet verplichte meldcode):
the reporting centre tells a professional who reported which follow-up it chose and by whom — at the end
of the safety assessment, and after a handover it made was accepted. No more: the follow-up from a closed
list (`FollowUp`) and the organisation that takes it up; never the assessment, danger, other members,
addresses, the plan or who else reported, and never a shelter's name (`shielding.scope.Scope.
names_organisation`: a shelter is named only in whole-household views, and a reporter has none).

Who gets it: every signal about the household from a professional organisation other than the reporting
centre itself (a citizen's or anonymous signal has no organisation), received since the last feedback of
that moment on the household, once per signal and moment (`ReporterFeedback`'s constraint). The reporter
who filed it is notified when their account is still in force at that organisation; the feedback is
recorded either way, and the organisation's signal page shows it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.accounts.models import User
from verband.actors import Actor
from verband.households.models import EventKind, Household
from verband.network.models import Membership, Organisation, OrganisationKind, Role
from verband.notifications.services import notify
from verband.safety.models import SafetyAssessment
from verband.sharing.access import works_with
from verband.signals.models import FeedbackMoment, FollowUp, ReporterFeedback, Signal
from verband.workflow import happened

# Who at the reporting centre gives the feedback.
GIVERS = (Role.PROFESSIONAL, Role.LINE_MANAGER)
# Follow-ups that are the reporting centre's own work: the organisation is the reporting centre.
OWN_WORK = (FollowUp.MONITORING, FollowUp.INVESTIGATION)
LOCAL = (OrganisationKind.NEIGHBOURHOOD_TEAM, OrganisationKind.ACCESS_DESK, OrganisationKind.MUNICIPALITY)
JUSTICE = (OrganisationKind.POLICE, OrganisationKind.PUBLIC_PROSECUTION, OrganisationKind.PROBATION)
MULTIDISCIPLINARY = (OrganisationKind.DOMESTIC_VIOLENCE_CENTRE, OrganisationKind.SAFETY_HOUSE)


def at_reporting_centre(actor: Actor) -> bool:
    return actor.organisation is not None and actor.organisation.kind == OrganisationKind.REPORTING_CENTRE


def may_give(actor: Actor) -> bool:
    """A professional or line manager of the reporting centre."""
    return at_reporting_centre(actor) and actor.membership is not None and actor.membership.role in GIVERS


def awaiting(household: Household, moment: str) -> list[Signal]:
    """The professional reporters' signals about this household that wait for feedback at this moment:
    from an organisation other than the reporting centre, without feedback for the moment, and received
    since the last feedback of that moment on the household."""
    last = ReporterFeedback.objects.filter(signal__household=household, moment=moment).aggregate(
        at=Max("at")
    )["at"]
    found = (
        Signal.objects.filter(household=household, source_organisation__isnull=False)
        .exclude(source_organisation__kind=OrganisationKind.REPORTING_CENTRE)
        .exclude(feedback__moment=moment)
    )
    if last is not None:
        found = found.filter(received_at__gt=last)
    return list(found.select_related("source_organisation", "source_user").order_by("received_at", "pk"))


def due_after_assessment(actor: Actor, household: Household) -> list[Signal]:
    """For a giver at the reporting centre that assessed this household: the signals waiting for the
    feedback at the end of its assessment (the safety page's reminder and its next step)."""
    if not may_give(actor) or not _assessment_of(actor, household):
        return []
    return awaiting(household, FeedbackMoment.ASSESSMENT)


def _assessment_of(actor: Actor, household: Household) -> SafetyAssessment | None:
    """The reporting centre's latest safety assessment of the household."""
    return (
        SafetyAssessment.objects.filter(household=household, organisation=actor.organisation)
        .order_by("-assessed_at", "-pk")
        .first()
    )


def organisations(actor: Actor) -> list[Organisation]:
    """The organisations a follow-up may name: active ones of the region, no shelter."""
    if actor.organisation is None:
        return []
    return list(
        Organisation.objects.filter(region_id=actor.organisation.region_id, active=True)
        .exclude(kind=OrganisationKind.SHELTER)
        .order_by("name")
    )


def nameable(organisation: Organisation | None) -> Organisation | None:
    """The organisation as the reporter may read it: a shelter is never named (its name is where she is)."""
    if organisation is None or organisation.kind == OrganisationKind.SHELTER:
        return None
    return organisation


def follow_up_after_handover(organisation_kind: str, handover_kind: str) -> str:
    """The follow-up a handover by the reporting centre stands for, by who received it and how."""
    if organisation_kind in LOCAL:
        return FollowUp.LOCAL_TEAM
    if organisation_kind in JUSTICE:
        return FollowUp.POLICE_JUSTICE
    if organisation_kind in MULTIDISCIPLINARY or handover_kind == "scale_up":
        return FollowUp.SCALED_UP
    if organisation_kind == OrganisationKind.REPORTING_CENTRE:
        return FollowUp.INVESTIGATION
    return FollowUp.VOLUNTARY_HELP


def give_after_assessment(
    actor: Actor, household: Household, follow_up: str, organisation: Organisation | None
) -> list[ReporterFeedback]:
    """The reporting centre records the follow-up it chose at the end of its safety assessment: feedback to
    every professional reporter waiting for it (see `awaiting`)."""
    if not may_give(actor) or not works_with(actor, household):
        raise PermissionDenied
    assert actor.organisation is not None
    if follow_up not in FollowUp.values:
        raise ValidationError({"follow_up": [_("Choose the follow-up.")]})
    if follow_up in OWN_WORK:
        organisation = actor.organisation
    elif follow_up == FollowUp.NONE:
        organisation = None
    if organisation is not None:
        if organisation.kind == OrganisationKind.SHELTER:
            raise ValidationError(
                {
                    "organisation": [
                        _(
                            "Do not name a shelter: its name tells where she is. Choose voluntary help "
                            "through the network and leave the organisation empty."
                        )
                    ]
                }
            )
        if organisation.region_id != actor.organisation.region_id or not organisation.active:
            raise ValidationError({"organisation": [_("Choose an organisation of your region.")]})
    elif follow_up == FollowUp.LOCAL_TEAM:
        raise ValidationError({"organisation": [_("Choose the local team that takes it up.")]})
    assessment = _assessment_of(actor, household)
    if assessment is None:
        raise ValidationError(_("Record the safety assessment first; the feedback follows at its end."))
    signals = awaiting(household, FeedbackMoment.ASSESSMENT)
    if not signals:
        raise ValidationError(_("No professional reporter is waiting for feedback on this household."))
    return _give(
        actor,
        household,
        signals,
        FeedbackMoment.ASSESSMENT,
        follow_up,
        organisation,
        assessment=assessment,
    )


def give_after_handover(
    actor: Actor,
    household: Household,
    *,
    from_organisation: Organisation,
    to_organisation: Organisation,
    handover_kind: str,
    handover_id: int,
    by_user: User | None = None,
) -> list[ReporterFeedback]:
    """A handover by the reporting centre was accepted: the professional reporters hear that it was taken
    up, and by which organisation (none for a shelter). Called in the acceptance's transaction; `by_user`
    is the reporting centre's professional who handed over (accountability)."""
    if from_organisation.kind != OrganisationKind.REPORTING_CENTRE:
        return []
    signals = awaiting(household, FeedbackMoment.HANDOVER)
    if not signals:
        return []
    return _give(
        actor,
        household,
        signals,
        FeedbackMoment.HANDOVER,
        follow_up_after_handover(to_organisation.kind, handover_kind),
        nameable(to_organisation),
        by_organisation=from_organisation,
        by_user=by_user,
        handover_id=handover_id,
    )


def _reachable(signal: Signal) -> bool:
    """The reporter's account is still in force at the organisation they reported for."""
    user = signal.source_user
    organisation_id = signal.source_organisation_id
    if user is None or organisation_id is None or not user.is_active or user.household_member:
        return False
    return Membership.objects.active().filter(user=user, organisation_id=organisation_id).exists()


def _give(
    actor: Actor,
    household: Household,
    signals: list[Signal],
    moment: str,
    follow_up: str,
    organisation: Organisation | None,
    *,
    assessment: SafetyAssessment | None = None,
    by_organisation: Organisation | None = None,
    by_user: User | None = None,
    handover_id: int | None = None,
) -> list[ReporterFeedback]:
    user = by_user or actor.user
    by_name = (user.get_full_name() or user.get_username()) if user is not None else ""
    made: list[ReporterFeedback] = []
    with transaction.atomic():
        for signal in signals:
            reachable = _reachable(signal)
            try:
                with transaction.atomic():
                    feedback = ReporterFeedback.objects.create(
                        signal=signal,
                        moment=moment,
                        follow_up=follow_up,
                        organisation=organisation,
                        at=timezone.now(),
                        by=user,
                        by_name=by_name,
                        by_organisation=by_organisation or actor.organisation,
                        source_user=signal.source_user,
                        source_organisation=signal.source_organisation,
                        assessment=assessment,
                        handover_id=handover_id,
                        notified=reachable,
                    )
            except IntegrityError:
                continue  # given meanwhile (a second click, a second worker): once per signal and moment
            made.append(feedback)
            if reachable:
                assert signal.source_user is not None
                with override("nl"):
                    title = _("Feedback on your signal %(ref)s: the follow-up is known") % {
                        "ref": signal.reference
                    }
                notify([signal.source_user], title, reverse("signals:detail", args=[signal.reference]))
        if made:
            happened(
                actor,
                household,
                "signal_feedback",
                ",".join(f.signal.reference for f in made)[:60],
                action="create",
                event=(
                    EventKind.ASSESSMENT if moment == FeedbackMoment.ASSESSMENT else EventKind.HANDOVER,
                    _("Reporter informed: %(follow_up)s") % {"follow_up": FollowUp(follow_up).label},
                ),
                basis="legal_task:reporter_feedback",
            )
    return made


def feedback_lines(signal: Signal) -> list[ReporterFeedback]:
    """The feedback the reporting organisation reads on its signal page: moment, follow-up, organisation,
    date. The organisation is read again through `nameable` (an organisation may have become a shelter)."""
    lines = list(signal.feedback.select_related("organisation").order_by("at", "pk"))
    for line in lines:
        line.organisation = nameable(line.organisation)
    return lines
