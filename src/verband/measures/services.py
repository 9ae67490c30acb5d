"""Writes of protective measures: record one, extend a huisverbod, end one early. Each checks its dates
before anything is written and refuses in Dutch; each writes the timeline line (naming the kind of
measure, never a person or the detail), the access-log entry, and closes the review tasks its change made
needless."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Address, EventKind, Household, HouseholdMember, MemberRole
from verband.measures.models import (
    DETAIL_MAX,
    HOUSE_BAN_DAYS,
    HOUSE_BAN_MAX_DAYS,
    PROTECTING,
    MeasureExtension,
    MeasureKind,
    ProtectiveMeasure,
)
from verband.network.models import ACTING_ROLES
from verband.sharing.access import works_with
from verband.shielding.scope import view_scope
from verband.tasks.models import TaskKind
from verband.tasks.services import close_superseded
from verband.text import bounded
from verband.workflow import happened

CHILD_PROTECTION = frozenset({MeasureKind.SUPERVISION_ORDER, MeasureKind.GUARDIANSHIP})

# How far back or ahead a date may lie: a typo (2062 for 2026) is refused, not kept for years.
FAR = timedelta(days=366 * 20)


@dataclass(frozen=True)
class MeasureInput:
    kind: str
    person_id: int | None
    starts_on: date | None
    ends_on: date | None = None
    protected_person_id: int | None = None
    detail: str = ""


def may_record(actor: Actor, household: Household) -> bool:
    return (
        actor.membership is not None
        and actor.membership.role in ACTING_ROLES
        and works_with(actor, household)
    )


def may_change(actor: Actor, measure: ProtectiveMeasure) -> bool:
    """Extending or ending a measure early changes what protects a member, and closes its review task:
    for the organisation that recorded it, or those who work with the whole household — not a partner
    working only with some members (probation working with him must not be able to end his ban)."""
    if not may_record(actor, measure.household):
        return False
    if actor.organisation is not None and measure.organisation_id == actor.organisation.pk:
        return True
    return view_scope(actor, measure.household).whole


def _members_seen(actor: Actor, household: Household) -> set[int]:
    scope = view_scope(actor, household)
    members = HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True)
    return {pid for pid in members if scope.sees_person(pid)}


def _check_dates(starts_on: date | None, ends_on: date | None, *, end_field: str = "ends_on") -> None:
    today = timezone.localdate()
    if starts_on is None:
        raise ValidationError({"starts_on": [_("Give the date of the decision or the start.")]})
    if abs(starts_on - today) > FAR:
        raise ValidationError({"starts_on": [_("This date is too far from today. Check the year.")]})
    if ends_on is None:
        raise ValidationError({end_field: [_("Give the end date.")]})
    if ends_on <= starts_on:
        raise ValidationError({end_field: [_("The end date must be after the start date.")]})
    if abs(ends_on - today) > FAR:
        raise ValidationError({end_field: [_("This date is too far from today. Check the year.")]})


def _no_confidential_address(household: Household, detail: str) -> None:
    """A measure's detail is read by every partner who sees the measure: never the street of a confidential
    address (where she is in the shelter)."""
    if not detail:
        return
    text = detail.casefold()
    streets = Address.objects.filter(person__memberships__household=household, confidential=True).values_list(
        "street", flat=True
    )
    if any(street and len(street) >= 4 and street.casefold() in text for street in streets):
        raise ValidationError(
            {
                "detail": [
                    _(
                        "This names the street of a confidential address. Describe the area without it: "
                        "a confidential address is never written in a measure."
                    )
                ]
            }
        )


def record_measure(actor: Actor, household: Household, data: MeasureInput) -> ProtectiveMeasure:
    if not may_record(actor, household):
        raise PermissionDenied
    if data.kind not in MeasureKind.values:
        raise ValidationError({"kind": [_("Choose the kind of measure.")]})
    seen = _members_seen(actor, household)
    if data.person_id is None or data.person_id not in seen:
        raise ValidationError({"person": [_("Choose the member of this household the measure is about.")]})
    if data.protected_person_id is not None and (
        data.protected_person_id not in seen or data.protected_person_id == data.person_id
    ):
        raise ValidationError(
            {"protected_person": [_("Choose another member of this household, or no one.")]}
        )
    if (
        data.kind in CHILD_PROTECTION
        and not HouseholdMember.objects.filter(
            household=household, person_id=data.person_id, role=MemberRole.CHILD
        ).exists()
    ):
        raise ValidationError(
            {"person": [_("A child-protection measure is about a child of this household.")]}
        )
    ends_on = data.ends_on
    if data.kind == MeasureKind.HOUSE_BAN:
        # Ten days from the mayor's decision; longer only by extension, each with its own decision.
        if data.starts_on is not None and ends_on is None:
            ends_on = data.starts_on + timedelta(days=HOUSE_BAN_DAYS)
        if (
            data.starts_on is not None
            and ends_on is not None
            and (ends_on - data.starts_on).days > HOUSE_BAN_DAYS
        ):
            raise ValidationError(
                {
                    "ends_on": [
                        _(
                            "A huisverbod is imposed for 10 days. Record a longer one as an extension, "
                            "with the date of the decision to extend."
                        )
                    ]
                }
            )
    _check_dates(data.starts_on, ends_on)
    detail = bounded(data.detail, field="detail", maximum=DETAIL_MAX)
    _no_confidential_address(household, detail)
    assert data.starts_on is not None and ends_on is not None
    with transaction.atomic():
        measure = ProtectiveMeasure.objects.create(
            household=household,
            person_id=data.person_id,
            protected_person_id=data.protected_person_id,
            kind=data.kind,
            starts_on=data.starts_on,
            ends_on=ends_on,
            detail=detail,
            recorded_by=actor.user,
            recorded_by_membership=actor.membership,
            organisation=actor.organisation,
        )
        happened(
            actor,
            household,
            "measure",
            str(measure.pk),
            action="create",
            person_id=measure.person_id,
            event=(EventKind.MEASURE, _timeline(measure, _("Measure recorded"))),
        )
    return measure


def _timeline(measure: ProtectiveMeasure, what: str) -> str:
    """The timeline line: the kind and the end, never the person or the detail. A measure that protects
    her is not named on the timeline at all (its lines are read by partners it is kept from)."""
    if measure.kind in PROTECTING:
        return str(what)
    return _("%(what)s: %(kind)s until %(end)s") % {
        "what": what,
        "kind": measure.get_kind_display(),
        "end": measure.ends_on.strftime("%d-%m-%Y"),
    }


def extend_house_ban(
    actor: Actor, measure: ProtectiveMeasure, *, decided_on: date | None, new_end: date | None
) -> MeasureExtension:
    """Extend a huisverbod by a new decision, to at most 28 days from the first decision in total."""
    household = measure.household
    if not may_change(actor, measure):
        raise PermissionDenied
    if measure.kind != MeasureKind.HOUSE_BAN:
        raise ValidationError(_("Only a huisverbod is extended here."))
    if decided_on is None:
        raise ValidationError({"decided_on": [_("Give the date of the decision to extend.")]})
    if new_end is None:
        raise ValidationError({"new_end": [_("Give the new end date.")]})
    with transaction.atomic():
        locked = ProtectiveMeasure.objects.select_for_update().get(pk=measure.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("This huisverbod has ended; it cannot be extended."))
        if decided_on < locked.starts_on or decided_on > locked.ends_on:
            raise ValidationError(
                {
                    "decided_on": [
                        _(
                            "The decision to extend is taken while the huisverbod runs: between %(start)s and %(end)s."
                        )
                        % {
                            "start": locked.starts_on.strftime("%d-%m-%Y"),
                            "end": locked.ends_on.strftime("%d-%m-%Y"),
                        }
                    ]
                }
            )
        if new_end <= locked.ends_on:
            raise ValidationError(
                {
                    "new_end": [
                        _("The new end date must be after the current end (%(end)s).")
                        % {"end": locked.ends_on.strftime("%d-%m-%Y")}
                    ]
                }
            )
        if (new_end - locked.starts_on).days > HOUSE_BAN_MAX_DAYS:
            last = locked.starts_on + timedelta(days=HOUSE_BAN_MAX_DAYS)
            raise ValidationError(
                {
                    "new_end": [
                        _(
                            "A huisverbod lasts at most 28 days in total from the first decision: "
                            "it can run until %(last)s at the latest."
                        )
                        % {"last": last.strftime("%d-%m-%Y")}
                    ]
                }
            )
        extension = MeasureExtension.objects.create(
            measure=locked,
            decided_on=decided_on,
            previous_end=locked.ends_on,
            new_end=new_end,
            recorded_by=actor.user,
        )
        locked.ends_on = new_end
        locked.save(update_fields=["ends_on"])
        # The review before the old end is done: the mayor decided.
        close_superseded(
            actor, TaskKind.REVIEW_SAFETY_PLAN, "measure", locked.pk, _("The huisverbod was extended.")
        )
        happened(
            actor,
            household,
            "measure",
            str(locked.pk),
            action="extend",
            person_id=locked.person_id,
            event=(EventKind.MEASURE, _timeline(locked, _("Huisverbod extended"))),
        )
    measure.refresh_from_db()
    return extension


def end_measure(actor: Actor, measure: ProtectiveMeasure, reason: str) -> ProtectiveMeasure:
    """End a measure before its end date (lifted by the judge, the alarm handed in), with the reason."""
    household = measure.household
    if not may_change(actor, measure):
        raise PermissionDenied
    reason = bounded(
        reason,
        field="reason",
        maximum=300,
        required=True,
        too_short=_("Say why the measure ends early (at most 300 characters)."),
    )
    with transaction.atomic():
        ended = ProtectiveMeasure.objects.filter(pk=measure.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=actor.user, end_reason=reason
        )
        if not ended:
            raise ValidationError(_("This measure has already ended."))
        measure.refresh_from_db()
        close_superseded(
            actor, TaskKind.REVIEW_SAFETY_PLAN, "measure", measure.pk, _("The measure ended early.")
        )
        happened(
            actor,
            household,
            "measure",
            str(measure.pk),
            action="end",
            person_id=measure.person_id,
            event=(EventKind.MEASURE, _timeline(measure, _("Measure ended early"))),
        )
    return measure
