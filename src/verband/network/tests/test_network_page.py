import pytest
from django.core.exceptions import ValidationError

from verband.network.models import CoverageArea


def test_network_page_lists_partners_teams_coverage_and_contact(world, as_user):
    world.team_a1.coverage.all().delete()
    CoverageArea.objects.create(team=world.team_a1, postcode_from=3071, postcode_to=3075)
    world.org_a.phone = "010-1234567"
    world.org_a.save()
    body = as_user(world.colleague).get("/netwerk/").content.decode()
    assert "Wijkteams Testdorp" in body and "Politie Testdorp" in body
    assert "Wijkteam Noord: 3071-3075" in body
    assert "010-1234567" in body
    assert "Netwerk HG Testdorp" in body
    assert "Anna" not in body  # the network page holds no household data


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"postcode_from": 3075, "postcode_to": 3071}, "niet na"),
        ({"postcode_from": 99, "postcode_to": 3071}, "1000-9999"),
        ({"postcode_from": 3071, "postcode_to": 3075, "neighbourhood": "Afrikaanderwijk"}, "óf"),
        ({}, "óf"),
    ],
)
def test_coverage_validation_in_dutch(world, kwargs, message):
    from django.utils import translation

    area = CoverageArea(team=world.team_a1, **kwargs)
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        area.clean()
    assert message in str(exc.value)


def test_coverage_matches_postcode(world):
    area = CoverageArea(team=world.team_a1, postcode_from=3071, postcode_to=3075)
    assert area.covers("3072 AB")
    assert not area.covers("3080AB")
    assert not area.covers("")


def test_partners_are_grouped_in_the_order_of_kinds(world, as_user):
    body = as_user(world.colleague).get("/netwerk/").content.decode()
    assert body.index("<h3>Wijkteam</h3>") < body.index("<h3>Politie</h3>")
