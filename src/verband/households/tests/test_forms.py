"""The household page's forms: a relation and an address decision refuse bad input in Dutch, before
anything is written."""

import pytest
from django.urls import reverse

from verband.households.forms import AddressActionForm, RelationForm
from verband.households.models import Relation


def messages_of(form):
    assert not form.is_valid()
    return {name: [str(p) for p in problems] for name, problems in form.errors.items()}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"person": "abc", "other": "2", "kind": "partner"}, "person", "Kies twee personen."),
        ({"person": "1", "other": "2\x00", "kind": "partner"}, "other", "Kies twee personen."),
        ({"person": "", "other": "2", "kind": "partner"}, "person", "Kies twee personen."),
        ({"person": "1", "other": "2", "kind": "buur"}, "kind", "Kies een relatie."),
    ],
)
def test_relation_form(data, field, message):
    assert message in messages_of(RelationForm(data))[field]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "mark", "reason": "veilig\x00adres"}, "reason", "Nultekens zijn niet toegestaan."),
        ({"action": "mark", "reason": "r" * 2001}, "reason", "Ten hoogste 2000 tekens."),
        ({"action": "", "reason": "Zij woont in de opvang."}, "action", "Kies wat u wilt doen."),
        ({"action": "disclose", "organisation": "org"}, "organisation", "Kies uit de lijst."),
    ],
)
def test_address_action_form(data, field, message):
    assert message in messages_of(AddressActionForm(data))[field]


def test_a_relation_with_an_unreadable_person_is_refused_on_the_page(world, as_user):
    url = reverse("households:relation", args=[world.household.reference])
    before = Relation.objects.count()
    response = as_user(world.involved).post(url, {"person": "1\x00", "other": "2", "kind": "partner"})
    assert response.status_code == 200 and "Kies twee personen." in response.content.decode()
    assert Relation.objects.count() == before


def test_an_address_reason_with_a_nul_is_refused_on_the_page(world, as_user):
    from verband.households.models import Address

    address = Address.objects.filter(person__memberships__household=world.household).first()
    assert address is not None
    url = reverse("households:address_action", args=[world.household.reference])
    response = as_user(world.involved).post(
        url, {"action": "mark", "id": str(address.pk), "reason": "a\x00b"}
    )
    assert response.status_code == 400 and "Nultekens zijn niet toegestaan." in response.content.decode()
    address.refresh_from_db()
    assert not address.confidential
