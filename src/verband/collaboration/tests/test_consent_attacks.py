"""Consent against the person the victim fears: a partner working with the perpetrator only (probation),
or any partner of the household, must not use, hijack or withdraw a consent to expose the victim or cut
off what protects her. Found by a review that attacked the consent change; each test failed before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration.models import Handover
from verband.households.models import Address
from verband.network.models import Organisation, Role, Team
from verband.notifications.models import Notification
from verband.plans.models import Regie
from verband.sharing import services as sharing_services
from verband.sharing.models import AccessLogEntry, Consent, Involvement, SharingBasis
from verband.shielding.models import ShieldDecision
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import FIVE_ANSWERS, make_user

TODAY = timezone.localdate


@pytest.fixture
def shelter(family):  # noqa: F811
    """The family, and a shelter working with Anna only."""
    org = Organisation.objects.create(region=family.region, name="Blijf Opvang", kind="shelter")
    family.shelter_org = org
    family.team_shelter = Team.objects.create(organisation=org, name="Opvang Centrum")
    family.shelter_worker = make_user("opvang", org, Role.PROFESSIONAL, family.team_shelter)
    return family


def consent_url(w, suffix=""):
    return f"/huishoudens/{w.household.reference}/toestemming/{suffix}"


def give(client, w, person, partners, information=("all",), **extra):
    return client.post(consent_url(w, "nieuw/"), {
        "person": person.pk, "status": "given", "partners": [p.pk for p in partners],
        "information": list(information), "manner": "written", "given_on": TODAY().isoformat(), **extra,
    })  # fmt: skip


def refer(client, w, team, person, **basis):
    return client.post(f"/huishoudens/{w.household.reference}/overdragen/", {
        "kind": "referral", "to_team": team.pk, "question": "Graag hulp voor dit gezinslid.",
        "person": person.pk if person is not None else "", **basis,
    })  # fmt: skip


def withdraw(client, w, consent):
    return client.post(consent_url(w, f"{consent.pk}/intrekken/"),
                       {"withdrawn_on": TODAY().isoformat(), "manner": "verbal"})  # fmt: skip


def test_probation_cannot_attach_a_consent_to_another_partners_take_up(shelter, as_user):
    w = shelter
    waiting = SharingBasis.objects.create(household=w.household, kind="take_up", legal_basis="consent",
                                          chosen_by=w.shelter_worker, chosen_by_organisation=w.shelter_org)  # fmt: skip
    involvement = sharing_services.involve(SYSTEM, w.household, team=w.team_shelter, purpose="protection",
                                           legal_basis="consent", started_on=TODAY(), basis_record=waiting)  # fmt: skip
    probation = as_user(w.probation)
    response = give(probation, w, w.dirk, [Organisation.objects.get(kind="probation")], for_basis=waiting.pk)
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.consent is None and not Consent.objects.exists()
    assert AccessLogEntry.objects.filter(username="reclassering", object_type="sharing_basis",
                                         outcome="denied").exists()  # fmt: skip
    assert Involvement.objects.active().filter(pk=involvement.pk).exists()


def test_a_take_up_waits_for_a_consent_that_covers_its_organisation_and_the_whole_file(world, as_user):
    waiting = SharingBasis.objects.create(household=world.household, kind="take_up", legal_basis="consent",
                                          chosen_by=world.involved, chosen_by_organisation=world.org_a)  # fmt: skip
    client = as_user(world.involved)
    anna = world.household.members.get(role="victim").person
    narrow = give(client, world, anna, [world.org_b], information=("address",), for_basis=waiting.pk)
    assert narrow.status_code == 400 and "uw organisatie en het hele dossier" in narrow.content.decode()
    assert give(client, world, anna, [world.org_a], for_basis=waiting.pk).status_code == 302
    waiting.refresh_from_db()
    assert waiting.consent is not None


def test_consent_never_lifts_a_default_shield_nor_shares_someone_elses_item(family, as_user):  # noqa: F811
    w = family
    client = as_user(w.involved)
    anna_address = Address.objects.get(person=w.anna)
    give(client, w, w.anna, [w.org_b], information=("address",))
    give(client, w, w.bram, [w.org_b], information=("address",))
    annas, brams = Consent.objects.get(person=w.anna), Consent.objects.get(person=w.bram)
    url = f"/huishoudens/{w.household.reference}/afscherming/"
    lift = {
        "item_type": "address",
        "item_id": anna_address.pk,
        "decision": "lift",
        "reason": "Omgang geregeld",
    }
    # Anna's address is kept from Dirk by default: no consent lifts that, not even hers.
    for consent in (annas, brams):
        response = client.post(
            url, {**lift, "person": w.dirk.pk, "legal_basis": "consent", "consent": consent.pk}
        )
        assert response.status_code == 400
    # Shown to Bram (not shielded by default): only on Anna's consent, not on Bram's.
    client.post(
        url, {**lift, "decision": "shield", "person": w.bram.pk, "reason": "Nog niet met hem bespreken"}
    )
    assert (
        client.post(
            url, {**lift, "person": w.bram.pk, "legal_basis": "consent", "consent": brams.pk}
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {**lift, "person": w.bram.pk, "legal_basis": "consent", "consent": annas.pk}
        ).status_code
        == 302
    )
    assert not ShieldDecision.objects.filter(person=w.dirk, shielded=False).exists()


def test_one_members_consent_carries_only_that_members_handover(shelter, as_user):
    w = shelter
    client = as_user(w.involved)
    give(client, w, w.dirk, [w.shelter_org])
    dirks = Consent.objects.get(person=w.dirk)
    for person in (w.anna, None):
        response = refer(client, w, w.team_shelter, person, legal_basis="consent", consent=dirks.pk)
        assert response.status_code == 400
    assert not Handover.objects.exists()


def test_only_the_recording_organisation_or_the_regisseurs_withdraws(family, as_user):  # noqa: F811
    w = family
    client = as_user(w.involved)
    give(client, w, w.anna, [w.org_b])
    consent = Consent.objects.get()
    police = make_user("agent", w.org_b, Role.PROFESSIONAL, w.team_b1)
    sharing_services.involve(SYSTEM, w.household, team=w.team_b1, purpose="protection", legal_basis="legal_task",
                             started_on=TODAY())  # fmt: skip
    assert as_user(police).get(consent_url(w)).status_code == 200
    assert "/intrekken/" not in as_user(police).get(consent_url(w)).content.decode()
    assert withdraw(as_user(police), w, consent).status_code == 404
    assert Consent.objects.get().status == "given"
    assert AccessLogEntry.objects.filter(username="agent", action="withdraw", outcome="denied").exists()
    # The regisseur's organisation may: regie with the police now.
    Regie.objects.create(household=w.household, user=police, membership=police.memberships.get(),
                         organisation=w.org_b, mandated_by=w.manager)  # fmt: skip
    assert withdraw(as_user(police), w, consent).status_code == 302


def test_a_consent_referral_gets_its_own_involvement_and_withdrawal_ends_only_that(shelter, as_user):
    w = shelter
    client = as_user(w.involved)
    # The shelter already helps Dirk on a covenant (member-scoped).
    refer(client, w, w.team_shelter, w.dirk, **FIVE_ANSWERS)
    as_user(w.shelter_worker).post(f"/overdrachten/{Handover.objects.get().pk}/", {"decision": "accept"})
    give(client, w, w.anna, [w.shelter_org])
    consent = Consent.objects.get()
    refer(client, w, w.team_shelter, w.anna, legal_basis="consent", consent=consent.pk)
    second = Handover.objects.get(person=w.anna)
    as_user(w.shelter_worker).post(f"/overdrachten/{second.pk}/", {"decision": "accept"})
    own = Involvement.objects.active().get(team=w.team_shelter, basis_record__consent=consent)
    assert list(own.scoped_members.values_list("person_id", flat=True)) == [w.anna.pk]
    page = f"/huishoudens/{w.household.reference}/"
    assert "Anna" in as_user(w.shelter_worker).get(page).content.decode()
    withdraw(client, w, consent)
    body = as_user(w.shelter_worker).get(page).content.decode()
    assert "Dirk" in body and "Anna" not in body  # still helping Dirk, no longer Anna
    assert Notification.objects.filter(user=w.shelter_worker, title__icontains=w.household.reference).exists()


def test_a_consent_that_ran_out_is_refused_at_acceptance(world, as_user):
    client = as_user(world.involved)
    anna = world.household.members.get(role="victim").person
    give(client, world, anna, [world.org_b])
    consent = Consent.objects.get()
    assert (
        refer(client, world, world.team_b1, anna, legal_basis="consent", consent=consent.pk).status_code
        == 302
    )
    Consent.objects.filter(pk=consent.pk).update(valid_until=TODAY() - timedelta(days=1))
    response = as_user(world.other_org).post(
        f"/overdrachten/{Handover.objects.get().pk}/", {"decision": "accept"}
    )
    assert response.status_code in (302, 400)
    assert Handover.objects.get().status == "pending"
    assert not Involvement.objects.filter(team=world.team_b1, household=world.household).exists()


def test_probation_reads_no_shelter_and_no_other_member_on_the_consent_pages(shelter, as_user):
    w = shelter
    client = as_user(w.probation)
    give(client, w, w.dirk, [w.shelter_org, Organisation.objects.get(kind="probation")])
    body = client.get(consent_url(w)).content.decode()
    assert "Blijf Opvang" not in body and "Reclassering Testdorp" in body
    consent = Consent.objects.get()
    warning = client.get(consent_url(w, f"{consent.pk}/intrekken/")).content.decode()
    assert "Blijf Opvang" not in warning and "Anna" not in warning
    form = client.get(f"/huishoudens/{w.household.reference}/overdragen/").content.decode()
    consents = form[form.index('id="basis-consent"') :].split("</select>")[0]
    assert "Dirk Vos" in consents and "Blijf Opvang" not in consents and "Anna" not in form


def test_someone_elses_consent_id_is_refused_and_logged(family, as_user):  # noqa: F811
    w = family
    give(as_user(w.involved), w, w.anna, [w.org_b])
    annas = Consent.objects.get()
    probation = as_user(w.probation)
    response = refer(probation, w, w.team_b1, w.dirk, legal_basis="consent", consent=annas.pk)
    assert response.status_code == 400
    assert AccessLogEntry.objects.filter(username="reclassering", action="use", outcome="denied").exists()
    # Recording a consent for a member outside one's scope: the same answer as for no member at all.
    outside = give(probation, w, w.anna, [w.org_b]).content.decode()
    nobody = probation.post(
        consent_url(w, "nieuw/"), {"person": "999999", "status": "given"}
    ).content.decode()
    assert (
        "Kies het gezinslid van wie deze toestemming is." in outside
        and "Kies het gezinslid van wie" in nobody
    )
    assert "met wie uw organisatie werkt" not in outside


def test_a_regisseur_cut_off_by_a_withdrawal_loses_regie(world, as_user):
    client = as_user(world.involved)
    anna = world.household.members.get(role="victim").person
    give(client, world, anna, [world.org_b])
    consent = Consent.objects.get()
    refer(client, world, world.team_b1, anna, legal_basis="consent", consent=consent.pk)
    as_user(world.other_org).post(f"/overdrachten/{Handover.objects.get().pk}/", {"decision": "accept"})
    regie = Regie.objects.create(household=world.household, user=world.other_org,
                                 membership=world.other_org.memberships.get(), organisation=world.org_b,
                                 mandated_by=world.manager)  # fmt: skip
    # The police (regisseur's organisation) records that Anna withdrew.
    assert withdraw(as_user(world.other_org), world, consent).status_code == 302
    regie.refresh_from_db()
    assert regie.ended_at is not None
    assert Notification.objects.filter(
        user=world.manager, title__icontains=world.household.reference
    ).exists()


def test_a_consent_date_before_2000_is_a_typing_error(world, as_user):
    anna = world.household.members.get(role="victim").person
    response = give(as_user(world.involved), world, anna, [world.org_b], given_on="0001-01-01")
    assert response.status_code == 400 and not Consent.objects.exists()
