"""The API refuses what the intake form refuses, with the same Dutch message (one set of rules,
`signals.checks`), and stores nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verband.households.models import Person
from verband.signals.forms import PersonForm
from verband.signals.models import Signal


def _soon(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _month_ahead() -> str:
    """A year-month after this month (next year's January in December)."""
    today = timezone.localdate()
    return f"{today.year + 1}-01" if today.month == 12 else f"{today.year}-{today.month + 1:02d}"


# (what the person says, the field refused, the message the form gives for it)
CASES = [
    ({"family_name": "   "}, "family_name", "Enter at least a family name (as far as known)."),
    ({"family_name": "\t \n"}, "family_name", "Enter at least a family name (as far as known)."),
    ({"date_of_birth": _soon(1)}, "date_of_birth", None),
    (
        {"date_of_birth": _month_ahead()},
        "date_of_birth",
        "This date is in the future." if timezone.localdate().month < 12 else "This year is in the future.",
    ),
    ({"date_of_birth": str(timezone.localdate().year + 1)}, "date_of_birth", "This year is in the future."),
    ({"date_of_birth": "1899-05-01"}, "date_of_birth", None),
    ({"date_of_birth": "1990-02-30"}, "date_of_birth", "This date does not exist."),
    ({"family_name": "x" * 201}, "family_name", None),
    ({"given_names": "y" * 201}, "given_names", None),
    ({"surname_prefix": "v" * 21}, "surname_prefix", None),
    ({"city": "Anna\u0000"}, "city", None),
    (
        {"postcode": "12345"},
        "postcode",
        "Enter a Dutch postcode, for example 3072 AB (or only the four digits).",
    ),
    ({"bsn": "123456789"}, "bsn", "This is not a valid BSN: it must be 9 digits and pass the eleven test."),
]


def _api_person(change: dict) -> dict:
    return {"role": "victim", "given_names": "Anna", "family_name": "Dam", **change}


def _form_person(change: dict) -> dict:
    """The same statement as the intake form's fields."""
    data = {"role": "victim", "given_names": "Anna", "family_name": "Dam", "sex": "unknown"}
    for name, value in change.items():
        if name == "date_of_birth":
            parts = value.split("-")
            for field, part in zip(("birth_year", "birth_month", "birth_day"), parts, strict=False):
                data[field] = str(int(part))
        else:
            data[name] = value
    return data


def post(client, token, person: dict, **signal):
    body = {"kind": "report", "description": "Zorgen om geschreeuw.", "persons": [person], **signal}
    return client.post(
        "/api/v1/signals", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.parametrize(("change", "field", "message"), CASES)
def test_api_refuses_what_the_form_refuses(world, client, change, field, message):
    response = post(client, world.token_vt, _api_person(change))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    about = [d for d in details if field in map(str, d["loc"])]
    assert about, details
    if message is not None:
        with translation.override("nl"):
            dutch = _(message)
        assert dutch != message  # the message is translated
        assert dutch in about[0]["message"]
    assert not Signal.objects.exists()
    assert not Person.objects.filter(family_name__in=["   ", "\t \n"]).exists()

    form = PersonForm(data=_form_person(change))
    assert not form.is_valid()


@pytest.mark.parametrize(
    ("signal", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "a" * 20001}, "description"),
        ({"postcode": "10 12"}, "postcode"),
        ({"occurred_on": _soon(2)}, "occurred_on"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_api_refuses_a_signal_the_form_refuses(world, client, signal, field):
    response = post(client, world.token_vt, _api_person({}), **signal)
    assert response.status_code == 422
    assert any(field in map(str, d["loc"]) for d in response.json()["error"]["details"])
    assert not Signal.objects.exists()


@pytest.mark.parametrize("value", [["Dam"], 12, None, {"a": 1}])
def test_a_family_name_that_is_no_text_is_refused(world, client, value):
    response = post(client, world.token_vt, _api_person({"family_name": value}))
    assert response.status_code == 422
    assert not Signal.objects.exists()


def test_api_stores_text_stripped_like_the_form(world, client):
    person = _api_person({"family_name": "  Dam ", "postcode": " 1012 ab ", "bsn": "1112.22.333"})
    response = post(client, world.token_vt, person)
    assert response.status_code == 201
    stored = Signal.objects.get().persons.get()
    assert (stored.family_name, stored.postcode, stored.bsn) == ("Dam", "1012AB", "111222333")


@pytest.mark.parametrize("born", ["1990", "1990-03", "1990-03-12", None])
def test_partial_and_unknown_birth_dates_pass(world, client, born):
    person = _api_person({"date_of_birth": born} if born else {})
    assert post(client, world.token_vt, person).status_code == 201


def test_a_month_of_birth_later_this_year_is_refused(world, client, monkeypatch):
    from datetime import date

    from verband.signals import checks

    monkeypatch.setattr(checks.timezone, "localdate", lambda *args: date(2026, 6, 15))
    later = post(client, world.token_vt, _api_person({"date_of_birth": "2026-07"}))
    assert later.status_code == 422
    with translation.override("nl"):
        assert _("This date is in the future.") in later.json()["error"]["details"][0]["message"]
    assert not PersonForm(data=_form_person({"date_of_birth": "2026-07"})).is_valid()
    assert PersonForm(data=_form_person({"date_of_birth": "2026-06"})).is_valid()
    assert post(client, world.token_vt, _api_person({"date_of_birth": "2026-06"})).status_code == 201
