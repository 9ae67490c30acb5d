"""The privacy officer's list of what was shared on which basis: region only, filters, logged."""

import pytest
from django.utils import timezone

from verband.collaboration.consent import record_consent
from verband.collaboration.services import request_handover
from verband.households.models import Household
from verband.sharing.basis import Basis
from verband.sharing.models import AccessLogEntry, SharingBasis
from verband.testing import FIVE_ANSWERS, actor_for

URL = "/verstrekkingen/"


def _shared(world):
    actor = actor_for(world.involved)
    anna = world.household.members.get(role="victim").person
    consent = record_consent(
        actor, world.household, person_id=anna.pk, status="given", partner_ids=[world.org_vt.pk],
        information=["all"], manner="written", given_on=timezone.localdate(), valid_until=None,
    )  # fmt: skip
    answers = {k: v for k, v in FIVE_ANSWERS.items() if k.startswith("q_")}
    request_handover(actor, world.household, kind="referral", to_team_id=world.team_b1.pk,
                     question="Graag een veiligheidsgesprek.", basis=Basis("covenant", None, answers))  # fmt: skip
    request_handover(actor, world.household, kind="referral", to_team_id=world.team_vt.pk, person_id=anna.pk,
                     question="Graag een onderzoek naar de veiligheid.", basis=Basis("consent", consent.pk))  # fmt: skip
    return consent


def test_the_privacy_officer_reads_the_bases_and_the_five_questions(world, as_user):
    consent = _shared(world)
    page = as_user(world.privacy_officer).get(URL).content.decode()
    assert "HH-T-0001" in page and FIVE_ANSWERS["q_without_consent"] in page
    assert "Op toestemming van Anna van Dam" in page
    entry = AccessLogEntry.objects.filter(object_type="sharing_basis", action="list").latest("pk")
    assert {s.person_id for s in entry.subjects.all()} == {None, consent.person_id}
    without = as_user(world.privacy_officer).get(URL + "?grondslag=zonder-toestemming").content.decode()
    assert FIVE_ANSWERS["q_without_consent"] in without and "Op toestemming van" not in without
    only_consent = as_user(world.privacy_officer).get(URL + "?grondslag=consent").content.decode()
    assert FIVE_ANSWERS["q_without_consent"] not in only_consent


def test_another_regions_disclosures_are_not_shown(world, as_user):
    from verband.factories import HouseholdFactory, RegionFactory

    _shared(world)
    elsewhere = HouseholdFactory.create(
        reference="HH-X-0001", region=RegionFactory.create(name="Elders", code="x")
    )
    SharingBasis.objects.create(household=elsewhere, kind="handover", legal_basis="covenant",
                                q_purpose="Elders gedeeld met een doel.")  # fmt: skip
    page = as_user(world.privacy_officer).get(URL).content.decode()
    assert "HH-X-0001" not in page and "Elders gedeeld" not in page
    assert Household.objects.count() >= 3


@pytest.mark.parametrize("persona", ["involved", "colleague", "manager", "admin", "executive"])
def test_only_the_privacy_officer_sees_it(world, as_user, persona):
    _shared(world)
    response = as_user(getattr(world, persona)).get(URL)
    assert response.status_code == 403
    assert FIVE_ANSWERS["q_purpose"] not in response.content.decode()


def test_bad_filters_are_ignored_not_errors(world, as_user):
    _shared(world)
    response = as_user(world.privacy_officer).get(URL + "?grondslag=%00&soort=x&huishouden=" + "A" * 500)
    assert response.status_code == 200
