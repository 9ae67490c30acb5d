"""The README's search step on the demo region: what `politie` finds of Ingrid van den Berg, and that
`wt.charlois` finds nothing of her."""

import pytest

from verband.accounts.models import User

QUERIES = [
    "Ingried van der Berg 02-10-1958",
    "02-10-1958",
    "HH-2026-0004",
    "3075 BK 512",
    "Dordtsestraatweg 512",
]


@pytest.mark.parametrize("q", QUERIES)
def test_the_police_find_ingrid_and_charlois_finds_nothing(demo, as_user, q):
    found = as_user(User.objects.get(username="politie")).get("/zoeken/", {"q": q}).content.decode()
    assert "Ingrid van den Berg" in found and "HH-2026-0004" in found, q
    other = as_user(User.objects.get(username="wt.charlois")).get("/zoeken/", {"q": q}).content.decode()
    assert "Geen resultaten" in other and "Ingrid van den Berg" not in other, q
