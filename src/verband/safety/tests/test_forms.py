"""The safety forms: free text without NUL and within bounds, answers that are numbers, in Dutch."""

import pytest
from django.urls import reverse

from verband.safety import instrument as instruments
from verband.safety.forms import DangerForm, InstrumentForm
from verband.safety.models import DangerFact


@pytest.mark.parametrize(
    ("detail", "message"),
    [("hond\x00", "Nultekens zijn niet toegestaan."), ("d" * 301, "Ten hoogste 300 tekens.")],
)
def test_danger_form_refuses_bad_text(detail, message):
    form = DangerForm({"kind": "weapon", "detail": detail})
    assert not form.is_valid() and message in form.errors["detail"]


def test_danger_form_needs_a_kind():
    form = DangerForm({"kind": "", "detail": "Grote hond"})
    assert not form.is_valid() and "Dit veld is verplicht." in form.errors["kind"]


def test_a_danger_fact_with_a_nul_is_refused_on_the_page(world, as_user):
    url = reverse("safety:danger_add", args=[world.household.reference])
    response = as_user(world.involved).post(url, {"kind": "aggressive_dog", "detail": "Grote\x00hond"})
    assert response.status_code == 400 and "Nultekens zijn niet toegestaan." in response.content.decode()
    assert not DangerFact.objects.exists()


@pytest.mark.parametrize("answer", ["veel", "1\x00", "nan", "inf"])
def test_instrument_answers_must_be_numbers(answer):
    instrument = next(iter(instruments.available().values()))
    question = instrument.questions[0]
    form = InstrumentForm({question.id: answer}, instrument=instrument)
    assert not form.is_valid()
    assert "Kies een van de antwoorden." in form.errors[question.id]
    assert question.id not in form.answers()


def test_the_assessment_summary_refuses_a_nul_on_the_page(world, as_user):
    url = reverse("safety:page", args=[world.household.reference])
    data = {"acute": "no", "structural": "no", "phase": "direct", "summary": "Rust\x00 in huis"}
    response = as_user(world.involved).post(url, data)
    assert response.status_code == 400 and "Nultekens zijn niet toegestaan." in response.content.decode()
    long = as_user(world.involved).post(url, {**data, "summary": "s" * 4001})
    assert long.status_code == 400 and "Ten hoogste 4000 tekens." in long.content.decode()
