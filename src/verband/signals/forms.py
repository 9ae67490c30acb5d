"""The intake form: a signal and the people it is about. Little is required — a worry with a name is
enough — and what is given is checked with clear Dutch messages, without losing anything typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verband.households.models import MemberRole, Sex
from verband.signals import checks
from verband.signals.models import PROFESSIONAL_KINDS, ViolenceForm
from verband.signals.services import PersonInput, SignalInput


class SignalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of signal"), choices=PROFESSIONAL_KINDS, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What happened, and what worries you?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("In your own words: what you saw or heard, from whom, and what is known about safety."),
    )
    violence_forms = forms.MultipleChoiceField(
        label=_("Forms of violence"),
        choices=ViolenceForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    acute_danger = forms.BooleanField(
        label=_("Acute danger: safety is not guaranteed for the coming days"), required=False
    )
    weapon_mentioned = forms.BooleanField(label=_("A weapon was mentioned"), required=False)
    children_involved = forms.BooleanField(label=_("There are children in the household"), required=False)
    children_witness = forms.BooleanField(label=_("Children witnessed the violence"), required=False)
    occurred_on = forms.DateField(
        label=_("When did it happen"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.CharField(label=_("Where did it happen"), required=False, max_length=200)
    postcode = forms.CharField(
        label=_("Postcode of the household"),
        required=False,
        max_length=10,
        help_text=_("Decides which neighbourhood team and network are activated."),
    )
    reporter_function = forms.CharField(label=_("Your function"), required=False, max_length=120)
    reporter_phone = forms.CharField(label=_("Phone number for questions"), required=False, max_length=40)
    anonymous_to_household = forms.BooleanField(
        label=_("I want to stay anonymous towards the household"), required=False
    )

    def clean_postcode(self) -> str:
        return checks.postcode(self.cleaned_data.get("postcode", ""))

    def clean_occurred_on(self) -> date | None:
        return checks.occurred_on(self.cleaned_data.get("occurred_on"))


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *MemberRole.choices], required=False)
    given_names = forms.CharField(label=_("Given names"), required=False, max_length=200)
    surname_prefix = forms.CharField(
        label=_("Prefix"), required=False, max_length=20, help_text=_("van, de, van der …")
    )
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    birth_day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31)
    birth_month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    birth_year = forms.IntegerField(label=_("Year"), required=False, min_value=1900)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=11)
    street = forms.CharField(label=_("Street"), required=False, max_length=200)
    house_number = forms.CharField(label=_("House number"), required=False, max_length=20)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    address_confidential = forms.BooleanField(
        label=_("This is a shelter or confidential address"),
        required=False,
        help_text=_(
            'Only your organisation will see it; routing and everyone else see "confidential address". '
            "Reports from a shelter are always confidential."
        ),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    languages = forms.CharField(
        label=_("Languages"), required=False, max_length=200, help_text=_("For example: Arabic, Dutch")
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)

    def clean_bsn(self) -> str:
        return checks.bsn(self.cleaned_data.get("bsn", ""))

    def clean_postcode(self) -> str:
        return checks.postcode(self.cleaned_data.get("postcode", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(
            data.get(name)
            for name in ("given_names", "family_name", "birth_year", "bsn", "street", "postcode")
        )
        if not filled:
            return data  # an empty row is ignored
        if "family_name" not in self.errors:
            try:
                data["family_name"] = checks.family_name(data.get("family_name"))
            except ValidationError as exc:
                self.add_error("family_name", exc)
        if not data.get("role"):
            self.add_error("role", _("Choose the role of this person in the household."))
        if not {"birth_year", "birth_month", "birth_day"} & set(self.errors):
            try:
                checks.birth_date(data.get("birth_year"), data.get("birth_month"), data.get("birth_day"))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("family_name"))

    def as_input(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            role=d["role"],
            family_name=d["family_name"],
            given_names=d.get("given_names", ""),
            surname_prefix=d.get("surname_prefix", ""),
            birth_year=d.get("birth_year"),
            birth_month=d.get("birth_month"),
            birth_day=d.get("birth_day"),
            sex=d.get("sex") or Sex.UNKNOWN,
            bsn=d.get("bsn", ""),
            street=d.get("street", ""),
            house_number=d.get("house_number", ""),
            postcode=d.get("postcode", ""),
            city=d.get("city", ""),
            phone=d.get("phone", ""),
            languages=d.get("languages", ""),
            interpreter_needed=d.get("interpreter_needed", False),
            address_confidential=d.get("address_confidential", False),
        )


class BasePersonFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data and form.is_filled for form in self.forms):
            raise forms.ValidationError(_("Add at least one person the signal is about."))


PersonFormSet = forms.formset_factory(
    PersonForm, formset=BasePersonFormSet, extra=0, max_num=12, absolute_max=12
)


def to_input(form: SignalForm, persons: Any, reporter_name: str) -> SignalInput:
    d = form.cleaned_data
    return SignalInput(
        kind=d["kind"],
        description=d["description"],
        persons=[p.as_input() for p in persons.forms if p.cleaned_data and p.is_filled],
        reporter_name=reporter_name,
        reporter_function=d.get("reporter_function", ""),
        reporter_phone=d.get("reporter_phone", ""),
        anonymous_to_household=d.get("anonymous_to_household", False),
        violence_forms=d.get("violence_forms", []),
        children_involved=d.get("children_involved", False),
        children_witness=d.get("children_witness", False),
        weapon_mentioned=d.get("weapon_mentioned", False),
        acute_danger=d.get("acute_danger", False),
        occurred_on=d.get("occurred_on"),
        location=d.get("location", ""),
        postcode=d.get("postcode", ""),
    )
