"""The request pages, for every persona: the case worker of the household records, decides, extends, makes
the export and marks it delivered; a partner working with Dirk only sees and handles Dirk's requests; the
uninvolved, an emergency access and other organisations get "not found" with a denied entry; roles without
casework get the refusal page; the privacy officer sees the region's requests by reference and number."""

from __future__ import annotations

import html
import json

import pytest
from django.utils import timezone

from verband.network.models import Region, Role
from verband.rights import services
from verband.rights.models import RightsRequest, RightsStatus
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user

ASKED = "Ik wil weten wat er over mij is vastgelegd en wie dat heeft gezien."
REASON = "U krijgt een overzicht van alle gegevens die over u zijn vastgelegd."


def body(response) -> str:
    return html.unescape(response.content.decode())


def base(w) -> str:
    return f"/huishoudens/{w.household.reference}/verzoeken/"


def record(w, person, who=None) -> RightsRequest:
    return services.record_request(
        actor_for(who or w.involved), w.household, person_id=person.pk, kind="access", how_received="email",
        received_on=timezone.localdate(), asked=ASKED,
    )  # fmt: skip


def urls(w, request: RightsRequest) -> list[tuple[str, str]]:
    one = f"{base(w)}{request.pk}/"
    return [
        ("get", base(w)),
        ("post", base(w)),
        ("get", one),
        ("post", f"{one}besluiten/"),
        ("post", f"{one}verlengen/"),
        ("post", f"{one}geleverd/"),
        ("post", f"{one}identiteit/"),
        ("get", f"{one}inzage.pdf"),
        ("get", f"{one}inzage.json"),
    ]


def test_the_case_worker_records_decides_exports_and_delivers(family, as_user):
    w = family
    web = as_user(w.involved)
    page = body(web.get(base(w)))
    assert "Verzoeken op grond van de AVG" in page and "Dirk Vos" in page and "Anna van Dam" in page
    # Refused input: Dutch messages next to the fields, what was typed kept, nothing stored.
    refused = web.post(
        base(w), {"person": str(w.dirk.pk), "kind": "", "received_on": "", "asked": "Ik wil alles"}
    )
    assert refused.status_code == 400
    text = body(refused)
    assert "Kies wat de persoon vraagt." in text and "Kies hoe het verzoek binnenkwam." in text
    assert "Vul de dag in waarop het verzoek binnenkwam" in text and "Ik wil alles" in text
    assert not RightsRequest.objects.exists()
    made = web.post(base(w), {"person": str(w.dirk.pk), "kind": "access", "how_received": "letter",
                              "received_on": timezone.localdate().isoformat(), "asked": ASKED,
                              "identity_checked": "on"})  # fmt: skip
    request = RightsRequest.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{base(w)}{request.pk}/"
    assert request.identity_checked and request.person == w.dirk
    detail = body(web.get(made["Location"]))
    assert "Inzage in eigen gegevens: verzoek van Dirk Vos" in detail and ASKED in detail
    assert "Overzicht downloaden (PDF)" in detail and "Termijn verlengen" in detail
    # The decision needs its reason.
    no_reason = web.post(f"{base(w)}{request.pk}/besluiten/", {"outcome": "granted", "decision": ""})
    assert no_reason.status_code == 400 and "Geef de reden in een zin" in body(no_reason)
    assert (
        web.post(f"{base(w)}{request.pk}/besluiten/", {"outcome": "granted", "decision": REASON}).status_code
        == 302
    )
    # Delivering needs the export first.
    early = web.post(f"{base(w)}{request.pk}/geleverd/")
    assert early.status_code == 400 and "Maak eerst het overzicht" in body(early)
    pdf = web.get(f"{base(w)}{request.pk}/inzage.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="inzage-HH-T-0001-{request.pk}.pdf"'
    data = json.loads(web.get(f"{base(w)}{request.pk}/inzage.json").content)
    assert data["persoon"]["achternaam"] == "Vos" and data["huishouden"] == "HH-T-0001"
    assert web.post(f"{base(w)}{request.pk}/geleverd/").status_code == 302
    request.refresh_from_db()
    assert request.status == RightsStatus.DELIVERED
    exports = AccessLogEntry.objects.filter(action="export", object_type="rights_export", username="involved")
    assert {e.object_id for e in exports} == {f"{request.pk}:pdf", f"{request.pk}:json"}
    assert {e.subject_person_id for e in exports} == {w.dirk.pk}


def test_the_deadline_is_extended_with_a_reason(family, as_user):
    w = family
    request = record(w, w.anna)
    web = as_user(w.involved)
    refused = web.post(f"{base(w)}{request.pk}/verlengen/", {"months": "3", "extension_reason": ""})
    assert refused.status_code == 400 and "Kies één of twee maanden." in body(refused)
    done = web.post(f"{base(w)}{request.pk}/verlengen/", {"months": "2", "extension_reason": REASON})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.extension_months == 2 and request.due_on == services.legal_due(request.received_on, 2)
    assert "Verlengd met 2 maanden" in body(web.get(f"{base(w)}{request.pk}/"))


@pytest.mark.parametrize("who", ["colleague", "other_org", "coordinator", "vt"])
def test_who_does_not_work_with_the_household_gets_not_found_and_a_denied_entry(family, as_user, who):
    w = family
    request = record(w, w.dirk)
    user = getattr(w, who)
    web = as_user(user)
    for method, url in urls(w, request):
        before = AccessLogEntry.objects.filter(username=user.username, outcome="denied").count()
        response = getattr(web, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert ASKED not in body(response)
        assert AccessLogEntry.objects.filter(username=user.username, outcome="denied").count() > before, url
    assert RightsRequest.objects.count() == 1 and RightsRequest.objects.get().status == RightsStatus.RECEIVED
    assert not RightsRequest.objects.get().identity_checked


def test_an_emergency_access_opens_no_request(family, as_user):
    w = family
    request = record(w, w.dirk)
    web = as_user(w.colleague)
    web.post("/noodtoegang/", {"reference": "HH-T-0001", "understood": "on",
                               "reason": "Politie meldt nu een steekpartij op het adres van dit gezin."})  # fmt: skip
    assert web.get("/huishoudens/HH-T-0001/").status_code == 200
    assert "Verzoeken (AVG)" not in body(web.get("/huishoudens/HH-T-0001/"))
    for method, url in urls(w, request):
        assert getattr(web, method)(url).status_code in (403, 404), url
    assert AccessLogEntry.objects.filter(
        username="colleague", object_type="rights_request", outcome="denied"
    ).exists()


def test_roles_without_casework_get_the_refusal_page(family, as_user):
    w = family
    request = record(w, w.dirk)
    expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    for user in (w.manager, w.executive, w.privacy_officer, expert):
        web = as_user(user)
        for method, url in urls(w, request):
            assert getattr(web, method)(url).status_code == 403, (user.username, url)
    anonymous = as_user(None)
    for method, url in urls(w, request):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/aanmelden/" in response["Location"]
    assert "Verzoeken (AVG)" not in body(as_user(expert).get("/huishoudens/HH-T-0001/"))
    assert "Verzoeken (AVG)" in body(as_user(w.involved).get("/huishoudens/HH-T-0001/"))


def test_a_partner_working_with_dirk_only_handles_dirks_requests(family, as_user):
    w = family
    anna = record(w, w.anna)
    dirk = record(w, w.dirk)
    web = as_user(w.probation)
    listing = body(web.get(base(w)))
    assert "Dirk Vos" in listing and "Anna" not in listing and "Bram" not in listing
    for method, url in urls(w, anna)[2:]:
        assert getattr(web, method)(url).status_code == 404, url
    denied = AccessLogEntry.objects.filter(
        username="reclassering", object_type="rights_request", outcome="denied"
    )
    assert denied.exists()
    assert web.get(f"{base(w)}{dirk.pk}/").status_code == 200
    refused = web.post(base(w), {"person": str(w.anna.pk), "kind": "objection", "how_received": "letter",
                                 "received_on": timezone.localdate().isoformat(), "asked": ASKED})  # fmt: skip
    assert refused.status_code == 400 and "Kies het gezinslid van wie het verzoek is." in body(refused)
    assert RightsRequest.objects.count() == 2


def test_the_privacy_officer_sees_the_regions_requests_by_reference_and_number(family, as_user):
    w = family
    request = record(w, w.dirk)
    elsewhere = Region.objects.create(name="Elders", code="elders")
    from verband.factories import HouseholdFactory, HouseholdMemberFactory, OrganisationFactory

    other = HouseholdFactory.create(reference="HH-E-0001", region=elsewhere)
    member = HouseholdMemberFactory.create(household=other, role="victim")
    RightsRequest.objects.create(
        household=other, person=member.person, kind="access", how_received="letter", received_on=timezone.localdate(),
        asked=ASKED, due_on=timezone.localdate(), organisation=OrganisationFactory.create(region=elsewhere),
    )  # fmt: skip
    page = body(as_user(w.privacy_officer).get("/verzoeken-avg/"))
    assert "HH-T-0001" in page and str(w.dirk.pk) in page and "Inzage in eigen gegevens" in page
    assert "Dirk" not in page and "Vos" not in page and "HH-E-0001" not in page
    entry = AccessLogEntry.objects.filter(username="privacy", object_type="rights_request").latest("pk")
    assert entry.action == "list" and entry.subject_person_id == w.dirk.pk
    services.decide(actor_for(w.involved), request, "refused", "U hebt deze inzage vorige week al gekregen.")
    assert "HH-T-0001" not in body(as_user(w.privacy_officer).get("/verzoeken-avg/"))
    assert "HH-T-0001" in body(as_user(w.privacy_officer).get("/verzoeken-avg/?alle=1"))
    for user in (w.involved, w.manager):
        assert as_user(user).get("/verzoeken-avg/").status_code == 403


def test_a_request_through_a_representative_names_them_and_the_identity_is_checked_later(family, as_user):
    w = family
    web = as_user(w.involved)
    form = {"person": str(w.bram.pk), "kind": "access", "how_received": "representative",
            "received_on": timezone.localdate().isoformat(), "asked": ASKED}  # fmt: skip
    refused = web.post(base(w), form)
    assert refused.status_code == 400 and "Schrijf op wie de vertegenwoordiger is" in body(refused)
    assert not RightsRequest.objects.exists()
    made = web.post(base(w), {**form, "representative": "Dirk Vos, vader met gezag"})
    request = RightsRequest.objects.get()
    assert made.status_code == 302 and request.representative == "Dirk Vos, vader met gezag"
    page = body(web.get(made["Location"]))
    assert "Vertegenwoordiger" in page and "Dirk Vos, vader met gezag" in page
    assert (
        "Identiteit is gecontroleerd" in page
        and "kan terechtkomen bij iemand voor wie een ander bang is" in page
    )
    # No confidential address to write out for a child's export.
    assert "voluit in het overzicht zetten" not in page
    assert web.post(f"{base(w)}{request.pk}/identiteit/").status_code == 302
    request.refresh_from_db()
    assert request.identity_checked
    entry = AccessLogEntry.objects.filter(username="involved", object_type="rights_request").latest("pk")
    assert (entry.action, entry.object_id, entry.subject_person_id) == ("update", str(request.pk), w.bram.pk)
    assert "Identiteit is gecontroleerd" not in body(web.get(made["Location"]))


def test_the_decision_may_write_out_her_confidential_address_only_for_her_own_request(family, as_user):
    from verband.households.models import Address

    w = family
    Address.objects.create(person=w.anna, street="Geheimelaan", house_number="7", postcode="1066XY",
                           confidential=True, managed_by=w.org_a)  # fmt: skip
    web = as_user(w.involved)
    anna, dirk = record(w, w.anna), record(w, w.dirk)
    assert "voluit in het overzicht zetten" in body(web.get(f"{base(w)}{anna.pk}/"))
    assert "voluit in het overzicht zetten" not in body(web.get(f"{base(w)}{dirk.pk}/"))
    tampered = web.post(f"{base(w)}{dirk.pk}/besluiten/",
                        {"outcome": "granted", "decision": REASON, "release_addresses": "on"})  # fmt: skip
    assert tampered.status_code == 400 and "Een geheim adres staat alleen voluit" in body(tampered)
    dirk.refresh_from_db()
    assert dirk.status == RightsStatus.RECEIVED and not dirk.addresses_released
    done = web.post(f"{base(w)}{anna.pk}/besluiten/",
                    {"outcome": "granted", "decision": REASON, "release_addresses": "on"})  # fmt: skip
    assert done.status_code == 302
    anna.refresh_from_db()
    assert anna.addresses_released
    assert "De geheime adressen van de persoon staan voluit in het overzicht." in body(
        web.get(f"{base(w)}{anna.pk}/")
    )
