"""The shielding decision's form: Dutch errors for bad input, before anything is decided."""

import pytest

from verband.shielding.forms import ShieldForm


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "Zij is bang\x00 voor hem."}, "reason", "Nultekens zijn niet toegestaan."),
        ({"reason": "r" * 2001}, "reason", "Ten hoogste 2000 tekens."),
        ({"item_id": "adres"}, "item_id", "Kies een lid van dit huishouden."),
        ({"person": "lid"}, "person", "Kies uit de lijst."),
        ({"person": ""}, "person", "Kies een lid van dit huishouden."),
        ({"item_type": "brief"}, "item_type", "Dit onderdeel hoort niet bij dit huishouden."),
    ],
)
def test_shield_form_refuses_bad_input_in_dutch(data, field, message):
    form = ShieldForm(
        {
            "item_type": "address",
            "item_id": "1",
            "person": "2",
            "decision": "shield",
            "reason": "Zij is bang.",
            **data,
        }
    )
    assert not form.is_valid()
    assert message in [str(p) for p in form.errors[field]]


def test_a_good_decision_is_read(db):
    form = ShieldForm(
        {
            "item_type": "goal",
            "item_id": "7",
            "person": "2",
            "decision": "lift",
            "reason": "  Niet meer nodig.  ",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "item_type": "goal",
        "item_id": 7,
        "person": 2,
        "decision": "lift",
        "reason": "Niet meer nodig.",
    }
    assert form.target == "goal-7"
