"""Estimate the recognition model's weights (src/verband/households/recognition_model.json).

    PYTHONPATH=src .venv/bin/python bench/matching_estimate.py [--persons 60000] [--seed 17]

The Fellegi-Sunter weights of `verband.households.comparison` are estimated, not guessed:

- u (how often a comparison level occurs for two different persons) from random pairs of a synthetic
  register (`verband.households.generate`, the same generator the register benchmark uses);
- m (how often it occurs for the same person) from labelled re-registrations: register persons written
  again with zero to three differences of the kinds reporters and officers make (`variant` below: typos,
  tussenvoegsel forms, married and double names, call names and short forms, initials, other
  transliterations, missing or partial birth dates, day and month swapped, moved, unknown sex);
- the family name's frequencies from the same register (term-frequency adjustment);
- the calibration (summed weight → probability) by logistic regression on held-out lookups: the
  blocked candidates of re-registrations and of people not in the register — a third of those a twin
  or a parent or child with the same name of a register person.

m and u get add-one smoothing, so a level never seen for true pairs (born decades apart) gets a large but
finite weight against. The noise model here is deliberately not the one bench/matching_dutch_independent.py
evaluates with: that one is written separately, with other names and other rates."""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import os  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verband.settings")
os.environ.setdefault("VERBAND_DEMO", "true")
django.setup()

from verband.households import comparison, names  # noqa: E402
from verband.households.generate import Generator, Synthetic  # noqa: E402
from verband.households.matching import Description, blocking_keys, fold  # noqa: E402

OUT = HERE.parent / "src" / "verband" / "households" / "recognition_model.json"


def _groups() -> list[list[str]]:
    import yaml

    path = HERE.parent / "src" / "verband" / "households" / "given_names.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]


class Variants:
    """Re-registrations of a register person with differences (the training noise model)."""

    def __init__(self, generator: Generator, rng: random.Random) -> None:
        self.generator, self.rng = generator, rng
        self.groups = _groups()
        self.by_name: dict[str, list[list[str]]] = defaultdict(list)
        for group in self.groups:
            for name in group:
                self.by_name[fold(name).replace(" ", "")].append(group)

    def typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 4:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        if kind < 0.3:
            return text[:i] + text[i + 1 :]
        if kind < 0.6:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if kind < 0.8:
            return text[:i] + text[i] + text[i:]  # doubled letter
        return text[:i] + rng.choice("aeiouklmnrst") + text[i + 1 :]

    def apply(self, person: Synthetic, kind: str) -> Synthetic:
        rng = self.rng
        given = person.given_names.split()
        if kind == "family_typo":
            return replace(person, family_name=self.typo(person.family_name))
        if kind == "given_typo" and given:
            return replace(person, given_names=" ".join([self.typo(given[0]), *given[1:]]))
        if kind == "prefix_form" and person.surname_prefix:
            prefix = person.surname_prefix
            form = rng.choice(("glued", "joined", "behind", "dropped", "abbreviated", "capital"))
            if form == "glued":
                return replace(
                    person,
                    surname_prefix="",
                    family_name=(prefix + person.family_name).replace(" ", "").capitalize(),
                )
            if form == "joined":
                return replace(person, surname_prefix="", family_name=f"{prefix} {person.family_name}")
            if form == "behind":
                return replace(person, surname_prefix="", family_name=f"{person.family_name}, {prefix}")
            if form == "dropped":
                return replace(person, surname_prefix="")
            if form == "abbreviated":
                short = ".".join(w[0] for w in prefix.split()) + "."
                return replace(person, surname_prefix=short)
            return replace(person, surname_prefix=prefix.title())
        if kind == "married":
            other_prefix, other = rng.choice(self.generator.surnames)
            other_name = f"{other_prefix} {other}".strip()
            own = f"{person.surname_prefix} {person.family_name}".strip()
            form = rng.random()
            if form < 0.4:
                return replace(person, surname_prefix="", family_name=f"{other_name}-{own}")
            if form < 0.7:
                return replace(person, surname_prefix="", family_name=f"{own}-{other_name}")
            return replace(person, surname_prefix=other_prefix, family_name=other)  # a partner's name only
        if kind == "double_one_part" and "-" in person.family_name:
            return replace(person, family_name=rng.choice(person.family_name.split("-")))
        if kind == "call_name" and given:
            folded = fold(given[0]).replace(" ", "")
            if len(given) > 1 and rng.random() < 0.5:
                return replace(person, given_names=given[1])
            if self.by_name.get(folded):
                group = rng.choice(self.by_name[folded])
                options = [n for n in group if fold(n).replace(" ", "") != folded]
                if options:
                    return replace(person, given_names=rng.choice(options))
            return replace(person, given_names=given[0])
        if kind == "initials" and given:
            return replace(person, given_names=" ".join(w[0] + "." for w in given))
        if kind == "birth_missing":
            return replace(person, birth=None)
        if kind == "birth_swapped" and person.birth and person.birth.day <= 12:
            return replace(person, birth=date(person.birth.year, person.birth.day, person.birth.month))
        if kind == "birth_digit" and person.birth:
            b = person.birth
            choice = rng.random()
            try:
                if choice < 0.4:
                    return replace(
                        person,
                        birth=date(b.year, b.month, max(1, min(28, b.day + rng.choice((-1, 1, 10, -10))))),
                    )
                if choice < 0.7:
                    return replace(person, birth=date(b.year + rng.choice((-1, 1, 10, -10)), b.month, b.day))
                return replace(
                    person, birth=date(b.year, max(1, min(12, b.month + rng.choice((-1, 1)))), b.day)
                )
            except ValueError:
                return person
        if kind == "moved":
            street, number, postcode, city = self.generator.place()
            return replace(person, street=street, house_number=number, postcode=postcode, city=city)
        if kind == "address_missing":
            return replace(person, street="", house_number="", postcode="", city="")
        if kind == "sex_missing":
            return replace(person, sex="")
        if kind == "sex_wrong":
            return replace(person, sex="male" if person.sex == "female" else "female")
        return person

    KINDS = (
        ("family_typo", 12), ("given_typo", 10), ("prefix_form", 8), ("married", 8), ("double_one_part", 2),
        ("call_name", 10), ("initials", 6), ("birth_missing", 8), ("birth_swapped", 6), ("birth_digit", 6),
        ("moved", 14), ("address_missing", 8), ("sex_missing", 4), ("sex_wrong", 0.3),
    )  # fmt: skip

    def __call__(self, person: Synthetic) -> Synthetic:
        kinds, weights = zip(*self.KINDS, strict=True)
        changed = person
        for kind in self.rng.choices(kinds, weights=weights, k=self.rng.choice((0, 1, 1, 2, 2, 3))):
            changed = self.apply(changed, kind)
        return changed


def describe(s: Synthetic, *, partial: bool = False) -> Description:
    d = s.description()
    if not s.street and not s.postcode:
        d = replace(d, addresses=())
    if partial and d.birth_year:
        d = replace(d, birth_month=None, birth_day=None)
    return d


def estimate(persons: int, seed: int, u_from: str = "mixed") -> dict:
    rng = random.Random(seed)  # noqa: S311 - seeded sampling
    generator = Generator(seed)
    register: list[Synthetic] = []
    households: list[list[Synthetic]] = []
    while len(register) < persons:
        members = [s for s, _role in generator.household()]
        shape = rng.random()
        if shape < 0.04 and len(members) >= 3 and members[-1].birth:
            # Twins (about 1.7% of births are twins; more among households known to the services).
            twin = generator.person(
                family=(members[-1].surname_prefix, members[-1].family_name),
                place=(members[-1].street, members[-1].house_number, members[-1].postcode, members[-1].city),
            )
            members.append(replace(twin, birth=members[-1].birth))
        elif shape < 0.06 and len(members) >= 2 and members[0].birth:
            # A son or daughter with the parent's own given name.
            first = members[0]
            try:
                junior = replace(
                    first, birth=first.birth.replace(year=min(2024, first.birth.year + rng.randint(20, 35)))
                )
                members.append(junior)
            except ValueError:
                pass
        households.append(members)
        register.extend(members)
    described = [describe(s) for s in register]
    print(f"register: {len(register)} persons", flush=True)

    # Surname frequencies (folded cores), for the term-frequency adjustment.
    surnames = Counter(
        part.core for d in described for part in names.family_parts(d.surname_prefix, d.family_name)
    )
    total = sum(surnames.values())
    frequency = {core: round(n / total, 7) for core, n in surnames.most_common(3000)}
    listed = set(frequency)
    rest = [n / total for core, n in surnames.items() if core not in listed]
    agreement = sum((n / total) ** 2 for n in surnames.values())
    rest_frequency = sum(rest) / len(rest) if rest else 1 / total

    counts_u: dict[str, Counter] = {field: Counter() for field in comparison.LEVELS}
    counts_m: dict[str, Counter] = {field: Counter() for field in comparison.LEVELS}

    contexts_m: list[bool] = []
    contexts_u: list[bool] = []
    siblings_seen: list[bool] = []

    def count(counter: dict[str, Counter], c: comparison.Comparison) -> None:
        (contexts_m if counter is counts_m else contexts_u).append(comparison.in_household(c))
        if counter is counts_m:
            siblings_seen.append(comparison.as_siblings(c))
        for field, level in c.levels().items():
            if level is not None:
                counter[field][level] += 1

    variants = Variants(generator, rng)
    # u: a re-registration (with the same kinds of differences as for m, so that a partial date or
    # initials are as common on both sides) against other register persons — half of them drawn at
    # random from the whole register, half from the persons its blocking keys fetch (the pairs the
    # scorer really sees: relatives sharing an address and a family name, twins sharing a birth date).
    index: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(described):
        for key in blocking_keys(d):
            index[key].append(i)
    random_pairs = {"random": 200_000, "mixed": 50_000, "blocked": 0}[u_from]
    for _ in range(random_pairs):
        a, b = rng.sample(range(len(register)), 2)
        typed = describe(variants(register[a]), partial=rng.random() < 0.1)
        count(counts_u, comparison.compare_levels(typed, described[b]))
    drawn = 0
    while drawn < max(0, 100_000 - random_pairs):
        a = rng.randrange(len(register))
        typed = describe(variants(register[a]), partial=rng.random() < 0.1)
        blocked = sorted(
            {i for key in blocking_keys(typed, query=True) for i in index.get(key, ()) if i != a}
        )
        for b in rng.sample(blocked, min(3, len(blocked))):
            count(counts_u, comparison.compare_levels(typed, described[b]))
            drawn += 1
    for _ in range(60_000):
        person = rng.choice(register)
        count(
            counts_m,
            comparison.compare_levels(
                describe(variants(person), partial=rng.random() < 0.1), describe(person)
            ),
        )

    # The household context (family name and address agree): m and u of the pair, and u of the other
    # fields among members of one household (twins, parents and children, partners).
    context_m = sum(1 for c in contexts_m if c) + 1
    context_u = sum(1 for c in contexts_u if c) + 1
    counts_hh: dict[str, Counter] = {field: Counter() for field in ("given", "birth", "sex")}
    for _ in range(40_000):
        members = rng.choice(households)
        if len(members) < 2:
            continue
        a, b = rng.sample(members, 2)
        c = comparison.compare_levels(describe(variants(a), partial=rng.random() < 0.1), describe(b))
        for field in counts_hh:
            level = getattr(c, field)
            if level is not None:
                counts_hh[field][level] += 1
    # Siblings: family name and full birth date agree, the address not. m counted in the labelled
    # pairs; u counted exactly in the register (pairs of persons sharing a family name and birth date).
    siblings_m = sum(1 for c in siblings_seen if c) + 1
    groups: Counter = Counter(
        (part.core, d.birth_year, d.birth_month, d.birth_day)
        for d in described
        if d.full_birth
        for part in names.family_parts(d.surname_prefix, d.family_name)[:1]
    )
    n = len(described)
    shared = sum(k * (k - 1) // 2 for k in groups.values())
    siblings = {
        "m": round(siblings_m / (len(siblings_seen) + 2), 7),
        "u": round((shared + 1) / (n * (n - 1) // 2), 12),
    }
    household = {
        "m": round(context_m / (len(contexts_m) + 2), 7),
        "u": round(context_u / (len(contexts_u) + 2), 9),
        "levels": {
            field: {
                level: round(
                    (counts_hh[field][level] + 1)
                    / (sum(counts_hh[field].values()) + len(comparison.LEVELS[field])),
                    7,
                )
                for level in comparison.LEVELS[field]
            }
            for field in counts_hh
        },
    }
    levels: dict[str, dict[str, dict[str, float]]] = {}
    for field, all_levels in comparison.LEVELS.items():
        n_m = sum(counts_m[field].values()) + len(all_levels)
        n_u = sum(counts_u[field].values()) + len(all_levels)
        levels[field] = {
            level: {
                "m": round((counts_m[field][level] + 1) / n_m, 7),
                "u": round((counts_u[field][level] + 1) / n_u, 7),
            }
            for level in all_levels
        }
    return {
        "levels": levels,
        "surname_frequency": frequency,
        "surname_frequency_rest": round(rest_frequency, 9),
        "surname_frequency_floor": round(1 / total, 9),
        "surname_agreement": round(agreement, 9),
        "household": household,
        "siblings": siblings,
        "register": register,
        "households": households,
        "variants": variants,
        "rng": rng,
        "generator": generator,
    }


def calibrate(state: dict, lookups: int) -> tuple[dict, dict]:
    """Logistic regression of match on summed weight over the blocked candidates of held-out lookups."""
    register: list[Synthetic] = state["register"]
    rng: random.Random = state["rng"]
    variants: Variants = state["variants"]
    generator: Generator = state["generator"]
    described = [describe(s) for s in register]
    index: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(described):
        for key in blocking_keys(d):
            index[key].append(i)
    samples: list[tuple[float, int]] = []
    for n in range(lookups):
        truth: int | None
        if n % 4:
            truth = rng.randrange(len(register))
            query = describe(variants(register[truth]), partial=rng.random() < 0.1)
        else:
            truth = None
            other = rng.choice(register)
            shape = rng.random()
            if shape < 0.2 and other.birth:  # a twin
                twin = generator.person(
                    family=(other.surname_prefix, other.family_name),
                    place=(other.street, other.house_number, other.postcode, other.city),
                )
                query = describe(replace(twin, birth=other.birth))
            elif shape < 0.35 and other.birth:  # a parent or child with the same name
                shift = rng.choice((-1, 1)) * rng.randint(18, 40)
                try:
                    query = describe(replace(other, birth=other.birth.replace(year=other.birth.year + shift)))
                except ValueError:
                    continue
            else:
                query = describe(generator.person())
        blocked: Counter = Counter()
        for key in blocking_keys(query, query=True):
            blocked.update(index.get(key, ()))
        for candidate, _shared in blocked.most_common(150):
            c = comparison.compare_levels(query, described[candidate])
            samples.append((sum(comparison.weights(c).values()), int(candidate == truth)))
    # Isotonic regression (pool adjacent violators): the match rate is made monotone in the weight,
    # then read off at the weight quantiles as knots; between knots it is interpolated.
    samples.sort()
    pools: list[list[float]] = []  # [sum of y, count, lowest weight, highest weight]
    for w, y in samples:
        pools.append([float(y), 1.0, w, w])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] >= pools[-1][0] / pools[-1][1]:
            top = pools.pop()
            pools[-1] = [pools[-1][0] + top[0], pools[-1][1] + top[1], pools[-1][2], top[3]]
    knots: list[list[float]] = []
    for matches, n, low, high in pools:
        rate = (matches + 0.5) / (n + 1)  # a half match of prior: never exactly 0 or 1
        rate = max(rate, knots[-1][1]) if knots else rate  # the smoothing must not undo monotony
        knots.append([round((low + high) / 2, 3), round(rate, 5)])
    # At most 40 knots, the pools with most pairs kept first (so thin pools do not dominate).
    while len(knots) > 40:
        i = min(range(1, len(knots)), key=lambda j: knots[j][1] - knots[j - 1][1])
        knots[i - 1] = [round((knots[i - 1][0] + knots[i][0]) / 2, 3), knots[i][1]]
        del knots[i]
    comparison.model()["calibration"] = {"knots": knots}

    # Reliability: predicted against observed per band.
    bands: dict[str, list[int]] = defaultdict(list)
    for w, y in samples:
        p = comparison.probability(w)
        band = (
            "0.99+"
            if p >= 0.99
            else "0.9-0.99"
            if p >= 0.9
            else "0.5-0.9"
            if p >= 0.5
            else "0.1-0.5"
            if p >= 0.1
            else "<0.1"
        )
        bands[band].append(y)
    reliability = {
        band: {"pairs": len(ys), "matches": round(sum(ys) / len(ys), 4)} for band, ys in sorted(bands.items())
    }
    return {"knots": knots}, {"pairs": len(samples), "reliability": reliability}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=60_000)
    parser.add_argument("--lookups", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--u-from",
        choices=("random", "mixed", "blocked"),
        default="random",
        help="u from random register pairs, from blocked pairs, or half of each",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    state = estimate(args.persons, args.seed, args.u_from)
    model = {
        key: state[key]
        for key in (
            "levels",
            "surname_frequency",
            "surname_frequency_rest",
            "surname_frequency_floor",
            "surname_agreement",
            "household",
            "siblings",
        )
    }
    model["calibration"] = {"knots": [[0.0, 0.0], [40.0, 1.0]]}  # placeholder while calibrating
    args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    comparison.MODEL_FILE = args.out
    comparison.reload()
    calibration, report = calibrate(state, args.lookups)
    model["calibration"] = calibration
    model["estimated"] = {
        "persons": len(state["register"]),
        "seed": args.seed,
        "calibration_pairs": report["pairs"],
        "u_from": args.u_from,
        "reliability": report["reliability"],
    }
    args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for field, levels in model["levels"].items():
        print(field, {level: round(math.log2(e["m"] / e["u"]), 2) for level, e in levels.items()})
    print(json.dumps({"calibration": calibration, **report}))


if __name__ == "__main__":
    main()
