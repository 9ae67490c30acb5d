"""Form fields shared by every app: free text within its bounds, an id chosen from a list, and a choice
with one message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verband.text import bounded, plain_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class BoundedText(forms.CharField):
    """Text with the one rule for free text (`verband.text.bounded`): no NUL, stripped, within
    `max_length`, at least `min_length` when given."""

    def __init__(self, *, max_length: int, min_length: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_length=None, strip=False, **kwargs)
        self.upper = max_length
        self.lower = min_length or 0
        self.widget.attrs.setdefault("maxlength", str(max_length))

    def clean(self, value: Any) -> str:
        try:
            return bounded(value, maximum=self.upper, minimum=self.lower, required=self.required)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class IdField(forms.Field):
    """An id from a select or a hidden field: plain ASCII digits of a sensible length; empty is "nothing
    chosen", anything else "choose from the list" (never a database error for a NUL byte or a 40-digit
    string)."""

    default_error_messages = {"required": _("Make a choice."), "invalid": _("Choose from the list.")}

    def to_python(self, value: Any) -> int | None:
        text = value if isinstance(value, str) else (str(value) if value is not None else "")
        chosen = plain_id(text)
        if chosen is None and text.strip():  # typed or tampered, not one of the choices
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return chosen

    def validate(self, value: int | None) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


class Choice(forms.ChoiceField):
    """A choice from a fixed list (a model's TextChoices), with one message for "nothing chosen" and for
    a value that is not on the list: both mean the same to the person filling in the form."""

    def __init__(self, *, choices: Any, message: StrOrPromise, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": message, "invalid_choice": message})
        super().__init__(choices=choices, **kwargs)
