"""The public door's limit: at most VERBAND_PUBLIC_DOOR_LIMIT submissions per address (an IPv6 /64) per
VERBAND_PUBLIC_DOOR_WINDOW_MINUTES, counted in the database (`SubmissionCount`) so that every worker
process shares the count.

A fixed window per address: the first submission starts it, and each submission takes one place by one
conditional UPDATE (the window ended, or `count < limit`), so two requests at the same moment never both
take the last place. A refused submission costs two small queries and writes nothing. Windows that ended are pruned when a
new one starts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from verband.publicdoor.models import SubmissionCount
from verband.sharing.access import lockout_address


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (its /64 for IPv6): the same address gives the same key, and
    the key gives nothing back without the SECRET_KEY."""
    address = lockout_address(request) or "unknown"
    return hmac.new(
        settings.SECRET_KEY.encode(), f"publicdoor:{address}".encode(), hashlib.sha256
    ).hexdigest()


def take_place(request: HttpRequest) -> bool:
    """Count one submission for the request's address: True when it is within the limit, False (nothing
    counted) when the address used up its window."""
    key = address_key(request)
    limit = settings.PUBLIC_DOOR_LIMIT
    now = timezone.now()
    window_opened_after = now - timedelta(minutes=settings.PUBLIC_DOOR_WINDOW_MINUTES)
    rows = SubmissionCount.objects.filter(address_key=key)
    ended = Q(window_start__lte=window_opened_after)
    for _attempt in range(3):
        # One statement: a window that ended starts again with this submission; a current one with places
        # left gives one. Two requests at once never both take the last place, nor both restart a window.
        if rows.filter(ended | Q(count__lt=limit)).update(
            count=Case(When(ended, then=Value(1)), default=F("count") + 1),
            window_start=Case(When(ended, then=Value(now)), default=F("window_start")),
        ):
            return True
        if rows.exists():
            return False  # the window is full
        try:
            with transaction.atomic():
                SubmissionCount.objects.create(address_key=key, window_start=now, count=1)
        except IntegrityError:
            continue  # another request of this address created it first: count again
        prune(window_opened_after)
        return True
    return False


def prune(window_opened_after: object) -> int:
    """Remove the counts of windows that ended: an address is kept no longer than its window."""
    deleted, _per_model = SubmissionCount.objects.filter(window_start__lte=window_opened_after).delete()
    return deleted
