"""Legal basis chosen, consent recorded (issue 13, item 1): every act of sharing records the basis the
professional chose; consent is a record per person with its scope; withdrawing it ends what rested on it
and tells the regisseur; without consent the five questions are answered and kept with the disclosure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from verband.collaboration.models import Handover
from verband.households.models import Address, AddressDisclosure, Household
from verband.notifications.models import Notification
from verband.plans.models import Regie
from verband.sharing.models import (
    AccessLogEntry,
    Consent,
    ConsentStatus,
    Involvement,
    SharingBasis,
)
from verband.shielding.models import ShieldDecision
from verband.testing import FIVE_ANSWERS


def consent_url(world, suffix=""):
    return f"/huishoudens/{world.household.reference}/toestemming/{suffix}"


def give_consent(client, world, *, partners=None, information=("all",), person=None, **extra):
    anna = world.household.members.get(role="victim").person
    data = {
        "person": (person or anna).pk,
        "status": "given",
        "partners": [p.pk for p in (partners or [world.org_b])],
        "information": list(information),
        "manner": "written",
        "given_on": timezone.localdate().isoformat(),
        **extra,
    }
    return client.post(consent_url(world, "nieuw/"), data)


def refer_to_police(client, world, person=None, **basis):
    """A referral to the police: of one member (`person`), or of the whole household."""
    return client.post(
        f"/huishoudens/{world.household.reference}/overdragen/",
        {"kind": "referral", "to_team": world.team_b1.pk, "question": "Graag een veiligheidsgesprek.",
         "person": person.pk if person is not None else "", **basis},
    )  # fmt: skip


def anna_of(world):
    return world.household.members.get(role="victim").person


# --- Recording consent ------------------------------------------------------------------------------
def test_an_involved_professional_records_consent_with_its_scope(world, as_user):
    response = give_consent(
        as_user(world.involved), world, valid_until=(timezone.localdate() + timedelta(days=90)).isoformat()
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.status == ConsentStatus.GIVEN and consent.manner == "written"
    assert list(consent.partners.all()) == [world.org_b] and consent.information == ["all"]
    assert consent.recorded_by == world.involved and consent.in_force()
    entry = AccessLogEntry.objects.get(object_type="consent", action="create")
    assert entry.subject_person_id == consent.person_id and entry.outcome == "granted"
    page = as_user(world.involved).get(consent_url(world)).content.decode()
    assert "Politie Testdorp" in page and "Het hele dossier" in page and "Schriftelijk" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"partners": []}, "Kies met welke partners de informatie gedeeld mag worden."),
        ({"information": []}, "Kies welke informatie gedeeld mag worden."),
        (
            {"given_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "De datum kan niet in de toekomst liggen.",
        ),
        ({"given_on": "31-02-2026"}, "Vul een datum in als dd-mm-jjjj."),
        ({"manner": "fax"}, "Geef aan hoe de toestemming is gegeven"),
        ({"status": "withdrawn"}, "Geef aan of toestemming is gegeven of geweigerd."),
        ({"information": ["everything"]}, "Kies uit de lijst welke informatie eronder valt."),
        ({"valid_until": "2020-01-01"}, "De einddatum kan niet vóór de datum van de toestemming liggen."),
    ],
)
def test_bad_consent_input_is_refused_in_dutch_and_kept(world, as_user, change, message):
    client = as_user(world.involved)
    anna = world.household.members.get(role="victim").person
    data = {
        "person": anna.pk, "status": "given", "partners": [world.org_b.pk], "information": ["all"],
        "manner": "verbal", "given_on": timezone.localdate().isoformat(), "note": "Zei het aan de keukentafel.", **change,
    }  # fmt: skip
    response = client.post(consent_url(world, "nieuw/"), data)
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert "Zei het aan de keukentafel.</textarea>" in body
    assert not Consent.objects.exists()


def test_a_refusal_is_recorded_without_partners(world, as_user):
    response = give_consent(as_user(world.involved), world, status="refused", partners=[], information=[])
    assert response.status_code == 302
    assert Consent.objects.get().status == ConsentStatus.REFUSED


@pytest.mark.parametrize(("persona", "status"), [("colleague", 404), ("other_org", 404), ("manager", 403)])
def test_others_cannot_record_or_see_consent(world, as_user, persona, status):
    give_consent(as_user(world.involved), world)
    client = as_user(getattr(world, persona))
    assert client.get(consent_url(world)).status_code == status
    assert give_consent(client, world).status_code == status
    consent = Consent.objects.get()
    assert client.get(consent_url(world, f"{consent.pk}/intrekken/")).status_code == status
    assert Consent.objects.count() == 1 and Consent.objects.get().status == ConsentStatus.GIVEN
    if status == 404:
        assert AccessLogEntry.objects.filter(username=persona, outcome="denied").exists()


def test_anonymous_is_sent_to_sign_in(world, client):
    assert client.get(consent_url(world)).status_code == 302


# --- The five questions -----------------------------------------------------------------------------
def test_sharing_without_consent_needs_the_five_questions(world, as_user):
    client = as_user(world.involved)
    response = refer_to_police(client, world, legal_basis="covenant")
    body = response.content.decode()
    assert response.status_code == 400 and not Handover.objects.exists()
    assert body.count("Beantwoord deze vraag in een zin") == 12  # in the summary and at each field
    assert "Graag een veiligheidsgesprek.</textarea>" in body
    assert refer_to_police(client, world, **FIVE_ANSWERS).status_code == 302
    handover = Handover.objects.get()
    basis = SharingBasis.objects.get(kind="handover", subject_id=handover.pk)
    assert basis.legal_basis == "covenant" and basis.proposed_basis == "covenant" and basis.consent is None
    assert basis.q_subsidiarity == FIVE_ANSWERS["q_subsidiarity"] and basis.chosen_by == world.involved
    # Accepted: the police's involvement rests on the basis chosen when asked.
    police = as_user(world.other_org)
    assert police.post(f"/overdrachten/{handover.pk}/", {"decision": "accept"}).status_code == 302
    involvement = Involvement.objects.get(household=world.household, team=world.team_b1)
    assert involvement.basis_record == basis and involvement.legal_basis == "covenant"
    page = client.get(consent_url(world)).content.decode()
    assert "De vijf vragen" in page and FIVE_ANSWERS["q_without_consent"] in page


def test_consent_must_cover_the_partner_and_be_in_force(world, as_user):
    client = as_user(world.involved)
    give_consent(client, world, partners=[world.org_vt])  # not the police
    consent = Consent.objects.get()
    response = refer_to_police(client, world, anna_of(world), legal_basis="consent", consent=consent.pk)
    assert (
        response.status_code == 400
        and "die deze partner en deze informatie dekt" in response.content.decode()
    )
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    give_consent(client, world, given_on=(timezone.localdate() - timedelta(days=3)).isoformat(),
                 valid_until=(timezone.localdate() - timedelta(days=1)).isoformat())  # fmt: skip
    expired = Consent.objects.latest("pk")
    assert (
        refer_to_police(client, world, anna_of(world), legal_basis="consent", consent=expired.pk).status_code
        == 400
    )
    assert not Handover.objects.exists()


# --- Withdrawal ends what rested on it -----------------------------------------------------------------
def test_withdrawing_consent_ends_the_partners_access_and_tells_the_regisseur(world, as_user):
    client = as_user(world.involved)
    membership = world.involved.memberships.get()
    Regie.objects.create(household=world.household, user=world.involved, membership=membership,
                         organisation=world.org_a, mandated_by=world.manager)  # fmt: skip
    give_consent(client, world)
    consent = Consent.objects.get()
    assert (
        refer_to_police(client, world, anna_of(world), legal_basis="consent", consent=consent.pk).status_code
        == 302
    )
    handover = Handover.objects.get()
    police = as_user(world.other_org)
    police.post(f"/overdrachten/{handover.pk}/", {"decision": "accept"})
    household_page = f"/huishoudens/{world.household.reference}/"
    assert police.get(household_page).status_code == 200
    involvement = Involvement.objects.get(household=world.household, team=world.team_b1)
    assert involvement.legal_basis == "consent" and involvement.basis_record.consent == consent

    # The warning first: what will end.
    warning = client.get(consent_url(world, f"{consent.pk}/intrekken/")).content.decode()
    assert (
        "Basisteam Centrum (Politie Testdorp) is niet meer betrokken" in warning
        or "Basisteam Centrum" in warning
    )
    assert police.get(household_page).status_code == 200  # nothing ended by looking

    response = client.post(
        consent_url(world, f"{consent.pk}/intrekken/"),
        {"withdrawn_on": timezone.localdate().isoformat(), "manner": "verbal", "note": "Belde op."},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN and consent.withdrawn_by == world.involved
    involvement.refresh_from_db()
    assert involvement.end_reason == "consent_withdrawn" and involvement.ended_at is not None
    assert police.get(household_page).status_code == 404
    assert Notification.objects.filter(
        user=world.involved, title__contains="Toestemming ingetrokken"
    ).exists() or (
        Notification.objects.filter(user=world.involved, title__contains="Consent withdrawn").exists()
    )
    assert AccessLogEntry.objects.filter(object_type="consent", action="withdraw", outcome="granted").exists()
    # The household stays open: the neighbourhood team is still involved.
    assert Household.objects.get(pk=world.household.pk).status != "closed"


def test_withdrawal_withdraws_a_pending_handover(world, as_user):
    client = as_user(world.involved)
    give_consent(client, world)
    consent = Consent.objects.get()
    refer_to_police(client, world, anna_of(world), legal_basis="consent", consent=consent.pk)
    client.post(consent_url(world, f"{consent.pk}/intrekken/"),
                {"withdrawn_on": timezone.localdate().isoformat(), "manner": "written"})  # fmt: skip
    assert Handover.objects.get().status == "withdrawn"


def test_withdrawal_revokes_an_address_disclosed_on_it(world, as_user):
    client = as_user(world.involved)
    # The police become a partner first (on the covenant), then the address is made confidential.
    refer_to_police(client, world, **FIVE_ANSWERS)
    as_user(world.other_org).post(f"/overdrachten/{Handover.objects.get().pk}/", {"decision": "accept"})
    address = Address.objects.get(street="Dorpsstraat")
    url = f"/huishoudens/{world.household.reference}/adressen/besluit/"
    client.post(url, {"action": "mark", "id": address.pk, "reason": "Opvangadres na bedreiging"})
    give_consent(client, world, information=["address"])
    consent = Consent.objects.get()
    # The consent of someone else (the child) cannot carry Anna's address.
    bram = world.household.members.get(role="child").person
    give_consent(client, world, information=["address"], person=bram)
    brams = Consent.objects.get(person=bram)
    refused = client.post(url, {"action": "disclose", "id": address.pk, "organisation": world.org_b.pk,
                                "reason": "Politie rijdt surveillance", "legal_basis": "consent",
                                "consent": brams.pk})  # fmt: skip
    assert (
        refused.status_code == 400 and not AddressDisclosure.objects.filter(organisation=world.org_b).exists()
    )
    response = client.post(url, {"action": "disclose", "id": address.pk, "organisation": world.org_b.pk,
                                 "reason": "Politie rijdt surveillance", "legal_basis": "consent",
                                 "consent": consent.pk})  # fmt: skip
    assert response.status_code == 302
    police = as_user(world.other_org)
    assert "Dorpsstraat" in police.get(f"/huishoudens/{world.household.reference}/").content.decode()
    client.post(consent_url(world, f"{consent.pk}/intrekken/"),
                {"withdrawn_on": timezone.localdate().isoformat(), "manner": "verbal"})  # fmt: skip
    assert "Dorpsstraat" not in police.get(f"/huishoudens/{world.household.reference}/").content.decode()
    assert AddressDisclosure.objects.get(address=address, organisation=world.org_b).revoked_at is not None


def test_withdrawal_shields_a_shared_item_again(world, as_user):
    client = as_user(world.involved)
    anna = world.household.members.get(role="victim").person
    bram = world.household.members.get(role="child").person
    address = Address.objects.get(street="Dorpsstraat")
    give_consent(client, world, information=["address"])
    consent = Consent.objects.get()
    url = f"/huishoudens/{world.household.reference}/afscherming/"
    client.post(url, {"item_type": "address", "item_id": address.pk, "person": bram.pk, "decision": "shield",
                      "reason": "Nog niet met het kind bespreken"})  # fmt: skip
    # Anna's consent cannot be used to show her own item to herself; her consent can share it with Bram.
    response = client.post(url, {"item_type": "address", "item_id": address.pk, "person": anna.pk,
                                 "decision": "lift", "reason": "Zij wil het zelf zien", "legal_basis": "consent",
                                 "consent": consent.pk})  # fmt: skip
    assert response.status_code == 400
    response = client.post(url, {"item_type": "address", "item_id": address.pk, "person": bram.pk,
                                 "decision": "lift", "reason": "Moeder vindt het goed", "legal_basis": "consent",
                                 "consent": consent.pk})  # fmt: skip
    assert response.status_code == 302
    lift = ShieldDecision.objects.latest("pk")
    assert (
        not lift.shielded
        and SharingBasis.objects.get(kind="shield_lift", subject_id=lift.pk).consent == consent
    )
    client.post(consent_url(world, f"{consent.pk}/intrekken/"),
                {"withdrawn_on": timezone.localdate().isoformat(), "manner": "verbal"})  # fmt: skip
    latest = ShieldDecision.objects.latest("pk")
    assert latest.shielded and latest.person == bram and latest.pk != lift.pk


def test_a_withdrawal_cannot_be_dated_before_the_consent_nor_repeated(world, as_user):
    client = as_user(world.involved)
    give_consent(client, world, given_on=(timezone.localdate() - timedelta(days=2)).isoformat())
    consent = Consent.objects.get()
    url = consent_url(world, f"{consent.pk}/intrekken/")
    early = client.post(
        url, {"withdrawn_on": (timezone.localdate() - timedelta(days=5)).isoformat(), "manner": "verbal"}
    )
    assert early.status_code == 400 and "vóór zij gegeven is" in early.content.decode()
    assert (
        client.post(url, {"withdrawn_on": timezone.localdate().isoformat(), "manner": "verbal"}).status_code
        == 302
    )
    assert client.get(url).status_code == 404  # not in force any more


# --- Taking up ------------------------------------------------------------------------------------------
def test_take_up_records_the_chosen_basis_and_consent_follows(world, as_user):
    from verband.signals.models import Activation, ActivationStatus
    from verband.signals.tests.test_views import _routed  # a routed signal for the reporting centre

    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    vt = as_user(world.vt)
    inbox = vt.get("/werkbak/").content.decode()
    assert 'value="legal_task" selected' in inbox  # the routing rule's proposal
    response = vt.post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "consent"})
    assert response.status_code == 302 and response["Location"].endswith("/toestemming/nieuw/")
    assert Activation.objects.get(pk=activation.pk).status == ActivationStatus.ACCEPTED
    basis = SharingBasis.objects.get(kind="take_up")
    involvement = Involvement.objects.get(household=activation.household, team=world.team_vt)
    assert basis.legal_basis == "consent" and basis.proposed_basis == "legal_task"
    assert involvement.basis_record == basis and basis.subject_id == involvement.pk and basis.consent is None
    reference = activation.household.reference
    page = vt.get(f"/huishoudens/{reference}/toestemming/").content.decode()
    assert "Toestemming nog vast te leggen" in page
    person = activation.household.members.first().person
    vt.post(f"/huishoudens/{reference}/toestemming/nieuw/", {
        "person": person.pk, "status": "given", "partners": [world.org_vt.pk], "information": ["all"],
        "manner": "verbal", "given_on": timezone.localdate().isoformat(), "for_basis": basis.pk,
    })  # fmt: skip
    basis.refresh_from_db()
    assert basis.consent is not None and basis.consent.person == person


def test_take_up_without_a_basis_is_refused(world, as_user):
    from verband.signals.tests.test_views import _routed

    signal = _routed(world, as_user)
    activation = signal.activations.get(team=world.team_vt)
    response = as_user(world.vt).post(f"/werkbak/{activation.pk}/oppakken/", follow=True)
    assert "Kies de grondslag hiervoor." in response.content.decode()
    assert not Involvement.objects.filter(team=world.team_vt).exists()


# --- What a partner working with one member sees ------------------------------------------------------
def test_a_partner_working_with_one_member_sees_only_that_members_consents(world, as_user):
    from verband.shielding.members import scope_involvement

    give_consent(as_user(world.involved), world)  # Anna's
    bram = world.household.members.get(role="child").person
    involvement = Involvement.objects.get(household=world.household, team=world.team_a1)
    other = Involvement.objects.create(household=world.household, team=world.team_b1, organisation=world.org_b,
                                       purpose="help", legal_basis="covenant", started_on=date(2026, 1, 6))  # fmt: skip
    scope_involvement(other, [bram.pk])
    assert involvement.pk != other.pk
    police = as_user(world.other_org)
    for path in (consent_url(world), f"/huishoudens/{world.household.reference}/overdragen/"):
        body = police.get(path).content.decode()
        assert "Anna" not in body, path
