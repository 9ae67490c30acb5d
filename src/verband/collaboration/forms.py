"""The forms of handovers, help and case meetings. They check what a field can check by itself (no NUL,
within bounds, an id that is an id, a choice from the list) with the same Dutch messages as the services,
which still decide everything that needs the household (a receiving team of this region, a partner)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.collaboration.involvements import NOTE_MAX
from verband.collaboration.meetings import ACTIONS_PER_ITEM
from verband.collaboration.models import FundingStream, HandoverKind, HelpStatus
from verband.forms import BoundedText, Choice, IdField
from verband.plans.forms import ActionRow
from verband.plans.services import ActionInput
from verband.sharing.models import PARTNER_END_REASONS, InformationScope
from verband.text import plain_id

# A date typed in a form: the browser's date input (ISO), or as Dutch people write it.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def errors_dict(*forms_: forms.Form) -> dict[str, list[str]]:
    """The forms' messages per field, as the templates show them (the field's name; `__all__`)."""
    errors: dict[str, list[str]] = {}
    for form in forms_:
        for name, problems in form.errors.items():
            key = name if not form.prefix or name == "__all__" else f"{form.prefix}-{name}"
            errors.setdefault(key, []).extend(str(p) for p in problems)
    return errors


def at_least(value: str, minimum: int, message: Any) -> str:
    """A text that must say something: its own message when it is shorter (the service's wording)."""
    if len(value) < minimum:
        raise forms.ValidationError(message)
    return value


class HandoverRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=HandoverKind.choices, required=False)
    to_team = IdField(required=False)
    person = IdField(required=False)
    question = BoundedText(max_length=1000)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or HandoverKind.REFERRAL

    def clean_question(self) -> str:
        return at_least(self.cleaned_data["question"], 10, _("Say in a sentence what you ask of them."))


class HandoverAnswerForm(forms.Form):
    decision = Choice(
        choices=[("accept", "accept"), ("reject", "reject"), ("withdraw", "withdraw")],
        message=_("Choose accept or not accept."),
    )
    reason = BoundedText(max_length=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and "reason" in data:
            try:
                at_least(data["reason"], 10, _("Explain in a sentence why you do not accept."))
            except forms.ValidationError as exc:
                self.add_error("reason", exc)
        return data


class HelpForm(forms.Form):
    kind = IdField(
        required=True, error_messages={"required": _("Choose a kind of help from the region's catalogue.")}
    )
    funding = Choice(
        choices=FundingStream.choices,
        message=_("Choose how it is funded."),
    )
    person = IdField(required=False)
    provider = IdField(required=False)
    note = BoundedText(max_length=500)


class HelpStatusForm(forms.Form):
    status = Choice(
        choices=HelpStatus.choices,
        message=_("Choose a status."),
    )
    provider = IdField(required=False)


# ------------------------------------------------------------------------------------------ meetings


class ScheduleForm(forms.Form):
    date = forms.DateField(required=False)
    time = forms.TimeField(required=False)
    location = BoundedText(max_length=200)
    experience_expert = IdField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households: list[int] = []
        if self.is_bound:
            self.fields["date"].error_messages["invalid"] = _("Give the date and time of the meeting.")
            self.fields["time"].error_messages["invalid"] = _("Give the date and time of the meeting.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.data.getlist("households") if isinstance(self.data, QueryDict) else []
        field = IdField(required=False)
        try:
            self.households = [i for i in (field.clean(v) for v in chosen) if i is not None]
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data

    @property
    def scheduled_at(self) -> datetime | None:
        """The date and local clock time; None when either is missing (the service says so)."""
        day, clock = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or clock is None:
            return None
        return timezone.make_aware(datetime.combine(day, clock))


class MeetingItemForm(forms.Form):
    """One household on the agenda: the decisions, who of the household took part, and up to
    `ACTIONS_PER_ITEM` decided actions (the plan editor's action rows, under `item-<pk>-act-<n>-…`)."""

    decisions = BoundedText(max_length=10000)
    member = IdField(required=False)


class MeetingActionRow(ActionRow):
    """A decided action: no id (always a new action) and always open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id"]
        del self.fields["status"]
        self.fields["due"].widget.attrs["min"] = timezone.localdate().isoformat()

    def to_input(self) -> ActionInput:
        d = self.cleaned_data
        return ActionInput(
            text=d["text"],
            owner_organisation_id=d["org"],
            due_on=d["due"],
            owner_user_id=d["user"],
            person_id=d["for"],
        )


MeetingActions = forms.formset_factory(
    MeetingActionRow, extra=0, max_num=ACTIONS_PER_ITEM, absolute_max=ACTIONS_PER_ITEM
)


def item_forms(post: QueryDict | None, key: str) -> tuple[MeetingItemForm, forms.BaseFormSet]:
    """The item's form and its action rows (always `ACTIONS_PER_ITEM`, posted without management fields),
    bound to the POST when there is one."""
    if post is None:
        return MeetingItemForm(prefix=key), MeetingActions(prefix=f"{key}-act")
    data = post.copy()
    data[f"{key}-act-TOTAL_FORMS"] = str(ACTIONS_PER_ITEM)
    data[f"{key}-act-INITIAL_FORMS"] = "0"
    return MeetingItemForm(data, prefix=key), MeetingActions(data, prefix=f"{key}-act")


class HoldForm(forms.Form):
    minutes = BoundedText(max_length=20000)
    held_on = forms.DateField(
        required=False, error_messages={"invalid": _("Give the date on which the meeting was held.")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.present: set[int] = set()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.data.getlist("present") if isinstance(self.data, QueryDict) else []
        field = IdField(required=False)
        try:
            self.present = {i for i in (field.clean(v) for v in chosen) if i is not None}
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


class EndInvolvementForm(forms.Form):
    """A partner ends its involvement: why (a reason from the list), and a note kept with it."""

    reason = Choice(choices=PARTNER_END_REASONS, message=_("Choose why your involvement ends."))
    note = BoundedText(max_length=NOTE_MAX)


class EmergencyAccessForm(forms.Form):
    """Break the glass: which household, why now, and that the person knows it is reported."""

    reference = forms.CharField(
        label=_("Household reference"),
        max_length=20,
        error_messages={"required": _("Give the household's reference (HH-…).")},
    )
    reason = BoundedText(
        max_length=1000,
        min_length=20,
        label=_("The acute danger, and why you need it now"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that the regisseur and the privacy officer are told at once, and that the privacy "
            "officer judges afterwards whether this was justified."
        ),
        error_messages={"required": _("Confirm that you understand this is reported and judged.")},
    )


class IdList(forms.Field):
    """Ids from checkboxes: each plain ASCII digits; anything else "choose from the list"."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        chosen = [plain_id(v if isinstance(v, str) else str(v)) for v in values]
        if any(c is None for c in chosen):
            raise forms.ValidationError(_("Choose from the list."))
        return sorted({c for c in chosen if c is not None})


class ConsentForm(forms.Form):
    person = IdField(required=False)
    status = forms.CharField(required=False)
    partners = IdList(required=False)
    information = forms.MultipleChoiceField(
        choices=InformationScope.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose from the list which information is covered.")},
    )
    manner = forms.CharField(required=False)
    given_on = forms.DateField(
        required=False,
        error_messages={"invalid": _("Give a date as dd-mm-yyyy.")},
        input_formats=DATE_FORMATS,
    )
    valid_until = forms.DateField(
        required=False,
        error_messages={"invalid": _("Give a date as dd-mm-yyyy.")},
        input_formats=DATE_FORMATS,
    )
    note = BoundedText(max_length=1000)
    for_basis = IdField(required=False)


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        required=False,
        error_messages={"invalid": _("Give a date as dd-mm-yyyy.")},
        input_formats=DATE_FORMATS,
    )
    manner = forms.CharField(required=False)
    note = BoundedText(max_length=1000)
