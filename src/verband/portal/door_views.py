"""Getting in at the household's door (/thuis/): redeeming the invitation code (code → account → second
factor), signing in (password, then the one-time code of the app or the e-mail), signing out, and the
quick exit that ends the session.

Nothing is written until the member proved the second factor: the steps before keep what was chosen in
the session (the password only as its hash), and the last step makes the account, its device and the
redeemed access in one transaction (`services.redeem`). A wrong, expired or used code gets one answer,
and wrong codes count towards the lockout of the sign-in (django-axes, per address)."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from verband.accounts.forms import TokenForm
from verband.accounts.middleware import DOOR_SESSION, LAST_SEEN, SIGNED_IN_AT
from verband.accounts.models import User
from verband.accounts.twofactor import second_factor_done
from verband.accounts.views import enrolment
from verband.actors import Actor, Channel
from verband.portal.access import open_access_for
from verband.portal.forms import METHOD_APP, AccountForm, CodeForm, DoorLoginForm, EmailForm
from verband.portal.oidc import LINK_SESSION_KEY
from verband.portal.services import RedeemFailed, redeem, redeemable_access
from verband.sharing.access import actor_for_request, client_ip
from verband.sharing.accesslog import record

REDEEM = "portal_redeem"
# How long the steps of redeeming may take, from the code to the second factor.
REDEEM_MINUTES = 30
# Wrong one-time codes while setting up, before the member has to start over.
REDEEM_TRIES = 5
# The "username" under which wrong invitation codes count towards the lockout (per address).
CODE_LOCKOUT_NAME = "thuis-uitnodiging"
EMAIL_SENT = "portal_email_sent"


def home_url() -> str:
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return "/thuis/"


def _provider() -> str:
    return settings.HOUSEHOLD_OIDC_PROVIDER_NAME or _("your digital identity")


def _oidc_context() -> dict[str, Any]:
    return {"oidc_enabled": settings.HOUSEHOLD_OIDC_ENABLED, "oidc_provider": _provider()}


def _door_actor(request: HttpRequest, **extra: Any) -> Actor:
    return Actor(channel=Channel.HOUSEHOLD, ip_address=client_ip(request), path=request.path[:300], **extra)


def _log_member(request: HttpRequest, access: Any, action: str, object_type: str) -> None:
    """An entry on the household channel about the member's own data (their household and person)."""
    record(
        actor_for_request(request),
        action=action,
        object_type=object_type,
        household_id=access.household_id if access is not None else None,
        person_id=access.person_id if access is not None else None,
    )


# --- Redeeming the invitation --------------------------------------------------------------------


def _state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(REDEEM)
    if not isinstance(state, dict) or state.get("until", 0) < time.time():
        request.session.pop(REDEEM, None)
        return None
    return state


def _save_state(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[REDEEM] = state
    request.session.modified = True


def _code_credentials() -> dict[str, str]:
    return {"username": CODE_LOCKOUT_NAME}


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def redeem_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the invitation code."""
    if request.user.is_authenticated:
        return redirect(home_url())
    form = CodeForm(data=request.POST or None)
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, _code_credentials()):
            record(_door_actor(request), action="redeem", object_type="member_access", outcome="denied")
            return render(request, "portal/locked.html", status=429)
        if form.is_valid():
            access = redeemable_access(form.cleaned_data["code"])
            if access is not None:
                _save_state(request, {"access": access.pk, "until": time.time() + REDEEM_MINUTES * 60})
                return redirect("portal:redeem_account")
        if "code" not in form.errors:
            form.add_error("code", _("This code is not correct, has expired or has been used already."))
        record(_door_actor(request), action="redeem", object_type="member_access", outcome="denied")
        user_login_failed.send(sender=__name__, credentials=_code_credentials(), request=request)
        # This attempt still gets the neutral answer; the next one finds the door locked (below, not the
        # professionals' lockout page of axes' middleware).
        request.axes_locked_out = False  # type: ignore[attr-defined]
    return render(request, "portal/redeem_code.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def redeem_account_view(request: HttpRequest) -> HttpResponse:
    """Step 2: a username, a password and how to confirm each sign-in."""
    state = _state(request)
    if state is None or request.user.is_authenticated:
        return redirect("portal:redeem")
    initial = {"username": state.get("username", ""), "method": state.get("method", METHOD_APP)}
    form = AccountForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and not AxesProxyHandler.is_allowed(request, _code_credentials()):
        record(_door_actor(request), action="redeem", object_type="member_access", outcome="denied")
        return render(request, "portal/locked.html", status=429)
    if request.method == "POST" and form.has_error("username", code="taken"):
        # "Taken" tells whether an account has this username (hers, at the door): each answer counts
        # towards the lockout of the invitation step, as a wrong code does, so names cannot be tried
        # without end.
        user_login_failed.send(sender=__name__, credentials=_code_credentials(), request=request)
        request.axes_locked_out = False  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        state.update(
            username=form.cleaned_data["username"],
            password=make_password(form.cleaned_data["password1"]),
            method=form.cleaned_data["method"],
            tries=0,
        )
        _save_state(request, state)
        return redirect("portal:redeem_app" if state["method"] == METHOD_APP else "portal:redeem_email")
    return render(request, "portal/redeem_account.html", {"form": form, **_oidc_context()})


def _finish_redeem(request: HttpRequest, state: dict[str, Any], make_device: Any) -> HttpResponse | None:
    """Make everything at once; None when the code was wrong (nothing was written)."""
    try:
        made = redeem(
            state["access"],
            username=state["username"],
            password_hash=state["password"],
            make_device=make_device,
            actor=_door_actor(request),
        )
    except RedeemFailed:
        request.session.pop(REDEEM, None)
        messages.error(request, _("This invitation can no longer be used. Ask your contact for a new one."))
        return redirect("portal:redeem")
    if made is None:
        return None
    access, user, device = made
    request.session.pop(REDEEM, None)
    _sign_in(request, user)
    otp_login(request, device)
    request.member_access = access  # type: ignore[attr-defined]
    request.session.cycle_key()
    _log_member(request, access, "sign_in", "session")
    messages.success(
        request, _("Your access is ready. From now on, sign in with your username and password.")
    )
    return redirect(home_url())


def _wrong_code(
    request: HttpRequest, state: dict[str, Any], form: TokenForm, message: str
) -> HttpResponse | None:
    state["tries"] = state.get("tries", 0) + 1
    if state["tries"] >= REDEEM_TRIES:
        request.session.pop(REDEEM, None)
        messages.error(request, _("Too many wrong codes. Start again with the code from your letter."))
        return redirect("portal:redeem")
    _save_state(request, state)
    form.add_error("token", message)
    return None


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def redeem_app_view(request: HttpRequest) -> HttpResponse:
    """Step 3 with an authenticator app: scan the QR code and prove it with a code."""
    state = _state(request)
    if state is None or request.user.is_authenticated or "password" not in state:
        return redirect("portal:redeem")
    if "totp_key" not in state:
        state["totp_key"] = random_hex(20)
        _save_state(request, state)
    key = state["totp_key"]
    # Not saved: only for the QR code (the label is the chosen username).
    probe = TOTPDevice(
        key=key, name=_("Authenticator app"), user=User(username=state["username"], household_member=True)
    )
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]

        def make_device(user: Any) -> TOTPDevice | None:
            device = TOTPDevice.objects.create(
                user=user, key=key, name=_("Authenticator app"), confirmed=True
            )
            return device if device.verify_token(token) else None

        done = _finish_redeem(request, state, make_device)
        if done is not None:
            return done
        again = _wrong_code(
            request, state, form, _("This code is not correct. Check the time on your phone and try again.")
        )
        if again is not None:
            return again
    return render(request, "portal/redeem_app.html", {"form": form, **enrolment(probe)})


def _send_email_code(request: HttpRequest, state: dict[str, Any], email: str) -> None:
    device = EmailDevice(email=email)
    device.generate_token(valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=False)
    body = get_template(settings.OTP_EMAIL_BODY_TEMPLATE_PATH).render({"token": device.token})
    device.send_mail(body)
    assert device.valid_until is not None
    state.update(
        email=email,
        email_token=device.token,
        email_valid_until=device.valid_until.isoformat(),
        email_sent_at=time.time(),
    )
    _save_state(request, state)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def redeem_email_view(request: HttpRequest) -> HttpResponse:
    """Step 3 with an e-mail code: the address, then the code sent to it."""
    state = _state(request)
    if state is None or request.user.is_authenticated or "password" not in state:
        return redirect("portal:redeem")
    email_form = EmailForm(initial={"email": state.get("email", "")})
    token_form = TokenForm()
    token_form.fields["token"].help_text = _("The six digits in the e-mail.")
    if request.method == "POST" and "send" in request.POST:
        email_form = EmailForm(data=request.POST)
        if email_form.is_valid():
            sent_at = state.get("email_sent_at", 0)
            if time.time() - sent_at < 30 and state.get("email") == email_form.cleaned_data["email"]:
                messages.info(
                    request, _("The code was sent a moment ago. Wait a little before asking again.")
                )
            else:
                _send_email_code(request, state, email_form.cleaned_data["email"])
                messages.info(request, _("We have sent a code to this address."))
            return redirect("portal:redeem_email")
    elif request.method == "POST" and "email_token" in state:
        token_form = TokenForm(data=request.POST)
        token_form.fields["token"].help_text = _("The six digits in the e-mail.")
        if token_form.is_valid():
            token = token_form.cleaned_data["token"]
            valid_until = parse_datetime(state["email_valid_until"])

            def make_device(user: Any) -> EmailDevice | None:
                device = EmailDevice.objects.create(
                    user=user,
                    email=state["email"],
                    name=_("E-mail"),
                    token=state["email_token"],
                    valid_until=valid_until or timezone.now(),
                    confirmed=True,
                )
                return device if device.verify_token(token) else None

            done = _finish_redeem(request, state, make_device)
            if done is not None:
                return done
            again = _wrong_code(
                request, state, token_form, _("This code is not correct or has expired. Ask for a new code.")
            )
            if again is not None:
                return again
    return render(
        request,
        "portal/redeem_email.html",
        {
            "email_form": email_form,
            "form": token_form,
            "sent": "email_token" in state,
            "email": state.get("email"),
        },
    )


# --- Signing in and out -----------------------------------------------------------------------


def _sign_in(request: HttpRequest, user: Any) -> None:
    auth_login(request, user, backend="verband.accounts.backends.VerbandModelBackend")
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[DOOR_SESSION] = True


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if (
        request.user.is_authenticated
        and getattr(request.user, "household_member", False)
        and second_factor_done(request)
    ):
        return redirect(home_url())
    form = DoorLoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid() and open_access_for(form.user_cache) is not None:
            _sign_in(request, form.user_cache)
            return redirect("portal:verify")
        if not form.errors:
            # An account whose access was stopped: the answer of a wrong password.
            form.add_error(None, DoorLoginForm.error_messages["invalid_login"])
    if request.GET.get("oidc") == "mislukt":
        messages.error(
            request, _("Signing in through %(provider)s did not succeed.") % {"provider": _provider()}
        )
    return render(request, "portal/login.html", {"form": form, **_oidc_context()})


def _device_for(user: Any) -> TOTPDevice | EmailDevice | None:
    totp = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if totp is not None:
        return totp
    return EmailDevice.objects.devices_for_user(user, confirmed=True).first()


def _demo_code(device: Any) -> str | None:
    if not settings.DEMO_MODE or not isinstance(device, TOTPDevice) or not device.user.is_demo:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or not getattr(user, "household_member", False):
        return redirect("portal:login")
    if second_factor_done(request):
        return redirect(home_url())
    device = _device_for(user)
    if device is None:
        auth_logout(request)
        return redirect("portal:login")
    by_email = isinstance(device, EmailDevice)
    form = TokenForm(data=request.POST if request.method == "POST" and "resend" not in request.POST else None)
    if by_email:
        form.fields["token"].help_text = _("The six digits in the e-mail we sent you.")
        if (request.method == "POST" and "resend" in request.POST) or not request.session.get(EMAIL_SENT):
            allowed, _details = device.generate_is_allowed()
            if allowed:
                device.generate_challenge()
                request.session[EMAIL_SENT] = True
                if request.method == "POST":
                    messages.info(request, _("We have sent a new code."))
            elif request.method == "POST":
                messages.info(
                    request, _("The code was sent a moment ago. Wait a little before asking again.")
                )
            if request.method == "POST":
                return redirect("portal:verify")
    if request.method == "POST" and form.is_bound and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a moment and try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(EMAIL_SENT, None)
            request.session.cycle_key()
            access = open_access_for(user)
            request.member_access = access  # type: ignore[attr-defined]
            _log_member(request, access, "sign_in", "session")
            return redirect(home_url())
        else:
            form.add_error("token", _("This code is not correct or has expired."))
    return render(
        request,
        "portal/verify.html",
        {"form": form, "by_email": by_email, "demo_code": _demo_code(device)},
    )


@require_POST
def oidc_link_view(request: HttpRequest) -> HttpResponse:
    """Redeeming with the citizen identity provider instead of a password: after the invitation code, the
    member signs in at the provider, whose subject is linked to their new account (`portal.oidc`)."""
    state = _state(request)
    if state is None or request.user.is_authenticated or not settings.HOUSEHOLD_OIDC_ENABLED:
        return redirect("portal:redeem")
    request.session[LINK_SESSION_KEY] = state["access"]
    return redirect("portal:oidc_start")


@never_cache
def oidc_done_view(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider, signed in: the door's session rules, and the sign-in logged."""
    user = request.user
    if not (
        user.is_authenticated and getattr(user, "household_member", False) and second_factor_done(request)
    ):
        return redirect("portal:login")
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[DOOR_SESSION] = True
    access = getattr(request, "member_access", None) or open_access_for(user)
    _log_member(request, access, "sign_in", "session")
    return redirect(home_url())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        _log_member(request, getattr(request, "member_access", None), "sign_out", "session")
    auth_logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect("portal:login")


@csrf_exempt
@require_POST
def quick_exit_view(request: HttpRequest) -> HttpResponse:
    """ "Leave quickly": the page has already gone (door.js sends this as a beacon); the session ends here.
    Without the CSRF check on purpose: ending a household member's session is all it does, and the beacon
    must work even when the token is gone."""
    if not request.user.is_authenticated:
        auth_logout(request)  # whatever is left of a session (e.g. an invitation half redeemed)
    elif getattr(request.user, "household_member", False):
        _log_member(request, getattr(request, "member_access", None), "sign_out", "session")
        auth_logout(request)
    # A professional's session is not ended from here: without the CSRF check, another site could.
    return HttpResponse(status=204)
