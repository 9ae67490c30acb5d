"""Who acts in Verband: a leaf module that every layer may import (it imports no app of Verband).

An `Actor` is a person for one of their memberships, an organisation's system through an API token, a
member of a household at the household's own door (`verband.portal`), or Verband itself (`SYSTEM`). The request turns into an actor in `verband.sharing.access.actor_for_request`;
the access rule that reads it lives there too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from verband.accounts.models import ApiToken, User
    from verband.network.models import Membership, Organisation


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    HOUSEHOLD = "household", _("Household")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Actor:
    """Someone or something acting in Verband: a person for one of their memberships, an organisation's
    system through an API token, or Verband itself."""

    channel: str
    user: User | None = None
    membership: Membership | None = None
    token: ApiToken | None = None
    organisation: Organisation | None = None
    ip_address: str | None = None
    path: str = ""
    network_ids: frozenset[int] = field(default_factory=frozenset)
    # A member of a household at the household's own door (channel HOUSEHOLD): whose data it is.
    household_id: int | None = None
    person_id: int | None = None

    @property
    def role(self) -> str:
        if self.membership is not None:
            return self.membership.role
        if self.token is not None:
            return "api_client"
        if self.channel == Channel.HOUSEHOLD:
            return "household_member"
        return "system"


SYSTEM = Actor(channel=Channel.SYSTEM)
