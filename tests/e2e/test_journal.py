"""The journal in a real browser: a home visit recorded with its report attached, seen on the timeline,
the report downloaded, then corrected with the history kept.

1. The neighbourhood team records a home visit with Elif Demir. A disguised file (a program named
   verslag.pdf) is refused with a Dutch message and what was typed stays; with the real report it is stored.
2. The visit is on the household's timeline; the report downloads as an attachment.
3. The entry is corrected: the journal shows the new text, the entry's history the old one, marked
   corrected with the reason.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.journal.models import Document, JournalEntry

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)
SUMMARY = "Huisbezoek bij Elif: de kinderen slapen weer goed; Kemal was niet thuis."


def test_a_home_visit_with_its_report_is_recorded_downloaded_and_corrected(
    page: Page, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "documents")
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Journaal", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Journaal van {HOUSEHOLD}")
    page.get_by_role("link", name="Contact of notitie vastleggen").click()

    # 1. The visit, first with a program disguised as the report.
    when = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("Soort").select_option(label="Huisbezoek")
    page.get_by_label("Datum", exact=True).fill(f"{when:%Y-%m-%d}")
    page.get_by_label("Tijd", exact=True).fill(f"{when:%H:%M}")
    page.get_by_label("Over", exact=True).select_option(label="Elif Demir")
    page.locator("fieldset", has_text="Aanwezige gezinsleden").get_by_label("Elif Demir").check()
    page.get_by_label("Aanwezige professionals en anderen").fill("Jeugdverpleegkundige GGD")
    page.get_by_label("Samenvatting").fill(SUMMARY)
    page.get_by_label("Volgende stap").fill("Over twee weken weer langs, samen met de GGD.")
    page.get_by_label("Document toevoegen").set_input_files(
        {"name": "verslag.pdf", "mimeType": "application/pdf", "buffer": PROGRAM}
    )
    assert_accessible(page, "the journal form")
    screenshot(page, "journal-form.png")
    page.get_by_role("button", name="Vastleggen in het journaal").click()
    expect(page.get_by_role("alert")).to_contain_text("Verband bewaart alleen PDF-bestanden")
    expect(page.get_by_label("Samenvatting")).to_have_value(SUMMARY)
    expect(
        page.locator("fieldset", has_text="Aanwezige gezinsleden").get_by_label("Elif Demir")
    ).to_be_checked()
    assert_accessible(page, "the journal form with a refused upload")
    screenshot(page, "journal-form-refused.png")
    assert not JournalEntry.objects.exists() and not Document.objects.exists()

    page.get_by_label("Document toevoegen").set_input_files(
        {"name": "verslag huisbezoek.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Vastleggen in het journaal").click()
    expect(page.get_by_role("status")).to_contain_text("Het is vastgelegd in het journaal.")
    entry = page.locator("article.journal-entry", has_text=SUMMARY)
    expect(entry).to_contain_text("Huisbezoek")
    expect(entry).to_contain_text("Jeugdverpleegkundige GGD")
    expect(entry.get_by_role("link", name="verslag_huisbezoek.pdf")).to_be_visible()
    expect(entry).to_contain_text("Niet zichtbaar voor Kemal Demir")  # what she said is kept from him
    assert_accessible(page, "the journal")
    screenshot(page, "journal.png")

    # 2. On the timeline, and the report as a download.
    page.goto(f"/huishoudens/{HOUSEHOLD}/tijdlijn/")
    line = page.locator(".timeline li", has_text="Huisbezoek").first
    expect(line).to_contain_text(SUMMARY[:40])
    screenshot(page, "journal-timeline.png")
    page.goto(f"/huishoudens/{HOUSEHOLD}/documenten/")
    row = page.locator("tr", has_text="verslag_huisbezoek.pdf")
    expect(row).to_contain_text("Elif Demir")
    expect(row.get_by_role("link", name=re.compile("Huisbezoek"))).to_be_visible()  # the entry it belongs to
    assert_accessible(page, "the documents page")
    screenshot(page, "journal-documents.png")
    page.goto(f"/huishoudens/{HOUSEHOLD}/journaal/")
    with page.expect_download() as download:
        entry.get_by_role("link", name="verslag_huisbezoek.pdf").click()
    assert download.value.suggested_filename == "verslag_huisbezoek.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # 3. The correction: a new version, the old one kept with the reason.
    entry.get_by_role("link", name="Huisbezoek", exact=True).click()
    page.get_by_role("link", name="Corrigeren").click()
    expect(page.get_by_label("Samenvatting")).to_have_value(SUMMARY)
    page.get_by_label("Samenvatting").fill("Huisbezoek bij Elif: de kinderen slapen weer goed.")
    page.get_by_label("Waarom corrigeert u dit?").fill("Over Kemal hoort hier niets: hij was er niet bij.")
    page.get_by_role("button", name="Correctie vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De correctie is vastgelegd")
    expect(page.locator(".journal-version").first).to_contain_text("Huidige versie")
    old = page.locator(".journal-version.corrected")
    expect(old).to_contain_text("gecorrigeerd")
    expect(old).to_contain_text(SUMMARY)
    expect(old).to_contain_text("Gecorrigeerd door Fatima El Amrani")
    expect(page.locator(".journal-version").first).to_contain_text("Over Kemal hoort hier niets")
    expect(page.get_by_role("link", name="verslag_huisbezoek.pdf")).to_be_visible()  # stays with the entry
    assert_accessible(page, "an entry with its history")
    screenshot(page, "journal-history.png")
    page.goto(f"/huishoudens/{HOUSEHOLD}/journaal/")
    expect(page.locator("article.journal-entry").first).to_contain_text("gecorrigeerd")
    expect(page.get_by_text(SUMMARY)).to_have_count(0)
    assert JournalEntry.objects.count() == 2
    assert re.match(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$", Document.objects.get().stored_name)
