"""Recognition through the API door knows Dutch names and tells relatives apart (issue 17): a call name,
a married name or a glued tussenvoegsel still lands on the known household (pending confirmation); a
twin or a son with his father's name is never linked as certain or likely; the confirmation queue says
how sure recognition is, what agrees and what differs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from verband.households import matching
from verband.households.models import Person, PersonKey
from verband.signals.models import MatchState, Signal
from verband.signals.tests.test_recognition_every_door import report


@pytest.fixture
def police_token(world) -> str:
    from verband.testing import _token

    return _token(world.org_b, "Politiesysteem", ["signals:write"])


def first_person(reply: dict):
    return Signal.objects.get(reference=reply["reference"]).persons.get(position=0)


@pytest.mark.parametrize(
    "typed",
    [
        {"surname_prefix": "", "family_name": "Vanderberg"},  # glued
        {"surname_prefix": "", "family_name": "VAN DER BERG"},  # capitals
        {"surname_prefix": "", "family_name": "Jansen-van der Berg"},  # a married name
        {"given_names": "Ingrid Johanna", "street": "", "house_number": "", "postcode": ""},
    ],
)
def test_dutch_variants_land_on_the_known_person(world, client, police_token, typed):
    report(client, police_token, "Agent De Wit")
    ingrid = Person.objects.get(given_names="Ingrid")
    sp = first_person(report(client, police_token, "Agent Yilmaz", **typed))
    assert sp.person_id == ingrid.pk and sp.match_state in (MatchState.LIKELY, MatchState.AUTO)


def test_a_twin_with_another_first_name_is_not_linked(world, client, police_token):
    report(client, police_token, "Agent De Wit")
    ingrid = Person.objects.get(given_names="Ingrid")
    sp = first_person(report(client, police_token, "Agent Yilmaz", given_names="Sanne"))
    assert sp.person_id != ingrid.pk
    found = [c for c in sp.candidates if c["person"] == ingrid.pk]
    assert not any(c["likely"] or c["automatic"] for c in found)


def test_a_daughter_with_her_mothers_name_born_decades_later_is_not_linked(world, client, police_token):
    report(client, police_token, "Agent De Wit")
    ingrid = Person.objects.get(given_names="Ingrid")
    sp = first_person(report(client, police_token, "Agent Yilmaz", date_of_birth="2012-03-07"))
    assert sp.person_id != ingrid.pk
    assert not any(c["person"] == ingrid.pk and (c["likely"] or c["automatic"]) for c in sp.candidates)


def test_the_queue_says_how_sure_and_what_differs(world, client, police_token, as_user):
    report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried", sex="female")
    assert first_person(likely).match_state == MatchState.LIKELY
    page = as_user(world.vt).get(f"/meldingen/{likely['reference']}/bevestigen/").content.decode()
    assert "Hoe zeker" in page and "Wat overeenkomt" in page
    assert "dezelfde persoon" in page and "geboortedatum gelijk" in page


def test_rebuilding_the_keys_brings_back_what_an_upgrade_changed(world, capsys):
    anna = Person.objects.prefetch_related("addresses").get(given_names="Anna")
    expected = matching.blocking_keys(matching.describe(anna))
    PersonKey.objects.filter(person=anna).delete()
    PersonKey.objects.create(person=anna, key="n:ANTM|a")  # a key as the old metaphone made it
    call_command("rebuild_recognition_keys", "--batch", "2")
    assert set(PersonKey.objects.filter(person=anna).values_list("key", flat=True)) == expected
    assert "persons" in capsys.readouterr().out


def test_an_offer_knows_call_names_and_shows_only_the_typed_part_of_a_double_name():
    from verband.households.matching import Description
    from verband.signals.selectors import offer

    known = Description(given_names="Johannes Cornelis", family_name="Jansen-de Vries", birth_year=1958,
                        birth_month=11, birth_day=30)  # fmt: skip
    typed = Description(given_names="Hans", surname_prefix="de", family_name="Vries", birth_year=1958,
                        birth_month=11, birth_day=30)  # fmt: skip
    made = offer(typed, known, 7)
    assert made is not None and made.name == "Johannes de Vries"  # the typed part as typed, no partner's name
    assert "Jansen" not in made.name and "Cornelis" not in made.name
    assert made.reasons == (
        "geboortedatum gelijk",
        "achternaam lijkt erop",
        "voornaam is een korte vorm of andere spelling (hans ~ johannes)",
    )
