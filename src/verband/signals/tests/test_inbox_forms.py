"""The inbox's and recognition's forms: Dutch errors for bad input, nothing handed back or sent on."""

import pytest

from verband.signals.inbox_forms import HandBackForm, RecognitionForm, SendOnForm


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Niet voor ons\x00, wel voor Veilig Thuis", "Nultekens zijn niet toegestaan."),
        ("r" * 2001, "Ten hoogste 2000 tekens."),
        ("   ", "Leg in een zin uit waarom dit niet voor uw team is."),
    ],
)
def test_hand_back_form(reason, message):
    form = HandBackForm({"reason": reason})
    assert not form.is_valid() and message in form.errors["reason"]


@pytest.mark.parametrize(
    ("party", "message"),
    [
        ("", "Kies één team of netwerk."),
        ("team:abc", "Kies een team of netwerk uit deze regio."),
        ("team:1\x00", "Nultekens zijn niet toegestaan."),
        ("persoon:3", "Kies een team of netwerk uit deze regio."),
    ],
)
def test_send_on_form(party, message):
    form = SendOnForm({"party": party})
    assert not form.is_valid() and message in form.errors["party"]


def test_send_on_form_reads_a_party():
    form = SendOnForm({"party": "network:12"})
    assert form.is_valid() and form.cleaned_data["party"] == ("network", 12)


def test_recognition_form():
    offered = {5: [40, 41], 6: []}
    form = RecognitionForm({"persoon-5": "41"}, offered=offered)
    assert form.is_valid() and form.decisions([5, 6]) == {5: 41, 6: None}
    new = RecognitionForm({"persoon-5": "new"}, offered=offered)
    assert new.is_valid() and new.decisions([5, 6]) == {5: None, 6: None}
    other = RecognitionForm({"persoon-5": "42"}, offered=offered)
    assert not other.is_valid()
    assert other.first_error() == "Kies een van de aangeboden personen, of een nieuwe persoon."
    blank = RecognitionForm({}, offered=offered)
    assert not blank.is_valid()
    assert (
        blank.first_error() == "Kies voor elke persoon: een van de gevonden personen, of een nieuwe persoon."
    )
    nul = RecognitionForm({"persoon-5": "41\x00"}, offered=offered)
    assert not nul.is_valid() and "persoon-5" in nul.errors


def test_a_hand_back_with_a_nul_is_refused_on_the_page(world, as_user):
    from verband.signals.models import Activation
    from verband.signals.tests.test_views import _routed

    # The network is asked to take it up (Wijkteam Noord is involved already: an update, not handed back).
    activation = _routed(world, as_user).activations.get(network=world.network)
    response = as_user(world.coordinator).post(
        f"/werkbak/{activation.pk}/teruggeven/", {"reason": "Niet voor ons\x00 want buiten de wijk"}
    )
    assert response.status_code == 200 and "Nultekens zijn niet toegestaan." in response.content.decode()
    assert Activation.objects.get(pk=activation.pk).status == "open"
