"""The shielding decision: keep an item from a member, or lift that, with a written reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice, IdField
from verband.shielding.models import ItemType

A_MEMBER = _("Choose a member of this household.")


class ShieldForm(forms.Form):
    item_type = Choice(
        choices=ItemType.choices,
        message=_("This item is not part of this household."),
    )
    item_id = IdField(required=True, error_messages={"required": A_MEMBER, "invalid": A_MEMBER})
    person = IdField(required=True, error_messages={"required": A_MEMBER})
    decision = forms.ChoiceField(choices=[("shield", "shield"), ("lift", "lift")], required=False)
    reason = BoundedText(max_length=2000)

    @property
    def target(self) -> str:
        """The item the decision is about, as the page marks the row with an error."""
        return f"{self.data.get('item_type', '')}-{self.cleaned_data.get('item_id')}"
