"""The shielding page: for professionals working with the whole household; decisions need a reason."""

import pytest

from verband.households.models import Address
from verband.network.models import Role
from verband.sharing.models import AccessLogEntry
from verband.shielding.models import ShieldDecision
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import FIVE_ANSWERS, make_user


def url(world):
    return f"/huishoudens/{world.household.reference}/afscherming/"


def test_page_shows_the_default_shield(family, as_user):  # noqa: F811
    response = as_user(family.involved).get(url(family))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dorpsstraat" in body and "Dirk Vos (standaard)" in body
    assert AccessLogEntry.objects.filter(object_type="shields", outcome="granted").exists()


def test_lifting_needs_a_reason_and_keeps_what_was_typed(family, as_user):  # noqa: F811
    address = Address.objects.get(person=family.anna)
    client = as_user(family.involved)
    data = {"item_type": "address", "item_id": address.pk, "person": family.dirk.pk, "decision": "lift"}
    response = client.post(url(family), {**data, "reason": "kort"})
    assert response.status_code == 400 and "minstens 10 tekens" in response.content.decode()
    assert not ShieldDecision.objects.exists()
    response = client.post(url(family), {**data, "reason": "Rechter heeft omgang geregeld", **FIVE_ANSWERS})
    assert response.status_code == 302
    decision = ShieldDecision.objects.get()
    assert not decision.shielded and decision.by == family.involved


@pytest.mark.parametrize(
    ("persona", "status"),
    [("probation", 403), ("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302),
     ("expert", 403)],
)  # fmt: skip
def test_page_refused_to_others(family, as_user, persona, status):  # noqa: F811
    if persona == "expert":
        family.expert = make_user("expert", family.org_a, Role.EXPERIENCE_EXPERT, family.team_a1)
    user = getattr(family, persona) if persona != "anonymous" else None
    address = Address.objects.get(person=family.anna)
    client = as_user(user)
    assert client.get(url(family)).status_code == status
    response = client.post(url(family), {"item_type": "address", "item_id": address.pk, "person": family.dirk.pk,
                                         "decision": "lift", "reason": "Ik wil het adres zien"})  # fmt: skip
    assert response.status_code == status
    assert not ShieldDecision.objects.exists()
