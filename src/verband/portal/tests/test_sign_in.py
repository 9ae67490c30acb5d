"""Signing in at the household's door (password, then the app's or the e-mail's code), signing out, the
quick exit; a household account reaches only /thuis/, with a shorter session, and the two sign-ins do not
mix: a professional cannot sign in at the door, a household member not at the professionals' door."""

from __future__ import annotations

import html
import time

import pytest
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from verband.accounts.tests.helpers import code_for, device_of, wrong_code
from verband.portal.access import member_required
from verband.portal.services import cut_off
from verband.portal.tests.helpers import LOGIN, LOGOUT, QUICK_EXIT, VERIFY
from verband.sharing.models import AccessLogEntry
from verband.testing import PASSWORD, actor_for, make_member, sign_in_member

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "De gebruikersnaam of het wachtwoord klopt niet."


def body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def anna(door):
    return make_member(door.household, door.anna, username="zonnebloem")


def test_password_then_app_code(door, anna, client):
    assert "Aanmelden" in body(client.get(LOGIN))
    response = client.post(LOGIN, {"username": "zonnebloem", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == VERIFY
    # With the password alone, every page of the door sends to the code step.
    assert client.get("/thuis/iets/")["Location"] == VERIFY
    device = device_of(anna.user)
    response = client.post(VERIFY, {"token": wrong_code(device)})
    assert response.status_code == 200 and "Deze code klopt niet of is verlopen." in body(response)
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code makes the next try wait a second
    response = client.post(VERIFY, {"token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/thuis/"
    entry = AccessLogEntry.objects.filter(action="sign_in", user_id=anna.user.pk).get()
    assert (entry.channel, entry.subject_household_id, entry.subject_person_id) == (
        "household",
        door.household.pk,
        door.anna.pk,
    )


def test_password_then_e_mail_code(door, client):
    access = make_member(door.household, door.anna, username="merel")
    TOTPDevice.objects.filter(user=access.user).delete()
    EmailDevice.objects.create(user=access.user, email="merel@example.org", name="E-mail", confirmed=True)
    client.post(LOGIN, {"username": "merel", "password": PASSWORD})
    page = client.get(VERIFY)
    assert "We hebben een code naar uw e-mailadres gestuurd" in body(page)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["merel@example.org"]
    assert "Anna" not in mail.outbox[0].body and "Verband" not in mail.outbox[0].subject
    client.get(VERIFY)  # not sent again on every look
    assert len(mail.outbox) == 1
    token = EmailDevice.objects.get(user=access.user).token
    response = client.post(VERIFY, {"token": token})
    assert response.status_code == 302 and response["Location"] == "/thuis/"


def test_a_professional_cannot_sign_in_at_the_door(door, client):
    response = client.post(LOGIN, {"username": "involved", "password": PASSWORD})
    assert response.status_code == 200 and WRONG_LOGIN in body(response)
    assert "_auth_user_id" not in client.session


def test_a_household_account_cannot_sign_in_at_the_professionals_door(door, anna, client):
    response = client.post("/aanmelden/", {"username": "zonnebloem", "password": PASSWORD})
    assert response.status_code == 200 and WRONG_LOGIN in body(response)
    assert "_auth_user_id" not in client.session


def test_an_account_that_was_cut_off_cannot_sign_in(door, anna, client):
    cut_off(actor_for(door.involved), anna, "Telefoon afgepakt")
    response = client.post(LOGIN, {"username": "zonnebloem", "password": PASSWORD})
    assert response.status_code == 200 and WRONG_LOGIN in body(response)


def test_too_many_wrong_passwords_lock_the_door_with_its_own_page(door, anna, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client.post(LOGIN, {"username": "zonnebloem", "password": "fout-fout-fout"})
    response = client.post(LOGIN, {"username": "zonnebloem", "password": "fout-fout-fout"})
    response = client.post(LOGIN, {"username": "zonnebloem", "password": PASSWORD})
    assert response.status_code == 429
    assert "Te veel pogingen" in body(response) and "functioneel beheerder" not in body(response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/mijn-werk/",
        "/netwerk/",
        "/huishoudens/HH-T-0001/",
        "/toegangslog/",
        "/overzicht/",
        "/aanmelden/code/",
        "/beheer/django/",
        "/api/v1/me",
        "/api/v1/households",
    ],
)
def test_a_household_account_reaches_nothing_but_the_door(door, anna, client, path):
    sign_in_member(client, anna)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/thuis/"


def test_the_language_stays_reachable(door, anna, client):
    sign_in_member(client, anna)
    response = client.post("/taal/", {"language": "en", "next": "/thuis/aanmelden/"})
    assert response.status_code == 302 and response["Location"] == "/thuis/aanmelden/"


def test_signing_out(door, anna, client):
    sign_in_member(client, anna)
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert "U bent afgemeld." in body(client.get(LOGIN))
    entry = AccessLogEntry.objects.filter(action="sign_out").get()
    assert entry.channel == "household" and entry.subject_person_id == door.anna.pk


def test_the_quick_exit_ends_the_session(door, anna, client):
    sign_in_member(client, anna)
    assert client.get(QUICK_EXIT).status_code == 405
    response = client.post(QUICK_EXIT)  # a beacon: no CSRF token needed
    assert response.status_code == 204
    assert "_auth_user_id" not in client.session
    assert client.post(QUICK_EXIT).status_code == 204  # also when nobody is signed in


def test_the_quick_exit_does_not_end_a_professionals_session(door, as_user):
    client = as_user(door.involved)
    assert client.post(QUICK_EXIT).status_code == 204
    assert client.get("/mijn-werk/").status_code == 200


def test_the_door_pages_carry_the_quick_exit_and_sign_out(door, anna, client):
    page = body(client.get(LOGIN))
    assert 'data-leave="/thuis/snel-weg/"' in page and "Snel weg" in page
    assert 'action="/thuis/afmelden/"' not in page
    sign_in_member(client, anna)
    response = client.get(LOGIN)
    # Signed in and past the code: the door's sign-in sends on to the door's home page.
    assert response.status_code == 302 and response["Location"] == "/thuis/"


def test_household_sessions_are_shorter(door, anna, client, settings):
    settings.HOUSEHOLD_SESSION_IDLE_MINUTES = 10
    sign_in_member(client, anna)
    session = client.session
    session[LAST_SEEN] = time.time() - 11 * 60
    session[SIGNED_IN_AT] = time.time() - 12 * 60
    session.save()
    response = client.get("/thuis/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    # A professional idle as long is still signed in.
    from verband.testing import sign_in

    sign_in(client, door.involved)
    session = client.session
    session[LAST_SEEN] = time.time() - 11 * 60
    session[SIGNED_IN_AT] = time.time() - 12 * 60
    session.save()
    assert client.get("/mijn-werk/").status_code == 200


def test_household_sessions_end_after_the_maximum(door, anna, client, settings):
    settings.HOUSEHOLD_SESSION_MAX_MINUTES = 60
    sign_in_member(client, anna)
    session = client.session
    session[LAST_SEEN] = time.time()
    session[SIGNED_IN_AT] = time.time() - 61 * 60
    session.save()
    assert client.get("/thuis/")["Location"] == LOGIN


def test_a_deactivated_account_ends_its_session_at_once(door, anna, client):
    sign_in_member(client, anna)
    anna.user.is_active = False
    anna.user.save()
    response = client.get("/mijn-werk/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "U bent afgemeld." in body(client.get(LOGIN))
    assert AccessLogEntry.objects.filter(action="end", object_type="session", outcome="denied").exists()


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{request.member_access.person_id}")


def test_member_required(door, anna, client):
    view = member_required(_page)
    factory = RequestFactory()

    def call(user, verified: bool = True):
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.sessions.backends.db import SessionStore

        request = factory.get("/thuis/")
        request.user = user or AnonymousUser()
        request.session = SessionStore()
        if user is not None:
            user.is_verified = lambda: verified
        return view(request)

    assert call(None)["Location"] == LOGIN
    assert call(anna.user, verified=False)["Location"] == VERIFY
    assert call(anna.user).content == str(door.anna.pk).encode()
    from django.http import Http404

    with pytest.raises(Http404):
        call(door.involved)
    assert AccessLogEntry.objects.filter(object_type="portal_page", outcome="denied").count() == 1


def test_the_door_base_shows_sign_out_to_a_signed_in_member_only(door, anna):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = RequestFactory().get("/thuis/")
    request.user = anna.user
    page = render_to_string("portal/base.html", {"user": anna.user}, request=request)
    assert 'action="/thuis/afmelden/"' in page and 'data-leave="/thuis/snel-weg/"' in page
    page = render_to_string("portal/base.html", {"user": AnonymousUser()}, request=request)
    assert 'action="/thuis/afmelden/"' not in page
    page = render_to_string("portal/base.html", {"user": door.involved}, request=request)
    assert 'action="/thuis/afmelden/"' not in page


def test_the_doors_username_fields_are_not_remembered_by_the_browser(client):
    """On a shared phone the next person is not offered her username from the browser's form history."""
    import re

    for url in ("/thuis/aanmelden/",):
        body = client.get(url).content.decode()
        field = re.search(r'<input[^>]*name="username"[^>]*>', body)
        assert field is not None and 'autocomplete="off"' in field.group(0), url
