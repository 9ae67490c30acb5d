"""A manager steers: opens Sturing, looks at the indicators as charts with their numbers beside them,
switches to quarters, opens one indicator and compares it per organisation, downloads its table as Excel
(opened here with openpyxl) and the quarterly report for the strategic platform (a PDF with pages, looked
at as pictures). No page or file names a person or a household. Each page is checked with axe."""

from __future__ import annotations

import io
import re

import pytest
from journey import ARTIFACTS, assert_accessible, screenshot, screenshot_pdf, sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from verband.demo.households import HOUSEHOLDS

pytestmark = pytest.mark.django_db(transaction=True)


def _secrets() -> list[str]:
    found = []
    for household in HOUSEHOLDS:
        found.append(household.reference)
        found.append(household.street)
        found.extend(f"{p.given} {p.prefix + ' ' if p.prefix else ''}{p.family}" for p in household.persons)
    return found


def _no_persons(text: str) -> None:
    for secret in _secrets():
        assert secret not in text, secret


def _refresh() -> None:
    """The indicator engine's store is filled (as the worker does every night)."""
    from verband.steering.engine import refresh

    refresh()


def test_a_manager_looks_at_the_indicators_and_takes_the_quarterly_report_home(page: Page):
    _refresh()
    sign_in(page, "manager")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Sturing").click()
    expect(page).to_have_url(re.compile(r"/sturing/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sturing")
    expect(page.get_by_text("Laatst bijgewerkt")).to_be_visible()
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 1
    # Every chart is named and described, and its numbers are in a table beside it.
    first = charts.first
    labelled = first.get_attribute("aria-labelledby") or ""
    assert len(labelled.split()) == 2
    expect(page.locator(".chart-pair table").first).to_be_visible()
    _no_persons(page.content())
    assert_accessible(page, "the steering overview")
    screenshot(page, "steering-overview.png")

    # By quarter.
    page.get_by_label("Kwartaal").check()
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(r"periode=kwartaal"))
    expect(page.locator(".chart-pair table thead").first).to_contain_text("Periode")
    expect(page.get_by_role("table").first).to_contain_text(re.compile(r"[KQ]\d \d{4}"))
    assert_accessible(page, "the steering overview by quarter")
    screenshot(page, "steering-overview-quarter.png")

    # One indicator, compared per organisation.
    page.locator(".indicator-card h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/sturing/indicator/[^/]+/"))
    page.get_by_role("navigation", name="Vergelijken per").get_by_role("link", name="Organisatie").click()
    expect(
        page.get_by_role("navigation", name="Vergelijken per").locator("a[aria-current=page]")
    ).to_have_text("Organisatie")
    _no_persons(page.content())
    assert_accessible(page, "an indicator with its comparison")
    screenshot(page, "steering-indicator.png")

    # The trend as Excel: a sheet with the title, the definition, the table and the note on suppression.
    ARTIFACTS.mkdir(exist_ok=True)
    title = page.get_by_role("heading", level=1).inner_text()
    with page.expect_download() as download_info:
        page.locator("a[href*='verloop.xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = ARTIFACTS / "steering-trend.xlsx"
    download.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [title]
    assert any(row and row[0] == "Definitie" for row in rows)
    text = " ".join(str(c) for row in rows for c in row)
    assert "niet getoond" in text
    _no_persons(text)

    # The routes between organisations.
    page.get_by_role("link", name="Alle indicatoren").click()
    page.get_by_role("navigation", name="Sturing").get_by_role("link", name="Routes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routes tussen organisaties")
    page.get_by_label("Maand").check()
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(r"periode=maand"))
    _no_persons(page.content())
    assert_accessible(page, "the routes between organisations")
    screenshot(page, "steering-routes.png")

    # The quarterly report: pick a quarter, get a PDF.
    page.get_by_role("navigation", name="Sturing").get_by_role("link", name="Kwartaalrapportage").click()
    assert_accessible(page, "the quarterly report form")
    screenshot(page, "steering-report-form.png")
    quarter = page.get_by_label("Kwartaal").locator("option").first.inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Rapport downloaden (pdf)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = ARTIFACTS / "steering-report.pdf"
    download.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    pages = len(reader.pages)
    assert pages >= 3
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Kwartaalrapportage sturing" in text and quarter in text
    _no_persons(text)
    screenshot_pdf(page, pdf_path, "steering-report", min(pages, 4))


def test_an_executive_sees_the_routes_of_the_region_as_a_graph_with_its_table(page: Page):
    _refresh()
    sign_in(page, "bestuurder")
    page.goto("/sturing/routes/?periode=maand")
    expect(page.get_by_label("Deel van het netwerk")).to_have_value("0")
    graph = page.locator("svg.route-graph")
    expect(graph).to_be_visible()
    assert graph.get_attribute("role") == "img"
    expect(graph.locator("desc")).to_contain_text("organisaties")
    table = page.locator(".route-pair table")
    expect(table.locator("thead")).to_contain_text("Van → naar")
    assert table.locator("tbody tr").count() >= 1
    _no_persons(page.content())
    assert_accessible(page, "the routes of the region")
    screenshot(page, "steering-routes-region.png")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    assert sheet["A1"].value == "Routes tussen organisaties"
