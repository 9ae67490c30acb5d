from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, require_scope
from verband.network import selectors

router = Router(tags=["network"])


class CoverageOut(Schema):
    postcode_from: int | None
    postcode_to: int | None
    neighbourhood: str


class TeamOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    coverage: list[CoverageOut]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    phone: str
    email: str
    website: str
    teams: list[TeamOut]


class NetworkOut(Schema):
    id: int
    name: str
    description: str
    is_pilot: bool
    phone: str
    email: str
    organisation_ids: list[int]
    coverage: list[CoverageOut]


def _coverage(items: list) -> list[dict]:
    return [
        {"postcode_from": c.postcode_from, "postcode_to": c.postcode_to, "neighbourhood": c.neighbourhood}
        for c in items
    ]


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **AUTH_ERRORS},
    summary="Partner organisations with teams and coverage",
)
def organisations(request: HttpRequest) -> list[dict]:
    require_scope(request, ApiScope.NETWORK_READ)
    return [
        {
            "id": o.pk,
            "name": o.name,
            "short_name": o.short_name,
            "kind": o.kind,
            "phone": o.phone,
            "email": o.email,
            "website": o.website,
            "teams": [
                {
                    "id": t.pk,
                    "name": t.name,
                    "phone": t.phone,
                    "email": t.email,
                    "coverage": _coverage(list(t.coverage.all())),
                }
                for t in o.teams.all()
            ],
        }
        for o in selectors.organisations_with_teams()
    ]


@router.get("/networks", response={200: list[NetworkOut], **AUTH_ERRORS}, summary="Networks (core teams)")
def networks(request: HttpRequest) -> list[dict]:
    require_scope(request, ApiScope.NETWORK_READ)
    return [
        {
            "id": n.pk,
            "name": n.name,
            "description": n.description,
            "is_pilot": n.is_pilot,
            "phone": n.phone,
            "email": n.email,
            "organisation_ids": sorted(o.pk for o in n.organisations.all()),
            "coverage": _coverage(list(n.coverage.all())),
        }
        for n in selectors.networks()
    ]
