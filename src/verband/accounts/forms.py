from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from verband.forms import IdField


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Username or password is not correct."),
        "inactive": _("This account is not active."),
    }

    # Which accounts sign in here: the professionals' sign-in refuses household accounts and the household's
    # door (`verband.portal.forms.DoorLoginForm`) refuses professionals, with the answer of a wrong password.
    household_door = False

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is not None and bool(self.user_cache.household_member) != self.household_door:
                # Counted as a failed attempt, as a wrong password is (the lockout).
                self.user_cache = None
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=self.request
                )
            if self.user_cache is None:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            if not self.user_cache.is_active:
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("One-time code"),
        min_length=6,
        max_length=6,
        help_text=_("The six digits your authenticator app shows for Verband."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("Enter the six-digit code."),
            "min_length": _("The code has six digits."),
            "max_length": _("The code has six digits."),
        },
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of digits only."))
        return token


class SwitchMembershipForm(forms.Form):
    """Which of one's own memberships to act for (the view checks it is one's own and active)."""

    membership = IdField(
        required=True,
        error_messages={
            "required": _("Choose one of your roles."),
            "invalid": _("Choose one of your roles."),
        },
    )
