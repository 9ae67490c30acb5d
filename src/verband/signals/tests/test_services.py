"""Receiving, recognising and routing signals, and what teams do with activations."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from verband.households.models import EventKind, Person
from verband.sharing.access import visible_households
from verband.sharing.models import AccessLogEntry, Involvement
from verband.signals import services
from verband.signals.models import Activation, MatchState, Signal, SignalStatus
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for, actor_for_token, confirm_likely, make_user


def report_about_anna(**changes) -> SignalInput:
    """Anna van Dam (born 2 January 1990), typed with a spelling error and day and month swapped."""
    persons = [
        PersonInput(
            role="victim",
            given_names="Ana",
            surname_prefix="",
            family_name="van Damme",
            birth_year=1990,
            birth_month=2,
            birth_day=1,
            postcode="1012 AB",
            house_number="12",
        ),
        PersonInput(role="perpetrator", given_names="Dirk", family_name="Vos", birth_year=1988),
    ]
    data = SignalInput(
        kind="police_registration",
        description="Buren hoorden geschreeuw; kind huilde op de trap.",
        persons=persons,
        violence_forms=["physical"],
        children_involved=True,
        postcode="1012AB",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_signal_is_stored_before_anything_else(world):
    signal, created = services.receive(actor_for(world.other_org), report_about_anna())
    assert created and signal.status == SignalStatus.RECEIVED and signal.household is None
    assert signal.reference.startswith("SG-") and signal.persons.count() == 2
    assert AccessLogEntry.objects.filter(
        action="create", object_type="signal", object_id=signal.reference
    ).exists()


def test_misspelled_name_and_swapped_birth_date_are_recognised_with_reasons(world):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    anna = Person.objects.get(given_names="Anna")
    victim, perpetrator = services.recognise(signal)
    best = victim.candidates[0]
    assert best["person"] == anna.pk and best["score"] > 0.9
    assert "geboortedatum met dag en maand omgewisseld" in best["reasons"]
    assert victim.match_state == MatchState.PENDING  # no BSN: a person confirms
    assert perpetrator.candidates == []


def test_equal_bsn_and_birth_date_link_automatically(world):
    anna = Person.objects.get(given_names="Anna")
    anna.bsn = "111222333"
    anna.save()
    data = report_about_anna()
    data.persons[0].bsn, data.persons[0].birth_month, data.persons[0].birth_day = "111222333", 1, 2
    signal, _ = services.receive(actor_for(world.other_org), data)
    victim, _perpetrator = services.recognise(signal)
    assert victim.match_state == MatchState.AUTO and victim.person_id == anna.pk


def test_confirmed_repeat_report_lands_on_the_existing_household_and_activates_in_parallel(world):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    victim, perpetrator = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    services.confirm_recognition(
        actor_for(world.other_org), signal, {victim.pk: anna.pk, perpetrator.pk: None}
    )
    assert services.finish(signal.pk)
    signal.refresh_from_db()
    assert signal.household == world.household and signal.status == SignalStatus.ROUTED
    assert world.household.members.filter(person__family_name="Vos", role="perpetrator").exists()
    parties = {(a.team or a.network).name: (a.purpose, a.norm_working_days) for a in signal.activations.all()}
    assert parties == {
        "Team Veiligheidsbeoordeling": ("safety_assessment", 5),
        "Netwerk HG Testdorp": ("help", 2),
        "Wijkteam Noord": ("help", 1),  # involved already: an update to see within a working day
    }
    assert {(a.team or a.network).name for a in signal.activations.filter(update=True)} == {"Wijkteam Noord"}
    assert all(a.due_on >= signal.received_at.date() for a in signal.activations.all())
    kinds = list(world.household.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ROUTED) == 3 and EventKind.SIGNAL in kinds


def test_unknown_people_make_a_new_household(world):
    data = SignalInput(
        kind="report",
        description="Leerkracht ziet blauwe plekken.",
        persons=[PersonInput(role="child", given_names="Noor", family_name="Bakker")],
        postcode="1060",
    )
    signal, _ = services.receive(actor_for(world.other_org), data)
    services.finish(signal.pk)
    signal.refresh_from_db()
    assert signal.household not in (world.household, world.other_household)
    assert signal.household.reference.startswith("HH-")
    teams = {a.team.name for a in signal.activations.all() if a.team}
    assert "Wijkteam Zuid" in teams  # postcode 1060 is Zuid's


def test_without_a_covering_partner_the_routing_desk_decides(world):
    data = report_about_anna(postcode="9999ZZ")
    data.persons[0].postcode = ""
    signal, _ = services.receive(actor_for(world.other_org), data)
    services.finish(signal.pk)
    reasons = [a.reason for a in signal.activations.all()]
    assert any("routeringsdesk" in reason for reason in reasons)


def test_acute_danger_adds_the_urgent_crisis_route(world):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna(acute_danger=True))
    services.finish(signal.pk)
    crisis = signal.activations.get(purpose="protection")
    assert crisis.urgent and crisis.norm_working_days == 0


def test_same_idempotency_key_gives_the_same_signal(world):
    actor = actor_for(world.other_org)
    first, created = services.receive(actor, report_about_anna(), idempotency_key="abc-1")
    again, created_again = services.receive(actor, report_about_anna(), idempotency_key="abc-1")
    assert created and not created_again and first.pk == again.pk
    assert Signal.objects.count() == 1
    with pytest.raises(services.IdempotencyConflict):
        services.receive(actor, report_about_anna(description="Iets anders"), idempotency_key="abc-1")


def test_interrupted_routing_is_finished_by_the_worker_exactly_once(world):
    signal, _ = services.receive(actor_for_token(world.token_vt), report_about_anna(), idempotency_key="k-1")
    with (
        mock.patch.object(services, "plan_activations", side_effect=RuntimeError("power cut")),
        pytest.raises(RuntimeError),
    ):
        services.finish(signal.pk)
    signal.refresh_from_db()
    # Nothing half-written: still received, no household, no activations, no new persons.
    assert signal.status == SignalStatus.RECEIVED and signal.household is None
    assert not Activation.objects.exists() and not Person.objects.filter(family_name="Vos").exists()
    call_command("worker", "--once", stdout=mock.Mock())
    call_command("worker", "--once", stdout=mock.Mock())
    assert services.finish(signal.pk) is False
    signal.refresh_from_db()
    assert signal.status == SignalStatus.ROUTED
    assert signal.activations.count() == 3
    assert Person.objects.filter(family_name="Vos").count() == 1


def test_web_signals_wait_for_the_reporter_then_the_worker_routes_them(world, settings):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    assert services.route_pending() == 0  # within the grace period the reporter decides
    assert services.route_pending(grace_minutes=0) == 1
    signal.refresh_from_db()
    assert signal.status == SignalStatus.ROUTED


def test_taking_up_opens_the_household(world):
    signal, _ = services.receive(actor_for(world.other_org), report_about_anna())
    services.finish(signal.pk)
    signal.refresh_from_db()
    confirm_likely(world, signal)  # "Ana van Damme" is likely Anna: the reporting centre confirms first
    activation = signal.activations.get(team=world.team_vt)
    vt = actor_for(world.vt)
    assert not visible_households(vt).filter(signals=signal).exists()
    with pytest.raises(PermissionDenied):
        services.accept(actor_for(world.colleague), activation)
    services.accept(vt, activation)
    assert visible_households(vt).filter(signals=signal).exists()
    assert Involvement.objects.filter(team=world.team_vt, purpose="safety_assessment").exists()
    with pytest.raises(ValidationError):
        services.accept(vt, activation)


def test_handing_back_needs_a_reason_and_returns_to_the_routing_desk(world):
    # A family nobody knows yet: the district's team is asked to take it up (a team already involved with
    # a recognised household would get an update to mark as seen instead, which is not handed back).
    data = report_about_anna()
    data.persons = [
        PersonInput(role="victim", given_names="Saskia", family_name="Bakker", birth_year=1985, birth_month=6,
                    birth_day=3, postcode="1012 AB", house_number="40"),
        PersonInput(role="perpetrator", given_names="Rob", family_name="Bakker", birth_year=1983),
    ]  # fmt: skip
    signal, _ = services.receive(actor_for(world.other_org), data)
    services.finish(signal.pk)
    signal.refresh_from_db()
    activation = signal.activations.get(team=world.team_a1)
    with pytest.raises(ValidationError):
        services.hand_back(actor_for(world.involved), activation, "nee")
    successor = services.hand_back(actor_for(world.involved), activation, "Gezin woont sinds mei in Zuid.")
    assert successor.team == world.team_vt and successor.previous == activation
    assert successor.due_on == activation.due_on  # the clock keeps running
    forwarded = services.send_on(actor_for(world.vt), successor, team=world.team_a2)
    assert forwarded.team == world.team_a2 and forwarded.status == "open"
    kinds = set(signal.household.events.values_list("kind", flat=True))
    assert {EventKind.HANDED_BACK, EventKind.REROUTED} <= kinds


def test_partial_birth_date_does_not_block(world):
    data = SignalInput(
        kind="advice_request",
        description="Zorgen over moeder.",
        persons=[PersonInput(role="victim", family_name="Onbekend")],
    )
    signal, _ = services.receive(actor_for(world.other_org), data)
    assert services.finish(signal.pk)
    person = signal.persons.get().person
    assert person.birth_year is None and person.birth_display == "onbekend"


def test_birth_date_partly_known(world):
    data = SignalInput(
        kind="report",
        description="x" * 20,
        persons=[PersonInput(role="victim", family_name="Jansen", birth_year=1985, birth_month=6)],
    )
    signal, _ = services.receive(actor_for(world.other_org), data)
    services.finish(signal.pk)
    person = signal.persons.get().person
    assert person.birth_iso == "1985-06" and person.date_of_birth is None  # not invented into a full date


def test_a_report_is_no_way_into_a_known_household(world):
    """Police report about Anna (known, not theirs) with acute danger: the crisis route activates their
    own team. The reporter cannot take it up personally; a colleague can, logged apart."""
    reporter = actor_for(world.other_org)
    signal, _ = services.receive(reporter, report_about_anna(acute_danger=True))
    victim, perpetrator = services.recognise(signal)
    anna = Person.objects.get(given_names="Anna")
    services.confirm_recognition(reporter, signal, {victim.pk: anna.pk, perpetrator.pk: None})
    services.finish(signal.pk)
    own = Activation.objects.get(signal=signal, team=world.team_b1)
    with pytest.raises(ValidationError, match="al bekend was"):
        services.accept(reporter, own)
    assert not visible_households(reporter).filter(pk=world.household.pk).exists()
    own.refresh_from_db()
    assert own.status == "open"

    colleague = actor_for(make_user("agent2", world.org_b, "professional", world.team_b1))
    services.accept(colleague, own)
    assert visible_households(colleague).filter(pk=world.household.pk).exists()
    flagged = AccessLogEntry.objects.get(object_type="own_report_take_up")
    assert flagged.username == "agent2" and flagged.subject_household_id == world.household.pk


def test_a_reporter_takes_up_a_household_their_report_created(world):
    reporter = actor_for(world.other_org)
    signal, _ = services.receive(reporter, report_about_anna(acute_danger=True))
    victim, perpetrator = services.recognise(signal)
    services.confirm_recognition(reporter, signal, {victim.pk: None, perpetrator.pk: None})
    services.finish(signal.pk)
    services.accept(reporter, Activation.objects.get(signal=signal, team=world.team_b1))
    assert not AccessLogEntry.objects.filter(object_type="own_report_take_up").exists()
