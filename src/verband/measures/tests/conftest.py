"""The shielded family (Anna victim, Bram child, Dirk perpetrator; the neighbourhood team works with the
whole household and `involved` holds regie; probation works with Dirk only)."""

import pytest

from verband.plans.models import Regie
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)


@pytest.fixture
def fam(family):  # noqa: F811
    w = family
    membership = w.involved.memberships.get()
    w.regie = Regie.objects.create(
        household=w.household,
        user=w.involved,
        membership=membership,
        organisation=w.org_a,
        mandated_by=w.manager,
    )
    return w
