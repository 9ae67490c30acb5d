"""The Fellegi-Sunter model of recognition: how two descriptions of a person compare, field by field, in
levels, and what each level weighs.

Each field (family name, given names, birth date, address, sex) is compared into one level ("exact",
"part", "equivalent", "decades", …). A level's weight is log2(m / u): m is how often the level occurs
when the two are the same person, u how often when they are two random persons. m and u are not
guessed: bench/matching_estimate.py estimates them (u from random pairs of a register, m from labelled
re-registrations) and writes `recognition_model.json`, which this module reads once. The family name's
agreement is adjusted for its frequency (a shared "de Jong" weighs less than a shared "Wiegersma"). The
summed weight is turned into a probability by a calibration fitted on held-out pairs (`probability`).

A missing field weighs nothing. An equal BSN (+14) and a differing one (-40, which excludes) are fixed
weights: the synthetic registers the model is estimated on carry no BSNs, and the eleven test makes a
typing error land on no one."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import JaroWinkler, Levenshtein

from verband.households import names

if TYPE_CHECKING:
    from verband.households.matching import Description

LEVELS: dict[str, tuple[str, ...]] = {
    "family": ("exact", "similar", "part", "alike", "different"),
    "given": ("full", "exact", "official", "equivalent", "similar", "initials", "initial", "alike", "different"),
    "birth": (
        "exact", "swapped", "digit", "month", "same_year", "partial", "partial_other", "close", "apart",
        "decades",
    ),
    "address": ("same", "street", "postcode", "different"),
    "sex": ("same", "different"),
}  # fmt: skip
BSN_WEIGHT = 14.0
BSN_EXCLUDES = -40.0  # two valid BSNs that differ: two persons (a typing error fails the eleven test)
MODEL_FILE = Path(__file__).with_name("recognition_model.json")


@dataclass(frozen=True)
class Comparison:
    """The level of each field (None: missing on either side), and what the reasons need."""

    family: str | None
    given: str | None
    birth: str | None
    address: str | None
    sex: str | None
    bsn: str | None = None
    swapped: bool = False
    surname: str = ""  # the shared family name core, for the frequency adjustment
    q_family: str = ""
    k_family: str = ""
    q_given: str = ""
    k_given: str = ""
    years_apart: int = 0

    def levels(self) -> dict[str, str | None]:
        return {"family": self.family, "given": self.given, "birth": self.birth, "address": self.address,
                "sex": self.sex}  # fmt: skip


def _jw(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b) if a and b else 0.0


def _close(a: str, b: str) -> bool:
    """A misspelling of the same name: Jaro-Winkler at least 0.92, or the same Dutch sound at 0.8."""
    similarity = _jw(a, b)
    return similarity >= 0.92 or (similarity >= 0.8 and names.sound(a) == names.sound(b))


def family_level(query: Description, known: Description) -> tuple[str | None, str, str, str]:
    """The family names' level, the shared core, and the two names compared (for the reasons)."""
    return _family_level(query.surname_prefix, query.family_name, known.surname_prefix, known.family_name)


@lru_cache(maxsize=50_000)  # a block holds many persons of one family name: compared once
def _family_level(
    q_prefix: str, q_family: str, k_prefix: str, k_family: str
) -> tuple[str | None, str, str, str]:
    q_parts = names.family_parts(q_prefix, q_family)
    k_parts = names.family_parts(k_prefix, k_family)
    if not q_parts or not k_parts:
        return None, "", "", ""
    shown = (" ".join(p.core for p in q_parts), " ".join(p.core for p in k_parts))

    def status(part: names.Part, others: tuple[names.Part, ...]) -> tuple[str, str]:
        readings = part.readings()
        for other in others:
            shared = readings & other.readings()
            if shared:
                return "exact", other.core
        for other in others:
            if any(_close(a, b) for a in readings for b in other.readings()):
                return "similar", other.core
        return "none", ""

    q_status = [status(p, k_parts) for p in q_parts]
    k_status = [status(p, q_parts) for p in k_parts]
    exact = [core for s, core in q_status + k_status if s == "exact"]
    if all(s == "exact" for s, _c in q_status + k_status):
        return "exact", exact[0], *shown
    if all(s != "none" for s, _c in q_status + k_status):
        return "similar", "", *shown
    if exact:
        return "part", exact[0], *shown
    if any(s == "similar" for s, _c in q_status):
        return "part", "", *shown
    best = max(_jw(a.core, b.core) for a in q_parts for b in k_parts)
    return ("alike" if best >= 0.8 else "different"), "", *shown


@lru_cache(maxsize=100_000)
def given_words(given_names: str) -> tuple[str, ...]:
    """The folded given names; a word typed as capitals without a vowel ("JC", "JHM") is initials."""
    from verband.households.matching import fold

    words: list[str] = []
    for word in (given_names or "").replace(".", ". ").split():
        if (
            word.isalpha()
            and word.isupper()
            and 2 <= len(word) <= 4
            and not set(word.lower()) & set("aeiouy")
        ):
            words.extend(word.lower())
        else:
            words.extend(fold(word).split())
    return tuple(words)


def given_level(query: Description, known: Description) -> tuple[str | None, str, str]:
    return _given_level(query.given_names, query.initials, known.given_names, known.initials)


@lru_cache(maxsize=50_000)
def _given_level(q_given: str, q_initials: str, k_given: str, k_initials: str) -> tuple[str | None, str, str]:
    from verband.households.matching import initials

    q_words, k_words = list(given_words(q_given)), list(given_words(k_given))
    q_letters = "".join(w[0] for w in q_words) or initials("", q_initials)
    k_letters = "".join(w[0] for w in k_words) or initials("", k_initials)
    if not q_letters or not k_letters:
        return None, "", ""
    if not q_words or not k_words or names.is_initials(q_words) or names.is_initials(k_words):
        if q_letters == k_letters:
            level = "initials"
        elif q_letters[0] == k_letters[0] or (
            min(len(q_letters), len(k_letters)) == 1 and (q_letters in k_letters or k_letters in q_letters)
        ):  # the first initial, or one initial of a call name among the official names
            level = "initial"
        else:
            level = "different"
        return level, q_letters, k_letters
    q_first, k_first = q_words[0], k_words[0]
    shown = (q_first, k_first)
    if q_first == k_first:
        # All given names typed and equal ("Sander Lucas" ~ "Sander Lucas", not only "Sander").
        return ("full" if len(q_words) > 1 and q_words == k_words else "exact"), *shown
    q_full = [w for w in q_words if len(w) > 1]
    k_full = [w for w in k_words if len(w) > 1]
    for a in q_full:
        if a in k_full:
            return "official", a, a
    for a in q_full:
        for b in k_full:
            if names.equivalent(a, b):
                return "equivalent", a, b
    for a in q_full:
        for b in k_full:
            if _close(a, b):
                return "similar", a, b
    if _jw(q_first, k_first) >= 0.8:
        return "alike", *shown
    return "different", *shown


def birth_level(query: Description, known: Description) -> tuple[str | None, int]:
    if not (query.birth_year and known.birth_year):
        return None, 0
    apart = abs(query.birth_year - known.birth_year)
    if query.full_birth and known.full_birth:
        q = (query.birth_year, query.birth_month, query.birth_day)
        k = (known.birth_year, known.birth_month, known.birth_day)
        if q == k:
            return "exact", 0
        if q[0] == k[0] and q[1] == k[2] and q[2] == k[1]:
            return "swapped", 0
        digits = [f"{x[0]:04d}{x[1]:02d}{x[2]:02d}" for x in (q, k)]
        # One digit typed wrong (or two swapped) — but not a decade: born ten or more years apart is a
        # parent, child or sibling as often as a typing error.
        if apart < 10 and (Levenshtein.distance(*digits) == 1 or sorted(digits[0]) == sorted(digits[1])):
            return "digit", apart
        if q[0] == k[0]:
            return ("month" if q[1] == k[1] else "same_year"), 0
    elif apart == 0:
        months = query.birth_month and known.birth_month
        if months and query.birth_month != known.birth_month:
            return "partial_other", 0
        return "partial", 0
    if apart <= 4:
        return "close", apart
    if apart < 15:
        return "apart", apart
    return "decades", apart


def address_level(query: Description, known: Description) -> str | None:
    from verband.households.matching import _number, _postcode, fold

    known_places = [(_postcode(p), _number(n), fold(s)) for p, n, s in known.addresses]
    typed = [(_postcode(p), _number(n), fold(s)) for p, n, s in query.addresses]
    typed = [t for t in typed if (t[0] or t[2])]
    known_places = [k for k in known_places if (k[0] or k[2])]
    if not typed or not known_places:
        return None
    best = "different"
    for pc, no, street in typed:
        for k_pc, k_no, k_street in known_places:
            if pc and no and (pc, no) == (k_pc, k_no):
                return "same"
            if street and k_street and no and no == k_no and _jw(street, k_street) >= 0.9:
                best = "street"
            elif pc and pc == k_pc and best == "different":
                best = "postcode"
    return best


def sex_level(query: Description, known: Description) -> str | None:
    if query.sex in ("female", "male") and known.sex in ("female", "male"):
        return "same" if query.sex == known.sex else "different"
    return None


# How well names agree, for choosing between the typed and the swapped reading (not a weight).
_NAME_RANK = {
    "family": {"exact": 4, "similar": 3, "part": 2, "alike": 1},
    "given": {
        "full": 6,
        "exact": 5,
        "official": 4,
        "equivalent": 4,
        "similar": 3,
        "initials": 2,
        "initial": 1,
        "alike": 1,
    },
}


def _oriented(query: Description, known: Description) -> tuple[Comparison, int]:
    family, surname, q_family, k_family = family_level(query, known)
    given, q_given, k_given = given_level(query, known)
    birth, apart = birth_level(query, known)
    bsn = None
    if query.bsn and known.bsn:
        bsn = "same" if query.bsn == known.bsn else "different"
    comparison = Comparison(
        family=family,
        given=given,
        birth=birth,
        address=address_level(query, known),
        sex=sex_level(query, known),
        bsn=bsn,
        surname=surname,
        q_family=q_family,
        k_family=k_family,
        q_given=q_given,
        k_given=k_given,
        years_apart=apart,
    )
    return comparison, _NAME_RANK["family"].get(family or "", 0) + _NAME_RANK["given"].get(given or "", 0)


def compare_levels(query: Description, known: Description) -> Comparison:
    """The levels of each field, also trying the query with given and family name swapped (the whole
    given field read as a family name, so "El Amrani" typed as given name still has its prefix)."""
    from dataclasses import replace

    straight, straight_names = _oriented(query, known)
    typed_words = given_words(query.given_names)
    if straight.family in ("exact", "similar", "part") or not typed_words:
        return straight
    # Only worth trying when the typed given names look like the registered family name, or the typed
    # family name like a registered given name.
    typed_given = "".join(typed_words)
    typed_family = "".join(p.core for p in names.family_parts(query.surname_prefix, query.family_name))
    if not any(
        _jw(typed_given, reading) >= 0.8 or _jw(typed_words[-1], reading) >= 0.8
        for part in names.family_parts(known.surname_prefix, known.family_name)
        for reading in part.readings()
    ) and not any(_jw(typed_family, word) >= 0.8 for word in given_words(known.given_names)):
        return straight
    swapped_query = replace(
        query,
        given_names=f"{query.surname_prefix} {query.family_name}".strip(),
        surname_prefix="",
        family_name=query.given_names,
        initials="",
    )
    crossed, crossed_names = _oriented(swapped_query, known)
    if crossed_names >= straight_names + 3:
        return replace(crossed, swapped=True)
    return straight


# --- The model: weights per level, read once ---------------------------------------------------------


@cache
def model() -> dict:
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def reload() -> None:
    """Read the model file again (after `MODEL_FILE` was pointed elsewhere, or the file rewritten)."""
    model.cache_clear()
    _tables.cache_clear()


@cache
def _tables() -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], float]:
    """The weights of every level, in general and within a household, and the household pair's weight,
    worked out once from the model."""
    data = model()
    general = {
        field: {level: math.log2(e["m"] / e["u"]) for level, e in levels.items()}
        for field, levels in data["levels"].items()
    }
    context = data.get("household")
    within = {
        field: {level: math.log2(data["levels"][field][level]["m"] / u) for level, u in levels.items()}
        for field, levels in (context["levels"].items() if context else ())
    }
    pair = math.log2(context["m"] / context["u"]) if context else 0.0
    return general, within, pair


def level_weight(field: str, level: str) -> float:
    return _tables()[0][field][level]


def surname_frequency(core: str) -> float:
    data = model()
    return max(
        data["surname_frequency"].get(core, data["surname_frequency_rest"]), data["surname_frequency_floor"]
    )


def in_household(c: Comparison) -> bool:
    """Family name and address agree: the two may be the same person or two of one household."""
    return c.family in ("exact", "similar", "part") and c.address == "same"


def as_siblings(c: Comparison) -> bool:
    """Family name and full birth date agree, the address does not (or is not known): the two may be the
    same person or twins (a twin reported without address, or living elsewhere)."""
    return c.family in ("exact", "similar", "part") and c.birth == "exact" and c.address != "same"


def weights(c: Comparison) -> dict[str, float]:
    """log2 Bayes factors per field (missing fields weigh nothing).

    Fields are not independent within a household: twins share family name, address and birth date;
    a son may share his father's names and address. So when family name and address agree, the two
    count as one piece of evidence (m and u of the pair of levels, estimated together), and the other
    fields are weighed against the persons of one household (u from pairs of household members) —
    a different first name or a birth decades apart then counts fully against. Likewise when family
    name and full birth date agree without the address (twins): the pair counts once, its u counted
    exactly in the register (pairs sharing family name and birth date)."""
    found: dict[str, float] = {}
    general, within, pair = _tables()
    household = in_household(c) and bool(within)
    siblings = not household and as_siblings(c) and "siblings" in model()
    joint = ("family", "address") if household else ("family", "birth") if siblings else ()
    for field, level in c.levels().items():
        if level is None or field in joint:
            continue
        found[field] = (within[field] if (household or siblings) and field in within else general[field])[
            level
        ]
    if household:
        found["household"] = pair
    elif siblings:
        found["siblings"] = math.log2(model()["siblings"]["m"] / model()["siblings"]["u"])
    if c.family in ("exact", "part") and c.surname and not household and not siblings:
        # Term frequency: two random persons share a name v with probability p_v², any name with
        # probability Σp²; agreeing on v is worth log2(Σp² / p_v) more than agreeing on an average name.
        # Not within a household: there the name is shared by the family whatever its frequency.
        found["family"] += math.log2(model()["surname_agreement"] / surname_frequency(c.surname))
    if c.bsn:
        found["bsn"] = BSN_WEIGHT if c.bsn == "same" else BSN_EXCLUDES
    return found


def probability(total: float) -> float:
    """The calibrated probability that two descriptions with summed weight `total` are one person: the
    match rate observed at that weight on held-out lookups (isotonic, interpolated between knots)."""
    knots = model()["calibration"]["knots"]
    if total <= knots[0][0]:
        return float(knots[0][1])
    for (w0, p0), (w1, p1) in itertools.pairwise(knots):
        if total <= w1:
            return float(p0 + (p1 - p0) * (total - w0) / (w1 - w0)) if w1 > w0 else float(p1)
    return float(knots[-1][1])
