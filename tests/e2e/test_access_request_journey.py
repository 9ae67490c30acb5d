"""A member's request for access, in a real browser (issue 13, item 5).

Fenna Bosman (HH-2026-0008) lives at a shelter address, disclosed to Arosa and Veilig Thuis; Arosa works
with the household and gives her a shelter place, and Arosa's worker looked at the household. Jasper, the
member recorded as perpetrator, asks by letter for his data. The neighbourhood-team professional records
the request (first with an error), grants it with a reason, downloads the export as PDF and JSON, reads it
— the PDF's pages rendered to PNG by Chromium's own PDF viewer — and marks it delivered. Jasper's export
holds his own data and who looked at it (by role and kind of organisation), and nothing of where Fenna is:
not her address, the shelter's name, her shelter place, the neighbourhood team's area, nor Fenna or Gijs. The privacy officer finds the request on the region's
list. Every page passes axe."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.utils import timezone
from journey import ARTIFACTS, assert_accessible, screenshot, screenshot_pdf, sign_in
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from verband.actors import SYSTEM
from verband.collaboration import services as collaboration
from verband.collaboration.models import HelpKind
from verband.households.models import Household, Person
from verband.households.selectors import open_household
from verband.network.models import Team
from verband.plans.models import FamilyPlan, SafetyAgreement
from verband.sharing import services as sharing_services
from verband.testing import actor_for

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0008"
ASKED = "Ik wil weten wat er over mij is vastgelegd en wie mijn gegevens heeft bekeken."
REASON = "U krijgt een overzicht van alle gegevens die over u zijn vastgelegd, en wie die heeft ingezien."
JASPER_AGREEMENT = "Jasper neemt alleen via de advocaat contact op over de omgang"
# Where Fenna is, and whatever is only hers or Gijs's.
WHEREABOUTS = (
    "opvanglocatie",
    "3011",
    "Arosa",
    "Opvang Rotterdam",
    "Opvangplek",
    "Fenna",
    "Gijs",
    "14-08-1989",
)


def arosa_works_with_fenna() -> None:
    """Arosa takes Fenna in: involved for help, her shelter place as help, and its worker looks."""
    from verband.accounts.models import User

    household = Household.objects.get(reference=HOUSEHOLD)
    fenna = Person.objects.get(given_names="Fenna", family_name="Bosman")
    jasper = Person.objects.get(given_names="Jasper", family_name="Bosman")
    shelter = Team.objects.get(name="Opvang Rotterdam")
    sharing_services.involve(
        SYSTEM,
        household,
        team=shelter,
        purpose="help",
        legal_basis="consent",
        started_on=timezone.localdate(),
    )
    team_worker = actor_for(User.objects.get(username="wt.feijenoord"))
    place = HelpKind.objects.get(region=household.region, name="Opvangplek")
    collaboration.add_help(
        team_worker, household, kind_id=place.pk, funding="wmo", person_id=fenna.pk, provider_id=shelter.pk,
        note="Opvangplek voor Fenna en Gijs bij Arosa",
    )  # fmt: skip
    plan = FamilyPlan.objects.get(household=household)
    SafetyAgreement.objects.create(
        plan=plan, person=jasper, text=JASPER_AGREEMENT, monitored_by=team_worker.organisation
    )
    open_household(actor_for(User.objects.get(username="opvang")), HOUSEHOLD)


def pdf_text(content: bytes) -> tuple[str, int]:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split()), len(pages)


def test_a_perpetrators_request_for_access_gets_his_data_and_nothing_of_where_she_is(
    page: Page, new_page
) -> None:
    arosa_works_with_fenna()
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Verzoeken (AVG)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verzoeken op grond van de AVG, {HOUSEHOLD}")
    expect(page.get_by_text("Er zijn geen verzoeken vastgelegd voor dit huishouden.")).to_be_visible()
    assert_accessible(page, "the household's requests")
    screenshot(page, "access-request-list.png")

    # Recorded without saying what he asks: the form answers in Dutch and keeps what was chosen.
    page.get_by_label("Van wie is het verzoek").select_option(label="Jasper Bosman")
    page.get_by_label("Wat vraagt de persoon?").select_option(label="Inzage in eigen gegevens")
    page.get_by_label("Hoe kwam het binnen?").select_option(label="Per brief")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.locator(".field-error").first).to_contain_text("Beschrijf in een zin wat de persoon vraagt.")
    expect(page.get_by_label("Van wie is het verzoek")).to_have_value(
        str(Person.objects.get(given_names="Jasper").pk)
    )
    assert_accessible(page, "the request form with an error")
    screenshot(page, "access-request-error.png")
    page.get_by_label("Wat er gevraagd wordt, in de woorden van de persoon").fill(ASKED)
    page.get_by_label(re.compile("Ik heb gecontroleerd wie de persoon is")).check()
    page.get_by_role("button", name="Verzoek vastleggen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inzage in eigen gegevens: verzoek van Jasper Bosman"
    )
    expect(page.get_by_role("status")).to_contain_text(
        "Het verzoek is vastgelegd. Beantwoord het uiterlijk op"
    )
    assert_accessible(page, "a recorded request")
    screenshot(page, "access-request-recorded.png")

    # Granted with a reason.
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Kies toegestaan, gedeeltelijk toegestaan of afgewezen."
    )
    page.get_by_label("Toegestaan", exact=True).check()
    page.get_by_label("Reden, zoals de persoon die leest").fill(REASON)
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("Het besluit is vastgelegd.")
    expect(page.locator("dl.facts")).to_contain_text(REASON)

    # The export: the PDF to read, its pages looked at, and the JSON.
    ARTIFACTS.mkdir(exist_ok=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Overzicht downloaden (PDF)").click()
    download = download_info.value
    assert re.fullmatch(rf"inzage-{HOUSEHOLD}-\d+\.pdf", download.suggested_filename)
    pdf_path = ARTIFACTS / "access-export-jasper.pdf"
    download.save_as(pdf_path)
    text, pages = pdf_text(pdf_path.read_bytes())
    # Who looked: by role and kind of organisation (Arosa as any organisation that gives help).
    for own in ("Uw gegevens in Verband", "Jasper", "Bosman", "12-12-1986", "Pleger", JASPER_AGREEMENT,
                "Wie uw gegevens bekeek", "Professional", "een wijkteam", "een hulporganisatie"):  # fmt: skip
        assert own in text, own
    for named in ("Wijkteam Feijenoord", "niet genoemd"):
        assert named not in text, named
    for secret in WHEREABOUTS:
        assert secret.lower() not in text.lower(), secret
    screenshot_pdf(page, pdf_path, "access-export-jasper", pages)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Overzicht downloaden (JSON)").click()
    json_path = ARTIFACTS / "access-export-jasper.json"
    download_info.value.save_as(json_path)
    data = json.loads(json_path.read_text())
    assert data["persoon"]["voornamen"] == "Jasper" and data["huishouden"] == HOUSEHOLD
    raw = json.dumps(data, ensure_ascii=False).lower()
    for secret in WHEREABOUTS:
        assert secret.lower() not in raw, secret

    page.reload()
    expect(page.get_by_text(re.compile("Laatst gemaakt op"))).to_be_visible()
    page.get_by_role("button", name="Het overzicht is overhandigd").click()
    expect(page.get_by_role("status")).to_contain_text("Het overzicht is als overhandigd vastgelegd")
    expect(page.locator("dl.facts")).to_contain_text("Overzicht overhandigd")
    assert_accessible(page, "a delivered request")
    screenshot(page, "access-request-delivered.png")
    page.get_by_role("link", name=f"Verzoeken van {HOUSEHOLD}").click()
    row = page.get_by_role("row", name=re.compile("Jasper Bosman"))
    expect(row).to_contain_text("Inzage in eigen gegevens")
    expect(row).to_contain_text("Overzicht overhandigd")
    assert_accessible(page, "the household's requests with one delivered")
    screenshot(page, "access-request-list-done.png")

    # The privacy officer sees it on the region's list: reference and person number, no name.
    privacy = new_page()
    sign_in(privacy, "privacy")
    privacy.get_by_role("navigation").get_by_role("link", name="Verzoeken (AVG)").click()
    expect(privacy.get_by_role("heading", level=1)).to_have_text("Verzoeken op grond van de AVG")
    expect(privacy.get_by_text("Er zijn geen open verzoeken.")).to_be_visible()
    privacy.get_by_role("link", name="Alle").click()
    row = privacy.get_by_role("row", name=re.compile(HOUSEHOLD))
    expect(row).to_contain_text("Overzicht overhandigd")
    assert "Jasper" not in privacy.content()
    assert_accessible(privacy, "the privacy officer's list of requests")
    screenshot(privacy, "access-requests-privacy-officer.png")
