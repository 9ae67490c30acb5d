"""The Bewaartermijnen page: the periods and the sweep's reports of the region, for the privacy officer and
the functional administrator; every other role is refused (and the refusal logged), anonymous visitors
sign in first."""

from __future__ import annotations

import html

import pytest

from verband.factories import RegionFactory
from verband.retention.models import RetentionRun
from verband.sharing.models import AccessLogEntry

URL = "/bewaartermijnen/"


def body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def reports(world):
    own = RetentionRun.objects.create(
        region=world.region, trigger="worker", households=3, persons=7, skipped=1,
        items={"signal": 4, "person": 7, "timeline": 12}, per_kind={"reporting_centre": 2, "police": 1},
        errors=[{"household": "HH-T-0009", "error": "IntegrityError"}],
    )  # fmt: skip
    other = RetentionRun.objects.create(
        region=RegionFactory.create(name="Andere regio", code="anders"), trigger="command", households=5,
        errors=[{"household": "HH-X-0099", "error": "OperationalError"}],
    )  # fmt: skip
    return own, other


@pytest.mark.parametrize("who", ["privacy_officer", "admin"])
def test_the_privacy_officer_and_the_administrator_see_the_periods_and_their_region_s_reports(
    world, as_user, reports, who
):
    response = as_user(getattr(world, who)).get(URL)
    assert response.status_code == 200
    page = body(response)
    assert "<h1>Bewaartermijnen</h1>" in page and 'aria-current="page">Bewaartermijnen</a>' in page
    assert "Politie" in page and "Wet politiegegevens, art. 8" in page
    assert "en niet voordat het jongste kind 18 is" in page
    assert "19 termijnen hieronder zijn standaardwaarden die de regio nog niet heeft bevestigd" in page
    assert "Nog niet: een standaardwaarde" in page
    assert (
        "signalen: 4" in page
        and "regels op de tijdlijn: 12" in page
        and "Advies- en meldpunt (Veilig Thuis): 2" in page
    )
    assert "HH-T-0009 is mislukt (IntegrityError)" in page
    assert "1 huishouden was weer in gebruik en is overgeslagen." in page
    assert "HH-X-0099" not in page and "OperationalError" not in page
    entry = AccessLogEntry.objects.get(action="view", object_type="retention_reports")
    assert entry.username == getattr(world, who).username and entry.outcome == "granted"


@pytest.mark.parametrize(
    "who", ["involved", "colleague", "other_org", "manager", "executive", "coordinator", "vt"]
)
def test_every_other_role_is_refused_and_the_refusal_is_logged(world, as_user, reports, who):
    user = getattr(world, who)
    response = as_user(user).get(URL)
    assert response.status_code == 403
    assert "HH-T-0009" not in body(response) and "Bewaartermijnen" not in body(response)
    assert AccessLogEntry.objects.filter(
        username=user.username, outcome="denied", object_type="page"
    ).exists()


def test_the_page_only_reads(world, as_user):
    assert as_user(world.privacy_officer).post(URL).status_code == 405


def test_an_anonymous_visitor_signs_in_first(as_user, world):
    response = as_user(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/aanmelden/")


def test_the_page_says_when_the_sweep_is_off_and_when_nothing_ran_yet(world, as_user, settings):
    settings.RETENTION_SWEEP = False
    page = body(as_user(world.privacy_officer).get(URL))
    assert "De dagelijkse opschoning staat uit (VERBAND_RETENTION_SWEEP)." in page
    assert "De opschoning heeft nog niet gedraaid." in page
