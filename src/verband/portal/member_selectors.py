"""Reads for the household's door: what one member sees (`member_*`), and what professionals see of the
members' words, answers, questions and feedback (`*_for_scope`), each through the shielding scope.

A member's view is the member's own copy (`shielding.scope.member_scope`): the household's parts and
theirs, minus what is kept from them; organisations the copy may not name (a shelter) are left out.
A professional sees a member's words, answers and feedback only where their scope sees that member."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from verband.collaboration.models import CaseMeeting, MeetingStatus
from verband.households.models import Address, Household, HouseholdMember, Person
from verband.network.models import Organisation, OrganisationKind, ShelterAddress, Team
from verband.plans.models import Regie
from verband.portal.models import (
    MeetingInvitation,
    MemberAccess,
    MemberFeedback,
    MemberMessage,
    MemberWords,
    VersionResponse,
)
from verband.sharing.models import Involvement
from verband.shielding.scope import Scope, members_of


@dataclass
class Helper:
    """A professional party involved with the member, as the member sees it."""

    name: str
    organisation: str
    role: str
    phone: str
    email: str


def regie_contact(regie: Regie | None) -> Helper | None:
    if regie is None:
        return None
    team = regie.membership.team if regie.membership_id else None
    return Helper(
        name=regie.user.display_name,
        organisation=regie.organisation.name,
        role="regie",
        phone=(team.phone if team else "") or regie.organisation.phone,
        email=(team.email if team else "") or regie.organisation.email,
    )


def helpers_of(household: Household, person_id: int, scope: Scope) -> list[Helper]:
    """The parties involved for the whole household or for this member (not those only for other
    members, not emergency access of one person), as far as the member's copy may name them (never a
    shelter). With what the network holds to reach them."""
    involvements = (
        Involvement.objects.active()
        .filter(household=household, only_user__isnull=True)
        .select_related("organisation", "team", "network")
        .prefetch_related("scoped_members")
    )
    helpers: list[Helper] = []
    seen: set[tuple[str, str]] = set()
    for involvement in involvements:
        whole, persons = members_of([involvement])
        if not whole and person_id not in persons:
            continue
        network = involvement.network
        if network is not None:
            helper = Helper(network.name, "", "network", network.phone, network.email)
        else:
            organisation = involvement.organisation
            if organisation is None or not scope.names_organisation(organisation):
                continue
            team = involvement.team
            helper = Helper(
                team.name if team else organisation.name,
                organisation.name if team else "",
                "organisation",
                (team.phone if team else "") or organisation.phone,
                (team.email if team else "") or organisation.email,
            )
        key = (helper.name, helper.organisation)
        if key not in seen:
            seen.add(key)
            helpers.append(helper)
    return helpers


def organisations_of_others(household: Household, person_id: int) -> set[int]:
    """The organisations involved with the household only for other members (every involvement of theirs
    names members, none of them this one): the member's copy does not name them — a party that works only
    with her is part of what protects her."""
    mine: set[int] = set()
    others: set[int] = set()
    for involvement in (
        Involvement.objects.active()
        .filter(household=household, organisation__isnull=False, only_user__isnull=True)
        .prefetch_related("scoped_members")
    ):
        whole, persons = members_of([involvement])
        assert involvement.organisation_id is not None
        (mine if whole or person_id in persons else others).add(involvement.organisation_id)
    return others - mine


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def meeting_place(meeting: CaseMeeting, household: Household) -> str:
    """The place of a meeting as a member may read it: empty when it could say where someone is hidden —
    when it names a shelter (its name, one of its teams or a shelter address of the region) or any address of any member of
    the household (a confidential address, or one a perpetrator must not learn). The regisseur tells the
    place then."""
    place = meeting.location.strip()
    if not place:
        return ""
    squashed = _squash(place)
    needles: set[str] = set()
    for postcode in ShelterAddress.objects.filter(region_id=household.region_id).values_list(
        "postcode", flat=True
    ):
        needles.add(_squash(postcode))
    for name, short in Organisation.objects.filter(
        region_id=household.region_id, kind=OrganisationKind.SHELTER
    ).values_list("name", "short_name"):
        needles.update(_squash(n) for n in (name, short))
    for (team,) in Team.objects.filter(
        organisation__region_id=household.region_id, organisation__kind=OrganisationKind.SHELTER
    ).values_list("name"):
        needles.add(_squash(team))  # a shelter's team is named for where it is ("Opvang Centrum")
    people = HouseholdMember.objects.filter(household=household).values("person_id")
    for street, postcode, city, confidential in Address.objects.filter(person_id__in=people).values_list(
        "street", "postcode", "city", "confidential"
    ):
        needles.update({_squash(street), _squash(postcode), _squash(postcode)[:4] if confidential else ""})
        if confidential:
            needles.add(_squash(city))
    if any(len(n) >= 4 and n in squashed for n in needles):
        return ""
    return place


def member_meetings(access: MemberAccess) -> list[tuple[CaseMeeting, str]]:
    """The upcoming meetings this member is invited to, each with the place they may read."""
    invited = MeetingInvitation.objects.filter(
        household_id=access.household_id,
        person_id=access.person_id,
        meeting__status=MeetingStatus.PLANNED,
        meeting__scheduled_at__gte=timezone.now() - timedelta(hours=2),
    ).select_related("meeting")
    meetings = sorted({i.meeting for i in invited}, key=lambda m: m.scheduled_at)
    return [(meeting, meeting_place(meeting, access.household)) for meeting in meetings]


def latest_words(household_id: int, person_id: int) -> MemberWords | None:
    return MemberWords.objects.filter(household_id=household_id, person_id=person_id).first()


def thread(household_id: int, person_id: int) -> QuerySet[MemberMessage]:
    return MemberMessage.objects.filter(household_id=household_id, person_id=person_id).order_by("at", "pk")


# --- What professionals see of the members' own words ------------------------------------------------


def _persons(household: Household) -> dict[int, Person]:
    return {
        m.person_id: m.person
        for m in HouseholdMember.objects.filter(household=household).select_related("person")
    }


def words_for_scope(household: Household, scope: Scope) -> list[tuple[Person, MemberWords]]:
    """The latest words of each member the scope sees."""
    people = _persons(household)
    latest: dict[int, MemberWords] = {}
    for words in MemberWords.objects.filter(household=household).order_by("-at", "-pk"):
        latest.setdefault(words.person_id, words)
    return [
        (people[pid], words)
        for pid, words in sorted(latest.items())
        if pid in people and scope.sees_person(pid)
    ]


def responses_for_scope(version_ids: list[int], household: Household, scope: Scope) -> dict[int, list[Any]]:
    """Per version: the latest answer of each member the scope sees."""
    people = _persons(household)
    found: dict[int, dict[int, VersionResponse]] = {}
    for response in (
        VersionResponse.objects.filter(version_id__in=version_ids, household=household)
        .select_related("version")
        .order_by("-at", "-pk")
    ):
        if response.person_id in people and scope.sees_person(response.person_id):
            found.setdefault(response.version_id, {}).setdefault(response.person_id, response)
    return {
        vid: [(people[pid], r) for pid, r in sorted(by_person.items())] for vid, by_person in found.items()
    }


def feedback_for_scope(household: Household, scope: Scope) -> list[tuple[Person, MemberFeedback]]:
    people = _persons(household)
    return [
        (people[f.person_id], f)
        for f in MemberFeedback.objects.filter(household=household).order_by("-at", "-pk")[:50]
        if f.person_id in people and scope.sees_person(f.person_id)
    ]


def threads_for_scope(household: Household, scope: Scope) -> list[tuple[Person, list[MemberMessage]]]:
    people = _persons(household)
    threads: dict[int, list[MemberMessage]] = {}
    for message in MemberMessage.objects.filter(household=household).order_by("at", "pk"):
        if message.person_id in people and scope.sees_person(message.person_id):
            threads.setdefault(message.person_id, []).append(message)
    return [(people[pid], messages) for pid, messages in threads.items()]


def open_questions_of_regisseur(user_id: int) -> QuerySet[MemberMessage]:
    """The questions still waiting for an answer in the households this person holds regie over."""
    households = Regie.objects.filter(user_id=user_id, ended_at__isnull=True).values("household_id")
    return (
        MemberMessage.objects.filter(household_id__in=households, from_member=True, answered_at__isnull=True)
        .select_related("household")
        .order_by("at", "pk")
    )


@dataclass
class VoicePanel:
    """The household page's small panel: questions waiting for an answer and the latest feedback, of the
    members the viewer sees."""

    waiting: int
    feedback: list[tuple[int, MemberFeedback]]

    @property
    def empty(self) -> bool:
        return not self.waiting and not self.feedback


def voice_panel(household: Household, scope: Scope) -> VoicePanel:
    """Two queries, whatever the number of members or messages."""
    waiting = [
        pid
        for pid in MemberMessage.objects.filter(
            household=household, from_member=True, answered_at__isnull=True
        ).values_list("person_id", flat=True)
        if scope.sees_person(pid)
    ]
    feedback = [
        (f.person_id, f)
        for f in MemberFeedback.objects.filter(household=household).order_by("-at", "-pk")[:20]
        if scope.sees_person(f.person_id)
    ][:3]
    return VoicePanel(len(waiting), feedback)
