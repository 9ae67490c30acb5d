"""A region loads its licensed instrument by putting the file in VERBAND_INSTRUMENTS_DIR: no code. The
professional fills it in on the household's safety page; Verband scores it from the file."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from verband.safety.instrument import available
from verband.safety.models import InstrumentResult
from verband.safety.tests.test_instruments import LICENSED, ticks
from verband.sharing.models import AccessLogEntry


@pytest.fixture
def region_dir(tmp_path, settings):
    (tmp_path / "voorbeeld.yaml").write_text(LICENSED, encoding="utf-8")
    settings.INSTRUMENTS_DIR = str(tmp_path)
    return tmp_path


def test_region_file_is_available_next_to_the_built_in_ones(region_dir):
    assert {"voorbeeld-checklist-24", "balansmodel", "neutrale-screening"} <= set(available())


def test_invalid_region_file_is_left_out_and_reported(region_dir, capsys):
    (region_dir / "kapot.yaml").write_text("code: x\nname: kapot\n", encoding="utf-8")
    assert "voorbeeld-checklist-24" in available()
    with pytest.raises(CommandError):
        call_command("check_instruments")
    out = capsys.readouterr().out
    assert "FOUT kapot.yaml" in out and "ok  voorbeeld-checklist-24" in out


@pytest.mark.parametrize(
    ("ticked", "level", "label"), [(13, "midden", "Midden"), (14, "hoog", "Hoog risico")]
)
def test_filling_in_scores_with_the_file(world, region_dir, as_user, ticked, level, label):
    url = reverse("safety:instrument", args=[world.household.reference, "voorbeeld-checklist-24"])
    client = as_user(world.involved)
    page = client.get(url)
    assert page.status_code == 200 and "Voorbeeldvraag 24" in page.content.decode()
    response = client.post(url, {k: str(int(v)) for k, v in ticks(ticked).items()})
    assert response.status_code == 302
    result = InstrumentResult.objects.get()
    assert (result.score, result.level, result.label, result.complete) == (ticked, level, label, True)
    assert result.instrument_version == "2.1"
    assert AccessLogEntry.objects.filter(object_type="instrument_result", action="create").exists()
    assert label in client.get(reverse("safety:page", args=[world.household.reference])).content.decode()


def test_answer_outside_the_scale_is_refused_in_dutch(world, region_dir, as_user):
    url = reverse("safety:instrument", args=[world.household.reference, "voorbeeld-checklist-24"])
    response = as_user(world.involved).post(url, {"v01": "7"})
    assert response.status_code == 400
    assert "is geen keuze bij v01" in response.content.decode()
    assert not InstrumentResult.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("colleague", 404), ("other_org", 404), ("manager", 403)])
def test_instrument_page_per_persona(world, region_dir, as_user, persona, status):
    url = reverse("safety:instrument", args=[world.household.reference, "voorbeeld-checklist-24"])
    assert as_user(world.personas()[persona]).get(url).status_code == status
    assert as_user(world.personas()[persona]).post(url, {"v01": "1"}).status_code == status
    assert not InstrumentResult.objects.exists()


def test_unknown_instrument_is_not_found(world, as_user):
    url = reverse("safety:instrument", args=[world.household.reference, "bestaat-niet"])
    assert as_user(world.involved).get(url).status_code == 404


def test_overlong_fields_are_refused_when_the_file_loads(region_dir):
    from verband.safety.instrument import InstrumentError, parse

    with pytest.raises(InstrumentError):
        parse(LICENSED.replace('version: "2.1"', f'version: "{"9" * 41}"'), name="lang.yaml")
