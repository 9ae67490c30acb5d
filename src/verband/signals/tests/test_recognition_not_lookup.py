"""Recognition is not a register lookup: a candidate is offered only on strong evidence from what the
reporter typed, shows nothing they did not give, says something about households only to the reporting
centre's triage, is closed to roles without a reporting task, and is limited per user and day."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from verband.households.matching import Description
from verband.households.models import Person
from verband.network.models import Role
from verband.notifications.models import Notification
from verband.sharing.models import AccessLogEntry
from verband.signals import selectors
from verband.signals.models import Signal
from verband.signals.tests.test_views import form_data
from verband.testing import make_user

ANNA = Description(
    given_names="Anna Maria Elisabeth",
    surname_prefix="van",
    family_name="Dam",
    birth_year=1990,
    birth_month=1,
    birth_day=2,
    sex="female",
    bsn="111222333",
    addresses=(("1012AB", "12", "Dorpsstraat"),),
)


def typed(**fields) -> Description:
    return Description(**{"family_name": "van Dam", **fields})


# --- The rule (selectors.offer) -------------------------------------------------------------------------


def test_a_close_name_with_the_full_birth_date_is_offered_in_the_registers_spelling():
    made = selectors.offer(
        typed(given_names="Ana", family_name="van Damme", birth_year=1990, birth_month=1, birth_day=2), ANNA
    )
    assert made is not None
    assert made.name == "Anna van Dam"  # the first given name only, never "Maria Elisabeth"
    assert made.birth == "02-01-1990"  # as typed (and equal)
    assert "geboortedatum gelijk" in made.reasons and "BSN gelijk" not in made.reasons


def test_given_and_family_name_swapped_with_the_birth_date_is_offered():
    made = selectors.offer(
        typed(given_names="Dam", family_name="Anna", birth_year=1990, birth_month=1, birth_day=2), ANNA
    )
    assert made is not None and made.name == "Anna van Dam"


@pytest.mark.parametrize(
    "fields",
    [
        {"given_names": "Anna"},  # a name alone
        {"given_names": "Anna", "birth_year": 1990},  # name and year
        {"given_names": "Anna", "birth_year": 1990, "birth_month": 1},  # name, month and year
        {
            "given_names": "Anna",
            "birth_year": 1990,
            "birth_month": 2,
            "birth_day": 1,
        },  # day and month swapped
        {"given_names": "Anna", "birth_year": 1990, "birth_month": 1, "birth_day": 3},  # one digit off
        {"birth_year": 1990, "birth_month": 1, "birth_day": 2},  # no given name typed
        {"given_names": "Petra", "birth_year": 1990, "birth_month": 1, "birth_day": 2},  # another given name
        {
            "given_names": "Anna",
            "family_name": "Jansen",
            "birth_year": 1990,
            "birth_month": 1,
            "birth_day": 2,
        },
        {"given_names": "Anna", "addresses": (("1012AB", "12", "Dorpsstraat"),)},  # an address is no evidence
        # A different BSN excludes, whatever else agrees.
        {"given_names": "Anna", "birth_year": 1990, "birth_month": 1, "birth_day": 2, "bsn": "123456782"},
    ],
)
def test_weak_or_contradicted_evidence_offers_nobody(fields):
    assert selectors.offer(typed(**fields), ANNA) is None


def test_an_equal_bsn_alone_is_strong_and_shows_no_registered_birth_date():
    made = selectors.offer(typed(bsn="111222333"), ANNA)
    assert made is not None
    assert made.birth == "" and made.name == "van Dam" and made.reasons == ("BSN gelijk", "achternaam gelijk")


def test_an_equal_bsn_contradicted_by_what_was_typed_offers_nobody():
    assert selectors.offer(typed(bsn="111222333", family_name="Jansen"), ANNA) is None
    assert selectors.offer(typed(bsn="111222333", birth_year=1991), ANNA) is None


def test_reasons_never_speak_of_an_address():
    made = selectors.offer(
        typed(given_names="Anna", birth_year=1990, birth_month=1, birth_day=2, addresses=ANNA.addresses), ANNA
    )
    assert made is not None
    assert not any("adres" in r or "postcode" in r or "straat" in r for r in made.reasons)


NAMES = st.sampled_from(["Anna", "Ana", "Anne", "Petra", "Dam", "Damme", "van Dam", "Jansen", "Özdemir", ""])
YEARS = st.one_of(st.none(), st.integers(1950, 2025))
MONTHS = st.one_of(st.none(), st.integers(1, 12))
DAYS = st.one_of(st.none(), st.integers(1, 28))
BSNS = st.sampled_from(["", "111222333", "123456782"])


@st.composite
def descriptions(draw) -> Description:
    year = draw(YEARS)
    month = draw(MONTHS) if year else None
    day = draw(DAYS) if month else None
    return Description(
        given_names=draw(NAMES),
        family_name=draw(NAMES) or "X",
        birth_year=year,
        birth_month=month,
        birth_day=day,
        bsn=draw(BSNS),
        addresses=draw(st.sampled_from([(), (("1012AB", "12", "Dorpsstraat"),)])),
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(query=descriptions(), known=descriptions())
def test_without_a_bsn_or_a_full_birth_date_nobody_is_offered(query, known):
    assume(not (query.bsn and query.bsn == known.bsn))
    assume(not query.full_birth)
    assert selectors.offer(query, known) is None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(query=descriptions(), known=descriptions())
def test_an_offer_shows_nothing_the_reporter_did_not_type(query, known):
    made = selectors.offer(query, known)
    if made is None:
        return
    # Evidence was strong: an equal BSN, or the same full birth date.
    assert (query.bsn and query.bsn == known.bsn) or (
        query.full_birth
        and (query.birth_year, query.birth_month, query.birth_day)
        == (known.birth_year, known.birth_month, known.birth_day)
    )
    # The birth date shown is the reporter's own, or nothing.
    typed_birth = [query.birth_year, query.birth_month, query.birth_day]
    assert made.birth == "" or all(str(part) in made.birth for part in typed_birth if part)
    # Names shown: the register's family name and one of its given names at most (the one that agreed with
    # what was typed, else the first) — never the register's given names as a list.
    surname_words = set(f"{known.surname_prefix} {known.family_name}".split())
    typed_words = set(f"{query.given_names} {query.surname_prefix} {query.family_name}".split())
    further = set(made.name.split()) - surname_words - typed_words
    assert len(further) <= 1 and further <= set(known.given_names.split())
    # No BSN, address or postcode in anything shown.
    shown = " ".join([made.name, made.birth, *made.reasons])
    assert known.bsn == "" or known.bsn not in shown
    assert "1012" not in shown and "Dorpsstraat" not in shown


# --- The pages ------------------------------------------------------------------------------------------


def name_only(**extra):
    """Anna's name as typed, without any date of birth."""
    return form_data(
        **{"personen-0-birth_day": "", "personen-0-birth_month": "", "personen-0-birth_year": "", **extra}
    )


@pytest.mark.parametrize("persona", ["involved", "colleague", "other_org", "coordinator", "vt"])
def test_a_name_alone_brings_nobody_back(world, as_user, persona):
    client = as_user(getattr(world, persona))
    for data in (name_only(), name_only(**{"personen-0-birth_year": "1990"})):
        response = client.post("/meldingen/nieuw/", data)
        signal = Signal.objects.order_by("-pk").first()
        assert response["Location"] == f"/meldingen/{signal.reference}/"  # no recognition step
        body = client.get(response["Location"]).content.decode()
        assert "02-01-1990" not in body and "Dorpsstraat" not in body and "HH-T-0001" not in body
    anna = Person.objects.get(given_names="Anna")
    assert not AccessLogEntry.objects.filter(object_type="recognition", subject_person_id=anna.pk).exists()


def test_a_bsn_alone_links_without_showing_the_registered_birth_date_or_the_address(world, as_user):
    """An equal BSN that nothing typed contradicts is a certain match (issue 14, item 9): linked without
    a recognition step, so the reporter is shown nothing of the register."""
    anna = Person.objects.get(given_names="Anna")
    Person.objects.filter(pk=anna.pk).update(bsn="111222333")
    client = as_user(world.other_org)
    url = client.post("/meldingen/nieuw/", name_only(**{"personen-0-bsn": "111222333"}))["Location"]
    signal = Signal.objects.get()
    assert url == f"/meldingen/{signal.reference}/"
    assert signal.persons.get(position=0).person_id == anna.pk
    page = client.get(url).content.decode()
    for secret in ("02-01-1990", "Dorpsstraat", "1012", "HH-T-0001"):
        assert secret not in page, secret


def test_a_person_not_offered_cannot_be_chosen(world, as_user):
    """Bram is found by name (a weak candidate, kept by matching) but never offered: posting his id is
    refused and nothing is linked."""
    client = as_user(world.other_org)
    data = form_data(
        **{"personen-1-given_names": "Bram", "personen-1-family_name": "van Dam", "personen-1-role": "child"}
    )
    url = client.post("/meldingen/nieuw/", data)["Location"]
    signal = Signal.objects.get()
    victim, child = signal.persons.all()
    bram = Person.objects.get(given_names="Bram")
    assert any(c["person"] == bram.pk for c in child.candidates)  # matching found him ...
    page = client.get(url).content.decode()
    assert f'value="{bram.pk}"' not in page  # ... but he is not offered
    anna = Person.objects.get(given_names="Anna")
    response = client.post(url, {f"persoon-{victim.pk}": str(anna.pk), f"persoon-{child.pk}": str(bram.pk)})
    assert response.status_code == 302  # the child has no choice to make: a new person
    child.refresh_from_db()
    assert child.person_id != bram.pk


def test_choosing_someone_else_than_offered_is_refused(world, as_user):
    client = as_user(world.other_org)
    url = client.post("/meldingen/nieuw/", form_data())["Location"]
    victim = Signal.objects.get().persons.get(role="victim")
    carla = Person.objects.get(given_names="Carla")
    response = client.post(url, {f"persoon-{victim.pk}": str(carla.pk)})
    assert response.status_code == 200 and "Kies een van de aangeboden personen" in response.content.decode()
    assert Signal.objects.get().status == "received"


@pytest.mark.parametrize(
    ("persona", "sees"), [("vt", True), ("involved", False), ("other_org", False), ("coordinator", False)]
)
def test_known_in_a_household_only_for_the_reporting_centre(world, as_user, persona, sees):
    client = as_user(getattr(world, persona))
    url = client.post("/meldingen/nieuw/", form_data())["Location"]
    page = client.get(url).content.decode()
    assert "Anna van Dam" in page
    assert ("Bekend in een huishouden" in page) is sees
    assert "HH-T-0001" not in page  # the reporting centre here is not involved: no reference either


def test_experience_experts_do_not_file_and_do_not_see_the_link(world, as_user):
    expert = make_user("ervaring", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    client = as_user(expert)
    assert client.get("/meldingen/nieuw/").status_code == 403
    assert client.post("/meldingen/nieuw/", form_data()).status_code == 403
    assert not Signal.objects.exists()
    assert AccessLogEntry.objects.filter(username="ervaring", object_type="page", outcome="denied").exists()
    assert "/meldingen/nieuw/" not in client.get("/werkbak/").content.decode()
    assert "/meldingen/nieuw/" in as_user(world.involved).get("/werkbak/").content.decode()
    # Nor the recognition step of someone else's signal, whatever the link.
    url = as_user(world.involved).post("/meldingen/nieuw/", form_data())["Location"]
    assert client.get(url).status_code == 403


def test_recognition_step_per_persona(world, as_user):
    url = as_user(world.other_org).post("/meldingen/nieuw/", form_data())["Location"]
    expected = {"involved": 404, "colleague": 404, "manager": 403, "coordinator": 404, "other_org": 200}
    for persona, status in expected.items():
        assert as_user(getattr(world, persona)).get(url).status_code == status, persona
    assert as_user(None).get(url).status_code == 302


# --- Limits per user and day ------------------------------------------------------------------------------


def test_past_the_intake_limit_nothing_is_stored_and_the_privacy_officer_is_told(world, as_user, settings):
    settings.INTAKE_LIMIT_PER_DAY = 2
    client = as_user(world.other_org)
    for _n in range(2):
        assert client.post("/meldingen/nieuw/", name_only()).status_code == 302
    refused = client.post("/meldingen/nieuw/", name_only())
    body = refused.content.decode()
    assert refused.status_code == 429 and "maximum van 2 meldingen" in body and "112" in body
    assert 'name="personen-0-family_name"' not in body
    assert Signal.objects.count() == 2
    assert client.get("/meldingen/nieuw/").status_code == 429  # the form itself is not shown either
    flags = AccessLogEntry.objects.filter(
        object_type="unusual_volume", object_id="intake", username="other_org"
    )
    assert flags.count() == 2 and set(flags.values_list("outcome", flat=True)) == {"denied"}
    told = Notification.objects.filter(user=world.privacy_officer)
    assert told.count() == 1  # once a day, not per refusal
    title = told.get().title
    assert "Ongebruikelijk" in title and "Other_Org" not in title and "other_org" not in title
    assert "username=other_org" in told.get().url
    # Someone else is not affected.
    assert as_user(world.involved).get("/meldingen/nieuw/").status_code == 200


def test_past_the_candidate_limit_nobody_is_shown(world, as_user, settings):
    settings.CANDIDATE_VIEWS_PER_DAY = 1
    carla = Person.objects.get(given_names="Carla")
    Person.objects.filter(pk=carla.pk).update(birth_year=1985, birth_month=5, birth_day=6)
    client = as_user(world.other_org)
    first = client.post("/meldingen/nieuw/", form_data())["Location"]
    assert "Anna van Dam" in client.get(first).content.decode()
    assert "Anna van Dam" in client.get(first).content.decode()  # the same person again counts once
    about_carla = form_data(
        **{"personen-0-given_names": "Carla", "personen-0-family_name": "Zwart", "personen-0-birth_day": "6",
           "personen-0-birth_month": "5", "personen-0-birth_year": "1985"}
    )  # fmt: skip
    second = client.post("/meldingen/nieuw/", about_carla)["Location"]
    refused = client.get(second)
    body = refused.content.decode()
    assert refused.status_code == 429 and "maximum van 1 persoon" in body
    assert f'value="{carla.pk}"' not in body
    assert not AccessLogEntry.objects.filter(object_type="recognition", subject_person_id=carla.pk).exists()
    assert AccessLogEntry.objects.filter(
        object_type="unusual_volume", object_id="recognition", outcome="denied", username="other_org"
    ).exists()
    assert Notification.objects.filter(user=world.privacy_officer).count() == 1
    # Going on registers the people as new.
    assert client.post(second, {}).status_code == 302
    signal = Signal.objects.get(reference=second.split("/")[2])
    assert signal.status == "routed" and signal.persons.get(role="victim").person_id != carla.pk


def test_counts_start_again_the_next_day(world, as_user):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    as_user(world.other_org).post("/meldingen/nieuw/", name_only())
    assert selectors.intakes_today(world.other_org.pk) == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    with mock.patch.object(timezone, "localdate", return_value=tomorrow):
        assert selectors.intakes_today(world.other_org.pk) == 0
