"""The forms of anonymous consultations. They check what a field can check alone — within bounds, no NUL,
an id that is an id, and nothing that identifies a person — with the services' Dutch messages; the
services still decide what needs the network or the household."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verband.consultation.identity import check_anonymous
from verband.consultation.models import ADVICE_MAX, CONCLUSION_MAX, FACTS_MAX, QUESTION_MAX, REASON_MAX
from verband.forms import BoundedText, IdField


def errors_dict(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(p) for p in problems] for name, problems in form.errors.items()}


def _anonymous(value: str, field: str) -> str:
    try:
        check_anonymous(value, field=field)
    except ValidationError as exc:
        raise forms.ValidationError(exc.message_dict[field]) from None
    return value


def _at_least(value: str, minimum: int, message: Any) -> str:
    if len(value) < minimum:
        raise forms.ValidationError(message)
    return value


class AskForm(forms.Form):
    network = IdField(required=True, error_messages={"required": _("Choose one of your networks.")})
    facts = BoundedText(max_length=FACTS_MAX)
    question = BoundedText(max_length=QUESTION_MAX)

    def clean_facts(self) -> str:
        facts = _at_least(
            self.cleaned_data["facts"],
            20,
            _("Describe the situation in a few sentences (at least 20 characters)."),
        )
        return _anonymous(facts, "facts")

    def clean_question(self) -> str:
        question = _at_least(
            self.cleaned_data["question"], 10, _("Say in a sentence what you ask the network.")
        )
        return _anonymous(question, "question")


class AdviceForm(forms.Form):
    text = BoundedText(max_length=ADVICE_MAX)

    def clean_text(self) -> str:
        text = _at_least(
            self.cleaned_data["text"], 10, _("Write your advice in a sentence (at least 10 characters).")
        )
        return _anonymous(text, "text")


class ConclusionForm(forms.Form):
    conclusion = BoundedText(max_length=CONCLUSION_MAX)

    def clean_conclusion(self) -> str:
        conclusion = _at_least(
            self.cleaned_data["conclusion"],
            10,
            _("Write down the conclusion in a sentence (at least 10 characters)."),
        )
        return _anonymous(conclusion, "conclusion")


class LinkForm(forms.Form):
    household = BoundedText(max_length=20)
    # Whether the reason says enough is the service's to say, together with the household's lookup (which
    # logs an attempt on a household the actor does not work with, whatever else is wrong).
    reason = BoundedText(max_length=REASON_MAX)
