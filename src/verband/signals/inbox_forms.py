"""The forms of the inbox and of recognition: hand an activation back with a reason, send it on to a team
or network, and say who the people in one's own signal are. (The intake form is `signals.forms`.)"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, IdField


class HandBackForm(forms.Form):
    reason = BoundedText(max_length=2000)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"])
        if len(reason) < 10:
            raise forms.ValidationError(_("Explain in a sentence why this is not for your team."))
        return reason


class SendOnForm(forms.Form):
    """`party` is `team:<id>` or `network:<id>`, as the inbox's select offers them."""

    party = forms.CharField(max_length=40, error_messages={"required": _("Choose one team or network.")})

    def clean_party(self) -> tuple[str, int]:
        kind, _sep, raw = str(self.cleaned_data["party"]).partition(":")
        try:
            pk = IdField(required=True).clean(raw)
        except forms.ValidationError:
            pk = None
        if kind not in ("team", "network") or pk is None:
            raise forms.ValidationError(_("Choose a team or network of this region."))
        return kind, pk


NEW = "new"


class RecognitionForm(forms.Form):
    """Per person of the signal with candidates: one of the persons offered (`persoon-<pk>`), or new."""

    def __init__(self, *args: Any, offered: dict[int, list[int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sp_pk, person_ids in offered.items():
            if not person_ids:
                continue
            self.fields[f"persoon-{sp_pk}"] = forms.ChoiceField(
                choices=[(NEW, NEW), *((str(pid), str(pid)) for pid in person_ids)],
                error_messages={
                    "required": _("Choose for every person: one of the persons found, or a new person."),
                    "invalid_choice": _("Choose one of the persons offered, or a new person."),
                },
            )

    def decisions(self, pending: list[int]) -> dict[int, int | None]:
        """Per pending person of the signal: the register person chosen, or None for a new one."""
        chosen = {}
        for sp_pk in pending:
            value = self.cleaned_data.get(f"persoon-{sp_pk}", NEW)
            chosen[sp_pk] = None if value == NEW else int(value)
        return chosen

    def first_error(self) -> str:
        return next((str(p) for problems in self.errors.values() for p in problems), "")


AGES = [
    ("today", _("Received today")),
    ("week", _("Received in the last 7 days")),
    ("older", _("Received more than 7 days ago")),
    ("overdue", _("Past its deadline")),
]


class InboxFilterForm(forms.Form):
    """The Werkbak's filters, from the query string. `parties` are the actor's own teams and networks as
    (value, label), value `team:<id>` or `network:<id>`."""

    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    kind = forms.ChoiceField(label=_("Kind of signal"), required=False)
    party = forms.ChoiceField(label=_("Team or network"), required=False)
    age = forms.ChoiceField(label=_("Age"), required=False, choices=[("", _("Any age")), *AGES])

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        from verband.signals.models import SignalKind

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Every kind")), *SignalKind.choices]
        cast(forms.ChoiceField, self.fields["party"]).choices = [("", _("All of mine")), *parties]

    def chosen(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out, and said so by the form's errors)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        party = None
        kind, _sep, raw = str(data.get("party") or "").partition(":")
        if kind in ("team", "network") and raw.isdigit():
            party = (kind, int(raw))
        return {
            "urgent": bool(data.get("urgent")),
            "kind": data.get("kind") or "",
            "party": party,
            "age": data.get("age") or "",
        }


class FeedbackForm(forms.Form):
    """The follow-up the reporting centre chose at the end of its safety assessment, and the organisation
    that takes it up (from `signals.feedback.organisations`: no shelter)."""

    follow_up = forms.CharField(max_length=30, error_messages={"required": _("Choose the follow-up.")})
    organisation = forms.CharField(max_length=12, required=False)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}

    def clean_organisation(self) -> Any:
        raw = str(self.cleaned_data.get("organisation") or "")
        if not raw:
            return None
        try:
            pk = IdField(required=True).clean(raw)
        except forms.ValidationError:
            pk = None
        if pk not in self.organisations:
            raise forms.ValidationError(_("Choose an organisation of your region."))
        return self.organisations[pk]
