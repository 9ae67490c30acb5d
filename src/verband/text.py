"""Checks on free text shared by the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refuse_nul(*texts: str) -> None:
    """PostgreSQL cannot store a NUL character in text; refuse it as bad input, in Dutch, before any write."""
    if any("\x00" in text for text in texts if isinstance(text, str)):
        raise ValidationError(_("Null characters are not allowed."))


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """The messages of a ValidationError per field ("__all__" for those about the whole input)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
