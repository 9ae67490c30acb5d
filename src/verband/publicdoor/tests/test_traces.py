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
