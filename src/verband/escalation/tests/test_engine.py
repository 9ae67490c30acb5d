"""The escalation engine: a handover to a shelter nobody answers climbs the ladder; two workers never
double-process; an interrupted sweep completes; deadlines skip Dutch public holidays."""

from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from verband.collaboration import services as collaboration
from verband.escalation import detectors, lifecycle
from verband.escalation.models import Escalation, EscalationKind, Step
from verband.network.models import Organisation, RegionNorms, Role, Team
from verband.notifications.models import Notification
from verband.notifications.services import send_waiting
from verband.plans.models import Regie
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for as actor_of
from verband.testing import make_user
from verband.workdays import add_working_days


def at(day: date):
    return time_machine.travel(
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 0)), tick=False
    )


@pytest.fixture
def shelter(partners):
    w = partners
    org = Organisation.objects.create(region=w.region, name="Blijf Opvang", kind="shelter")
    w.team_shelter = Team.objects.create(organisation=org, name="Opvang Centrum")
    w.shelter_worker = make_user("opvang", org, Role.PROFESSIONAL, w.team_shelter)
    w.lm_shelter = make_user("lm_opvang", org, Role.LINE_MANAGER, w.team_shelter)
    w.other_household.status = "closed"  # only Anna's household is of interest here
    w.other_household.save()
    from verband.sharing.models import Involvement

    Involvement.objects.filter(purpose="help").update(first_contact_at=timezone.now())  # help has begun
    Regie.objects.create(
        household=w.household,
        user=w.involved,
        membership=w.involved.memberships.get(),
        organisation=w.org_a,
        mandated_by=w.lm_a,
    )
    return w


def ask_shelter(w, day=date(2026, 4, 22)):
    with at(day):
        return collaboration.request_handover(
            actor_of(w.involved),
            w.household,
            kind="referral",
            to_team_id=w.team_shelter.pk,
            question="Anna en Bram hebben vandaag een opvangplek nodig.",
        )


def test_unanswered_handover_climbs_from_regisseur_to_line_manager_who_decides(shelter):
    w = shelter
    handover = ask_shelter(w)  # Wednesday 22 April 2026; norm 3 working days
    assert handover.due_on == date(2026, 4, 28)  # Koningsdag (Monday 27 April) does not count
    assert Notification.objects.filter(user=w.shelter_worker, url=f"/overdrachten/{handover.pk}/").exists()

    with at(date(2026, 4, 28)):
        assert lifecycle.sweep() == {"opened": 0, "climbed": 0, "cleared": 0, "listed": 0}  # due today
    with at(date(2026, 4, 29)):
        assert lifecycle.sweep()["opened"] == 1
    escalation = Escalation.objects.get()
    assert escalation.kind == EscalationKind.HANDOVER_UNANSWERED and escalation.step == Step.REGISSEUR
    assert escalation.step_due_on == date(2026, 5, 1)  # two working days
    first = {r.membership.user.username for r in escalation.recipients.all()}
    assert first == {"involved"}  # the regisseur, who is also the sender
    assert "Dam" not in escalation.summary and "Anna" not in escalation.summary

    with at(date(2026, 5, 4)):
        assert lifecycle.sweep()["climbed"] == 1
    escalation.refresh_from_db()
    assert escalation.step == Step.LINE_MANAGER
    second = {r.membership.user.username for r in escalation.recipients.filter(step=Step.LINE_MANAGER)}
    assert second == {"lm_a", "lm_opvang"}  # the sender's line manager and the shelter's
    assert Notification.objects.filter(user=w.lm_shelter, url=f"/escalaties/{escalation.pk}/").exists()

    shelter_worker = w.shelter_worker.memberships.get()
    with pytest.raises(PermissionDenied):
        lifecycle.resolve(actor_of(w.colleague), escalation, "Ik beslis dit wel even.", kind="not_applicable")
    with pytest.raises(ValidationError):
        lifecycle.resolve(actor_of(w.lm_shelter), escalation, "ok")
    with at(date(2026, 5, 4)):
        lifecycle.resolve(
            actor_of(w.lm_shelter),
            escalation,
            "Opvang Centrum neemt Anna en Bram morgen op.",
            kind="action",
            owner_id=shelter_worker.pk,
            due_on=date(2026, 5, 6),
        )
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and "Opvang Centrum neemt" in escalation.decision
    assert escalation.decided_by == w.lm_shelter and escalation.action_owner == shelter_worker
    # The decision gets time to work: the still-pending handover does not reopen it at once.
    with at(date(2026, 5, 5)):
        assert lifecycle.sweep()["opened"] == 0
    assert AccessLogEntry.objects.filter(object_type="escalation", username="lm_opvang").exists()


def test_answered_handover_clears_its_escalation(shelter):
    w = shelter
    handover = ask_shelter(w)
    with at(date(2026, 4, 29)):
        lifecycle.sweep()
        collaboration.accept_handover(actor_of(w.shelter_worker), handover)
        assert lifecycle.sweep()["cleared"] == 1
    assert Escalation.objects.get().status == "cleared"


def test_two_workers_open_and_climb_once(shelter):
    w = shelter
    ask_shelter(w)
    with at(date(2026, 4, 29)):
        stalls = detectors.detect()
        # Both workers found the same stall before either committed.
        assert lifecycle.open_escalation(stalls[0]) is not None
        assert lifecycle.open_escalation(stalls[0]) is None
    escalation = Escalation.objects.get()
    with at(date(2026, 5, 4)):
        assert lifecycle.climb(escalation.pk) is True
        assert lifecycle.climb(escalation.pk) is False  # the second worker finds it moved
    escalation.refresh_from_db()
    assert escalation.step == Step.LINE_MANAGER
    assert Notification.objects.filter(user=w.lm_a).count() == 1


def test_an_interrupted_sweep_completes_next_time(shelter):
    w = shelter
    ask_shelter(w)
    with at(date(2026, 4, 22)):
        # A second stall: an action of the plan long overdue.
        from verband.plans.models import FamilyPlan, PlanAction

        plan, _new = FamilyPlan.objects.get_or_create(household=w.household, defaults={"version": 1})
        PlanAction.objects.create(
            plan=plan, text="Huisbezoek", owner_organisation=w.org_b, due_on=date(2026, 4, 1)
        )
    real = lifecycle.open_stalls
    calls = {"n": 0}

    def crash_on_second(stalls, **kwargs):  # one batch per kind of stall
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(stalls, **kwargs)

    with at(date(2026, 4, 29)):
        with mock.patch.object(lifecycle, "open_stalls", crash_on_second), pytest.raises(RuntimeError):
            lifecycle.sweep()
        assert Escalation.objects.count() == 1  # the first was committed, the second never started
        assert lifecycle.sweep()["opened"] == 1
    assert set(Escalation.objects.values_list("kind", flat=True)) == {
        EscalationKind.HANDOVER_UNANSWERED,
        EscalationKind.ACTION_OVERDUE,
    }


def test_without_regisseur_it_starts_with_the_line_managers(partners):
    w = partners
    with at(date(2026, 1, 14)):
        lifecycle.sweep()
    escalation = Escalation.objects.get(kind=EscalationKind.NO_REGISSEUR, household=w.household)
    assert escalation.step == Step.LINE_MANAGER
    assert {r.membership.user.username for r in escalation.recipients.all()} == {"lm_a", "lm_vt", "lm_b"}


def test_ladder_reaches_the_coordinator_and_the_tactical_platform(shelter):
    w = shelter
    ask_shelter(w)
    day = date(2026, 4, 29)
    with at(day):
        lifecycle.sweep()
    for _ in range(3):
        day = add_working_days(Escalation.objects.get().step_due_on, 1)
        with at(day):
            lifecycle.sweep()
    escalation = Escalation.objects.get()
    assert escalation.step == Step.TACTICAL and escalation.step_due_on is None
    third = {r.membership.user.username for r in escalation.recipients.filter(step=Step.COORDINATOR)}
    assert "coordinator" in third and "manager" in third
    fourth = {r.membership.user.username for r in escalation.recipients.filter(step=Step.TACTICAL)}
    assert "manager" in fourth


def test_norms_are_per_region(shelter):
    w = shelter
    RegionNorms.objects.update_or_create(region=w.region, defaults={"handover_days": 10})
    handover = ask_shelter(w)
    assert handover.due_on == add_working_days(date(2026, 4, 22), 10)


def test_disagreement_goes_to_the_regisseur_first(shelter):
    w = shelter
    escalation = lifecycle.ask_decision(
        actor_of(w.other_org), w.household, "Politie wil een huisverbod, wijkteam vindt dat te zwaar."
    )
    assert escalation.kind == EscalationKind.DISAGREEMENT and escalation.step == Step.REGISSEUR
    assert {r.membership.user.username for r in escalation.recipients.all()} == {"involved"}
    with pytest.raises(ValidationError):
        lifecycle.ask_decision(actor_of(w.vt), w.household, "Nog een vraag over hetzelfde huishouden.")
    with pytest.raises(PermissionDenied):
        lifecycle.ask_decision(actor_of(w.colleague), w.household, "Ik ben niet betrokken maar vraag toch.")


def test_regisseur_asking_goes_to_the_line_manager(shelter):
    w = shelter
    escalation = lifecycle.ask_decision(
        actor_of(w.involved), w.household, "De partners zijn het oneens over de opvang; beslis."
    )
    assert escalation.step == Step.LINE_MANAGER


def test_mail_carries_a_link_and_no_personal_data(shelter, settings):
    w = shelter
    w.shelter_worker.email = "opvang@example.nl"
    w.shelter_worker.save()
    ask_shelter(w)
    assert send_waiting() == 1
    assert send_waiting() == 0  # a second worker finds nothing left
    message = mail.outbox[0]
    assert message.to == ["opvang@example.nl"]
    body = f"{message.subject} {message.body}"
    assert "/notificaties/" in body
    for private in ("Anna", "Dam", "Bram", w.household.reference, "opvangplek"):
        assert private not in body


def test_a_climb_that_lost_the_race_changes_nothing(shelter):
    """Worker A read the escalation at step 1; before its update, worker B moved it to step 2. A's
    conditional update finds nothing to move: no double step, no second round of notifications."""
    w = shelter
    ask_shelter(w)
    with at(date(2026, 4, 29)):
        lifecycle.sweep()
    escalation = Escalation.objects.get()
    real_due = lifecycle.step_due
    raced = {"done": False}

    def other_worker_first(norms, step, today):
        if not raced["done"]:
            raced["done"] = True
            Escalation.objects.filter(pk=escalation.pk).update(step=Step.LINE_MANAGER)
        return real_due(norms, step, today)

    with at(date(2026, 5, 4)), mock.patch.object(lifecycle, "step_due", other_worker_first):
        assert lifecycle.climb(escalation.pk) is False
    escalation.refresh_from_db()
    assert escalation.step == Step.LINE_MANAGER
    assert not escalation.recipients.filter(step=Step.LINE_MANAGER).exists()  # B's own work, not A's


def test_first_contact_not_recorded_in_time_escalates_and_recording_clears_it(partners, as_user):
    w = partners
    from verband.sharing.models import Involvement

    w.other_household.status = "closed"
    w.other_household.save()
    involvement = Involvement.objects.get(household=w.household, team=w.team_a1)
    # Involved since Monday 5 January 2026; the norm is 2 working days: due Wednesday 7 January.
    with at(date(2026, 1, 7)):
        lifecycle.sweep()
    assert not Escalation.objects.filter(kind=EscalationKind.FIRST_CONTACT_LATE).exists()
    with at(date(2026, 1, 8)):
        lifecycle.sweep()
    escalation = Escalation.objects.get(kind=EscalationKind.FIRST_CONTACT_LATE)
    assert {r.membership.user.username for r in escalation.recipients.all()} == {"involved", "lm_a"}
    page = f"/huishoudens/{w.household.reference}/"
    url = f"{page}betrokken/{involvement.pk}/eerste-contact/"
    assert as_user(w.other_org).post(url).status_code == 302  # police: not their involvement
    involvement.refresh_from_db()
    assert involvement.first_contact_at is None
    assert as_user(w.colleague).post(url).status_code == 404
    body = as_user(w.involved).post(url, follow=True).content.decode()
    assert "Eerste contact vastgelegd" in body
    involvement.refresh_from_db()
    assert involvement.first_contact_by == w.involved
    with at(date(2026, 1, 9)):
        assert lifecycle.sweep()["cleared"] >= 1
    escalation.refresh_from_db()
    assert escalation.status == "cleared"


@pytest.mark.parametrize(
    ("asked", "handover_due", "opened", "step_due"),
    [
        # Thursday before Easter 2026, norm 3 working days: Good Friday (3 April), the weekend and Easter
        # Monday (6 April) do not count; the regisseur's two days run Monday 13 and Tuesday 14 April.
        (date(2026, 4, 2), date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 14)),
        # Wednesday 23 December: Christmas (25th) and Boxing Day (26th, a Saturday) are skipped.
        (date(2026, 12, 23), date(2026, 12, 29), date(2026, 12, 30), date(2027, 1, 4)),
    ],
)
def test_deadlines_skip_easter_and_christmas(shelter, asked, handover_due, opened, step_due):
    w = shelter
    handover = ask_shelter(w, day=asked)
    assert handover.due_on == handover_due
    with at(opened):
        lifecycle.sweep()
    escalation = Escalation.objects.get(kind=EscalationKind.HANDOVER_UNANSWERED)
    assert escalation.step_due_on == step_due


def test_a_network_stall_goes_to_its_coordinator_not_every_member(partners):
    """An activation for the network nobody took up: step 1 is the network's coordinator."""
    w = partners
    from verband.signals.models import Activation, Signal

    w.involved.memberships.get().networks.add(w.network)
    signal = Signal.objects.create(
        region=w.region, kind="report", description="x", source_organisation=w.org_b, household=w.household,
        status="routed", reference="SIG-N-0001",
    )  # fmt: skip
    Activation.objects.create(
        signal=signal, household=w.household, network=w.network, purpose="help", reason="r",
        norm_working_days=2, due_on=date(2026, 3, 2),
    )  # fmt: skip
    with at(date(2026, 3, 4)):
        lifecycle.sweep()
    escalation = Escalation.objects.get(kind=EscalationKind.SIGNAL_NOT_ACCEPTED)
    assert {r.membership.user.username for r in escalation.recipients.all()} == {"coordinator"}
