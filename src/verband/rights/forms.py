"""The forms of requests under the AVG. They check what a field can check by itself; the services decide
everything that needs the household (a member this professional works with, the first month for an
extension, an answer not given yet)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice, IdField
from verband.rights.models import DECIDED, MAX_EXTENSION_MONTHS, HowReceived, RightsKind, RightsStatus

ASKED_MAX = 4000
REASON_MAX = 4000


def errors_dict(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(p) for p in problems] for name, problems in form.errors.items()}


class RecordForm(forms.Form):
    person = IdField(required=True, error_messages={"required": _("Choose the member whose request it is.")})
    kind = Choice(choices=RightsKind.choices, message=_("Choose what the person asks for."))
    how_received = Choice(choices=HowReceived.choices, message=_("Choose how the request came in."))
    received_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the day the request came in."),
            "invalid": _("Enter the day the request came in (day-month-year)."),
        },
    )
    asked = BoundedText(max_length=ASKED_MAX)
    identity_checked = forms.BooleanField(required=False)
    representative = BoundedText(max_length=300)


class DecideForm(forms.Form):
    outcome = Choice(
        choices=[(s, RightsStatus(s).label) for s in DECIDED],
        message=_("Choose granted, partly granted or refused."),
    )
    decision = BoundedText(max_length=REASON_MAX)
    release_addresses = forms.BooleanField(required=False)


class ExtendForm(forms.Form):
    months = Choice(
        choices=[(str(n), str(n)) for n in range(1, MAX_EXTENSION_MONTHS + 1)],
        message=_("Choose one or two months."),
    )
    extension_reason = BoundedText(max_length=2000)

    def clean_months(self) -> int:
        value: Any = self.cleaned_data["months"]
        return int(value)
