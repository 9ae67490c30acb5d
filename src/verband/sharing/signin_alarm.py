"""The alarm for guessing at one account from many addresses.

A wrong password locks only the pair of account and address (django-axes, AXES_LOCKOUT_PARAMETERS), so
nobody can lock a colleague out from elsewhere. Guessing from many addresses is not locked but raised:
when the failed attempts on one account, over all addresses and within the lockout time, reach
VERBAND_LOCKOUT_ALARM_FAILURES, the functional administrators of the account's organisations are notified
(the title names no one), the event is written to the access log, and the Beheer page lists the account
with its failures and number of addresses."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import SYSTEM
from verband.network.models import Membership, Role
from verband.notifications.services import notify
from verband.sharing.accesslog import record

logger = logging.getLogger("verband.security")


@dataclass(frozen=True)
class Guessed:
    username: str
    failures: int
    addresses: int
    first_attempt: Any


def guessed_accounts(region_ids: Iterable[int]) -> tuple[list[Guessed], int]:
    """Accounts of people in these regions whose failed attempts (still counted by the lockout) reach
    the alarm threshold; and how many names that are no account reached it (their text, chosen by whoever
    guessed, is not shown)."""
    rows = (
        AccessAttempt.objects.exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), addresses=Count("ip_address", distinct=True))
        .annotate(first_attempt=Min("attempt_time"))
        .filter(failures__gte=settings.LOCKOUT_ALARM_FAILURES)
        .order_by("-failures", "username")
    )
    names = {r["username"] for r in rows}
    existing = set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
    ours = set(
        Membership.objects.filter(
            user__username__in=existing, organisation__region_id__in=list(region_ids)
        ).values_list("user__username", flat=True)
    )
    shown = [
        Guessed(r["username"], r["failures"], r["addresses"], r["first_attempt"])
        for r in rows
        if r["username"] in ours
    ]
    return shown, len(names - existing)


def failed_sign_in(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """After django-axes counted a failed sign-in: raise the alarm when the account's failures over all
    addresses reach the threshold (once per crossing: at the threshold and each multiple of it)."""
    username = str(credentials.get("username") or "")
    if not username:
        return
    failures = (
        AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    )
    threshold = settings.LOCKOUT_ALARM_FAILURES
    if failures < threshold or failures % threshold:
        return
    addresses = AccessAttempt.objects.filter(username=username).values("ip_address").distinct().count()
    logger.warning("Sign-in alarm: %s failed attempts on one account from %s addresses", failures, addresses)
    user = get_user_model().objects.filter(username=username).first()
    record(SYSTEM, action="alarm", object_type="sign_in", object_id=username[:60], outcome="denied")
    if user is None:
        return
    regions = Membership.objects.filter(user=user).values("organisation__region_id")
    admins = (
        Membership.objects.active()
        .filter(role=Role.FUNCTIONAL_ADMIN, organisation__region_id__in=regions)
        .values_list("user_id", flat=True)
    )
    with override(settings.LANGUAGE_CODE):
        title = _("Many failed sign-in attempts on one account, from several addresses")
    notify(set(admins), title, reverse("workspace:administration"))
