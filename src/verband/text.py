"""Checks on free text shared by the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refuse_nul(*texts: str) -> None:
    """PostgreSQL cannot store a NUL character in text, and no database can store a lone surrogate (JSON
    "\\ud800" decodes to one); refuse both as bad input, in Dutch, before any write."""
    for text in texts:
        if not isinstance(text, str):
            continue
        if "\x00" in text:
            raise ValidationError(_("Null characters are not allowed."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(_("The text contains characters that are not valid.")) from None


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """The messages of a ValidationError per field ("__all__" for those about the whole input)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
