"""The Werkbak (issue 14, item 7): one card per household whatever the number of signals and activations,
taking up acts on the team's or network's whole group, a partner already involved gets an update to mark
as seen (not a new take-up), the count in the menu in one query, and the filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.escalation import detectors
from verband.escalation.models import EscalationKind
from verband.households.models import Person
from verband.sharing.models import AccessLogEntry, Involvement
from verband.signals import selectors, services
from verband.signals.models import Activation, Signal
from verband.signals.tests.test_services import report_about_anna
from verband.testing import actor_for


def _report(world, **changes) -> Signal:
    """A report about Anna van Dam (household HH-T-0001, Wijkteam Noord involved), routed."""
    actor = actor_for(world.other_org)
    signal, _created = services.receive(actor, report_about_anna(**changes))
    victim, perpetrator = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    services.confirm_recognition(actor, signal, {victim.pk: anna.pk, perpetrator.pk: None})
    assert services.finish(signal.pk)
    signal.refresh_from_db()
    return signal


def _cards(body: str) -> int:
    return body.count('class="card inbox-item')


def test_two_signals_for_one_household_make_one_card_and_one_take_up(world, as_user):
    """Regression: the Werkbak listed the same household once per activation."""
    first, second = _report(world), _report(world)
    client = as_user(world.coordinator)  # the network is asked twice (help), one card
    body = client.get("/werkbak/").content.decode()
    assert _cards(body) == 1 and first.reference in body and second.reference in body
    assert "2 signalen" in body and "1 huishouden wacht." in body
    network_items = Activation.objects.filter(network=world.network).order_by("pk")
    lead = network_items.first()
    response = client.post(f"/werkbak/{lead.pk}/oppakken/", {"legal_basis": "covenant"})
    assert response["Location"] == f"/huishoudens/{world.household.reference}/"
    assert set(network_items.values_list("status", flat=True)) == {"accepted"}
    # One involvement for the network's help, not one per signal.
    assert Involvement.objects.filter(household=world.household, network=world.network).count() == 1
    assert _cards(client.get("/werkbak/").content.decode()) == 0


def test_a_team_and_a_network_of_one_person_share_one_card(world, as_user):
    """A professional in a team and a network sees the household once, with a group per receiver."""
    world.colleague.memberships.get().networks.add(world.network)
    _report(world, postcode="1012AB")
    # Ask the colleague's team too (as a covering team would be).
    signal = Signal.objects.get()
    network_item = Activation.objects.get(signal=signal, network=world.network)
    Activation.objects.create(
        signal=signal, household=world.household, team=world.team_a2, purpose="help", reason="Wijk",
        norm_working_days=2, due_on=network_item.due_on,
    )  # fmt: skip
    body = as_user(world.colleague).get("/werkbak/").content.decode()
    assert _cards(body) == 1
    assert "Gevraagd aan Netwerk HG Testdorp" in body and "Gevraagd aan Wijkteam Zuid" in body


def test_a_partner_already_involved_gets_an_update_to_mark_as_seen(world, as_user):
    signal = _report(world)
    update = Activation.objects.get(signal=signal, team=world.team_a1)
    assert update.update and update.norm_working_days == 1  # RegionNorms.acknowledge_days
    client = as_user(world.involved)
    body = client.get("/werkbak/").content.decode()
    card = body[body.index(f'id="activatie-{update.pk}"') :]
    assert "Voor Wijkteam Noord (Wijkteams Testdorp), al betrokken" in card
    assert "/gezien/" in card and "/oppakken/" not in card.split("</section>")[0]
    # Taking it up again or handing it back is refused: it is an update.
    client.post(f"/werkbak/{update.pk}/oppakken/", {"legal_basis": "legal_task"})
    client.post(f"/werkbak/{update.pk}/teruggeven/", {"reason": "Niet voor ons, verhuisd."})
    update.refresh_from_db()
    assert update.status == "open"
    involvements = Involvement.objects.filter(household=world.household, team=world.team_a1).count()
    response = client.post(f"/werkbak/{update.pk}/gezien/")
    assert response["Location"] == "/werkbak/"
    update.refresh_from_db()
    assert update.status == "acknowledged" and update.decided_by == world.involved
    assert Involvement.objects.filter(household=world.household, team=world.team_a1).count() == involvements
    assert AccessLogEntry.objects.filter(
        username="involved", action="update", object_type="activation", object_id=str(update.pk)
    ).exists()
    assert _cards(client.get("/werkbak/").content.decode()) == 0


def test_a_take_up_is_not_marked_as_seen(world, as_user):
    signal = _report(world)
    item = Activation.objects.get(signal=signal, network=world.network)
    as_user(world.coordinator).post(f"/werkbak/{item.pk}/gezien/")
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302), ("involved", 302)],
)
def test_seen_per_persona(world, as_user, persona, status):
    signal = _report(world)
    update = Activation.objects.get(signal=signal, team=world.team_a1)
    response = as_user(world.personas()[persona]).post(f"/werkbak/{update.pk}/gezien/")
    assert response.status_code == status
    update.refresh_from_db()
    assert update.status == ("acknowledged" if persona == "involved" else "open")


def test_a_seen_update_is_gone_and_cannot_be_seen_twice(world, as_user):
    signal = _report(world)
    update = Activation.objects.get(signal=signal, team=world.team_a1)
    client = as_user(world.involved)
    client.post(f"/werkbak/{update.pk}/gezien/")
    assert client.post(f"/werkbak/{update.pk}/gezien/").status_code == 404


def test_updates_are_not_escalated_as_not_taken_up_but_as_not_seen(world):
    signal = _report(world)
    update = Activation.objects.get(signal=signal, team=world.team_a1)
    later = timezone.localdate() + timedelta(days=14)
    stalls = detectors.detect(later)
    # "Not taken up" is one stall per household, holding the activations it is about.
    not_taken_up = {i for s in stalls if s.kind == EscalationKind.SIGNAL_NOT_ACCEPTED for i in s.items}
    not_seen = {s.subject_id for s in stalls if s.kind == EscalationKind.UPDATE_NOT_SEEN}
    assert update.pk not in not_taken_up and not_seen == {update.pk}
    assert Activation.objects.get(signal=signal, network=world.network).pk in not_taken_up
    Activation.objects.filter(pk=update.pk).update(status="acknowledged")
    assert not [s for s in detectors.detect(later) if s.kind == EscalationKind.UPDATE_NOT_SEEN]


def test_the_menu_counts_the_households_waiting_in_one_query(world, as_user, django_assert_num_queries):
    _report(world)
    _report(world)
    membership = world.coordinator.memberships.get()
    with django_assert_num_queries(1):
        assert selectors.inbox_count(membership) == 1
    assert selectors.inbox_count(world.manager.memberships.get()) == 0  # no casework, no query
    body = as_user(world.coordinator).get("/werkbak/").content.decode()
    assert 'class="tag inbox-count">1<span class="visually-hidden"> huishouden wacht</span>' in body
    assert "inbox-count" not in as_user(world.colleague).get("/werkbak/").content.decode()  # nothing waits


def test_filters_on_urgency_kind_party_and_age(world, as_user):
    first = _report(world)
    second = _report(world, kind="report", acute_danger=True)
    client = as_user(world.coordinator)

    def shown(query: str) -> set[str]:
        body = client.get(f"/werkbak/?{query}").content.decode()
        return {s.reference for s in (first, second) if s.reference in body}

    assert shown("") == {first.reference, second.reference}
    assert shown("urgent=on") == {second.reference}
    assert shown("kind=police_registration") == {first.reference}
    assert shown(f"party=network:{world.network.pk}") == {first.reference, second.reference}
    assert shown("age=today") == {first.reference, second.reference}
    assert shown("age=older") == set()
    assert (
        "Niets in de werkbak past bij deze filters." in client.get("/werkbak/?age=overdue").content.decode()
    )
    # A filter that is not understood is left out and said so; another party's id shows nothing of it.
    body = client.get("/werkbak/?kind=%00nonsense").content.decode()
    assert "Een filter werd niet begrepen" in body and first.reference in body
    assert shown(f"party=team:{world.team_b1.pk}") == {first.reference, second.reference}


def _assessment(acute: bool, danger: list[tuple[str, str]]):
    from verband.safety import services as safety

    return safety.AssessmentInput(
        acute=acute, structural=True, phase="direct", summary="Beoordeeld.", danger=danger
    )


def test_an_acute_assessment_with_a_weapon_makes_the_open_items_urgent_and_tells_the_receivers(
    world, as_user
):
    from verband.notifications.models import Notification
    from verband.safety import services as safety

    signal = _report(world)
    open_items = Activation.objects.filter(signal=signal, status="open")
    assert not open_items.filter(urgent=True).exists()
    # The involved team assesses: not acute, nothing changes.
    safety.record_assessment(actor_for(world.involved), world.household, _assessment(False, []))
    assert not open_items.filter(urgent=True).exists()
    safety.record_assessment(
        actor_for(world.involved), world.household, _assessment(True, [("weapon", "Mes in de keuken")])
    )
    # Every open item: the network's take-up, Veilig Thuis' and the involved team's own update.
    assert set(open_items.values_list("urgent", flat=True)) == {True}
    told = set(
        Notification.objects.filter(title__contains="urgent geworden").values_list(
            "user__username", flat=True
        )
    )
    assert {"coordinator", "vt"} <= told and "involved" not in told  # not the assessor herself
    title = Notification.objects.filter(user=world.coordinator).latest("pk").title
    assert world.household.reference not in title and "Anna" not in title
    body = as_user(world.coordinator).get("/werkbak/?urgent=on").content.decode()
    assert signal.reference in body and "Urgent" in body
    assert (
        AccessLogEntry.objects.filter(
            username="involved", object_type="activation", basis="acute_assessment"
        ).count()
        == open_items.count()
    )


def test_the_reporter_hears_that_a_partner_already_involved_has_it(world, as_user):
    signal = _report(world)
    update = Activation.objects.get(signal=signal, team=world.team_a1)
    as_user(world.involved).post(f"/werkbak/{update.pk}/gezien/")
    page = as_user(world.other_org).get(f"/meldingen/{signal.reference}/").content.decode()
    assert "Wijkteams Testdorp heeft het op" in page and "Wijkteam Noord" not in page
