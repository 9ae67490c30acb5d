"""Sign-in in two steps (password, then one-time code), enrolment of an authenticator app, sign-out and
choosing which membership to act for."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.forms import LoginForm, SwitchMembershipForm, TokenForm
from verband.accounts.middleware import ACTING_MEMBERSHIP, LAST_SEEN, SIGNED_IN_AT, choose_membership
from verband.accounts.twofactor import DEMO_DEVICE_NAME, second_factor_done
from verband.network.models import Membership
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record

NEXT_KEY = "verband_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and second_factor_done(request):
        return redirect("workspace:start")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.POST.get("next"))
        auth_login(request, form.user_cache, backend="verband.accounts.backends.VerbandModelBackend")
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        if next_url:
            request.session[NEXT_KEY] = next_url
        return redirect("accounts:verify")
    if request.GET.get("oidc") == "mislukt":
        messages.error(request, _("Signing in through your organisation's account did not succeed."))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", ""), "oidc_enabled": settings.OIDC_ENABLED},
    )


def _finish(request: HttpRequest) -> HttpResponse:
    # A new session id for the fully signed-in session: an id seen before the second factor (after the
    # password) is worth nothing afterwards.
    request.session.cycle_key()
    # ActingMembershipMiddleware chooses a role only once the second factor is given, which is after it
    # ran for this request: choose it here too, so that the sign-in is logged with organisation and role.
    request.membership = choose_membership(request)  # type: ignore[attr-defined]
    record(actor_for_request(request), action="sign_in", object_type="session")
    next_url = request.session.pop(NEXT_KEY, None)
    return redirect(next_url or "workspace:start")


def _demo_code(device: TOTPDevice) -> str | None:
    if not settings.DEMO_MODE or device.name != DEMO_DEVICE_NAME:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@login_required
def verify_view(request: HttpRequest) -> HttpResponse:
    if second_factor_done(request):
        return redirect("workspace:start")
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a moment and try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return _finish(request)
        else:
            form.add_error(
                "token", _("This code is not correct or has expired. Try the code your app shows now.")
            )
    return render(request, "accounts/verify.html", {"form": form, "demo_code": _demo_code(device)})


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def enrolment(device: TOTPDevice) -> dict[str, str]:
    """What an enrolment page shows of a new authenticator device: its QR code, and its secret in groups of
    four for typing it in by hand (the professionals' enrolment and the household's door alike)."""
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "qr": qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@login_required
def enrol_view(request: HttpRequest) -> HttpResponse:
    """First sign-in without an authenticator: register one, and prove it works with a code."""
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return _finish(request)
        form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
    return render(request, "accounts/enrol.html", {"form": form, **enrolment(device)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(actor_for_request(request), action="sign_out", object_type="session")
    auth_logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect(settings.LOGIN_URL)


@require_POST
@login_required
def switch_membership_view(request: HttpRequest) -> HttpResponse:
    form = SwitchMembershipForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of your roles."))
    wanted = form.cleaned_data["membership"]
    membership = Membership.objects.active().filter(user_id=request.user.pk or 0, pk=wanted).first()
    if membership is None:
        return HttpResponseBadRequest(_("Choose one of your roles."))
    request.session[ACTING_MEMBERSHIP] = membership.pk
    messages.success(request, _("You now act as %(role)s.") % {"role": str(membership)})
    return redirect("workspace:start")


def lockout_view(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page after too many failed sign-ins (django-axes): the professionals' page, or at the household's
    door its own page, which names no organisation and no administrator."""
    door = request.path_info.startswith("/thuis/")
    return render(request, "portal/locked.html" if door else settings.AXES_LOCKOUT_TEMPLATE, status=429)
