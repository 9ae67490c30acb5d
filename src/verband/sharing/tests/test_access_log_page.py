import pytest

from verband.sharing.models import AccessLogEntry

EXPECTED = {"involved": 403, "colleague": 403, "other_org": 403, "manager": 403, "anonymous": 302}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_access_log_page_is_for_the_privacy_officer_only(world, as_user, persona):
    assert as_user(world.personas()[persona]).get("/toegangslog/").status_code == EXPECTED[persona]


def test_privacy_officer_sees_who_looked_and_filters_by_household(world, as_user):
    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    as_user(world.colleague).get(f"/huishoudens/{world.household.reference}/")
    client = as_user(world.privacy_officer)
    body = client.get("/toegangslog/", {"household": "HH-T-0001"}).content.decode()
    assert "involved" in body and "colleague" in body
    assert "Geweigerd (niet gevonden)" in body
    assert "<td>HH-T-0001 · persoon" in body  # whose data, by reference and person id
    assert "Wijkteams Testdorp · Professional" in body
    assert "huishouden HH-T-0001 ingezien" in body
    assert "Hulp en ondersteuning, Wettelijke taak" in body
    assert AccessLogEntry.objects.filter(username="privacy", object_type="access_log").exists()


def test_invalid_filter_gets_dutch_error(world, as_user):
    body = (
        as_user(world.privacy_officer)
        .get("/toegangslog/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
        .content.decode()
    )
    assert "De begindatum ligt na de einddatum." in body


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_extreme_dates_get_a_dutch_error(world, as_user, field, value):
    response = as_user(world.privacy_officer).get("/toegangslog/", {field: value})
    assert response.status_code == 200
    assert "Vul een datum in tussen 1 januari 2000 en 31 december 2999." in response.content.decode()


def test_verify_button_reports_intact_chain(world, as_user):
    body = as_user(world.privacy_officer).post("/toegangslog/").content.decode()
    assert "De keten is intact" in body


def test_refused_pages_are_logged(world, as_user):
    assert as_user(world.involved).get("/toegangslog/").status_code == 403
    entry = AccessLogEntry.objects.get(outcome="denied", username="involved")
    assert (entry.object_type, entry.path) == ("page", "/toegangslog/")


def test_the_privacy_officer_filters_refusals_and_emergency_access(world, as_user):
    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    as_user(world.colleague).get(f"/huishoudens/{world.household.reference}/")  # refused
    client = as_user(world.privacy_officer)
    refusals = client.get("/toegangslog/", {"kind": "denied"}).content.decode()
    assert "colleague" in refusals and ">involved<" not in refusals
    as_user(world.other_org).post(
        "/noodtoegang/",
        {
            "reference": "HH-T-0001",
            "reason": "Acuut: melding van geweld op dit adres, nu.",
            "understood": "on",
        },
    )
    emergency = client.get("/toegangslog/", {"kind": "emergency"}).content.decode()
    assert "other_org" in emergency and "noodtoegang" in emergency and ">colleague<" not in emergency


def test_an_extract_is_exported_as_csv_in_words_and_the_export_is_logged(world, as_user):
    import csv
    import io

    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    response = as_user(world.privacy_officer).get(
        "/toegangslog/", {"household": "HH-T-0001", "export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nummer", "Wanneer", "Wie"]
    viewed = [row for row in rows[1:] if row[2] == "involved"]
    assert viewed and viewed[0][5] == "ingezien" and viewed[0][6] == "huishouden HH-T-0001"
    assert "HH-T-0001 persoon" in viewed[0][7]
    export = AccessLogEntry.objects.filter(username="privacy", action="export").get()
    assert export.subject_household_id == world.household.pk


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(world, as_user):
    from verband.text import spreadsheet_cell as _safe_cell

    assert _safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")' and _safe_cell("Jan") == "Jan"


def test_an_export_with_a_bad_filter_exports_nothing(world, as_user):
    """(Review finding) An invalid filter used to be ignored, exporting the whole log."""
    response = as_user(world.privacy_officer).get(
        "/toegangslog/", {"date_from": "2026-13-01", "export": "csv"}
    )
    assert not response["Content-Type"].startswith("text/csv")
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_the_review_basis_is_in_words():
    from django.utils import translation

    from verband.sharing.models import basis_label

    with translation.override("nl"):
        assert basis_label("review:not_justified") == "beoordeling door de privacyfunctionaris: niet terecht"
        assert basis_label("review") == "beoordeling door de privacyfunctionaris"


def test_a_privacy_officer_oversees_their_own_region_only(world, as_user):
    """(Review finding) Another region's privacy officer neither reads nor exports this region's log."""
    from verband.network.models import Organisation, Region, Role
    from verband.testing import make_user

    as_user(world.involved).get(f"/huishoudens/{world.household.reference}/")
    elsewhere = Organisation.objects.create(
        name="Elders", region=Region.objects.create(name="Elders", code="e")
    )
    stranger = as_user(make_user("privacy-elders", elsewhere, Role.PRIVACY_OFFICER))
    page = stranger.get("/toegangslog/", {"household": "HH-T-0001"}).content.decode()
    assert ">involved<" not in page and "HH-T-0001 ingezien" not in page
    export = stranger.get("/toegangslog/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "involved" not in export
    own = as_user(world.privacy_officer).get("/toegangslog/", {"household": "HH-T-0001"}).content.decode()
    assert "huishouden HH-T-0001 ingezien" in own
