"""Dutch by default, English on request; every string has its Dutch translation."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES"


def test_dutch_is_the_default(db, client):
    body = client.get("/aanmelden/").content.decode()
    assert '<html lang="nl">' in body
    assert "Aanmelden bij Verband" in body
    assert "Direct naar de inhoud" in body


def test_english_can_be_chosen(db, client):
    response = client.post("/taal/", {"language": "en", "next": "/aanmelden/"})
    assert response.status_code == 302
    body = client.get("/aanmelden/").content.decode()
    assert '<html lang="en">' in body
    assert "Sign in to Verband" in body


def test_every_message_is_translated_and_compiled():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo"))}
    assert {e.msgid: e.msgstr for e in po.translated_entries() if not e.msgid_plural} == {
        k: v for k, v in mo.items() if k and k in {e.msgid for e in po if not e.msgid_plural}
    }, "django.mo is out of date: run scripts/messages.py"


def test_dutch_error_pages(db, client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()


def test_stylesheet_and_icon_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("verband/verband.css")
    assert finders.find("verband/favicon.svg")
