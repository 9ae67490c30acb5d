"""The rules for what a reporter says in a signal, one copy for both doors: the intake form
(`signals.forms`) cleans its fields with them and the API (`signals.api`) validates its schema with them.
Each returns the cleaned value or raises a ValidationError with a Dutch message, before anything is
stored."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.households.models import validate_bsn
from verband.text import bounded

# The longest text each field takes (the form's max_length, the schema's maxLength).
MAX_LENGTH: dict[str, int] = {
    "description": 20000,
    "location": 200,
    "postcode": 10,
    "reporter_name": 200,
    "reporter_function": 120,
    "reporter_phone": 40,
    "given_names": 200,
    "surname_prefix": 20,
    "family_name": 200,
    "bsn": 11,
    "street": 200,
    "house_number": 20,
    "city": 100,
    "phone": 40,
    "languages": 200,
}

POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})?\s*$")


def _plain(exc: ValidationError) -> ValidationError:
    return ValidationError(exc.messages[0])


def text(value: str | None, name: str, *, required: bool = False, too_short: str = "") -> str:
    """Free text of field `name`: no NUL, stripped, within its length; required: not blank."""
    try:
        return bounded(value, maximum=MAX_LENGTH[name], required=required, too_short=too_short)
    except ValidationError as exc:
        raise _plain(exc) from None


def family_name(value: str | None) -> str:
    """A person needs at least a family name, as far as known: spaces alone are none."""
    return text(
        value, "family_name", required=True, too_short=_("Enter at least a family name (as far as known).")
    )


def description(value: str | None) -> str:
    return text(value, "description", required=True)


def postcode(value: str | None) -> str:
    """A Dutch postcode, "3072 AB", "3072ab" or the four digits alone; returned as "3072AB"."""
    value = text(value, "postcode")
    if not value:
        return ""
    match = POSTCODE.match(value)
    if not match:
        raise ValidationError(_("Enter a Dutch postcode, for example 3072 AB (or only the four digits)."))
    return (match.group(1) + (match.group(2) or "")).upper()


def bsn(value: str | None) -> str:
    """A BSN as typed (spaces and dots allowed) that passes the eleven test; returned as nine digits."""
    value = re.sub(r"[\s.]", "", text(value, "bsn"))
    if value:
        validate_bsn(value)
    return value


def birth_date(year: int | None, month: int | None, day: int | None) -> None:
    """A date of birth, whole or partial (year; year and month; or all three), that exists and is not in
    the future. Raises a ValidationError keyed by the field it is about (birth_year or birth_day)."""
    if (day and not month) or (month and not year):
        raise ValidationError(
            {"birth_year": _("A partial date of birth needs the year (and the month with a day).")}
        )
    if not year:
        return
    today = timezone.localdate()
    if year < 1900:
        raise ValidationError({"birth_year": _("Enter a date after 1900.")})
    if year > today.year:
        raise ValidationError({"birth_year": _("This year is in the future.")})
    if month and day:
        try:
            born = date(year, month, day)
        except ValueError:
            raise ValidationError({"birth_day": _("This date does not exist.")}) from None
        if born > today:
            raise ValidationError({"birth_year": _("This date is in the future.")})
    elif month:
        if not 1 <= month <= 12:
            raise ValidationError({"birth_day": _("This date does not exist.")})
        if (year, month) > (today.year, today.month):
            raise ValidationError({"birth_year": _("This date is in the future.")})


def occurred_on(value: date | None) -> date | None:
    """When it happened: not in the future, not before 1900."""
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."))
    if value and value.year < 1900:
        raise ValidationError(_("Enter a date after 1900."))
    return value
