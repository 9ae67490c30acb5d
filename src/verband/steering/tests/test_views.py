"""Persona tests for the steering pages and downloads: managers, executives and network coordinators see
numbers; every other role is refused; no page or file names a person or a household."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from verband.sharing.models import AccessLogEntry

PAGES = [
    "/sturing/",
    "/sturing/?periode=kwartaal",
    "/sturing/?periode=jaar&bereik=1",
    "/sturing/routes/",
    "/sturing/rapport/",
]


@pytest.fixture(autouse=True)
def _store(world):
    """The engine has run over the test region's history (as the worker does every night)."""
    from verband.steering.engine import refresh

    refresh()


SECRETS = ("HH-T-0001", "HH-T-0002", "Anna", "Bram", "Carla", "Zwart", "Dorpsstraat", "1012AB")


def _first_indicator(client) -> str:
    from verband.steering import selectors

    for _key, _title, infos in selectors.indicator_sets():
        for info in infos:
            if info.computable:
                return info.key
    raise AssertionError("no computable indicator")


def _no_persons(body: str) -> None:
    for secret in SECRETS:
        assert secret not in body, secret


@pytest.mark.parametrize("who", ["manager", "executive", "coordinator"])
def test_steering_roles_see_charts_and_numbers_never_persons(world, as_user, who):
    client = as_user(getattr(world, who))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        _no_persons(body)
        assert " style=" not in body
    body = client.get("/sturing/").content.decode()
    assert 'role="img"' in body and "<table" in body and "Laatst bijgewerkt" in body
    key = _first_indicator(client)
    for view in ("netwerk", "organisatie", "team", "gebied"):
        response = client.get(f"/sturing/indicator/{key}/?per={view}")
        assert response.status_code == 200
        _no_persons(response.content.decode())


@pytest.mark.parametrize("who", ["involved", "colleague", "other_org", "privacy_officer", "admin", "vt"])
def test_other_roles_are_refused(world, as_user, who):
    client = as_user(getattr(world, who))
    for url in [*PAGES, "/sturing/routes.csv", "/sturing/rapport/?bereik=0&kwartaal=2026-Q3"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(world, as_user):
    response = as_user(None).get("/sturing/")
    assert response.status_code == 302 and "/aanmelden/" in response["Location"]


def test_unknown_indicator_and_format_are_not_found(world, as_user):
    client = as_user(world.manager)
    assert client.get("/sturing/indicator/bestaat-niet/").status_code == 404
    key = _first_indicator(client)
    assert client.get(f"/sturing/indicator/{key}/verloop.exe").status_code == 404


def test_bad_choices_fall_back_to_the_default(world, as_user):
    client = as_user(world.manager)
    response = client.get("/sturing/?bereik=999&periode=eeuw")
    assert response.status_code == 200
    assert "Die keuze is niet mogelijk" in response.content.decode()
    assert client.get("/sturing/?bereik=%00").status_code == 200


def test_exports_are_logged_and_hold_only_numbers(world, as_user):
    client = as_user(world.manager)
    key = _first_indicator(client)
    csv_response = client.get(f"/sturing/indicator/{key}/verloop.csv?periode=kwartaal")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    assert ".csv" in csv_response["Content-Disposition"]
    _no_persons(csv_response.content.decode())
    xlsx = client.get(f"/sturing/indicator/{key}/vergelijking.xlsx?per=organisatie")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    text = " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None)
    assert "Definitie" in text and "niet getoond" in text
    _no_persons(text)
    routes = client.get("/sturing/routes.xlsx")
    assert routes.status_code == 200
    logged = AccessLogEntry.objects.filter(user_id=world.manager.pk, action="export")
    assert logged.filter(object_type="steering_table").count() == 3
    assert not logged.exclude(subject_household_id=None).exists()


def test_quarterly_report_is_a_pdf_with_the_title(world, as_user):
    from pypdf import PdfReader

    client = as_user(world.executive)
    form = client.get("/sturing/rapport/").content.decode()
    assert 'name="kwartaal"' in form
    quarter = re.search(r'<option value="(\d{4}-Q\d)"', form).group(1)
    response = client.get(f"/sturing/rapport/?bereik=0&kwartaal={quarter}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Kwartaalrapportage sturing" in text
    _no_persons(text)
    assert (
        AccessLogEntry.objects.filter(user_id=world.executive.pk, object_type="steering_report").count() == 1
    )


def test_report_refuses_a_quarter_not_offered(world, as_user):
    response = as_user(world.manager).get("/sturing/rapport/?bereik=0&kwartaal=1999-Q1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_nav_and_overview_link_to_steering(world, as_user):
    body = as_user(world.manager).get("/overzicht/").content.decode()
    assert body.count('href="/sturing/"') == 2
    assert 'href="/sturing/"' not in as_user(world.involved).get("/mijn-werk/").content.decode()


def test_overview_reads_only_the_store_in_a_bounded_number_of_queries(world, as_user):
    """The page reads the engine's store (one indexed lookup per indicator of the set, one per norm for
    "off the norm") and the small network tables for the scopes; never a household, signal or person, and
    not more with more history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verband.steering import selectors

    client = as_user(world.executive)
    client.get("/sturing/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sturing/?periode=kwartaal")
    assert response.status_code == 200
    read = [
        q["sql"].split('FROM "')[1].split('"')[0] for q in captured.captured_queries if 'FROM "' in q["sql"]
    ]
    allowed = {
        "django_session", "accounts_user", "otp_totp_totpdevice", "network_membership", "network_region",
        "network_network", "network_organisation", "notifications_notification", "steering_indicatorvalue",
        "steering_refreshrun",
    }  # fmt: skip
    assert set(read) <= allowed, set(read) - allowed
    infos = selectors.indicator_sets()[0][2]
    store = read.count("steering_indicatorvalue")
    normed = sum(
        1 for _k, _t, all_infos in selectors.indicator_sets() for i in all_infos if i.norm is not None
    )
    assert store <= len(infos) + normed
    assert len(captured.captured_queries) - store <= 10


def test_norm_is_judged_only_on_a_number_shown():
    from verband.steering.selectors import IndicatorInfo
    from verband.steering.tables import Cell
    from verband.steering.views import norm_met

    info = IndicatorInfo("x", "s", "g", "t", "d", "percent", 90.0, True, "")
    assert norm_met(info, ("K3 2026", Cell(95.0, "95%")), set()) is True
    assert norm_met(info, ("K3 2026", Cell(80.0, "80%")), {"x"}) is False
    assert norm_met(info, ("K3 2026", Cell(None, "—")), set()) is None
    assert norm_met(info, ("K3 2026", Cell(None, "<5", suppressed=True)), set()) is None
    assert norm_met(info, None, set()) is None
