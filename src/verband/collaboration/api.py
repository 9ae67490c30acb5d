"""Handovers, help, case meetings and escalations over the API, read-only, through the same access core
as the pages. Decisions (accepting a handover, holding a meeting, deciding an escalation) are taken by a
named professional in Verband, not by a partner system."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, ErrorOut, require_scope
from verband.collaboration.models import AgendaItem, Handover, HandoverStatus, Help, MeetingStatus
from verband.collaboration.selectors import shows_handover, visible_help
from verband.escalation.models import Escalation
from verband.households.models import Household
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record_many
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, view_scope

HIDDEN_HEADER = "X-Verband-Shielded"
"""How many items an answer left out for this organisation (shielded, or about members it does not work
with): a count, never which."""

router = Router(tags=["collaboration"])


class HandoverOut(Schema):
    id: int
    household: str
    kind: str = Field(..., description="referral, scale_up or scale_down")
    person_id: int | None = Field(None, description="None: the whole household")
    from_organisation: str
    to_team: str
    to_organisation: str
    question: str
    requested_at: datetime
    due_on: date = Field(..., description="Answer by this day (working-day norm of the region)")
    status: str = Field(..., description="pending, accepted, rejected or withdrawn")
    decided_at: datetime | None
    reason: str = Field("", description="Why it was not accepted")


class HelpOut(Schema):
    id: int
    person_id: int | None
    kind: str
    provider: str | None
    funding: str = Field(..., description="wmo, jeugdwet, zvw, wlz, forensic, breakthrough or none")
    status: str = Field(..., description="requested, waiting, no_provider, started or ended")
    requested_on: date
    started_on: date | None
    ended_on: date | None
    waiting_working_days: int
    shielded_from: list[int] = Field(
        default_factory=list, description="Members this help is kept from (whole-household partners only)"
    )


class EscalationOut(Schema):
    id: int
    household: str | None
    kind: str
    summary: str
    breach_since: date
    step: int = Field(
        ..., description="1 regisseur, 2 line manager, 3 network coordinator or manager, 4 tactical platform"
    )
    step_due_on: date | None
    status: str = Field(
        ...,
        description="open, resolved, cleared, or listed (older than the horizon, listed for the coordinator)",
    )
    decision: str
    decision_kind: str = Field("", description="action, reassign or not_applicable (when resolved)")
    action_due_on: date | None = Field(
        None, description="The decided date; still stalled after it: reopened higher"
    )
    decided_by: str


class MeetingItemOut(Schema):
    meeting_id: int
    network: str | None
    scheduled_at: datetime
    status: str
    held_at: datetime | None
    decisions: str = Field(
        ...,
        description="Empty for a partner working only with named members (free text about anyone in the "
        "household)",
    )
    shielded_from: list[int] = Field(
        default_factory=list,
        description="Members the decisions are kept from (whole-household partners only)",
    )


class IncomingOut(Schema):
    id: int
    household: str
    kind: str
    from_organisation: str
    to_team: str
    requested_at: datetime
    due_on: date


def _handover(h: Handover) -> dict:
    return {
        "id": h.pk,
        "household": h.household.reference,
        "kind": h.kind,
        "person_id": h.person_id,
        "from_organisation": str(h.from_organisation),
        "to_team": h.to_team.name,
        "to_organisation": str(h.to_team.organisation),
        "question": h.question,
        "requested_at": h.requested_at,
        "due_on": h.due_on,
        "status": h.status,
        "decided_at": h.decided_at,
        "reason": h.reason,
    }


def _open(request: HttpRequest, reference: str) -> tuple[Household, str, Scope]:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    return household, basis, view_scope(actor, household)


def _hidden(response: HttpResponse, count: int) -> None:
    response[HIDDEN_HEADER] = str(count)


def _log(
    request: HttpRequest,
    household: Household,
    basis: str,
    object_type: str,
    persons: Iterable[int | None] = (),
) -> None:
    """The household, and each member the answer is about."""
    record_many(
        actor_for_request(request),
        action="view",
        object_type=object_type,
        object_id=household.reference,
        subjects=[Subject(household.pk)]
        + [Subject(household.pk, p) for p in sorted({x for x in persons if x})],
        basis=basis,
    )


@router.get(
    "/households/{reference}/handovers",
    response={200: list[HandoverOut], **AUTH_ERRORS, 404: ErrorOut},
    summary="Handovers of a household (referrals, scaling up and down)",
)
def household_handovers(request: HttpRequest, reference: str, response: HttpResponse) -> list[dict]:
    household, basis, scope = _open(request, reference)
    every = list(
        Handover.objects.filter(household=household).select_related(
            "household", "from_organisation", "to_team__organisation"
        )
    )
    rows = [h for h in every if shows_handover(scope, h)]
    _hidden(response, len(every) - len(rows))
    _log(request, household, basis, "handover", (h.person_id for h in rows))
    return [_handover(h) for h in rows]


@router.get(
    "/handovers/incoming",
    response={200: list[IncomingOut], **AUTH_ERRORS},
    summary="Handovers waiting for one of the organisation's teams to accept",
)
def incoming(request: HttpRequest) -> list[dict]:
    token = require_scope(request, ApiScope.HOUSEHOLDS_READ)
    rows = list(
        Handover.objects.filter(to_team__organisation_id=token.organisation_id, status=HandoverStatus.PENDING)
        .select_related("household", "from_organisation", "to_team")
        .order_by("due_on", "pk")
    )
    record_many(
        actor_for_request(request),
        action="list",
        object_type="handover",
        object_id="incoming",
        subjects=[Subject(h.household_id) for h in rows] or [Subject()],
    )
    return [
        {
            "id": h.pk,
            "household": h.household.reference,
            "kind": h.kind,
            "from_organisation": str(h.from_organisation),
            "to_team": h.to_team.name,
            "requested_at": h.requested_at,
            "due_on": h.due_on,
        }
        for h in rows
    ]


@router.get(
    "/households/{reference}/help",
    response={200: list[HelpOut], **AUTH_ERRORS, 404: ErrorOut},
    summary="Help deployed per member, with funding stream and waiting time",
)
def household_help(request: HttpRequest, reference: str, response: HttpResponse) -> list[dict]:
    household, basis, scope = _open(request, reference)
    rows, hidden = visible_help(
        scope, Help.objects.filter(household=household).select_related("kind", "provider__organisation"), {}
    )
    _hidden(response, hidden)
    _log(request, household, basis, "help", (h.person_id for h in rows))
    return [
        {
            "id": h.pk,
            "person_id": h.person_id,
            "kind": h.kind.name,
            "provider": f"{h.provider.organisation} — {h.provider.name}" if h.provider else None,
            "funding": h.funding,
            "status": h.status,
            "requested_on": h.requested_on,
            "started_on": h.started_on,
            "ended_on": h.ended_on,
            "waiting_working_days": h.waiting_working_days,
            "shielded_from": sorted(scope.shielded_from(ItemType.HELP, h.pk)) if scope.whole else [],
        }
        for h in rows
    ]


@router.get(
    "/households/{reference}/escalations",
    response={200: list[EscalationOut], **AUTH_ERRORS, 404: ErrorOut},
    summary="Escalations about a household, open and closed",
)
def household_escalations(request: HttpRequest, reference: str, response: HttpResponse) -> list[dict]:
    from verband.escalation.selectors import shows_stall, stall_subjects

    household, basis, scope = _open(request, reference)
    _log(request, household, basis, "escalation")
    every = list(Escalation.objects.filter(household=household).order_by("-opened_at", "-pk"))
    subjects = stall_subjects(every)
    # A partner working only with named members sees the stalls about them (and those waiting for it),
    # and no decision text: it is free text about anyone in the household.
    rows = [e for e in every if shows_stall(scope, e, subjects[e.pk])]
    _hidden(response, len(every) - len(rows))
    return [
        {
            "id": e.pk,
            "household": household.reference,
            "kind": e.kind,
            "summary": e.summary,
            "breach_since": e.breach_since,
            "step": e.step,
            "step_due_on": e.step_due_on,
            "status": e.status,
            "decision": e.decision if scope.whole else "",
            "decision_kind": e.decision_kind,
            "action_due_on": e.action_due_on,
            "decided_by": e.decided_by_name,
        }
        for e in rows
    ]


@router.get(
    "/households/{reference}/meetings",
    response={200: list[MeetingItemOut], **AUTH_ERRORS, 404: ErrorOut},
    summary="Case meetings where the household was on the agenda, with their decisions",
)
def household_meetings(request: HttpRequest, reference: str) -> list[dict]:
    household, basis, scope = _open(request, reference)
    _log(request, household, basis, "case_meeting")
    items = (
        AgendaItem.objects.filter(household=household)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .filter(Q(meeting__status=MeetingStatus.HELD) | Q(meeting__status=MeetingStatus.PLANNED))
        .select_related("meeting__network")
        .order_by("-meeting__scheduled_at")
    )
    return [
        {
            "meeting_id": i.meeting_id,
            "network": i.meeting.network.name if i.meeting.network else None,
            "scheduled_at": i.meeting.scheduled_at,
            "status": i.meeting.status,
            "held_at": i.meeting.held_at,
            # Decisions are free text about anyone in the household: whole-household partners only.
            "decisions": i.decisions if scope.whole else "",
            "shielded_from": sorted(scope.shielded_from(ItemType.MINUTES, i.pk)) if scope.whole else [],
        }
        for i in items
    ]
