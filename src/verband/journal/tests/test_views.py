"""The journal's pages per persona: who sees which entry and document, who writes, what is logged.

Personas: the neighbourhood team (involved with the whole household, writes), the police (another
organisation, whole household), probation (Dirk, the perpetrator, only), youth care (Bram only), an
experience expert of the neighbourhood team (reads), a colleague of the neighbourhood team not involved,
a manager, and someone signed out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.journal import services
from verband.journal.models import Document, JournalEntry
from verband.journal.services import DocumentInput, EntryInput
from verband.journal.tests.conftest import DOCM, EXE, HTML, PDF, stored_files, upload
from verband.network.models import Role
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user

SECRET = "Anna slaapt bij haar zus aan de Geheimelaan."
OWN = "Alleen voor het wijkteam: Anna twijfelt over aangifte."
ABOUT_DIRK = "Dirk kwam op tijd naar het gesprek."
FROM_BRAM = "Bram mag niet weten dat moeder gaat verhuizen."


@pytest.fixture
def entries(journal_family):
    """An entry about Anna with a document (for everyone involved: kept from Dirk by default), one for the
    neighbourhood team only, one about Dirk with Dirk, and one about Bram shielded from Bram."""
    w = journal_family
    involved = actor_for(w.involved)

    def entry(**fields):
        data = EntryInput(kind="home_visit", occurred_at=w.earlier, summary="", person_id=w.anna.pk)
        for key, value in fields.items():
            setattr(data, key, value)
        return data

    w.secret = services.record_entry(
        involved, w.household, entry(summary=SECRET, participant_ids=[w.anna.pk]),
        DocumentInput(upload("verslag-huisbezoek.pdf", PDF)),
    )  # fmt: skip
    w.secret_document = Document.objects.get(entry=w.secret)
    w.own = services.record_entry(involved, w.household, entry(summary=OWN, visibility="organisation"))
    w.about_dirk = services.record_entry(
        involved,
        w.household,
        entry(kind="phone_call", summary=ABOUT_DIRK, person_id=w.dirk.pk, participant_ids=[w.dirk.pk]),
    )
    w.from_bram = services.record_entry(
        involved,
        w.household,
        entry(kind="note", summary=FROM_BRAM, person_id=w.bram.pk, shielded_from=[w.bram.pk]),
    )
    w.expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    return w


def journal_url(w) -> str:
    return f"/huishoudens/{w.household.reference}/journaal/"


# Who sees what on the journal page (and the timeline, and each entry's page).
SEES = {
    "involved": {SECRET, OWN, ABOUT_DIRK, FROM_BRAM},
    "expert": {SECRET, OWN, ABOUT_DIRK, FROM_BRAM},
    "other_org": {SECRET, ABOUT_DIRK, FROM_BRAM},
    "probation": {ABOUT_DIRK},
    "youth": set(),
}
TEXTS = {SECRET, OWN, ABOUT_DIRK, FROM_BRAM}


@pytest.mark.parametrize("name", sorted(SEES))
def test_the_journal_page_shows_each_persona_what_it_may_see(entries, as_user, name):
    w = entries
    client = as_user(getattr(w, name))
    body = client.get(journal_url(w)).content.decode()
    assert {t for t in TEXTS if t in body} == SEES[name]
    timeline = client.get(f"/huishoudens/{w.household.reference}/tijdlijn/").content.decode()
    assert {t[:60] for t in TEXTS if t[:60] in timeline} == {t[:60] for t in SEES[name]}
    by_text = {SECRET: w.secret, OWN: w.own, ABOUT_DIRK: w.about_dirk, FROM_BRAM: w.from_bram}
    for text, entry in by_text.items():
        page = client.get(f"{journal_url(w)}{entry.pk}/")
        assert page.status_code == (200 if text in SEES[name] else 404), (name, text)
    # The download of Anna's report: for those who see the entry.
    download = client.get(f"/huishoudens/{w.household.reference}/documenten/{w.secret_document.pk}/")
    assert download.status_code == (200 if SECRET in SEES[name] else 404)
    if download.status_code == 404:
        assert AccessLogEntry.objects.filter(username=client.session.get("_auth_user_id") and getattr(w, name).username,
                                             object_type="document", outcome="denied").exists()  # fmt: skip


def test_the_perpetrators_partner_never_learns_of_what_is_kept_from_him(entries, as_user):
    w = entries
    client = as_user(w.probation)
    for path in ("journaal/", "tijdlijn/", "", "documenten/"):
        body = client.get(f"/huishoudens/{w.household.reference}/{path}").content.decode()
        assert "Geheimelaan" not in body and "verslag-huisbezoek" not in body and "Anna" not in body, path


@pytest.mark.parametrize("path", ["journaal/", "journaal/nieuw/", "documenten/", "journaal/{entry}/",
                                  "journaal/{entry}/corrigeren/", "documenten/{document}/"])  # fmt: skip
def test_a_colleague_not_involved_gets_not_found_and_is_logged(entries, as_user, path):
    w = entries
    url = f"/huishoudens/{w.household.reference}/" + path.format(
        entry=w.secret.pk, document=w.secret_document.pk
    )
    response = as_user(w.colleague).get(url)
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(username="colleague", outcome="denied").exists()
    assert as_user(None).get(url).status_code == 302  # signed out: to the sign-in
    assert as_user(w.manager).get(url).status_code == 403


def test_reading_is_logged_with_each_member_shown(entries, as_user):
    w = entries
    as_user(w.involved).get(journal_url(w))
    entry = AccessLogEntry.objects.filter(username="involved", object_type="journal").latest("pk")
    assert {w.anna.pk, w.bram.pk, w.dirk.pk} <= {s.person_id for s in logged_subjects([entry])}
    as_user(w.probation).get(journal_url(w))
    entry = AccessLogEntry.objects.filter(username="reclassering", object_type="journal").latest("pk")
    assert {s.person_id for s in logged_subjects([entry])} - {None} == {w.dirk.pk}


def test_the_download_is_an_attachment_never_shown_in_the_browser_and_logged(entries, as_user):
    w = entries
    response = as_user(w.involved).get(
        f"/huishoudens/{w.household.reference}/documenten/{w.secret_document.pk}/"
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "verslag-huisbezoek.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    entry = AccessLogEntry.objects.filter(
        username="involved", object_type="document", action="download"
    ).latest("pk")
    assert entry.outcome == "granted" and w.anna.pk in {s.person_id for s in logged_subjects([entry])}


def test_recording_through_the_form(entries, as_user, documents_folder):
    w = entries
    client = as_user(w.involved)
    assert client.get(f"{journal_url(w)}nieuw/").status_code == 200
    now = timezone.localtime() - timedelta(minutes=5)
    response = client.post(f"{journal_url(w)}nieuw/", {
        "kind": "office", "date": f"{now:%Y-%m-%d}", "time": f"{now:%H:%M}", "person": str(w.anna.pk),
        "participants": [str(w.anna.pk), str(w.bram.pk)], "summary": "Gesprek op kantoor met Anna en Bram.",
        "visibility": "involved", "document": upload("brief.pdf", PDF),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = JournalEntry.objects.get(kind="office")
    assert set(entry.participants.values_list("pk", flat=True)) == {w.anna.pk, w.bram.pk}
    assert Document.objects.filter(entry=entry, original_name="brief.pdf").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("verslag.pdf", EXE, "PDF-bestanden"),
        ("foto.png", HTML, "PDF-bestanden"),
        ("brief.docm", DOCM, "macro"),
        ("groot.pdf", PDF + b" " * (1024 * 1024), "groter dan 1 MB"),
    ],
)
def test_a_refused_upload_keeps_what_was_typed_and_stores_nothing(
    entries, as_user, documents_folder, name, content, message
):
    w = entries
    before = (JournalEntry.objects.count(), Document.objects.count(), stored_files(documents_folder))
    now = timezone.localtime() - timedelta(minutes=5)
    response = as_user(w.involved).post(f"{journal_url(w)}nieuw/", {
        "kind": "home_visit", "date": f"{now:%Y-%m-%d}", "time": f"{now:%H:%M}", "person": str(w.anna.pk),
        "participants": [str(w.anna.pk)], "summary": "Wat ik net typte over het huisbezoek.",
        "next_step": "Volgende week bellen.", "visibility": "organisation", "document": upload(name, content),
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert (
        "Wat ik net typte over het huisbezoek.</textarea>" in body
        and "Volgende week bellen.</textarea>" in body
    )
    assert 'value="organisation" checked' in body
    assert (JournalEntry.objects.count(), Document.objects.count(), stored_files(documents_folder)) == before


def test_a_date_in_the_future_is_refused_with_the_text_kept(entries, as_user):
    w = entries
    later = timezone.localtime() + timedelta(days=2)
    response = as_user(w.involved).post(f"{journal_url(w)}nieuw/", {
        "kind": "phone_call", "date": f"{later:%Y-%m-%d}", "time": "10:00", "summary": "Gebeld met Anna.",
        "visibility": "involved",
    })  # fmt: skip
    assert response.status_code == 400 and "toekomst" in response.content.decode()
    assert "Gebeld met Anna.</textarea>" in response.content.decode()


def test_correcting_through_the_form_keeps_the_history(entries, as_user):
    w = entries
    client = as_user(w.involved)
    url = f"{journal_url(w)}{w.secret.pk}/corrigeren/"
    form = client.get(url)
    assert form.status_code == 200 and SECRET in form.content.decode()
    local = timezone.localtime(w.secret.occurred_at)
    response = client.post(url, {
        "kind": "home_visit", "date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}", "person": str(w.anna.pk),
        "participants": [str(w.anna.pk)], "summary": "Anna logeert bij haar zus.", "visibility": "involved",
        "reason": "Het adres hoort niet in het verslag.",
    })  # fmt: skip
    assert response.status_code == 302
    new = JournalEntry.objects.get(corrects=w.secret)
    page = client.get(response["Location"]).content.decode()
    assert (
        "Anna logeert bij haar zus." in page
        and SECRET in page
        and "Het adres hoort niet in het verslag." in page
    )
    assert "gecorrigeerd" in page
    # The journal shows the newest version; the old one redirects its correction to the newest.
    journal = client.get(journal_url(w)).content.decode()
    assert "Anna logeert bij haar zus." in journal and SECRET not in journal
    assert client.get(url)["Location"].endswith(f"/{new.pk}/corrigeren/")
    # The document stays with the entry.
    assert w.secret_document.pk in [d.pk for d in Document.objects.filter(entry_id=new.item_id)]


def test_other_organisations_and_readers_do_not_correct_or_write(entries, as_user):
    w = entries
    assert as_user(w.other_org).get(f"{journal_url(w)}{w.secret.pk}/corrigeren/").status_code == 403
    assert as_user(w.expert).get(f"{journal_url(w)}nieuw/").status_code == 403
    assert as_user(w.expert).get(journal_url(w)).status_code == 200
    assert AccessLogEntry.objects.filter(
        username="other_org", outcome="denied", object_type="journal_entry"
    ).exists()


def test_the_documents_page_uploads_for_a_member(entries, as_user, documents_folder):
    w = entries
    client = as_user(w.involved)
    url = f"/huishoudens/{w.household.reference}/documenten/"
    assert "verslag-huisbezoek.pdf" in client.get(url).content.decode()
    refused = client.post(
        url, {"document": upload("foto.png", HTML), "description": "Schoolrapport", "person": str(w.bram.pk)}
    )
    assert refused.status_code == 400 and 'value="Schoolrapport"' in refused.content.decode()
    response = client.post(url, {"document": upload("rapport.pdf", PDF), "description": "Schoolrapport",
                                 "person": str(w.bram.pk), "visibility": "involved"})  # fmt: skip
    assert response.status_code == 302
    assert Document.objects.filter(person=w.bram, original_name="rapport.pdf").exists()
    # Youth care, working with Bram, sees it; probation does not.
    assert "rapport.pdf" in as_user(w.youth).get(url).content.decode()
    assert "rapport.pdf" not in as_user(w.probation).get(url).content.decode()


def test_first_contact_through_the_form_shows_on_the_household(entries, as_user):
    w = entries
    from verband.sharing.models import Involvement

    assert Involvement.objects.get(household=w.household, team=w.team_a1).first_contact_at == w.earlier


def test_the_access_export_holds_the_members_journal_and_nothing_kept_from_them(entries):
    from verband.rights import export
    from verband.rights.services import record_request

    w = entries
    involved = actor_for(w.involved)
    today = timezone.localdate()

    def made_for(person):
        request = record_request(involved, w.household, person_id=person.pk, kind="access", how_received="letter",
                                 received_on=today, asked="Wat staat er over mij?")  # fmt: skip
        return export.as_json(export.build(involved, request))

    anna = {j["samenvatting"] for j in made_for(w.anna)["journaal"]}
    assert SECRET in anna and OWN in anna  # her own entries (the team's own ones too: the team makes it)
    assert ABOUT_DIRK not in anna and FROM_BRAM not in anna
    assert made_for(w.anna)["journaal"][0]["documenten"] == ["verslag-huisbezoek.pdf"]
    dirk = made_for(w.dirk)  # guarded: the person she fears
    assert {j["samenvatting"] for j in dirk["journaal"]} == {ABOUT_DIRK}
    assert "Journaal" not in {t["soort"] for t in dirk["tijdlijn"]}
    assert FROM_BRAM not in {j["samenvatting"] for j in made_for(w.bram)["journaal"]}  # shielded from him
