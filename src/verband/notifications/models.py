"""A notification tells one person that something waits for them. The title names what (a kind of
item and a household reference), never a person; the e-mail that follows carries only a link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("notification"), max_length=200)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail: waiting (null) until a worker claims and sends it; claimed and sent in one transaction.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True, email_wanted=True),
                name="notification_mail_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Straight away: an e-mail when something new waits")
    DAILY = "daily", _("Once a day: one e-mail with the count of what is new")


class NotificationSetting(models.Model):
    """How one user wants the e-mail about their notifications. Without a row: straight away."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # The day the last digest went out: a digest goes at most once a day, claimed by a conditional UPDATE.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"
