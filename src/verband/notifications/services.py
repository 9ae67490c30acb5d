"""Writing notifications and sending their e-mails.

`notify` is called inside the transaction of the change it is about, so a notification exists exactly
when the change does; when that transaction commits, the task `send_mail_to` is enqueued for its users
(ids only) and a background worker sends the e-mail. Each e-mail is claimed with a conditional UPDATE and
sent inside the same transaction, so two workers never send one twice, and a failed send leaves it
waiting: the task is retried with backoff, and the periodic sweep `send_waiting` sends whatever is still
waiting (at least once, never lost)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from verband.accounts.models import User
from verband.actors import Actor
from verband.notifications.models import Delivery, Notification, NotificationSetting
from verband.sharing.accesslog import record

logger = logging.getLogger(__name__)


def notify(users: Iterable[User | int], title: str, url: str, *, email: bool = True) -> list[Notification]:
    """One notification per distinct user. `title` must not contain personal data: it is shown in
    lists and may be read over a shoulder; the e-mail does not contain it at all."""
    ids = sorted({u if isinstance(u, int) else u.pk for u in users})
    made = Notification.objects.bulk_create(
        [Notification(user_id=uid, title=title[:200], url=url[:300], email_wanted=email) for uid in ids]
    )
    if email and ids:
        # Sent once the change is committed; if enqueueing fails, the periodic sweep sends it.
        transaction.on_commit(partial(send_mail_to.enqueue, ids), robust=True)
    return made


def notify_many(
    items: Iterable[tuple[Iterable[User | int], str, str]], *, email: bool = True
) -> list[Notification]:
    """`notify` for many changes at once (users, title, url), in one insert: a sweep that opens or
    closes many escalations. The same rule: no personal data in a title."""
    rows, everyone = [], set()
    for users, title, url in items:
        ids = sorted({u if isinstance(u, int) else u.pk for u in users})
        everyone.update(ids)
        rows += [
            Notification(user_id=uid, title=title[:200], url=url[:300], email_wanted=email) for uid in ids
        ]
    made = Notification.objects.bulk_create(rows)
    if email and everyone:
        transaction.on_commit(partial(send_mail_to.enqueue, sorted(everyone)), robust=True)
    return made


def mark_read(user: User, notification_id: int | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def _body(count: int) -> str:
    link = f"{settings.BASE_URL}/notificaties/"
    return _(
        "Something is waiting for you in Verband (%(count)s new).\n\n"
        "Sign in to see what: %(link)s\n\n"
        "This e-mail contains no details on purpose. Do not reply to it."
    ) % {"count": count, "link": link}


def _digest_users() -> Any:
    return NotificationSetting.objects.filter(delivery=Delivery.DAILY).values("user_id")


def send_waiting(limit: int = 200) -> int:
    """One e-mail per user with waiting notifications: only a count and a link, never a name or a
    household. Users who chose the daily digest get theirs from `send_digests`."""
    users = list(
        Notification.objects.filter(emailed_at__isnull=True, email_wanted=True)
        .exclude(user_id__in=_digest_users())
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    sent = 0
    for user_id in users:
        try:
            sent += _send_one(user_id)
        except Exception:  # the mail server refused: the claim rolled back, the next sweep tries again
            logger.exception("Notification e-mail for user %s not sent; trying again later", user_id)
    return sent


@task()
def send_mail_to(user_ids: list[int]) -> int:
    """The task enqueued by `notify`: the e-mail of these users' waiting notifications. Every user is
    tried; if a send failed the task fails after the others, so it is retried with backoff (users
    already mailed have nothing waiting any more)."""
    sent, failed = 0, 0
    for user_id in user_ids:
        try:
            sent += _send_one(user_id)
        except Exception:
            logger.exception("Notification e-mail for user %s not sent; the task is retried", user_id)
            failed += 1
    if failed:
        raise RuntimeError(f"{failed} of {len(user_ids)} notification e-mails not sent")
    return sent


def _send_one(user_id: int, *, digest: bool = False) -> int:
    """Claim and send one user's waiting notifications in one e-mail. Straight away only for users who
    want it so; the digest (`digest=True`) for those who chose it."""
    with transaction.atomic():
        daily = NotificationSetting.objects.filter(user_id=user_id, delivery=Delivery.DAILY).exists()
        if daily != digest:
            return 0  # the other path sends these
        now = timezone.now()
        claimed = Notification.objects.filter(
            user_id=user_id, emailed_at__isnull=True, email_wanted=True
        ).update(emailed_at=now)
        if not claimed:
            return 0  # another worker took them
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None or not user.email:
            return 0  # nobody to mail: the in-app list still shows them
        with override(settings.LANGUAGE_CODE):
            send_mail(
                _("Verband: your daily overview") if digest else _("Verband: something is waiting for you"),
                _body(claimed),
                None,
                [user.email],
            )
        return 1


def send_digests(now: Any = None) -> int:
    """The daily digest: from `VERBAND_DIGEST_HOUR` on, one e-mail per user who chose it with what is
    new since the last one — a count and a link, as every e-mail, never a name or a household. Each
    user's day is claimed by a conditional UPDATE, so two workers never send one twice; a failed send
    rolls its claim back and the next run tries again."""
    moment = timezone.localtime(now)
    if moment.hour < settings.DIGEST_HOUR:
        return 0
    today = moment.date()
    due = NotificationSetting.objects.filter(delivery=Delivery.DAILY).exclude(last_digest_on__gte=today)
    sent = 0
    for pk, user_id in due.values_list("pk", "user_id"):
        try:
            with transaction.atomic():
                claimed = (
                    NotificationSetting.objects.filter(pk=pk)
                    .exclude(last_digest_on__gte=today)
                    .update(last_digest_on=today)
                )
                if claimed:
                    sent += _send_one(user_id, digest=True)
        except Exception:  # the mail server refused: the claim rolled back, the next run tries again
            logger.exception("Daily digest for user %s not sent; trying again later", user_id)
    return sent


@task()
def send_digest() -> int:
    """The periodic task of the daily digest (`verband.background.scheduler`, hourly)."""
    return send_digests()


def delivery_of(user: User) -> str:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting.delivery if setting else Delivery.IMMEDIATE


def set_delivery(actor: Actor, delivery: str) -> None:
    """A user chooses how their notifications come by e-mail: straight away or in a daily digest."""
    if actor.user is None:
        raise ValidationError(_("Sign in to choose how your notifications come."))
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": [_("Choose straight away or once a day.")]})
    with transaction.atomic():
        NotificationSetting.objects.update_or_create(user=actor.user, defaults={"delivery": delivery})
        record(actor, action="update", object_type="notification_setting", object_id=str(actor.user.pk))
