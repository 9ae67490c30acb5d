"""What would identify a person in an anonymous consultation's text.

An anonymous consultation needs no consent only while nobody can be identified from it, so what a
professional types is checked before it is stored: a citizen service number (BSN: nine digits, also in
groups — "111.22.2333", "111 222 333" — that pass the eleven test; python-stdnum), a bank account number
(IBAN, with its check digits), an address (a postcode with a house number up to three words later, or a
street — written out or abbreviated: "Dorpsstr. 12", "Kerkln 4" — with a house number), a date of birth
(a full date — also with a two-digit year or a month's name — with a birth word before it, or any full
date more than a year ago), an e-mail address (also written as "elif[at]example.nl" or
"elif (at) example dot nl") and a phone number.

False alarms are kept few: a number that counts something ("weg 2 keer", "schoolplein 2 jongens"), the
bare word of a street type ("in de straat 12 woningen"), a written date with a two-digit year without a
birth word ("op 3 mei 10 uur") and four digits alone (a postcode area, a year) pass.

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
# A BSN: nine digits, alone or in groups of at least two with one space, dot or hyphen between them
# ("111222333", "111.22.2333", "111 222 333"); the groups of a longer run of numbers are tried nine digits
# at a time, and each candidate must pass the eleven test.
_DIGIT_RUN = re.compile(r"(?<![\w])(?<!\d[.\-/])\d+(?:[ .\-\u00a0]\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b")
_PHONE = re.compile(
    # Dutch: 0, +31 or 0031 and nine more digits (010-1234567, 06 1234 5678, +31 (0)6 12345678).
    rf"(?<![\w+])(?:\+31|0031|0)(?:{_SEP}\d){{9}}(?!\d)"
    # Elsewhere: + or 00, a country code and at least seven more digits.
    rf"|(?<![\w+])(?:\+|00)[1-9](?:{_SEP}\d){{7,13}}(?!\d)"
)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# An e-mail address written so that a machine would not read it: "elif[at]example.nl",
# "elif (at) example dot nl", "elif at example dot nl". A bracketed at (or "apenstaartje") with any dot;
# a bare "at" (also Dutch: "hij at") only together with a bare "dot".
_HIDDEN_AT = r"\s*[\[({<]\s*(?:at|@|apenstaartje)\s*[\])}>]\s*|\s+apenstaartje\s+"
_HIDDEN_DOT = r"\s*[\[({<]\s*(?:dot|punt)\s*[\])}>]\s*|\s+(?:dot|punt)\s+|\."
_HIDDEN_EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]*\w(?:{_HIDDEN_AT})[\w\-]+(?:(?:{_HIDDEN_DOT})[\w\-]+)*(?:{_HIDDEN_DOT})[A-Za-z]{{2,}}\b"
    rf"|(?<![\w.+\-])[\w.+\-]*\w\s+at\s+[\w\-]+(?:\s+dot\s+[\w\-]+)*\s+dot\s+[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
# A postcode: four digits (not starting with 0) and two letters, not SA, SD or SS; with a space only in
# capitals ("3072 AB"), so "in 2019 op 12 maart" is not read as one — unless the word postcode says so.
_POSTCODE = (
    r"(?:\b[Pp]ostcode:?\s*[1-9]\d{3}\s?[A-Za-z]{2}"
    r"|\b[1-9]\d{3}(?:\s?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2}))\b"
)
# What follows a number that counts something, not a house: "weg 2 keer", "onderweg 3 dagen".
_MONTH_NAMES = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_COUNTED = (
    r"\s*(?:keer|maal|x|jaar|jaren|jr|maand|maanden|week|weken|dag|dagen|nacht|nachten|uur|u|min|minuten|"
    r"kinderen|kind|jongens|meisjes|leerlingen|ouders|personen|mensen|gezinnen|woningen|huizen|meldingen|"
    r"gesprekken|incidenten|euro|eur|procent|km|kilometer|meter|m|" + _MONTH_NAMES + r")\b|\s*%|[.:,]\d"
)
_NUMBER = rf"\d{{1,5}}(?!\d)(?!{_COUNTED})(?:\s?[A-Za-z]\b|-\w{{1,4}})?"
# Up to three words between a postcode and its house number ("3075BK huisnummer 12", "3075 BK, nr. 12").
_GAP = r"(?:[\s,:;]+[^\W\d_][\w'\-]*\.?){0,3}[\s,:;]+"
_POSTCODE_WITH_NUMBER = re.compile(
    rf"{_POSTCODE}{_GAP}\d{{1,5}}(?!\d)(?!{_COUNTED})"
    rf"|\b\d{{1,5}}[A-Za-z]?(?:[\s,:;]+[^\W\d_][\w'\-]*\.?){{0,2}}[\s,:;]+{_POSTCODE}"
)
_STREETS = (
    "straat|straatweg|laan|weg|plein|kade|dijk|singel|gracht|dreef|steeg|markt|plantsoen|boulevard|"
    "hof|park|pad|erf|kwartier|passage"
)
# The abbreviations of street types, with or without their dot: "Dorpsstr. 12", "Kerkln 4".
_STREET_ABBREVIATIONS = "str|ln|pln|wg|kd|sngl|dk|gr|pl|plnts"
_STREET_WITH_NUMBER = re.compile(
    rf"\b(?P<street>(?:[^\W\d_][\w'\-]*?)?(?:{_STREETS}|{_STREET_ABBREVIATIONS}))(?:\.\s*|\s+)"
    rf"(?:(?:nr|no)\.?\s*|(?:huis)?nummer\s+)?{_NUMBER}",
    re.IGNORECASE,
)
_STREET_WORDS = frozenset(f"{_STREETS}|{_STREET_ABBREVIATIONS}".split("|"))
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
# Day, month and year in figures: the year in four digits or two ("12-4-1991", "12/04/91").
_DMY = re.compile(r"(?<![\d\-/.])(\d{1,2})([\-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[\-/.:]\d)")
_YMD = re.compile(r"(?<![\d\-/.])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d|[\-/.]\d)")
# Day, month name and year: "12 april 1991", "12 apr. '91"; "12 april 91" only next to a birth word
# ("op 3 mei 10 uur" is a time).
_WRITTEN = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?\s+"
    r"(\d{4}|['\u2019]\d{2}|\d{2})(?!\d|[.:]\d)",
    re.IGNORECASE,
)
_BIRTH_WORDS = re.compile(r"geboren|\bgeb\b|geb\.|geboorte|verjaardag|jarig|born|d\.?o\.?b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # bsn, iban, address, birth_date, email, phone
    text: str
    start: int


def _year(figures: str, today: date) -> int:
    """A year as written: "1991", or "91" and "19" as the most recent such year not after this one."""
    digits = figures.lstrip("'\u2019")
    year = int(digits)
    if len(digits) == 4:
        return year
    year += 2000
    return year if year <= today.year else year - 100


def _dates(text: str, today: date) -> list[tuple[int, int, date, bool]]:
    """Every full date in `text`: where it is, the day, and whether it counts only next to a birth word."""
    found = []
    for match in _DMY.finditer(text):
        day, month, year = int(match[1]), int(match[3]), _year(match[4], today)
        found.append((match.start(), match.end(), (year, month, day), False))
    for match in _YMD.finditer(text):
        found.append((match.start(), match.end(), (int(match[1]), int(match[2]), int(match[3])), False))
    for match in _WRITTEN.finditer(text):
        month = _MONTHS[match[2].lower()]
        bare = len(match[3]) == 2  # "12 april 91", no apostrophe
        found.append((match.start(), match.end(), (_year(match[3], today), month, int(match[1])), bare))
    valid = []
    for start, end, (year, month, day), bare in found:
        try:
            valid.append((start, end, date(year, month, day), bare))
        except ValueError:
            continue  # 31-02-1990 is no date at all
    return valid


def _bsns(text: str) -> list[tuple[int, int]]:
    """Where a BSN is written: nine digits, in one group or in groups of at least two, that pass the
    eleven test."""
    found = []
    for run in _DIGIT_RUN.finditer(text):
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(run[0])]
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                start, end = groups[last]
                if len(groups) > 1 and end - start < 2:
                    break  # "4 7 12": no grouping of a number
                digits += run[0][start:end]
                if len(digits) >= 9:
                    break
            if len(digits) == 9 and bsn.is_valid(digits):
                found.append((run.start() + groups[first][0], run.start() + groups[last][1]))
                break
    return found


def findings(text: str, today: date | None = None) -> list[Finding]:
    """What in `text` identifies someone, in the order it appears (each stretch of text once)."""
    today = today or timezone.localdate()
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(f.start <= start < f.start + len(f.text) or start <= f.start < end for f in found):
            return  # already part of another finding (the digits of a phone number are no BSN)
        found.append(Finding(kind, text[start:end], start))

    for pattern in (_EMAIL, _HIDDEN_EMAIL):
        for match in pattern.finditer(text):
            add("email", match.start(), match.end())
    for match in _IBAN.finditer(text):
        if iban.is_valid(match[0]):
            add("iban", match.start(), match.end())
    for start, end, day, bare in _dates(text, today):
        birth_word = day <= today and _BIRTH_WORDS.search(text[max(0, start - 30) : start])
        if birth_word or (not bare and day <= today - BIRTH_DATE_AGE):
            add("birth_date", start, end)
    for start, end in _bsns(text):
        add("bsn", start, end)
    for match in _PHONE.finditer(text):
        add("phone", match.start(), match.end())
    for match in _POSTCODE_WITH_NUMBER.finditer(text):
        add("address", match.start(), match.end())
    for match in _STREET_WITH_NUMBER.finditer(text):
        street = match["street"]
        if street.lower() in _STREET_WORDS and street[0].islower():
            continue  # "weg 2", "in de straat 12": the bare word, not a street's name
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
