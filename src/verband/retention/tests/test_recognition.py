"""A pseudonymised person is never proposed by recognition again: no name, BSN, full birth date or
address is left to find them by, and no blocking key. Within the period the history still serves the
recognition of a new signal."""

from __future__ import annotations

from verband.households.matching import Description, find_candidates, index_person
from verband.households.models import Person, PersonKey
from verband.retention import sweep
from verband.retention.tests.conftest import BSN, years_later


def anna_as_reported() -> Description:
    return Description(
        given_names="Anna", surname_prefix="van", family_name="Dam", birth_year=1990, birth_month=1,
        birth_day=2, sex="female", bsn=BSN, addresses=(("1012AB", "12", "Dorpsstraat"),),
    )  # fmt: skip


def test_recognition_finds_her_within_the_period_and_never_after(closed):
    w = closed
    index_person(Person.objects.get(pk=w.anna.pk))
    assert w.anna.pk in [c.person_id for c in find_candidates(anna_as_reported())]
    with years_later(19):
        sweep.run()
        assert w.anna.pk in [c.person_id for c in find_candidates(anna_as_reported())]
    with years_later(21):
        sweep.run()
        assert find_candidates(anna_as_reported()) == []
        # Even when her keys are written again (a person changed elsewhere), nothing is left to key on.
        index_person(Person.objects.get(pk=w.anna.pk))
        assert not PersonKey.objects.filter(person=w.anna).exists()
        assert find_candidates(anna_as_reported()) == []
        assert find_candidates(Description(family_name="", birth_year=1990)) == []


def test_her_bsn_is_free_for_a_person_registered_later(closed):
    """The BSN is unique among persons: once pseudonymised, a new signal can register her anew."""
    w = closed
    with years_later(21):
        sweep.run()
    again = Person.objects.create(given_names="Anna", family_name="Dam", bsn=BSN, birth_year=1990)
    assert again.pk != w.anna.pk
