"""The plan editor's forms: the plan's own fields and one formset each for goals, agreements and actions.

A row without text is left out (an existing goal, agreement or action emptied is removed from the plan);
rows carry the item's id, so items keep their identity (and their shields) across saves. A refused save
re-renders the bound forms, so everything typed is shown again with the error next to its field. The row
names (`goal-0-text`, `agr-1-by`, `act-2-due`, …) are the same with or without the formsets' management
fields, so a form posted without them (an older page, a script) is read the same way."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice, IdField
from verband.plans.models import ActionStatus, Agreement, FamilyPlan, PlanStatus
from verband.plans.services import ActionInput, AgreementInput, GoalInput, PlanInput
from verband.text import plain_id

MAX_ROWS = 60
BLANK_ROWS = 3
ROW_TEXT = 500

# The formsets' prefixes: the names the form has always posted.
GOALS, AGREEMENTS, ACTIONS = "goal", "agr", "act"


class PlanFieldsForm(forms.Form):
    status = Choice(
        choices=PlanStatus.choices,
        message=_("Choose the plan status."),
    )
    household_wishes = BoundedText(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    household_agreement = Choice(
        choices=Agreement.choices,
        message=_("Choose whether the household agrees."),
    )
    agreement_note = BoundedText(max_length=500)


class _Row(forms.Form):
    """One row of a plan section. A row whose text is empty counts as not filled in: it is not checked
    and not saved (the formsets give every row `empty_permitted`, since none is an initial form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id"] = IdField(required=False, widget=forms.HiddenInput)
        self.fields["text"] = BoundedText(max_length=ROW_TEXT)
        self.fields["for"] = IdField(required=False)
        self.shielded = ""  # the names of the members this existing item is kept from, for its label

    def has_changed(self) -> bool:
        if not self.is_bound:
            return False
        return bool(str(self.data.get(self.add_prefix("text"), "")).strip())

    @property
    def filled(self) -> bool:
        return bool(self.is_bound and self.has_changed() and self.cleaned_data.get("text"))


class GoalRow(_Row):
    def to_input(self) -> GoalInput:
        d = self.cleaned_data
        return GoalInput(d["text"], d["for"], id=d["id"])


class AgreementRow(_Row):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by"] = IdField(
            required=True, error_messages={"required": _("Choose who monitors each agreement.")}
        )

    def to_input(self) -> AgreementInput:
        d = self.cleaned_data
        return AgreementInput(d["text"], d["by"], d["for"], id=d["id"])


class ActionRow(_Row):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = IdField(
            required=True, error_messages={"required": _("Choose the owner of each action.")}
        )
        self.fields["user"] = IdField(required=False)
        due_error = _("Give each action a due date (day-month-year).")
        self.fields["due"] = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"required": due_error, "invalid": due_error},
        )
        self.fields["status"] = forms.ChoiceField(
            choices=ActionStatus.choices,
            required=False,
            initial=ActionStatus.OPEN,
            error_messages={"invalid_choice": _("Choose a status for the action.")},
        )

    def to_input(self) -> ActionInput:
        d = self.cleaned_data
        return ActionInput(
            text=d["text"],
            owner_organisation_id=d["org"],
            due_on=d["due"],
            status=d["status"] or ActionStatus.OPEN,
            owner_user_id=d["user"],
            person_id=d["for"],
            id=d["id"],
        )


def _formset(row: type[_Row]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        row, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True, can_delete=False
    )


ROWS: dict[str, type[forms.BaseFormSet]] = {
    GOALS: _formset(GoalRow),
    AGREEMENTS: _formset(AgreementRow),
    ACTIONS: _formset(ActionRow),
}
ROW_TEMPLATES = {
    GOALS: "plans/row_goal.html",
    AGREEMENTS: "plans/row_agreement.html",
    ACTIONS: "plans/row_action.html",
}
ROW_INDEX = re.compile(r"^(goal|agr|act)-(\d{1,3})-")


def _with_management(post: QueryDict, extra: str = "") -> QueryDict:
    """The posted data with each formset's management fields: the number of rows is taken from the rows
    posted when the page did not send it, and no row is ever an initial one (an empty row is skipped,
    never refused). `extra` names a section that gets one more (empty) row."""
    data = post.copy()
    highest: dict[str, int] = {}
    for key in post:
        match = ROW_INDEX.match(key)
        if match:
            highest[match[1]] = max(highest.get(match[1], -1), int(match[2]))
    for prefix in ROWS:
        total = plain_id(str(data.get(f"{prefix}-TOTAL_FORMS", "")))
        if total is None or total > 9999:
            data[f"{prefix}-TOTAL_FORMS"] = str(min(highest.get(prefix, -1) + 1, MAX_ROWS))
        if prefix == extra:
            data[f"{prefix}-TOTAL_FORMS"] = str(min(int(str(data[f"{prefix}-TOTAL_FORMS"])) + 1, MAX_ROWS))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


class PlanEditor:
    """The plan's fields and its three sections, bound to a POST or filled from the plan."""

    def __init__(
        self, data: QueryDict | None = None, plan: FamilyPlan | None = None, extra: str = ""
    ) -> None:
        self.bound = data is not None
        self.service_errors: list[str] = []
        if data is not None:
            data = _with_management(data, extra)
            self.fields = PlanFieldsForm(data, auto_id="%s")
            self.sections = {p: fs(data, prefix=p, auto_id="%s") for p, fs in ROWS.items()}
            return
        assert plan is not None
        self.fields = PlanFieldsForm(
            initial={
                "status": plan.status,
                "household_wishes": plan.household_wishes,
                "household_agreement": plan.household_agreement,
                "agreement_note": plan.agreement_note,
            },
            auto_id="%s",
        )
        blank: list[dict[str, Any]] = [{} for _i in range(BLANK_ROWS)]
        goals = [{"id": g.pk, "text": g.text, "for": g.person_id} for g in plan.goals.all()]
        agreements = [
            {"id": a.pk, "text": a.text, "for": a.person_id, "by": a.monitored_by_id}
            for a in plan.agreements.all()
        ]
        actions = [
            {
                "id": a.pk,
                "text": a.text,
                "for": a.person_id,
                "org": a.owner_organisation_id,
                "user": a.owner_user_id,
                "due": a.due_on,
                "status": a.status,
            }
            for a in plan.actions.all()
        ]
        self.sections = {
            GOALS: ROWS[GOALS](initial=goals + blank, prefix=GOALS, auto_id="%s"),
            AGREEMENTS: ROWS[AGREEMENTS](initial=agreements + blank, prefix=AGREEMENTS, auto_id="%s"),
            ACTIONS: ROWS[ACTIONS](
                initial=actions + [{"status": ActionStatus.OPEN}] * BLANK_ROWS, prefix=ACTIONS, auto_id="%s"
            ),
        }

    @property
    def goals(self) -> forms.BaseFormSet:
        return self.sections[GOALS]

    @property
    def agreements(self) -> forms.BaseFormSet:
        return self.sections[AGREEMENTS]

    @property
    def actions(self) -> forms.BaseFormSet:
        return self.sections[ACTIONS]

    def is_valid(self) -> bool:
        return self.fields.is_valid() & all([fs.is_valid() for fs in self.sections.values()])

    def to_input(self) -> PlanInput:
        d = self.fields.cleaned_data

        def rows(prefix: str) -> list[Any]:
            return [row.to_input() for row in self.sections[prefix].forms if row.filled]

        return PlanInput(
            status=d["status"],
            household_wishes=d["household_wishes"],
            household_agreement=d["household_agreement"],
            agreement_note=d["agreement_note"],
            goals=rows(GOALS),
            agreements=rows(AGREEMENTS),
            actions=rows(ACTIONS),
        )

    def errors(self) -> list[str]:
        """Every problem, for the summary at the top (each is also shown next to its field)."""
        if not self.bound:
            return []
        problems = [str(p) for f in self.fields.errors.values() for p in f]
        for formset in self.sections.values():
            problems += [str(p) for p in formset.non_form_errors()]
            for row in formset.forms:
                problems += [str(p) for f in row.errors.values() for p in f]
        problems += self.service_errors
        return list(dict.fromkeys(problems))

    def add_error(self, message: str) -> None:
        """A problem the service found (an owner who is not a partner, an item of another plan)."""
        self.service_errors.append(str(message))


def new_row(prefix: str, index: int) -> _Row:
    """An empty row for `prefix` at `index`, as the HTMX 'add a row' endpoint renders it."""
    formset = ROWS[prefix](prefix=prefix, auto_id="%s")
    row = formset.form(
        prefix=f"{prefix}-{index}", auto_id="%s", empty_permitted=True, use_required_attribute=False
    )
    if prefix == ACTIONS:
        row.initial = {"status": ActionStatus.OPEN}
    return row


# --------------------------------------------------------------------------------------- other plan forms


class VersionForm(forms.Form):
    """The plan version the edit form was opened on (optimistic concurrency)."""

    version = forms.IntegerField(min_value=0, max_value=999_999_999)


class ActionStatusForm(forms.Form):
    status = Choice(
        choices=ActionStatus.choices,
        message=_("Choose a status for the action."),
    )


class RegieRequestForm(forms.Form):
    to = IdField(
        required=True,
        error_messages={"required": _("Choose a professional of a partner working with this household.")},
    )
    note = BoundedText(max_length=500)


class RegieDecisionForm(forms.Form):
    """Accepting regie (with the line manager who gave the mandate) or declining it (with a reason)."""

    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")], required=False)
    mandated_by = IdField(required=False)
    mandate_note = BoundedText(max_length=300)
    reason = BoundedText(max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["decision"] = data.get("decision") or "accept"
        if data["decision"] == "accept" and "mandated_by" in data and data["mandated_by"] is None:
            self.add_error("mandated_by", _("Choose the line manager who gave you the mandate."))
        if data["decision"] == "decline" and "reason" in data and not data["reason"]:
            self.add_error("reason", _("Say why you decline (at most 500 characters)."))
        return data


class EndRegieForm(forms.Form):
    reason = BoundedText(max_length=300)

    def clean_reason(self) -> str:
        if not self.cleaned_data["reason"]:
            raise forms.ValidationError(_("Say why regie ends (at most 300 characters)."))
        return str(self.cleaned_data["reason"])
