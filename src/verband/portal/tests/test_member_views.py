"""What each member sees at the household's door, and — as important — what they do not: a victim (Anna,
at a shelter with a confidential address), a perpetrator (Dirk) and a 14-year-old (Bram) in one household,
with a shelter involved and owning an action, and probation working with Dirk only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration.models import AgendaItem, CaseMeeting
from verband.escalation.detectors import describe, detect
from verband.escalation.models import EscalationKind
from verband.households.models import Address, HouseholdMember, Person
from verband.network.models import Organisation, Role, ShelterAddress, Team
from verband.notifications.models import Notification
from verband.plans.models import FamilyPlan, Goal, PlanAction, PlanVersion, Regie, SafetyAgreement
from verband.portal.member_services import mail_member
from verband.portal.models import (
    MeetingInvitation,
    MemberFeedback,
    MemberMessage,
    MemberWords,
    VersionResponse,
)
from verband.rights.models import HowReceived, RightsRequest
from verband.sharing import services as sharing_services
from verband.sharing.models import AccessLogEntry
from verband.shielding.members import scope_involvement
from verband.testing import make_member, make_user, sign_in_member

pytestmark = pytest.mark.django_db

SECRET_STREET = "Geheimelaan"
SECRET_POSTCODE = "1099ZZ"


@pytest.fixture
def home(world):
    """Anna (victim, at a shelter), Dirk (perpetrator), Bram (14); a shelter and probation involved; a plan
    with parts for each; the regisseur at the neighbourhood team; each member signed up at the door."""
    w = world
    w.anna = Person.objects.get(given_names="Anna")
    w.bram = Person.objects.get(given_names="Bram")
    w.bram.birth_year = timezone.localdate().year - 14
    w.bram.save()
    w.dirk = Person.objects.create(given_names="Dirk", family_name="Vos", birth_year=1988)
    Address.objects.create(person=w.dirk, street="Kerkstraat", house_number="4", postcode="1050AA")
    HouseholdMember.objects.create(household=w.household, person=w.dirk, role="perpetrator")
    Address.objects.create(
        person=w.anna, street=SECRET_STREET, house_number="7", postcode=SECRET_POSTCODE, city="Schuilstad",
        confidential=True,
    )  # fmt: skip
    w.shelter = Organisation.objects.create(
        region=w.region, name="Blijf Opvang", kind="shelter", phone="0201111111"
    )
    ShelterAddress.objects.create(region=w.region, organisation=w.shelter, postcode=SECRET_POSTCODE)
    shelter_team = Team.objects.create(organisation=w.shelter, name="Opvang Centrum")
    sharing_services.involve(
        SYSTEM,
        w.household,
        team=shelter_team,
        purpose="help",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )
    probation = Organisation.objects.create(region=w.region, name="Reclassering Testdorp", kind="probation")
    probation_team = Team.objects.create(
        organisation=probation, name="Reclassering Team Zuid", phone="0302222222"
    )
    involvement = sharing_services.involve(
        SYSTEM, w.household, team=probation_team, purpose="criminal_justice", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    scope_involvement(involvement, [w.dirk.pk])
    w.probation = make_user("reclassering", probation, Role.PROFESSIONAL, probation_team)
    w.team_a1.phone = "0103333333"
    w.team_a1.save()
    membership = w.involved.memberships.get()
    Regie.objects.create(
        household=w.household, user=w.involved, membership=membership, organisation=w.org_a,
        mandated_by=w.involved,
    )  # fmt: skip
    plan = FamilyPlan.objects.get(household=w.household)
    Goal.objects.create(plan=plan, text="Rust in huis voor iedereen")
    Goal.objects.create(plan=plan, person=w.anna, text="Anna vindt een eigen woning")
    Goal.objects.create(plan=plan, person=w.bram, text="Bram gaat elke dag naar school")
    SafetyAgreement.objects.create(
        plan=plan, person=w.anna, text="Anna belt 112 bij dreiging", monitored_by=w.org_a
    )
    SafetyAgreement.objects.create(
        plan=plan, person=w.dirk, text="Dirk houdt afstand", monitored_by=probation
    )
    PlanAction.objects.create(
        plan=plan, person=w.anna, text="Plek regelen in de opvang", owner_organisation=w.shelter,
        due_on=date(2026, 12, 20),
    )  # fmt: skip
    PlanAction.objects.create(
        plan=plan, text="Gezinsgesprek plannen", owner_organisation=w.org_a, due_on=date(2026, 12, 21)
    )
    w.version = PlanVersion.objects.create(plan=plan, number=1, saved_by_name="Regisseur", snapshot={})
    w.anna_access = make_member(w.household, w.anna)
    w.dirk_access = make_member(w.household, w.dirk)
    w.bram_access = make_member(w.household, w.bram)
    return w


def member(access) -> Client:
    return sign_in_member(Client(), access)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


WHEREABOUTS = (
    SECRET_STREET,
    SECRET_POSTCODE,
    "1099",
    "Schuilstad",
    "Blijf Opvang",
    "Opvang Centrum",
    "0201111111",
)


def test_each_member_sees_their_own_part_of_the_plan(home):
    anna = page(member(home.anna_access), "/thuis/")
    assert "Rust in huis voor iedereen" in anna and "Anna vindt een eigen woning" in anna
    assert "Anna belt 112 bij dreiging" in anna and "Plek regelen in de opvang" in anna
    assert "Dirk houdt afstand" not in anna and "Bram gaat elke dag" not in anna
    assert "Blijf Opvang" not in anna  # a shelter is named in no member's copy, hers neither
    assert "0103333333" in anna  # how to reach the regisseur
    dirk = page(member(home.dirk_access), "/thuis/")
    assert "Rust in huis voor iedereen" in dirk and "Dirk houdt afstand" in dirk
    for hidden in ("Anna vindt", "Anna belt 112", "Plek regelen", "Bram gaat", *WHEREABOUTS):
        assert hidden not in dirk, hidden
    bram = page(member(home.bram_access), "/thuis/")
    assert "Bram gaat elke dag naar school" in bram
    for hidden in ("Anna vindt", "Anna belt 112", "Dirk houdt afstand", "Plek regelen", *WHEREABOUTS):
        assert hidden not in bram, hidden


def test_page_titles_name_no_one(home):
    for access in (home.anna_access, home.dirk_access, home.bram_access):
        client = member(access)
        for url in ("/thuis/", "/thuis/wie-helpen/", "/thuis/afspraken/", "/thuis/vragen/", "/thuis/feedback/",
                    "/thuis/mijn-gegevens/"):  # fmt: skip
            body = page(client, url)
            title = body.split("<title>")[1].split("</title>")[0]
            for name in ("Anna", "Dirk", "Bram", "Dam", "Vos", home.household.reference):
                assert name not in title, (url, title)


def test_who_helps_names_no_shelter_and_no_party_of_another_member(home):
    anna = page(member(home.anna_access), "/thuis/wie-helpen/")
    assert "Wijkteam Noord" in anna and "0103333333" in anna
    assert "Reclassering" not in anna and "Blijf Opvang" not in anna and "Opvang Centrum" not in anna
    dirk = page(member(home.dirk_access), "/thuis/wie-helpen/")
    assert "Reclassering Team Zuid" in dirk and "0302222222" in dirk
    for hidden in WHEREABOUTS:
        assert hidden not in dirk, hidden
    bram = page(member(home.bram_access), "/thuis/wie-helpen/")
    assert "Reclassering" not in bram and "Blijf Opvang" not in bram


def test_every_page_view_is_logged_on_the_household_channel(home):
    client = member(home.dirk_access)
    before = AccessLogEntry.objects.count()
    page(client, "/thuis/wie-helpen/")
    entry = AccessLogEntry.objects.latest("pk")
    assert AccessLogEntry.objects.count() > before
    assert (entry.channel, entry.action, entry.object_type) == ("household", "view", "portal_page")
    subjects = set(entry.subjects.values_list("household_id", "person_id"))
    assert (home.household.pk, home.dirk.pk) in subjects
    assert {pid for _h, pid in subjects} <= {None, home.dirk.pk}


def test_anonymous_is_sent_to_sign_in_and_a_professional_finds_nothing(home, as_user):
    assert Client().get("/thuis/").status_code == 302
    assert as_user(home.involved).get("/thuis/").status_code == 404
    assert as_user(home.involved).get("/thuis/vragen/").status_code == 404


def test_a_member_cut_off_finds_nothing(home):
    client = member(home.dirk_access)
    home.dirk_access.cut_off_at = timezone.now()
    home.dirk_access.save()
    response = client.get("/thuis/")
    assert response.status_code in (302, 404)
    assert "Dirk houdt afstand" not in response.content.decode()


def test_words_reach_the_regisseur_not_the_perpetrator_nor_his_partner(home, as_user):
    response = member(home.anna_access).post("/thuis/woorden/", {"text": "Ik wil veilig wonen met Bram"})
    assert response.status_code == 302
    assert MemberWords.objects.get().person == home.anna
    plan = f"/huishoudens/{home.household.reference}/plan/"
    assert "Ik wil veilig wonen met Bram" in page(as_user(home.involved), plan)
    assert "Ik wil veilig wonen met Bram" not in page(as_user(home.probation), plan)
    assert "Ik wil veilig wonen" not in page(member(home.dirk_access), "/thuis/")
    assert "Ik wil veilig wonen" not in page(member(home.bram_access), "/thuis/")
    assert "Ik wil veilig wonen" in page(member(home.anna_access), "/thuis/")
    # Empty words are refused with a message, nothing stored.
    member(home.anna_access).post("/thuis/woorden/", {"text": "  "})
    assert MemberWords.objects.count() == 1


def test_disagreeing_with_a_version_is_kept_with_it_and_tells_the_regisseur(home, as_user):
    client = member(home.anna_access)
    response = client.post(
        f"/thuis/plan/versie/{home.version.pk}/", {"agreement": "disagrees", "note": "Niet zonder mij"}
    )
    assert response.status_code == 302
    assert VersionResponse.objects.get().version == home.version
    notification = Notification.objects.get(user=home.involved)
    assert "Anna" not in notification.title and "Dam" not in notification.title
    versions = f"/huishoudens/{home.household.reference}/plan/versies/"
    assert "Niet zonder mij" in page(as_user(home.involved), versions)
    assert "Niet zonder mij" not in page(as_user(home.probation), versions)
    # Agreeing does not notify; a choice outside the list is refused.
    member(home.dirk_access).post(f"/thuis/plan/versie/{home.version.pk}/", {"agreement": "agrees"})
    member(home.dirk_access).post(f"/thuis/plan/versie/{home.version.pk}/", {"agreement": "not_asked"})
    assert Notification.objects.filter(user=home.involved).count() == 1
    assert VersionResponse.objects.count() == 2


def test_a_version_of_another_household_is_not_found(home):
    other_plan = FamilyPlan.objects.get(household=home.other_household)
    other = PlanVersion.objects.create(plan=other_plan, number=1, snapshot={})
    response = member(home.anna_access).post(f"/thuis/plan/versie/{other.pk}/", {"agreement": "agrees"})
    assert response.status_code == 404
    assert not VersionResponse.objects.exists()
    assert AccessLogEntry.objects.filter(outcome="denied", object_type="member_response").exists()


def test_a_question_is_answered_by_the_regisseur_and_seen_by_her_only(home, as_user):
    home.anna_access.user.email = "anna@example.org"
    home.anna_access.user.save()
    anna = member(home.anna_access)
    assert anna.post("/thuis/vragen/", {"text": "Wanneer is het volgende gesprek?"}).status_code == 302
    question = MemberMessage.objects.get()
    assert Notification.objects.filter(user=home.involved).exists()
    # Others do not see it: not Dirk, not Bram, not probation.
    assert "volgende gesprek" not in page(member(home.dirk_access), "/thuis/vragen/")
    assert "volgende gesprek" not in page(member(home.bram_access), "/thuis/vragen/")
    voice = f"/huishoudens/{home.household.reference}/stem/"
    assert "volgende gesprek" not in page(as_user(home.probation), voice)
    assert "volgende gesprek" in page(as_user(home.involved), "/vragen-van-huishoudens/")
    # Dirk trying her message's id: not found, logged.
    assert member(home.dirk_access).get(f"/thuis/vragen/{question.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(outcome="denied", object_type="member_message").exists()
    # Probation cannot answer her (it does not see her).
    assert as_user(home.probation).post(voice, {"person": home.anna.pk, "text": "Hallo"}).status_code == 404
    # The regisseur answers.
    response = as_user(home.involved).post(voice, {"person": home.anna.pk, "text": "Dinsdag om tien uur."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_at is not None
    assert "Dinsdag om tien uur." in page(anna, f"/thuis/vragen/{question.pk + 1}/")
    # The neutral e-mail: no name, no content.
    mail_member.call(home.anna_access.user.pk)
    (sent,) = mail.outbox
    for secret in ("Anna", "Dam", "Dinsdag", "volgende gesprek", home.household.reference):
        assert secret not in f"{sent.subject} {sent.body}"
    mail.outbox.clear()
    assert mail_member.call(home.dirk_access.user.pk) == 0  # no e-mail address: no e-mail


def test_a_colleague_who_is_not_the_regisseur_does_not_answer(home, as_user):
    member(home.anna_access).post("/thuis/vragen/", {"text": "Een vraag voor mijn regisseur"})
    voice = f"/huishoudens/{home.household.reference}/stem/"
    home.team_a2  # noqa: B018 - the colleague works in another team of the same organisation
    sharing_services.involve(
        SYSTEM, home.household, team=home.team_a2, purpose="help", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    response = as_user(home.colleague).post(voice, {"person": home.anna.pk, "text": "Antwoord"})
    assert response.status_code == 400
    assert MemberMessage.objects.count() == 1


def test_an_unanswered_question_past_the_norm_escalates_without_a_name(home, settings):
    settings.MEMBER_QUESTION_ANSWER_DAYS = 3
    with time_machine.travel(
        datetime(2026, 12, 1, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        member(home.anna_access).post("/thuis/vragen/", {"text": "Waarom hoor ik niets?"})
        assert not [s for s in detect() if s.kind == EscalationKind.MEMBER_QUESTION]
    with time_machine.travel(
        datetime(2026, 12, 9, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        stalls = [s for s in detect() if s.kind == EscalationKind.MEMBER_QUESTION]
        assert len(stalls) == 1
        describe(stalls)
        assert home.household.reference in stalls[0].summary
        assert "Anna" not in stalls[0].summary and "Waarom" not in stalls[0].summary
        assert stalls[0].owners == [home.involved.memberships.get().pk]
        MemberMessage.objects.update(answered_at=timezone.now())
        assert not [s for s in detect() if s.kind == EscalationKind.MEMBER_QUESTION]


def test_feedback_shows_to_who_sees_that_member(home, as_user):
    response = member(home.bram_access).post(
        "/thuis/feedback/", {"score": "4", "text": "Fijn dat er iemand luistert"}
    )
    assert response.status_code == 302
    assert MemberFeedback.objects.get().score == 4
    household = f"/huishoudens/{home.household.reference}/"
    assert "Fijn dat er iemand luistert" in page(as_user(home.involved), household)
    assert "Fijn dat er iemand luistert" not in page(as_user(home.probation), household)
    assert "Fijn dat er iemand" not in page(member(home.dirk_access), "/thuis/feedback/")
    assert member(home.bram_access).post("/thuis/feedback/", {"score": "9"}).status_code == 400
    assert MemberFeedback.objects.count() == 1


def test_a_member_asks_for_their_own_data_and_sees_only_their_own_requests(home):
    dirk = member(home.dirk_access)
    response = dirk.post(
        "/thuis/mijn-gegevens/", {"kind": "access", "asked": "Ik wil weten wat er over mij staat."}
    )
    assert response.status_code == 302
    request = RightsRequest.objects.get()
    assert (request.person, request.how_received, request.organisation) == (
        home.dirk,
        HowReceived.DOOR,
        home.org_a,
    )
    assert page(dirk, f"/thuis/mijn-gegevens/{request.pk}/")
    assert member(home.anna_access).get(f"/thuis/mijn-gegevens/{request.pk}/").status_code == 404
    assert "Ik wil weten wat" not in page(member(home.anna_access), "/thuis/mijn-gegevens/")
    # Erasure is not asked here; a request about someone else cannot be made (the person is never sent).
    assert (
        dirk.post("/thuis/mijn-gegevens/", {"kind": "erasure", "asked": "Alles weg graag nu."}).status_code
        == 400
    )
    assert RightsRequest.objects.count() == 1


def test_a_member_sees_meetings_they_are_invited_to_and_no_shelter_place(home, as_user):
    chair = home.involved
    when = timezone.now() + timedelta(days=7)
    at_shelter = CaseMeeting.objects.create(
        region=home.region, scheduled_at=when, location=f"{SECRET_STREET} 7, {SECRET_POSTCODE[:4]} ZZ",
        chair=chair, chair_membership=chair.memberships.get(),
    )  # fmt: skip
    town_hall = CaseMeeting.objects.create(
        region=home.region, scheduled_at=when + timedelta(days=1), location="Gemeentehuis, zaal 2",
        chair=chair, chair_membership=chair.memberships.get(),
    )  # fmt: skip
    for meeting in (at_shelter, town_hall):
        item = AgendaItem.objects.create(meeting=meeting, household=home.household)
        response = as_user(chair).post(
            f"/overleggen/{meeting.pk}/gezinslid-uitnodigen/", {"item": item.pk, "person": home.dirk.pk}
        )
        assert response.status_code == 302
    assert MeetingInvitation.objects.count() == 2
    dirk = page(member(home.dirk_access), "/thuis/afspraken/")
    assert "Gemeentehuis, zaal 2" in dirk
    for hidden in WHEREABOUTS:
        assert hidden not in dirk, hidden
    assert "Gemeentehuis" not in page(member(home.anna_access), "/thuis/afspraken/")  # not invited
    # Only the chair invites.
    item = AgendaItem.objects.get(meeting=town_hall)
    refused = as_user(home.probation).post(
        f"/overleggen/{town_hall.pk}/gezinslid-uitnodigen/", {"item": item.pk, "person": home.dirk.pk}
    )
    assert refused.status_code == 404


def test_a_childs_door_keeps_off_what_is_kept_from_the_father_unless_lifted_for_the_child(home):
    """Bram's phone is within Dirk's reach (a weekend of contact): an escape agreement for the whole
    household, kept from Dirk by default, is not on Bram's door either — until a professional lifts the
    shield for Bram in particular, with a reason."""
    from verband.shielding.models import ItemType, ShieldDecision

    plan = FamilyPlan.objects.get(household=home.household)
    escape = SafetyAgreement.objects.create(
        plan=plan, text="Bij ruzie gaat Anna met de kinderen naar haar zus", monitored_by=home.org_a
    )
    anna = page(member(home.anna_access), "/thuis/")
    assert escape.text in anna  # hers to know
    for access in (home.dirk_access, home.bram_access):
        assert escape.text not in page(member(access), "/thuis/")
    assert "Rust in huis voor iedereen" in page(member(home.bram_access), "/thuis/")  # not shielded: shown
    ShieldDecision.objects.create(
        household=home.household, item_type=ItemType.AGREEMENT, item_id=escape.pk, person=home.bram,
        shielded=False, reason="Bram moet weten waar hij heen kan",
    )  # fmt: skip
    assert escape.text in page(member(home.bram_access), "/thuis/")
    assert escape.text not in page(member(home.dirk_access), "/thuis/")
