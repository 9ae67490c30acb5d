"""Seeded synthetic data at national size, for benchmarks: persons with realistic Dutch names (common
surnames weighted by frequency, tussenvoegsels, names of Rotterdam's larger migrant communities, Faker's
Dutch lists for the long tail), birth dates, addresses, households with members — and the noise a
reporter's typing adds (see `noisy`). The same seed gives the same data."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from faker.providers.person.nl_NL import Provider as PersonProvider

from verband.households import matching

# The most common Dutch surnames, with a rough relative frequency.
COMMON_SURNAMES: list[tuple[str, str, int]] = [
    ("de", "Jong", 86), ("", "Jansen", 75), ("de", "Vries", 72), ("van den", "Berg", 60), ("van", "Dijk", 58),
    ("", "Bakker", 57), ("", "Janssen", 56), ("", "Visser", 52), ("", "Smit", 47), ("", "Meijer", 46),
    ("de", "Boer", 43), ("", "Mulder", 42), ("de", "Groot", 41), ("", "Bos", 40), ("", "Vos", 39),
    ("", "Peters", 38), ("", "Hendriks", 37), ("van", "Leeuwen", 35), ("", "Dekker", 34), ("", "Brouwer", 33),
    ("de", "Wit", 32), ("", "Dijkstra", 31), ("", "Smits", 30), ("de", "Graaf", 29), ("van der", "Meer", 29),
    ("van der", "Linden", 27), ("", "Kok", 27), ("", "Jacobs", 26), ("de", "Haan", 26), ("", "Vermeulen", 25),
    ("van den", "Heuvel", 25), ("van der", "Veen", 24), ("van den", "Broek", 24), ("de", "Bruijn", 23),
    ("de", "Bruin", 23), ("van der", "Heijden", 23), ("", "Schouten", 22), ("van", "Beek", 22),
    ("", "Willems", 22), ("van", "Vliet", 21), ("van de", "Ven", 21), ("", "Hoekstra", 21), ("", "Maas", 20),
    ("", "Verhoeven", 20), ("", "Koster", 20), ("van", "Dam", 19), ("van der", "Wal", 19), ("", "Prins", 19),
    ("", "Blom", 18), ("", "Huisman", 18), ("", "Yilmaz", 14), ("", "Demir", 12), ("", "Kaya", 11),
    ("", "El Amrani", 8), ("", "Bouzid", 6), ("", "Öztürk", 8), ("", "Şahin", 7), ("", "Çelik", 7),
    ("", "Pinas", 5), ("", "Ramdin", 5), ("", "Mohan", 5), ("", "Nguyen", 6), ("", "Kovalenko", 4),
    ("", "Diallo", 4), ("", "El Idrissi", 5), ("", "Ahmadi", 5), ("", "Martina", 5), ("", "da Silva", 5),
]  # fmt: skip
MIGRANT_GIVEN_FEMALE = [
    "Fatima",
    "Elif",
    "Zeynep",
    "Yasmina",
    "Nadia",
    "Priya",
    "Shanice",
    "Esra",
    "Ayşe",
    "Oksana",
]
MIGRANT_GIVEN_MALE = [
    "Mohamed",
    "Ahmed",
    "Mehmet",
    "Kemal",
    "Karim",
    "Rachid",
    "Jayden",
    "Romano",
    "Burak",
    "Ibrahim",
]
CITIES = [
    ("Rotterdam", 3000, 3089), ("Amsterdam", 1011, 1109), ("Den Haag", 2491, 2597), ("Utrecht", 3511, 3585),
    ("Eindhoven", 5611, 5658), ("Groningen", 9711, 9747), ("Tilburg", 5011, 5049), ("Almere", 1311, 1363),
    ("Breda", 4811, 4841), ("Nijmegen", 6511, 6546), ("Schiedam", 3111, 3125), ("Vlaardingen", 3131, 3138),
    ("Spijkenisse", 3200, 3208), ("Capelle aan den IJssel", 2900, 2909), ("Zwolle", 8011, 8043),
]  # fmt: skip


@dataclass(frozen=True)
class Synthetic:
    given_names: str
    surname_prefix: str
    family_name: str
    birth: date | None
    sex: str
    street: str
    house_number: str
    postcode: str
    city: str

    def description(self) -> matching.Description:
        return matching.Description(
            given_names=self.given_names,
            surname_prefix=self.surname_prefix,
            family_name=self.family_name,
            birth_year=self.birth.year if self.birth else None,
            birth_month=self.birth.month if self.birth else None,
            birth_day=self.birth.day if self.birth else None,
            sex=self.sex,
            addresses=((self.postcode, self.house_number, self.street),),
        )


class Generator:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - seeded synthetic data, not secrets
        # Faker's Dutch surnames with regional variants make the long tail: the fifty most common names
        # then hold about a sixth of the population, de Jong about 0.6% (in the Netherlands: 0.5%).
        base = [name for name in PersonProvider.last_names if " " not in name and name.isalpha()]
        tail = sorted(
            {
                variant
                for name in base
                for variant in (name, f"{name}s", f"{name}ink", f"{name}ma", f"{name}stra")
            }
        )
        self.surnames = [(p, f) for p, f, _w in COMMON_SURNAMES] + [("", name) for name in tail]
        self.surname_weights = [w for _p, _f, w in COMMON_SURNAMES] + [2.5] * len(tail)
        self.female = list(PersonProvider.first_names_female) + MIGRANT_GIVEN_FEMALE * 5
        self.male = list(PersonProvider.first_names_male) + MIGRANT_GIVEN_MALE * 5
        self.streets = [
            f"{name}{suffix}"
            for name in PersonProvider.last_names[:400]
            for suffix in ("straat", "laan", "weg", "plein", "singel")
        ]

    def person(self, *, family: tuple[str, str] | None = None, place: tuple[str, str, str, str] | None = None,
               born_between: tuple[int, int] = (1940, 2024)) -> Synthetic:  # fmt: skip
        rng = self.rng
        sex = rng.choice(("female", "male"))
        names = self.female if sex == "female" else self.male
        given = rng.choice(names)
        if rng.random() < 0.25:
            given = f"{given} {rng.choice(names)}"
        prefix, surname = family or rng.choices(self.surnames, weights=self.surname_weights)[0]
        start, end = born_between
        birth = date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))
        street, number, postcode, city = place or self.place()
        return Synthetic(given, prefix, surname, birth, sex, street, number, postcode, city)

    def place(self) -> tuple[str, str, str, str]:
        city, low, high = self.rng.choice(CITIES)
        postcode = f"{self.rng.randint(low, high)}{self.rng.choice(string.ascii_uppercase)}{self.rng.choice(string.ascii_uppercase)}"
        return self.rng.choice(self.streets), str(self.rng.randint(1, 250)), postcode, city

    def household(self) -> list[tuple[Synthetic, str]]:
        """Two adults and children, a single parent, or an older parent with an adult child."""
        rng = self.rng
        place = self.place()
        shape = rng.random()
        first = self.person(place=place, born_between=(1960, 2002))
        if shape < 0.55:
            partner = self.person(place=place, born_between=(1958, 2002))
            kids = [self.person(family=(first.surname_prefix, first.family_name), place=place, born_between=(2006, 2024))
                    for _ in range(rng.randint(0, 3))]  # fmt: skip
            return [(first, "victim"), (partner, "perpetrator")] + [(k, "child") for k in kids]
        if shape < 0.85:
            kids = [self.person(family=(first.surname_prefix, first.family_name), place=place, born_between=(2006, 2024))
                    for _ in range(rng.randint(1, 3))]  # fmt: skip
            return [(first, "parent")] + [(k, "child") for k in kids]
        elder = self.person(place=place, born_between=(1935, 1960))
        son = self.person(
            family=(elder.surname_prefix, elder.family_name), place=place, born_between=(1965, 1995)
        )
        return [(elder, "victim"), (son, "perpetrator")]

    def noisy(self, person: Synthetic) -> Synthetic:
        """The person as a reporter might type it: one or two of a typo, a dropped letter, the prefix
        glued to or left out of the surname, only the first given name, day and month swapped, an unknown
        birth date, a new address."""
        rng = self.rng
        changed = person
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.random()
            if kind < 0.25:
                changed = replace(changed, family_name=_typo(rng, changed.family_name))
            elif kind < 0.40:
                changed = replace(changed, given_names=_typo(rng, changed.given_names.split()[0]))
            elif kind < 0.50 and changed.surname_prefix:
                changed = replace(
                    changed, surname_prefix="", family_name=f"{changed.surname_prefix} {changed.family_name}"
                )
            elif kind < 0.58 and changed.surname_prefix:
                changed = replace(changed, surname_prefix="")
            elif kind < 0.70 and changed.birth and changed.birth.day <= 12:
                changed = replace(
                    changed, birth=date(changed.birth.year, changed.birth.day, changed.birth.month)
                )
            elif kind < 0.78:
                changed = replace(changed, birth=None)
            elif kind < 0.90:
                street, number, postcode, city = self.place()
                changed = replace(changed, street=street, house_number=number, postcode=postcode, city=city)
            else:
                changed = replace(changed, given_names=changed.given_names.split()[0])
        return changed


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.35:
        return text[:i] + text[i + 1 :]  # dropped letter
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swapped letters
    return text[:i] + rng.choice("aeiouklmnrst") + text[i + 1 :]  # wrong letter


def batches(
    generator: Generator, households: int, size: int = 5000
) -> Iterator[list[list[tuple[Synthetic, str]]]]:
    done = 0
    while done < households:
        n = min(size, households - done)
        yield [generator.household() for _ in range(n)]
        done += n


def write_register(households: int, seed: int = 2026, region_code: str = "synthetisch") -> int:
    """Write `households` synthetic households (about 2.7 persons each) with addresses, members and
    blocking keys, in batches. Returns the number of persons written."""
    from django.apps import apps
    from django.db import connection, transaction

    from verband.households.models import Address, Household, HouseholdMember, Person, PersonKey
    from verband.network.models import Region

    region, _ = Region.objects.get_or_create(code=region_code, defaults={"name": "Synthetische regio"})
    generator = Generator(seed)
    written = persons_written = 0
    start = Household.objects.filter(region=region).count()
    for batch in batches(generator, households):
        with transaction.atomic():
            homes = Household.objects.bulk_create(
                [
                    Household(reference=f"SYN-{start + written + i:08d}", region=region)
                    for i in range(len(batch))
                ]
            )
            # Every household has its one (empty) plan, as one made by the intake has (`plans.apps`); the
            # plans app sits above this one, so it is named through the app registry.
            family_plan = apps.get_model("plans", "FamilyPlan")
            family_plan.objects.bulk_create([family_plan(household=home) for home in homes])
            flat = [
                (home, s, role) for home, members in zip(homes, batch, strict=True) for s, role in members
            ]
            persons = Person.objects.bulk_create(
                [
                    Person(
                        given_names=s.given_names,
                        initials=matching.initials(s.given_names).upper(),
                        surname_prefix=s.surname_prefix,
                        family_name=s.family_name,
                        birth_year=s.birth.year if s.birth else None,
                        birth_month=s.birth.month if s.birth else None,
                        birth_day=s.birth.day if s.birth else None,
                        sex=s.sex,
                    )
                    for _home, s, _role in flat
                ]
            )
            Address.objects.bulk_create(
                [
                    Address(
                        person=p,
                        street=s.street,
                        house_number=s.house_number,
                        postcode=s.postcode,
                        city=s.city,
                    )
                    for p, (_home, s, _role) in zip(persons, flat, strict=True)
                ]
            )
            HouseholdMember.objects.bulk_create(
                [
                    HouseholdMember(household=home, person=p, role=role)
                    for p, (home, _s, role) in zip(persons, flat, strict=True)
                ]
            )
            # Keys are the biggest table (about five per person): written without model instances.
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {PersonKey._meta.db_table} (person_id, key) VALUES (%s, %s)",  # noqa: S608
                    matching.keys_for_people(
                        (p.pk, s.description()) for p, (_home, s, _role) in zip(persons, flat, strict=True)
                    ),
                )
        written += len(batch)
        persons_written += len(persons)
    return persons_written
