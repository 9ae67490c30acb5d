"""Recognition: Dutch name handling, the evidence and its reasons, blocking, automatic linking."""

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from verband.households import matching
from verband.households.matching import Description, certain, compare, split_surname


@pytest.mark.parametrize(
    ("prefix", "family", "expected"),
    [
        ("", "van der Berg", ("van der", "berg")),
        ("van der", "Berg", ("van der", "berg")),
        ("", "Berg, van der", ("van der", "berg")),
        ("", "De Vries", ("de", "vries")),
        ("", "Özdemir", ("", "ozdemir")),
        ("", "Van", ("", "van")),  # a family name that is only a prefix word stays a family name
    ],
)
def test_surname_prefix_is_split_however_it_was_typed(prefix, family, expected):
    assert split_surname(prefix, family) == expected


ANNA = Description(given_names="Anna Maria", surname_prefix="van", family_name="Dam", birth_year=1990,
                   birth_month=1, birth_day=2, addresses=(("1012AB", "12", "Dorpsstraat"),))  # fmt: skip


def test_swapped_day_and_month_and_misspelling_still_match_with_reasons():
    query = Description(
        given_names="Ana", family_name="van Damme", birth_year=1990, birth_month=2, birth_day=1
    )
    score, reasons = compare(query, ANNA)
    assert score > 0.9
    assert "geboortedatum met dag en maand omgewisseld" in reasons
    assert any(reason.startswith("achternaam klinkt hetzelfde") for reason in reasons)


def test_given_and_family_name_swapped():
    query = Description(given_names="Dam", family_name="Anna", birth_year=1990, birth_month=1, birth_day=2)
    score, reasons = compare(query, ANNA)
    assert score > 0.9 and "voornaam en achternaam omgedraaid" in reasons


def test_different_person_with_the_same_name_scores_low():
    query = Description(given_names="Anna", surname_prefix="van", family_name="Dam", birth_year=1961,
                        birth_month=7, birth_day=30)  # fmt: skip
    assert compare(query, ANNA)[0] < matching.CANDIDATE_THRESHOLD


def test_unknown_birth_date_neither_helps_nor_blocks():
    query = Description(given_names="Anna", surname_prefix="van", family_name="Dam")
    score, reasons = compare(query, ANNA)
    assert score > 0.5 and not any("geboorte" in r for r in reasons)


def test_different_bsn_is_strong_evidence_against():
    query = Description(given_names="Anna", surname_prefix="van", family_name="Dam", birth_year=1990,
                        birth_month=1, birth_day=2, bsn="111222333")  # fmt: skip
    known = Description(**{**ANNA.__dict__, "bsn": "123456782"})
    assert compare(query, known)[0] < matching.CANDIDATE_THRESHOLD


def test_automatic_link_on_an_equal_bsn_or_identical_name_birth_date_and_address():
    known = Description(**{**ANNA.__dict__, "bsn": "111222333"})
    assert certain(Description(**{**ANNA.__dict__, "bsn": "111222333"}), known)
    # An equal BSN with nothing contradicting it: a name alone is enough.
    assert certain(Description(family_name="van Dam", bsn="111222333"), known)
    # ... but a typed birth date or family name that contradicts it is not.
    assert not certain(Description(**{**ANNA.__dict__, "bsn": "111222333", "birth_day": 3}), known)
    assert not certain(Description(family_name="Jansen", bsn="111222333"), known)
    # Without a BSN: identical name, full birth date and address (tussenvoegsel however typed).
    assert certain(ANNA, known)
    assert certain(Description(**{**ANNA.__dict__, "surname_prefix": "", "family_name": "Dam, van"}), known)
    assert not certain(Description(**{**ANNA.__dict__, "addresses": ()}), known)
    assert not certain(Description(**{**ANNA.__dict__, "given_names": "Ana"}), known)
    assert not certain(Description(**{**ANNA.__dict__, "birth_month": 2, "birth_day": 1}), known)
    assert not certain(Description(**{**ANNA.__dict__, "bsn": "123456782"}), known)


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ({"given_names": "Anna"}, "certain"),
        ({"given_names": "Ana"}, "likely"),  # given name misspelled
        ({"surname_prefix": "v.", "family_name": "Dam"}, "likely"),  # tussenvoegsel abbreviated
        ({"addresses": ()}, "likely"),  # full birth date and name, no address
        ({"birth_month": 2, "birth_day": 1}, "likely"),  # day and month swapped
        ({"birth_month": None, "birth_day": None, "addresses": ()}, "none"),  # a name and a year
        ({"birth_year": None, "birth_month": None, "birth_day": None, "addresses": ()}, "none"),  # a name
    ],
)
def test_levels_of_recognition(typed, level):
    query = Description(**{**ANNA.__dict__, **typed})
    score, _reasons = compare(query, ANNA)
    found = "certain" if certain(query, ANNA) else "likely" if matching.likely(query, ANNA, score) else "none"
    assert found == level


@pytest.mark.parametrize("typed", ["v.d. Berg", "vd Berg", "v/d Berg", "Berg, van der", "van der Berg"])
def test_abbreviated_tussenvoegsels_are_split_and_agree(typed):
    prefix, core = split_surname("", typed)
    assert core == "berg" and matching.same_prefix(prefix, "van der")


def test_query_keys_find_swapped_dates_and_swapped_names():
    stored = matching.blocking_keys(ANNA)
    swapped_date = Description(
        given_names="Anna", family_name="Dam", birth_year=1990, birth_month=2, birth_day=1
    )
    assert stored & matching.blocking_keys(swapped_date, query=True)
    swapped_names = Description(given_names="Dam", family_name="Anna")
    assert stored & matching.blocking_keys(swapped_names, query=True)


@given(st.text(min_size=1, max_size=30), st.text(max_size=30))
def test_comparison_never_fails_on_odd_input(family, given_names):
    query = Description(given_names=given_names, family_name=family)
    score, reasons = compare(query, ANNA)
    assert 0 <= score <= 1 and isinstance(reasons, list)


def test_lookup_in_the_database_uses_the_keys(world):
    from verband.households.models import Person

    anna = Person.objects.get(given_names="Anna")
    query = Description(given_names="Anna", family_name="Dam", birth_year=1990, birth_month=2, birth_day=1)
    (best, *_rest) = matching.find_candidates(query)
    assert best.person_id == anna.pk and not best.automatic


def test_generate_command_writes_a_seeded_register(db, capsys):
    from verband.households.models import Person, PersonKey

    call_command("generate", "--households", "30", "--seed", "7")
    first = list(Person.objects.order_by("pk").values_list("family_name", flat=True))
    assert len(first) >= 30 and PersonKey.objects.count() >= 4 * len(first)
    assert "30 households" in capsys.readouterr().out


def test_generate_refuses_outside_demo_mode(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("generate", "--households", "1")
