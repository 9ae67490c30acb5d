"""The regisseur invites a member to the household's door, and stops an access at once. Nobody else may,
and nobody else learns about the members' accesses."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from verband.households.models import HouseholdEvent
from verband.portal.models import MemberAccess, hash_code
from verband.portal.services import age_on, cut_off, invite
from verband.portal.tests.helpers import code_on_page, cut_off_url, invite_url, invited
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_member, sign_in_member

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return html.unescape(response.content.decode())


def test_the_regisseur_invites_a_member_and_sees_the_code_once(door, as_user):
    client = as_user(door.involved)
    response = client.post(invite_url(door), {"person": door.anna.pk})
    assert response.status_code == 200
    code = code_on_page(response.content.decode())
    access = MemberAccess.objects.get(person=door.anna)
    assert access.code_hash == hash_code(code) and code not in access.code_hash
    assert access.redeemable and access.invited_by == door.involved
    assert timedelta(days=13) < access.code_expires_at - timezone.now() <= timedelta(days=14)
    entry = AccessLogEntry.objects.filter(object_type="member_access", action="create").get()
    assert (entry.outcome, entry.subject_household_id, entry.subject_person_id) == (
        "granted",
        door.household.pk,
        door.anna.pk,
    )
    # The timeline says that someone was invited, not who.
    event = HouseholdEvent.objects.filter(household=door.household).latest("pk")
    assert "Anna" not in event.summary and "uitgenodigd" in event.summary
    # The household page shows the state, without the code.
    page = body(client.get(f"/huishoudens/{door.household.reference}/"))
    assert "Toegang voor het huishouden" in page
    assert "uitgenodigd, code geldig tot" in page
    assert code not in page


def test_the_invitation_days_are_configurable(door, settings):
    settings.HOUSEHOLD_INVITATION_DAYS = 3
    access, _code = invited(door, door.anna)
    assert access.code_expires_at - timezone.now() <= timedelta(days=3)


def test_the_letter_holds_the_code_and_nothing_about_anyone(door, as_user, monkeypatch):
    written: list[str] = []

    class FakeHTML:
        def __init__(self, string: str, base_url: str = "") -> None:
            written.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    client = as_user(door.involved)
    code = code_on_page(client.post(invite_url(door), {"person": door.anna.pk}).content.decode())
    access = MemberAccess.objects.get(person=door.anna)
    response = client.get(f"/huishoudens/{door.household.reference}/thuis/brief/{access.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="uitnodiging.pdf"'
    letter = html.unescape(written[0])
    assert code in letter and "/thuis/uitnodiging/" in letter
    for secret in ["Anna", "Dam", "Dirk", "Bram", "HH-T-0001", "Dorpsstraat", "Veilig Thuis", "Wijkteam"]:
        assert secret not in letter, secret
    assert AccessLogEntry.objects.filter(object_type="invitation_letter", outcome="granted").count() == 1
    # Another professional, or the regisseur in another session, gets no letter: the code is not kept.
    assert (
        as_user(door.involved)
        .get(f"/huishoudens/{door.household.reference}/thuis/brief/{access.pk}/")
        .status_code
        == 404
    )
    assert AccessLogEntry.objects.filter(object_type="invitation_letter", outcome="denied").count() == 1


@pytest.mark.parametrize("who", ["teammate", "probation", "colleague", "other_org", "manager"])
def test_only_the_regisseur_invites(door, as_user, who):
    user = door.probation if who == "probation" else getattr(door, who)
    response = as_user(user).post(invite_url(door), {"person": door.anna.pk})
    # Who cannot see the household finds nothing (404); who works with it but holds no regie is refused
    # (403), and the manager's role has no household pages at all (403).
    expected = 403 if who in {"teammate", "probation", "manager"} else 404
    assert response.status_code == expected
    assert not MemberAccess.objects.exists()
    assert AccessLogEntry.objects.filter(outcome="denied").exists()


def test_anonymous_and_a_household_member_cannot_invite(door, client):
    response = client.post(invite_url(door), {"person": door.anna.pk})
    assert response.status_code == 302 and response["Location"].startswith("/aanmelden/")
    member = make_member(door.household, door.anna)
    response = sign_in_member(client, member).post(invite_url(door), {"person": door.dirk.pk})
    assert response.status_code == 302 and response["Location"] == "/thuis/"
    assert MemberAccess.objects.count() == 1


def test_only_members_of_the_household_are_invited(door, as_user):
    other = door.other_household.members.get().person
    assert as_user(door.involved).post(invite_url(door), {"person": other.pk}).status_code == 404
    assert as_user(door.involved).post(invite_url(door), {"person": "x\x00"}).status_code == 404
    with pytest.raises(PermissionDenied):
        invite(actor_for(door.involved), door.household, other)
    assert not MemberAccess.objects.exists()


def test_children_from_12_only_and_the_year_of_birth_must_be_known(door, as_user):
    with pytest.raises(ValidationError, match="vanaf 12 jaar"):
        invited(door, door.young)
    with pytest.raises(ValidationError, match="geboortejaar"):
        invited(door, door.bram)
    invited(door, door.teen)
    # Through the page: a clear message, nothing made.
    client = as_user(door.involved)
    response = client.post(invite_url(door), {"person": door.young.pk}, follow=True)
    assert "vanaf 12 jaar" in body(response)
    assert MemberAccess.objects.count() == 1


def test_age_with_a_partial_date_of_birth_is_never_overstated(door):
    from datetime import date

    from verband.households.models import Person

    twelve_this_year = Person(birth_year=2014)
    assert age_on(twelve_this_year, date(2026, 12, 30)) == 11
    assert age_on(twelve_this_year, date(2027, 1, 1)) == 12
    assert age_on(Person(birth_year=2014, birth_month=6), date(2026, 6, 29)) == 11
    assert age_on(Person(birth_year=2014, birth_month=6), date(2026, 7, 1)) == 12
    assert age_on(Person(birth_year=2014, birth_month=6, birth_day=10), date(2026, 6, 10)) == 12
    assert age_on(Person(), date(2026, 1, 1)) is None


def test_one_open_access_per_member(door, as_user):
    invited(door, door.anna)
    with pytest.raises(ValidationError, match="al een uitnodiging"):
        invited(door, door.anna)
    response = as_user(door.involved).post(invite_url(door), {"person": door.anna.pk}, follow=True)
    assert "al een uitnodiging" in body(response)
    assert MemberAccess.objects.count() == 1


def test_the_panel_shows_to_the_regisseur_only(door, as_user):
    invited(door, door.anna)
    url = f"/huishoudens/{door.household.reference}/"
    assert "Toegang voor het huishouden" in body(as_user(door.involved).get(url))
    for user in (door.teammate, door.probation):
        page = body(as_user(user).get(url))
        assert "Toegang voor het huishouden" not in page
        assert "/thuis/" not in page


def test_the_panel_adds_one_query_for_the_regisseur(door, as_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/huishoudens/{door.household.reference}/"
    client = as_user(door.involved)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for person in (door.anna, door.dirk, door.teen):
        invited(door, person)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
    assert sum("portal_memberaccess" in q["sql"] for q in before.captured_queries) == 1
    teammate = as_user(door.teammate)
    with CaptureQueriesContext(connection) as other:
        teammate.get(url)
    assert not any("portal_memberaccess" in q["sql"] for q in other.captured_queries)


def test_the_regisseur_stops_an_access_and_the_session_ends_at_once(door, as_user, client):
    member = make_member(door.household, door.anna)
    sign_in_member(client, member)
    assert client.get("/thuis/").status_code in {200, 404}  # the pages are the member app's
    regisseur = as_user(door.involved)
    assert regisseur.post(cut_off_url(door), {"access": member.pk, "reason": ""}).status_code == 302
    member.refresh_from_db()
    assert member.is_open  # a reason is required
    response = regisseur.post(
        cut_off_url(door), {"access": member.pk, "reason": "Telefoon afgepakt"}, follow=True
    )
    assert "De toegang is gestopt" in body(response)
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (
        not member.is_open
        and member.cut_off_by == door.involved
        and member.cut_off_reason == "Telefoon afgepakt"
    )
    assert not member.user.is_active
    assert (
        AccessLogEntry.objects.filter(object_type="member_access", action="revoke", outcome="granted").count()
        == 1
    )
    assert "gestopt" in HouseholdEvent.objects.filter(household=door.household).latest("pk").summary
    # The member's next request ends the session and shows the door's sign-in page.
    response = client.get("/thuis/")
    assert response.status_code == 302 and response["Location"] == "/thuis/aanmelden/"
    page = body(client.get(response["Location"]))
    assert "U bent afgemeld" in page
    assert "_auth_user_id" not in client.session
    # The panel says so; inviting again makes a new access.
    assert "gestopt op" in body(regisseur.get(f"/huishoudens/{door.household.reference}/"))
    again, _code = invited(door, door.anna)
    assert again.pk != member.pk and MemberAccess.objects.filter(person=door.anna).count() == 2


def test_stopping_withdraws_an_invitation_not_yet_redeemed(door):
    from verband.portal.services import redeemable_access

    access, code = invited(door, door.anna)
    assert redeemable_access(code) == access
    cut_off(actor_for(door.involved), access, "Verkeerd adres")
    assert redeemable_access(code) is None


@pytest.mark.parametrize("who", ["teammate", "probation", "colleague", "other_org"])
def test_only_the_regisseur_stops_an_access(door, as_user, who):
    member = make_member(door.household, door.anna)
    user = door.probation if who == "probation" else getattr(door, who)
    response = as_user(user).post(cut_off_url(door), {"access": member.pk, "reason": "zomaar"})
    assert response.status_code == (404 if who in {"colleague", "other_org"} else 403)
    member.refresh_from_db()
    assert member.is_open and member.user.is_active
    assert AccessLogEntry.objects.filter(outcome="denied").exists()


def test_an_access_of_another_household_is_not_found(door, as_user):
    other_person = door.other_household.members.get().person
    elsewhere = make_member(door.other_household, other_person)
    response = as_user(door.involved).post(cut_off_url(door), {"access": elsewhere.pk, "reason": "x"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_open


def test_a_privacy_officer_of_the_regisseurs_organisation_may_stop_an_access(door):
    member = make_member(door.household, door.anna)
    cut_off(actor_for(door.privacy_officer), member, "Melding van misbruik")
    member.refresh_from_db()
    assert not member.is_open
