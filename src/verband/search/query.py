"""Understanding what was typed in the one search box: a name, a birth date, a BSN, a household (HH-) or
signal (SG-) reference, or an address (a postcode with or without a house number, or a street with a
number). A name and a birth date together narrow each other ("Ingried van der Berg 12-03-1988").

Parsing reads only the text: what it understands, and what it does not, never depends on the register,
so a mistyped BSN gets the same answer whether or not someone has it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.nl import bsn as stdnum_bsn

from verband.households.matching import PREFIXES, fold

# The search box takes a short text: what the access log keeps of it (`AccessLogEntry.object_id`) is as long.
MAX_LENGTH = 60

REFERENCE = re.compile(r"(?<![\w-])((?:HH|SG)-[A-Z0-9][A-Z0-9-]{0,17})(?![\w-])", re.IGNORECASE)
DATE = re.compile(r"(?<![\d-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?![\d-])")
POSTCODE = re.compile(r"(?<!\w)([1-9]\d{3})\s?([A-Za-z]{2})(?![A-Za-z])")
# A BSN as typed: nine digits (eight with the leading zero left off), perhaps with dots or spaces in groups.
BSN = re.compile(
    r"(?<![\w.])(\d{4}\.\d{2}\.\d{3}|\d{3}[. ]\d{2}[. ]\d{3}|\d{3}\.\d{3}\.\d{3}|\d{8,9})(?![\w.])"
)
HOUSE_NUMBER = re.compile(r"(?<![\w-])(\d{1,5})(?:\s?-?\s?([A-Za-z]{1,4}|\d{1,4}))?(?![\w-])")
OTHER_NUMBER = re.compile(r"\d")

# Abbreviated tussenvoegsels as people type them, and what they stand for (the core of the name decides;
# the prefix counts only a little).
ABBREVIATIONS = {
    "vd": "van der",
    "v.d.": "van der",
    "v.d": "van der",
    "vd.": "van der",
    "v/d": "van der",
    "vdn": "van den",
    "i.t.": "in 't",
}


@dataclass(frozen=True)
class Query:
    """What the search box understood. `kinds` names what will be searched, in words for the page."""

    text: str
    bsn: str = ""
    reference: str = ""  # "HH-2026-0004" or "SG-2026-0012", upper case
    birth: date | None = None
    postcode: str = ""  # "3075BK"
    house_number: str = ""  # the number only: "12" of "12a"
    street: str = ""
    given_names: str = ""
    initials: str = ""
    family_name: str = ""  # with its prefix as typed: "van der Berg"
    errors: list[str] = field(default_factory=list)

    @property
    def address(self) -> bool:
        return bool(self.postcode or (self.street and self.house_number))

    @property
    def name(self) -> bool:
        return bool(self.family_name)

    @property
    def empty(self) -> bool:
        return not (self.bsn or self.reference or self.birth or self.address or self.name)

    @property
    def kind(self) -> str:
        """What was searched for, for the access log and the page: one word."""
        if self.bsn:
            return "bsn"
        if self.reference:
            return "reference"
        if self.address:
            return "address"
        if self.name:
            return "name_birth" if self.birth else "name"
        return "birth" if self.birth else ""


def normalise(text: str) -> str:
    """The query as it is searched and logged: one line, single spaces, printable, at most MAX_LENGTH."""
    text = "".join(ch if ch.isprintable() else " " for ch in text or "")
    return " ".join(text.split())


def parse(text: str) -> Query:
    """The query understood. A query longer than MAX_LENGTH, an impossible date, a nine-digit number that
    fails the eleven test or a number that is none of these is an error (in Dutch, for the page)."""
    text = normalise(text)
    if len(text) > MAX_LENGTH:
        return Query(text=text[:MAX_LENGTH], errors=[_("Type at most %(n)s characters.") % {"n": MAX_LENGTH}])
    errors: list[str] = []
    rest = text

    reference = REFERENCE.search(rest)
    if reference:
        return Query(text=text, reference=reference.group(1).upper())

    bsn = ""
    found = BSN.search(rest)
    if found:
        digits = stdnum_bsn.compact(found.group(1).replace(" ", ""))
        if stdnum_bsn.is_valid(digits):
            bsn = digits
        else:
            errors.append(_("%(value)s is not a valid BSN: it must be 9 digits and pass the eleven test.")
                          % {"value": found.group(1)})  # fmt: skip
        rest = rest[: found.start()] + " " + rest[found.end() :]
    if bsn or errors:
        return Query(text=text, bsn=bsn, errors=errors)

    birth = None
    found = DATE.search(rest)
    if found:
        day, month, year = (int(part) for part in found.groups())
        try:
            birth = date(year, month, day)
        except ValueError:
            errors.append(_("%(value)s is not a date: type it as dd-mm-jjjj.") % {"value": found.group(0)})
        else:
            if not 1875 <= year <= timezone.localdate().year:
                errors.append(_("%(value)s is not a date of birth.") % {"value": found.group(0)})
                birth = None
        rest = rest[: found.start()] + " " + rest[found.end() :]

    postcode = ""
    found = POSTCODE.search(rest)
    if found:
        postcode = f"{found.group(1)}{found.group(2)}".upper()
        rest = rest[: found.start()] + " " + rest[found.end() :]
    house_number = ""
    found = HOUSE_NUMBER.search(rest)
    if found:
        house_number = found.group(1).lstrip("0") or "0"
        rest = rest[: found.start()] + " " + rest[found.end() :]
    if OTHER_NUMBER.search(rest):
        errors.append(
            _(
                "Some numbers were not understood. Type a date as dd-mm-jjjj, a BSN as 9 digits, a postcode "
                "as 1234 AB."
            )
        )
    words = " ".join(rest.replace(",", " , ").split())
    if errors:
        return Query(text=text, errors=errors)
    if postcode or house_number:
        street = words.replace(" , ", " ").strip()
        if house_number and not (postcode or street):
            return Query(
                text=text,
                errors=[_("A house number alone is not enough: add the postcode or the street.")],
            )
        return Query(text=text, postcode=postcode, house_number=house_number, street=street, birth=birth)
    given, letters, family = split_name(words)
    return Query(text=text, birth=birth, given_names=given, initials=letters, family_name=family)


def _expand(word: str) -> str:
    return ABBREVIATIONS.get(word.lower(), word)


def _prefix_at(words: list[str], i: int) -> int:
    """How many words from position i form a tussenvoegsel (0: none), leaving at least one word after."""
    for prefix in PREFIXES:
        size = len(prefix.split())
        if i + size < len(words) and fold(" ".join(words[i : i + size])) == prefix:
            return size
    return 0


def _is_initials(word: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?|[A-Za-z]", word))


def split_name(words: str) -> tuple[str, str, str]:
    """(given names, initials, family name with its prefix) of a typed name. "Ingried vd Berg" →
    ("Ingried", "", "van der Berg"); "Berg, Ingrid van den" → ("Ingrid", "", "van den Berg"); "J. de Vries"
    → ("", "J.", "de Vries"); "van den Berg" and "Berg" → family name only."""
    if not words.strip(" ,"):
        return "", "", ""
    if "," in words:
        family_part, _comma, after = words.partition(",")
        tokens = [_expand(w) for w in after.split()]
        tokens = " ".join(tokens).split()
        # "Berg, Ingrid van den": the given names, then the prefix that belongs before the family name.
        cut = len(tokens)
        for i in range(len(tokens)):
            if fold(" ".join(tokens[i:])) in PREFIXES:
                cut = i
                break
        given_words, prefix = tokens[:cut], " ".join(tokens[cut:])
        family = f"{prefix} {family_part.strip()}".strip()
    else:
        tokens = " ".join(_expand(w) for w in words.split()).split()
        if _prefix_at(tokens, 0):
            cut = 0  # "van den Berg": a family name only
        else:
            cut = next((i for i in range(1, len(tokens)) if _prefix_at(tokens, i)), len(tokens) - 1)
        given_words, family = tokens[:cut], " ".join(tokens[cut:])
    if given_words and all(_is_initials(w) for w in given_words):
        return "", "".join(given_words), family
    return " ".join(given_words), "", family
