from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, ErrorOut, require_scope
from verband.households.models import HouseholdMember
from verband.households.selectors import household_rows, open_household, row_subjects
from verband.sharing.access import actor_for_request, visible_households
from verband.sharing.accesslog import record_many

router = Router(tags=["households"])


class MemberOut(Schema):
    person_id: int
    name: str
    role: str
    date_of_birth: str | None = Field(
        None, description="ISO 8601, reduced precision when partly known: 1990-03-12, 1990-03 or 1990"
    )


class InvolvementOut(Schema):
    party: str
    organisation_id: int | None
    team_id: int | None
    network_id: int | None
    purpose: str
    started_on: date


class HouseholdOut(Schema):
    reference: str
    members: list[MemberOut]


class PersonOut(Schema):
    person_id: int
    name: str
    roles: list[str]
    date_of_birth: str | None
    address: str = Field(
        ...,
        description=(
            'Current address; "geheim adres" when it is confidential for you; empty when it is shielded from '
            "the members your involvement is for"
        ),
    )


class RelationOut(Schema):
    person_id: int
    relation: str
    other_person_id: int


class EventOut(Schema):
    at: datetime
    kind: str
    summary: str
    signal: str | None


class HouseholdDetailOut(HouseholdOut):
    involvements: list[InvolvementOut]
    persons: list[PersonOut]
    relations: list[RelationOut]
    timeline: list[EventOut]


def _members(members: list[HouseholdMember]) -> list[dict]:
    return [
        {
            "person_id": m.person_id,
            "name": m.person.full_name,
            "role": m.role,
            "date_of_birth": m.person.birth_iso,
        }
        for m in members
    ]


@router.get(
    "/households",
    response={200: list[HouseholdOut], **AUTH_ERRORS},
    summary="Households this organisation is involved with",
)
def list_households(request: HttpRequest) -> list[dict]:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    actor = actor_for_request(request)
    rows = household_rows(visible_households(actor), actor)
    record_many(
        actor,
        action="list",
        object_type="household",
        subjects=row_subjects(rows),
        basis={r.household.pk: r.basis for r in rows},
    )
    return [{"reference": r.household.reference, "members": _members(r.members)} for r in rows]


@router.get(
    "/households/{reference}",
    response={200: HouseholdDetailOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="One household, if this organisation is involved with it",
)
def get_household(request: HttpRequest, reference: str) -> dict:
    require_scope(request, ApiScope.HOUSEHOLDS_READ)
    detail = open_household(actor_for_request(request), reference)
    return {
        "reference": detail.household.reference,
        "members": _members(detail.members),
        "involvements": [
            {
                "party": str(i.party),
                "organisation_id": i.organisation_id,
                "team_id": i.team_id,
                "network_id": i.network_id,
                "purpose": i.purpose,
                "started_on": i.started_on,
            }
            for i in detail.involvements
        ],
        "persons": [
            {
                "person_id": row.person.pk,
                "name": row.person.full_name,
                "roles": row.roles,
                "date_of_birth": row.person.birth_iso,
                "address": row.address,
            }
            for row in detail.people
        ],
        "relations": [
            {"person_id": r.person.pk, "relation": r.kind, "other_person_id": r.other.pk}
            for r in detail.relations
        ],
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "summary": e.signal.get_kind_display() if e.kind == "signal" and e.signal else e.summary,
                "signal": e.signal.reference if e.signal else None,
            }
            for e in detail.events
        ],
    }
