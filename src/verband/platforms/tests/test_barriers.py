"""System barriers: raising, linking cases (seen only by their maker), supporting, grouping, the way up
to the strategic platform, decisions told back — and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from verband.escalation import platform_watch
from verband.notifications.models import Notification
from verband.platforms import services
from verband.platforms.models import (
    AgendaItem,
    Barrier,
    BarrierCase,
    BarrierStatus,
    BarrierSupport,
    Decision,
)
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

DESCRIPTION = "Sinds maart is er geen opvangplek voor moeders met een tienerzoon boven de 12 jaar."


def _raise(user, household=None, title="Geen opvangplek voor moeder met tienerzoon") -> Barrier:
    return services.raise_barrier(
        actor_for(user), title=title, description=DESCRIPTION, kind="no_place", household=household
    )


def test_a_professional_raises_a_barrier_from_a_case(cast, as_user):
    w = cast.world
    c = as_user(w.involved)
    form = c.get(reverse("platforms:new_barrier") + "?huishouden=HH-T-0001")
    assert form.status_code == 200
    assert "HH-T-0001" in form.content.decode()
    response = c.post(
        reverse("platforms:new_barrier"),
        {"title": "Geen opvangplek voor moeder met tienerzoon", "description": DESCRIPTION,
         "kind": "no_place", "household": "HH-T-0001"},
    )  # fmt: skip
    barrier = Barrier.objects.get()
    assert response.status_code == 302 and response.url == reverse("platforms:barrier", args=[barrier.pk])
    assert barrier.status == BarrierStatus.RAISED and barrier.region == w.region
    assert BarrierCase.objects.get().household == w.household
    link = AccessLogEntry.objects.get(action="link", object_type="barrier_case")
    assert link.subject_household_id == w.household.pk and link.outcome == "granted"
    assert Notification.objects.filter(user=w.coordinator, title__contains="Geen opvangplek").exists()


def test_the_household_page_offers_to_report_a_barrier(cast, as_user):
    page = as_user(cast.world.involved).get(reverse("households:detail", args=["HH-T-0001"]))
    assert reverse("platforms:new_barrier") + "?huishouden=HH-T-0001" in page.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Moeder met BSN 123456782 vindt geen plek in de opvang.", "BSN"),
        ("Voor HH-T-0001 is er sinds maart geen plek in de opvang.", "referentie"),
        ("Mail naar anna@example.nl over een plek in de opvang.", "e-mailadres"),
        ("Moeder, geboren 02-01-1990, vindt geen plek in de opvang.", "geboortedatum"),
        ("Geen tweede kamer vrij in de opvang aan de Kerkstraat, 3511 AB Utrecht.", "postcode"),
        ("Moeder vindt geen plek; bel haar op 06-12345678 voor de wachtlijst.", "telefoonnummer"),
    ],
)
def test_obvious_personal_data_is_refused_in_dutch(cast, as_user, text, message):
    response = as_user(cast.world.involved).post(
        reverse("platforms:new_barrier"), {"title": "Geen plek", "description": text, "kind": "no_place"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert text in response.content.decode()  # what was typed stays
    assert not Barrier.objects.exists()


def test_a_household_the_professional_may_not_see_cannot_be_linked(cast, as_user):
    w = cast.world
    response = as_user(w.colleague).post(
        reverse("platforms:new_barrier"),
        {
            "title": "Geen opvangplek",
            "description": DESCRIPTION,
            "kind": "no_place",
            "household": "HH-T-0001",
        },
    )
    assert response.status_code == 400
    assert "Geen huishouden dat u mag zien" in response.content.decode()
    assert not Barrier.objects.exists()
    assert AccessLogEntry.objects.filter(action="link", outcome="denied", subject_household_id=w.household.pk)
    # The prefilled form for a household one may not see does not exist.
    assert (
        as_user(w.colleague).get(reverse("platforms:new_barrier") + "?huishouden=HH-T-0001").status_code
        == 404
    )


@pytest.mark.parametrize("who", ["manager", "executive", "privacy_officer", "admin"])
def test_only_acting_roles_raise_barriers(cast, as_user, who):
    user = getattr(cast.world, who)
    assert as_user(user).get(reverse("platforms:new_barrier")).status_code == 403


@pytest.mark.parametrize(
    ("who", "status", "sees_reference"),
    [
        ("involved", 200, True),
        ("colleague", 200, False),
        ("other_org", 200, False),
        ("line_manager", 200, False),
        ("coordinator", 200, False),
        ("manager", 200, False),
        ("executive", 200, False),
        ("privacy_officer", 404, False),
        ("admin", 404, False),
        ("outsider", 404, False),
        ("outsider_coordinator", 404, False),
    ],
)
def test_who_sees_a_barrier_and_never_the_households_of_others(cast, as_user, who, status, sees_reference):
    w = cast.world
    barrier = _raise(w.involved, w.household)
    user = getattr(cast, who, None) or getattr(w, who)
    response = as_user(user).get(reverse("platforms:barrier", args=[barrier.pk]))
    assert response.status_code == status
    body = response.content.decode()
    assert ("HH-T-0001" in body) is sees_reference
    assert "Anna" not in body and "Dam" not in body
    if status == 200:
        assert "minder dan 5" in body
    else:
        assert AccessLogEntry.objects.filter(
            object_type="barrier", object_id=str(barrier.pk), outcome="denied", username=user.username
        ).exists()


def test_anonymous_is_sent_to_sign_in(cast, as_user):
    barrier = _raise(cast.world.involved)
    for url in (reverse("platforms:barriers"), reverse("platforms:barrier", args=[barrier.pk])):
        response = as_user(None).get(url)
        assert response.status_code == 302 and "/aanmelden/" in response.url


def test_supporters_raise_the_count_and_see_only_their_own_link(cast, as_user, settings):
    settings.SMALL_CELL_THRESHOLD = 2
    w = cast.world
    barrier = _raise(w.involved, w.household)
    c = as_user(w.other_org)
    response = c.post(reverse("platforms:support", args=[barrier.pk]), {"household": "HH-T-0002"})
    assert response.status_code == 302
    assert BarrierSupport.objects.filter(barrier=barrier, user=w.other_org).exists()
    assert barrier.cases.count() == 2
    mine = c.get(reverse("platforms:barrier", args=[barrier.pk])).content.decode()
    assert "HH-T-0002" in mine and "HH-T-0001" not in mine
    theirs = as_user(w.involved).get(reverse("platforms:barrier", args=[barrier.pk])).content.decode()
    assert "HH-T-0001" in theirs and "HH-T-0002" not in theirs
    manager = as_user(w.manager).get(reverse("platforms:barrier", args=[barrier.pk])).content.decode()
    assert '<dd id="affected">2</dd>' in manager
    # Supporting twice is refused with a Dutch message; nothing changes.
    again = c.post(reverse("platforms:support", args=[barrier.pk]), {}, follow=True)
    assert "U steunt dit knelpunt al" in again.content.decode()
    assert barrier.supports.count() == 1
    # Managers read, they do not support.
    assert as_user(w.manager).post(reverse("platforms:support", args=[barrier.pk])).status_code == 403


def test_the_coordinator_groups_a_duplicate(cast, as_user):
    w = cast.world
    first = _raise(w.involved, w.household)
    duplicate = _raise(w.other_org, w.other_household, title="Geen plek in de vrouwenopvang met zoon")
    assert (
        as_user(w.manager)
        .post(reverse("platforms:merge", args=[duplicate.pk]), {"into": first.pk})
        .status_code
        == 403
    )
    response = as_user(w.coordinator).post(
        reverse("platforms:merge", args=[duplicate.pk]), {"into": first.pk}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == BarrierStatus.MERGED and duplicate.merged_into == first
    assert set(first.cases.values_list("household_id", flat=True)) == {w.household.pk, w.other_household.pk}
    assert first.supports.filter(user=w.other_org).exists()
    assert Notification.objects.filter(user=w.other_org, title__contains="samengevoegd").exists()
    # The merged barrier's raiser still finds it on Mijn knelpunten, pointing to where it went.
    page = as_user(w.other_org).get(reverse("platforms:barriers")).content.decode()
    assert "samengevoegd met" in page


def test_from_the_tactical_agenda_to_the_strategic_platform_and_a_decision_told_back(cast, as_user):
    w = cast.world
    barrier = _raise(w.involved, w.household)
    today = timezone.localdate()
    due = today + timedelta(days=14)
    assert (
        as_user(w.manager)
        .post(reverse("platforms:schedule", args=[barrier.pk]), {"due_on": due.isoformat()})
        .status_code
        == 403
    )
    as_user(w.coordinator).post(reverse("platforms:schedule", args=[barrier.pk]), {"due_on": due.isoformat()})
    barrier.refresh_from_db()
    assert (
        barrier.status == BarrierStatus.TACTICAL
        and barrier.platform == cast.tactical
        and barrier.due_on == due
    )
    assert AgendaItem.objects.get(barrier=barrier).platform == cast.tactical
    assert Notification.objects.filter(user=w.involved, title__contains="agenda").exists()

    assert platform_watch.sweep(due) == {"barriers_up": 0, "decisions_overdue": 0}  # due today: not yet
    assert platform_watch.sweep(due + timedelta(days=1))["barriers_up"] == 1
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.STRATEGIC and barrier.platform == cast.strategic
    assert barrier.due_on == due + timedelta(days=1, weeks=8)
    assert Notification.objects.filter(user=w.involved, title__contains="strategisch").exists()
    assert Notification.objects.filter(user=w.coordinator, title__contains="strategisch").exists()
    item = AgendaItem.objects.get(barrier=barrier, platform=cast.strategic)
    assert platform_watch.sweep(due + timedelta(days=2))["barriers_up"] == 0  # once

    # The strategic platform's member decides on the standing agenda item; the raiser is told.
    page = as_user(w.executive).get(reverse("platforms:platform", args=[cast.strategic.pk])).content.decode()
    assert barrier.title in page and "HH-T-0001" not in page
    response = as_user(w.executive).post(
        reverse("platforms:decide", args=[cast.strategic.pk]),
        {"item": item.pk, "text": "De gemeente financiert vier extra opvangplekken.", "owner": f"o{w.org_a.pk}",
         "due_on": (today + timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.DECIDED
    assert Notification.objects.filter(user=w.involved, title__startswith="Besluit over uw knelpunt").exists()
    mine = as_user(w.involved).get(reverse("platforms:barriers")).content.decode()
    assert "De gemeente financiert vier extra opvangplekken." in mine

    decision = Decision.objects.get()
    as_user(w.executive).post(
        reverse("platforms:outcome", args=[decision.pk]),
        {"outcome": "Vier plekken zijn open sinds 1 juni.", "resolved": "1"},
    )
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RESOLVED
    assert Notification.objects.filter(user=w.involved, title__startswith="Knelpunt opgelost").exists()


def test_the_raiser_withdraws_and_nobody_else_may(cast, as_user):
    w = cast.world
    barrier = _raise(w.involved)
    assert as_user(w.coordinator).post(reverse("platforms:withdraw", args=[barrier.pk])).status_code == 403
    as_user(w.involved).post(reverse("platforms:withdraw", args=[barrier.pk]))
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("involved", 200),
        ("line_manager", 200),
        ("coordinator", 200),
        ("manager", 200),
        ("executive", 200),
        ("privacy_officer", 403),
        ("admin", 403),
        ("outsider", 200),
    ],
)
def test_the_barrier_list_shows_counts_and_never_households(cast, as_user, who, status):
    w = cast.world
    _raise(w.involved, w.household)
    user = getattr(cast, who, None) or getattr(w, who)
    response = as_user(user).get(reverse("platforms:barriers"))
    assert response.status_code == status
    body = response.content.decode()
    assert "HH-T-0001" not in body
    if who == "outsider":  # another region's professional sees none of this region's barriers
        assert "Geen opvangplek" not in body
    elif status == 200:
        assert "Geen opvangplek" in body and "minder dan 5" in body


def test_linking_a_household_never_tells_that_someone_else_linked_it(cast, as_user, settings):
    """The perpetrator's worker links the same household as the victim's worker did: their link is
    theirs, the message and the count are those of any new link — nothing says the household was linked."""
    settings.SMALL_CELL_THRESHOLD = 1
    w = cast.world
    barrier = _raise(w.involved, w.household)
    c = as_user(cast.line_manager)  # sees the same household, through the same team
    response = c.post(
        reverse("platforms:support", args=[barrier.pk]), {"household": "HH-T-0001"}, follow=True
    )
    body = response.content.decode()
    assert "Toegevoegd" in body and "al gekoppeld" not in body
    assert '<dd id="affected">2</dd>' in body
    assert barrier.cases.count() == 2
    # Linking it twice oneself is refused, with one's own link only.
    again = c.post(reverse("platforms:support", args=[barrier.pk]), {"household": "HH-T-0001"}, follow=True)
    assert "Deze casus is al gekoppeld." in again.content.decode()
    assert barrier.cases.count() == 2
