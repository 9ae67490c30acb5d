"""The journal's forms: they read what a field can check by itself (a date and time, ids that are ids);
the service decides everything that needs the household (members, scope, not in the future)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.forms import IdField
from verband.journal.services import DocumentInput, EntryInput


def _ids(data: Any, name: str) -> tuple[list[int], bool]:
    """The ids ticked under `name`, and whether each was an id."""
    chosen = data.getlist(name) if isinstance(data, QueryDict) else []
    field = IdField(required=False)
    try:
        return [i for i in (field.clean(v) for v in chosen) if i is not None], True
    except forms.ValidationError:
        return [], False


class EntryForm(forms.Form):
    date = forms.DateField(required=False)
    time = forms.TimeField(required=False)
    person = IdField(required=False)
    document = forms.FileField(required=False)
    document_person = IdField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date", "time"):
            self.fields[name].error_messages["invalid"] = _("Give the date and time.")
        self.fields["document"].error_messages["invalid"] = _("The file did not arrive. Choose it again.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("participants", "shielded_from"):
            ids, valid = _ids(self.data, name)
            data[name] = ids
            if not valid:
                self.add_error(None, forms.ValidationError(_("Choose from the list.")))
        return data

    @property
    def occurred_at(self) -> datetime | None:
        day, clock = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or clock is None:
            return None
        return timezone.make_aware(datetime.combine(day, clock))

    def entry(self) -> EntryInput:
        post = self.data
        return EntryInput(
            kind=post.get("kind", ""),
            occurred_at=self.occurred_at,
            summary=post.get("summary", ""),
            next_step=post.get("next_step", ""),
            person_id=self.cleaned_data.get("person"),
            participant_ids=self.cleaned_data.get("participants", []),
            other_participants=post.get("other_participants", ""),
            visibility=post.get("visibility", ""),
            shielded_from=self.cleaned_data.get("shielded_from", []),
        )

    def document_input(self) -> DocumentInput | None:
        upload = self.cleaned_data.get("document")
        if upload is None:
            return None
        return DocumentInput(upload=upload, description=self.data.get("document_description", ""))


class DocumentForm(forms.Form):
    document = forms.FileField(required=False)
    person = IdField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].error_messages["invalid"] = _("The file did not arrive. Choose it again.")

    def document_input(self) -> DocumentInput | None:
        upload = self.cleaned_data.get("document")
        if upload is None:
            return None
        return DocumentInput(
            upload=upload,
            person_id=self.cleaned_data.get("person"),
            description=self.data.get("description", ""),
            visibility=self.data.get("visibility", ""),
        )
