"""The forms of protective measures and of closing a case. Every refusal keeps what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice
from verband.households.models import Person
from verband.measures.closing import AFTERCARE_CHOICES, SUMMARY_MAX
from verband.measures.models import AFTERCARE_MONTHS, DETAIL_MAX, MeasureKind
from verband.measures.services import MeasureInput


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the date."), "invalid": _("Give a valid date (day-month-year).")},
    )


class MeasureForm(forms.Form):
    kind = Choice(label=_("Measure"), choices=MeasureKind.choices, message=_("Choose the kind of measure."))
    person = forms.TypedChoiceField(
        label=_("About"),
        coerce=int,
        error_messages={
            "required": _("Choose the member of this household the measure is about."),
            "invalid_choice": _("Choose the member of this household the measure is about."),
        },
    )
    protected_person = forms.TypedChoiceField(
        label=_("Protects"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For a contact or location ban: whom it protects (optional)."),
        error_messages={"invalid_choice": _("Choose another member of this household, or no one.")},
    )
    starts_on = _date(
        _("Decision or start date"), help_text=_("For a huisverbod: the date of the mayor's decision.")
    )
    ends_on = _date(
        _("End date"),
        required=False,
        help_text=_("For a detention: the release date. A huisverbod ends 10 days after the decision."),
    )
    detail = BoundedText(
        label=_("Detail"),
        max_length=DETAIL_MAX,
        help_text=_("E.g. the area of a location ban. Never a confidential address."),
    )

    def __init__(self, *args: Any, members: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.full_name) for p in members]
        self.fields["person"].choices = [("", _("— choose —")), *choices]  # type: ignore[attr-defined]
        self.fields["protected_person"].choices = [("", _("— no one —")), *choices]  # type: ignore[attr-defined]

    def as_input(self) -> MeasureInput:
        d = self.cleaned_data
        return MeasureInput(
            kind=d["kind"],
            person_id=d["person"],
            starts_on=d["starts_on"],
            ends_on=d.get("ends_on"),
            protected_person_id=d.get("protected_person"),
            detail=d.get("detail", ""),
        )


class ExtendForm(forms.Form):
    decided_on = _date(_("Date of the decision to extend"))
    new_end = _date(_("New end date"), help_text=_("At most 28 days after the first decision."))


class EndForm(forms.Form):
    reason = BoundedText(
        label=_("Why it ends early"),
        max_length=300,
        required=True,
        error_messages={"required": _("Say why the measure ends early.")},
    )


class ClosingForm(forms.Form):
    summary = BoundedText(
        label=_("Closing assessment"),
        max_length=SUMMARY_MAX,
        required=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Is the household safe enough to close, and why? What is agreed for after?"),
        error_messages={
            "required": _("Write the closing assessment: is the household safe enough to close, and why?")
        },
    )
    aftercare = forms.TypedMultipleChoiceField(
        label=_("Aftercare checks"),
        coerce=int,
        required=False,
        choices=[(m, m) for m in AFTERCARE_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        initial=list(AFTERCARE_MONTHS),
        error_messages={"invalid_choice": _("Choose the aftercare checks from the list.")},
    )
    confirm = forms.BooleanField(
        label=_("I close this case: the other partners' access ends now."),
        required=True,
        error_messages={"required": _("Confirm that you close the case.")},
    )

    def __init__(self, *args: Any, members: list[Person], last_scores: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for person in members:
            self.fields[f"score_{person.pk}"] = forms.TypedChoiceField(
                label=str(person),
                coerce=int,
                choices=[("", "—")] + [(n, n) for n in range(1, 11)],
                initial=last_scores.get(person.pk, ""),
                error_messages={
                    "required": _("Give a score from 1 to 10."),
                    "invalid_choice": _("Give a score from 1 to 10."),
                },
            )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{p.pk}"] for p in self.members]
