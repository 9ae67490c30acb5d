"""Closing a case: only the regisseur; a closing assessment against the phase's target; aftercare checks
at 3, 6 and 12 months (relativedelta) as the regisseur's tasks; every other involvement ends with the
reason; the regisseur's own party keeps access until the last check is done; refusals write nothing."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from verband.collaboration.involvements import end_involvement
from verband.households.models import HouseholdStatus
from verband.measures import clocks
from verband.measures.closing import ClosingInput, close_case, end_aftercare_when_done
from verband.measures.models import Closing
from verband.plans.models import Regie
from verband.safety.models import TARGET_DIRECT
from verband.sharing.access import can_see_household
from verband.sharing.models import EndReason, Involvement
from verband.tasks.models import Task, TaskKind
from verband.tasks.services import complete_task
from verband.testing import actor_for

DAY = date(2026, 1, 31)  # the end of a month: 3 months on is 30 April (relativedelta)


def closing_input(
    w, score=7, months=(3, 6, 12), summary="Anna voelt zich veilig; Dirk volgt zijn programma."
):
    return ClosingInput(
        scores={p: score for p in (w.anna.pk, w.bram.pk, w.dirk.pk)},
        summary=summary,
        aftercare_months=list(months),
    )


@time_machine.travel(DAY, tick=False)
def test_the_regisseur_closes_with_an_assessment_and_aftercare_checks(fam):
    closing = close_case(actor_for(fam.involved), fam.household, closing_input(fam))
    fam.household.refresh_from_db()
    assert fam.household.status == HouseholdStatus.CLOSED and fam.household.closed_at is not None
    assert closing.target == TARGET_DIRECT and closing.targets_met()
    tasks = list(Task.objects.filter(kind=TaskKind.AFTERCARE_CHECK).order_by("due_on"))
    assert [t.due_on for t in tasks] == [date(2026, 4, 30), date(2026, 7, 31), date(2027, 1, 31)]
    assert {t.assignee for t in tasks} == {fam.involved}
    assert not Regie.objects.filter(household=fam.household, ended_at__isnull=True).exists()
    # Probation's access ended with the reason; the regisseur's team keeps access for the aftercare.
    probation = Involvement.objects.get(household=fam.household, team__name="Reclassering Team Zuid")
    assert probation.ended_at is not None and probation.end_reason == EndReason.CASE_CLOSED
    assert not can_see_household(actor_for(fam.probation), fam.household)
    assert can_see_household(actor_for(fam.involved), fam.household)
    assert closing.aftercare_involvement is not None and closing.aftercare_involvement.ended_at is None


def test_the_aftercare_access_ends_with_the_last_check(fam):
    with time_machine.travel(DAY, tick=False):
        closing = close_case(actor_for(fam.involved), fam.household, closing_input(fam, months=(3, 6)))
    first, last = Task.objects.filter(kind=TaskKind.AFTERCARE_CHECK).order_by("due_on")
    complete_task(actor_for(fam.involved), first, "Gebeld: het gaat goed.")
    assert end_aftercare_when_done() == 0
    complete_task(actor_for(fam.involved), last, "Huisbezoek: veilig.")
    assert end_aftercare_when_done() == 1
    closing.refresh_from_db()
    assert closing.aftercare_involvement.ended_at is not None
    assert not can_see_household(actor_for(fam.involved), fam.household)


def test_the_sweep_ends_aftercare_access_as_a_safety_net(fam):
    with time_machine.travel(DAY, tick=False):
        close_case(actor_for(fam.involved), fam.household, closing_input(fam, months=(3,)))
    Task.objects.update(done_at=DAY.isoformat() + "T12:00Z")
    clocks.sweep(DAY)
    assert not can_see_household(actor_for(fam.involved), fam.household)


@time_machine.travel(DAY, tick=False)
def test_without_aftercare_every_access_ends_at_closing(fam):
    close_case(actor_for(fam.involved), fam.household, closing_input(fam, months=()))
    assert not Involvement.objects.active().filter(household=fam.household).exists()


@time_machine.travel(DAY, tick=False)
def test_only_the_regisseur_closes(fam):
    for user in (fam.probation, fam.colleague, fam.coordinator):
        with pytest.raises(PermissionDenied):
            close_case(actor_for(user), fam.household, closing_input(fam))
    fam.regie.delete()
    with pytest.raises(PermissionDenied):  # without a regisseur nobody closes here
        close_case(actor_for(fam.involved), fam.household, closing_input(fam))
    assert not Closing.objects.exists()
    fam.household.refresh_from_db()
    assert fam.household.status == HouseholdStatus.ACTIVE


@time_machine.travel(DAY, tick=False)
def test_a_closing_without_assessment_or_scores_is_refused_and_nothing_changes(fam):
    data = ClosingInput(scores={fam.anna.pk: 11}, summary="  ", aftercare_months=[3, 5])
    with pytest.raises(ValidationError) as refused:
        close_case(actor_for(fam.involved), fam.household, data)
    errors = refused.value.message_dict
    assert {"summary", "aftercare", f"score_{fam.anna.pk}", f"score_{fam.dirk.pk}"} <= set(errors)
    assert not Closing.objects.exists() and not Task.objects.exists()
    assert Involvement.objects.active().filter(household=fam.household).count() == 2


@time_machine.travel(DAY, tick=False)
def test_a_score_under_the_target_is_recorded_as_not_met(fam):
    closing = close_case(actor_for(fam.involved), fam.household, closing_input(fam, score=5))
    assert not closing.targets_met()


@time_machine.travel(DAY, tick=False)
def test_a_partner_ends_its_involvement_with_a_reason_and_cannot_pretend_to_close(fam):
    probation = Involvement.objects.get(household=fam.household, team__name="Reclassering Team Zuid")
    with pytest.raises(ValidationError):
        end_involvement(actor_for(fam.probation), probation, "")
    with pytest.raises(ValidationError):
        end_involvement(actor_for(fam.probation), probation, EndReason.CASE_CLOSED)
    end_involvement(actor_for(fam.probation), probation, EndReason.NOT_NEEDED, "Toezicht afgerond.")
    probation.refresh_from_db()
    assert probation.end_reason == EndReason.NOT_NEEDED and probation.end_note == "Toezicht afgerond."


@time_machine.travel(DAY, tick=False)
def test_the_team_kept_for_aftercare_can_still_end_its_involvement(fam):
    closing = close_case(actor_for(fam.involved), fam.household, closing_input(fam, months=(3,)))
    closed = end_involvement(actor_for(fam.involved), closing.aftercare_involvement, EndReason.GOALS_REACHED)
    assert closed is False
    fam.household.refresh_from_db()
    assert fam.household.status == HouseholdStatus.CLOSED
