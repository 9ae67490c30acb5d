"""The household page's small forms: a relation between two members, and a decision about an address or
a reported statement on the Adressen page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice, IdField
from verband.households.models import RelationKind

TWO_PERSONS = _("Choose two persons.")


class RelationForm(forms.Form):
    # One answer for a missing, unreadable or unknown person: no oracle of who is in the household.
    person = IdField(required=True, error_messages={"required": TWO_PERSONS, "invalid": TWO_PERSONS})
    other = IdField(required=True, error_messages={"required": TWO_PERSONS, "invalid": TWO_PERSONS})
    kind = Choice(
        choices=RelationKind.choices,
        message=_("Choose a relation."),
    )


ADDRESS_ACTION_NAMES = ("mark", "lift", "disclose", "revoke", "confirm", "dismiss")


class AddressActionForm(forms.Form):
    """What to do with an address or a reported statement. The item's id is read by the view: an id that
    is missing, unreadable or not of this household is "not found" (and logged), never a form error."""

    action = Choice(
        choices=[(a, a) for a in ADDRESS_ACTION_NAMES],
        message=_("Choose what to do."),
    )
    organisation = IdField(required=False)
    reason = BoundedText(max_length=2000)
