"""Protective measures: a huisverbod of 10 days, extended by new decisions to at most 28 days; dates in
the wrong order refused in Dutch with nothing written; what protects her kept from the perpetrator's
partner; the review task N working days before an end (once), and the escalation when it is not done."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from verband.escalation import lifecycle
from verband.escalation.models import Escalation, EscalationKind
from verband.households.models import Address, HouseholdEvent
from verband.measures import clocks, services
from verband.measures.models import MeasureExtension, ProtectiveMeasure
from verband.measures.selectors import visible_measures
from verband.notifications.models import Notification
from verband.safety import services as safety
from verband.shielding import services as shielding
from verband.shielding.models import ItemType
from verband.shielding.scope import member_scope, view_scope
from verband.tasks.models import Task, TaskKind
from verband.tasks.selectors import open_tasks_for
from verband.tasks.services import complete_task
from verband.testing import actor_for
from verband.workdays import add_working_days

# Monday 2 March 2026: no public holiday near.
MONDAY = date(2026, 3, 2)


def house_ban(w, on=MONDAY, **extra):
    return services.record_measure(
        actor_for(w.involved), w.household,
        services.MeasureInput(kind="house_ban", person_id=w.dirk.pk, starts_on=on, **extra),
    )  # fmt: skip


@time_machine.travel(MONDAY, tick=False)
def test_a_house_ban_lasts_ten_days_and_is_extended_to_at_most_28(fam):
    ban = house_ban(fam)
    assert ban.ends_on == MONDAY + timedelta(days=10)
    actor = actor_for(fam.involved)
    services.extend_house_ban(
        actor, ban, decided_on=MONDAY + timedelta(days=8), new_end=MONDAY + timedelta(days=20)
    )
    services.extend_house_ban(
        actor, ban, decided_on=MONDAY + timedelta(days=18), new_end=MONDAY + timedelta(days=28)
    )
    ban.refresh_from_db()
    assert ban.ends_on == MONDAY + timedelta(days=28)
    assert [e.decided_on for e in ban.extensions.all()] == [
        MONDAY + timedelta(days=8),
        MONDAY + timedelta(days=18),
    ]
    with pytest.raises(ValidationError) as refused:
        services.extend_house_ban(
            actor, ban, decided_on=MONDAY + timedelta(days=20), new_end=MONDAY + timedelta(days=29)
        )
    assert "ten hoogste 28 dagen" in " ".join(refused.value.messages)
    ban.refresh_from_db()
    assert ban.ends_on == MONDAY + timedelta(days=28) and ban.extensions.count() == 2


@time_machine.travel(MONDAY, tick=False)
def test_a_house_ban_longer_than_28_days_at_once_is_refused(fam):
    ban = house_ban(fam)
    with pytest.raises(ValidationError) as refused:
        services.extend_house_ban(
            actor_for(fam.involved),
            ban,
            decided_on=MONDAY + timedelta(days=9),
            new_end=MONDAY + timedelta(days=40),
        )
    assert "28" in " ".join(refused.value.messages)
    assert not MeasureExtension.objects.exists()
    with pytest.raises(ValidationError):  # a first decision of more than 10 days is an extension
        house_ban(fam, ends_on=MONDAY + timedelta(days=29))
    assert ProtectiveMeasure.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_dates_in_the_wrong_order_are_refused_and_nothing_is_written(fam):
    actor = actor_for(fam.involved)
    with pytest.raises(ValidationError) as refused:
        services.record_measure(actor, fam.household, services.MeasureInput(
            kind="detention", person_id=fam.dirk.pk, starts_on=MONDAY, ends_on=MONDAY - timedelta(days=1),
        ))  # fmt: skip
    assert refused.value.message_dict["ends_on"] == ["De einddatum moet na de begindatum liggen."]
    ban = house_ban(fam)
    with pytest.raises(ValidationError):  # extension decided before the ban
        services.extend_house_ban(
            actor, ban, decided_on=MONDAY - timedelta(days=1), new_end=MONDAY + timedelta(days=15)
        )
    with pytest.raises(ValidationError):  # new end before the current end
        services.extend_house_ban(
            actor, ban, decided_on=MONDAY + timedelta(days=2), new_end=MONDAY + timedelta(days=5)
        )
    assert ProtectiveMeasure.objects.count() == 1 and not MeasureExtension.objects.exists()


def test_a_confidential_street_is_never_written_in_a_measure(fam):
    Address.objects.create(person=fam.anna, street="Geheimelaan", house_number="1", confidential=True)
    with pytest.raises(ValidationError) as refused:
        services.record_measure(actor_for(fam.involved), fam.household, services.MeasureInput(
            kind="location_ban", person_id=fam.dirk.pk, protected_person_id=fam.anna.pk, starts_on=MONDAY,
            ends_on=MONDAY + timedelta(days=90), detail="Niet in de geheimelaan en omgeving",
        ))  # fmt: skip
    assert "geheim adres" in " ".join(refused.value.messages)
    assert not ProtectiveMeasure.objects.exists()


def test_what_protects_her_is_kept_from_the_perpetrator_and_his_partner(fam):
    actor = actor_for(fam.involved)
    alarm = services.record_measure(actor, fam.household, services.MeasureInput(
        kind="aware", person_id=fam.anna.pk, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=180),
    ))  # fmt: skip
    ban = services.record_measure(actor, fam.household, services.MeasureInput(
        kind="location_ban", person_id=fam.dirk.pk, protected_person_id=fam.anna.pk, starts_on=MONDAY,
        ends_on=MONDAY + timedelta(days=90), detail="Niet in de Dorpsstraat",
    ))  # fmt: skip
    house = house_ban(fam)
    probation = view_scope(actor_for(fam.probation), fam.household)
    shown, hidden = visible_measures(probation, fam.household)
    assert [m.pk for m in shown] == [house.pk] and hidden == 2
    whole, hidden = visible_measures(view_scope(actor, fam.household), fam.household)
    assert {m.pk for m in whole} == {alarm.pk, ban.pk, house.pk} and hidden == 0
    # Dirk's own copy: his huisverbod, not her alarm or the ban naming her street.
    dirk_copy, _ = visible_measures(member_scope(fam.household, fam.dirk.pk), fam.household)
    assert [m.pk for m in dirk_copy] == [house.pk]
    # The timeline does not name what protects her.
    lines = " ".join(HouseholdEvent.objects.filter(household=fam.household).values_list("summary", flat=True))
    assert "AWARE" not in lines and "Locatieverbod" not in lines and "Dorpsstraat" not in lines
    # Lifted with a reason (probation supervises the ban), probation sees the ban.
    shielding.decide(actor, fam.household, ItemType.MEASURE, ban.pk, fam.dirk.pk, shielded=False,
                     reason="De reclassering houdt toezicht op het locatieverbod.")  # fmt: skip
    shown, _ = visible_measures(view_scope(actor_for(fam.probation), fam.household), fam.household)
    assert {m.pk for m in shown} == {house.pk, ban.pk}


def test_a_house_ban_is_seen_by_those_who_work_with_her(fam, world):
    from verband.actors import SYSTEM
    from verband.network.models import Organisation, Role, Team
    from verband.sharing import services as sharing_services
    from verband.shielding.tests.test_scope import scope_involvement
    from verband.testing import make_user

    shelter = Organisation.objects.create(region=fam.region, name="Blijf Opvang", kind="shelter")
    team = Team.objects.create(organisation=shelter, name="Opvang")
    involvement = sharing_services.involve(
        SYSTEM, fam.household, team=team, purpose="help", legal_basis="consent", started_on=MONDAY
    )
    scope_involvement(involvement, [fam.anna.pk])
    worker = make_user("opvang", shelter, Role.PROFESSIONAL, team)
    house = house_ban(fam)
    detention = services.record_measure(actor_for(fam.involved), fam.household, services.MeasureInput(
        kind="detention", person_id=fam.dirk.pk, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=60),
    ))  # fmt: skip
    shown, _ = visible_measures(view_scope(actor_for(worker), fam.household), fam.household)
    assert {m.pk for m in shown} == {house.pk, detention.pk}


def test_a_partner_not_working_with_the_household_records_nothing(fam):
    with pytest.raises(PermissionDenied):
        house_ban_by(fam, fam.colleague)
    assert not ProtectiveMeasure.objects.exists()


def house_ban_by(w, user):
    return services.record_measure(actor_for(user), w.household, services.MeasureInput(
        kind="house_ban", person_id=w.dirk.pk, starts_on=MONDAY,
    ))  # fmt: skip


@override_settings(MEASURE_REVIEW_WORKDAYS=3)
def test_the_review_task_comes_three_working_days_before_the_end_once_and_escalates_when_not_done(fam):
    with time_machine.travel(MONDAY, tick=False):
        ban = house_ban(fam)  # ends Thursday 12 March
    end = ban.ends_on
    assert end == date(2026, 3, 12)
    day_before_window = date(2026, 3, 6)  # Friday: 3 working days on is Wednesday 11th
    first_day = date(2026, 3, 9)  # Monday: 3 working days on is Thursday 12th
    assert add_working_days(first_day, 3) == end
    with time_machine.travel(day_before_window, tick=False):
        assert clocks.sweep() == 0
    assert not Task.objects.exists()
    with time_machine.travel(first_day, tick=False):
        assert clocks.sweep() == 1
        assert clocks.sweep() == 0  # idempotent
    task = Task.objects.get()
    assert task.kind == TaskKind.REVIEW_SAFETY_PLAN and task.assignee == fam.involved and task.due_on == end
    assert "Dirk" not in task.title and "Huisverbod" in task.title
    assert list(open_tasks_for(fam.involved)) == [task]
    assert Notification.objects.filter(user=fam.involved, title__contains=fam.household.reference).exists()
    # Due on the 12th: on the 12th it is not late; on the 13th it is on the ladder.
    with time_machine.travel(end, tick=False):
        lifecycle.sweep(end)
    assert not Escalation.objects.filter(kind=EscalationKind.TASK_OVERDUE).exists()
    with time_machine.travel(end + timedelta(days=1), tick=False):
        lifecycle.sweep(end + timedelta(days=1))
    escalation = Escalation.objects.get(kind=EscalationKind.TASK_OVERDUE)
    assert escalation.subject_type == "task" and escalation.subject_id == task.pk
    assert fam.household.reference in escalation.summary and "Dirk" not in escalation.summary
    # Done: the stall ends.
    complete_task(actor_for(fam.involved), task, "Plan besproken met Anna; Dirk blijft uit huis.")
    with time_machine.travel(end + timedelta(days=2), tick=False):
        lifecycle.sweep(end + timedelta(days=2))
    escalation.refresh_from_db()
    assert escalation.status != "open"


@override_settings(MEASURE_REVIEW_WORKDAYS=3)
def test_an_extension_closes_the_old_review_and_the_new_end_gets_its_own(fam):
    with time_machine.travel(MONDAY, tick=False):
        ban = house_ban(fam)
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
        services.extend_house_ban(
            actor_for(fam.involved), ban, decided_on=date(2026, 3, 9), new_end=date(2026, 3, 26)
        )
    old = Task.objects.get()
    assert old.done_at is not None and "verlengd" in old.done_note
    with time_machine.travel(date(2026, 3, 23), tick=False):
        assert clocks.sweep() == 1
    assert Task.objects.open().get().due_on == date(2026, 3, 26)


@override_settings(MEASURE_REVIEW_WORKDAYS=3)
def test_without_a_regisseur_the_one_who_recorded_it_reviews(fam):
    fam.regie.delete()
    with time_machine.travel(MONDAY, tick=False):
        house_ban(fam)
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
    assert Task.objects.get().assignee == fam.involved


@override_settings(MEASURE_REVIEW_WORKDAYS=3)
def test_a_danger_fact_with_a_review_date_gets_its_review_task(fam):
    with time_machine.travel(MONDAY, tick=False):
        safety.add_danger_fact(
            actor_for(fam.involved), fam.household, "weapon", "Jachtgeweer", review_on=date(2026, 3, 12)
        )
        with pytest.raises(ValidationError):
            safety.add_danger_fact(
                actor_for(fam.involved), fam.household, "weapon", "", review_on=date(2026, 3, 1)
            )
        assert clocks.sweep() == 0
    with time_machine.travel(date(2026, 3, 9), tick=False):
        assert clocks.sweep() == 1
    assert Task.objects.get().assignee == fam.involved


def test_a_child_protection_measure_is_about_a_child(fam):
    actor = actor_for(fam.involved)
    with pytest.raises(ValidationError) as refused:
        services.record_measure(actor, fam.household, services.MeasureInput(
            kind="supervision_order", person_id=fam.anna.pk, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=365),
        ))  # fmt: skip
    assert "kind" in " ".join(refused.value.messages)
    ots = services.record_measure(actor, fam.household, services.MeasureInput(
        kind="supervision_order", person_id=fam.bram.pk, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=365),
    ))  # fmt: skip
    assert ots.person == fam.bram
