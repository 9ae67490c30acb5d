"""The household's door, tried by the person the victim fears: the father (Dirk) with his own account, on
her phone, with her letter; a professional working with him only; and an outsider. Each test is one
attempt and what it must not give him."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from verband.collaboration.models import CaseMeeting
from verband.factories import PASSWORD
from verband.network.models import Team
from verband.portal.models import MeetingInvitation, MemberMessage
from verband.portal.services import cut_off
from verband.portal.tests.helpers import QUICK_EXIT
from verband.portal.tests.test_member_views import WHEREABOUTS, home, member, page  # noqa: F401
from verband.rights.models import HowReceived, RightsRequest
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

pytestmark = pytest.mark.django_db


def _denied(object_type: str, object_id: int) -> bool:
    return AccessLogEntry.objects.filter(
        channel="household", outcome="denied", object_type=object_type, object_id=str(object_id)
    ).exists()


def test_he_cannot_open_her_messages_or_requests_by_their_number(home):  # noqa: F811
    hers = MemberMessage.objects.create(
        household=home.household, person=home.anna, from_member=True, text="Waar kan ik veilig slapen?"
    )
    request = RightsRequest.objects.create(
        household=home.household, person=home.anna, organisation=home.org_a, kind="access",
        asked="Wat weet u over mijn adres?", received_on=timezone.localdate(), due_on=timezone.localdate() + timedelta(days=30),
        how_received=HowReceived.DOOR,
    )  # fmt: skip
    dirk = member(home.dirk_access)
    for url, object_type, pk in (
        (f"/thuis/vragen/{hers.pk}/", "member_message", hers.pk),
        (f"/thuis/mijn-gegevens/{request.pk}/", "rights_request", request.pk),
    ):
        response = dirk.get(url)
        assert response.status_code == 404, url
        assert "veilig slapen" not in response.content.decode() and "adres" not in response.content.decode()
        assert _denied(object_type, pk), url
    # His own lists hold none of hers.
    assert "veilig slapen" not in page(dirk, "/thuis/vragen/")
    assert "Wat weet u" not in page(dirk, "/thuis/mijn-gegevens/")


def test_a_meeting_at_the_shelter_named_by_its_team_is_not_placed(home):  # noqa: F811
    """The chair wrote the shelter's team as the place ("Opvang Centrum"): the father reads no place."""
    chair = home.involved
    team = Team.objects.get(name="Opvang Centrum")
    meeting = CaseMeeting.objects.create(
        region=home.region, scheduled_at=timezone.now() + timedelta(days=3), location=f"Bij {team.name}",
        chair=chair, chair_membership=chair.memberships.get(),
    )  # fmt: skip
    MeetingInvitation.objects.create(meeting=meeting, household=home.household, person=home.dirk)
    body = page(member(home.dirk_access), "/thuis/afspraken/")
    for hidden in WHEREABOUTS:
        assert hidden not in body, hidden


def test_the_quick_exit_ends_her_session_at_once(home):  # noqa: F811
    anna = member(home.anna_access)
    assert anna.get("/thuis/").status_code == 200
    assert anna.post(QUICK_EXIT).status_code == 204
    response = anna.get("/thuis/vragen/")
    assert response.status_code == 302 and "/thuis/aanmelden/" in response["Location"]


def test_cut_off_ends_his_session_on_the_next_request(home):  # noqa: F811
    dirk = member(home.dirk_access)
    assert dirk.get("/thuis/").status_code == 200
    cut_off(actor_for(home.involved), home.dirk_access, "Dreigt via de app")
    response = dirk.get("/thuis/")
    assert response.status_code == 302 and response["Location"] == "/thuis/aanmelden/"
    # Signing in again with his password gets the answer of a wrong password.
    again = Client().post(
        "/thuis/aanmelden/", {"username": home.dirk_access.user.username, "password": PASSWORD}
    )
    assert again.status_code == 200 and "_auth_user_id" not in again.client.session


@pytest.mark.parametrize("url", ["/thuis/", "/thuis/vragen/", "/thuis/aanmelden/", "/melden/"])
def test_no_page_of_the_doors_is_kept_by_the_browser(home, url):  # noqa: F811
    client = member(home.anna_access) if url in ("/thuis/", "/thuis/vragen/") else Client()
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]


def test_his_own_invitation_does_not_let_him_try_usernames_without_end(door, client, settings):
    """With his own invitation, the account step answers "taken" for a username in use: he could try her
    name over and over to learn whether she has an account at the door. Each "taken" counts towards the
    lockout of the invitation step (per address), as a wrong code does."""
    from verband.portal.tests.helpers import ACCOUNT, REDEEM, account_step, invited
    from verband.testing import make_member

    settings.AXES_FAILURE_LIMIT = 3
    make_member(door.household, door.anna, username="anna.vandam")
    _access, code = invited(door, door.dirk)
    assert client.post(REDEEM, {"code": code})["Location"] == ACCOUNT
    for _n in range(3):
        response = account_step(client, username="anna.vandam")
        assert (
            response.status_code == 200
            and "Deze gebruikersnaam is al in gebruik" in response.content.decode()
        )
    response = account_step(client, username="anna.vandam")
    assert response.status_code == 429
    assert "gebruikersnaam" not in response.content.decode()
    assert account_step(client, username="nog-een-naam").status_code == 429  # no answer until it ends


def test_probation_cannot_count_the_doors_of_the_household_by_trying_numbers(door, as_user):
    """Probation works with Dirk only and may not stop or invite: whether the number it tries is an access
    (or a member) of this household or not, the answer is the same — else the difference would tell it that
    another member has a door of her own."""
    from verband.portal.tests.helpers import cut_off_url, invite_url
    from verband.testing import make_member

    hers = make_member(door.household, door.anna)
    probation = as_user(door.probation)
    real = probation.post(cut_off_url(door), {"access": hers.pk, "reason": "zomaar"})
    made_up = probation.post(cut_off_url(door), {"access": hers.pk + 1000, "reason": "zomaar"})
    assert real.status_code == made_up.status_code
    other = door.other_household.members.get().person
    member = probation.post(invite_url(door), {"person": door.anna.pk})
    stranger = probation.post(invite_url(door), {"person": other.pk})
    assert member.status_code == stranger.status_code
    hers.refresh_from_db()
    assert hers.is_open


def test_probation_reads_nothing_of_her_invitation_on_the_household_pages(door, as_user):
    """The regisseur invites Anna and later stops it: probation (working with Dirk only) sees no line
    about it on the household page nor on the timeline, and no door panel."""
    from verband.portal.services import invite

    access, _code = invite(actor_for(door.involved), door.household, door.anna)
    cut_off(actor_for(door.involved), access, "Verkeerd adres")
    probation = as_user(door.probation)
    for url in (
        f"/huishoudens/{door.household.reference}/",
        f"/huishoudens/{door.household.reference}/tijdlijn/",
    ):
        response = probation.get(url)
        if response.status_code == 404:
            continue  # no such page for this partner
        body = response.content.decode()
        assert response.status_code == 200, url
        assert "uitgenodigd voor Thuis" not in body and "Een toegang tot Thuis" not in body, url
    # The regisseur's own page shows it (the test reads the right page).
    own = as_user(door.involved).get(f"/huishoudens/{door.household.reference}/").content.decode()
    assert "uitgenodigd voor Thuis" in own or "Een toegang tot Thuis" in own


def test_his_request_about_his_data_never_goes_to_the_shelter(home):  # noqa: F811
    """Without a regisseur, Dirk's request under the AVG goes to an organisation involved with him — never
    to the shelter: its privacy officer would answer him in its own name, and its name is where she is."""
    from verband.plans.models import Regie
    from verband.sharing.models import Involvement

    Regie.objects.filter(household=home.household).delete()
    Involvement.objects.filter(household=home.household, team=home.team_a1).delete()
    dirk = member(home.dirk_access)
    response = dirk.post("/thuis/mijn-gegevens/", {"kind": "access", "asked": "Wat staat er over mij?"})
    assert response.status_code == 302
    request = RightsRequest.objects.get()
    assert request.organisation.kind != "shelter"
    assert request.organisation.name == "Reclassering Testdorp"


def test_a_party_that_works_only_with_her_is_not_named_to_him(home):  # noqa: F811
    """Victim support works with Anna only. Dirk's door names it nowhere: not among who helps, and not as
    the owner of a part of the plan for the whole family."""
    from datetime import date

    from verband.actors import SYSTEM
    from verband.network.models import Organisation
    from verband.plans.models import FamilyPlan, PlanAction
    from verband.sharing import services as sharing_services
    from verband.shielding.members import scope_involvement

    support = Organisation.objects.create(region=home.region, name="Slachtofferhulp Testdorp", kind="other")
    team = Team.objects.create(organisation=support, name="Steunpunt Anna", phone="0204444444")
    involvement = sharing_services.involve(
        SYSTEM, home.household, team=team, purpose="help", legal_basis="consent", started_on=date(2026, 1, 5)
    )
    scope_involvement(involvement, [home.anna.pk])
    plan = FamilyPlan.objects.get(household=home.household)
    PlanAction.objects.create(
        plan=plan, text="Omgangsregeling voorbereiden", owner_organisation=support, due_on=date(2026, 12, 22)
    )
    dirk = member(home.dirk_access)
    for url in ("/thuis/", "/thuis/wie-helpen/"):
        body = page(dirk, url)
        assert "Slachtofferhulp" not in body and "Steunpunt" not in body and "0204444444" not in body, url
    assert "Omgangsregeling voorbereiden" in page(dirk, "/thuis/")  # the action itself is his to read
    anna = member(home.anna_access)
    assert "Slachtofferhulp" in page(anna, "/thuis/wie-helpen/")  # she does see who helps her


def test_cut_off_between_password_and_code_lets_no_code_in(door, client):
    """He gave the password, then the regisseur stopped his access: the one-time code he still has opens
    nothing."""
    from verband.accounts.tests.helpers import code_for, device_of
    from verband.portal.tests.helpers import LOGIN, VERIFY
    from verband.testing import make_member

    his = make_member(door.household, door.dirk, username="vader")
    assert client.post(LOGIN, {"username": "vader", "password": PASSWORD})["Location"] == VERIFY
    cut_off(actor_for(door.involved), his, "Dreigt via de app")
    response = client.post(VERIFY, {"token": code_for(device_of(his.user))})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get("/thuis/").status_code == 302


def test_her_authenticator_app_and_mailbox_show_a_neutral_name(world, settings):
    """What her phone shows beside the code, and who her e-mails come from, name no network against
    violence: the door's own neutral issuer and sender."""
    from django.core import mail
    from django_otp.plugins.otp_email.models import EmailDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from verband.factories import HouseholdMemberFactory
    from verband.portal.member_services import mail_member
    from verband.testing import make_member

    member = HouseholdMemberFactory.create(household=world.household)
    access = make_member(world.household, member.person)
    device = TOTPDevice.objects.filter(user=access.user).first()
    assert device is not None
    assert "issuer=Thuis" in device.config_url and "Verband" not in device.config_url
    professional = TOTPDevice.objects.filter(user=world.involved).first()
    assert professional is not None and "issuer=Verband" in professional.config_url
    # The "new message" e-mail goes to the address she gave for her codes, from the neutral sender.
    EmailDevice.objects.create(user=access.user, name="e-mail", email="anna@example.org", confirmed=True)
    mail.outbox.clear()
    assert mail_member.call(access.user.pk) == 1
    sent = mail.outbox[-1]
    assert sent.to == ["anna@example.org"] and sent.from_email == settings.HOUSEHOLD_MAIL_FROM
    assert "Verband" not in sent.from_email
