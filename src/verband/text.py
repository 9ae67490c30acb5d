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


def plain_id(value: str | None) -> int | None:
    """A form's id field as a number: plain ASCII digits of a sensible length, else None (so a NUL byte
    or a 40-digit string is "nothing chosen", never a database error)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def reason_text(reason: str, *, minimum: int = 10, maximum: int = 2000) -> str:
    """A decision's written reason: no NUL, at least a sentence, not a book. Returns it stripped; a Dutch
    ValidationError otherwise (before anything is written)."""
    refuse_nul(reason)
    reason = (reason or "").strip()
    if len(reason) < minimum:
        raise ValidationError(_("Give the reason in a sentence (at least 10 characters)."))
    if len(reason) > maximum:
        raise ValidationError(_("At most 2000 characters."))
    return reason


def bounded(
    value: str | None,
    *,
    field: str = "__all__",
    maximum: int,
    minimum: int = 0,
    required: bool = False,
    too_short: str = "",
) -> str:
    """Free text within its bounds: no NUL, stripped, at most `maximum` characters, and — when `minimum`
    is given or the text is `required` — at least that much (`too_short` says in words what is missing).
    Returns the stripped text or raises a Dutch
    ValidationError under `field`, before anything is written. The one rule behind every text input:
    the services call it and `verband.forms.BoundedText` cleans form fields with it."""
    text = value or ""
    try:
        refuse_nul(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    text = text.strip()
    if required and not text:
        raise ValidationError({field: [too_short or _("This field is required.")]})
    if minimum and len(text) < minimum:
        raise ValidationError(
            {field: [too_short or _("Write at least %(count)d characters.") % {"count": minimum}]}
        )
    if len(text) > maximum:
        raise ValidationError({field: [_("At most %(count)d characters.") % {"count": maximum}]})
    return text


def spreadsheet_cell(value: object) -> object:
    """No formula injection: a text cell a spreadsheet would run (=, +, -, @, tab, return) is written as
    text. Used by every CSV and XLSX export (caseload, steering, the access log)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
