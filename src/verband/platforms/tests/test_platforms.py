"""The platforms as working bodies: who sees and keeps them, meetings and minutes, priorities, decisions
watched by the escalation engine, and the agenda fed by escalations and indicators — without persons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from verband.escalation import lifecycle, platform_watch
from verband.escalation.models import Escalation, EscalationKind, Step
from verband.notifications.models import Notification
from verband.platforms import services
from verband.platforms.models import (
    AgendaItem,
    AgendaSource,
    Decision,
    DecisionStatus,
    MeetingStatus,
    PlatformMeeting,
    PlatformMember,
    Priority,
)
from verband.testing import actor_for


def _user(cast, who):
    return getattr(cast, who, None) or getattr(cast.world, who)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),  # member of the tactical platform
        ("coordinator", 200),  # keeps the region's platforms
        ("admin", 200),
        ("executive", 404),  # member of the strategic platform, not of this one
        ("involved", 404),
        ("line_manager", 404),
        ("privacy_officer", 404),
        ("outsider", 404),
        ("outsider_coordinator", 404),
    ],
)
def test_who_sees_a_platform(cast, as_user, who, status):
    meeting = PlatformMeeting.objects.create(
        platform=cast.tactical, held_on=timezone.localdate() + timedelta(days=7)
    )
    c = as_user(_user(cast, who))
    assert c.get(reverse("platforms:platform", args=[cast.tactical.pk])).status_code == status
    assert c.get(reverse("platforms:meeting", args=[meeting.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("manager", 200, 1),
        ("executive", 200, 1),
        ("coordinator", 200, 2),
        ("admin", 200, 2),
        ("outsider_coordinator", 200, 0),
        ("involved", 403, 0),
        ("privacy_officer", 403, 0),
    ],
)
def test_the_platform_list(cast, as_user, who, status, count):
    response = as_user(_user(cast, who)).get(reverse("platforms:list"))
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count("platforms/") - 1 >= count  # the menu links /platforms/ too
        body = response.content.decode()
        assert ("Tactisch platform Test" in body) is (who in ("manager", "coordinator", "admin"))


def test_the_keepers_add_and_remove_members_and_nobody_else(cast, as_user):
    w = cast.world
    line_manager = cast.line_manager.memberships.get()
    url = reverse("platforms:members", args=[cast.tactical.pk])
    assert as_user(w.manager).post(url, {"membership": line_manager.pk}).status_code == 403
    as_user(w.admin).post(url, {"membership": line_manager.pk})
    member = PlatformMember.objects.get(platform=cast.tactical, membership=line_manager)
    # A professional or someone of another region is no candidate.
    response = as_user(w.coordinator).post(url, {"membership": w.involved.memberships.get().pk}, follow=True)
    assert "Kies een manager, bestuurder of coördinator uit de regio." in response.content.decode()
    as_user(w.coordinator).post(url, {"remove": member.pk})
    assert not PlatformMember.objects.filter(pk=member.pk).exists()


def test_a_meeting_takes_the_standing_list_and_a_held_meeting_gives_back_what_is_open(cast, as_user):
    w = cast.world
    item = services.add_indicator_item(
        cast.tactical, "Veiligheidsbeoordeling binnen 5 werkdagen: 71%", "Norm 90%."
    )
    assert item is not None and item.meeting is None and item.source == AgendaSource.INDICATOR
    day = timezone.localdate() + timedelta(days=10)
    response = as_user(w.manager).post(
        reverse("platforms:plan_meeting", args=[cast.tactical.pk]),
        {"held_on": day.isoformat(), "place": "Stadhuis"},
    )
    meeting = PlatformMeeting.objects.get()
    assert response.url == reverse("platforms:meeting", args=[meeting.pk])
    item.refresh_from_db()
    assert item.meeting == meeting
    page = as_user(w.manager).get(reverse("platforms:meeting", args=[meeting.pk])).content.decode()
    assert "Veiligheidsbeoordeling binnen 5 werkdagen" in page
    as_user(w.manager).post(
        reverse("platforms:meeting", args=[meeting.pk]), {"minutes": "Besproken.", "held": "1"}
    )
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes == "Besproken."
    assert item.meeting is None  # back on the standing list
    # Minutes name no household either.
    response = as_user(w.manager).post(
        reverse("platforms:meeting", args=[meeting.pk]), {"minutes": "Over HH-T-0001 gesproken."}, follow=True
    )
    assert "referentie" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "Besproken."
    # A non-member cannot write minutes.
    assert (
        as_user(w.involved)
        .post(reverse("platforms:meeting", args=[meeting.pk]), {"minutes": "x"})
        .status_code
        == 404
    )


def test_indicator_items_refuse_personal_data(cast):
    with pytest.raises(ValidationError):
        services.add_indicator_item(cast.tactical, "Wachttijd", "Zie HH-T-0001")
    assert not AgendaItem.objects.exists()


def test_priorities_with_a_lead_partner(cast, as_user):
    w = cast.world
    today = timezone.localdate()
    url = reverse("platforms:priority", args=[cast.tactical.pk])
    data = {"title": "Snellere veiligheidsbeoordeling", "lead": w.org_vt.pk, "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat()}  # fmt: skip
    response = as_user(w.manager).post(url, data, follow=True)
    assert "Het einde van de periode ligt voor het begin." in response.content.decode()
    data["ends_on"] = (today + timedelta(days=365)).isoformat()
    as_user(w.manager).post(url, data)
    assert Priority.objects.get().lead == w.org_vt
    assert as_user(w.involved).post(url, data).status_code == 404


def test_an_overdue_decision_is_told_to_its_owner_and_the_chair_once(cast, as_user):
    w = cast.world
    today = timezone.localdate()
    owner = w.coordinator.memberships.get()
    PlatformMember.objects.create(platform=cast.tactical, membership=owner)
    as_user(w.manager).post(
        reverse("platforms:decide", args=[cast.tactical.pk]),
        {"text": "De coördinator maakt afspraken met de opvang.", "owner": f"m{owner.pk}",
         "due_on": (today + timedelta(days=5)).isoformat()},
    )  # fmt: skip
    decision = Decision.objects.get()
    assert Notification.objects.filter(user=w.coordinator, title__contains="voor u").exists()
    assert platform_watch.sweep(today + timedelta(days=5))["decisions_overdue"] == 0
    assert platform_watch.sweep(today + timedelta(days=6))["decisions_overdue"] == 1
    told = Notification.objects.filter(title__contains="over de datum")
    assert set(told.values_list("user_id", flat=True)) == {w.coordinator.pk, w.manager.pk}  # owner, chair
    assert platform_watch.sweep(today + timedelta(days=7))["decisions_overdue"] == 0  # once
    page = as_user(w.manager).get(reverse("platforms:platform", args=[cast.tactical.pk])).content.decode()
    assert "De coördinator maakt afspraken met de opvang." in page
    as_user(w.manager).post(reverse("platforms:outcome", args=[decision.pk]), {"outcome": "Afspraken staan."})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_a_decision_needs_an_owner_and_a_date(cast, as_user):
    response = as_user(cast.world.manager).post(
        reverse("platforms:decide", args=[cast.tactical.pk]),
        {"text": "Iets wordt gedaan, echt waar."},
        follow=True,
    )
    body = response.content.decode()
    assert "Kies wie het uitvoert" in body and "Geef de datum" in body
    assert not Decision.objects.exists()


def test_an_escalation_reaching_the_platform_step_is_on_its_agenda_without_the_household(cast, as_user):
    w = cast.world
    today = timezone.localdate()
    escalation = Escalation.objects.create(
        region=w.region,
        household=w.household,
        kind=EscalationKind.HANDOVER_UNANSWERED,
        subject_type="handover",
        subject_id=1,
        summary="Overdracht van HH-T-0001 naar Politie Testdorp niet beantwoord",
        breach_since=today - timedelta(days=20),
        step=Step.COORDINATOR,
        step_due_on=today - timedelta(days=1),
    )
    from verband.factories import OrganisationFactory

    shelter = OrganisationFactory.create(region=w.region, name="Opvang Testdorp", kind="shelter")
    escalation.parties.add(w.org_b, shelter)
    assert lifecycle.climb(escalation.pk, today=today)
    item = AgendaItem.objects.get(escalation=escalation)
    assert item.platform == cast.tactical and item.source == AgendaSource.ESCALATION
    assert "Overdracht onbeantwoord" in item.title
    assert "Politie Testdorp" in item.text and "Wijkteams Testdorp" in item.text
    assert "HH-T-0001" not in item.title + item.text and "Anna" not in item.text
    assert "Opvang" not in item.text  # where she may be is not named
    page = as_user(w.manager).get(reverse("platforms:platform", args=[cast.tactical.pk])).content.decode()
    assert "Overdracht onbeantwoord" in page and "HH-T-0001" not in page
    # Climbing again (another worker) adds nothing twice.
    assert services.add_escalation_items([escalation]) == 0


def test_without_a_platform_the_region_gets_one(world):
    from verband.platforms.models import Platform

    barrier = services.raise_barrier(
        actor_for(world.involved), title="Wachtlijst traumabehandeling", kind="waiting_list",
        description="Kinderen wachten sinds januari zestien weken op traumabehandeling.",
    )  # fmt: skip
    services.schedule(actor_for(world.coordinator), barrier, timezone.localdate() + timedelta(days=7))
    assert Platform.objects.get(region=world.region).level == "tactical"


@pytest.mark.parametrize(
    "who", ["involved", "line_manager", "privacy_officer", "executive", "outsider_coordinator"]
)
def test_nobody_outside_the_platform_writes_to_it(cast, as_user, who):
    """Every write of the tactical platform, by someone who is neither its member nor a keeper of its
    region: refused (404 for what they may not see, 403 for a page they see), logged, nothing changes."""
    from verband.sharing.models import AccessLogEntry

    w = cast.world
    today = timezone.localdate()
    meeting = PlatformMeeting.objects.create(platform=cast.tactical, held_on=today + timedelta(days=3))
    item = services.add_indicator_item(cast.tactical, "Wachttijd hulp boven de norm", "Mediaan 31 werkdagen.")
    assert item is not None
    decision = services.decide(
        actor_for(w.manager), cast.tactical, text="De manager belt de aanbieders.", owner=f"o{w.org_a.pk}",
        due_on=today + timedelta(days=9),
    )  # fmt: skip
    c = as_user(_user(cast, who))
    pk = cast.tactical.pk
    writes = [
        (reverse("platforms:members", args=[pk]), {"membership": cast.line_manager.memberships.get().pk}),
        (reverse("platforms:plan_meeting", args=[pk]), {"held_on": (today + timedelta(days=5)).isoformat()}),
        (reverse("platforms:priority", args=[pk]), {"title": "Iets belangrijks", "lead": w.org_a.pk}),
        (
            reverse("platforms:decide", args=[pk]),
            {
                "item": item.pk,
                "text": "Iets besloten, echt waar.",
                "owner": f"o{w.org_a.pk}",
                "due_on": today.isoformat(),
            },
        ),
        (reverse("platforms:outcome", args=[decision.pk]), {"outcome": "Klaar, alles geregeld."}),
        (reverse("platforms:meeting", args=[meeting.pk]), {"minutes": "Iets"}),
        (reverse("platforms:meeting", args=[meeting.pk]), {"cancel": "1"}),
    ]
    before = AccessLogEntry.objects.filter(outcome="denied").count()
    for url, data in writes:
        assert c.post(url, data).status_code in (403, 404), url
    assert AccessLogEntry.objects.filter(outcome="denied").count() >= before + len(writes)
    assert PlatformMember.objects.filter(platform=cast.tactical).count() == 1
    assert PlatformMeeting.objects.count() == 1 and not Priority.objects.exists()
    meeting.refresh_from_db()
    decision.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.minutes == ""
    assert decision.status == DecisionStatus.OPEN and item.status == "open"


def test_a_cancelled_meeting_gives_its_items_back(cast, as_user):
    w = cast.world
    meeting = services.plan_meeting(
        actor_for(w.manager), cast.tactical, timezone.localdate() + timedelta(days=3), ""
    )
    item = services.add_indicator_item(cast.tactical, "Wachttijd hulp boven de norm", "Mediaan 31 werkdagen.")
    assert item is not None and item.meeting == meeting
    as_user(w.coordinator).post(reverse("platforms:meeting", args=[meeting.pk]), {"cancel": "1"})
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and item.meeting is None
    assert Notification.objects.filter(user=w.manager, title__contains="afgezegd").exists()


def test_a_keeper_makes_the_regions_platforms_once(world, as_user):
    from verband.platforms.models import Platform

    assert as_user(world.manager).post(reverse("platforms:make")).status_code == 403
    page = as_user(world.admin).get(reverse("platforms:list")).content.decode()
    assert "Platforms van de regio aanmaken" in page
    as_user(world.admin).post(reverse("platforms:make"))
    as_user(world.coordinator).post(reverse("platforms:make"))
    assert sorted(Platform.objects.filter(region=world.region).values_list("level", flat=True)) == [
        "strategic",
        "tactical",
    ]
    assert (
        "Platforms van de regio aanmaken"
        not in as_user(world.admin).get(reverse("platforms:list")).content.decode()
    )


def test_an_indicator_off_its_norm_is_put_on_the_agenda_once_per_period(cast):
    first = services.add_indicator_item(
        cast.tactical, "Wachttijd hulp boven de norm", "Mediaan 31 werkdagen.", indicator="help_wait@2026-Q3"
    )
    again = services.add_indicator_item(
        cast.tactical, "Wachttijd hulp boven de norm", "Mediaan 33 werkdagen.", indicator="help_wait@2026-Q3"
    )
    next_quarter = services.add_indicator_item(
        cast.tactical, "Wachttijd hulp boven de norm", "Mediaan 30 werkdagen.", indicator="help_wait@2026-Q4"
    )
    assert first is not None and again is None and next_quarter is not None
    assert AgendaItem.objects.filter(platform=cast.tactical, source=AgendaSource.INDICATOR).count() == 2


def test_an_escalation_item_names_no_organisation_that_knows_a_confidential_address(cast):
    """She moved to a confidential address and the neighbourhood team there works with her: a platform
    member who works only with him must not read in the agenda which team (which town) that is."""
    from verband.factories import OrganisationFactory
    from verband.households.models import Address, AddressDisclosure

    w = cast.world
    today = timezone.localdate()
    elsewhere = OrganisationFactory.create(region=w.region, name="Wijkteam Verweg", kind="neighbourhood_team")
    told = OrganisationFactory.create(region=w.region, name="Huisarts Verweg", kind="other")
    person = w.household.members.first().person
    address = Address.objects.create(
        person=person, postcode="9999ZZ", confidential=True, managed_by=elsewhere
    )
    AddressDisclosure.objects.create(address=address, organisation=told, basis="toestemming")
    escalation = Escalation.objects.create(
        region=w.region,
        household=w.household,
        kind=EscalationKind.HANDOVER_UNANSWERED,
        subject_type="handover",
        subject_id=1,
        summary="-",
        breach_since=today - timedelta(days=20),
        step=Step.COORDINATOR,
        step_due_on=today - timedelta(days=1),
    )
    escalation.parties.add(w.org_b, elsewhere, told)
    assert lifecycle.climb(escalation.pk, today=today)
    item = AgendaItem.objects.get(escalation=escalation)
    assert "Politie Testdorp" in item.text
    assert "Verweg" not in item.text
