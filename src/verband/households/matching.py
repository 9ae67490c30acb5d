# ruff: noqa: RUF002, RUF003 - names with Turkish, Polish and other letters are the point here
"""Recognising persons: who in the register is the person a signal describes?

Every Latin letter is transliterated (`fold`), family names compare in parts and given names with their
short forms and other spellings (`households.names`), and each field compares into a level that weighs
log2(m/u) in a Fellegi-Sunter model estimated offline (`households.comparison`, decision 0005); the sum
is a calibrated probability. Agreement on a rare, reliable field counts for much; a first name that
clearly differs or a birth decades apart counts strongly against, also within a household (twins,
same-name parents and children). Every candidate carries the reasons for and against in words; two
candidates nothing tells apart are both shown and neither is linked.

A lookup never scans the register: blocking keys (`PersonKey`, indexed) bring only the persons that
share a birth date (also with day and month swapped), a Dutch sound key of a family-name part with an
initial, a birth year or a given name, a given name with a birth year, a BSN or an address. See
bench/matching.py for quality (F1) and speed."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _
from rapidfuzz.distance import JaroWinkler, Levenshtein

from verband.households import comparison, names

# Dutch surname prefixes (tussenvoegsels), longest first so "van der" wins over "van".
PREFIXES = sorted(
    [
        "van", "de", "der", "den", "van der", "van den", "van de", "van het", "van 't", "ter", "ten", "te",
        "het", "'t", "in 't", "in de", "in het", "op de", "op den", "op het", "uit de", "uit den", "aan de",
        "aan den", "bij de", "onder de", "over de", "voor de", "la", "le", "du", "d'", "von", "von der",
        "el", "al", "da", "dos", "das", "di",
        # Abbreviations as officers type them: "v.d. Berg", "vd Berg", "v/d Berg", "v. Dam".
        "v d", "vd", "v",
    ],
    key=len,
    reverse=True,
)  # fmt: skip

# Probabilities are calibrated (`comparison.probability`): of the candidates at p, about p are the person.
# Above this probability a candidate is shown; auto-linking needs more than probability (see `certain`).
CANDIDATE_THRESHOLD = 0.5
# Above this probability (and short of `certain`) a candidate is a likely match: the signal is attached
# to the known household pending confirmation by the reporting centre. Besides the probability, `likely`
# asks for a full birth date that agrees (also misspelled or with day and month swapped) or a year of
# birth with the same address: a name alone, or with a year, never reaches it however rare the name.
LIKELY_THRESHOLD = 0.95
# Two candidates whose weights differ by less than this (log2: odds of one against the other under 20 to
# 1) are not told apart (`_undecided`): both are shown and neither is linked.
AMBIGUITY_BITS = math.log2(20)
MAX_BLOCKED = 150


# Latin letters that Unicode does not decompose into a base letter and accents, spelled as Dutch
# officers (and the BRP's ASCII fallbacks) spell them: Turkish dotless ı, Polish ł, Scandinavian ø and æ,
# German ß, Croatian đ. Letters named "LATIN ... LETTER X WITH ..." are found from their Unicode name.
_SPELLED = {
    "DOTLESS": "i", "SHARP": "ss", "AE": "ae", "OE": "oe", "ETH": "d", "THORN": "th", "KRA": "k", "ENG": "ng",
    "IJ": "ij", "LJ": "lj", "NJ": "nj", "DZ": "dz", "OU": "ou", "LONG": "s", "SCHWA": "e",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    """One character as plain lower-case Latin letters: "ł" → "l", "ß" → "ss"; "" for what is not a
    Latin letter (punctuation, digits, other scripts)."""
    if "a" <= ch <= "z" or ch in " '":
        return ch
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if decomposed != ch:
        return "".join(_latin(c) for c in decomposed.lower())
    name = unicodedata.name(ch, "")
    for kind in (" LETTER ", " LIGATURE "):
        if name.startswith("LATIN ") and kind in name:
            word = name.partition(kind)[2].split()[0]
            return _SPELLED.get(word) or (word.lower() if len(word) == 1 else "")
    return "'" if ch in "\u2019\u2018`\u02bc\u00b4" else ""


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lower case, every Latin letter spelled in plain a-z (accents and strokes dropped, ß and æ written
    out), punctuation a space: "Özdemir-Jansen" → "ozdemir jansen", "Yıldırım" → "yildirim", "Łukasz" →
    "lukasz". The register's side and the query's side are folded alike."""
    text = unicodedata.normalize("NFKD", (text or "").replace("-", " ")).lower()
    return " ".join("".join(_latin(ch) or " " for ch in text if not unicodedata.combining(ch)).split())


@lru_cache(maxsize=100_000)
def split_surname(prefix: str, family: str) -> tuple[str, str]:
    """The prefix and core of a Dutch surname, however it was typed: ("", "van der Berg"),
    ("van der", "Berg") and ("", "Berg, van der") all give ("van der", "berg")."""
    prefix, family = fold(prefix), (family or "")
    if "," in family:  # "Berg, van der"
        core, _sep, after = family.partition(",")
        family = f"{after} {core}"
    family = fold(family)
    if not prefix:
        for candidate in PREFIXES:
            if family.startswith(candidate + " ") and len(family) > len(candidate) + 1:
                prefix, family = candidate, family[len(candidate) + 1 :]
                break
    return prefix, family


def same_prefix(a: str, b: str) -> bool:
    """Two folded tussenvoegsels are the same, also when one is abbreviated: "v d" and "vd" stand for
    "van der", "van den" and "van de"; "v" for "van"."""
    if a == b:
        return True
    short = {"v d": "vd", "vd": "vd", "v": "v"}
    for abbreviated, full in ((a, b), (b, a)):
        if abbreviated in short:
            return short[abbreviated] == "".join(word[0] for word in full.split() if word)
    return False


@lru_cache(maxsize=100_000)
def phonetic(text: str) -> str:
    """The Dutch sound key of a name (`names.sound`): "Heijden", "Heyden" and "Heiden" share one."""
    return names.sound(fold(text))


@lru_cache(maxsize=100_000)
def first_name(given: str) -> str:
    parts = fold(given).split()
    return parts[0] if parts else ""


def initials(given: str, explicit: str = "") -> str:
    if explicit:
        return re.sub(r"[^a-z]", "", fold(explicit))
    return "".join(part[0] for part in fold(given).split())


@dataclass(frozen=True)
class Description:
    """A person as known (a register entry) or as described (a signal); any field may be empty."""

    given_names: str = ""
    surname_prefix: str = ""
    family_name: str = ""
    initials: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = ""
    bsn: str = ""
    addresses: tuple[tuple[str, str, str], ...] = ()  # (postcode, house number, street)

    @property
    def core(self) -> str:
        return split_surname(self.surname_prefix, self.family_name)[1]

    @property
    def full_birth(self) -> bool:
        return bool(self.birth_year and self.birth_month and self.birth_day)


@lru_cache(maxsize=100_000)
def _postcode(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


@lru_cache(maxsize=100_000)
def _number(value: str) -> str:
    match = re.match(r"\s*(\d+)", value or "")
    return match.group(1) if match else ""


def _family_sounds(prefix: str, family: str, *, query: bool) -> set[str]:
    """The sound keys of each part of a family name: a double or married name is found by either part;
    a glued prefix ("Vandenberg", "Elamrani") is also taken off — on the register's side only for the
    prefixes that hardly ever begin a name, on the query's side for every one."""
    found = set()
    for part in names.family_parts(prefix, family):
        found.add(names.sound(part.core))
        unglued = names.unglue(part.core, names.GLUED if query else names.GLUED_IN_REGISTER)
        if unglued:
            found.add(names.sound(unglued))
    return {s for s in found if s}


def _given_keys(given: str) -> set[str]:
    """Per given name its sound and the groups of equivalent names it is in (`names.given_keys`)."""
    return {key for word in fold(given).split() if len(word) > 1 for key in names.given_keys(word)}


def blocking_keys(d: Description, *, query: bool = False) -> set[str]:
    """Keys stored for a register entry; for a query also the variants that find typing errors (day and
    month swapped, given and family name swapped, a glued prefix). Every family name part, every given
    name (with its short forms and other spellings) and the Dutch sound key make the name keys, so that
    a person is fetched despite a spelling variant, a married name, a call name, a missing birth date
    (`g:` given name with family name, `n:` initial with family name) or a missing address, and `v:` a
    given name with the year of birth finds them despite a typing error in the family name."""
    keys: set[str] = set()
    if d.full_birth:
        keys.add(f"b:{d.birth_year:04d}{d.birth_month:02d}{d.birth_day:02d}")
        if query and d.birth_day and d.birth_day <= 12 and d.birth_day != d.birth_month:
            keys.add(f"b:{d.birth_year:04d}{d.birth_day:02d}{d.birth_month:02d}")
    names_typed = [(d.given_names, d.surname_prefix, d.family_name, d.initials)]
    if query and d.given_names:
        # Swapped: the whole given field read as a family name ("El Amrani" keeps its prefix).
        names_typed.append((f"{d.surname_prefix} {d.family_name}", "", d.given_names, ""))
    for given, prefix, family, explicit in names_typed:
        letters = initials(given, explicit)
        given_keys = _given_keys(given)
        for sound in _family_sounds(prefix, family, query=query):
            # Name with initial is a wide block on a national register; a query uses it only when it has
            # no year of birth to narrow the name down with.
            if letters and not (query and d.birth_year):
                keys.add(f"n:{sound}|{letters[0]}")
            if d.birth_year:
                keys.add(f"y:{sound}|{d.birth_year}")
            for given_key in given_keys:
                keys.add(f"g:{given_key}|{sound}")
    if d.birth_year:
        # A given name with the year of birth: found despite a typing error in the family name.
        for word in fold(d.given_names).split():
            if len(word) > 1:
                keys.add(f"v:{names.sound(word)}|{d.birth_year}")
    if d.bsn:
        keys.add(f"s:{d.bsn}")
    for postcode, number, _street in d.addresses:
        if _postcode(postcode) and _number(number):
            keys.add(f"a:{_postcode(postcode)}|{_number(number)}")
    return {key[:80] for key in keys}


@dataclass
class Evidence:
    weight: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, weight: float, reason: str = "") -> None:
        self.weight += weight
        if reason:
            self.reasons.append(reason)


def _similar(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b) if a and b else 0.0


def _compare_names(query: Description, known: Description, evidence: Evidence) -> None:
    q_prefix, q_core = split_surname(query.surname_prefix, query.family_name)
    k_prefix, k_core = split_surname(known.surname_prefix, known.family_name)
    q_first, k_first = first_name(query.given_names), first_name(known.given_names)
    straight = _similar(q_core, k_core) + _similar(q_first, k_first)
    crossed = _similar(q_core, k_first) + _similar(q_first, k_core)
    if q_first and crossed > straight + 0.3:
        evidence.add(0, _("given and family name swapped"))
        q_core, q_first = q_first, q_core
    family = _similar(q_core, k_core)
    if q_core == k_core:
        evidence.add(7, _("family name equal"))
    elif family >= 0.9 or (phonetic(q_core) == phonetic(k_core) and family >= 0.75):
        evidence.add(5, _("family name sounds alike (%(a)s ~ %(b)s)") % {"a": q_core, "b": k_core})
    elif family >= 0.8:
        evidence.add(2, _("family name looks alike"))
    elif family >= 0.7:
        evidence.add(-4)
    else:
        evidence.add(-8)
    if q_prefix and k_prefix and not same_prefix(q_prefix, k_prefix):
        evidence.add(-1)
    if q_first and k_first:
        given = _similar(q_first, k_first)
        if q_first == k_first:
            evidence.add(6, _("given name equal"))
        elif given >= 0.9 or (phonetic(q_first) == phonetic(k_first) and given >= 0.8):
            evidence.add(4, _("given name sounds alike (%(a)s ~ %(b)s)") % {"a": q_first, "b": k_first})
        elif given >= 0.8:
            evidence.add(1.5, _("given name looks alike"))
        elif given < 0.6:
            evidence.add(-8)  # another name altogether: twins and cousins share the rest
        elif q_first[0] == k_first[0]:
            evidence.add(-2)
        else:
            evidence.add(-5)
    else:
        q_init, k_init = (
            initials(query.given_names, query.initials),
            initials(known.given_names, known.initials),
        )
        if q_init and k_init:
            if q_init == k_init:
                evidence.add(2.5, _("initials equal"))
            elif q_init[0] == k_init[0]:
                evidence.add(1, _("first initial equal"))
            else:
                evidence.add(-3)


def _compare_birth(query: Description, known: Description, evidence: Evidence) -> None:
    if not (query.birth_year and known.birth_year):
        return
    if query.full_birth and known.full_birth:
        q = (query.birth_year, query.birth_month, query.birth_day)
        k = (known.birth_year, known.birth_month, known.birth_day)
        if q == k:
            evidence.add(9, _("date of birth equal"))
            return
        if q[0] == k[0] and q[1] == k[2] and q[2] == k[1]:
            evidence.add(7, _("date of birth with day and month swapped"))
            return
        q_digits, k_digits = (f"{x[0] or 0:04d}{x[1] or 0:02d}{x[2] or 0:02d}" for x in (q, k))
        distance = Levenshtein.distance(q_digits, k_digits)
        if distance == 1:
            evidence.add(4.5, _("date of birth differs by one digit"))
            return
        if q[0] == k[0] and q[1] == k[1]:
            evidence.add(1, _("month and year of birth equal"))
            return
        evidence.add(-6)
        return
    # One of the two is only partly known: what is known must agree.
    if query.birth_year != known.birth_year:
        evidence.add(-4)
    elif query.birth_month and known.birth_month and query.birth_month != known.birth_month:
        evidence.add(-3)
    elif query.birth_month and known.birth_month:
        evidence.add(3, _("month and year of birth equal"))
    else:
        evidence.add(2, _("year of birth equal"))


def _compare_rest(query: Description, known: Description, evidence: Evidence) -> None:
    if query.bsn and known.bsn:
        if query.bsn == known.bsn:
            evidence.add(14, _("BSN equal"))
        else:
            evidence.add(-14)
    known_places = {(_postcode(p), _number(n)): s for p, n, s in known.addresses}
    for postcode, number, street in query.addresses:
        pc, no = _postcode(postcode), _number(number)
        if pc and no and (pc, no) in known_places:
            evidence.add(4, _("same address (now or earlier)"))
            break
        if street and any(
            _similar(fold(street), fold(s)) >= 0.9 and no == n for (_p, n), s in known_places.items() if s
        ):
            evidence.add(3, _("same street and house number"))
            break
        if pc and any(pc == p for p, _n in known_places):
            evidence.add(1, _("same postcode"))
            break
    if query.sex in ("female", "male") and known.sex in ("female", "male") and query.sex != known.sex:
        evidence.add(-3)


def _strength(weight: float) -> str:
    if weight <= -8:
        return _("strongly against")
    if weight <= -3:
        return _("against a match")
    return _("weakly against")


def explain(c: comparison.Comparison, weights: dict[str, float]) -> tuple[list[str], list[str]]:
    """In words: which parts agree, and which disagree and how strongly (each reason against ends in
    "strongly against", "against" or "weakly against")."""
    agree: list[str] = []
    against: list[tuple[str, float]] = []
    if c.swapped:
        agree.append(_("given and family name swapped"))
    family = {
        "exact": _("family name equal"),
        "similar": _("family name sounds alike (%(a)s ~ %(b)s)") % {"a": c.q_family, "b": c.k_family},
        "part": _("one part of a double or married family name equal (%(a)s ~ %(b)s)")
        % {"a": c.q_family, "b": c.k_family},
        "alike": _("family name looks alike"),
    }
    given = {
        "full": _("given names equal"),
        "exact": _("given name equal"),
        "official": _("given name is one of the official given names (%(a)s)") % {"a": c.k_given},
        "equivalent": _("given name is a short form or another spelling (%(a)s ~ %(b)s)")
        % {"a": c.q_given, "b": c.k_given},
        "similar": _("given name sounds alike (%(a)s ~ %(b)s)") % {"a": c.q_given, "b": c.k_given},
        "initials": _("initials equal"),
        "initial": _("first initial equal"),
        "alike": _("given name looks alike"),
    }
    birth = {
        "exact": _("date of birth equal"),
        "swapped": _("date of birth with day and month swapped"),
        "digit": _("date of birth differs by one digit"),
        "month": _("month and year of birth equal"),
        "partial": _("year of birth equal"),
    }
    address = {
        "same": _("same address (now or earlier)"),
        "street": _("same street and house number"),
        "postcode": _("same postcode"),
    }
    for part, texts in (("family", family), ("given", given), ("birth", birth), ("address", address)):
        level = getattr(c, part)
        if level is None:
            continue
        weight = weights.get(part)
        if weight is None:  # counted together with another field (a household, twins)
            joint = "household" if "household" in weights else "siblings"
            weight = weights.get(joint, 0.0)
        if level in texts and weight > 0:
            agree.append(texts[level])
        elif weight < 0:
            if part == "family":
                against.append((_("family name differs"), weight))
            elif part == "given":
                against.append(
                    (_("given name differs (%(a)s, %(b)s)") % {"a": c.q_given, "b": c.k_given}, weight)
                )
            elif part == "birth" and c.years_apart >= 2:
                against.append((_("born %(years)d years apart") % {"years": c.years_apart}, weight))
            elif part == "birth":
                against.append((_("date of birth differs"), weight))
            elif part == "address" and weight < -1:
                against.append((_("other address"), weight))
    if c.sex == "different":
        against.append((_("sex differs"), weights.get("sex", 0.0)))
    if c.bsn == "same":
        agree.insert(0, _("BSN equal"))
    elif c.bsn == "different":
        against.append((_("BSN differs"), comparison.BSN_EXCLUDES))
    return agree, [f"{text}: {_strength(weight)}" for text, weight in against]


def score(query: Description, known: Description) -> tuple[float, float, list[str], list[str]]:
    """The summed weight (log2), the calibrated probability, and the reasons for and against."""
    levels = comparison.compare_levels(query, known)
    weights = comparison.weights(levels)
    total = sum(weights.values())
    agree, against = explain(levels, weights)
    return total, comparison.probability(total), agree, against


def compare(query: Description, known: Description) -> tuple[float, list[str]]:
    """The probability that the two describe the same person, and why (for and against, in words)."""
    _total, probability, agree, against = score(query, known)
    return probability, agree + against


def _birth_contradicts(query: Description, known: Description) -> bool:
    pairs = (
        (query.birth_year, known.birth_year),
        (query.birth_month, known.birth_month),
        (query.birth_day, known.birth_day),
    )
    return any(q and k and q != k for q, k in pairs)


def _same_address(query: Description, known: Description) -> bool:
    """A postcode and house number typed that is one of the known (never confidential) addresses."""
    places = {(_postcode(p), _number(n)) for p, n, _s in known.addresses}
    return any(
        _postcode(p) and _number(n) and (_postcode(p), _number(n)) in places for p, n, _s in query.addresses
    )


def certain(query: Description, known: Description) -> bool:
    """Automatic linking, without a person confirming, from any door (web or API):
    - an equal BSN (valid: the eleven test makes a typing error land on no one), when nothing else typed
      contradicts it — every typed part of the birth date equal, and a typed family name close;
    - or an identical name (tussenvoegsel, family name and first given name, after folding case and
      accents), an equal full birth date and the same address (postcode and house number of a known
      address that is not confidential), and no other BSN.
    Anything less is at most a likely match, which a person confirms."""
    if query.bsn and known.bsn:
        if query.bsn != known.bsn or _birth_contradicts(query, known):
            return False
        q_core, k_core = query.core, known.core
        return not q_core or _similar(q_core, k_core) >= 0.9 or phonetic(q_core) == phonetic(k_core)
    q_prefix, q_core = split_surname(query.surname_prefix, query.family_name)
    k_prefix, k_core = split_surname(known.surname_prefix, known.family_name)
    q_first, k_first = first_name(query.given_names), first_name(known.given_names)
    return bool(
        q_core
        and q_first
        and (q_prefix, q_core, q_first) == (k_prefix, k_core, k_first)
        and query.full_birth
        and (query.birth_year, query.birth_month, query.birth_day)
        == (known.birth_year, known.birth_month, known.birth_day)
        and _same_address(query, known)
    )


# The name of the rule before certain matches without a BSN were recognised (kept for callers).
strong_evidence = certain


def likely(query: Description, known: Description, score: float) -> bool:
    """A likely match: probable enough to attach the signal to the known household until the reporting
    centre confirms it (`LIKELY_THRESHOLD`), never against a differing BSN — and never on a name alone or
    a name with a year of birth, however rare the name: the birth date must agree in full (also with day
    and month swapped or one digit off), or the year of birth with the same address."""
    if query.bsn and known.bsn and query.bsn != known.bsn:
        return False
    if score < LIKELY_THRESHOLD:
        return False
    birth = comparison.birth_level(query, known)[0]
    if birth in ("exact", "swapped", "digit"):
        return True
    return bool(query.bsn and query.bsn == known.bsn) or (
        birth in ("partial", "month") and comparison.address_level(query, known) == "same"
    )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float
    reasons: list[str]
    automatic: bool
    likely: bool = False
    weight: float = 0.0
    undecided: bool = False  # another candidate fits almost as well: shown, never linked
    against: tuple[str, ...] = ()  # the reasons against (also at the end of `reasons`)

    def as_json(self) -> dict:
        return {
            "person": self.person_id,
            "score": round(self.score, 3),
            "reasons": self.reasons,
            "against": list(self.against),
            "automatic": self.automatic,
            "likely": self.likely,
            "undecided": self.undecided,
        }


def _undecided(scored: list[Candidate]) -> list[Candidate]:
    """When a second person fits almost as well as the best (a twin, a parent or child with the same
    name, and nothing typed tells them apart), all are shown and none is linked: neither certain nor
    likely, with the reason in words."""
    if len(scored) < 2 or scored[0].weight - scored[1].weight >= AMBIGUITY_BITS:
        return scored
    note = _("another person in the register fits almost as well: check who is meant")
    return [
        Candidate(c.person_id, c.score, [*c.reasons, note], False, False, c.weight, True, (*c.against, note))
        for c in scored
    ]


DESCRIPTION_FIELDS = (
    "given_names", "surname_prefix", "family_name", "initials", "birth_year", "birth_month", "birth_day", "sex",
    "bsn",
)  # fmt: skip


def describe(person: object) -> Description:
    """A register person (with prefetched `addresses`) as a Description."""
    # A confidential address (a shelter) is never a key or evidence: recognition must not confirm a guess.
    addresses = tuple(
        (a.postcode, a.house_number, a.street)
        for a in person.addresses.all()  # type: ignore[attr-defined]
        if not a.confidential
    )
    return Description(
        given_names=person.given_names,  # type: ignore[attr-defined]
        surname_prefix=person.surname_prefix,  # type: ignore[attr-defined]
        family_name=person.family_name,  # type: ignore[attr-defined]
        initials=person.initials,  # type: ignore[attr-defined]
        birth_year=person.birth_year,  # type: ignore[attr-defined]
        birth_month=person.birth_month,  # type: ignore[attr-defined]
        birth_day=person.birth_day,  # type: ignore[attr-defined]
        sex=person.sex,  # type: ignore[attr-defined]
        bsn=person.bsn,  # type: ignore[attr-defined]
        addresses=addresses,
    )


def _blocking_query(keys: set[str], limit: int) -> tuple[str, tuple]:
    from verband.households.models import PersonKey

    rows = (
        PersonKey.objects.filter(key__in=sorted(keys))
        .values("person_id")
        .annotate(shared=Count("key"))
        .order_by("-shared", "person_id")[:limit]
    )
    return rows.query.sql_with_params()


def _blocks(queries: list[Description], limit: int) -> tuple[str, list[Any]]:
    """One SQL select of (q, person_id): for each query (its position q), the persons sharing at least one
    blocking key with it, at most `limit`, those sharing most keys first — each block grouped, ordered and
    limited on its own, as a sub-select of one UNION ALL. Empty when no query has a key."""
    parts: list[str] = []
    params: list[Any] = []
    for position, query in enumerate(queries):
        keys = blocking_keys(query, query=True)
        if not keys:
            continue
        sql, sub_params = _blocking_query(keys, limit)
        parts.append(f"SELECT {position:d} AS q, person_id FROM ({sql}) AS block{position:d}")  # noqa: S608
        params.extend(sub_params)
    return " UNION ALL ".join(parts), params


def blocked_person_ids_many(queries: list[Description], limit: int = MAX_BLOCKED) -> list[list[int]]:
    """For each query, the persons sharing at least one blocking key with it (one query for all)."""
    from django.db import connection

    found: list[list[int]] = [[] for _query in queries]
    sql, params = _blocks(queries, limit)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for position, person_id in cursor.fetchall():
                found[position].append(person_id)
    return found


def blocked_person_ids(query: Description, limit: int = MAX_BLOCKED) -> list[int]:
    """Persons sharing at least one blocking key with the query, those sharing most keys first."""
    return blocked_person_ids_many([query], limit)[0]


def find_candidates_many(queries: list[Description], limit: int = 5) -> list[list[Candidate]]:
    """For each description, the most likely register persons, best first, above the threshold. One
    query however many descriptions: the blocks joined with the blocked persons and their addresses."""
    from django.db import connection

    from verband.households.models import Address, Person

    blocks, params = _blocks(queries, MAX_BLOCKED)
    if not blocks:
        return [[] for _query in queries]
    # Plain rows, not model instances: a lookup reads up to MAX_BLOCKED persons per description and must
    # stay fast. One row per address (LEFT JOIN); a confidential address is never evidence.
    q = connection.ops.quote_name

    def column(model: type[models.Model], name: str) -> str:
        return q(model._meta.get_field(name).column)  # type: ignore[union-attr,arg-type]

    columns = ", ".join(f"p.{column(Person, name)}" for name in DESCRIPTION_FIELDS)
    places = ", ".join(f"a.{column(Address, name)}" for name in ("postcode", "house_number", "street"))
    sql = (
        f"SELECT b.q, b.person_id, {columns}, {places}, a.{column(Address, 'confidential')} "  # noqa: S608
        f"FROM ({blocks}) AS b JOIN {q(Person._meta.db_table)} AS p ON p.{column(Person, 'id')} = b.person_id "
        f"LEFT JOIN {q(Address._meta.db_table)} AS a ON a.{column(Address, 'person')} = b.person_id"
    )
    width = len(DESCRIPTION_FIELDS)
    blocked: list[set[int]] = [set() for _query in queries]
    known_fields: dict[int, tuple] = {}
    addresses: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            position, pid = row[0], row[1]
            blocked[position].add(pid)
            known_fields[pid] = row[2 : width + 2]
            postcode, number, street, confidential = row[width + 2 :]
            if confidential is not None and not confidential:  # None: no address at all
                addresses[pid].add((postcode, number, street))
    known = {
        pid: Description(*fields, addresses=tuple(sorted(addresses[pid])))  # type: ignore[misc]
        for pid, fields in known_fields.items()
    }
    return [rank(query, known, block, limit) for query, block in zip(queries, blocked, strict=True)]


def rank(
    query: Description, known: dict[int, Description], block: Iterable[int], limit: int = 5
) -> list[Candidate]:
    """The blocked persons above the threshold, best first, with the levels of linking (certain, likely)
    and the rule that two persons nothing tells apart are shown both and neither linked."""
    weighed = []
    for pid in block:
        levels = comparison.compare_levels(query, known[pid])
        weights = comparison.weights(levels)
        weighed.append((sum(weights.values()), pid, levels, weights))
    weighed.sort(key=lambda w: (-w[0], w[1]))
    if not weighed or comparison.probability(weighed[0][0]) < CANDIDATE_THRESHOLD:
        return []
    # A contender nearly as likely is shown even below the threshold: both, and neither linked.
    best = weighed[0][0]
    scored = []
    for total, pid, levels, weights in weighed:
        probability = comparison.probability(total)
        if probability < CANDIDATE_THRESHOLD and best - total >= AMBIGUITY_BITS:
            break
        agree, against = explain(levels, weights)
        auto = probability >= CANDIDATE_THRESHOLD and certain(query, known[pid])
        is_likely = auto or likely(query, known[pid], probability)
        scored.append(
            Candidate(pid, probability, agree + against, auto, is_likely, total, against=tuple(against))
        )
    return _undecided(scored)[:limit]


def linked(candidates: list[Candidate]) -> int | None:
    """The person a lookup links to (for measuring): the best candidate, unless it is undecided."""
    return candidates[0].person_id if candidates and not candidates[0].undecided else None


def find_candidates(query: Description, limit: int = 5) -> list[Candidate]:
    """The most likely register persons for a description, best first, above the threshold."""
    return find_candidates_many([query], limit)[0]


def keys_for_people(people: Iterable[tuple[int, Description]]) -> list[tuple[int, str]]:
    return [(pid, key) for pid, d in people for key in sorted(blocking_keys(d))]


def keys_for_new(persons: Iterable[object]) -> list[tuple[int, str]]:
    """The blocking keys of persons just saved, who have no addresses yet (`index_person` for each)."""
    return keys_for_people(
        (p.pk, Description(**{name: getattr(p, name) for name in DESCRIPTION_FIELDS}))  # type: ignore[attr-defined]
        for p in persons
    )


def index_person(person: object) -> None:
    """Rewrite the blocking keys of one person (after it was made or changed)."""
    from verband.households.models import PersonKey

    pk = person.pk  # type: ignore[attr-defined]
    keys = blocking_keys(describe(person))
    PersonKey.objects.filter(person_id=pk).exclude(key__in=keys).delete()
    existing = set(PersonKey.objects.filter(person_id=pk).values_list("key", flat=True))
    PersonKey.objects.bulk_create([PersonKey(person_id=pk, key=k) for k in sorted(keys - existing)])


def rebuild_keys(batch: int = 2000, from_id: int = 0, progress: Any = None) -> tuple[int, int]:
    """Rewrite every person's blocking keys with the current rules, `batch` persons per transaction
    (management command `rebuild_recognition_keys`). Returns (persons, keys written)."""
    from django.db import transaction

    from verband.households.models import Person, PersonKey

    persons = keys = 0
    last = from_id - 1
    while True:
        with transaction.atomic():
            chunk = list(
                Person.objects.filter(pk__gt=last).order_by("pk").prefetch_related("addresses")[:batch]
            )
            if not chunk:
                break
            ids = [p.pk for p in chunk]
            PersonKey.objects.filter(person_id__in=ids).delete()
            rows = [
                PersonKey(person_id=p.pk, key=k) for p in chunk for k in sorted(blocking_keys(describe(p)))
            ]
            PersonKey.objects.bulk_create(rows, batch_size=5000)
        persons, keys, last = persons + len(chunk), keys + len(rows), ids[-1]
        if progress is not None:
            progress(last, persons)
    return persons, keys
