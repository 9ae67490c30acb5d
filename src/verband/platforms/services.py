"""Writes of the platforms and their barriers: each in one transaction, logged, and told to whoever must
know (`verband.notifications`). Texts are checked for obvious personal data before anything is stored.

The escalation engine calls `add_escalation_items` when an escalation reaches the tactical platform,
`move_overdue_barriers` and `tell_overdue_decisions` in its sweep; the indicators call
`add_indicator_item` for an indicator off its norm."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import SYSTEM, Actor
from verband.households.models import Household
from verband.network.models import Membership, Organisation, OrganisationKind, Region, Role
from verband.notifications.services import notify, notify_many
from verband.platforms import selectors
from verband.platforms.models import (
    AGENDA_FLOW,
    BARRIER_FLOW,
    DECISION_FLOW,
    MEETING_FLOW,
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Barrier,
    BarrierCase,
    BarrierKind,
    BarrierStatus,
    BarrierSupport,
    Decision,
    DecisionStatus,
    Level,
    MeetingStatus,
    Platform,
    PlatformMeeting,
    PlatformMember,
    Priority,
)
from verband.sharing.access import can_see_household
from verband.sharing.accesslog import record
from verband.sharing.models import Involvement
from verband.text import bounded, errors_of

if TYPE_CHECKING:
    from verband.escalation.models import Escalation

# A barrier not decided by the tactical platform's deadline goes to the strategic platform, which gets
# this long to decide.
STRATEGIC_WEEKS = 8
# How far ahead a deadline or a due date may lie.
MAX_MONTHS = 12

# Obvious personal data in a barrier's text: a BSN (nine digits, also written 123.456.789 or 1234 56 789),
# a household or signal reference, an e-mail address, a date of birth.
_BSN = re.compile(r"(?<!\d)\d{4}[ .]?\d{2}[ .]?\d{3}(?!\d)|(?<!\d)\d{3}[ .]\d{3}[ .]\d{3}(?!\d)")
_REFERENCE = re.compile(r"\b(?:HH|SG)-[A-Z0-9]", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_BIRTH = re.compile(r"\b(?:geb(?:oren)?\.?|geboortedatum)\s*:?\s*\d", re.IGNORECASE)
# An address (a Dutch postcode, 1234 AB) and a phone number (ten digits from 0, or +31 …): a barrier's text
# is read region-wide, and the address may be a shelter's.
_POSTCODE = re.compile(r"(?<![\d])[1-9]\d{3} ?[A-Z]{2}(?![\w])")
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+31[ -]?|0031[ -]?|0)6[ -]?\d{8}|0\d{2}[ -]?\d{7}|0\d{3}[ -]?\d{6})(?!\d)"
)


def refuse_personal_data(field: str, text: str) -> None:
    if _BSN.search(text):
        raise ValidationError(
            {field: [_("Remove the number that looks like a BSN: a barrier names no persons.")]}
        )
    if _REFERENCE.search(text):
        raise ValidationError(
            {field: [_("Remove the household or signal reference: link a case with the button instead.")]}
        )
    if _EMAIL.search(text):
        raise ValidationError({field: [_("Remove the e-mail address: a barrier names no persons.")]})
    if _BIRTH.search(text):
        raise ValidationError({field: [_("Remove the date of birth: a barrier names no persons.")]})
    if _POSTCODE.search(text):
        raise ValidationError({field: [_("Remove the postcode: a barrier names no addresses.")]})
    if _PHONE.search(text):
        raise ValidationError({field: [_("Remove the phone number: a barrier names no persons.")]})


def _url(barrier: Barrier) -> str:
    return reverse("platforms:barrier", args=[barrier.pk])


def _clean_text(*, title: str, description: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for field, value, minimum, maximum, too_short in (
        ("title", title, 5, 200, _("Give the barrier a short title (at least 5 characters).")),
        (
            "description",
            description,
            20,
            4000,
            _("Describe what stalls, for whom and since when, in at least a sentence."),
        ),
    ):
        try:
            values[field] = bounded(value, field=field, minimum=minimum, maximum=maximum, too_short=too_short)
            refuse_personal_data(field, values[field])
        except ValidationError as exc:
            errors.update(errors_of(exc))
    if errors:
        raise ValidationError(errors)
    return values["title"], values["description"]


def _due(value: date | None, today: date, field: str = "due_on") -> date:
    if value is None:
        raise ValidationError({field: [_("Give the date by which it is decided.")]})
    if value < today:
        raise ValidationError({field: [_("The date cannot lie in the past.")]})
    if value > today + relativedelta(months=MAX_MONTHS):
        raise ValidationError({field: [_("Choose a date within a year.")]})
    return value


def _close_items(barrier: Barrier) -> None:
    """The agenda items of a barrier that left the agenda (withdrawn, merged, moved up) are dealt with."""
    AGENDA_FLOW.move_rows(
        AgendaItem.objects.filter(barrier=barrier), AgendaStatus.DONE, source=AgendaStatus.OPEN
    )


def _log(actor: Actor, action: str, object_type: str, pk: int, household_id: int | None = None) -> None:
    record(actor, action=action, object_type=object_type, object_id=str(pk), household_id=household_id)


def _people(barrier: Barrier) -> set[int]:
    """The users who raised or support a barrier: they are told what happens to it."""
    people = set(barrier.supports.values_list("user_id", flat=True))
    if barrier.raised_by_id is not None:
        people.add(barrier.raised_by_id)
    return people


def coordinators_of(region_id: int) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(role=Role.NETWORK_COORDINATOR, organisation__region_id=region_id)
        .values_list("user_id", flat=True)
    )


# --- Barriers ----------------------------------------------------------------------------------------


def _link(actor: Actor, barrier: Barrier, household: Household) -> bool:
    """Link a household the actor may see; logged as a write about the household. False if linked."""
    if actor.user is None or not can_see_household(actor, household):
        record(actor, action="link", object_type="barrier_case", object_id=str(barrier.pk),
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied
    _made, created = BarrierCase.objects.get_or_create(
        barrier=barrier, household=household, linked_by=actor.user
    )
    if created:
        _log(actor, "link", "barrier_case", barrier.pk, household.pk)
    return created


def raise_barrier(
    actor: Actor,
    *,
    title: str,
    description: str,
    kind: str,
    household: Household | None = None,
) -> Barrier:
    if actor.membership is None or actor.membership.role not in selectors.RAISERS or actor.user is None:
        raise PermissionDenied
    title, description = _clean_text(title=title, description=description)
    if kind not in BarrierKind.values:
        raise ValidationError({"kind": [_("Choose what kind of barrier it is.")]})
    with transaction.atomic():
        barrier = Barrier.objects.create(
            region_id=actor.membership.organisation.region_id,
            title=title,
            description=description,
            kind=kind,
            raised_by=actor.user,
            raised_by_organisation=actor.membership.organisation,
        )
        _log(actor, "create", "barrier", barrier.pk)
        if household is not None:
            _link(actor, barrier, household)
        with override("nl"):
            title_nl = _("New system barrier: %(title)s") % {"title": barrier.title}
        notify(coordinators_of(barrier.region_id) - {actor.user.pk}, title_nl, _url(barrier), email=False)
    return barrier


def support(actor: Actor, barrier: Barrier, household: Household | None = None) -> bool:
    """ "I run into this too": +1 (once per person) and optionally a household of mine. True if new."""
    if (
        actor.membership is None
        or actor.user is None
        or actor.membership.role not in selectors.RAISERS
        or not selectors.may_read_barriers(actor, barrier.region_id)
    ):
        raise PermissionDenied
    if not barrier.is_open:
        raise ValidationError(_("This barrier is closed; raise a new one if it is still there."))
    with transaction.atomic():
        added = False
        if barrier.raised_by_id != actor.user.pk:
            _s, added = BarrierSupport.objects.get_or_create(
                barrier=barrier, user=actor.user, defaults={"organisation": actor.membership.organisation}
            )
            if added:
                _log(actor, "update", "barrier", barrier.pk)
        linked = _link(actor, barrier, household) if household is not None else False
        if not added and not linked:
            raise ValidationError(
                _("You support this barrier already.")
                if household is None
                else _("This case is linked already.")
            )
    return added or linked


def withdraw(actor: Actor, barrier: Barrier) -> None:
    if actor.user is None or barrier.raised_by_id != actor.user.pk:
        raise PermissionDenied
    with transaction.atomic():
        BARRIER_FLOW.move(
            barrier,
            BarrierStatus.WITHDRAWN,
            stale=_("This barrier was changed in the meantime."),
            source=(BarrierStatus.RAISED, BarrierStatus.TACTICAL, BarrierStatus.STRATEGIC),
            closed_at=timezone.now(),
        )
        _close_items(barrier)
        _log(actor, "withdraw", "barrier", barrier.pk)
        with override("nl"):
            title = _("System barrier withdrawn: %(title)s") % {"title": barrier.title}
        notify(
            (_people(barrier) | coordinators_of(barrier.region_id)) - {actor.user.pk}, title, _url(barrier)
        )


def merge(actor: Actor, barrier: Barrier, into: Barrier) -> None:
    """The coordinator groups a duplicate: its links and supporters move to `into`; its raiser is told."""
    if not selectors.is_coordinator(actor, barrier.region_id) or into.region_id != barrier.region_id:
        raise PermissionDenied
    if into.pk == barrier.pk or not into.is_open or into.status == BarrierStatus.DECIDED:
        raise ValidationError({"into": [_("Choose another open barrier of the region to merge into.")]})
    with transaction.atomic():
        BARRIER_FLOW.move(
            barrier,
            BarrierStatus.MERGED,
            stale=_("This barrier was changed in the meantime."),
            source=(BarrierStatus.RAISED, BarrierStatus.TACTICAL, BarrierStatus.STRATEGIC),
            merged_into=into,
            closed_at=timezone.now(),
        )
        have = set(into.cases.values_list("household_id", "linked_by_id"))
        for pk, household_id, linked_by_id in barrier.cases.values_list("pk", "household_id", "linked_by_id"):
            if (household_id, linked_by_id) not in have:  # the same person's link of the same household: once
                BarrierCase.objects.filter(pk=pk).update(barrier=into)
        supporters = set(into.supports.values_list("user_id", flat=True)) | {into.raised_by_id}
        moving = list(barrier.supports.exclude(user_id__in=supporters))
        if barrier.raised_by_id is not None and barrier.raised_by_id not in supporters:
            moving.append(
                BarrierSupport(
                    barrier=into,
                    user_id=barrier.raised_by_id,
                    organisation_id=barrier.raised_by_organisation_id,
                )
            )
        BarrierSupport.objects.bulk_create(
            [
                BarrierSupport(barrier=into, user_id=s.user_id, organisation_id=s.organisation_id)
                for s in moving
            ],
            ignore_conflicts=True,
        )
        _close_items(barrier)
        _log(actor, "merge", "barrier", barrier.pk)
        with override("nl"):
            title = _("Your system barrier was grouped with: %(title)s") % {"title": into.title}
        notify(_people(barrier) - {actor.user.pk if actor.user else 0}, title, _url(into))


def platform_of(region_id: int, level: str) -> Platform:
    """The region's platform at a level; made (with a plain name) when the region has none yet, so the
    ladder always has a next step."""
    platform = Platform.objects.filter(region_id=region_id, level=level).first()
    if platform is None:
        region = Region.objects.get(pk=region_id)
        with override("nl"):
            name = f"{Level(level).label} {region.name}"
        platform, _made = Platform.objects.get_or_create(
            region_id=region_id, level=level, defaults={"name": name}
        )
    return platform


def make_platforms(actor: Actor) -> list[Platform]:
    """A keeper makes the region's tactical and strategic platform (each once)."""
    region_id = selectors.region_of(actor)
    if region_id is None or not selectors.is_keeper(actor, region_id):
        raise PermissionDenied
    with transaction.atomic():
        made = [platform_of(region_id, level) for level in Level]
        for platform in made:
            _log(actor, "create", "platform", platform.pk)
    return made


def next_meeting(platform: Platform, today: date | None = None) -> PlatformMeeting | None:
    day = today or timezone.localdate()
    return (
        platform.meetings.filter(status=MeetingStatus.PLANNED, held_on__gte=day).order_by("held_on").first()
    )


def _agenda(platform: Platform, source: str, title: str, text: str, **extra: Any) -> AgendaItem:
    return AgendaItem.objects.create(
        platform=platform,
        meeting=next_meeting(platform),
        source=source,
        title=title[:200],
        text=text,
        **extra,
    )


def _barrier_text(barrier: Barrier) -> str:
    with override("nl"):  # stored: in the language of the region, whoever's request writes it
        return _("%(kind)s, raised %(day)s.") % {
            "kind": barrier.get_kind_display(),
            "day": timezone.localtime(barrier.raised_at).strftime("%d-%m-%Y"),
        }


def _not_in_time() -> str:
    with override("nl"):
        return _("Not decided by the tactical platform in time.")


def schedule(actor: Actor, barrier: Barrier, due_on: date | None, *, today: date | None = None) -> AgendaItem:
    """The coordinator puts a barrier on the tactical platform's agenda, to be decided by `due_on`."""
    if not selectors.is_coordinator(actor, barrier.region_id):
        raise PermissionDenied
    day = today or timezone.localdate()
    due = _due(due_on, day)
    platform = platform_of(barrier.region_id, Level.TACTICAL)
    with transaction.atomic():
        BARRIER_FLOW.move(
            barrier,
            BarrierStatus.TACTICAL,
            stale=_("This barrier was changed in the meantime."),
            source=(BarrierStatus.RAISED,),
            platform=platform,
            due_on=due,
        )
        item = _agenda(platform, AgendaSource.BARRIER, barrier.title, _barrier_text(barrier), barrier=barrier)
        _log(actor, "update", "barrier", barrier.pk)
        with override("nl"):
            title = _("Your system barrier is on the agenda of the %(platform)s: %(title)s") % {
                "platform": platform.name,
                "title": barrier.title,
            }
            members = _("On the agenda: %(title)s") % {"title": barrier.title}
        notify(_people(barrier) - {actor.user.pk if actor.user else 0}, title, _url(barrier))
        notify(
            _member_users(platform), members, reverse("platforms:platform", args=[platform.pk]), email=False
        )
    return item


def _member_users(platform: Platform) -> set[int]:
    return set(platform.members.values_list("membership__user_id", flat=True))


def _chairs(platform: Platform) -> set[int]:
    return set(platform.members.filter(chair=True).values_list("membership__user_id", flat=True))


def move_overdue_barriers(today: date | None = None) -> int:
    """Barriers the tactical platform did not decide by their deadline go to the strategic platform with a
    new deadline; raisers, supporters and the coordinators are told. Each barrier moves once (conditional
    UPDATE from its status)."""
    day = today or timezone.localdate()
    moved = 0
    for barrier in Barrier.objects.filter(status=BarrierStatus.TACTICAL, due_on__lt=day).order_by("pk"):
        platform = platform_of(barrier.region_id, Level.STRATEGIC)
        with transaction.atomic():
            try:
                BARRIER_FLOW.move(
                    barrier,
                    BarrierStatus.STRATEGIC,
                    stale="",
                    source=(BarrierStatus.TACTICAL,),
                    platform=platform,
                    due_on=day + relativedelta(weeks=STRATEGIC_WEEKS),
                )
            except ValidationError:
                continue  # another worker moved it
            _close_items(barrier)
            _agenda(
                platform,
                AgendaSource.BARRIER,
                barrier.title,
                _barrier_text(barrier) + " " + _not_in_time(),
                barrier=barrier,
            )
            _log(SYSTEM, "update", "barrier", barrier.pk)
            with override("nl"):
                title = _("System barrier to the strategic platform: %(title)s") % {"title": barrier.title}
            notify(_people(barrier) | coordinators_of(barrier.region_id), title, _url(barrier))
            notify(
                _member_users(platform), title, reverse("platforms:platform", args=[platform.pk]), email=False
            )
            moved += 1
    return moved


# --- Agenda items from elsewhere ----------------------------------------------------------------------


def add_indicator_item(
    platform: Platform, title: str, text: str, *, indicator: str = ""
) -> AgendaItem | None:
    """An indicator off its norm, for the platform's agenda (called by the indicators; numbers only).
    `indicator` ("key@period") puts each period's miss on the agenda once: None when it already is."""
    title = bounded(title, field="title", maximum=200, required=True)
    text = bounded(text, field="text", maximum=4000)
    refuse_personal_data("title", title)
    refuse_personal_data("text", text)
    with transaction.atomic():
        if indicator and AgendaItem.objects.filter(platform=platform, indicator=indicator).exists():
            return None
        return _agenda(platform, AgendaSource.INDICATOR, title, text, indicator=indicator[:100])


def _knowing_confidential(households: set[int]) -> dict[int, set[int]]:
    """Per household: the organisations that keep (entered or manage) or were shown (a disclosure not
    revoked) a confidential address of one of its members. Two queries."""
    from verband.households.models import Address, AddressDisclosure, HouseholdMember

    found: dict[int, set[int]] = defaultdict(set)
    if not households:
        return found
    persons: dict[int, set[int]] = defaultdict(set)
    for household_id, person_id in HouseholdMember.objects.filter(household_id__in=households).values_list(
        "household_id", "person_id"
    ):
        persons[person_id].add(household_id)
    addresses = Address.objects.filter(person_id__in=persons, confidential=True)
    for person_id, organisation_id in addresses.filter(managed_by__isnull=False).values_list(
        "person_id", "managed_by_id"
    ):
        for household_id in persons[person_id]:
            found[household_id].add(organisation_id)
    for person_id, organisation_id in AddressDisclosure.objects.filter(
        address__in=addresses, revoked_at__isnull=True
    ).values_list("address__person_id", "organisation_id"):
        for household_id in persons[person_id]:
            found[household_id].add(organisation_id)
    return found


def add_escalation_items(escalations: Sequence[Escalation]) -> int:
    """Escalations that reached the tactical platform step become items on their region's tactical
    platform's agenda: the kind of stall, the organisations involved and since when — no household
    reference, no person (the escalation's summary names the household, so it is not used). Call inside
    the transaction that moved them. A fixed number of queries however many climb at once (and one per
    region for its platform and next meeting)."""
    if not escalations:
        return 0
    ids = [e.pk for e in escalations]
    parties: dict[int, set[int]] = defaultdict(set)
    through = type(escalations[0]).parties.through
    for escalation_id, org in through.objects.filter(escalation_id__in=ids).values_list(
        "escalation_id", "organisation_id"
    ):
        parties[escalation_id].add(org)
    involved: dict[int, set[int]] = defaultdict(set)
    households = {e.household_id for e in escalations if e.household_id is not None}
    if households:  # as `sharing.access.involved_organisation_ids`, per household
        rows = Involvement.objects.active().filter(
            household_id__in=households, organisation__isnull=False, only_user__isnull=True
        )
        for household_id, org in rows.values_list("household_id", "organisation_id"):
            involved[household_id].add(org)
    for e in escalations:
        if e.household_id is not None:
            parties[e.pk] |= involved[e.household_id]
    # A shelter is not named: the item says what stalls and since when, and a platform member who works
    # only with the perpetrator must not read in it where she went (as `escalation.selectors.sees_whole`).
    # Nor, for the household, an organisation that keeps or was shown a confidential address of one of
    # its members: the neighbourhood team of the town she moved to names that town.
    knowing = _knowing_confidential(households)
    names = dict(
        (pk, short or name)
        for pk, short, name in Organisation.objects.filter(pk__in=set().union(*parties.values()))
        .exclude(kind=OrganisationKind.SHELTER)
        .values_list("pk", "short_name", "name")
    )
    have = set(AgendaItem.objects.filter(escalation_id__in=ids).values_list("platform_id", "escalation_id"))
    platforms: dict[int, tuple[Platform, PlatformMeeting | None]] = {}
    rows_made = []
    for e in escalations:
        if e.region_id not in platforms:
            platform = platform_of(e.region_id, Level.TACTICAL)
            platforms[e.region_id] = (platform, next_meeting(platform))
        platform, meeting = platforms[e.region_id]
        if (platform.pk, e.pk) in have:
            continue
        hidden = knowing.get(e.household_id, set()) if e.household_id is not None else set()
        orgs = ", ".join(sorted(names[o] for o in parties[e.pk] if o in names and o not in hidden)) or "—"
        with override("nl"):
            title = _("Escalation: %(kind)s") % {"kind": e.get_kind_display()}
            text = _("Stalled since %(day)s. Organisations involved: %(orgs)s.") % {
                "day": e.breach_since.strftime("%d-%m-%Y"),
                "orgs": orgs,
            }
        rows_made.append(
            AgendaItem(
                platform=platform,
                meeting=meeting,
                source=AgendaSource.ESCALATION,
                title=title[:200],
                text=text,
                escalation_id=e.pk,
            )
        )
    AgendaItem.objects.bulk_create(rows_made, ignore_conflicts=True)
    return len(rows_made)


# --- Platforms: members, meetings, priorities, decisions ---------------------------------------------


MEMBER_ROLES = (Role.MANAGER, Role.EXECUTIVE, Role.NETWORK_COORDINATOR, Role.LINE_MANAGER)


def member_candidates(platform: Platform) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(organisation__region_id=platform.region_id, role__in=MEMBER_ROLES)
        .exclude(pk__in=platform.members.values("membership_id"))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )


def add_member(actor: Actor, platform: Platform, membership_id: int | None, *, chair: bool = False) -> None:
    if not selectors.is_keeper(actor, platform.region_id):
        raise PermissionDenied
    if membership_id not in {m.pk for m in member_candidates(platform)}:
        raise ValidationError(
            {"membership": [_("Choose a manager, executive or coordinator of the region.")]}
        )
    with transaction.atomic():
        PlatformMember.objects.create(platform=platform, membership_id=membership_id, chair=chair)
        _log(actor, "update", "platform", platform.pk)


def remove_member(actor: Actor, platform: Platform, member_id: int | None) -> None:
    if not selectors.is_keeper(actor, platform.region_id):
        raise PermissionDenied
    with transaction.atomic():
        if member_id is None or not platform.members.filter(pk=member_id).delete()[0]:
            raise ValidationError(_("This member was removed already."))
        _log(actor, "update", "platform", platform.pk)


def plan_meeting(
    actor: Actor, platform: Platform, held_on: date | None, place: str, *, today: date | None = None
) -> PlatformMeeting:
    if not selectors.may_work_on(actor, platform):
        raise PermissionDenied
    day = today or timezone.localdate()
    held_on = _due(held_on, day, "held_on")
    place = bounded(place, field="place", maximum=200)
    with transaction.atomic():
        meeting = PlatformMeeting.objects.create(platform=platform, held_on=held_on, place=place)
        # The standing list goes onto the first meeting planned.
        if next_meeting(platform, day) == meeting:
            platform.items.filter(meeting__isnull=True, status=AgendaStatus.OPEN).update(meeting=meeting)
        _log(actor, "create", "platform_meeting", meeting.pk)
        with override("nl"):
            title = _("Meeting of the %(platform)s planned on %(day)s") % {
                "platform": platform.name,
                "day": held_on.strftime("%d-%m-%Y"),
            }
        notify(_member_users(platform), title, reverse("platforms:meeting", args=[meeting.pk]))
    return meeting


def save_minutes(actor: Actor, meeting: PlatformMeeting, minutes: str, *, held: bool) -> None:
    if not selectors.may_work_on(actor, meeting.platform):
        raise PermissionDenied
    minutes = bounded(minutes, field="minutes", maximum=20000)
    refuse_personal_data("minutes", minutes)
    with transaction.atomic():
        if held and meeting.status == MeetingStatus.PLANNED:
            MEETING_FLOW.move(
                meeting,
                MeetingStatus.HELD,
                stale=_("This meeting was changed in the meantime."),
                minutes=minutes,
            )
            # What was not dealt with goes back to the standing list, for the next meeting.
            meeting.items.filter(status=AgendaStatus.OPEN).update(meeting=None)
        else:
            PlatformMeeting.objects.filter(pk=meeting.pk).update(minutes=minutes)
            meeting.minutes = minutes
        _log(actor, "update", "platform_meeting", meeting.pk)


def cancel_meeting(actor: Actor, meeting: PlatformMeeting) -> None:
    """A planned meeting is cancelled: its items go back to the standing list; the members are told."""
    if not selectors.may_work_on(actor, meeting.platform):
        raise PermissionDenied
    with transaction.atomic():
        MEETING_FLOW.move(
            meeting, MeetingStatus.CANCELLED, stale=_("This meeting was changed in the meantime.")
        )
        meeting.items.filter(status=AgendaStatus.OPEN).update(meeting=None)
        _log(actor, "update", "platform_meeting", meeting.pk)
        with override("nl"):
            title = _("Meeting of the %(platform)s on %(day)s cancelled") % {
                "platform": meeting.platform.name,
                "day": meeting.held_on.strftime("%d-%m-%Y"),
            }
        notify(
            _member_users(meeting.platform), title, reverse("platforms:platform", args=[meeting.platform_id])
        )


def add_priority(
    actor: Actor,
    platform: Platform,
    *,
    title: str,
    description: str,
    lead_id: int | None,
    starts_on: date | None,
    ends_on: date | None,
) -> Priority:
    if not selectors.may_work_on(actor, platform):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    try:
        title = bounded(
            title, field="title", minimum=5, maximum=200, too_short=_("Give the priority a title.")
        )
    except ValidationError as exc:
        errors.update(errors_of(exc))
    description = bounded(description, field="description", maximum=4000)
    lead = (
        Organisation.objects.filter(pk=lead_id, region_id=platform.region_id, active=True).first()
        if lead_id is not None
        else None
    )
    if lead is None:
        errors["lead"] = [_("Choose the lead partner.")]
    if starts_on is None or ends_on is None:
        errors["ends_on"] = [_("Give the period: from and until.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The end of the period lies before its start.")]
    if errors or lead is None or starts_on is None or ends_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        priority = Priority.objects.create(
            platform=platform, title=title, description=description, lead=lead,
            starts_on=starts_on, ends_on=ends_on,
        )  # fmt: skip
        _log(actor, "create", "platform_priority", priority.pk)
    return priority


def owner_choices(platform: Platform) -> tuple[list[Membership], list[Organisation]]:
    """Who may carry out a decision: the platform's members, or a partner organisation of the region."""
    members = list(
        Membership.objects.filter(pk__in=platform.members.values("membership_id")).select_related(
            "user", "organisation"
        )
    )
    organisations = list(
        Organisation.objects.filter(region_id=platform.region_id, active=True).order_by("name")
    )
    return members, organisations


def decide(
    actor: Actor,
    platform: Platform,
    *,
    text: str,
    owner: str,
    due_on: date | None,
    item: AgendaItem | None = None,
    meeting: PlatformMeeting | None = None,
    today: date | None = None,
) -> Decision:
    """A decision with an owner ("m<membership id>" or "o<organisation id>") and a due date. On a
    barrier's item the barrier is decided, and its raiser and supporters are told."""
    if not selectors.may_work_on(actor, platform):
        raise PermissionDenied
    day = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        text = bounded(text, field="text", minimum=10, maximum=4000,
                       too_short=_("Write down what is decided, in at least a sentence."))  # fmt: skip
        refuse_personal_data("text", text)
    except ValidationError as exc:
        errors.update(errors_of(exc))
    members, organisations = owner_choices(platform)
    owner_membership = next((m for m in members if f"m{m.pk}" == owner), None)
    owner_organisation = next((o for o in organisations if f"o{o.pk}" == owner), None)
    if owner_membership is None and owner_organisation is None:
        errors["owner"] = [_("Choose who carries it out: a member or a partner organisation.")]
    try:
        due = _due(due_on, day)
    except ValidationError as exc:
        errors.update(errors_of(exc))
    if errors:
        raise ValidationError(errors)
    barrier = item.barrier if item is not None else None
    with transaction.atomic():
        decision = Decision.objects.create(
            platform=platform,
            meeting=meeting or (item.meeting if item is not None else None),
            item=item,
            barrier=barrier,
            text=text,
            owner_membership=owner_membership,
            owner_organisation=owner_organisation,
            due_on=due,
            decided_by=actor.user,
        )
        if item is not None and item.status == AgendaStatus.OPEN:
            AGENDA_FLOW.move(item, AgendaStatus.DONE, stale=_("This item was dealt with in the meantime."))
        _log(actor, "create", "platform_decision", decision.pk)
        if barrier is not None:
            if barrier.status in (BarrierStatus.TACTICAL, BarrierStatus.STRATEGIC):
                BARRIER_FLOW.move(
                    barrier, BarrierStatus.DECIDED, stale=_("This barrier was changed in the meantime.")
                )
            with override("nl"):
                title = _("Decision on your system barrier: %(title)s") % {"title": barrier.title}
            notify(_people(barrier) - {actor.user.pk if actor.user else 0}, title, _url(barrier))
        if owner_membership is not None and owner_membership.user_id != (
            actor.user.pk if actor.user else None
        ):
            with override("nl"):
                yours = _("A decision of the %(platform)s for you, by %(day)s") % {
                    "platform": platform.name,
                    "day": due.strftime("%d-%m-%Y"),
                }
            notify([owner_membership.user_id], yours, reverse("platforms:platform", args=[platform.pk]))
    return decision


def record_outcome(actor: Actor, decision: Decision, outcome: str, *, resolved: bool) -> None:
    """The outcome of a decision; `resolved`: the barrier it was about is solved."""
    if not selectors.may_work_on(actor, decision.platform) and not (
        decision.owner_membership is not None and actor.membership == decision.owner_membership
    ):
        raise PermissionDenied
    outcome = bounded(outcome, field="outcome", minimum=10, maximum=4000,
                      too_short=_("Write down the outcome, in at least a sentence."))  # fmt: skip
    refuse_personal_data("outcome", outcome)
    with transaction.atomic():
        DECISION_FLOW.move(
            decision,
            DecisionStatus.DONE,
            stale=_("The outcome was recorded in the meantime."),
            outcome=outcome,
            outcome_at=timezone.now(),
        )
        _log(actor, "complete", "platform_decision", decision.pk)
        barrier = decision.barrier
        if barrier is not None:
            if resolved and barrier.status == BarrierStatus.DECIDED:
                BARRIER_FLOW.move(
                    barrier, BarrierStatus.RESOLVED, stale=_("This barrier was changed in the meantime."),
                    closed_at=timezone.now(),
                )  # fmt: skip
            with override("nl"):
                title = (
                    _("System barrier resolved: %(title)s")
                    if resolved
                    else _("Outcome of a decision on: %(title)s")
                ) % {"title": barrier.title}
            notify(_people(barrier) - {actor.user.pk if actor.user else 0}, title, _url(barrier))


def tell_overdue_decisions(today: date | None = None) -> int:
    """Open platform decisions past their date: the owner (or, for an organisation, its managers) and the
    platform's chairs are told, once per decision."""
    day = today or timezone.localdate()
    overdue = list(
        Decision.objects.filter(status=DecisionStatus.OPEN, due_on__lt=day, overdue_told_on__isnull=True)
        .select_related("platform", "owner_membership")
        .order_by("pk")
    )
    if not overdue:
        return 0
    managers: dict[int, set[int]] = defaultdict(set)
    orgs = {d.owner_organisation_id for d in overdue if d.owner_organisation_id}
    for org, user in (
        Membership.objects.active()
        .filter(role=Role.MANAGER, organisation_id__in=orgs)
        .values_list("organisation_id", "user_id")
    ):
        managers[org].add(user)
    items: list[tuple[Iterable[int], str, str]] = []
    for d in overdue:
        users = set(_chairs(d.platform))
        if d.owner_membership is not None:
            users.add(d.owner_membership.user_id)
        elif d.owner_organisation_id:
            users |= managers[d.owner_organisation_id]
        with override("nl"):
            title = _("Decision of the %(platform)s overdue since %(day)s") % {
                "platform": d.platform.name,
                "day": d.due_on.strftime("%d-%m-%Y"),
            }
        items.append((users, title, reverse("platforms:platform", args=[d.platform_id])))
    with transaction.atomic():
        told = Decision.objects.filter(pk__in=[d.pk for d in overdue], overdue_told_on__isnull=True).update(
            overdue_told_on=day
        )
        notify_many(items)
        for d in overdue:
            _log(SYSTEM, "update", "platform_decision", d.pk)
    return told
