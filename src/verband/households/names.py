"""Dutch naming conventions for recognition: family names in parts, given names with their short forms
and transliterations, and a sound key that survives the commonest Dutch spelling variants.

- A family name is compared in parts, not as one string: "Jansen-de Vries", "Vries-Jansen", "de Vries"
  and "Jansen" are the same parts in another order or one part alone (a married or double name); a
  tussenvoegsel may be typed apart, glued ("Vandenberg"), abbreviated ("v.d. Berg"), behind the name
  ("Berg, van den") or capitalised — each part has a prefix and a core, and also its letters squashed
  ("vandenberg") so that a glued name meets the spaced one.
- Given names: a call name may be any of the official given names, or a short form or diminutive of
  one ("Hans", "Jan" and "Joop" for Johannes; "Kees" for Cornelis), or another transliteration of the
  same name ("Mohamed", "Muhammad"); initials agree with the full names they stand for. The groups of
  equivalent names are data (`given_names.yaml`), loaded once.
- `sound` is a Dutch sound key: ij/ei/ey/y, ou/au, dt/d/t at the end, ch/g, c/k/s, ph/f, z/s, double
  letters and a silent h are made one and the vowels after the first letter dropped, so "Heijden",
  "Heyden" and "Heiden" share it, and so do "Damme" and "Dam".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

# Prefixes that are glued to the family name as officers and reporters type them ("Vandenberg",
# "Terhorst", "Elamrani"), longest first. A glued form is only taken off when at least four letters
# remain, and only as an extra reading: "Dekker" still compares as "dekker".
GLUED = (
    "vanden", "vander", "vande", "vanhet", "vant", "van", "ter", "ten", "den", "der", "de", "te", "el", "al",
    "la", "le", "da", "di", "du", "von",
)  # fmt: skip
# The glued prefixes the register's own keys also know (so a glued registration is found by a spaced
# query): the multi-word Dutch prefixes and the Arabic article, which are hardly ever a name's start.
GLUED_IN_REGISTER = ("vanden", "vander", "vande", "vanhet", "vant", "el", "al")


@dataclass(frozen=True)
class Part:
    """One family name (of a double or married name): its folded prefix and core."""

    prefix: str
    core: str

    @property
    def squashed(self) -> str:
        return (self.prefix + self.core).replace(" ", "").replace("'", "")

    def readings(self) -> frozenset[str]:
        """The forms this part may have been typed in, without prefix: the core, the core of a glued
        prefix taken off, and all letters squashed."""
        return _readings(self.prefix, self.core)


@lru_cache(maxsize=100_000)
def _readings(prefix: str, core: str) -> frozenset[str]:
    found = {core.replace(" ", ""), (prefix + core).replace(" ", "").replace("'", "")}
    unglued = unglue(core)
    if unglued:
        found.add(unglued)
    return frozenset(r for r in found if r)


def unglue(core: str, prefixes: tuple[str, ...] = GLUED) -> str:
    """The core without a glued prefix ("vandenberg" → "berg"), or "" when none was glued."""
    squashed = core.replace(" ", "").replace("'", "")
    for prefix in prefixes:
        if squashed.startswith(prefix) and len(squashed) - len(prefix) >= 4:
            return squashed[len(prefix) :]
    return ""


@lru_cache(maxsize=100_000)
def family_parts(prefix: str, family: str) -> tuple[Part, ...]:
    """The parts of a family name as typed: ("", "Jansen-de Vries") → (jansen), (de, vries); ("van der",
    "Berg") → (van der, berg); ("", "Berg, van der") → (van der, berg); ("", "Jansen de Vries") →
    (jansen), (de, vries). A prefix typed apart belongs to the first part."""
    from verband.households.matching import PREFIXES, fold, split_surname

    family = family or ""
    pieces = [p for p in re.split(r"\s*-\s*|\s+/\s+", family) if p.strip()] or [""]
    parts: list[Part] = []
    for index, piece in enumerate(pieces):
        p, core = split_surname(prefix if index == 0 else "", piece)
        # A second name after a space with its own prefix: "jansen de vries".
        words = core.split()
        cut = next(
            (
                i
                for i in range(1, len(words) - 1)
                for size in (3, 2, 1)
                if i + size < len(words) and len(words[i]) > 1 and " ".join(words[i : i + size]) in PREFIXES
            ),
            None,
        )
        if cut is not None:
            parts.append(Part(p, " ".join(words[:cut])))
            second_prefix, second_core = split_surname("", " ".join(words[cut:]))
            parts.append(Part(second_prefix, second_core))
        elif core or p:
            parts.append(Part(p, core or fold(p)))
    return tuple(part for part in parts if part.core)


# --- Given names ------------------------------------------------------------------------------------


@cache
def _groups() -> dict[str, frozenset[int]]:
    """Each folded given name → the groups (indexes) of equivalent names it belongs to."""
    from verband.households.matching import fold

    data = yaml.safe_load((Path(__file__).with_name("given_names.yaml")).read_text(encoding="utf-8"))
    found: dict[str, set[int]] = {}
    for index, group in enumerate(data["groups"]):
        for name in group:
            found.setdefault(fold(name).replace(" ", ""), set()).add(index)
    return {name: frozenset(groups) for name, groups in found.items()}


def name_groups(name: str) -> frozenset[int]:
    return _groups().get(name, frozenset())


@cache
def _group_heads() -> list[str]:
    """Each group's first name, folded: the stable name of the group in blocking keys."""
    from verband.households.matching import fold

    data = yaml.safe_load((Path(__file__).with_name("given_names.yaml")).read_text(encoding="utf-8"))
    return [fold(group[0]).replace(" ", "") for group in data["groups"]]


@lru_cache(maxsize=100_000)
def given_keys(name: str) -> frozenset[str]:
    """The blocking keys of a folded given name: its sound, and the first name of every group of
    equivalent names it is in ("hans" → "hans", "#johannes"); a short form meets its full name."""
    heads = _group_heads()
    return frozenset({sound(name)} | {f"#{heads[i]}" for i in name_groups(name)})


def equivalent(a: str, b: str) -> bool:
    """Two folded given names are the same name in another form (short form, diminutive,
    transliteration), by the data."""
    return a == b or bool(name_groups(a) & name_groups(b))


def is_initials(words: list[str]) -> bool:
    """Given names typed as initials only ("J.H." folds to "j h"; "JH")."""
    return bool(words) and all(len(w) == 1 for w in words)


# --- Sound ------------------------------------------------------------------------------------------

_SOUND_RULES = [
    (r"sch", "s"), (r"ch", "g"), (r"kh", "g"), (r"gh", "g"), (r"ph", "f"), (r"th", "t"), (r"dt", "t"),
    (r"ck", "k"), (r"qu", "kw"), (r"q", "k"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"z", "s"),
    (r"ij", "y"), (r"ei", "y"), (r"ey", "y"), (r"ay", "y"), (r"ai", "y"), (r"ouw", "au"), (r"auw", "au"),
    (r"ou", "au"), (r"oe", "u"), (r"ie", "i"), (r"(?<=.)h", ""), (r"w", "v"), (r"d$", "t"),
]  # fmt: skip
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in _SOUND_RULES]


@lru_cache(maxsize=100_000)
def sound(folded: str) -> str:
    """The Dutch sound key of a folded name: the consonants after the commonest Dutch spelling variants
    are made one: "heijden", "heyden" and "heiden" → "hdn"; "schouten" → "stn"; "mohammed" and
    "muhammad" → "mmt"."""
    text = folded.replace(" ", "").replace("'", "")
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    # The vowels go (but a leading one): a typo in a vowel, "Damme" and "Dam", "Jonsen" and "Jansen" meet.
    text = text[:1] + re.sub(r"[aeiouy]", "", text[1:])
    text = re.sub(r"(.)\1+", r"\1", text)
    return text[:8]
