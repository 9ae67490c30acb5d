"""The public door's limit per address: how many submissions one address made in its current window.

Kept in the database, not in a process's cache, so every worker process counts the same submissions.
The address itself is never stored: only an HMAC of it keyed with the SECRET_KEY (an IPv4 address is
one of 2^32, so a plain hash of it would be undone by trying them all)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionCount(models.Model):
    address_key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("submission count")
        verbose_name_plural = _("submission counts")

    def __str__(self) -> str:
        return f"{self.address_key[:8]}…: {self.count}"
