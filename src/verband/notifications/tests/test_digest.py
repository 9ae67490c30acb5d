"""Issue 14: notifications can come as a daily digest — a per-user choice on a page of its own, and a
periodic task that sends one e-mail a day (a count and a link, never personal data)."""

from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone

from verband.background import scheduler
from verband.notifications.models import Delivery, Notification, NotificationSetting
from verband.notifications.services import notify, send_digests, send_waiting
from verband.sharing.models import AccessLogEntry

URL = "/notificaties/instellingen/"


def moment(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def mailed(world):
    for user in (world.involved, world.colleague):
        user.email = f"{user.username}@example.nl"
        user.save()
    return world


@pytest.mark.parametrize("who", ["involved", "manager", "privacy_officer", "admin", "vt"])
def test_every_signed_in_user_sets_their_own_choice(world, as_user, who):
    user = getattr(world, who)
    client = as_user(user)
    page = client.get(URL)
    assert page.status_code == 200 and "Eén keer per dag" in page.content.decode()
    assert client.post(URL, {"delivery": "daily"}).status_code == 302
    assert NotificationSetting.objects.get(user=user).delivery == Delivery.DAILY
    assert AccessLogEntry.objects.filter(username=user.username, object_type="notification_setting").exists()
    assert client.post(URL, {"delivery": "immediate"}).status_code == 302
    assert NotificationSetting.objects.get(user=user).delivery == Delivery.IMMEDIATE


def test_the_choice_page_refuses_nonsense_and_anonymous(world, as_user):
    assert as_user(None).get(URL).status_code == 302
    response = as_user(world.involved).post(URL, {"delivery": "hourly"})
    assert response.status_code == 400 and "Kies direct of één keer per dag" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_a_digest_user_gets_one_email_a_day_and_no_immediate_ones(
    mailed, settings, django_capture_on_commit_callbacks
):
    w = mailed
    settings.DIGEST_HOUR = 7
    NotificationSetting.objects.create(user=w.involved, delivery=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        notify([w.involved, w.colleague], "Escalatie, Regisseur: Overdracht onbeantwoord (HH-T-0001)", "/x/")
        notify([w.involved], "Overdracht te accepteren (HH-T-0001)", "/y/")
    send_waiting()
    # The colleague (straight away) has their e-mail; the digest user has none yet.
    assert [m.to for m in mail.outbox] == [["colleague@example.nl"]]
    assert Notification.objects.filter(user=w.involved, emailed_at__isnull=True).count() == 2

    assert send_digests(moment(3, 6)) == 0  # before the hour
    assert send_digests(moment(3, 7)) == 1
    digest = mail.outbox[-1]
    assert digest.to == ["involved@example.nl"] and "dagelijkse overzicht" in digest.subject
    body = f"{digest.subject} {digest.body}"
    assert "(2 nieuw)" in body and "/notificaties/" in body
    for private in ("HH-T-0001", "Anna", "Dam", "Overdracht"):
        assert private not in body
    assert send_digests(moment(3, 9)) == 0  # once a day
    notify([w.involved], "Nog iets (HH-T-0001)", "/z/")
    assert send_digests(moment(3, 15)) == 0
    assert send_digests(moment(4, 7)) == 1  # the next day
    assert "(1 nieuw)" in mail.outbox[-1].body
    assert send_digests(moment(5, 7)) == 0  # nothing new: no e-mail, the day is used


def test_the_digest_is_scheduled_hourly():
    names = {p.name: p for p in scheduler.schedule()}
    assert names["digest"].every.total_seconds() == 3600
