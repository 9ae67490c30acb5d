from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText
from verband.households.models import Person
from verband.safety.instrument import Instrument
from verband.safety.models import WEIGHING_QUESTIONS, Answer, DangerKind, Phase, Profile
from verband.safety.services import AssessmentInput, ScoreInput, balansmodel

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AssessmentForm(forms.Form):
    acute = forms.ChoiceField(
        label=_("Acute unsafety?"),
        help_text=_("Direct physical danger: safety is not guaranteed for the coming days."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    structural = forms.ChoiceField(
        label=_("Structural unsafety?"),
        help_text=_("Unsafety that repeats or persists."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, widget=forms.RadioSelect)
    profiles = forms.MultipleChoiceField(
        label=_("Violence profiles"),
        help_text=_("A household can fit several."),
        choices=Profile.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    danger = forms.MultipleChoiceField(
        label=_("Danger for professionals"),
        help_text=_("Shown as a flag to every professional involved, before a home visit."),
        choices=DangerKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    danger_detail = BoundedText(label=_("Explain the danger"), max_length=300)
    summary = BoundedText(
        label=_("Summary of the assessment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, members: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for key, text in WEIGHING_QUESTIONS:
            self.fields[f"weighing_{key}"] = forms.ChoiceField(
                label=text, choices=Answer.choices, widget=forms.RadioSelect, required=False
            )
        self.balance_groups: list[tuple[str, list[tuple[str, str, str]]]] = []
        instrument = balansmodel()
        choices = []
        for level, title in (
            ("micro", _("Person (micro)")),
            ("meso", _("Family and surroundings (meso)")),
            ("macro", _("Society (macro)")),
        ):
            items: list[tuple[str, str, str]] = [
                (q.id, q.text, str(q.kind or "")) for q in instrument.questions if q.level == level
            ]
            self.balance_groups.append((str(title), items))
            choices += [(qid, text) for qid, text, _kind in items]
        self.fields["balance"] = forms.MultipleChoiceField(
            choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        for person in members:
            self.fields[f"score_{person.pk}"] = forms.IntegerField(
                label=person.full_name, min_value=1, max_value=10, required=False
            )
            self.fields[f"own_{person.pk}"] = forms.IntegerField(
                label=_("%(name)s says") % {"name": person.full_name},
                min_value=1,
                max_value=10,
                required=False,
            )

    def weighing_fields(self) -> list[forms.BoundField]:
        return [self[f"weighing_{key}"] for key, _text in WEIGHING_QUESTIONS]

    def score_rows(self) -> list[tuple[Person, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"score_{p.pk}"], self[f"own_{p.pk}"]) for p in self.members]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for person in self.members:
            if data.get(f"own_{person.pk}") and not data.get(f"score_{person.pk}"):
                self.add_error(f"score_{person.pk}", _("Give your own score too when the member gave one."))
        if data.get("acute") == "yes" and data.get("phase") and data["phase"] != Phase.DIRECT:
            self.add_error("phase", _("With acute unsafety the household is in phase 1, direct safety."))
        return data

    def as_input(self) -> AssessmentInput:
        data = self.cleaned_data
        detail = data.get("danger_detail", "")
        return AssessmentInput(
            acute=data["acute"] == "yes",
            structural=data["structural"] == "yes",
            phase=data["phase"],
            weighing={
                key: data[f"weighing_{key}"] for key, _t in WEIGHING_QUESTIONS if data.get(f"weighing_{key}")
            },
            profiles=data.get("profiles", []),
            balance=data.get("balance", []),
            summary=data.get("summary", ""),
            scores=[
                ScoreInput(p.pk, data[f"score_{p.pk}"], data.get(f"own_{p.pk}"))
                for p in self.members
                if data.get(f"score_{p.pk}")
            ],
            danger=[(kind, detail) for kind in data.get("danger", [])],
        )


class DangerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of danger"), choices=DangerKind.choices)
    detail = BoundedText(label=_("About the danger"), max_length=300)
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When to look again whether it still applies (optional)."),
        error_messages={"invalid": _("Give a valid date.")},
    )


class InstrumentForm(forms.Form):
    """The answers to an instrument's questions: one number per question, from its options (the
    instrument's scoring checks that each is one of them and that what must be answered is)."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in instrument.questions:
            self.fields[question.id] = forms.FloatField(
                required=False, error_messages={"invalid": _("Choose one of the answers.")}
            )

    def answers(self) -> dict[str, float]:
        """The answers given (what could be read, also when another answer could not)."""
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value is not None}
