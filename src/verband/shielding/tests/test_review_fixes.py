"""What an attack review of the shielding found, kept fixed: a shelter holding regie or owning an action is
not named to a partner working with the perpetrator only nor in his copy; no area on his signal page; no
relations to members he does not see; no reporting shelter in a statement's heading; a shelter location
with a house-number addition is still the shelter; the pending-statements count follows the scope."""

import io
from datetime import date

from pypdf import PdfReader

from verband.households.models import Address
from verband.households.selectors import pending_statement_count
from verband.network.models import Organisation, Role, ShelterAddress, Team
from verband.plans.models import FamilyPlan, PlanAction, Regie
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.signals import services as signal_services
from verband.signals.models import SignalPerson
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for, make_user


def _shelter(world):
    org = Organisation.objects.create(region=world.region, name="Blijf Opvang", kind="shelter")
    team = Team.objects.create(organisation=org, name="Opvang Centrum")
    return org, make_user("opvangwerker", org, Role.PROFESSIONAL, team)


def test_a_shelter_holding_regie_is_not_named_to_probation_or_in_his_copy(family, as_user, client):  # noqa: F811
    org, worker = _shelter(family)
    Regie.objects.create(household=family.household, user=worker, membership=worker.memberships.get(),
                         organisation=org, mandated_by=family.involved)  # fmt: skip
    plan = FamilyPlan.objects.get(household=family.household)
    PlanAction.objects.create(
        plan=plan, text="Plek regelen", owner_organisation=org, due_on=date(2026, 12, 20)
    )
    reference = family.household.reference
    page = as_user(family.probation).get(f"/huishoudens/{reference}/").content.decode()
    assert "Blijf Opvang" not in page and "Opvangwerker" not in page
    assert "De regisseur is afgeschermd" in page
    whole = as_user(family.involved)
    assert "Blijf Opvang" in whole.get(f"/huishoudens/{reference}/").content.decode()
    copy = whole.get(f"/huishoudens/{reference}/plan/gezinsplan.pdf?voor={family.dirk.pk}")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(copy.content)).pages)
    assert "Blijf Opvang" not in text and "Plek regelen" not in text
    assert "Opvangwerker" not in text


def test_no_area_on_the_signal_page_of_a_member_scoped_partner(family, as_user):  # noqa: F811
    data = SignalInput(kind="report", description="Zorgen om Anna.", persons=[
        PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                    birth_year=1990, birth_month=1, birth_day=2)])  # fmt: skip
    signal, _ = signal_services.receive(actor_for(family.other_org), data)
    (sp,) = signal_services.recognise(signal)
    signal_services.confirm_recognition(actor_for(family.other_org), signal, {sp.pk: family.anna.pk})
    signal_services.finish(signal.pk)
    signal.refresh_from_db()
    assert signal.postcode == "1012AB"  # routed by Anna's known area
    page = as_user(family.probation).get(f"/meldingen/{signal.reference}/").content.decode()
    assert "1012" not in page


def test_probation_records_no_relation_with_a_member_it_does_not_see(family, as_user):  # noqa: F811
    from verband.households.models import Relation

    response = as_user(family.probation).post(
        f"/huishoudens/{family.household.reference}/relaties/",
        {"person": family.dirk.pk, "other": family.anna.pk, "kind": "ex_partner"},
    )
    assert response.status_code == 200
    assert not Relation.objects.filter(person=family.dirk).exists()


def test_a_statement_heading_names_no_shelter_to_probation(family, as_user):  # noqa: F811
    _org, worker = _shelter(family)
    data = SignalInput(kind="report", description="Vader belde de opvang.", persons=[
        PersonInput(role="perpetrator", given_names="Dirk", family_name="Vos", birth_year=1988,
                    phone="0611111111")])  # fmt: skip
    signal, _ = signal_services.receive(actor_for(worker), data)
    signal.persons.update(person=family.dirk, match_state="confirmed")
    signal_services.finish(signal.pk)
    assert SignalPerson.objects.get(signal=signal).statement == "pending"
    page = (
        as_user(family.probation).get(f"/huishoudens/{family.household.reference}/adressen/").content.decode()
    )
    assert "0611111111" in page and "Blijf Opvang" not in page and signal.reference not in page
    whole = (
        as_user(family.involved).get(f"/huishoudens/{family.household.reference}/adressen/").content.decode()
    )
    assert "Blijf Opvang" in whole


def test_a_shelter_location_with_a_house_number_addition_is_the_shelter(family):  # noqa: F811
    ShelterAddress.objects.create(region=family.region, postcode="1068XW", house_number="5")
    data = SignalInput(kind="police_registration", description="Aangifte.", persons=[
        PersonInput(role="victim", given_names="Lotte", family_name="Smit", street="Toevluchtstraat",
                    house_number="5A", postcode="1068XW")])  # fmt: skip
    signal, _ = signal_services.receive(actor_for(family.other_org), data)
    signal_services.finish(signal.pk)
    signal.refresh_from_db()
    assert Address.objects.get(street="Toevluchtstraat").confidential
    assert signal.postcode == ""


def test_the_pending_count_follows_the_scope(family):  # noqa: F811
    data = SignalInput(kind="report", description="Nieuw telefoonnummer.", persons=[
        PersonInput(role="victim", given_names="Anna", family_name="Dam", phone="0622222222")])  # fmt: skip
    signal, _ = signal_services.receive(actor_for(family.other_org), data)
    signal.persons.update(person=family.anna, match_state="confirmed")
    signal_services.finish(signal.pk)
    assert pending_statement_count(family.household, [family.dirk.pk]) == 0
    assert pending_statement_count(family.household, [family.dirk.pk, family.anna.pk]) == 1


def test_a_hidden_involvement_is_not_found_for_first_contact(family, as_user):  # noqa: F811
    from verband.sharing.models import AccessLogEntry, Involvement

    hidden = Involvement.objects.get(household=family.household, team=family.team_a1)
    response = as_user(family.probation).post(
        f"/huishoudens/{family.household.reference}/betrokken/{hidden.pk}/eerste-contact/"
    )
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(object_type="involvement", outcome="denied").exists()


def test_a_hand_back_reason_is_not_in_the_inbox_before_take_up(world, as_user):
    from verband.signals.tests.test_services import report_about_anna

    signal, _ = signal_services.receive(actor_for(world.other_org), report_about_anna())
    signal_services.finish(signal.pk)
    activation = signal.activations.get(network=world.network)
    signal_services.hand_back(actor_for(world.coordinator), activation, "Anna woont bij haar moeder in Zuid")
    body = as_user(world.vt).get("/werkbak/").content.decode()
    assert "Teruggegeven door Netwerk HG Testdorp" in body and "bij haar moeder" not in body
