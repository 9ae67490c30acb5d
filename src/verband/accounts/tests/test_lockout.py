"""Guessing is slowed down: django-axes locks the pair of account and address after AXES_FAILURE_LIMIT
wrong passwords (nobody locks a colleague out from elsewhere), guessing at one account from many addresses
raises an alarm for the functional administrators, and the one-time code step refuses attempts for a
growing while after wrong codes."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import time_machine
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY

from verband.accounts.tests.helpers import VERIFY, code_for, code_step, device_of, password_step, wrong_code

LOCKED = "Account tijdelijk geblokkeerd"
LOCKED_EXPLANATION = "Er is te vaak zonder succes geprobeerd met dit account aan te melden."
WRONG_LOGIN = "De gebruikersnaam of het wachtwoord klopt niet."
TOO_MANY_CODES = "Te veel onjuiste codes. Wacht even en probeer het opnieuw."
WRONG_CODE = "Deze code klopt niet of is verlopen."
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def body(response) -> str:
    return html.unescape(response.content.decode())


def fail(client, username: str, times: int) -> list:
    return [password_step(client, username, "fout-wachtwoord") for _ in range(times)]


def test_limit_comes_from_settings():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.LOCKOUT_ALARM_FAILURES == 20


def test_account_is_locked_after_too_many_wrong_passwords(world, client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    responses = fail(client, "involved", limit)
    for response in responses[:-1]:
        assert response.status_code == 200
        assert WRONG_LOGIN in body(response)
    assert responses[-1].status_code == settings.AXES_HTTP_RESPONSE_CODE == 429

    # The next attempt is refused even with the right password, and opens no session.
    response = password_step(client, "involved")
    assert response.status_code == 429
    text = body(response)
    assert LOCKED in text and LOCKED_EXPLANATION in text
    assert SESSION_KEY not in client.session
    assert client.get("/mijn-werk/")["Location"].startswith("/aanmelden/")


def test_lockout_is_per_account(world, client, as_user, settings):
    fail(client, "involved", settings.AXES_FAILURE_LIMIT)
    assert password_step(client, "involved").status_code == 429
    # A colleague behind the same address signs in as usual.
    other = as_user(None)
    response = password_step(other, "colleague")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert other.session[SESSION_KEY] == str(world.colleague.pk)


def test_fewer_failures_than_the_limit_do_not_lock(world, client, settings):
    fail(client, "involved", settings.AXES_FAILURE_LIMIT - 1)
    response = password_step(client, "involved")
    assert response.status_code == 302 and response["Location"] == VERIFY


def test_success_resets_the_count(world, client, as_user, settings):
    fail(client, "involved", settings.AXES_FAILURE_LIMIT - 1)
    assert password_step(client, "involved").status_code == 302
    other = as_user(None)
    fail(other, "involved", settings.AXES_FAILURE_LIMIT - 1)
    assert password_step(other, "involved").status_code == 302


def test_lower_limit_from_settings_is_obeyed(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, "involved", 2)[-1].status_code == 429
    assert password_step(client, "involved").status_code == 429


def test_lock_ends_after_the_cool_off_time(world, client, settings):
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    assert cool_off == timedelta(minutes=30)
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, "involved", settings.AXES_FAILURE_LIMIT)
        traveller.shift(cool_off + timedelta(minutes=1))
        response = password_step(client, "involved")
        assert response.status_code == 302 and response["Location"] == VERIFY


def test_attempts_during_the_lock_restart_the_cool_off(world, client, settings):
    """(django-axes' default, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): someone who keeps trying
    keeps the account locked."""
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, "involved", settings.AXES_FAILURE_LIMIT)
        traveller.shift(cool_off - timedelta(minutes=1))
        assert password_step(client, "involved").status_code == 429
        traveller.shift(timedelta(minutes=2))
        assert password_step(client, "involved").status_code == 429
        assert SESSION_KEY not in client.session


def test_wrong_codes_are_throttled(world, client, settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR == 1
    with time_machine.travel(START, tick=False) as traveller:
        password_step(client, "involved")
        device = device_of(world.involved)
        response = code_step(client, wrong_code(device))
        assert WRONG_CODE in body(response)

        # Straight after a wrong code even the right code is refused.
        response = code_step(client, code_for(device))
        assert response.status_code == 200
        assert TOO_MANY_CODES in body(response)
        assert DEVICE_ID_SESSION_KEY not in client.session
        assert client.get("/mijn-werk/")["Location"] == VERIFY

        # Each wrong code doubles the wait: 1 s, 2 s, 4 s.
        traveller.shift(timedelta(seconds=1.5))
        assert WRONG_CODE in body(code_step(client, wrong_code(device)))
        traveller.shift(timedelta(seconds=2.5))
        assert WRONG_CODE in body(code_step(client, wrong_code(device)))
        traveller.shift(timedelta(seconds=3))
        assert TOO_MANY_CODES in body(code_step(client, code_for(device)))
        assert DEVICE_ID_SESSION_KEY not in client.session

        traveller.shift(timedelta(seconds=1.5))
        response = code_step(client, code_for(device))
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/mijn-werk/").status_code == 200


def test_throttle_is_per_device(world, client, as_user):
    """One user's wrong codes do not slow down a colleague."""
    with time_machine.travel(START, tick=False):
        password_step(client, "involved")
        code_step(client, wrong_code(device_of(world.involved)))
        assert TOO_MANY_CODES in body(code_step(client, code_for(device_of(world.involved))))
        other = as_user(None)
        password_step(other, "colleague")
        response = code_step(other, code_for(device_of(world.colleague)))
        assert response.status_code == 302 and response["Location"] == "/"


def from_address(address: str):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def test_a_lock_from_one_address_does_not_lock_the_account_elsewhere(world, settings):
    attacker = from_address("203.0.113.9")
    fail(attacker, "involved", settings.AXES_FAILURE_LIMIT)
    assert password_step(attacker, "involved").status_code == 429
    at_the_office = from_address("198.51.100.20")
    response = password_step(at_the_office, "involved")
    assert response.status_code == 302 and response["Location"] == VERIFY


def test_guessing_from_many_addresses_raises_one_alarm_and_locks_no_one_out(world, settings, as_user):
    from verband.notifications.models import Notification
    from verband.sharing.models import AccessLogEntry

    settings.LOCKOUT_ALARM_FAILURES = 8
    for n in range(4):  # 4 addresses, 2 wrong passwords each: no address reaches the lock
        fail(from_address(f"203.0.113.{n + 1}"), "involved", 2)
    alarms = Notification.objects.filter(user=world.admin)
    assert alarms.count() == 1
    assert "involved" not in alarms.get().title and alarms.get().url == "/beheer/"
    assert not Notification.objects.filter(user=world.involved).exists()
    assert (
        AccessLogEntry.objects.filter(action="alarm", object_type="sign_in", object_id="involved").count()
        == 1
    )
    fail(from_address("203.0.113.50"), "involved", 1)  # the 9th: no second alarm
    assert alarms.count() == 1
    # The functional administrator sees the account on Beheer, with failures and addresses (not which).
    page = body(as_user(world.admin).get("/beheer/"))
    assert "involved" in page and "203.0.113" not in page
    # The owner of the account still signs in.
    response = password_step(from_address("198.51.100.20"), "involved")
    assert response.status_code == 302 and response["Location"] == VERIFY


def test_guessing_at_a_name_that_does_not_exist_is_logged_but_notifies_nobody(world, settings):
    from verband.notifications.models import Notification
    from verband.sharing.models import AccessLogEntry

    settings.LOCKOUT_ALARM_FAILURES = 4
    for n in range(4):
        fail(from_address(f"203.0.113.{n + 1}"), "niemand-bekend", 1)
    assert AccessLogEntry.objects.filter(action="alarm", object_id="niemand-bekend").count() == 1
    assert not Notification.objects.exists()


def test_rotating_through_one_ipv6_network_counts_as_one_address(world, settings):
    """(Review finding) One connection hands out a whole /64: the lock counts the network."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(from_address(f"2001:db8:1:2::{n + 1:x}"), "involved", 1)
    assert password_step(from_address("2001:db8:1:2::ffff"), "involved").status_code == 429
    response = password_step(from_address("2001:db8:9:9::1"), "involved")  # another network
    assert response.status_code == 302 and response["Location"] == VERIFY


def test_beheer_lists_only_accounts_of_its_own_region_and_never_guessed_names(world, settings, as_user):
    """(Review finding) A functional administrator of another region sees nothing of these accounts, and a
    name that is no account (text chosen by whoever guessed) is counted, not shown."""
    from verband.network.models import Organisation, Region, Role
    from verband.testing import make_user

    settings.LOCKOUT_ALARM_FAILURES = 4
    for n in range(4):
        fail(from_address(f"203.0.113.{n + 1}"), "involved", 1)
        fail(from_address(f"203.0.113.{n + 1}"), "Bel de helpdesk 0800-1234", 1)
    own = body(as_user(world.admin).get("/beheer/"))
    assert "involved" in own and "Bel de helpdesk" not in own and "En 1 naam die geen account is" in own
    elsewhere = Region.objects.create(name="Elders", code="elders")
    org = Organisation.objects.create(name="Elders beheer", region=elsewhere)
    other_admin = make_user("beheer-elders", org, Role.FUNCTIONAL_ADMIN, is_staff=True)
    assert ">involved<" not in body(as_user(other_admin).get("/beheer/"))
