"""Meeting minutes and agenda items are readable only by those who may see that household: an item of a
household the viewer cannot see says only that it is one, and minutes about it are not shown."""

import pytest
from django.utils import timezone

from verband.collaboration import meetings
from verband.network.models import Role
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user

MINUTES = "Notulen: Carla gaat naar de opvang."


@pytest.fixture
def held(partners):
    """The police (who see both households) hold an ad hoc meeting about Anna's (HH-T-0001: also the
    neighbourhood team and Veilig Thuis) and Carla's household (HH-T-0002: the police only)."""
    w = partners
    chair = actor_for(w.other_org)
    when = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    meeting = meetings.schedule(
        chair, scheduled_at=when, household_ids=[w.household.pk, w.other_household.pk], network=None
    )
    items = {item.household_id: item for item in meeting.items.all()}
    meetings.hold(
        chair,
        meeting,
        present={w.org_b.pk},
        minutes=MINUTES,
        items={
            items[w.household.pk].pk: meetings.ItemInput(decisions="Besluit over de familie Van Dam."),
            items[w.other_household.pk].pk: meetings.ItemInput(decisions="Besluit over Zwart."),
        },
    )
    w.meeting = meeting
    return w


@pytest.mark.parametrize("persona", ["involved", "vt"])
def test_an_agenda_item_of_a_household_you_cannot_see_shows_nothing(held, as_user, persona):
    page = as_user(getattr(held, persona)).get(f"/overleggen/{held.meeting.pk}/").content.decode()
    assert "HH-T-0001" in page and "Besluit over de familie Van Dam." in page
    assert "een huishouden dat u niet kunt inzien" in page
    assert "HH-T-0002" not in page and "Besluit over Zwart." not in page
    assert "Carla" not in page and "opvang" not in page  # the minutes are not shown
    assert "De notulen gaan over huishoudens die u niet kunt inzien" in page


def test_who_sees_every_household_reads_the_minutes(held, as_user):
    page = as_user(held.other_org).get(f"/overleggen/{held.meeting.pk}/").content.decode()
    assert MINUTES in page and "HH-T-0002" in page and "Besluit over Zwart." in page
    assert "een huishouden dat u niet kunt inzien" not in page


def test_the_log_names_only_the_households_shown(held, as_user):
    as_user(held.involved).get(f"/overleggen/{held.meeting.pk}/")
    seen = set(
        AccessLogEntry.objects.filter(
            username="involved", object_type="case_meeting", action="view"
        ).values_list("subject_household_id", flat=True)
    )
    assert seen == {held.household.pk}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("colleague", 404), ("coordinator", 404), ("manager", 403), ("anonymous", 302), ("expert", 404)],
)
def test_meeting_page_per_persona(held, as_user, persona, status):
    user = None if persona == "anonymous" else getattr(held, persona, None)
    if persona == "expert":
        user = make_user("ervaring", held.org_a, Role.EXPERIENCE_EXPERT)
    response = as_user(user).get(f"/overleggen/{held.meeting.pk}/")
    assert response.status_code == status
    if status == 404:
        assert AccessLogEntry.objects.filter(object_type="case_meeting", outcome="denied").exists()


def test_the_meeting_list_names_no_household(held, as_user):
    page = as_user(held.involved).get("/overleggen/").content.decode()
    assert f"/overleggen/{held.meeting.pk}/" in page
    assert "HH-T-0002" not in page and "Carla" not in page


def test_rows_of_unseen_households_carry_nothing(held):
    rows = meetings.agenda_view(actor_for(held.involved), held.meeting)
    hidden = [r for r in rows if not r.visible]
    assert len(hidden) == 1 and hidden[0].changes == [] and hidden[0].open_actions == []
    assert not meetings.may_read_minutes(rows)
    assert meetings.may_read_minutes(meetings.agenda_view(actor_for(held.other_org), held.meeting))
