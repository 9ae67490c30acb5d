"""Issue 14: an escalation is decided only concretely and reopens one step higher when the stall outlasts
the decided date; one stall per household, not per activation; a first sweep over old data lists old
stalls for the coordinator once instead of escalating them one by one; the decision is readable by the
one who decided and everyone it was put to."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from verband.collaboration import services as collaboration
from verband.escalation import lifecycle
from verband.escalation.models import Escalation, EscalationKind, EscalationStatus, Step
from verband.escalation.tests.test_engine import ask_shelter, at, shelter  # noqa: F401 - fixture
from verband.households.models import HouseholdEvent
from verband.network.models import Region, Role
from verband.notifications.models import Notification
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Activation, Signal
from verband.testing import actor_for, make_user


def opened(w, day=date(2026, 4, 29)) -> Escalation:
    ask_shelter(w)
    with at(day):
        lifecycle.sweep()
    return Escalation.objects.get(kind=EscalationKind.HANDOVER_UNANSWERED)


def member(user):
    return user.memberships.get()


# --- Decisions are concrete ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "kind"),  # one sentence, no kind: today's "closed with a sentence"
        ({"kind": "action", "due_on": date(2026, 5, 6)}, "owner"),
        ({"kind": "action", "owner": "shelter_worker"}, "due_on"),
        ({"kind": "action", "owner": "shelter_worker", "due_on": date(2026, 4, 28)}, "due_on"),  # past
        ({"kind": "action", "owner": "shelter_worker", "due_on": date(2026, 9, 1)}, "due_on"),  # too far
        ({"kind": "action", "owner": "outsider", "due_on": date(2026, 5, 6)}, "owner"),  # not involved
        ({"kind": "reassign", "reassign_to": "involved", "due_on": date(2026, 5, 6)}, "reassign_to"),  # self
        ({"kind": "reassign", "reassign_to": "shelter_worker"}, "due_on"),
        ({"kind": "not_applicable", "text": "nee"}, "decision"),  # no reason
    ],
)
def test_a_decision_must_be_concrete(shelter, fields, field):  # noqa: F811
    w = shelter
    e = opened(w)
    from verband.network.models import Organisation

    outsider = make_user(
        "buiten", Organisation.objects.create(region=w.region, name="Buiten"), Role.PROFESSIONAL
    )
    people = {"shelter_worker": w.shelter_worker, "outsider": outsider, "involved": w.involved}
    with at(date(2026, 4, 29)), pytest.raises(ValidationError) as caught:
        lifecycle.resolve(
            actor_for(w.involved),
            e,
            fields.get("text", "Het wijkteam belt de opvang vandaag nog."),
            kind=fields.get("kind", ""),
            owner_id=member(people[fields["owner"]]).pk if "owner" in fields else None,
            reassign_to_id=member(people[fields["reassign_to"]]).pk if "reassign_to" in fields else None,
            due_on=fields.get("due_on"),
        )
    assert field in caught.value.message_dict
    e.refresh_from_db()
    assert e.status == EscalationStatus.OPEN and e.decision == ""


def test_an_action_that_does_not_end_the_stall_reopens_one_step_higher(shelter, as_user):  # noqa: F811
    w = shelter
    e = opened(w)
    assert e.step == Step.REGISSEUR
    with at(date(2026, 4, 29)):
        lifecycle.resolve(
            actor_for(w.involved),
            e,
            "De opvang neemt contact op met Anna voor een intake.",
            kind="action",
            owner_id=member(w.shelter_worker).pk,
            due_on=date(2026, 5, 4),
        )
    e.refresh_from_db()
    assert e.decision_kind == "action" and e.action_owner == member(w.shelter_worker)
    assert e.action_due_on == date(2026, 5, 4) and e.quiet_until == date(2026, 5, 4)
    # The one who does it is told it is for them.
    assert Notification.objects.filter(user=w.shelter_worker, title__contains="voor u").exists()
    with at(date(2026, 5, 4)):  # the date itself: the decision still has its day
        assert lifecycle.sweep()["opened"] == 0
    with at(date(2026, 5, 5)):  # the handover is still unanswered the day after
        assert lifecycle.sweep()["opened"] == 1
    again = Escalation.objects.get(status=EscalationStatus.OPEN)
    assert again.previous == e and again.step == Step.LINE_MANAGER
    assert member(w.shelter_worker) in again.owners.all()
    assert {r.membership.user.username for r in again.recipients.filter(step=Step.LINE_MANAGER)} == {
        "lm_a",
        "lm_opvang",
    }
    line = HouseholdEvent.objects.filter(household=w.household, kind="escalation").order_by("-at", "-pk")[0]
    assert "heropend" in line.summary
    with at(date(2026, 5, 6)):  # reopened once, not again
        assert lifecycle.sweep()["opened"] == 0
    # The line managers it is reopened to read the decision before it; the regisseur keeps it, as after a
    # climb (without a second notification).
    previous = f"/escalaties/{e.pk}/"
    page = as_user(w.lm_a).get(previous).content.decode()
    assert "De opvang neemt contact op met Anna" in page and f"/escalaties/{again.pk}/" in page
    assert again.recipients.filter(membership__user=w.involved, step=Step.REGISSEUR).exists()
    assert as_user(w.involved).get(f"/escalaties/{again.pk}/").status_code == 200
    assert as_user(w.colleague).get(previous).status_code == 404


def test_a_reassignment_reopens_higher_with_the_new_person(shelter):  # noqa: F811
    w = shelter
    e = opened(w)
    with at(date(2026, 4, 29)):
        lifecycle.resolve(
            actor_for(w.involved),
            e,
            "Het opvangteam beantwoordt de verwijzing zelf.",
            kind="reassign",
            reassign_to_id=member(w.shelter_worker).pk,
            due_on=date(2026, 4, 30),
        )
    with at(date(2026, 5, 1)):
        lifecycle.sweep()
    again = Escalation.objects.get(status=EscalationStatus.OPEN)
    assert again.previous == e and again.step == Step.LINE_MANAGER
    assert member(w.shelter_worker) in again.owners.all()


def test_a_stall_that_ended_before_the_date_does_not_reopen(shelter):  # noqa: F811
    w = shelter
    e = opened(w)
    handover = e.household.handovers.get()
    with at(date(2026, 4, 29)):
        lifecycle.resolve(
            actor_for(w.involved),
            e,
            "De opvang belt vandaag terug.",
            kind="action",
            owner_id=member(w.shelter_worker).pk,
            due_on=date(2026, 4, 30),
        )
        collaboration.accept_handover(actor_for(w.shelter_worker), handover)
    with at(date(2026, 5, 4)):
        lifecycle.sweep()
    assert not Escalation.objects.filter(kind=EscalationKind.HANDOVER_UNANSWERED, previous=e).exists()
    e.refresh_from_db()
    assert e.quiet_until is not None and e.quiet_until < date(2026, 5, 4)  # released: escalates afresh


def test_the_norm_does_not_apply_keeps_it_quiet_while_it_lasts(shelter):  # noqa: F811
    w = shelter
    e = opened(w)
    with at(date(2026, 4, 29)):
        lifecycle.resolve(
            actor_for(w.involved),
            e,
            "Anna koos zelf voor een andere opvang; deze verwijzing wacht op haar.",
            kind="not_applicable",
        )
    for day in (date(2026, 5, 4), date(2026, 5, 20), date(2026, 6, 30)):
        with at(day):
            assert lifecycle.sweep()["opened"] == 0


# --- The decision is readable afterwards --------------------------------------------------------


def test_the_decider_and_everyone_it_was_put_to_read_the_decision(shelter, as_user):  # noqa: F811
    w = shelter
    e = opened(w)
    with at(date(2026, 5, 4)):
        lifecycle.sweep()  # up to the line managers, who are not involved with the household
    e.refresh_from_db()
    assert e.step == Step.LINE_MANAGER
    url = f"/escalaties/{e.pk}/"
    lm = as_user(w.lm_shelter)
    page = lm.get(url).content.decode()
    assert "Wat besluit u?" in page and w.shelter_worker.display_name in page  # a possible owner
    vague = lm.post(url, {"decision": "Opgelost, bel me als het nog speelt."})
    assert vague.status_code == 400 and "Kies wat u besluit" in vague.content.decode()
    assert "Opgelost, bel me" in vague.content.decode()  # what was typed stays
    response = lm.post(
        url,
        {
            "kind": "action",
            "decision": "Opvang Centrum beantwoordt de verwijzing morgen.",
            "owner": str(member(w.shelter_worker).pk),
            "due_on": "2026-12-10",
        },
    )
    assert response.status_code == 302
    for reader in (w.lm_shelter, w.lm_a, w.involved):  # the decider, another line manager, the regisseur
        body = as_user(reader).get(url).content.decode()
        assert "Opvang Centrum beantwoordt de verwijzing morgen." in body, reader.username
        assert "10 december 2026" in body and w.shelter_worker.display_name in body
    assert as_user(w.colleague).get(url).status_code == 404
    assert AccessLogEntry.objects.filter(
        object_type="escalation", object_id=str(e.pk), username="colleague", outcome="denied"
    ).exists()


# --- No flood ------------------------------------------------------------------------------------


def _activations(w, due: date, reference="SIG-T-0001") -> list[Activation]:
    signal = Signal.objects.create(
        region=w.region, kind="report", description="x", source_organisation=w.org_b, household=w.household,
        status="routed", reference=reference,
    )  # fmt: skip
    return [
        Activation.objects.create(
            signal=signal,
            household=w.household,
            purpose="help",
            reason="r",
            norm_working_days=2,
            due_on=due,
            **party,
        )
        for party in ({"team": w.team_a1}, {"network": w.network}, {"team": w.team_vt})
    ]


def test_one_escalation_per_household_whatever_the_number_of_activations(partners):
    w = partners
    w.involved.memberships.get().networks.add(w.network)
    _activations(w, date(2026, 3, 2))
    _activations(w, date(2026, 3, 3), reference="SIG-T-0002")
    with at(date(2026, 3, 4)):
        lifecycle.sweep()
    stalled = Escalation.objects.filter(kind=EscalationKind.SIGNAL_NOT_ACCEPTED)
    assert stalled.count() == 1
    e = stalled.get()
    assert (e.subject_type, e.subject_id) == ("household", w.household.pk)
    assert "SIG-T-0001" in e.summary and "SIG-T-0002" in e.summary
    # One timeline line for everything this sweep did to the household, not a line per escalation.
    lines = HouseholdEvent.objects.filter(household=w.household, kind="escalation")
    assert lines.count() == 1
    # Taking up some activations does not end it; taking up the last one does.
    Activation.objects.filter(team=w.team_a1).update(status="accepted")
    with at(date(2026, 3, 5)):
        assert lifecycle.sweep()["cleared"] == 0
    Activation.objects.update(status="accepted")
    with at(date(2026, 3, 6)):
        assert lifecycle.sweep()["cleared"] >= 1
    e.refresh_from_db()
    assert e.status == EscalationStatus.CLEARED


def test_a_first_sweep_over_old_data_lists_old_stalls_for_the_coordinator_once(partners, as_user):
    w = partners
    # Involved since 5 January without a regisseur: breached since 12 January. Swept first on 2 March.
    with at(date(2026, 3, 2)):
        result = lifecycle.sweep()
    assert result["listed"] >= 1
    listed = Escalation.objects.get(kind=EscalationKind.NO_REGISSEUR, household=w.household)
    assert listed.status == EscalationStatus.LISTED and not listed.recipients.exists()
    assert not Escalation.objects.filter(status=EscalationStatus.OPEN).exists()
    told = Notification.objects.filter(user=w.coordinator, url="/tussen-wal-en-schip/#oud")
    assert told.count() == 1 and "ouder dan 30 dagen" in told.get().title
    assert not Notification.objects.exclude(user=w.coordinator).exists()  # nobody else is flooded
    with at(date(2026, 3, 3)):
        assert lifecycle.sweep()["listed"] == 0  # listed once
    assert told.count() == 1

    page = as_user(w.coordinator).get("/tussen-wal-en-schip/").content.decode()
    assert f"oud-{listed.pk}" in page and "Op de escalatieladder zetten" in page and "Anna" not in page
    assert f"oud-{listed.pk}" in as_user(w.lm_a).get("/tussen-wal-en-schip/").content.decode()
    escalate = f"/tussen-wal-en-schip/{listed.pk}/escaleren/"
    assert as_user(w.lm_a).post(escalate).status_code == 403  # a line manager does not
    assert as_user(w.involved).post(escalate).status_code == 403
    elsewhere = Region.objects.create(name="Elders", code="eld")
    from verband.network.models import Organisation

    far = make_user(
        "far", Organisation.objects.create(region=elsewhere, name="Ver"), Role.NETWORK_COORDINATOR
    )
    assert as_user(far).post(escalate).status_code == 404
    assert AccessLogEntry.objects.filter(username="far", outcome="denied", object_id=str(listed.pk)).exists()
    with at(date(2026, 3, 4)):
        assert as_user(w.coordinator).post(escalate).status_code == 302
    listed.refresh_from_db()
    assert listed.status == EscalationStatus.OPEN and listed.step == Step.LINE_MANAGER  # no regisseur
    assert listed.recipients.filter(membership__user=w.lm_a).exists()


def test_a_listed_stall_that_ends_leaves_the_list(partners):
    w = partners
    with at(date(2026, 3, 2)):
        lifecycle.sweep()
    listed = Escalation.objects.get(kind=EscalationKind.NO_REGISSEUR, household=w.household)
    from verband.plans.models import Regie

    Regie.objects.create(
        household=w.household, user=w.involved, membership=member(w.involved), organisation=w.org_a,
        mandated_by=w.lm_a, mandate_status="confirmed",
    )  # fmt: skip
    with at(date(2026, 3, 3)):
        assert lifecycle.sweep()["cleared"] >= 1
    listed.refresh_from_db()
    assert listed.status == EscalationStatus.CLEARED


def test_the_horizon_is_configurable(partners, settings):
    settings.ESCALATION_HORIZON_DAYS = 120
    with at(date(2026, 3, 2)):
        result = lifecycle.sweep()
    assert result["listed"] == 0 and result["opened"] >= 1


def test_a_sweep_climbs_at_most_one_step(shelter):  # noqa: F811
    w = shelter
    e = opened(w)
    # Long after every step deadline: one step per sweep, never several at once.
    with at(date(2026, 6, 1)):
        assert lifecycle.sweep()["climbed"] == 1
    e.refresh_from_db()
    assert e.step == Step.LINE_MANAGER
