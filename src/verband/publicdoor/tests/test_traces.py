"""What the public door leaves on the device it was used on: someone who reports from a shared computer or
phone must not have the names, the town or their own details offered back to the next person who opens the
form (the browser's remembered entries), and no page is kept in the browser's cache."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["advies", "zorg"])
def test_the_form_asks_the_browser_to_remember_nothing(kind):
    response = Client().get(f"/melden/{kind}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    fields = re.findall(r"<(?:input|textarea)\b[^>]*>", body)
    typed = [f for f in fields if not re.search(r'type="(hidden|radio|checkbox|submit)"', f)]
    assert len(typed) >= 10
    for field in typed:
        assert 'autocomplete="off"' in field, field


def test_the_answer_is_the_same_whether_the_person_named_is_known_or_not(world):
    """An outsider names Anna (known, with her household's postcode) and then a made-up person: the answers
    are the same page, apart from the receipt — the door is no way to learn whether a household is known."""
    from verband.publicdoor.tests.test_public_door import post, worry

    pages = []
    for n, (name, postcode) in enumerate((("Anna van Dam", "1012 AB"), ("Zus Nergens", "1013 CD"))):
        client = Client()
        response = post(client, worry(person1_name=name, postcode=postcode), address=f"203.0.113.{n + 20}")
        assert response.status_code == 302 and response["Location"] == "/melden/bedankt/"
        body = client.get("/melden/bedankt/").content.decode()
        pages.append(re.sub(r"[A-Z0-9]{4}-[A-Z0-9]{4}", "RECEIPT", re.sub(r'value="[^"]*"', "", body)))
    assert pages[0] == pages[1]
    assert "Anna" not in pages[0] and "HH-" not in pages[0]
