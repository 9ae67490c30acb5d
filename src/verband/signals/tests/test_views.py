"""The intake form, recognition, the signal page and the inbox, per persona."""

import pytest

from verband.households.models import Person
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Activation, Signal

PERSONAS = ["involved", "colleague", "other_org", "manager", "anonymous"]


def form_data(**extra):
    data = {
        "kind": "police_registration",
        "description": "Buren hoorden geschreeuw; kind huilde op de trap.",
        "violence_forms": ["physical"],
        "children_involved": "on",
        "postcode": "1012 ab",
        "personen-TOTAL_FORMS": "2",
        "personen-INITIAL_FORMS": "0",
        "personen-0-role": "victim",
        "personen-0-given_names": "Ana",
        "personen-0-family_name": "van Damme",
        "personen-0-birth_day": "2",
        "personen-0-birth_month": "1",
        "personen-0-birth_year": "1990",
        "personen-0-sex": "unknown",
        "personen-1-role": "perpetrator",
        "personen-1-given_names": "Dirk",
        "personen-1-family_name": "Vos",
        "personen-1-sex": "unknown",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", PERSONAS)
def test_intake_form_per_persona(world, as_user, persona):
    response = as_user(world.personas()[persona]).get("/meldingen/nieuw/")
    expected = {"involved": 200, "colleague": 200, "other_org": 200, "manager": 403, "anonymous": 302}
    assert response.status_code == expected[persona]


def test_invalid_input_keeps_everything_typed_with_dutch_messages(world, as_user):
    client = as_user(world.other_org)
    data = form_data(**{"personen-0-bsn": "123456789", "personen-1-birth_day": "31", "postcode": "AB12"})
    data["description"] = ""
    response = client.post("/meldingen/nieuw/", data)
    body = response.content.decode()
    assert response.status_code == 200 and not Signal.objects.exists()
    assert "Dit is geen geldig BSN" in body
    assert "Vul een Nederlandse postcode in" in body
    assert "Een gedeeltelijke geboortedatum heeft het jaar nodig" in body
    assert 'value="van Damme"' in body and 'value="Dirk"' in body


def test_adding_a_person_keeps_what_was_typed(world, as_user):
    response = as_user(world.other_org).post("/meldingen/nieuw/", form_data(add_person="1"))
    body = response.content.decode()
    assert 'name="personen-2-family_name"' in body and 'value="van Damme"' in body
    assert not Signal.objects.exists()


def test_report_with_a_known_person_goes_through_recognition_to_the_household(world, as_user):
    """A close name and the full birth date: offered in the register's spelling, with what the reporter
    typed and nothing more; the household is no business of a neighbourhood team's reporter."""
    client = as_user(world.involved)
    response = client.post("/meldingen/nieuw/", form_data())
    signal = Signal.objects.get()
    assert response["Location"] == f"/meldingen/{signal.reference}/herkennen/"
    page = client.get(response["Location"]).content.decode()
    assert "Anna van Dam" in page and "geboortedatum gelijk" in page
    assert "HH-T-0001" not in page and "Bekend in een huishouden" not in page
    assert "Dorpsstraat" not in page and "1012" not in page.split("<form")[1]
    anna = Person.objects.get(given_names="Anna")
    victim, _perpetrator = signal.persons.all()
    response = client.post(response["Location"], {f"persoon-{victim.pk}": str(anna.pk)})
    assert response["Location"] == f"/meldingen/{signal.reference}/"
    signal.refresh_from_db()
    assert signal.household == world.household
    assert AccessLogEntry.objects.filter(object_type="recognition", subject_person_id=anna.pk).exists()


def test_the_reporting_centre_sees_the_household_and_its_history_for_triage(partners, as_user):
    client = as_user(partners.vt)  # Veilig Thuis, involved with Anna's household
    url = client.post("/meldingen/nieuw/", form_data())["Location"]
    page = client.get(url).content.decode()
    assert "Anna van Dam" in page
    assert "HH-T-0001" in page and "in de afgelopen 12 maanden" in page


def test_reporter_without_involvement_does_not_see_the_history(world, as_user):
    client = as_user(world.other_org)
    response = client.post("/meldingen/nieuw/", form_data())
    page = client.get(response["Location"]).content.decode()
    assert "Anna van Dam" in page
    assert "HH-T-0001" not in page and "Bekend in een huishouden" not in page


def test_recognition_must_choose_for_every_person(world, as_user):
    client = as_user(world.other_org)
    url = client.post("/meldingen/nieuw/", form_data())["Location"]
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Kies voor elke persoon" in response.content.decode()
    assert Signal.objects.get().status == "received"


def test_only_the_reporter_confirms_the_recognition(world, as_user):
    url = as_user(world.other_org).post("/meldingen/nieuw/", form_data())["Location"]
    assert as_user(world.involved).get(url).status_code == 404


def _routed(world, as_user):
    client = as_user(world.other_org)
    url = client.post("/meldingen/nieuw/", form_data())["Location"]
    signal = Signal.objects.get()
    victim = signal.persons.get(role="victim")
    client.post(url, {f"persoon-{victim.pk}": str(Person.objects.get(given_names="Anna").pk)})
    signal.refresh_from_db()
    return signal


def test_signal_page_per_persona(world, as_user):
    signal = _routed(world, as_user)
    url = f"/meldingen/{signal.reference}/"
    reporter = as_user(world.other_org).get(url).content.decode()
    assert "Vervolg" in reporter and "geschreeuw" not in reporter  # feedback only
    involved = as_user(world.involved).get(url).content.decode()  # addressed (Wijkteam Noord) and involved
    assert "geschreeuw" in involved
    assert as_user(world.colleague).get(url).status_code == 404
    assert as_user(world.manager).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302
    assert AccessLogEntry.objects.filter(
        object_type="signal", outcome="denied", username="colleague"
    ).exists()


def test_reporter_sees_who_took_it_up_and_nothing_more(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    as_user(world.vt).post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
    page = as_user(world.other_org).get(f"/meldingen/{signal.reference}/").content.decode()
    assert "Veilig Thuis Testdorp heeft het op" in page and "Team Veiligheidsbeoordeling" not in page
    assert "netwerk heeft het op" not in page  # not (yet) taken up: not told


def test_inbox_shows_clocks_and_taking_up_opens_the_household(world, as_user):
    signal = _routed(world, as_user)
    client = as_user(world.vt)
    page = client.get("/werkbak/").content.decode()
    # Before take-up the household's reference is not shown (the team does not see it yet).
    assert signal.household.reference not in page and "nog 5 werkdagen" in page
    assert client.get(f"/huishoudens/{signal.household.reference}/").status_code == 404
    activation = signal.activations.get(team=world.team_vt)
    response = client.post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
    assert response["Location"] == f"/huishoudens/{signal.household.reference}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_inbox_per_persona(world, as_user, persona):
    _routed(world, as_user)
    response = as_user(world.personas()[persona]).get("/werkbak/")
    expected = {"involved": 200, "colleague": 200, "other_org": 200, "manager": 403, "anonymous": 302}
    assert response.status_code == expected[persona]
    if persona == "involved":
        assert "Wijkteam Noord" in response.content.decode()
    if persona == "colleague":
        assert "Er wacht niets" in response.content.decode()


def test_others_cannot_take_up_or_hand_back_someone_elses_activation(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    for user in (world.colleague, world.other_org):
        assert (
            as_user(user)
            .post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
            .status_code
            == 404
        )
        assert (
            as_user(user).post(f"/werkbak/{activation.pk}/teruggeven/", {"reason": "x" * 20}).status_code
            == 404
        )
    assert Activation.objects.get(pk=activation.pk).status == "open"


def test_hand_back_without_reason_keeps_the_text_and_explains(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(network=world.network)
    client = as_user(world.coordinator)
    response = client.post(f"/werkbak/{activation.pk}/teruggeven/", {"reason": "nee"})
    body = response.content.decode()
    assert response.status_code == 200 and "Leg in een zin uit" in body and ">nee</textarea>" in body
    response = client.post(
        f"/werkbak/{activation.pk}/teruggeven/", {"reason": "Gezin is verhuisd naar Zuid."}
    )
    assert response["Location"] == "/werkbak/"
    desk = as_user(world.vt).get("/werkbak/").content.decode()
    assert "Teruggegeven door" in desk and "Doorsturen naar" in desk


@pytest.mark.parametrize(("persona", "status"), [("manager", 403), ("anonymous", 302), ("colleague", 404)])
@pytest.mark.parametrize("action", ["oppakken", "teruggeven", "doorsturen"])
def test_inbox_actions_per_persona(world, as_user, persona, status, action):
    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    response = as_user(world.personas()[persona]).post(
        f"/werkbak/{activation.pk}/{action}/",
        {"reason": "Niet voor ons team, echt niet.", "party": f"team:{world.team_a2.pk}"},
    )
    assert response.status_code == status
    assert Activation.objects.get(pk=activation.pk).status == "open"


def test_routing_desk_sends_on(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(network=world.network)
    as_user(world.coordinator).post(
        f"/werkbak/{activation.pk}/teruggeven/", {"reason": "Gezin is verhuisd naar Zuid."}
    )
    desk_item = Activation.objects.get(previous=activation)
    response = as_user(world.vt).post(
        f"/werkbak/{desk_item.pk}/doorsturen/", {"party": f"team:{world.team_a2.pk}"}
    )
    assert response["Location"] == "/werkbak/"
    forwarded = Activation.objects.get(previous=desk_item)
    assert forwarded.team == world.team_a2
    assert "Wijkteam Zuid" in as_user(world.colleague).get("/werkbak/").content.decode()


def test_the_routing_desk_chooses_where_to_send_on_nothing_is_preselected(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(network=world.network)
    as_user(world.coordinator).post(
        f"/werkbak/{activation.pk}/teruggeven/", {"reason": "Gezin is verhuisd naar Zuid."}
    )
    desk_item = Activation.objects.get(previous=activation)
    inbox = as_user(world.vt).get("/werkbak/").content.decode()
    select = inbox[inbox.index(f'id="party-{desk_item.pk}"') :].split("</select>")[0]
    first = select.split("<option", 2)[1]
    assert 'value=""' in first and "kies een team of netwerk" in first and "selected" not in select
    as_user(world.vt).post(f"/werkbak/{desk_item.pk}/doorsturen/", {"party": ""})
    assert Activation.objects.get(pk=desk_item.pk).status == "open"  # nothing sent without a choice


@pytest.mark.parametrize(("persona", "status"), [("manager", 403), ("anonymous", 302), ("colleague", 404)])
def test_recognition_step_per_persona(world, as_user, persona, status):
    url = as_user(world.other_org).post("/meldingen/nieuw/", form_data())["Location"]
    assert as_user(world.personas()[persona]).get(url).status_code == status


@pytest.mark.parametrize("reference", ["SG\x00-1", "x" * 5000, "SG-2026-00001%"])
def test_implausible_signal_references_are_not_found(world, as_user, reference):
    from urllib.parse import quote

    response = as_user(world.vt).get("/meldingen/" + quote(reference, safe="") + "/")
    assert response.status_code == 404


@pytest.mark.parametrize("reason", ["Niet voor ons\x00 want buiten het gebied", "x" * 2001])
def test_hand_back_refuses_nul_and_overlong_reasons(world, as_user, reason):
    from verband.signals.models import ActivationStatus

    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_a1)
    response = as_user(world.involved).post(f"/werkbak/{activation.pk}/teruggeven/", {"reason": reason})
    assert response.status_code == 200
    activation.refresh_from_db()
    assert activation.status == ActivationStatus.OPEN


def test_reporter_cannot_take_up_own_report_about_a_known_household(world, as_user):
    """Police report about Anna with acute danger: the crisis route is their own team. The inbox tells
    them a colleague takes it up; posting anyway gives a Dutch message and opens nothing."""
    from verband.signals import services
    from verband.signals.tests.test_services import report_about_anna
    from verband.testing import actor_for

    reporter = actor_for(world.other_org)
    signal, _ = services.receive(reporter, report_about_anna(acute_danger=True))
    victim, perpetrator = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    services.confirm_recognition(reporter, signal, {victim.pk: anna.pk, perpetrator.pk: None})
    services.finish(signal.pk)
    activation = Activation.objects.get(signal=signal, team=world.team_b1)
    client = as_user(world.other_org)
    page = client.get("/werkbak/").content.decode()
    assert "een collega pakt het op" in page
    assert f"/werkbak/{activation.pk}/oppakken/" not in page
    response = client.post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"}, follow=True)
    assert "al bekend was" in response.content.decode()
    assert client.get(f"/huishoudens/{world.household.reference}/").status_code == 404


def test_a_team_that_sent_a_signal_on_no_longer_reads_it(world, as_user):
    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    desk = as_user(world.vt)
    assert desk.get(f"/meldingen/{signal.reference}/").status_code == 200
    desk.post(f"/werkbak/{activation.pk}/doorsturen/", {"party": f"team:{world.team_a2.pk}"})
    assert desk.get(f"/meldingen/{signal.reference}/").status_code == 404
    assert as_user(world.colleague).get(f"/meldingen/{signal.reference}/").status_code == 200


def test_inbox_query_count_does_not_grow_with_items(world, as_user, django_assert_max_num_queries):
    from datetime import date

    from verband.households.models import Household, HouseholdMember
    from verband.households.models import Person as P

    client = as_user(world.involved)
    client.get("/werkbak/")
    for n in range(20):
        h = Household.objects.create(reference=f"HH-I-{n:04d}", region=world.region)
        HouseholdMember.objects.create(
            household=h, person=P.objects.create(family_name=f"I{n}"), role="victim"
        )
        signal = Signal.objects.create(
            region=world.region, kind="report", description="x", source_organisation=world.org_b,
            household=h, status="routed", reference=f"SIG-I-{n:04d}",
        )  # fmt: skip
        Activation.objects.create(
            signal=signal, household=h, team=world.team_a1, purpose="help", reason="r",
            norm_working_days=2, due_on=date(2026, 12, 4),
        )  # fmt: skip
    with django_assert_max_num_queries(18):
        body = client.get("/werkbak/").content.decode()
    assert body.count("SIG-I-") >= 20 and "HH-I-" not in body
