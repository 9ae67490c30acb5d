"""Every write of a request under the AVG: record it, extend its deadline, decide it, note that its export
was made, and mark the export delivered. Each checks who acts (a case worker who works with the household
and with the member the request is about), validates everything before writing, and writes the change and
its access-log entry in one transaction.

Who acts: a professional, line manager or network coordinator whose own party works with the household
(`sharing.access.works_with`: not an emergency access), and — when their involvement is for named members
only — only for those members. The region's privacy officers are told of every new request (kind and
household reference, no name) and see them all on their list."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta  # no stubs installed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import Actor
from verband.households.models import Household, HouseholdMember, MemberRole, Person
from verband.network.models import ACTING_ROLES, Membership, Role
from verband.notifications.services import notify
from verband.rights.models import (
    DECIDED,
    MAX_EXTENSION_MONTHS,
    RIGHTS_FLOW,
    HowReceived,
    RightsKind,
    RightsRequest,
    RightsStatus,
    legal_due,
)
from verband.sharing.access import basis_for, works_with
from verband.sharing.accesslog import record
from verband.shielding.scope import view_scope
from verband.text import bounded, reason_text
from verband.workflow import transition

ASKED_MIN, ASKED_MAX = 10, 4000
REPRESENTATIVE_MAX = 300
# Under this age a member's data is asked for by a parent with authority: their export is made as for the
# member recorded as perpetrator (`guarded`).
MAJORITY = 18
# A request is recorded when it comes in; one received more than a year ago is a typing error.
OLDEST_DAYS = 366
EXPORT_FORMATS = ("pdf", "json")


def may_handle(actor: Actor, household: Household) -> bool:
    """A case worker who acts and decides, working with the household through their own party."""
    return (
        actor.membership is not None
        and actor.user is not None
        and actor.membership.role in ACTING_ROLES
        and works_with(actor, household)
    )


def may_handle_person(actor: Actor, household: Household, person_id: int) -> bool:
    """`may_handle`, and the actor's involvement covers this member (all of them for a whole-household
    partner)."""
    return may_handle(actor, household) and view_scope(actor, household).sees_person(person_id)


def _name(actor: Actor) -> str:
    """The professional's name; their organisation is kept apart (the page names it only to whom may read
    it: a shelter is no one's business but the whole-household partners')."""
    return actor.user.display_name[:300] if actor.user is not None else ""


def is_minor(person: Person, on: date | None = None) -> bool:
    """Under `MAJORITY` on the day (today): by the birth date, or — with the year only — when they may be."""
    day = on or timezone.localdate()
    born = person.date_of_birth
    if born is not None:
        return relativedelta(day, born).years < MAJORITY
    return person.birth_year is not None and day.year - person.birth_year <= MAJORITY


def guarded(request: RightsRequest) -> bool:
    """Whether the export may reach the person the victim fears: the member is recorded as perpetrator,
    or the request came through a representative (who may be him, or act for him), or it is a child's
    (whose data the father with parental authority asks for). Such an export keeps out whatever is kept
    from any perpetrator of the household and names no one and nothing that says where she is
    (`rights.export`)."""
    if request.through_representative:
        return True
    roles = set(
        HouseholdMember.objects.filter(
            household_id=request.household_id, person_id=request.person_id
        ).values_list("role", flat=True)
    )
    return bool(roles & {MemberRole.PERPETRATOR, MemberRole.CHILD}) or is_minor(request.person)


def privacy_officers(household: Household) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(role=Role.PRIVACY_OFFICER, organisation__region_id=household.region_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def record_request(
    actor: Actor,
    household: Household,
    *,
    person_id: int | None,
    kind: str,
    how_received: str,
    received_on: date | None,
    asked: str,
    identity_checked: bool = False,
    representative: str = "",
) -> RightsRequest:
    """Record a request as it came in; the deadline is a month after receipt. A request through a
    representative names who that is."""
    if not may_handle(actor, household):
        raise PermissionDenied
    assert actor.organisation is not None and actor.user is not None  # may_handle: a membership
    errors: dict[str, list[str]] = {}
    members = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    if (
        person_id is None
        or person_id not in members
        or not view_scope(actor, household).sees_person(person_id)
    ):
        errors["person"] = [_("Choose the member whose request it is.")]
    if kind not in RightsKind.values:
        errors["kind"] = [_("Choose what the person asks for.")]
    if how_received not in HowReceived.values:
        errors["how_received"] = [_("Choose how the request came in.")]
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = [_("Enter the day the request came in.")]
    elif received_on > today:
        errors["received_on"] = [_("The day the request came in cannot be in the future.")]
    elif received_on < today - timedelta(days=OLDEST_DAYS):
        errors["received_on"] = [_("The day the request came in is more than a year ago: check the date.")]
    try:
        asked = bounded(
            asked,
            field="asked",
            minimum=ASKED_MIN,
            maximum=ASKED_MAX,
            too_short=_("Describe in a sentence what the person asks."),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        representative = bounded(
            representative,
            field="representative",
            maximum=REPRESENTATIVE_MAX,
            required=how_received == HowReceived.REPRESENTATIVE,
            too_short=_("Write down who the representative is, and for whom they act (for example: lawyer, or "
                        "father with parental authority)."),
        )  # fmt: skip
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if how_received != HowReceived.REPRESENTATIVE:
        representative = ""
    if errors:
        raise ValidationError(errors)
    assert person_id is not None and received_on is not None
    with transaction.atomic():
        request = RightsRequest.objects.create(
            household=household,
            person_id=person_id,
            kind=kind,
            how_received=how_received,
            received_on=received_on,
            asked=asked,
            identity_checked=identity_checked,
            representative=representative,
            due_on=legal_due(received_on),
            recorded_by=actor.user,
            recorded_by_name=_name(actor),
            organisation=actor.organisation,
        )
        record(
            actor,
            action="create",
            object_type="rights_request",
            object_id=str(request.pk),
            household_id=household.pk,
            person_id=person_id,
            basis=basis_for(actor, household),
        )
        with override("nl"):
            title = _("Request under the AVG (%(kind)s) at %(reference)s") % {
                "kind": RightsKind(kind).label.lower(),
                "reference": household.reference,
            }
        notify(privacy_officers(household), title, reverse("rights:region"))
    return request


# What a member may ask for themselves at the household's door (`verband.portal`).
DOOR_KINDS = (RightsKind.ACCESS, RightsKind.CORRECTION)


def record_member_request(
    actor: Actor, household: Household, *, person_id: int, kind: str, asked: str, organisation_id: int
) -> RightsRequest:
    """A member's own request, filed at the household's door (signed in with a second factor): about
    themselves only, for access or a correction. It is received by `organisation_id` (the regisseur's
    organisation, or one involved with the household) and handled by the privacy officer as any other.
    Who the person is stays to be checked by the professional (`identity_checked` is not set)."""
    if actor.household_id != household.pk or actor.person_id != person_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if kind not in DOOR_KINDS:
        errors["kind"] = [_("Choose what you ask for.")]
    try:
        asked = bounded(
            asked,
            field="asked",
            minimum=ASKED_MIN,
            maximum=ASKED_MAX,
            too_short=_("Write in a sentence what you ask."),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        request = RightsRequest.objects.create(
            household=household,
            person_id=person_id,
            kind=kind,
            how_received=HowReceived.DOOR,
            received_on=today,
            asked=asked,
            due_on=legal_due(today),
            recorded_by=actor.user,
            recorded_by_name="",
            organisation_id=organisation_id,
        )
        record(
            actor,
            action="create",
            object_type="rights_request",
            object_id=str(request.pk),
            household_id=household.pk,
            person_id=person_id,
        )
        with override("nl"):
            title = _("Request under the AVG (%(kind)s) at %(reference)s") % {
                "kind": RightsKind(kind).label.lower(),
                "reference": household.reference,
            }
        notify(privacy_officers(household), title, reverse("rights:region"))
    return request


def _check(actor: Actor, request: RightsRequest) -> None:
    if not may_handle_person(actor, request.household, request.person_id):
        raise PermissionDenied


def extend(actor: Actor, request: RightsRequest, months: int | None, reason: str) -> RightsRequest:
    """Extend the deadline once, by one or two months, with the reason the person is told — decided within
    the first month, as the AVG asks."""
    _check(actor, request)
    errors: dict[str, list[str]] = {}
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        errors["months"] = [_("Choose one or two months.")]
    try:
        reason = reason_text(reason)
    except ValidationError as exc:
        errors["extension_reason"] = exc.messages
    if not request.is_open:
        errors["__all__"] = [_("This request has been answered; its deadline no longer runs.")]
    elif request.extension_months:
        errors["__all__"] = [_("The deadline of this request was extended already.")]
    elif timezone.localdate() > request.first_due_on:
        errors["__all__"] = [_("An extension must be decided within the first month; that month has passed.")]
    if errors:
        raise ValidationError(errors)
    assert months is not None
    due = legal_due(request.received_on, months)
    with transaction.atomic():
        moved = (
            RightsRequest.objects.open()
            .filter(pk=request.pk, extension_months=0)
            .update(
                extension_months=months,
                extension_reason=reason,
                extended_at=timezone.now(),
                extended_by=actor.user,
                due_on=due,
            )
        )
        if not moved:
            raise ValidationError(_("Someone else changed this request in the meantime; look again."))
        record(
            actor,
            action="update",
            object_type="rights_request",
            object_id=str(request.pk),
            household_id=request.household_id,
            person_id=request.person_id,
        )
    request.refresh_from_db()
    return request


def may_release_addresses(request: RightsRequest) -> bool:
    """A member asking for their own data, in person and grown up, may have their confidential addresses
    written out in the export when the professional decides so; in a guarded export never."""
    return request.kind == RightsKind.ACCESS and not guarded(request)


def decide(
    actor: Actor, request: RightsRequest, outcome: str, reason: str, *, release_addresses: bool = False
) -> RightsRequest:
    """Grant, partly grant or refuse the request, always with the reason the person is told; granting
    access, the professional may write out the member's own confidential addresses in the export
    (`may_release_addresses`)."""
    _check(actor, request)
    errors: dict[str, list[str]] = {}
    if outcome not in DECIDED:
        errors["outcome"] = [_("Choose granted, partly granted or refused.")]
    if release_addresses and (outcome == RightsStatus.REFUSED or not may_release_addresses(request)):
        errors["release_addresses"] = [
            _("Confidential addresses are written out only for a grown-up member who asks for their own data, "
              "and only when the request is granted.")
        ]  # fmt: skip
    try:
        reason = reason_text(reason, maximum=4000)
    except ValidationError as exc:
        errors["decision"] = exc.messages
    if errors:
        raise ValidationError(errors)
    transition(
        RIGHTS_FLOW,
        request,
        outcome,
        actor=actor,
        household=request.household,
        stale=_("This request was decided in the meantime."),
        source=RightsStatus.RECEIVED,
        log_as="rights_request",
        person_id=request.person_id,
        decision=reason,
        decided_at=timezone.now(),
        decided_by=actor.user,
        decided_by_name=_name(actor),
        decided_by_organisation=actor.organisation,
        addresses_released=release_addresses,
    )
    return request


def confirm_identity(actor: Actor, request: RightsRequest) -> RightsRequest:
    """The professional checked who the person is (after the request was recorded). Only then does the
    export list who looked at the data."""
    _check(actor, request)
    if request.identity_checked:
        return request
    with transaction.atomic():
        RightsRequest.objects.filter(pk=request.pk).update(identity_checked=True)
        record(
            actor,
            action="update",
            object_type="rights_request",
            object_id=str(request.pk),
            household_id=request.household_id,
            person_id=request.person_id,
        )
    request.identity_checked = True
    return request


def may_export(actor: Actor, request: RightsRequest) -> bool:
    """An access request that is not refused: the export can be made (and checked) before the decision,
    and again after delivery."""
    return request.kind == RightsKind.ACCESS and request.status != RightsStatus.REFUSED


def note_export(actor: Actor, request: RightsRequest, fmt: str, redacted: int | None = None) -> None:
    """The export was made: log it (whose data, which request, which format) and keep when, and how many
    passages of its free text were replaced. Call inside the transaction that hands the file out."""
    _check(actor, request)
    if not may_export(actor, request) or fmt not in EXPORT_FORMATS:
        raise PermissionDenied
    request.exported_at = timezone.now()
    request.redacted_passages = redacted
    RightsRequest.objects.filter(pk=request.pk).update(
        exported_at=request.exported_at, redacted_passages=redacted
    )
    record(
        actor,
        action="export",
        object_type="rights_export",
        object_id=f"{request.pk}:{fmt}",
        household_id=request.household_id,
        person_id=request.person_id,
        basis=basis_for(actor, request.household),
    )


def deliver(actor: Actor, request: RightsRequest) -> RightsRequest:
    """The export of a granted access request was handed over: the request is done."""
    _check(actor, request)
    if request.kind != RightsKind.ACCESS:
        raise ValidationError(_("Only a request for access has an export to deliver."))
    if request.status not in (RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED):
        raise ValidationError(_("Decide the request first: the export is delivered once it is granted."))
    if not RightsRequest.objects.filter(pk=request.pk, exported_at__isnull=False).exists():
        raise ValidationError(_("Make the export first, and check it, before you deliver it."))
    transition(
        RIGHTS_FLOW,
        request,
        RightsStatus.DELIVERED,
        actor=actor,
        household=request.household,
        stale=_("This export was marked delivered in the meantime."),
        log_as="rights_request",
        person_id=request.person_id,
        delivered_at=timezone.now(),
        delivered_by=actor.user,
    )
    return request
