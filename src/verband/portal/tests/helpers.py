"""Steps through the door's real views (not `force_login`), and the member's one-time code."""

from __future__ import annotations

import re

from django.test import Client

from verband.portal.models import MemberAccess
from verband.testing import actor_for

REDEEM = "/thuis/uitnodiging/"
ACCOUNT = "/thuis/uitnodiging/account/"
APP = "/thuis/uitnodiging/app/"
EMAIL = "/thuis/uitnodiging/e-mail/"
LOGIN = "/thuis/aanmelden/"
VERIFY = "/thuis/aanmelden/code/"
LOGOUT = "/thuis/afmelden/"
QUICK_EXIT = "/thuis/snel-weg/"
NEW_PASSWORD = "Blauwe-fiets-onder-de-brug"


def invite_url(world) -> str:
    return f"/huishoudens/{world.household.reference}/thuis/uitnodigen/"


def cut_off_url(world) -> str:
    return f"/huishoudens/{world.household.reference}/thuis/stoppen/"


def invited(world, person) -> tuple[MemberAccess, str]:
    """An invitation of `person` by the regisseur, through the service."""
    from verband.portal.services import invite

    return invite(actor_for(world.involved), world.household, person)


def code_on_page(body: str) -> str:
    match = re.search(r'data-testid="invitation-code">([A-Z0-9-]+)<', body)
    assert match, body
    return match.group(1)


def account_step(client: Client, username: str = "zonnebloem", method: str = "app", **extra: str):
    data = {"username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "method": method}
    data.update(extra)
    return client.post(ACCOUNT, data)
