"""The in-app notification list: every signed-in user has one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.notifications import services
from verband.notifications.models import Delivery, Notification
from verband.sharing.access import actor_for_request
from verband.text import errors_of


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user_id=request.user.pk or 0), 50).get_page(
        request.GET.get("pagina")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one as read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, notification.pk)  # type: ignore[arg-type]
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return redirect(notification.url if safe and notification.url.startswith("/") else "notifications:list")


@login_required
@require_POST
def read_all_view(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)  # type: ignore[arg-type]
    return redirect("notifications:list")


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """How my notifications come by e-mail: straight away, or once a day in a digest."""
    actor = actor_for_request(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.set_delivery(actor, request.POST.get("delivery", ""))
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications:settings")
    current = request.POST.get("delivery") or services.delivery_of(request.user)  # type: ignore[arg-type]
    context = {
        "choices": Delivery.choices,
        "current": current,
        "errors": errors,
        "digest_hour": settings.DIGEST_HOUR,
    }
    return render(request, "notifications/settings.html", context, status=400 if errors else 200)
