"""Case meetings: scheduled for a network, prepared with what changed, held with decisions that become
owned actions in the family plan; absent partners' open actions highlighted; per persona."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration import meetings
from verband.collaboration.models import CaseMeeting
from verband.households.models import EventKind
from verband.households.services import add_event
from verband.plans.models import FamilyPlan, PlanAction
from verband.plans.services import ActionInput
from verband.sharing import services as sharing
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for


@pytest.fixture
def network_world(partners):
    w = partners
    sharing.involve(
        SYSTEM,
        w.household,
        network=w.network,
        purpose="help",
        legal_basis="covenant",
        started_on=date(2026, 1, 5),
    )
    w.involved.memberships.get().networks.add(w.network)
    w.other_org.memberships.get().networks.add(w.network)
    return w


def tomorrow_at_ten():
    return timezone.make_aware(
        timezone.datetime.combine(timezone.localdate() + timedelta(days=1), timezone.datetime.min.time())
    ) + timedelta(hours=10)


def early_today():
    """For a meeting held in the test: a meeting is not held before the day it was planned for."""
    return timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))


def test_network_households_are_due_until_discussed(network_world):
    w = network_world
    due = meetings.due_households(w.network)
    assert [d.household for d in due] == [w.household] and due[0].overdue and due[0].last_discussed is None


def test_schedule_hold_and_the_actions_land_in_the_plan(network_world):
    w = network_world
    chair = actor_for(w.coordinator)
    meeting = meetings.schedule(
        chair,
        scheduled_at=early_today(),
        household_ids=[w.household.pk],
        network=w.network,
        location="Wijkkantoor",
    )
    participants = set(meeting.participants.values_list("organisation__name", flat=True))
    assert {"Wijkteams Testdorp", "Politie Testdorp", "Veilig Thuis Testdorp"} <= participants
    assert w.involved.notifications.filter(url=f"/overleggen/{meeting.pk}/").exists()
    plan = FamilyPlan.objects.update_or_create(household=w.household, defaults={"version": 1})[0]
    PlanAction.objects.create(
        plan=plan, text="Huisbezoek politie", owner_organisation=w.org_b, due_on=date(2027, 1, 1)
    )
    add_event(w.household, EventKind.NOTE, "Moeder belde: het gaat beter.")
    rows = meetings.agenda_view(chair, meeting)
    assert any("het gaat beter" in c["summary"] for c in rows[0].changes)

    due = timezone.localdate() + timedelta(days=7)
    item = meeting.items.get()
    meetings.hold(
        chair,
        meeting,
        present={w.org_a.pk, w.org_vt.pk},
        minutes="Goed overleg.",
        items={
            item.pk: meetings.ItemInput(
                decisions="Wijkteam start gezinscoaching; VT monitort.",
                actions=[
                    ActionInput(
                        text="Gezinscoaching starten",
                        owner_organisation_id=w.org_a.pk,
                        owner_user_id=w.involved.pk,
                        due_on=due,
                    ),
                    ActionInput(text="Monitoren veiligheid", owner_organisation_id=w.org_vt.pk, due_on=due),
                ],
            )
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"
    plan.refresh_from_db()
    assert plan.version == 2
    added = PlanAction.objects.get(text="Gezinscoaching starten")
    assert added.owner_user == w.involved and added.due_on == due
    assert plan.versions.get(number=2).change.startswith("Besloten in het casusoverleg")
    rows = meetings.agenda_view(chair, meeting)
    absent = [a.text for a in rows[0].absent_actions]
    assert absent == ["Huisbezoek politie"]  # the police were not there
    assert meetings.due_households(w.network)[0].overdue is False


def test_a_bad_action_stores_nothing(network_world):
    w = network_world
    chair = actor_for(w.coordinator)
    meeting = meetings.schedule(
        chair, scheduled_at=tomorrow_at_ten(), household_ids=[w.household.pk], network=w.network
    )
    item = meeting.items.get()
    with pytest.raises(Exception):  # noqa: B017 - ValidationError keyed per item
        meetings.hold(
            chair,
            meeting,
            present=set(),
            minutes="",
            items={
                item.pk: meetings.ItemInput(
                    decisions="Besluit",
                    actions=[
                        ActionInput(text="Iets", owner_organisation_id=w.org_a.pk, due_on=date(2020, 1, 1))
                    ],
                )
            },
        )
    meeting.refresh_from_db()
    assert meeting.status == "planned" and not PlanAction.objects.filter(text="Iets").exists()


def test_only_network_households_go_on_the_agenda(network_world):
    w = network_world
    with pytest.raises(Exception):  # noqa: B017
        meetings.schedule(
            actor_for(w.coordinator),
            scheduled_at=tomorrow_at_ten(),
            household_ids=[w.other_household.pk],
            network=w.network,
        )


PERSONAS = {
    "involved": 200,
    "colleague": 404,
    "other_org": 200,
    "manager": 403,
    "anonymous": 302,
    "coordinator": 200,
}


@pytest.mark.parametrize("name", list(PERSONAS))
def test_meeting_pages_per_persona(network_world, as_user, name):
    w = network_world
    meeting = meetings.schedule(
        actor_for(w.coordinator),
        scheduled_at=tomorrow_at_ten(),
        household_ids=[w.household.pk],
        network=w.network,
    )
    user = getattr(w, name) if name != "anonymous" else None
    response = as_user(user).get(f"/overleggen/{meeting.pk}/")
    assert response.status_code == PERSONAS[name]
    listing = as_user(user).get("/overleggen/")
    assert listing.status_code == {"manager": 403, "anonymous": 302}.get(name, 200)
    if name == "colleague":
        assert AccessLogEntry.objects.filter(
            object_type="case_meeting", outcome="denied", username="colleague"
        ).exists()


def test_schedule_and_hold_through_the_pages(network_world, as_user):
    w = network_world
    client = as_user(w.coordinator)
    page = client.get(f"/overleggen/nieuw/?netwerk={w.network.pk}").content.decode()
    assert w.household.reference in page and "nooit besproken" in page
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    bad = client.post(
        "/overleggen/nieuw/",
        {"network": w.network.pk, "date": "", "time": "10:00", "households": [w.household.pk]},
    )
    assert bad.status_code == 400 and "Geef de datum" in bad.content.decode()
    response = client.post(
        "/overleggen/nieuw/",
        {"network": w.network.pk, "date": day, "time": "10:00", "households": [w.household.pk]},
    )
    meeting = CaseMeeting.objects.get()
    assert response["Location"] == f"/overleggen/{meeting.pk}/"
    item = meeting.items.get()
    key = f"item-{item.pk}"
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    form = {
        "present": [w.org_a.pk],
        "minutes": "Kort overleg",
        f"{key}-decisions": "Wijkteam plant huisbezoek.",
        f"{key}-act-0-text": "Huisbezoek plannen",
        f"{key}-act-0-org": str(w.org_a.pk),
        f"{key}-act-0-due": "31-02-2026",
    }
    # A meeting planned for the day after tomorrow is not recorded as held today; what was typed stays.
    refused = client.post(f"/overleggen/{meeting.pk}/", {**form, f"{key}-act-0-due": due})
    body = refused.content.decode()
    assert refused.status_code == 400 and "het kan niet eerder gehouden zijn" in body
    assert 'value="Huisbezoek plannen"' in body and "Wijkteam plant huisbezoek." in body
    CaseMeeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now())
    refused = client.post(f"/overleggen/{meeting.pk}/", form)
    body = refused.content.decode()
    assert (
        refused.status_code == 400
        and 'value="Huisbezoek plannen"' in body
        and "Wijkteam plant huisbezoek." in body
    )
    form[f"{key}-act-0-due"] = due
    assert client.post(f"/overleggen/{meeting.pk}/", form).status_code == 302
    plan = as_user(w.involved).get(f"/huishoudens/{w.household.reference}/plan/").content.decode()
    assert "Huisbezoek plannen" in plan


def test_an_ad_hoc_meeting_about_one_household(network_world, as_user):
    w = network_world
    client = as_user(w.involved)
    page = client.get(f"/huishoudens/{w.household.reference}/").content.decode()
    assert f"/overleggen/nieuw/?huishouden={w.household.reference}" in page
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        "/overleggen/nieuw/",
        {
            "household_ref": w.household.reference,
            "date": day,
            "time": "09:30",
            "households": [w.household.pk],
        },
    )
    meeting = CaseMeeting.objects.get()
    assert response["Location"] == f"/overleggen/{meeting.pk}/" and meeting.network is None
    assert as_user(w.colleague).get(f"/overleggen/{meeting.pk}/").status_code == 404
    assert (
        as_user(w.other_org).get(f"/overleggen/{meeting.pk}/").status_code == 200
    )  # police see the household
    refused = as_user(w.colleague).get(f"/overleggen/nieuw/?huishouden={w.household.reference}")
    assert refused.status_code == 404
