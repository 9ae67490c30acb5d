"""The one place that decides how an address is shown. A confidential address (a victim in a shelter)
reads "geheim adres" to everyone but the organisations explicitly authorised for it — in pages, API
answers, exports and log lines alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from verband.households.models import Address
from verband.sharing.access import Actor


def may_see_address(actor: Actor, address: Address) -> bool:
    if not address.confidential:
        return True
    if actor.organisation is None:
        return False
    # Reads prefetched disclosures when the caller prefetched them.
    return any(d.organisation_id == actor.organisation.pk for d in address.disclosures.all())


def address_text(actor: Actor, address: Address) -> str:
    return address.one_line if may_see_address(actor, address) else _("confidential address")
