"""Feedback to professional reporters as the law requires (issue 16, item 4): at the end of the reporting
centre's safety assessment and after its handover is accepted, the reporter learns which follow-up was
chosen and by which organisation — no more; recorded, with a notification."""

from __future__ import annotations

from unittest.mock import ANY

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from verband.collaboration import services as collaboration
from verband.households.models import HouseholdEvent, Person
from verband.network.models import Organisation, Role, Team
from verband.notifications.models import Notification
from verband.safety import services as safety
from verband.sharing.models import AccessLogEntry
from verband.signals import feedback
from verband.signals.models import FeedbackMoment, FollowUp, ReporterFeedback, Signal
from verband.signals.tests.test_reporter_feedback_only import report_on_anna, taken_up, without_tokens
from verband.testing import actor_for, actor_for_token, make_user

SUMMARY = "Moeder vertelt over wurgen; vader dreigt met een mes."
DANGER = "Vuurwapen in de schuur"
SHELTER = "Blijf Opvang Geheimstad"


@pytest.fixture
def reported(world):
    """The police officer (other_org) reported on Anna's household; the network and Veilig Thuis took it
    up; Veilig Thuis recorded its safety assessment (with a danger fact and a summary)."""
    signal = report_on_anna(actor_for(world.other_org))
    taken_up(world, signal)
    anna = Person.objects.get(given_names="Anna")
    safety.record_assessment(
        actor_for(world.vt),
        world.household,
        safety.AssessmentInput(
            acute=False,
            structural=True,
            phase="direct",
            summary=SUMMARY,
            scores=[safety.ScoreInput(anna.pk, 3)],
            danger=[("weapon", DANGER)],
        ),
    )
    world.signal = signal
    world.anna = anna
    return world


def signal_page(client, signal) -> str:
    response = client.get(reverse("signals:detail", args=[signal.reference]))
    assert response.status_code == 200
    return without_tokens(response.content.decode())


def assert_no_more(body: str, world) -> None:
    for secret in (
        SUMMARY,
        "wurgen",
        DANGER,
        "Vuurwapen",
        "Bram",
        "Anna",
        "Dorpsstraat",
        SHELTER,
        "HH-T-0001",
    ):
        assert secret not in body


# --- at the end of the safety assessment -------------------------------------------------------------


def test_the_reporting_centre_records_the_follow_up_and_the_reporter_is_told(reported, as_user):
    world = reported
    made = feedback.give_after_assessment(
        actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a
    )
    assert [f.signal for f in made] == [world.signal]
    line = ReporterFeedback.objects.get()
    assert line.moment == FeedbackMoment.ASSESSMENT and line.follow_up == FollowUp.LOCAL_TEAM
    assert line.organisation == world.org_a and line.by == world.vt and line.by_organisation == world.org_vt
    assert line.source_user == world.other_org and line.source_organisation == world.org_b
    assert line.assessment is not None and line.notified
    # Recorded: on the household's timeline and in the access log with the household as subject.
    assert HouseholdEvent.objects.filter(
        household=world.household, summary__startswith="Melder teruggekoppeld: Het lokale team"
    ).exists()
    assert AccessLogEntry.objects.filter(
        object_type="signal_feedback", action="create", subject_household_id=world.household.pk
    ).exists()
    # Notified: a title with the signal's reference and no name, linking to the signal page.
    note = Notification.objects.get(user=world.other_org)
    assert world.signal.reference in note.title and "Anna" not in note.title and "Dam" not in note.title
    assert note.url == reverse("signals:detail", args=[world.signal.reference])
    # The reporter sees exactly the follow-up and the organisation.
    body = signal_page(as_user(world.other_org), world.signal)
    assert "Het lokale team (wijkteam) pakt het op" in body and "opgepakt door Wijkteams Testdorp" in body
    assert_no_more(body, world)
    entry = AccessLogEntry.objects.filter(object_id=world.signal.reference).order_by("-pk").first()
    assert entry.object_type == "signal_feedback" and entry.user_id == world.other_org.pk


def test_the_reporter_learns_nothing_about_other_reporters(reported, as_user):
    world = reported
    school = Organisation.objects.create(region=world.region, name="Basisschool De Linde", kind="school")
    teacher = make_user("juf", school, Role.PROFESSIONAL)
    second = report_on_anna(actor_for(teacher))
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.INVESTIGATION, None)
    assert set(ReporterFeedback.objects.values_list("signal_id", flat=True)) == {world.signal.pk, second.pk}
    # Veilig Thuis investigates itself: its own name, whatever was chosen.
    assert {f.organisation_id for f in ReporterFeedback.objects.all()} == {world.org_vt.pk}
    police = signal_page(as_user(world.other_org), world.signal)
    assert "Onderzoek door Veilig Thuis" in police and second.reference not in police
    assert "De Linde" not in police
    teacher_page = signal_page(as_user(teacher), second)
    assert world.signal.reference not in teacher_page and "Politie Testdorp" not in teacher_page


def test_a_colleague_in_the_reporting_organisation_sees_the_same_page(reported, as_user):
    world = reported
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    colleague = make_user("agent2", world.org_b, Role.PROFESSIONAL, world.team_b1)
    body = signal_page(as_user(colleague), world.signal)
    assert "Het lokale team (wijkteam) pakt het op" in body and "Wijkteams Testdorp" in body
    assert_no_more(body, world)
    # Only the reporter who filed it is notified.
    assert not Notification.objects.filter(user=colleague).exists()


def test_another_organisation_finds_nothing(reported, as_user):
    world = reported
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    school = Organisation.objects.create(region=world.region, name="Basisschool De Linde", kind="school")
    outsider = make_user("juf", school, Role.PROFESSIONAL)
    response = as_user(outsider).get(reverse("signals:detail", args=[world.signal.reference]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(user_id=outsider.pk, outcome="denied").exists()


def test_no_duplicate_on_a_repeat(reported):
    world = reported
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    with pytest.raises(ValidationError):
        feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.NONE, None)
    assert ReporterFeedback.objects.count() == 1
    assert Notification.objects.filter(user=world.other_org).count() == 1


def test_a_new_signal_after_the_feedback_waits_for_the_next(reported):
    world = reported
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    second = report_on_anna(actor_for(world.other_org))
    assert feedback.awaiting(world.household, FeedbackMoment.ASSESSMENT) == [second]


def test_only_the_reporting_centre_gives_it(reported):
    world = reported
    with pytest.raises(PermissionDenied):
        feedback.give_after_assessment(actor_for(world.involved), world.household, FollowUp.NONE, None)
    assert not ReporterFeedback.objects.exists()


def test_a_shelter_is_never_named(reported):
    world = reported
    shelter = Organisation.objects.create(region=world.region, name=SHELTER, kind="shelter")
    with pytest.raises(ValidationError) as refused:
        feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.VOLUNTARY_HELP, shelter)
    assert "opvang" in " ".join(refused.value.messages).lower()
    assert shelter not in feedback.organisations(actor_for(world.vt))


def test_without_a_safety_assessment_there_is_nothing_to_tell(world):
    signal = report_on_anna(actor_for(world.other_org))
    taken_up(world, signal)
    with pytest.raises(ValidationError):
        feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.NONE, None)
    assert feedback.due_after_assessment(actor_for(world.vt), world.household) == []


def test_citizen_and_api_signals_get_no_notification_and_nothing_breaks(reported):
    world = reported
    by_system = report_on_anna(actor_for_token(world.token_b))
    assert by_system.source_user is None
    citizen = report_on_anna(actor_for(world.other_org))
    Signal.objects.filter(pk=citizen.pk).update(source_organisation=None, source_user=None)
    made = feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.NONE, None)
    # The organisation's system gets the record (its API and signal page read it); the citizen nothing.
    assert {f.signal_id for f in made} == {world.signal.pk, by_system.pk}
    assert not ReporterFeedback.objects.get(signal=by_system).notified
    assert Notification.objects.filter(title__contains=by_system.reference).count() == 0
    assert not ReporterFeedback.objects.filter(signal=citizen).exists()


def test_a_reporter_who_left_is_not_notified_but_it_is_recorded(reported):
    world = reported
    world.other_org.memberships.update(active=False)
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    assert not ReporterFeedback.objects.get().notified
    assert not Notification.objects.filter(user=world.other_org).exists()


def test_the_reporting_centres_own_signal_gets_no_feedback(world):
    own = report_on_anna(actor_for(world.vt))
    assert own.household == world.household
    assert feedback.awaiting(world.household, FeedbackMoment.ASSESSMENT) == []


# --- the step after the assessment, through the pages ---------------------------------------------------


def test_after_its_assessment_the_reporting_centre_is_asked_for_the_follow_up(world, as_user):
    signal = report_on_anna(actor_for(world.other_org))
    taken_up(world, signal)
    client = as_user(world.vt)
    url = reverse("safety:page", args=[world.household.reference])
    response = client.post(url, {"acute": "no", "structural": "yes", "phase": "direct", "summary": SUMMARY})
    step = reverse("signals:feedback", args=[world.household.reference])
    assert response.status_code == 302 and response.url == step
    page = client.get(step)
    assert page.status_code == 200 and signal.reference in page.content.decode()
    assert "1 professionele melder wacht" in client.get(url).content.decode()
    # Bad input: a clear Dutch error, the choice kept, nothing stored.
    bad = client.post(step, {"follow_up": "local_team", "organisation": ""})
    assert bad.status_code == 400 and "Kies het lokale team" in bad.content.decode()
    assert 'value="local_team" checked' in bad.content.decode()
    assert not ReporterFeedback.objects.exists()
    done = client.post(step, {"follow_up": "local_team", "organisation": str(world.org_a.pk)})
    assert done.status_code == 302 and ReporterFeedback.objects.count() == 1
    assert "wacht" not in client.get(url).content.decode().split("<h1")[1].split("</div>")[0]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("involved", 404), ("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302)],
)
def test_the_feedback_step_per_persona(reported, as_user, persona, status):
    world = reported
    step = reverse("signals:feedback", args=[world.household.reference])
    client = as_user(world.personas()[persona])
    assert client.get(step).status_code == status
    assert client.post(step, {"follow_up": "none"}).status_code == status
    assert not ReporterFeedback.objects.exists()


# --- after a handover by the reporting centre ---------------------------------------------------------


def hand_over(world, team: Team, receiver, **extra):
    handover = collaboration.request_handover(
        actor_for(world.vt),
        world.household,
        kind="referral",
        to_team_id=team.pk,
        question="Graag hulp voor het gezin.",
        **extra,
    )
    return collaboration.accept_handover(actor_for(receiver), handover)


def test_an_accepted_handover_tells_the_reporter_by_whom(reported, as_user):
    world = reported
    handover = hand_over(world, world.team_a2, world.colleague)
    line = ReporterFeedback.objects.get(moment=FeedbackMoment.HANDOVER)
    assert line.signal == world.signal and line.follow_up == FollowUp.LOCAL_TEAM
    assert line.organisation == world.org_a and line.handover_id == handover.pk
    assert line.by == world.vt and line.by_organisation == world.org_vt and line.notified
    assert Notification.objects.filter(user=world.other_org, title__contains=world.signal.reference).exists()
    body = signal_page(as_user(world.other_org), world.signal)
    assert "na een overdracht" in body and "opgepakt door Wijkteams Testdorp" in body
    assert_no_more(body, world)
    # A second handover is no second feedback for the same signal and moment.
    probation = Organisation.objects.create(region=world.region, name="Reclassering", kind="probation")
    team = Team.objects.create(organisation=probation, name="Reclassering Team")
    worker = make_user("reclassering", probation, Role.PROFESSIONAL, team)
    hand_over(world, team, worker)
    assert ReporterFeedback.objects.filter(moment=FeedbackMoment.HANDOVER).count() == 1


def test_a_handover_by_someone_else_tells_nobody(reported):
    world = reported
    handover = collaboration.request_handover(
        actor_for(world.involved), world.household, kind="referral", to_team_id=world.team_b1.pk,
        question="Graag een huisbezoek.",
    )  # fmt: skip
    collaboration.accept_handover(actor_for(world.other_org), handover)
    assert not ReporterFeedback.objects.exists()


def test_a_handover_to_a_shelter_names_no_shelter(reported, as_user):
    world = reported
    shelter = Organisation.objects.create(region=world.region, name=SHELTER, kind="shelter")
    team = Team.objects.create(organisation=shelter, name="Opvang Geheimstad")
    worker = make_user("opvang", shelter, Role.PROFESSIONAL, team)
    hand_over(world, team, worker, person_id=world.anna.pk)
    line = ReporterFeedback.objects.get(moment=FeedbackMoment.HANDOVER)
    assert line.follow_up == FollowUp.VOLUNTARY_HELP and line.organisation is None
    assert SHELTER not in HouseholdEvent.objects.filter(summary__startswith="Melder").get().summary
    body = signal_page(as_user(world.other_org), world.signal)
    assert "Vrijwillige hulp via het netwerk" in body
    assert "Geheimstad" not in body and "opvang" not in body.lower()


@pytest.mark.parametrize(
    ("kind", "handover_kind", "expected"),
    [
        ("neighbourhood_team", "referral", FollowUp.LOCAL_TEAM),
        ("police", "referral", FollowUp.POLICE_JUSTICE),
        ("dv_centre", "scale_up", FollowUp.SCALED_UP),
        ("safety_house", "referral", FollowUp.SCALED_UP),
        ("youth_care", "referral", FollowUp.VOLUNTARY_HELP),
        ("shelter", "referral", FollowUp.VOLUNTARY_HELP),
    ],
)
def test_follow_up_after_a_handover(kind, handover_kind, expected):
    assert feedback.follow_up_after_handover(kind, handover_kind) == expected


def test_the_reporting_organisations_system_reads_the_feedback(reported, client):
    world = reported
    by_system = report_on_anna(actor_for_token(world.token_b))
    feedback.give_after_assessment(actor_for(world.vt), world.household, FollowUp.LOCAL_TEAM, world.org_a)
    from verband.accounts.models import ApiScope, ApiToken

    token = ApiToken(organisation=world.org_b, name="Meldsysteem", scopes=[ApiScope.SIGNALS_WRITE])
    raw = token.set_token()
    token.save()
    response = client.get(f"/api/v1/signals/{by_system.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["feedback"] == [
        {"moment": "assessment", "follow_up": "local_team", "organisation": "Wijkteams Testdorp", "on": ANY}
    ]
    assert "Anna" not in response.content.decode() and SUMMARY not in response.content.decode()
