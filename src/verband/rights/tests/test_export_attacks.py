"""The export under attack: what a privacy review found it gave away, each with the reproduction it gave.

1. A reporter anonymous to the household was named in every member's timeline.
2. What the household wants itself went into the perpetrator's export.
3. A child's export, asked by the father with parental authority, held everything kept from him.
4. Household help of a shelter kind without a provider reached the perpetrator with its note.
5. Who looked ignored the exporter's scope, the decision and the identity check, and named everyone.
6+7. Organisations with a place in their name were named, and "een partner (niet genoemd)" marked a shelter.
8. A shelter handling his request named itself, and probation read it on the request page.
9. The free text kept other members' names, phone numbers, e-mail, place, postcode area, shelters of other
   regions and a street he lived on himself.
10. The timeline named the day her AWARE alarm was recorded ("Beschermende maatregel")."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from verband.collaboration import services as collaboration
from verband.collaboration.models import HelpKind
from verband.collaboration.tests.shielded_family import ANNA_SUMMARY, DECISIONS, MINUTES, SHELTER_NOTE
from verband.households.models import Address, HouseholdMember, Person
from verband.network.models import Organisation, Region, Role, ShelterAddress, Team
from verband.plans.models import FamilyPlan, Goal, Regie
from verband.rights import services
from verband.rights.models import RightsRequest
from verband.rights.tests.conftest import ESCAPE, SHELTER_POSTCODE, SHELTER_STREET
from verband.rights.tests.test_export import ASKED, exports
from verband.shielding.models import ItemType
from verband.shielding.scope import household_shields
from verband.signals import services as signals
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for, make_user


def request_of(w, person, who=None, *, how="letter", representative="", checked=True) -> RightsRequest:
    return services.record_request(
        actor_for(who or w.involved), w.household, person_id=person.pk, kind="access", how_received=how,
        received_on=timezone.localdate(), asked=ASKED, identity_checked=checked, representative=representative,
    )  # fmt: skip


def granted(w, request, who=None, **extra) -> RightsRequest:
    services.decide(actor_for(who or w.involved), request, "granted", "U krijgt het overzicht.", **extra)
    request.refresh_from_db()
    return request


def flat(pdf: str, data: dict) -> str:
    return " ".join(pdf.split()) + "\n" + json.dumps(data, ensure_ascii=False)


# --- 1. The reporter -----------------------------------------------------------------------------------


def test_a_signals_line_never_names_the_reporters_organisation(rights_family, as_user):
    w = rights_family
    school = Organisation.objects.create(region=w.region, name="OBS De Linde Zwolle", kind="school")
    teacher = make_user(
        "juf", school, Role.PROFESSIONAL, Team.objects.create(organisation=school, name="Groep 5")
    )
    reporter = actor_for(teacher)
    report = SignalInput(
        kind="report", description="Bram vertelt dat papa mama slaat.", anonymous_to_household=True,
        persons=[
            PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam", birth_year=1990,
                        birth_month=1, birth_day=2, postcode="1012AB", house_number="12"),
            PersonInput(role="perpetrator", given_names="Dirk", family_name="Vos", birth_year=1988),
        ],
    )  # fmt: skip
    signal, _created = signals.receive(reporter, report)
    victim, perpetrator = signals.recognise(signal)
    offered = {c["person"] for c in perpetrator.candidates}
    signals.confirm_recognition(
        reporter, signal, {victim.pk: w.anna.pk, perpetrator.pk: w.dirk.pk if w.dirk.pk in offered else None}
    )
    assert signals.finish(signal.pk)
    signal.refresh_from_db()
    assert signal.household_id == w.household.pk
    request = granted(w, request_of(w, w.dirk))
    pdf, data = exports(as_user(w.involved), w, request)
    lines = [t for t in data["tijdlijn"] if t["soort"] == "Signaal ontvangen"]
    assert lines and {t["door"] for t in lines} == {"een melder"}
    assert "Linde" not in flat(pdf, data)


# --- 2. The household's wishes ---------------------------------------------------------------------------

WISHES = "Anna wil met Bram veilig blijven wonen, dicht bij haar zus in Zwolle."


def test_what_the_household_wants_stays_out_of_the_perpetrators_export(rights_family, as_user):
    w = rights_family
    FamilyPlan.objects.filter(household=w.household).update(household_wishes=WISHES)
    pdf, data = exports(as_user(w.involved), w, request_of(w, w.dirk))
    assert data["gezinsplan"]["wat_het_huishouden_zelf_wil"] == ""
    assert "zus in Zwolle" not in flat(pdf, data)
    _pdf, hers = exports(as_user(w.involved), w, request_of(w, w.anna))
    assert hers["gezinsplan"]["wat_het_huishouden_zelf_wil"] == WISHES


# --- 3. A child's export, asked by the father ------------------------------------------------------------


@pytest.fixture
def bram_at_the_shelter(rights_family):
    w = rights_family
    w.bram_secret = Address.objects.create(
        person=w.bram, street=SHELTER_STREET, house_number="7", postcode=SHELTER_POSTCODE, city="Testdorp",
        valid_from=date(2026, 3, 2), confidential=True, managed_by=w.team_shelter.organisation,
    )  # fmt: skip
    w.bram_secret.disclosures.create(organisation=w.org_a, basis="Opvang")
    return w


def test_a_childs_export_asked_by_the_father_holds_nothing_kept_from_him(bram_at_the_shelter, as_user):
    w = bram_at_the_shelter
    request = granted(
        w, request_of(w, w.bram, how="representative", representative="Dirk Vos, vader met gezag")
    )
    pdf, data = exports(as_user(w.involved), w, request)
    text = flat(pdf, data)
    for kept in (ESCAPE, ANNA_SUMMARY, DECISIONS, MINUTES, SHELTER_STREET, SHELTER_POSTCODE, "1066 XY",
                 SHELTER_NOTE, "Opvangplek", "Blijf Opvang"):  # fmt: skip
        assert kept.lower() not in text.lower(), kept
    assert {a["adres"] for a in data["adressen"]} == {"geheim adres"}
    assert data["verzoek"]["via_vertegenwoordiger"] == "Dirk Vos, vader met gezag"
    assert "Dirk Vos, vader met gezag" in " ".join(pdf.split())


def test_a_childs_export_is_guarded_however_it_came_in_and_so_is_a_minors(bram_at_the_shelter, as_user):
    w = bram_at_the_shelter
    _pdf, data = exports(as_user(w.involved), w, request_of(w, w.bram))  # by letter, role child
    assert ESCAPE not in json.dumps(data, ensure_ascii=False)
    assert {a["adres"] for a in data["adressen"]} == {"geheim adres"}
    teen = Person.objects.create(
        given_names="Sanne", family_name="Dam", birth_year=timezone.localdate().year - 15
    )
    HouseholdMember.objects.create(household=w.household, person=teen, role="witness")
    assert services.guarded(request_of(w, teen))
    adult = Person.objects.create(given_names="Oma", family_name="Dam", birth_year=1950)
    HouseholdMember.objects.create(household=w.household, person=adult, role="network_member")
    assert not services.guarded(request_of(w, adult))


def test_a_request_through_a_representative_says_who_that_is(rights_family):
    w = rights_family
    with pytest.raises(ValidationError) as refused:
        request_of(w, w.bram, how="representative", representative="  ")
    assert "representative" in refused.value.message_dict
    assert not RightsRequest.objects.exists()
    # Given with another way in, it is not kept.
    assert request_of(w, w.anna, representative="Iemand").representative == ""


def test_a_representatives_export_for_the_victim_keeps_out_what_is_kept_from_the_perpetrator(
    rights_family, as_user
):
    w = rights_family
    request = request_of(w, w.anna, how="representative", representative="Mr. De Wit, advocaat")
    _pdf, data = exports(as_user(w.involved), w, request)
    raw = json.dumps(data, ensure_ascii=False)
    assert ESCAPE not in raw and SHELTER_NOTE not in raw and ANNA_SUMMARY not in raw
    assert {a["adres"] for a in data["adressen"]} == {"geheim adres"}


def test_a_confidential_address_is_written_out_only_when_the_decision_releases_it(rights_family, as_user):
    w = rights_family
    web = as_user(w.shelter_worker)  # the address is disclosed to the shelter
    request = request_of(w, w.anna, who=w.shelter_worker)
    _pdf, data = exports(web, w, request)
    assert "geheim adres" in {a["adres"] for a in data["adressen"]}
    assert SHELTER_STREET not in json.dumps(data)
    granted(w, request, who=w.shelter_worker, release_addresses=True)
    _pdf, data = exports(web, w, request)
    assert "Geheimelaan 7, 1066XY Testdorp" in {a["adres"] for a in data["adressen"]}
    # Never for the perpetrator's, a child's or a representative's export.
    for person, how, who in (
        (w.dirk, "letter", ""),
        (w.bram, "letter", ""),
        (w.anna, "representative", "Mr. X"),
    ):
        other = request_of(w, person, how=how, representative=who)
        with pytest.raises(ValidationError):
            services.decide(
                actor_for(w.involved), other, "granted", "U krijgt het overzicht.", release_addresses=True
            )


# --- 4. Household help of a shelter kind -----------------------------------------------------------------

PLACE_NOTE = "Opvang voor moeder en kind aangevraagd, liefst buiten Testdorp"
COACHING_NOTE = "Gezinscoach zoeken in de buurt van de nieuwe woning"


def test_household_help_that_may_be_her_shelter_place_stays_out_of_his_export(rights_family, as_user):
    w = rights_family
    place = HelpKind.objects.get(region=w.region, name="Opvangplek")
    place.shelter = True
    place.save()
    coaching = HelpKind.objects.create(region=w.region, name="Gezinscoaching")
    involved = actor_for(w.involved)
    household_place = collaboration.add_help(
        involved,
        w.household,
        kind_id=place.pk,
        funding="wmo",
        person_id=None,
        provider_id=None,
        note=PLACE_NOTE,
    )
    collaboration.add_help(
        involved, w.household, kind_id=coaching.pk, funding="wmo", person_id=None, provider_id=None,
        note=COACHING_NOTE,
    )  # fmt: skip
    bram_place = collaboration.add_help(
        involved, w.household, kind_id=place.pk, funding="wmo", person_id=w.bram.pk, provider_id=None
    )
    # Kept from Dirk by default, by its kind, before any provider is chosen.
    shields = household_shields(w.household)
    assert shields[(ItemType.HELP, household_place.pk)] == {w.dirk.pk}
    assert shields[(ItemType.HELP, bram_place.pk)] == {w.dirk.pk}
    pdf, data = exports(as_user(w.involved), w, request_of(w, w.dirk))
    text = flat(pdf, data)
    assert PLACE_NOTE not in text and COACHING_NOTE not in text and "Opvangplek" not in text
    assert {h["hulp"] for h in data["hulp"]} == {"Daderprogramma"}
    # The victim's own export keeps the household's coaching.
    _pdf, hers = exports(as_user(w.involved), w, request_of(w, w.anna))
    assert COACHING_NOTE in json.dumps(hers, ensure_ascii=False)


# --- 5. Who looked -------------------------------------------------------------------------------------


def test_who_looked_is_in_it_only_once_granted_with_the_identity_checked(rights_family, as_user):
    w = rights_family
    as_user(w.involved).get(f"/huishoudens/{w.household.reference}/")
    web = as_user(w.involved)
    request = request_of(w, w.dirk, checked=False)
    pdf, data = exports(web, w, request)
    assert data["wie_uw_gegevens_bekeek"] is None
    assert "Dit deel komt erbij zodra uw verzoek is toegestaan" in " ".join(pdf.split())
    granted(w, request)
    _pdf, data = exports(web, w, request)
    assert data["wie_uw_gegevens_bekeek"] is None
    assert (
        web.post(f"/huishoudens/{w.household.reference}/verzoeken/{request.pk}/identiteit/").status_code
        == 302
    )
    request.refresh_from_db()
    assert request.identity_checked
    _pdf, data = exports(web, w, request)
    assert data["wie_uw_gegevens_bekeek"]


def test_probation_hands_over_only_its_own_looks_and_a_count_of_the_others(rights_family, as_user):
    w = rights_family
    as_user(w.involved).get(f"/huishoudens/{w.household.reference}/")
    as_user(w.shelter_worker).get(f"/huishoudens/{w.household.reference}/")
    as_user(w.probation).get(f"/huishoudens/{w.household.reference}/plan/")
    request = granted(w, request_of(w, w.dirk, who=w.probation), who=w.probation)
    pdf, data = exports(as_user(w.probation), w, request)
    looked = data["wie_uw_gegevens_bekeek"]
    assert looked and {r["organisatie"] for r in looked} == {"de reclassering"}
    assert data["wie_uw_gegevens_bekeek_andere_partners_aantal_keer"] >= 2
    assert "Andere partners bekeken uw gegevens in totaal" in " ".join(pdf.split())
    text = json.dumps(looked, ensure_ascii=False)
    for partner in ("Wijkteams", "wijkteam", "Opvang", "hulporganisatie", "Reclassering Test"):
        assert partner not in text, partner


def test_his_export_names_no_professional_who_looked(rights_family, as_user):
    w = rights_family
    as_user(w.involved).get(f"/huishoudens/{w.household.reference}/")
    as_user(w.shelter_worker).get(f"/huishoudens/{w.household.reference}/")
    request = granted(w, request_of(w, w.dirk))
    _pdf, data = exports(as_user(w.involved), w, request)
    looked = data["wie_uw_gegevens_bekeek"]
    assert {"wie": "Professional", "organisatie": "een wijkteam"}.items() <= looked[0].items() or any(
        r["wie"] == "Professional" and r["organisatie"] == "een wijkteam" for r in looked
    )
    assert any(r["organisatie"] == "een hulporganisatie" for r in looked)
    text = json.dumps(looked, ensure_ascii=False)
    for name in ("Involved Test", "Opvang", "Wijkteams Testdorp", "niet genoemd"):
        assert name not in text, name


# --- 6+7. Organisations named ----------------------------------------------------------------------------


def test_his_export_names_only_the_organisations_working_with_him_and_marks_no_shelter(
    rights_family, as_user
):
    w = rights_family
    w.org_a.name = "Sociaal Wijkteam Zwolle-Holtenbroek"
    w.org_a.save()
    as_user(w.shelter_worker).get(f"/huishoudens/{w.household.reference}/")
    request = granted(w, request_of(w, w.dirk))
    pdf, data = exports(as_user(w.involved), w, request)
    text = flat(pdf, data)
    for marker in ("Zwolle", "Holtenbroek", "niet genoemd", "Blijf", "Opvang Centrum"):
        assert marker not in text, marker
    # Probation works with him: named. The neighbourhood team (the whole household) by its kind.
    assert {a["door"] for a in data["veiligheidsbeoordelingen"]} == {"een wijkteam", "Reclassering Testdorp"}
    assert {t["door"] for t in data["tijdlijn"]} <= {
        "een wijkteam",
        "Reclassering Testdorp",
        "een melder",
        "Verband",
    }
    assert "een wijkteam" in " ".join(pdf.split())


def test_her_own_export_describes_the_shelter_as_any_care_organisation(rights_family, as_user):
    w = rights_family
    _pdf, data = exports(as_user(w.involved), w, request_of(w, w.anna))
    assert [h["aanbieder"] for h in data["hulp"] if h["hulp"] == "Opvangplek"] == ["een hulporganisatie"]
    assert "niet genoemd" not in json.dumps(data, ensure_ascii=False)


# --- 8. A shelter handling the request -------------------------------------------------------------------


def test_a_shelter_issues_the_export_in_the_networks_name_and_probation_does_not_read_it(
    rights_family, as_user
):
    w = rights_family
    request = request_of(w, w.dirk, who=w.shelter_worker)
    granted(w, request, who=w.shelter_worker)
    pdf, data = exports(as_user(w.shelter_worker), w, request)
    assert data["gemaakt_door"] == "" and data["namens"] == "Veilig Thuis Testdorp"
    text = flat(pdf, data)
    assert "Opvang" not in text and "Blijf" not in text and w.shelter_worker.display_name not in text
    assert "bij Veilig Thuis Testdorp" in " ".join(pdf.split())  # where to object
    # With a regisseur whom the member may know, in the name of the regisseur's organisation.
    Regie.objects.create(
        household=w.household, user=w.involved, membership=w.involved.memberships.get(), organisation=w.org_a,
        mandated_by=w.manager,
    )  # fmt: skip
    _pdf, data = exports(as_user(w.shelter_worker), w, request)
    assert data["namens"] == "Veilig Thuis Testdorp"  # the neighbourhood team is not named to him
    _pdf, data = exports(as_user(w.shelter_worker), w, request_of(w, w.anna, who=w.shelter_worker))
    assert data["gemaakt_door"] == "" and data["namens"] == "Wijkteams Testdorp"
    # Probation reads the request page: who recorded and decided it, by kind only.
    page = as_user(w.probation).get(f"/huishoudens/{w.household.reference}/verzoeken/{request.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Opvang" not in body and "Blijf" not in body
    assert w.shelter_worker.display_name not in body and "een hulporganisatie" in body
    # The whole-household partner reads it.
    body = (
        as_user(w.involved)
        .get(f"/huishoudens/{w.household.reference}/verzoeken/{request.pk}/")
        .content.decode()
    )
    assert "Blijf Opvang" in body


# --- 9. The free text ------------------------------------------------------------------------------------


def test_his_export_replaces_her_name_contact_place_and_every_shelter(rights_family, as_user):
    w = rights_family
    Person.objects.filter(pk=w.anna.pk).update(phone="06-98765432", email="anna.dam@example.nl")
    # She has a confidential address on the street he lived on himself.
    Address.objects.create(person=w.anna, street="Kerkstraat", house_number="9", postcode="1051BB", city="Testdorp",
                           confidential=True, managed_by=w.team_shelter.organisation)  # fmt: skip
    elsewhere = Region.objects.create(name="IJsselland", code="ijs")
    haven = Organisation.objects.create(region=elsewhere, name="Veilige Haven", kind="shelter")
    ShelterAddress.objects.create(region=elsewhere, organisation=haven, postcode="8011AB")
    plan = FamilyPlan.objects.get(household=w.household)
    text = (
        "Dirk belt Anna niet (06 98765432, anna.dam@example.nl) en zoekt Bram niet op; hij komt niet in Testdorp "
        "of postcodegebied 1066, niet aan de Geheimelaan 7 of de Kerkstraat 9, niet bij Veilige Haven of 8011 AB."
    )
    Goal.objects.create(plan=plan, person=w.dirk, text=text)
    web = as_user(w.involved)
    request = request_of(w, w.dirk)
    _pdf, data = exports(web, w, request)
    goals = [g for part in data["gezinsplan"]["delen"] for g in part["doelen"] if g.startswith("Dirk belt")]
    assert goals == [
        "Dirk belt [afgeschermd] niet ([afgeschermd], [afgeschermd]) en zoekt [afgeschermd] niet op; hij komt "
        "niet in [afgeschermd] of postcodegebied [afgeschermd], niet aan de [afgeschermd] of de [afgeschermd], "
        "niet bij [afgeschermd] of [afgeschermd]."
    ]
    request.refresh_from_db()
    assert request.redacted_passages and request.redacted_passages >= 10
    page = web.get(f"/huishoudens/{w.household.reference}/verzoeken/{request.pk}/").content.decode()
    assert f"zijn {request.redacted_passages} passages vervangen door" in page


def test_the_representative_is_swept_with_the_request(rights_family):
    from verband.retention import erase

    rule = next(r for r in erase.HOUSEHOLD_RULES if r.key == "rights_request")
    assert "representative" in rule.values


# --- 10. Protective measures on the timeline (found by the review of the measures change) ---------------


def test_the_perpetrators_timeline_has_no_line_for_her_alarm(rights_family, as_user):
    """The police records Anna's AWARE alarm: the measure is kept from Dirk, and so is the timeline line
    "Beschermende maatregel" dated the day she got it — it says more than the item kept from him."""
    from datetime import timedelta

    from verband.measures import services as measures

    w = rights_family
    today = timezone.localdate()
    measures.record_measure(
        actor_for(w.involved), w.household,
        measures.MeasureInput(kind="aware", person_id=w.anna.pk, starts_on=today, ends_on=today + timedelta(days=90)),
    )  # fmt: skip
    request = granted(w, request_of(w, w.dirk))
    pdf, data = exports(as_user(w.involved), w, request)
    text = flat(pdf, data)
    assert "Beschermende maatregel" not in text and "maatregel" not in text.lower()
