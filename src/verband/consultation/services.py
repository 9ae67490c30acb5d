"""Every write of anonymous consultations: ask, advise, conclude, link to a household.

Each checks everything first (Dutch messages per field, nothing written on a refusal), then writes in one
transaction with its access-log entry and notifications. Texts go through `identity.check_anonymous`: an
anonymous consultation needs no consent only while it identifies nobody."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import Actor
from verband.consultation.identity import check_anonymous
from verband.consultation.models import (
    ADVICE_MAX,
    CONCLUSION_MAX,
    CONSULTATION_FLOW,
    FACTS_MAX,
    QUESTION_MAX,
    REASON_MAX,
    Advice,
    Consultation,
    ConsultationStatus,
)
from verband.consultation.selectors import ANONYMOUS_BASIS, may_conclude, member_networks
from verband.households.models import EventKind, Household
from verband.households.services import add_event
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES, Membership, Network
from verband.notifications.services import notify
from verband.sharing.access import basis_for, plausible_reference, works_with
from verband.sharing.accesslog import record
from verband.shielding.scope import involvement_members
from verband.text import bounded

PREFIX = "AC"
ATTEMPTS = 3


def _url(consultation: Consultation) -> str:
    return reverse("consultation:detail", args=[consultation.pk])


def _is_member(actor: Actor, consultation: Consultation) -> bool:
    m = actor.membership
    return (
        m is not None
        and m.role in CASEWORK_ROLES
        and consultation.network_id in actor.network_ids
        and consultation.network.active
    )


def next_reference(network: Network, year: int | None = None) -> str:
    """`AC-2026-0007`: the network's next number within the year. Callers hold a transaction; the unique
    constraint on (network, reference) catches the rare race, which `ask` retries."""
    year = year or timezone.localdate().year
    stem = f"{PREFIX}-{year}-"
    numbers = [
        int(ref.rsplit("-", 1)[1])
        for ref in Consultation.objects.filter(network=network, reference__startswith=stem).values_list(
            "reference", flat=True
        )
        if ref.rsplit("-", 1)[1].isdigit()
    ]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


def _texts(facts: str, question: str) -> tuple[str, str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    try:
        facts = bounded(
            facts,
            field="facts",
            maximum=FACTS_MAX,
            minimum=20,
            too_short=_("Describe the situation in a few sentences (at least 20 characters)."),
        )
        check_anonymous(facts, field="facts")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        question = bounded(
            question,
            field="question",
            maximum=QUESTION_MAX,
            minimum=10,
            too_short=_("Say in a sentence what you ask the network."),
        )
        check_anonymous(question, field="question")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return facts, question, errors


def ask(actor: Actor, *, network_id: int | None, facts: str, question: str) -> Consultation:
    """Put a situation and a question to one of the actor's networks, under a new reference."""
    m = actor.membership
    if m is None or m.role not in ACTING_ROLES or actor.user is None:
        raise PermissionDenied
    facts, question, errors = _texts(facts, question)
    network = member_networks(actor).filter(pk=network_id).first() if network_id is not None else None
    if network is None:
        if network_id is not None:  # a network the actor does not take part in
            record(actor, action="create", object_type="consultation", object_id=f"network:{network_id}",
                   outcome="denied")  # fmt: skip
        errors["network"] = [_("Choose one of your networks.")]
    if errors:
        raise ValidationError(errors)
    assert network is not None
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                consultation = Consultation.objects.create(
                    network=network,
                    reference=next_reference(network),
                    facts=facts,
                    question=question,
                    asked_by=actor.user,
                    asked_by_membership=m,
                    organisation=m.organisation,
                )
                record(actor, action="create", object_type="consultation", object_id=str(consultation.pk),
                       basis=ANONYMOUS_BASIS)  # fmt: skip
                others = (
                    Membership.objects.active()
                    .filter(networks=network, role__in=CASEWORK_ROLES)
                    .exclude(user_id=actor.user.pk)
                    .values_list("user_id", flat=True)
                )
                with override("nl"):
                    title = _("Anonymous question in %(network)s: %(ref)s") % {
                        "network": network.name,
                        "ref": consultation.reference,
                    }
                notify(set(others), title, _url(consultation))
                return consultation
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _locked(consultation: Consultation) -> Consultation:
    """The consultation as it is now, locked for this transaction (PostgreSQL; SQLite writes one at a time)."""
    return Consultation.objects.select_for_update().select_related("network").get(pk=consultation.pk)


class _LinkedMeanwhile(Exception):
    """Linked by someone else between the check and the lock: refused after the transaction, so that the
    refusal's log entry stays."""

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation


def _linked_refusal(actor: Actor, consultation: Consultation, action: str) -> ValidationError:
    record(actor, action=action, object_type="consultation", object_id=str(consultation.pk),
           household_id=consultation.household_id, outcome="denied")  # fmt: skip
    message = _(
        "This consultation is linked to a case, so the anonymous phase is over: no advice or conclusion is "
        "added any more. Discuss the case where the household is seen, for instance in a case meeting."
    )
    return ValidationError({NON_FIELD_ERRORS: [message]})


def still_anonymous(actor: Actor, consultation: Consultation, *, action: str) -> None:
    """Refuse advice or a conclusion on a consultation that is linked to a household. The thread is read by
    the whole network, also by members who do not see that household (or only some of its members), so what
    is added after the link would tell them about a case they may not see: the link ends the anonymous
    phase. The refusal names no household and is logged as denied (`action`: create for advice, close for a
    conclusion)."""
    if consultation.linked:
        raise _linked_refusal(actor, consultation, action)


def advise(actor: Actor, consultation: Consultation, text: str) -> Advice:
    """Advice by a member of the network (or the asker's answer to what was asked). The first advice by
    someone else than the asker makes the consultation advised. Not once it is linked to a case."""
    m = actor.membership
    if m is None or actor.user is None or not _is_member(actor, consultation):
        raise PermissionDenied
    still_anonymous(actor, consultation, action="create")
    text = bounded(
        text,
        field="text",
        maximum=ADVICE_MAX,
        minimum=10,
        too_short=_("Write your advice in a sentence (at least 10 characters)."),
    )
    check_anonymous(text, field="text")
    from_asker = consultation.asked_by_id == actor.user.pk
    try:
        with transaction.atomic():
            current = _locked(consultation)
            if current.status == ConsultationStatus.CLOSED:
                raise ValidationError(
                    {"text": [_("This consultation is concluded: no more advice is added.")]}
                )
            if current.linked:
                raise _LinkedMeanwhile(current)
            advice = Advice.objects.create(
                consultation=current,
                text=text,
                author=actor.user,
                author_membership=m,
                organisation=m.organisation,
                from_asker=from_asker,
            )
            if not from_asker:
                CONSULTATION_FLOW.move_rows(
                    Consultation.objects.filter(pk=current.pk),
                    ConsultationStatus.ADVISED,
                    source=ConsultationStatus.OPEN,
                )
            record(actor, action="create", object_type="consultation_advice", object_id=str(current.pk),
                   household_id=current.household_id, basis=ANONYMOUS_BASIS)  # fmt: skip
            with override("nl"):
                if from_asker:
                    users = set(
                        current.advice.exclude(author_id=actor.user.pk).values_list("author_id", flat=True)
                    )
                    title = _("The asker answered in %(ref)s") % {"ref": current.reference}
                else:
                    users = {current.asked_by_id}
                    title = _("Advice on your anonymous question %(ref)s") % {"ref": current.reference}
            notify(users, title, _url(current))
    except _LinkedMeanwhile as meanwhile:
        raise _linked_refusal(actor, meanwhile.consultation, "create") from None
    consultation.refresh_from_db(fields=["status"])
    return advice


def conclude(actor: Actor, consultation: Consultation, conclusion: str) -> None:
    """The asker or the network's coordinator records what the network advises; the consultation is
    concluded. Not once it is linked to a case: then the case is concluded where the household is seen."""
    if actor.user is None or not may_conclude(actor, consultation, member=_is_member(actor, consultation)):
        raise PermissionDenied
    still_anonymous(actor, consultation, action="close")
    conclusion = bounded(
        conclusion,
        field="conclusion",
        maximum=CONCLUSION_MAX,
        minimum=10,
        too_short=_("Write down the conclusion in a sentence (at least 10 characters)."),
    )
    check_anonymous(conclusion, field="conclusion")
    try:
        with transaction.atomic():
            current = _locked(consultation)
            if current.linked:
                raise _LinkedMeanwhile(current)
            CONSULTATION_FLOW.move(
                consultation,
                ConsultationStatus.CLOSED,
                source=(ConsultationStatus.OPEN, ConsultationStatus.ADVISED),
                stale=_("This consultation was concluded in the meantime."),
                conclusion=conclusion,
                concluded_by=actor.user,
                concluded_organisation=actor.organisation,
                concluded_at=timezone.now(),
            )
            record(actor, action="close", object_type="consultation", object_id=str(consultation.pk),
                   household_id=consultation.household_id, basis=ANONYMOUS_BASIS)  # fmt: skip
            users = set(consultation.advice.values_list("author_id", flat=True)) | {consultation.asked_by_id}
            users.discard(actor.user.pk)
            with override("nl"):
                title = _("Conclusion recorded: %(ref)s") % {"ref": consultation.reference}
            notify(users, title, _url(consultation))
    except _LinkedMeanwhile as meanwhile:
        raise _linked_refusal(actor, meanwhile.consultation, "close") from None


def link(actor: Actor, consultation: Consultation, *, reference: str, reason: str) -> Household:
    """Link the consultation to the household it turned out to be about, with a reason. Only a member of
    the network who works with that household as a whole links; any other household — one the actor does
    not see, sees only in part or through emergency access, of another region, or none at all — gets the
    same answer, and the attempt is logged as denied."""
    m = actor.membership
    if m is None or m.role not in ACTING_ROLES or actor.user is None or not _is_member(actor, consultation):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    try:
        reason = bounded(
            reason,
            field="reason",
            maximum=REASON_MAX,
            minimum=10,
            required=True,
            too_short=_("Say in a sentence why this consultation is about this household."),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if consultation.linked:
        errors["__all__"] = [_("This consultation is already linked to a case.")]
    reference = (reference or "").strip().upper()
    household = None
    if not reference:
        errors["household"] = [_("Fill in the reference of the household (HH-…).")]
    elif "__all__" not in errors:
        household = (
            Household.objects.filter(reference=reference).first() if plausible_reference(reference) else None
        )
        allowed = (
            household is not None
            and household.region_id == consultation.network.region_id
            and works_with(actor, household)
            and involvement_members(actor, household)[0]
        )
        if not allowed:
            record(actor, action="link", object_type="consultation", object_id=str(consultation.pk),
                   household_id=household.pk if household else None, outcome="denied")  # fmt: skip
            errors["household"] = [_("There is no household with this reference that you work with.")]
            household = None
    if errors:
        raise ValidationError(errors)
    assert household is not None
    now = timezone.now()
    with transaction.atomic():
        linked = Consultation.objects.filter(pk=consultation.pk, household__isnull=True).update(
            household=household,
            linked_by=actor.user,
            linked_organisation=actor.organisation,
            linked_at=now,
            link_reason=reason,
        )
        if not linked:
            raise ValidationError(_("Someone else linked this consultation in the meantime."))
        add_event(
            household,
            EventKind.CONSULTATION,
            _("Anonymous consultation %(ref)s of %(network)s linked to this household: %(reason)s")
            % {"ref": consultation.reference, "network": consultation.network.name, "reason": reason},
            actor=actor,
        )
        record(actor, action="link", object_type="consultation", object_id=str(consultation.pk),
               household_id=household.pk, basis=basis_for(actor, household))  # fmt: skip
        if consultation.asked_by_id != actor.user.pk:
            with override("nl"):
                title = _("Your anonymous question %(ref)s is now linked to a case") % {
                    "ref": consultation.reference
                }
            notify([consultation.asked_by_id], title, _url(consultation))
    consultation.refresh_from_db()
    return household
