"""One intake — the API's POST, which stores, recognises and routes — makes a bounded number of queries
that does not grow with the register, the region's routing rules or the persons in the signal."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from verband.households.matching import index_person
from verband.households.models import Person
from verband.signals.models import Activation, RoutingRule, Signal

# Every statement: 30 queries (with which partners are already involved, so that they get an update rather
# than a take-up, and the region's norm for acknowledging it) and 4 of transaction control (the test's
# savepoints stand for production's BEGIN and COMMIT), and the token's first use noted.
MAX_QUERIES = 35


def body(persons: int = 3) -> dict:
    people = [
        {"role": "victim", "given_names": "Anna", "surname_prefix": "van", "family_name": "Dam",
         "date_of_birth": "1990-01-02", "street": "Dorpsstraat", "house_number": "12", "postcode": "1012AB"},
        {"role": "perpetrator", "given_names": "Kees", "family_name": "Vos", "date_of_birth": "1985-05-05",
         "street": "Kerkstraat", "house_number": "3", "postcode": "1013AB"},
        {"role": "child", "given_names": "Bram", "family_name": "Dam", "date_of_birth": "2015"},
        {"role": "child", "given_names": "Lotte", "family_name": "Vos", "date_of_birth": "2017-04"},
        {"role": "witness", "given_names": "Mira", "family_name": "Vos", "date_of_birth": "1960"},
    ]  # fmt: skip
    return {
        "kind": "police_registration",
        "description": "Melding na 112.",
        "acute_danger": True,
        "postcode": "1012AB",
        "persons": people[:persons],
    }


def intake(client, token, payload) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/v1/signals", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "routed"
    return len(captured.captured_queries)


def test_one_intake_makes_a_bounded_number_of_queries(world, client):
    client.get("/api/v1/health")
    assert intake(client, world.token_vt, body()) <= MAX_QUERIES
    signal = Signal.objects.get()
    # Anna van Dam is known with this name, birth date and address: a certain match, so the signal lands
    # on her household (Anna and Bram) and brings Kees and a new child in (a child named Bram Dam born in
    # 2015 is not the Bram van Dam known without a birth date: a name alone is no likely match).
    assert signal.household == world.household and signal.household.members.count() == 4
    # Every signal to the reporting centre, the covering network, the children's team, the crisis route.
    assert Activation.objects.filter(signal=signal).count() == 4


def test_queries_do_not_grow_with_the_register_or_the_rules(world, client):
    intake(client, world.token_vt, body())  # the token's first use is noted once
    before = intake(client, world.token_vt, body())

    # Many look-alikes in the register (they share blocking keys, so every look-up reads them) ...
    for n in range(60):
        person = Person.objects.create(
            given_names=["Anna", "Kees", "Bram"][n % 3], family_name=["Dam", "Vos"][n % 2],
            surname_prefix="van" if n % 4 == 0 else "", birth_year=[1990, 1985, 2015][n % 3],
            birth_month=1 + n % 12, birth_day=1 + n % 28,
        )  # fmt: skip
        index_person(person)
    # ... and many more routing rules, fixed and by coverage.
    for n in range(12):
        RoutingRule.objects.create(
            region=world.region, name=f"Extra {n}", condition=["every", "children", "acute"][n % 3],
            target=["covering_network", "covering_team", "fixed"][n % 3], organisation=world.org_a,
            team=world.team_b1 if n % 3 == 2 else None, purpose=["help", "monitoring"][n % 2],
            norm_working_days=3, order=20 + n,
        )  # fmt: skip

    after = intake(client, world.token_vt, body())
    assert after == before
    assert Signal.objects.count() == 3


def test_queries_do_not_grow_with_the_persons_in_the_signal(world, client):
    intake(client, world.token_vt, body(1))  # the token's first use is noted once
    two = intake(client, world.token_vt, body(2))
    five = intake(client, world.token_vt, body(5))
    # Kees is known after the second report (identical name, birth date and address: certain), so the
    # third stores no new address for him: it may take fewer queries, never more.
    assert five <= two
