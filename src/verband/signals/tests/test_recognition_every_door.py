"""Recognition holds for every door (issue 14, item 9, and its first acceptance item): three reports about
the same household through the API, from different officers, with name variants, tussenvoegsel variants,
day and month swapped and no BSN, end on one household with its repeat count. A certain match links, a
likely one waits in the reporting centre's "te bevestigen" queue, and only what has no candidate starts
a new household. The API's answer never tells the caller whether anyone was known."""

from __future__ import annotations

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from verband.households.models import Household, Person
from verband.households.selectors import Reports, reports
from verband.sharing.models import AccessLogEntry
from verband.signals.models import MatchState, Signal
from verband.testing import _token

INGRID = {
    "role": "victim",
    "given_names": "Ingrid",
    "surname_prefix": "van der",
    "family_name": "Berg",
    "date_of_birth": "1985-03-07",
    "street": "Kerkstraat",
    "house_number": "5",
    "postcode": "1013AB",
}


def report(client, token: str, officer: str, **ingrid: object) -> dict:
    body = {
        "kind": "police_registration",
        "description": "Ruzie met geweld, buren belden 112.",
        "reporter_name": officer,
        "reporter_function": "agent",
        "persons": [{**INGRID, **ingrid}],
    }
    response = client.post(
        "/api/v1/signals", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def police_token(world) -> str:
    return _token(world.org_b, "Politiesysteem", ["signals:write"])


def three_reports(world, client, police_token, second: dict, third: dict) -> list[Signal]:
    made = [
        report(client, police_token, "Agent De Wit"),
        report(client, police_token, "Agent Yilmaz", **second),
        report(client, world.token_vt, "Medewerker Veilig Thuis", **third),
    ]
    return [Signal.objects.get(reference=r["reference"]) for r in made]


# Each variant: what the second and third officer typed, and how each is recognised.
VARIANTS = {
    "name variants": (
        {"given_names": "Ingried"},
        {"given_names": "Ingrit", "street": "", "house_number": "", "postcode": ""},
        (MatchState.LIKELY, MatchState.LIKELY),
    ),
    "tussenvoegsel variants": (
        {"surname_prefix": "", "family_name": "v.d. Berg"},
        {"surname_prefix": "", "family_name": "Berg, van der"},
        # "Berg, van der" is the same name typed the other way round: with birth date and address, certain.
        (MatchState.LIKELY, MatchState.AUTO),
    ),
    "day and month swapped": (
        {"date_of_birth": "1985-07-03"},
        {"date_of_birth": "1985-07-03", "street": "", "house_number": "", "postcode": ""},
        (MatchState.LIKELY, MatchState.LIKELY),
    ),
    "no BSN, identical": ({}, {}, (MatchState.AUTO, MatchState.AUTO)),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_three_reports_from_different_officers_end_on_one_household(world, client, police_token, variant):
    second, third, states = VARIANTS[variant]
    signals = three_reports(world, client, police_token, second, third)
    household = signals[0].household
    assert household is not None and all(s.household_id == household.pk for s in signals)
    assert Household.objects.filter(members__person__family_name__icontains="Berg").distinct().count() == 1
    ingrid = signals[0].persons.get().person
    assert [s.persons.get().person_id for s in signals] == [ingrid.pk] * 3
    assert tuple(s.persons.get().match_state for s in signals[1:]) == states
    assert reports(household).count == 3 and reports(household).after_closing == 0
    # No second Ingrid in the register.
    assert Person.objects.filter(family_name__icontains="Berg").count() == 1


def test_a_name_and_year_alone_start_a_new_household(world, client, police_token):
    first = report(client, police_token, "Agent De Wit")
    other = report(
        client,
        police_token,
        "Agent Yilmaz",
        date_of_birth="1985",
        street="",
        house_number="",
        postcode="",
    )
    a, b = (Signal.objects.get(reference=r["reference"]) for r in (first, other))
    assert a.household_id != b.household_id
    assert b.persons.get().match_state == MatchState.NEW


def test_the_api_answer_does_not_tell_whether_anyone_was_known(world, client, police_token):
    """A partner system learns nothing of the register from its answer: a report about a person already
    known (certain or likely) is answered exactly as one about someone new."""
    first = report(client, police_token, "Agent De Wit")
    certain = report(client, police_token, "Agent Yilmaz")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    new = report(client, police_token, "Agent Yilmaz", given_names="Fatima", family_name="Bakker")
    anna = report(client, police_token, "Agent Yilmaz", given_names="Anna", surname_prefix="van",
                  family_name="Dam", date_of_birth="1990-01-02", street="Dorpsstraat", house_number="12",
                  postcode="1012AB")  # fmt: skip
    shapes = [
        {k: v for k, v in r.items() if k not in ("reference", "received_at")}
        for r in (first, certain, likely, new, anna)
    ]
    assert all(shape == shapes[0] for shape in shapes), shapes
    assert set(first) == {"reference", "status", "received_at", "taken_up_by", "feedback"}
    # ... also when it asks after its signal later.
    for answer in (certain, new, anna):
        follow = client.get(
            f"/api/v1/signals/{answer['reference']}", HTTP_AUTHORIZATION=f"Bearer {police_token}"
        ).json()
        assert "HH-" not in str(follow) and follow["taken_up_by"] == [] and follow["feedback"] == []


def test_a_likely_match_waits_in_the_reporting_centres_queue(world, client, police_token, as_user):
    report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    vt = as_user(world.vt)
    page = vt.get("/meldingen/te-bevestigen/")
    assert page.status_code == 200 and likely["reference"] in page.content.decode()
    detail = vt.get(f"/meldingen/{likely['reference']}/bevestigen/").content.decode()
    assert "Ingried van der Berg" in detail and "Ingrid van der Berg" in detail
    ingrid = Person.objects.get(given_names="Ingrid")
    assert AccessLogEntry.objects.filter(
        user_id=world.vt.pk, object_type="recognition", subject_person_id=ingrid.pk, action="view"
    ).exists()


@pytest.mark.parametrize("persona", ["involved", "colleague", "other_org", "manager", "coordinator"])
def test_only_the_reporting_centre_sees_the_queue(world, client, police_token, as_user, persona):
    report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    user = getattr(world, persona)
    response = as_user(user).get("/meldingen/te-bevestigen/")
    assert response.status_code in (403, 404)
    response = as_user(user).get(f"/meldingen/{likely['reference']}/bevestigen/")
    assert response.status_code in (403, 404)
    assert "Ingrid" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(world, client):
    assert client.get("/meldingen/te-bevestigen/").status_code == 302


def test_confirming_keeps_the_signal_on_the_household(world, client, police_token, as_user):
    first = report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    signal = Signal.objects.get(reference=likely["reference"])
    sp = signal.persons.get()
    vt = as_user(world.vt)
    response = vt.post(f"/meldingen/{likely['reference']}/bevestigen/", {f"persoon-{sp.pk}": "same"})
    assert response.status_code == 302
    sp.refresh_from_db()
    assert sp.match_state == MatchState.CONFIRMED
    assert Signal.objects.get(reference=first["reference"]).household_id == signal.household_id
    assert f"{likely['reference']}/bevestigen/" not in vt.get("/meldingen/te-bevestigen/").content.decode()


def test_someone_else_gets_a_household_of_their_own(world, client, police_token, as_user):
    first = report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    signal = Signal.objects.get(reference=likely["reference"])
    known = signal.household
    sp = signal.persons.get()
    vt = as_user(world.vt)
    response = vt.post(f"/meldingen/{likely['reference']}/bevestigen/", {f"persoon-{sp.pk}": "other"})
    assert response.status_code == 302
    signal.refresh_from_db()
    sp.refresh_from_db()
    assert signal.household_id != known.pk
    assert sp.match_state == MatchState.NEW and sp.person.given_names == "Ingried"
    assert set(signal.activations.values_list("household_id", flat=True)) == {signal.household_id}
    assert not known.events.filter(signal=signal).exists()
    assert known.events.filter(summary__contains="iemand anders").exists()
    assert reports(known).count == 1 and reports(signal.household).count == 1
    assert Signal.objects.get(reference=first["reference"]).household_id == known.pk


def test_a_decision_must_be_given_for_every_person(world, client, police_token, as_user):
    report(client, police_token, "Agent De Wit")
    likely = report(client, police_token, "Agent Yilmaz", given_names="Ingried")
    response = as_user(world.vt).post(f"/meldingen/{likely['reference']}/bevestigen/", {})
    assert response.status_code == 200
    assert "Geef voor elke persoon aan" in response.content.decode()
    assert Signal.objects.get(reference=likely["reference"]).persons.get().match_state == MatchState.LIKELY


# --- Reopening: a signal on a closed household ----------------------------------------------------------

ANNA = {
    "role": "victim",
    "given_names": "Anna",
    "surname_prefix": "van",
    "family_name": "Dam",
    "date_of_birth": "1990-01-02",
    "street": "Dorpsstraat",
    "house_number": "12",
    "postcode": "1012AB",
}


def close(household: Household) -> None:
    from verband.households.models import HOUSEHOLD_FLOW

    HOUSEHOLD_FLOW.move(household, "closed", stale="", closed_at=timezone.now())


@pytest.mark.parametrize(("months", "repeat"), [(3, True), (11, True), (13, False)])
def test_a_signal_on_a_closed_household_reopens_it(world, client, police_token, as_user, months, repeat):
    """A new signal after closing opens the household again with its history; within 12 months it is a
    repeat report after closing, counted on the household page."""
    close(world.household)
    with time_machine.travel(timezone.now() + relativedelta(months=months), tick=False):
        answer = report(client, police_token, "Agent De Wit", **ANNA)
        signal = Signal.objects.get(reference=answer["reference"])
        household = Household.objects.get(pk=world.household.pk)
        assert signal.household_id == household.pk
        assert household.status == "active" and household.closed_at is None
        assert signal.repeat_after_closing is repeat
        assert reports(household) == Reports(1, 1 if repeat else 0)
        assert household.events.filter(summary__startswith="Huishouden heropend").exists()
        assert AccessLogEntry.objects.filter(
            action="reopen", object_type="household", object_id=household.reference
        ).exists()
        page = as_user(world.involved).get(f"/huishoudens/{household.reference}/").content.decode()
        assert ("herhaalde melding na afsluiting" in page) is repeat
        assert "1e melding over dit huishouden" in page


def test_repeat_reports_are_counted_on_the_household_page(world, client, police_token, as_user):
    for officer in ("Agent De Wit", "Agent Yilmaz", "Agent Jansen"):
        report(client, police_token, officer, **ANNA)
    assert reports(world.household).count == 3
    page = as_user(world.involved).get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert "3e melding over dit huishouden; herhaalde melding" in page
    # A partner who does not see the household sees no count.
    assert as_user(world.other_org).get(f"/huishoudens/{world.household.reference}/").status_code == 404


def test_a_likely_match_that_reopened_a_household_closes_it_again_when_it_was_someone_else(
    world, client, police_token, as_user
):
    close(world.household)
    likely = report(client, police_token, "Agent De Wit", **{**ANNA, "given_names": "Ana"})
    signal = Signal.objects.get(reference=likely["reference"])
    assert signal.household_id == world.household.pk and signal.repeat_after_closing
    assert Household.objects.get(pk=world.household.pk).status == "active"
    sp = signal.persons.get()
    as_user(world.vt).post(f"/meldingen/{likely['reference']}/bevestigen/", {f"persoon-{sp.pk}": "other"})
    household = Household.objects.get(pk=world.household.pk)
    assert household.status == "closed" and household.closed_at is not None
    signal.refresh_from_db()
    assert signal.household_id != household.pk and not signal.repeat_after_closing
    assert household.events.filter(kind="reopened").exists()  # what happened stays on its timeline
    assert household.events.filter(summary__startswith="Huishouden weer afgesloten").exists()
