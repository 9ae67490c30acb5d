"""Redeeming an invitation: the code, then a username and password, then the second factor — and only
then is anything written, all at once. A wrong, expired or used code gets one neutral answer."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import User
from verband.notifications.models import Notification
from verband.portal.models import MemberAccess
from verband.portal.services import cut_off
from verband.portal.tests.helpers import ACCOUNT, APP, EMAIL, REDEEM, account_step, invited
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

pytestmark = pytest.mark.django_db

NEUTRAL = "Deze code klopt niet, is verlopen of is al gebruikt."


def body(response) -> str:
    return html.unescape(response.content.decode())


def app_code(client, offset: int = 0) -> str:
    key = client.session["portal_redeem"]["totp_key"]
    totp = TOTP(bytes.fromhex(key))
    totp.time = totp.time + offset * 30
    return f"{totp.token():06d}"


def test_code_then_account_then_app_makes_the_account(door, client):
    access, code = invited(door, door.anna)
    assert client.get(REDEEM).status_code == 200
    response = client.post(REDEEM, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    response = account_step(client)
    assert response.status_code == 302 and response["Location"] == APP
    page = client.get(APP)
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    assert not User.objects.filter(username="zonnebloem").exists()  # nothing written yet
    assert "Blauwe" not in str(dict(client.session))  # the password is kept only as its hash
    response = client.post(APP, {"token": app_code(client)})
    assert response.status_code == 302 and response["Location"] == "/thuis/"
    user = User.objects.get(username="zonnebloem")
    assert user.household_member and user.is_active and user.check_password("Blauwe-fiets-onder-de-brug")
    assert not user.memberships.exists()
    access.refresh_from_db()
    assert access.user == user and access.redeemed_at is not None and not access.redeemable
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session["_auth_user_id"] == str(user.pk)
    entries = AccessLogEntry.objects.filter(user_id=user.pk)
    assert {(e.action, e.object_type, e.channel) for e in entries} >= {
        ("redeem", "member_access", "household"),
        ("sign_in", "session", "household"),
    }
    assert all(e.subject_person_id == door.anna.pk for e in entries), [
        (e.action, e.object_type, e.subject_person_id) for e in entries
    ]
    # Whoever invited hears that the code was used (someone who found her letter would be found out), with
    # the household's reference and no name.
    told = Notification.objects.get(user=access.invited_by)
    assert "Thuis" in told.title and access.household.reference in told.title
    assert door.anna.given_names not in told.title and told.url.endswith("#thuis")


def test_the_e_mail_path_sends_a_neutral_mail_and_verifies(door, client):
    _access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    response = account_step(client, method="email")
    assert response["Location"] == EMAIL
    assert client.get(EMAIL).status_code == 200
    response = client.post(EMAIL, {"email": "anna@example.org", "send": "1"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    token = client.session["portal_redeem"]["email_token"]
    assert message.to == ["anna@example.org"] and token in message.body
    text = f"{message.subject} {message.body}"
    for secret in ["Anna", "Dam", "Veilig Thuis", "HH-T", "Verband", "Wijkteam", "huishoud", "zonnebloem"]:
        assert secret not in text, secret
    assert not User.objects.filter(username="zonnebloem").exists()
    wrong = "000000" if token != "000000" else "111111"
    response = client.post(EMAIL, {"token": wrong})
    assert response.status_code == 200 and "Deze code klopt niet of is verlopen" in body(response)
    assert not User.objects.filter(username="zonnebloem").exists()
    assert not EmailDevice.objects.exists()
    response = client.post(EMAIL, {"token": token})
    assert response.status_code == 302 and response["Location"] == "/thuis/"
    user = User.objects.get(username="zonnebloem")
    device = EmailDevice.objects.get(user=user)
    assert device.confirmed and device.email == "anna@example.org"


@pytest.mark.parametrize("case", ["wrong", "expired", "used", "stopped"])
def test_a_code_that_does_not_work_gets_one_neutral_answer(door, client, case):
    access, code = invited(door, door.anna)
    if case == "wrong":
        code = "ABCD-EFGH-JKMN-PQRS"
    elif case == "expired":
        MemberAccess.objects.filter(pk=access.pk).update(
            code_expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif case == "used":
        MemberAccess.objects.filter(pk=access.pk).update(redeemed_at=timezone.now())
    else:
        cut_off(actor_for(door.involved), access, "Ingetrokken")
    response = client.post(REDEEM, {"code": code})
    assert response.status_code == 200 and NEUTRAL in body(response)
    assert "portal_redeem" not in client.session
    assert client.get(ACCOUNT)["Location"] == REDEEM
    assert not User.objects.filter(household_member=True).exists()
    assert AccessLogEntry.objects.filter(action="redeem", outcome="denied").count() == 1


def test_wrong_codes_are_limited_per_address(door, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _access, code = invited(door, door.anna)
    for _n in range(3):
        assert NEUTRAL in body(client.post(REDEEM, {"code": "ABCD-EFGH-JKMN-PQRS"}))
    response = client.post(REDEEM, {"code": code})  # even the right code, until the lockout ends
    assert response.status_code == 429 and "Te veel pogingen" in body(response)
    assert "portal_redeem" not in client.session


def test_the_access_cut_off_while_redeeming_makes_no_account(door, client):
    access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    account_step(client)
    client.get(APP)
    token = app_code(client)
    cut_off(actor_for(door.involved), access, "Telefoon afgepakt")
    response = client.post(APP, {"token": token}, follow=True)
    assert "Deze uitnodiging werkt niet meer" in body(response)
    assert not User.objects.filter(username="zonnebloem").exists()
    assert not TOTPDevice.objects.filter(user__household_member=True).exists()


def test_a_wrong_app_code_writes_nothing_and_too_many_start_over(door, client):
    access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    account_step(client)
    client.get(APP)
    valid = {app_code(client, step) for step in (-2, -1, 0, 1, 2)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    for _n in range(4):
        response = client.post(APP, {"token": wrong})
        assert response.status_code == 200 and "Deze code klopt niet" in body(response)
    assert (
        not User.objects.filter(username="zonnebloem").exists()
        and not TOTPDevice.objects.filter(user__household_member=True).exists()
    )
    access.refresh_from_db()
    assert access.redeemable
    response = client.post(APP, {"token": wrong})
    assert response.status_code == 302 and response["Location"] == REDEEM
    assert "portal_redeem" not in client.session


def test_nothing_typed_is_lost_but_the_passwords(door, client):
    _access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    response = account_step(client, username="merel.2026", password2="iets-anders-helemaal")
    page = body(response)
    assert response.status_code == 200 and "De twee wachtwoorden zijn niet hetzelfde." in page
    assert 'value="merel.2026"' in page and "Blauwe-fiets" not in page
    response = account_step(client, username="merel.2026", password1="kort", password2="kort")
    assert response.status_code == 200 and 'value="merel.2026"' in body(response)
    # A username that is taken (in any case) is refused; the choice of method stays.
    User.objects.create(username="Merel.2026")
    response = account_step(client, username="merel.2026", method="email")
    page = body(response)
    assert "Deze gebruikersnaam is al in gebruik" in page
    assert 'value="email" checked' in page.replace('checked="checked"', "checked") or 'value="email"' in page


def test_the_code_page_is_for_those_not_signed_in(door, as_user):
    client = as_user(door.involved)
    response = client.get(REDEEM)
    # A professional is confined to nothing here, but the invitation is not for them.
    assert response.status_code == 302
