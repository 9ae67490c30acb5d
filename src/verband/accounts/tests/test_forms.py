"""Choosing the membership to act for: an id that is no id is refused in Dutch, nothing switches."""

import pytest

from verband.accounts.forms import SwitchMembershipForm


@pytest.mark.parametrize("value", ["", "rol", "1\x00", "9" * 40])
def test_switch_form_refuses_what_is_not_an_id(value):
    form = SwitchMembershipForm({"membership": value})
    assert not form.is_valid() and form.errors["membership"] == ["Kies een van uw rollen."]


def test_switching_to_an_unreadable_membership_is_a_dutch_400(world, as_user):
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    before = client.session.get("verband_membership")
    response = client.post("/rol/", {"membership": "1\x00"})
    assert response.status_code == 400 and "Kies een van uw rollen." in response.content.decode()
    assert client.session.get("verband_membership") == before
