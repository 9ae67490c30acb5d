"""The public door's form: a worry in a citizen's own words, about whom (optional), where (optional),
and — only if they want — how to reach them. Every field has a limit; what was typed comes back whole on
an error, including a text that is too long (the textarea has no maxlength: a browser would cut a paste
off without a word)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from verband.households.models import MemberRole
from verband.search.query import split_name
from verband.signals import checks
from verband.signals.services import CitizenInput, PersonInput

DESCRIPTION_MAX = 5000
PERSONS = (1, 2)

RELATIONS = [
    ("self", _("It is about me")),
    ("neighbour", _("Neighbour")),
    ("family", _("Family member")),
    ("friend", _("Friend or acquaintance")),
    ("other", _("Other")),
]
PERSON_ROLES = [
    (MemberRole.VICTIM, _("Someone who may be hurt or threatened")),
    (MemberRole.CHILD, _("A child who may not be safe")),
    (MemberRole.PERPETRATOR, _("Someone who may hurt or threaten others")),
]
YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don't know"))]
CONTACT = [
    ("anonymous", _("I stay anonymous")),
    ("contact", _("I give my contact details")),
]


def _age_to_birth_year(value: str) -> int | None:
    """An age ("about 40", "40") or a year of birth ("1985") as a year of birth; empty: none."""
    value = (value or "").strip()
    if not value:
        return None
    digits = re.findall(r"\d+", value)
    this_year = timezone.localdate().year
    if len(digits) == 1:
        number = int(digits[0])
        if 1900 <= number <= this_year:
            return number
        if number < 120:
            return this_year - number
    raise ValidationError(_("Write an age (for example 40) or a year of birth (for example 1985)."))


class PublicDoorForm(forms.Form):
    description = forms.CharField(
        label=_("What worries you?"),
        # The number is DESCRIPTION_MAX.
        help_text=_("In your own words: what did you see or hear, and when? At most 5000 characters."),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    acute_danger = forms.BooleanField(label=_("Someone is in danger right now"), required=False)
    person1_name = forms.CharField(label=_("Name (if you know it)"), required=False, max_length=200)
    person1_age = forms.CharField(label=_("Age or year of birth (about)"), required=False, max_length=20)
    person1_role = forms.ChoiceField(
        label=_("Who is this?"),
        choices=PERSON_ROLES,
        initial=MemberRole.VICTIM,
        required=False,
        widget=forms.RadioSelect,
    )
    person2_name = forms.CharField(label=_("Name (if you know it)"), required=False, max_length=200)
    person2_age = forms.CharField(label=_("Age or year of birth (about)"), required=False, max_length=20)
    person2_role = forms.ChoiceField(
        label=_("Who is this?"),
        choices=PERSON_ROLES,
        initial=MemberRole.PERPETRATOR,
        required=False,
        widget=forms.RadioSelect,
    )
    relation = forms.ChoiceField(
        label=_("What are you to them?"), choices=RELATIONS, required=False, widget=forms.RadioSelect
    )
    children = forms.ChoiceField(
        label=_("Are there children involved?"),
        choices=YES_NO_UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    postcode = forms.CharField(
        label=_("Postcode (if you know it)"),
        required=False,
        max_length=10,
        help_text=_("For example 3072 AB. It helps us find the right team."),
    )
    town = forms.CharField(label=_("Town or village"), required=False, max_length=100)
    contact = forms.ChoiceField(
        label=_("Do you want to stay anonymous?"),
        choices=CONTACT,
        initial="anonymous",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    reporter_phone = forms.CharField(label=_("Your phone number"), required=False, max_length=40)
    reporter_email = forms.EmailField(label=_("Your e-mail address"), required=False, max_length=254)
    may_contact = forms.BooleanField(label=_("You may contact me about this"), required=False)
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order); a program that fills
    # every field fills it too.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength on the story: the limit is checked here, and nothing pasted is cut off unseen.
        self.fields["description"].widget.attrs.pop("maxlength", None)
        # The browser remembers nothing typed here: on a shared computer or phone the next person to open
        # the form would be offered the names, the town and the reporter's own details.
        for field in self.fields.values():
            if not isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput)):
                field.widget.attrs["autocomplete"] = "off"

    @property
    def is_bait_taken(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_postcode(self) -> str:
        return checks.postcode(self.cleaned_data.get("postcode", ""))

    def clean_person1_age(self) -> int | None:
        return _age_to_birth_year(self.cleaned_data.get("person1_age", ""))

    def clean_person2_age(self) -> int | None:
        return _age_to_birth_year(self.cleaned_data.get("person2_age", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") == "contact":
            if not any(data.get(f) for f in ("reporter_name", "reporter_phone", "reporter_email")) and not (
                self.has_error("reporter_email")
            ):
                self.add_error(
                    "reporter_name",
                    _("Give your name, phone number or e-mail address, or choose to stay anonymous."),
                )
            if data.get("may_contact") and not (data.get("reporter_phone") or data.get("reporter_email")):
                self.add_error(
                    "reporter_phone", _("Give a phone number or e-mail address, so that we can contact you.")
                )
        return data

    def persons(self) -> list[PersonInput]:
        d = self.cleaned_data
        made = []
        for n in PERSONS:
            name = d.get(f"person{n}_name", "")
            if not name:
                continue  # an age without a name stays in the story: no one to recognise
            given, initials, family = split_name(name)
            made.append(
                PersonInput(
                    role=d.get(f"person{n}_role") or MemberRole.VICTIM,
                    given_names=given or initials,
                    family_name=family or name,
                    birth_year=d.get(f"person{n}_age"),
                )
            )
        return made

    def to_input(self, kind: str) -> CitizenInput:
        d = self.cleaned_data
        named = d.get("contact") == "contact"
        relation = ""
        if d.get("relation"):
            with override("nl"):  # the reporting centre reads it in Dutch, whatever the citizen's language
                relation = str(dict(RELATIONS)[d["relation"]])
        years = [
            str(d[f"person{n}_age"])
            for n in PERSONS
            if d.get(f"person{n}_age") and not d.get(f"person{n}_name")
        ]
        description = d["description"]
        if years:
            with override("nl"):
                description += "\n\n" + gettext(
                    "Year of birth (about) of someone without a name: %(years)s"
                ) % {"years": ", ".join(years)}
        return CitizenInput(
            kind=kind,
            description=description,
            persons=self.persons(),
            relation=relation,
            children_involved=d.get("children") == "yes",
            acute_danger=d.get("acute_danger", False),
            postcode=d.get("postcode", ""),
            town=d.get("town", ""),
            reporter_name=d.get("reporter_name", "") if named else "",
            reporter_phone=d.get("reporter_phone", "") if named else "",
            reporter_email=d.get("reporter_email", "") if named else "",
            may_contact=named and d.get("may_contact", False),
        )
