from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from verband.accounts.models import ApiToken
from verband.apikit import AUTH_ERRORS

router = Router(tags=["token"])


class MeOut(Schema):
    organisation_id: int
    organisation: str
    token_name: str
    scopes: list[str]
    demo: bool


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="The organisation and scopes of this token")
def me(request: HttpRequest) -> dict:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return {
        "organisation_id": token.organisation_id,
        "organisation": token.organisation.name,
        "token_name": token.name,
        "scopes": sorted(token.scopes),
        "demo": settings.DEMO_MODE,
    }
