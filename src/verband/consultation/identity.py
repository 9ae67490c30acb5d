"""What would identify a person in an anonymous consultation's text.

An anonymous consultation needs no consent only while nobody can be identified from it, so what a
professional types is checked before it is stored: a citizen service number (BSN, nine digits that pass
the eleven test; python-stdnum), a bank account number (IBAN, with its check digits), an address (a
postcode with a house number, or a street with a house number), a date of birth (a full date with a
birth word next to it, or any full date more than a year ago), an e-mail address and a phone number.

Names are deliberately not checked against the persons Verband knows: "this name is known here" would
be an answer to anyone who types names until one is refused — a lookup in the register for people who
may not see it. The form tells the professional to leave names out.

Leaf module: it reads only the text (and today's date)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban
from stdnum.nl import bsn

# A full date older than this may be a date of birth (an incident of last month is not).
BIRTH_DATE_AGE = timedelta(days=365)
SHOWN = 40  # characters of a finding quoted back in the message

_SEP = r"[\s.\-()/]*"
_BSN = re.compile(
    r"(?<![\w.\-/])(?:\d{9}|\d{4}[ .]\d{2}[ .]\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{3})(?![\w]|[.\-/]\d)"
)
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b")
_PHONE = re.compile(
    # Dutch: 0, +31 or 0031 and nine more digits (010-1234567, 06 1234 5678, +31 (0)6 12345678).
    rf"(?<![\w+])(?:\+31|0031|0)(?:{_SEP}\d){{9}}(?!\d)"
    # Elsewhere: + or 00, a country code and at least seven more digits.
    rf"|(?<![\w+])(?:\+|00)[1-9](?:{_SEP}\d){{7,13}}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# A postcode: four digits (not starting with 0) and two letters, not SA, SD or SS; with a space only in
# capitals ("3072 AB"), so "in 2019 op 12 maart" is not read as one.
_POSTCODE = r"[1-9]\d{3}(?:\s?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})\b"
_NUMBER = r"\d{1,5}(?:\s?[A-Za-z]\b|-\w{1,4})?"
_POSTCODE_WITH_NUMBER = re.compile(
    rf"\b{_POSTCODE}[\s,]+(?:nr\.?\s*)?\d{{1,5}}\b|\b\d{{1,5}}[A-Za-z]?[\s,]+{_POSTCODE}"
)
_STREETS = (
    "straat|straatweg|laan|weg|plein|kade|dijk|singel|gracht|dreef|steeg|markt|plantsoen|boulevard|"
    "hof|park|pad|erf|kwartier|passage"
)
_STREET_WITH_NUMBER = re.compile(rf"\b[^\W\d_][\w'\-]*?(?:{_STREETS})\s+{_NUMBER}(?!\d)", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb"),
            ("maart", "mrt", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augustus", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"(?<![\d\-/.])(\d{1,2})([\-/.])(\d{1,2})\2(\d{4})(?!\d|[\-/.]\d)")
_YMD = re.compile(r"(?<![\d\-/.])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d|[\-/.]\d)")
_WRITTEN = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_BIRTH_WORDS = re.compile(r"geboren|geb\.|geboorte|verjaardag|jarig|born|d\.?o\.?b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # bsn, iban, address, birth_date, email, phone
    text: str
    start: int


def _dates(text: str) -> list[tuple[int, int, date]]:
    found = []
    for match in _DMY.finditer(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        found.append((match.start(), match.end(), (year, month, day)))
    for match in _YMD.finditer(text):
        found.append((match.start(), match.end(), (int(match[1]), int(match[2]), int(match[3]))))
    for match in _WRITTEN.finditer(text):
        month = _MONTHS[match[2].lower()]
        found.append((match.start(), match.end(), (int(match[3]), month, int(match[1]))))
    valid = []
    for start, end, (year, month, day) in found:
        try:
            valid.append((start, end, date(year, month, day)))
        except ValueError:
            continue  # 31-02-1990 is no date at all
    return valid


def findings(text: str, today: date | None = None) -> list[Finding]:
    """What in `text` identifies someone, in the order it appears (each stretch of text once)."""
    today = today or timezone.localdate()
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(f.start <= start < f.start + len(f.text) or start <= f.start < end for f in found):
            return  # already part of another finding (the digits of a phone number are no BSN)
        found.append(Finding(kind, text[start:end], start))

    for match in _EMAIL.finditer(text):
        add("email", match.start(), match.end())
    for match in _IBAN.finditer(text):
        if iban.is_valid(match[0]):
            add("iban", match.start(), match.end())
    for start, end, day in _dates(text):
        context = text[max(0, start - 30) : start]
        if day <= today - BIRTH_DATE_AGE or (day <= today and _BIRTH_WORDS.search(context)):
            add("birth_date", start, end)
    for match in _BSN.finditer(text):
        if bsn.is_valid(match[0]):
            add("bsn", match.start(), match.end())
    for match in _PHONE.finditer(text):
        add("phone", match.start(), match.end())
    for pattern in (_POSTCODE_WITH_NUMBER, _STREET_WITH_NUMBER):
        for match in pattern.finditer(text):
            add("address", match.start(), match.end())
    return sorted(found, key=lambda f: f.start)


def _describe(finding: Finding) -> str:
    shown = finding.text if len(finding.text) <= SHOWN else finding.text[: SHOWN - 1] + "…"
    messages = {
        "bsn": _("This looks like a citizen service number (BSN): %(found)s."),
        "iban": _("This looks like a bank account number: %(found)s."),
        "address": _("This looks like an address: %(found)s."),
        "birth_date": _("This looks like a date of birth: %(found)s."),
        "email": _("This looks like an e-mail address: %(found)s."),
        "phone": _("This looks like a phone number: %(found)s."),
    }
    return messages[finding.kind] % {"found": shown}


def check_anonymous(text: str, *, field: str, today: date | None = None) -> None:
    """Refuse a text that identifies someone, with a Dutch message under `field` that says what was found
    and what to write instead. Nothing is stored; the form shows the text again."""
    found = findings(text, today)
    if not found:
        return
    problems = [_("An anonymous consultation must not identify anyone: leave out identifying details.")]
    problems += list(dict.fromkeys(_describe(f) for f in found))
    problems.append(
        _(
            "Write for instance “mother, in her thirties”, “child of 8” or “lives in Feijenoord”: no names, "
            "numbers, addresses, dates of birth, e-mail addresses or phone numbers."
        )
    )
    raise ValidationError({field: problems})
