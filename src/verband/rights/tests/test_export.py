"""The export for a request for access. Dirk's (the perpetrator's) lacks Anna's shelter address, her old
address, the shelter, her shelter place, the escape agreement, the meeting's decisions and the assessment's
summary, her name, her birth date and Bram; it holds Dirk's own data and items, and who looked at his data
— by role and kind of organisation. Anna's own export holds her data, with her shelter address as "geheim
adres" unless the decision writes it out, and names who looked (a shelter by its kind only). Making an
export is logged. The attacks a review found are in `test_export_attacks`."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from verband.collaboration.tests.shielded_family import ANNA_SUMMARY, DECISIONS, MINUTES, SHELTER_NOTE
from verband.rights import services
from verband.rights.export import Redactor
from verband.rights.models import RightsRequest
from verband.rights.tests.conftest import (
    DIRK_AGREEMENT,
    DIRK_BSN,
    ESCAPE,
    GOAL_WITH_STREET,
    SHELTER_POSTCODE,
    SHELTER_STREET,
)
from verband.sharing.accesslog import record
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

ASKED = "Ik wil al mijn gegevens zien en weten wie ze heeft bekeken."

# What says where Anna is, or is kept from Dirk, or is someone else's personal data.
NOT_FOR_DIRK = (
    SHELTER_STREET,
    SHELTER_POSTCODE,
    "1066 XY",
    "Dorpsstraat",  # Anna's earlier address
    "1012AB",
    "Blijf Opvang",
    "Opvang Centrum",
    "Opvangplek",
    "opvang",
    SHELTER_NOTE,
    ESCAPE,
    MINUTES,
    DECISIONS,
    ANNA_SUMMARY,
    "Bram",
    "02-01-1990",
    "1990-01-02",
    "2 januari 1990",
)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def request_of(w, person, who=None, *, grant=False) -> RightsRequest:
    """Dirk's or Anna's request, recorded by letter with the identity checked (granted: decided too, so who
    looked is in the export)."""
    request = services.record_request(
        actor_for(who or w.involved), w.household, person_id=person.pk, kind="access", how_received="letter",
        received_on=timezone.localdate(), asked=ASKED, identity_checked=True,
    )  # fmt: skip
    if grant:
        services.decide(actor_for(who or w.involved), request, "granted", "U krijgt het overzicht.")
        request.refresh_from_db()
    return request


def exports(web, w, request) -> tuple[str, dict]:
    url = f"/huishoudens/{w.household.reference}/verzoeken/{request.pk}/inzage"
    pdf = web.get(f"{url}.pdf")
    data = web.get(f"{url}.json")
    assert pdf.status_code == 200 and data.status_code == 200
    return pdf_text(pdf.content), json.loads(data.content)


def test_the_perpetrators_export_lacks_the_victims_whereabouts_and_what_is_kept_from_him(
    rights_family, as_user
):
    w = rights_family
    as_user(w.shelter_worker).get("/huishoudens/HH-T-0001/")  # the shelter looked at everyone's data
    request = request_of(w, w.dirk, grant=True)
    pdf, data = exports(as_user(w.involved), w, request)
    raw = json.dumps(data, ensure_ascii=False)
    for text in (pdf, raw):
        flat = " ".join(text.split())
        for secret in NOT_FOR_DIRK:
            assert secret.lower() not in flat.lower(), secret
    # His own data and his own items are in it.
    for own in ("Dirk", "Vos", DIRK_BSN, "Kerkstraat 4", DIRK_AGREEMENT.replace("Anna", "[afgeschermd]"),
                "Dirk aanmelden bij het daderprogramma", "Daderprogramma", "Pleger"):  # fmt: skip
        assert own in " ".join(pdf.split()) and own in raw, own
    # The goal that named her street by mistake, with the street (and her name) taken out.
    assert (
        GOAL_WITH_STREET.replace(SHELTER_STREET, "[afgeschermd]").replace("Anna", "[afgeschermd]")
        in (data["gezinsplan"]["delen"][0]["doelen"])
    )
    # The assessments' facts and his own scores, not the texts about the household.
    assert [a["uw_veiligheid_volgens_de_professional"] for a in data["veiligheidsbeoordelingen"]] == [8, 7]
    assert {a["toelichting"] for a in data["veiligheidsbeoordelingen"]} == {""}
    assert data["casusoverleggen"][0]["besluiten"] == ""
    # The timeline's lines about items (her shelter place, her referral) are not in it; the course of the case is.
    kinds = {t["soort"] for t in data["tijdlijn"]}
    assert not kinds & {"Hulp", "Overdracht", "Escalatie", "Gevaar voor hulpverleners"}
    assert {"Veiligheidsbeoordeling", "Casusoverleg"} <= kinds
    # Who looked: by role and kind of organisation, the shelter as any other that gives help.
    looked = data["wie_uw_gegevens_bekeek"]
    assert any(row["wie"] == "Professional" and row["organisatie"] == "een wijkteam" for row in looked)
    assert any(row["wie"] == "Professional" and row["organisatie"] == "een hulporganisatie" for row in looked)
    assert "opvang" not in json.dumps(looked).lower() and "Involved" not in json.dumps(looked)


def test_the_export_lists_who_looked_at_the_persons_data_in_this_household(rights_family, as_user):
    w = rights_family
    as_user(w.involved).get("/huishoudens/HH-T-0001/")
    as_user(w.probation).get("/huishoudens/HH-T-0001/plan/")
    # Somebody looked at Anna only, and at Dirk in another household: not in Dirk's list.
    record(
        actor_for(w.vt),
        action="view",
        object_type="addresses",
        household_id=w.household.pk,
        person_id=w.anna.pk,
    )
    record(actor_for(w.vt), action="view", object_type="household", household_id=w.other_household.pk,
           person_id=w.dirk.pk)  # fmt: skip
    request = request_of(w, w.dirk, grant=True)
    _pdf, data = exports(as_user(w.involved), w, request)
    looked = data["wie_uw_gegevens_bekeek"]
    today = timezone.localdate().isoformat()
    assert {
        "datum": today, "wie": "Professional", "organisatie": "een wijkteam", "rol": "Professional",
        "wat": "huishouden ingezien", "aantal_keer": 1,
    } in looked  # fmt: skip
    assert any(r["wie"] == "Professional" and r["organisatie"] == "de reclassering" for r in looked)
    assert not any(r["organisatie"] in ("Veilig Thuis", "Veilig Thuis Testdorp") for r in looked)
    assert data["wie_uw_gegevens_bekeek_andere_partners_aantal_keer"] is None
    # The PDF says it in words too.
    pdf, _data = exports(as_user(w.involved), w, request)
    flat = " ".join(pdf.split())
    assert "Wie uw gegevens bekeek" in flat and "Huishouden ingezien" in flat and "de reclassering" in flat
    # Anna's own export names who looked at her data (she asked herself, and is no threat to anyone).
    as_user(w.involved).get("/huishoudens/HH-T-0001/")
    _pdf, hers = exports(as_user(w.involved), w, request_of(w, w.anna, grant=True))
    assert any(
        r["wie"] == "Involved Test" and r["organisatie"] == "Wijkteams Testdorp"
        for r in hers["wie_uw_gegevens_bekeek"]
    )


def test_making_the_export_is_logged(rights_family, as_user):
    w = rights_family
    request = request_of(w, w.dirk, grant=True)
    exports(as_user(w.involved), w, request)
    entries = AccessLogEntry.objects.filter(action="export", object_type="rights_export")
    assert {(e.username, e.object_id, e.subject_household_id, e.subject_person_id) for e in entries} == {
        ("involved", f"{request.pk}:pdf", w.household.pk, w.dirk.pk),
        ("involved", f"{request.pk}:json", w.household.pk, w.dirk.pk),
    }
    request.refresh_from_db()
    assert request.exported_at is not None
    # The next export lists the first ones among who looked.
    _pdf, data = exports(as_user(w.involved), w, request)
    assert any(
        r["wat"].startswith("overzicht van de gegevens van een gezinslid")
        for r in data["wie_uw_gegevens_bekeek"]
    )


def test_the_victims_own_export_holds_her_data_and_her_shelter_address_only_for_whom_may_see_it(
    rights_family, as_user
):
    w = rights_family
    request = request_of(w, w.anna)
    pdf, data = exports(as_user(w.involved), w, request)
    addresses = {a["adres"] for a in data["adressen"]}
    assert addresses == {"geheim adres", "Dorpsstraat 12, 1012AB Testdorp"}
    assert data["persoon"]["geboortedatum"] == "1990-01-02" and data["persoon"]["achternaam"] == "Dam"
    assert ESCAPE in json.dumps(data, ensure_ascii=False) and ANNA_SUMMARY in json.dumps(
        data, ensure_ascii=False
    )
    for someone_else in (DIRK_BSN, "Kerkstraat", "0612345678"):
        assert someone_else not in pdf and someone_else not in json.dumps(data), someone_else
    # Her shelter place, with the shelter described as any organisation that gives help.
    assert [h["aanbieder"] for h in data["hulp"] if h["hulp"] == "Opvangplek"] == ["een hulporganisatie"]
    assert "Blijf Opvang" not in pdf and "Opvang Centrum" not in pdf
    # The shelter, to whom the address is disclosed, hands it over in full when its decision says so.
    shelter_request = request_of(w, w.anna, who=w.shelter_worker)
    _pdf, data = exports(as_user(w.shelter_worker), w, shelter_request)
    assert {a["adres"] for a in data["adressen"]} == {"geheim adres", "Dorpsstraat 12, 1012AB Testdorp"}
    services.decide(actor_for(w.shelter_worker), shelter_request, "granted", "U krijgt het overzicht.",
                    release_addresses=True)  # fmt: skip
    _pdf, data = exports(as_user(w.shelter_worker), w, shelter_request)
    assert "Geheimelaan 7, 1066XY Testdorp" in {a["adres"] for a in data["adressen"]}


def test_a_partner_working_with_dirk_only_hands_over_no_more_than_it_sees(rights_family, as_user):
    w = rights_family
    request = request_of(w, w.dirk, who=w.probation)
    _pdf, data = exports(as_user(w.probation), w, request)
    assert [a["door"] for a in data["veiligheidsbeoordelingen"]] == ["Reclassering Testdorp"]
    assert data["casusoverleggen"] == []
    assert all(part["voor"] == "u" for part in data["gezinsplan"]["delen"])
    assert {t["door"] for t in data["tijdlijn"]} == {"Reclassering Testdorp"}
    assert DIRK_AGREEMENT.replace("Anna", "[afgeschermd]") in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["correction", "objection"])
def test_only_a_request_for_access_has_an_export(rights_family, as_user, kind):
    w = rights_family
    request = services.record_request(
        actor_for(w.involved), w.household, person_id=w.dirk.pk, kind=kind, how_received="letter",
        received_on=timezone.localdate(), asked="Ik maak bezwaar tegen het delen met de politie.",
    )  # fmt: skip
    response = as_user(w.involved).get(f"/huishoudens/HH-T-0001/verzoeken/{request.pk}/inzage.pdf")
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(object_type="rights_export", outcome="denied").exists()
    assert not AccessLogEntry.objects.filter(object_type="rights_export", outcome="granted").exists()


def test_the_redactor_replaces_streets_postcodes_and_shelters_as_words():
    redact = Redactor(["Geheimelaan", "Blijf Opvang", "Op"], ["1066XY"])
    assert redact("Anna woont aan de geheimelaan 7, 1066 xy; Blijf Opvang helpt.") == (
        "Anna woont aan de [afgeschermd] 7, [afgeschermd]; [afgeschermd] helpt."
    )
    assert redact("Geheimelaantje en 10660XY blijven") == "Geheimelaantje en 10660XY blijven"
    assert redact("Op tijd") == "Op tijd"  # terms shorter than three characters are not searched
    assert Redactor([], [])("niets") == "niets"


def test_the_redactor_takes_a_street_with_its_number_phones_whatever_their_form_and_postcode_areas():
    redact = Redactor([], [], streets=["Geheimelaan"], names=["Bo"], phones=["06-12345678"], areas=["1066XY"])
    assert redact("Bo woont aan de Geheimelaan 7a, 1066 AB; bel +31 6 1234 5678 of 0612345678.") == (
        "[afgeschermd] woont aan de [afgeschermd], [afgeschermd]; bel [afgeschermd] of [afgeschermd]."
    )
    assert redact.replaced == 5
    assert redact("Boven in 10660 of in 1066 en daarna") == "Boven in 10660 of in [afgeschermd] en daarna"
