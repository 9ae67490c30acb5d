"""The Django admin is where the functional administrator configures the network. It sits behind the
same two-step sign-in, and only active staff with the functional administrator role reach it."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verband.accounts.twofactor import second_factor_done
from verband.network.models import Role


def _has_permission(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff and second_factor_done(request)):
        return False
    if user.is_superuser:
        return True
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Role.FUNCTIONAL_ADMIN


def _login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")


def protect_admin(site: AdminSite) -> None:
    site.site_header = _("Verband — configuration")
    site.site_title = _("Verband configuration")
    site.index_title = _("Network configuration")
    site.has_permission = _has_permission  # type: ignore[method-assign]
    site.login = _login  # type: ignore[method-assign]
