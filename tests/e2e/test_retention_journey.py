"""The retention sweep's reports in a real browser.

A demo household without children (HH-2026-0017, Veilig Thuis and the neighbourhood team), closed 21
years ago, is swept by hand (`manage.py retention_sweep`); the privacy officer
opens Bewaartermijnen from the menu: the periods per kind of organisation (defaults not yet confirmed)
and the report of the run. The access log lists what Verband did to the household. The functional administrator sees the same page; a professional has no
menu item and is refused.
"""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone
from journey import assert_accessible, assert_no_horizontal_scroll, screenshot, sign_in, sign_out
from playwright.sync_api import Locator, Page, expect

from verband.households.models import HOUSEHOLD_FLOW, Household, HouseholdStatus
from verband.sharing.models import Involvement
from verband.signals.models import Activation

pytestmark = pytest.mark.e2e


def close_long_ago(reference: str) -> None:
    household = Household.objects.get(reference=reference)
    long_ago = timezone.now() - relativedelta(years=21)
    Involvement.objects.filter(household=household).update(ended_at=long_ago, ended_on=long_ago.date())
    Activation.objects.filter(household=household, status="open").update(status="accepted")
    HOUSEHOLD_FLOW.move(household, HouseholdStatus.CLOSED, stale="closed", closed_at=long_ago)


def row(page: Page, table: Locator, kind: str) -> Locator:
    return table.locator("tr", has=page.get_by_role("rowheader", name=kind, exact=True))


def test_the_privacy_officer_reads_the_periods_and_the_report_of_the_sweep(page: Page) -> None:
    close_long_ago("HH-2026-0017")
    call_command("retention_sweep", stdout=io.StringIO())

    sign_in(page, "privacy")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bewaartermijnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaartermijnen")
    periods = page.get_by_role("table", name="Bewaartermijn per soort organisatie")
    expect(row(page, periods, "Politie")).to_contain_text("Wet politiegegevens")
    expect(row(page, periods, "Advies- en meldpunt (Veilig Thuis)")).to_contain_text(
        "en niet voordat het jongste kind 18 is"
    )
    expect(page.get_by_text("termijnen hieronder zijn standaardwaarden")).to_be_visible()
    reports = page.get_by_role("table", name="Keren dat de opschoning in uw regio draaide, nieuwste eerst")
    expect(reports.locator("tbody tr")).to_have_count(1)
    expect(reports).to_contain_text("Met de hand (opdracht)")
    expect(reports.locator("tbody tr td").nth(2)).to_have_text("1")
    expect(reports).to_contain_text("signalen:")
    expect(reports).to_contain_text("Wijkteam: 1")  # 20 years like Veilig Thuis, no children
    assert_accessible(page, "the retention page")
    assert_no_horizontal_scroll(page)
    screenshot(page, "retention-reports.png")
    # The access log says what Verband itself did to the household and its persons.
    page.goto("/toegangslog/?household=HH-2026-0017")
    log = page.get_by_role("table", name="Regels van het toegangslog, nieuwste eerst")
    expect(log).to_contain_text("huishouden HH-2026-0017 gepseudonimiseerd")
    expect(log).to_contain_text("opschoning na de bewaartermijn")
    screenshot(page, "retention-access-log.png")
    sign_out(page)

    sign_in(page, "beheer")
    page.goto("/bewaartermijnen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaartermijnen")
    sign_out(page)

    sign_in(page, "wt.feijenoord")
    expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bewaartermijnen")
    ).to_have_count(0)
    response = page.goto("/bewaartermijnen/")
    assert response is not None and response.status == 403
