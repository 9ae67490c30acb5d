"""What a member writes at the household's door, and the regisseur's answers: each write in one
transaction, logged, with the notifications it calls for.

A member writes only about themselves: every function takes the member's actor (channel "household"),
whose household and person come with their access, never from the request. Notifications to
professionals name the household's reference and the kind of thing, never a person or what was written;
the e-mail to a member says only that a message is waiting ("Er staat een nieuw bericht voor u klaar")."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_otp.plugins.otp_email.models import EmailDevice
from django_tasks import task

from verband.accounts.models import User
from verband.actors import Actor
from verband.collaboration.models import AgendaItem, CaseMeeting, MeetingStatus
from verband.households.models import Household, HouseholdMember
from verband.notifications.services import notify
from verband.plans.models import Agreement, PlanVersion, Regie
from verband.portal.models import (
    MeetingInvitation,
    MemberAccess,
    MemberFeedback,
    MemberMessage,
    MemberWords,
    VersionResponse,
)
from verband.sharing.access import visible_households
from verband.sharing.accesslog import record
from verband.shielding.scope import view_scope
from verband.text import bounded

logger = logging.getLogger(__name__)

WORDS_MAX = 2000
MESSAGE_MAX = 2000
NOTE_MAX = 1000
FEEDBACK_MAX = 2000
# What a member may answer to a version (not "not asked yet").
RESPONSES = (Agreement.AGREES, Agreement.PARTLY, Agreement.DISAGREES)


def current_regie(household_id: int) -> Regie | None:
    return (
        Regie.objects.filter(household_id=household_id, ended_at__isnull=True)
        .select_related("user", "organisation", "membership__team")
        .first()
    )


def _own(actor: Actor, access: MemberAccess) -> None:
    """The actor is this access's member at their own door."""
    if actor.household_id != access.household_id or actor.person_id != access.person_id:
        raise PermissionDenied


def _notify_regisseur(household: Household, title: str, url: str) -> None:
    regie = current_regie(household.pk)
    if regie is not None:
        with override("nl"):
            notify([regie.user_id], str(title) % {"reference": household.reference}, url)


def write_words(actor: Actor, access: MemberAccess, text: str) -> MemberWords:
    """The member's own words and wishes for the plan; a change is kept as a new row (history)."""
    _own(actor, access)
    text = bounded(text, field="text", maximum=WORDS_MAX, required=True, too_short=_("Write your words."))
    with transaction.atomic():
        words = MemberWords.objects.create(
            household_id=access.household_id, person_id=access.person_id, text=text
        )
        record(
            actor, action="create", object_type="member_words", object_id=str(words.pk),
            household_id=access.household_id, person_id=access.person_id,
        )  # fmt: skip
    return words


def respond_to_version(
    actor: Actor, access: MemberAccess, version: PlanVersion, agreement: str, note: str
) -> VersionResponse:
    """The member agrees, agrees in part or disagrees with a version of their household's plan. When
    they disagree (in part or wholly), the regisseur is told."""
    _own(actor, access)
    if version.plan.household_id != access.household_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if agreement not in RESPONSES:
        errors["agreement"] = [_("Choose whether you agree.")]
    try:
        note = bounded(note, field="note", maximum=NOTE_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = VersionResponse.objects.create(
            household_id=access.household_id,
            person_id=access.person_id,
            version=version,
            agreement=agreement,
            note=note,
        )
        record(
            actor, action="create", object_type="member_response", object_id=str(response.pk),
            household_id=access.household_id, person_id=access.person_id,
        )  # fmt: skip
        if agreement != Agreement.AGREES:
            household = access.household
            _notify_regisseur(
                household,
                _("A member of %(reference)s does not agree with the family plan"),
                reverse("plans:versions", args=[household.reference]),
            )
    return response


def ask_question(actor: Actor, access: MemberAccess, text: str) -> MemberMessage:
    """A question of the member to their regisseur; the regisseur is told (the norm runs from now)."""
    _own(actor, access)
    text = bounded(
        text, field="text", maximum=MESSAGE_MAX, required=True, too_short=_("Write your question.")
    )
    with transaction.atomic():
        message = MemberMessage.objects.create(
            household_id=access.household_id, person_id=access.person_id, from_member=True, author=actor.user,
            text=text,
        )  # fmt: skip
        record(
            actor, action="create", object_type="member_message", object_id=str(message.pk),
            household_id=access.household_id, person_id=access.person_id,
        )  # fmt: skip
        _notify_regisseur(
            access.household,
            _("A question from household %(reference)s"),
            reverse("portal_staff:questions"),
        )
    return message


def may_answer(actor: Actor, household_id: int) -> bool:
    """The regisseur of the household answers its members' questions."""
    regie = current_regie(household_id)
    return regie is not None and actor.user is not None and regie.user_id == actor.user.pk


def answer_question(actor: Actor, household: Household, person_id: int, text: str) -> MemberMessage:
    """The regisseur answers a member's thread: every question still open in it is answered now. The
    member sees it when they next sign in; if their account has an e-mail address, a neutral e-mail says
    that a message is waiting (no name, no content)."""
    if not may_answer(actor, household.pk):
        raise PermissionDenied
    if not MemberMessage.objects.filter(household=household, person_id=person_id, from_member=True).exists():
        raise PermissionDenied
    text = bounded(text, field="text", maximum=MESSAGE_MAX, required=True, too_short=_("Write your answer."))
    assert actor.user is not None
    now = timezone.now()
    with transaction.atomic():
        message = MemberMessage.objects.create(
            household=household, person_id=person_id, from_member=False, author=actor.user,
            author_name=actor.user.display_name[:200], text=text, at=now,
        )  # fmt: skip
        MemberMessage.objects.filter(
            household=household, person_id=person_id, from_member=True, answered_at__isnull=True
        ).update(answered_at=now)
        record(
            actor, action="create", object_type="member_message", object_id=str(message.pk),
            household_id=household.pk, person_id=person_id,
        )  # fmt: skip
        access = MemberAccess.objects.active().filter(household=household, person_id=person_id).first()
        if access is not None and access.user_id is not None:
            transaction.on_commit(partial(mail_member.enqueue, access.user_id), robust=True)
    return message


def mark_answers_seen(access: MemberAccess) -> int:
    return MemberMessage.objects.filter(
        household_id=access.household_id, person_id=access.person_id, from_member=False, seen_at__isnull=True
    ).update(seen_at=timezone.now())


def give_feedback(actor: Actor, access: MemberAccess, score: int | None, text: str) -> MemberFeedback:
    """The member's feedback on the help: a score from 1 to 5, and words if they like."""
    _own(actor, access)
    errors: dict[str, list[str]] = {}
    if score not in range(1, 6):
        errors["score"] = [_("Choose a score from 1 to 5.")]
    try:
        text = bounded(text, field="text", maximum=FEEDBACK_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert score is not None
    with transaction.atomic():
        feedback = MemberFeedback.objects.create(
            household_id=access.household_id, person_id=access.person_id, score=score, text=text
        )
        record(
            actor, action="create", object_type="member_feedback", object_id=str(feedback.pk),
            household_id=access.household_id, person_id=access.person_id,
        )  # fmt: skip
    return feedback


def invite_to_meeting(
    actor: Actor, meeting: CaseMeeting, item: AgendaItem, person_id: int, *, withdraw: bool = False
) -> None:
    """The chair of a planned meeting invites a member of a household on its agenda (or takes the
    invitation back): a member the chair's scope sees. The member sees the meeting at their door."""
    allowed = (
        item.meeting_id == meeting.pk
        and meeting.status == MeetingStatus.PLANNED
        and actor.user is not None
        and meeting.chair_id == actor.user.pk
        and visible_households(actor).filter(pk=item.household_id).exists()
        and HouseholdMember.objects.filter(household_id=item.household_id, person_id=person_id).exists()
        and view_scope(actor, item.household).sees_person(person_id)
    )
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        if withdraw:
            MeetingInvitation.objects.filter(
                meeting=meeting, household_id=item.household_id, person_id=person_id
            ).delete()
        else:
            MeetingInvitation.objects.get_or_create(
                meeting=meeting, household_id=item.household_id, person_id=person_id,
                defaults={"invited_by": actor.user},
            )  # fmt: skip
        record(
            actor, action="revoke" if withdraw else "create", object_type="meeting_invitation",
            object_id=str(meeting.pk), household_id=item.household_id, person_id=person_id,
        )  # fmt: skip


@task()
def mail_member(user_id: int) -> int:
    """The neutral e-mail to a member that a message is waiting at their door: no name, no household,
    no content — the phone or mailbox may be read by someone else."""
    user = User.objects.filter(pk=user_id, is_active=True, household_member=True).first()
    if user is None:
        return 0
    # The address the member gave for their e-mail code (redeeming keeps it on the device), else the
    # account's own.
    device = EmailDevice.objects.devices_for_user(user, confirmed=True).first()
    address = (device.email if device is not None else "") or user.email
    if not address:
        return 0
    with override(settings.LANGUAGE_CODE):
        send_mail(
            _("There is a new message for you"),
            _("There is a new message for you. Sign in to read it: %(link)s\n\nDo not reply to this e-mail.")
            % {"link": f"{settings.BASE_URL}/thuis/"},
            settings.HOUSEHOLD_MAIL_FROM,
            [address],
        )
    return 1
