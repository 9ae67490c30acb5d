from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from verband.network.models import Membership


def verband(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    memberships: list[Membership] = []
    if membership is not None:
        memberships = list(
            Membership.objects.active()
            .filter(user_id=request.user.pk or 0)
            .select_related("organisation", "team")
            .order_by("pk")
        )
    user_id = request.user.pk if getattr(request, "user", None) is not None else None

    def unread() -> int:
        from verband.notifications.models import Notification

        return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count() if user_id else 0

    def inbox() -> int:
        """Households waiting in the Werkbak: one query, only when the menu shows it."""
        from verband.signals.selectors import inbox_count

        return inbox_count(membership)

    from verband.network.models import OrganisationKind
    from verband.signals.selectors import may_report

    return {
        "demo_mode": settings.DEMO_MODE,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "may_report": may_report(membership),
        # The reporting centre confirms likely matches ("te bevestigen", `signals.confirmation`).
        "may_confirm_recognition": membership is not None
        and may_report(membership)
        and membership.organisation.kind == OrganisationKind.REPORTING_CENTRE,
        "unread_notifications": unread,
        "inbox_count": inbox,
        "acting": membership,
        "memberships": memberships,
    }
