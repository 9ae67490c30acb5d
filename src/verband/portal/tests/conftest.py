"""The shielded family of the shielding tests (Anna victim, Bram child with no known year of birth, Dirk
perpetrator; the neighbourhood team works with the whole household, probation with Dirk only), with
`involved` as regisseur and a teammate of theirs who works with the household but holds no regie."""

from __future__ import annotations

import pytest
from django.utils import timezone

from verband.households.models import HouseholdMember, Person
from verband.network.models import Role
from verband.plans.models import Regie
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import make_user


@pytest.fixture
def door(family):  # noqa: F811
    w = family
    w.regie = Regie.objects.create(
        household=w.household,
        user=w.involved,
        membership=w.involved.memberships.get(),
        organisation=w.org_a,
        mandated_by=w.manager,
    )
    w.teammate = make_user("teammate", w.org_a, Role.PROFESSIONAL, w.team_a1)
    this_year = timezone.localdate().year
    w.teen = Person.objects.create(
        given_names="Tess", family_name="Vos", birth_year=this_year - 14, birth_month=1, birth_day=1
    )
    w.young = Person.objects.create(given_names="Mees", family_name="Vos", birth_year=this_year - 10)
    HouseholdMember.objects.create(household=w.household, person=w.teen, role="child")
    HouseholdMember.objects.create(household=w.household, person=w.young, role="child")
    return w
