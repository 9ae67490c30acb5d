"""Safe defaults (issue 14, item 10): the status of help starts at its current status, providers are
those that offer the kind of help, cancelling a meeting asks first (without JavaScript), and a meeting is
not recorded as held before the day it was planned for."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from verband.collaboration import meetings
from verband.collaboration import services as collaboration
from verband.collaboration.models import CaseMeeting, Help, HelpKind, ProviderCapacity
from verband.collaboration.tests.test_meetings import early_today, network_world, tomorrow_at_ten  # noqa: F401
from verband.escalation.tests.test_engine import shelter  # noqa: F401 - fixture
from verband.testing import actor_for


def _status_select(page: str, help_: Help) -> str:
    return page[page.index(f'id="status-{help_.pk}"') :].split("</select>")[0]


def test_the_status_of_help_already_started_starts_at_started(shelter, as_user):  # noqa: F811
    w = shelter
    kind = HelpKind.objects.create(region=w.region, name="Ambulante begeleiding")
    help_ = collaboration.add_help(
        actor_for(w.involved), w.household, kind_id=kind.pk, funding="wmo", provider_id=w.team_a1.pk
    )
    collaboration.set_help_status(actor_for(w.involved), help_, "started")
    client = as_user(w.involved)
    url = f"/huishoudens/{w.household.reference}/hulp/"
    select = _status_select(client.get(url).content.decode(), help_)
    options = re.findall(r'<option value="(\w+)"( selected)?>', select)
    # The current status first and chosen; then only what can follow it (no step back to "Aangevraagd").
    assert options == [("started", " selected"), ("ended", "")]
    assert "Gestart (huidig)" in select and "Aangevraagd" not in select
    # Sent unchanged: nothing changes, and the page says so.
    response = client.post(f"{url}{help_.pk}/status/", {"status": "started"}, follow=True)
    assert "Er is niets veranderd" in response.content.decode()
    help_.refresh_from_db()
    assert help_.status == "started" and help_.ended_on is None


def test_only_providers_of_the_kind_are_offered_and_others_are_refused(shelter, as_user):  # noqa: F811
    w = shelter
    place = HelpKind.objects.create(region=w.region, name="Opvangplek", shelter=True)
    coaching = HelpKind.objects.create(region=w.region, name="Gezinscoaching")
    ProviderCapacity.objects.create(team=w.team_shelter, kind=place, places=10)
    client = as_user(w.involved)
    url = f"/huishoudens/{w.household.reference}/hulp/"
    page = client.get(url).content.decode()
    group = page[page.index('<optgroup label="Opvangplek">') :].split("</optgroup>")[0]
    assert "Opvang Centrum" in group and "Wijkteam Noord" not in group
    # The neighbourhood team does not offer shelter places: refused in Dutch, what was typed kept.
    refused = client.post(
        url, {"kind": str(place.pk), "funding": "wmo", "provider": str(w.team_a1.pk), "note": "Spoed"}
    )
    body = refused.content.decode()
    assert refused.status_code == 400 and "biedt geen Opvangplek" in body and 'value="Spoed"' in body
    assert not Help.objects.exists()
    client.post(url, {"kind": str(place.pk), "funding": "wmo", "provider": str(w.team_shelter.pk)})
    assert Help.objects.get().provider == w.team_shelter
    # A kind the catalogue names no providers for may be given by any team of the region.
    client.post(url, {"kind": str(coaching.pk), "funding": "jeugdwet", "provider": str(w.team_a1.pk)})
    assert Help.objects.filter(kind=coaching, provider=w.team_a1).exists()


def test_a_shelter_place_without_capacities_goes_to_shelters_only(shelter):  # noqa: F811
    w = shelter
    place = HelpKind.objects.create(region=w.region, name="Opvangplek", shelter=True)
    help_ = collaboration.add_help(actor_for(w.involved), w.household, kind_id=place.pk, funding="wmo")
    assert help_.status == "no_provider"
    with pytest.raises(ValidationError) as refused:
        collaboration.set_help_status(actor_for(w.involved), help_, "waiting", provider_id=w.team_b1.pk)
    assert "biedt geen Opvangplek" in " ".join(refused.value.messages)
    help_.refresh_from_db()
    assert help_.provider is None
    collaboration.set_help_status(actor_for(w.involved), help_, "waiting", provider_id=w.team_shelter.pk)
    assert collaboration.providers_by_kind([place]) == {place.pk: [w.team_shelter]}


def test_cancelling_a_meeting_asks_first(network_world, as_user):  # noqa: F811
    w = network_world
    meeting = meetings.schedule(
        actor_for(w.involved),
        scheduled_at=tomorrow_at_ten(),
        household_ids=[w.household.pk],
        network=w.network,
    )
    client = as_user(w.involved)
    url = f"/overleggen/{meeting.pk}/"
    asked = client.post(url, {"do": "cancel"})
    body = asked.content.decode()
    assert asked.status_code == 200 and "annuleren?" in body and 'name="confirm" value="yes"' in body
    assert "Nee, houd het overleg" in body
    assert CaseMeeting.objects.get(pk=meeting.pk).status == "planned"
    # Another partner cannot cancel, also not by confirming directly.
    other = as_user(w.other_org).post(url, {"do": "cancel", "confirm": "yes"})
    assert other.status_code == 400 and CaseMeeting.objects.get(pk=meeting.pk).status == "planned"
    assert client.post(url, {"do": "cancel", "confirm": "yes"})["Location"] == "/overleggen/"
    assert CaseMeeting.objects.get(pk=meeting.pk).status == "cancelled"


def test_a_meeting_is_not_held_before_its_planned_day(network_world):  # noqa: F811
    w = network_world
    chair = actor_for(w.involved)
    meeting = meetings.schedule(
        chair, scheduled_at=tomorrow_at_ten(), household_ids=[w.household.pk], network=w.network
    )
    with pytest.raises(ValidationError) as refused:
        meetings.hold(chair, meeting, present=set(), minutes="Vroeg", items={})
    assert "het kan niet eerder gehouden zijn" in " ".join(refused.value.messages)
    assert CaseMeeting.objects.get(pk=meeting.pk).status == "planned"
    today = meetings.schedule(chair, scheduled_at=early_today(), household_ids=[w.household.pk], network=None)
    with pytest.raises(ValidationError):
        meetings.hold(
            chair,
            today,
            present=set(),
            minutes="",
            items={},
            held_on=timezone.localdate() + timedelta(days=1),
        )
    meetings.hold(chair, today, present=set(), minutes="Gehouden", items={})
    assert CaseMeeting.objects.get(pk=today.pk).status == "held"


def test_withdrawing_a_handover_asks_first(shelter, as_user):  # noqa: F811
    from verband.collaboration.models import Handover

    w = shelter
    handover = collaboration.request_handover(
        actor_for(w.involved), w.household, kind="referral", to_team_id=w.team_shelter.pk,
        question="Kunnen jullie een plek vrijhouden?",
    )  # fmt: skip
    client = as_user(w.involved)
    url = f"/overdrachten/{handover.pk}/"
    asked = client.post(url, {"decision": "withdraw"})
    assert asked.status_code == 200 and "De vraag aan Opvang Centrum intrekken?" in asked.content.decode()
    assert Handover.objects.get(pk=handover.pk).status == "pending"
    client.post(url, {"decision": "withdraw", "confirm": "yes"})
    assert Handover.objects.get(pk=handover.pk).status == "withdrawn"
