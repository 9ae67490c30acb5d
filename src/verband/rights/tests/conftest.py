"""The shielded family (Anna victim, Bram child, Dirk perpetrator; the neighbourhood team for everyone,
probation for Dirk only; Anna's shelter place, a held case meeting, assessments), with Anna now at a
confidential shelter address, an escape agreement that protects her, and a goal that names her street by
mistake."""

from __future__ import annotations

from datetime import date

import pytest

from verband.collaboration.tests.shielded_family import shielded  # noqa: F401  (fixture)
from verband.households.models import Address
from verband.plans.models import FamilyPlan, Goal, SafetyAgreement
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)

SHELTER_STREET = "Geheimelaan"
SHELTER_POSTCODE = "1066XY"
ESCAPE = "Bij spanning gaat Anna met Bram naar haar zus"
DIRK_AGREEMENT = "Dirk komt niet naar het huis van Anna"
GOAL_WITH_STREET = "Anna woont veilig aan de Geheimelaan"
DIRK_BSN = "111222333"


@pytest.fixture
def rights_family(shielded):  # noqa: F811
    w = shielded
    Address.objects.filter(person=w.anna).update(valid_until=date(2026, 3, 1))
    w.anna_secret = Address.objects.create(
        person=w.anna,
        street=SHELTER_STREET,
        house_number="7",
        postcode=SHELTER_POSTCODE,
        city="Testdorp",
        valid_from=date(2026, 3, 2),
        confidential=True,
        managed_by=w.team_shelter.organisation,
    )
    w.anna_secret.disclosures.create(organisation=w.team_shelter.organisation, basis="Opvang")
    w.dirk.bsn = DIRK_BSN
    w.dirk.phone = "0612345678"
    w.dirk.save()
    plan = FamilyPlan.objects.get(household=w.household)
    SafetyAgreement.objects.create(plan=plan, text=ESCAPE, monitored_by=w.org_a)
    SafetyAgreement.objects.create(plan=plan, person=w.dirk, text=DIRK_AGREEMENT, monitored_by=w.org_b)
    Goal.objects.create(plan=plan, text=GOAL_WITH_STREET)
    return w
