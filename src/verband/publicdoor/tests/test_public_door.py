"""The public door (issue 16, item 3): anyone without an account asks for advice or reports a worry; it
lands in the reporting centre's Werkbak with its clock; the citizen gets a receipt and nothing about any
household; a honeypot, limits per field and request, and a limit per address shared through the database
hold abuse off without losing what a person typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from verband.actors import Channel
from verband.factories import OrganisationFactory, RegionFactory, TeamFactory
from verband.network.models import CoverageArea, ShelterAddress
from verband.publicdoor import limits
from verband.publicdoor.models import SubmissionCount
from verband.sharing.models import AccessLogEntry
from verband.signals import services
from verband.signals.models import Activation, Signal, SignalKind

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def worry(**changes) -> dict:
    data = {
        "description": "Ik hoor bijna elke avond geschreeuw en gebonk bij de buren. De kinderen huilen.",
        "person1_name": "",
        "person1_age": "",
        "person1_role": "victim",
        "person2_name": "",
        "person2_age": "",
        "person2_role": "perpetrator",
        "relation": "neighbour",
        "children": "yes",
        "postcode": "1012 AB",
        "town": "Testdorp",
        "contact": "anonymous",
        "website": "",
    }
    data.update(changes)
    return data


def post(client: Client, data: dict, kind: str = "zorg", address: str = ADDRESS):
    return client.post(f"/melden/{kind}/", data, REMOTE_ADDR=address)


def test_the_start_page_offers_advice_and_a_report_to_anyone(client):
    body = client.get("/melden/").content.decode()
    assert 'href="/melden/advies/"' in body and 'href="/melden/zorg/"' in body
    assert "112" in body and "0800-2000" in body
    assert client.get("/melden/advies/").status_code == 200
    assert client.get("/melden/iets-anders/").status_code == 404


def test_a_neighbour_reports_a_worry_and_veilig_thuis_finds_it_in_its_inbox_with_the_clock(
    world, client, as_user
):
    response = post(client, worry())
    assert response.status_code == 302 and response["Location"] == "/melden/bedankt/"
    signal = Signal.objects.get()
    assert (signal.kind, signal.channel, signal.region) == (SignalKind.CITIZEN_REPORT, "public", world.region)
    assert signal.source_organisation is None and signal.source_user is None
    assert signal.anonymous_to_household and signal.children_involved and signal.postcode == "1012AB"
    assert signal.reporter_function == "Buurman of buurvrouw"  # in Dutch, whatever the citizen read
    assert signal.reporter_name == signal.reporter_phone == signal.reporter_email == ""

    thanks = client.get("/melden/bedankt/").content.decode()
    assert signal.receipt in thanks
    assert signal.reference not in thanks
    # Shown once: a reload thanks without the receipt.
    assert signal.receipt not in client.get("/melden/bedankt/").content.decode()

    # Routed at once (no reporter confirms a recognition), to the reporting centre alone.
    assert services.route_pending() == 1
    activations = list(Activation.objects.filter(signal=signal))
    assert [(a.team, a.network) for a in activations] == [(world.team_vt, None)]
    assert activations[0].norm_working_days == 5 and activations[0].due_on

    inbox = as_user(world.vt).get("/werkbak/").content.decode()
    with override("nl"):
        label = str(SignalKind.CITIZEN_REPORT.label)
    assert signal.reference in inbox and label in inbox
    assert 'class="clock' in inbox
    # Nobody else is asked: not the network, not the neighbourhood team.
    assert signal.reference not in as_user(world.involved).get("/werkbak/").content.decode()


def test_an_advice_request_with_contact_details_keeps_them_for_the_reporting_centre(world, client, as_user):
    post(
        client,
        worry(
            contact="contact",
            reporter_name="Joke Buurvrouw",
            reporter_phone="06-12345678",
            reporter_email="joke@example.org",
            may_contact="on",
        ),
        kind="advies",
    )
    signal = Signal.objects.get()
    assert signal.kind == SignalKind.CITIZEN_ADVICE
    assert (signal.reporter_name, signal.reporter_phone, signal.reporter_email, signal.may_contact) == (
        "Joke Buurvrouw",
        "06-12345678",
        "joke@example.org",
        True,
    )
    services.route_pending()
    client_vt = as_user(world.vt)
    assert signal.reference in client_vt.get("/werkbak/").content.decode()


def test_anonymous_means_no_contact_details_are_kept(world, client):
    post(
        client,
        worry(contact="anonymous", reporter_name="Joke", reporter_phone="0612345678", may_contact="on"),
    )
    signal = Signal.objects.get()
    assert (signal.reporter_name, signal.reporter_phone, signal.may_contact) == ("", "", False)


def test_the_citizen_learns_nothing_about_a_household_already_known(world, client):
    """Anna van Dam is known (HH-T-0001, with her son Bram, Dorpsstraat 12, Wijkteam Noord involved)."""
    response = post(
        client,
        worry(person1_name="Anna van Dam", person1_age="1990", person2_name="Kees Vos", person2_age="40"),
    )
    thanks = client.get(response["Location"]).content.decode()
    services.route_pending()
    signal = Signal.objects.get()
    # Recognition ran as for any signal (a name and a year alone link no one automatically).
    assert signal.status == "routed" and signal.persons.count() == 2
    for known in ("HH-T-0001", "Dorpsstraat", "Bram", "Wijkteam", "Dam", signal.reference, "1012"):
        assert known not in thanks
    assert signal.receipt in thanks


def test_the_receipt_is_random_and_opens_nothing(world, client):
    post(client, worry())
    post(client, worry(), address="198.51.100.9")
    first, second = Signal.objects.order_by("pk")
    assert first.receipt != second.receipt
    assert not first.receipt.startswith("SG") and first.reference not in first.receipt
    assert client.get(f"/melden/{first.receipt}/").status_code == 404
    assert client.get(f"/meldingen/{first.reference}/").status_code in (302, 404)


def test_acute_danger_says_call_112_and_still_accepts(world, client):
    response = post(client, worry(acute_danger="on"))
    body = client.get(response["Location"]).content.decode()
    assert "112" in body
    signal = Signal.objects.get()
    assert signal.acute_danger
    services.route_pending()
    assert Activation.objects.get(signal=signal).urgent


def test_the_creation_is_logged_as_verband_itself_without_the_address(world, client):
    post(client, worry())
    signal = Signal.objects.get()
    entry = AccessLogEntry.objects.get(action="create", object_type="signal", object_id=signal.reference)
    assert entry.channel == Channel.SYSTEM and entry.username == ""
    assert not entry.ip_address


def test_a_filled_honeypot_gets_the_same_thanks_and_nothing_is_stored(world, client):
    response = post(client, worry(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/melden/bedankt/"
    thanks = client.get("/melden/bedankt/")
    assert thanks.status_code == 200
    assert "Signal" not in thanks.content.decode()
    assert Signal.objects.count() == 0


def test_the_honeypot_is_hidden_from_people(client):
    body = client.get("/melden/zorg/").content.decode()
    bait = body[body.index('class="door-bait"') - 5 :]
    assert 'aria-hidden="true"' in bait[:60]
    field = body[body.index('name="website"') - 200 : body.index('name="website"') + 200]
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    assert "style=" not in body


def test_a_story_too_long_is_refused_clearly_and_kept_whole(world, client):
    story = "Ik maak me zorgen. " * 300  # 5700 characters
    response = post(client, worry(description=story, person1_name="Anna de Boer", town="Testdorp"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert story.strip() in body  # the whole text, not cut off
    assert 'value="Anna de Boer"' in body and 'value="Testdorp"' in body
    assert 'maxlength="5000"' not in body
    assert Signal.objects.count() == 0


def test_a_request_too_large_is_refused_before_it_is_read(world, client):
    response = post(client, worry(description="x" * 70_000))
    assert response.status_code == 413
    assert "0800-2000" in response.content.decode()
    assert Signal.objects.count() == 0


def test_a_validation_error_keeps_everything_typed(world, client):
    response = post(
        client,
        worry(
            description="",
            person1_name="Piet Jansen",
            person1_age="ongeveer veertig",
            contact="contact",
            reporter_email="geen-adres",
            reporter_phone="0612345678",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    for kept in (
        'value="Piet Jansen"',
        'value="ongeveer veertig"',
        'value="geen-adres"',
        'value="0612345678"',
    ):
        assert kept in body
    assert 'value="contact" checked' in body or 'checked value="contact"' in body or "checked" in body
    assert Signal.objects.count() == 0


def test_may_contact_needs_a_way_to_contact(world, client):
    response = post(client, worry(contact="contact", reporter_name="Joke", may_contact="on"))
    assert response.status_code == 200 and Signal.objects.count() == 0


def test_a_burst_from_one_address_is_held_at_the_limit_and_loses_nothing_before_it(world, client, settings):
    settings.PUBLIC_DOOR_LIMIT = 5
    legitimate = [worry(description=f"Zorg nummer {n}: de buurvrouw wordt geslagen.") for n in range(3)]
    for data in legitimate:
        assert post(client, data).status_code == 302
    answers = [post(client, worry(description=f"Spam {n}")).status_code for n in range(50)]
    assert answers[:2] == [302, 302] and answers[2:] == [429] * 48
    assert Signal.objects.count() == 5  # exactly the limit
    # The three made before the burst are intact.
    stored = list(Signal.objects.order_by("pk").values_list("description", flat=True))
    assert stored[:3] == [d["description"] for d in legitimate]
    # Another address still gets through.
    assert post(Client(), worry(), address="198.51.100.20").status_code == 302
    assert Signal.objects.count() == 6
    # One row per address, and no address in it.
    assert SubmissionCount.objects.count() == 2
    assert not SubmissionCount.objects.filter(address_key__contains="203.0").exists()


def test_over_the_limit_the_form_comes_back_with_what_was_typed_and_the_phone_number(world, client, settings):
    settings.PUBLIC_DOOR_LIMIT = 1
    post(client, worry())
    response = post(client, worry(description="Mijn tweede zorg, die wil ik niet kwijt.", town="Ergens"))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Mijn tweede zorg, die wil ik niet kwijt." in body and 'value="Ergens"' in body
    assert "0800-2000" in body
    assert Signal.objects.count() == 1


def test_a_refused_submission_stays_cheap(world, client, settings):
    """The server stays responsive under a burst: a refused submission writes nothing and makes a small,
    fixed number of queries, however long the burst."""
    settings.PUBLIC_DOOR_LIMIT = 1
    post(client, worry())
    post(client, worry())
    counts = []
    for _n in range(3):
        with CaptureQueriesContext(connection) as captured:
            assert post(client, worry()).status_code == 429
        counts.append(len(captured.captured_queries))
        assert not [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # The session (the page's messages) and the limit's two: one conditional UPDATE and one EXISTS.
    assert counts[0] == counts[1] == counts[2] and counts[0] <= 3, counts


def test_an_ipv6_network_shares_one_limit(world, client, settings):
    settings.PUBLIC_DOOR_LIMIT = 1
    assert post(client, worry(), address="2001:db8:1:2::1").status_code == 302
    assert post(client, worry(), address="2001:db8:1:2::ffff").status_code == 429
    assert post(client, worry(), address="2001:db8:1:3::1").status_code == 302


def test_a_new_window_opens_after_the_old_one_and_old_counts_are_pruned(world, client, settings):
    settings.PUBLIC_DOOR_LIMIT = 1
    post(client, worry())
    assert post(client, worry()).status_code == 429
    long_ago = timezone.now() - timedelta(minutes=settings.PUBLIC_DOOR_WINDOW_MINUTES + 1)
    SubmissionCount.objects.update(window_start=long_ago)
    assert post(client, worry()).status_code == 302
    # Another address's ended window is pruned when a new one starts.
    SubmissionCount.objects.create(address_key="x" * 64, window_start=long_ago, count=1)
    assert post(client, worry(), address="198.51.100.30").status_code == 302
    assert not SubmissionCount.objects.filter(address_key="x" * 64).exists()


def test_the_address_key_is_keyed_with_the_secret(rf, settings):
    request = rf.post("/melden/zorg/", REMOTE_ADDR=ADDRESS)
    first = limits.address_key(request)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert limits.address_key(request) != first and ADDRESS not in first


def test_the_region_follows_the_postcode_else_the_configured_one(world, client, settings):
    other = RegionFactory.create(name="Andere regio", code="ander")
    vt = OrganisationFactory.create(region=other, name="Veilig Thuis Ander", kind="reporting_centre")
    CoverageArea.objects.create(
        team=TeamFactory.create(organisation=vt), postcode_from=5000, postcode_to=5099
    )
    post(client, worry(postcode="5012"))
    assert Signal.objects.latest("pk").region == other
    settings.PUBLIC_DOOR_REGION = "ander"
    post(client, worry(postcode=""), address="198.51.100.40")
    assert Signal.objects.latest("pk").region == other
    settings.PUBLIC_DOOR_REGION = "bestaat-niet"
    post(client, worry(postcode="9999"), address="198.51.100.41")
    assert Signal.objects.latest("pk").region == world.region  # the first region: never dropped


def test_the_page_speaks_english_after_the_switch(client):
    client.post("/taal/", {"language": "en", "next": "/melden/"})
    body = client.get("/melden/zorg/").content.decode()
    assert 'lang="en"' in body and "What worries you?" in body and "Send" in body
    dutch = Client().get("/melden/zorg/").content.decode()
    assert "What worries you?" not in dutch


def test_the_api_does_not_take_citizen_kinds(world, client):
    response = client.post(
        "/api/v1/signals",
        {"kind": "citizen_report", "description": "x", "persons": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token_vt}",
    )
    assert response.status_code == 422


def test_the_reporting_centre_reads_it_as_from_a_citizen(world, client, as_user):
    post(
        client, worry(contact="contact", reporter_name="Joke", reporter_phone="0612345678", may_contact="on")
    )
    services.route_pending()
    signal = Signal.objects.get()
    vt = as_user(world.vt)
    activation = Activation.objects.get(signal=signal)
    vt.post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
    activation.refresh_from_db()
    assert activation.status == "accepted"
    body = vt.get(f"/meldingen/{signal.reference}/").content.decode()
    assert "None" not in body
    assert signal.receipt in body and "Joke" in body and "0612345678" in body
    assert AccessLogEntry.objects.filter(object_id=signal.reference, username="vt").exists()


def test_a_shelters_postcode_is_not_kept_as_the_area(world, client):
    ShelterAddress.objects.create(region=world.region, postcode="1012AB", house_number="12")
    post(client, worry(postcode="1012 AB"))
    signal = Signal.objects.get()
    assert signal.postcode == "" and signal.region == world.region
