"""The forms of getting in at the household's door: the invitation code, the account, the second factor,
the sign-in; and the regisseur's forms (invite, stop)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from verband.accounts.forms import LoginForm
from verband.accounts.models import User
from verband.forms import IdField
from verband.portal.models import CODE_GROUP_LENGTH, CODE_GROUPS, normalise_code
from verband.text import refuse_nul


class DoorLoginForm(LoginForm):
    """The password step at the household's door: only household accounts (a professional's account gets
    the same answer as a wrong password)."""

    household_door = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A shared phone or computer: the browser does not offer the next person her username (which may
        # be her name) from its history of what was typed. Password managers still fill it if she uses one.
        self.fields["username"].widget.attrs["autocomplete"] = "off"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=40,
        help_text=_("The code on the letter you received, for example ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code from your letter.")},
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_GROUPS * CODE_GROUP_LENGTH:
            raise forms.ValidationError(_("The code has 16 letters and digits. Check the letter."))
        return code


METHOD_APP = "app"
METHOD_EMAIL = "email"


class AccountForm(forms.Form):
    """The member chooses a username and a password, and how to confirm each sign-in."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . - _ only. Choose a name that does not give you away."),
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters. A few words in a row are easy to remember."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    method = forms.ChoiceField(
        label=_("How do you want to confirm each sign-in?"),
        choices=[
            (METHOD_APP, _("With an authenticator app on my phone")),
            (METHOD_EMAIL, _("With a code by e-mail")),
        ],
        initial=METHOD_APP,
        widget=forms.RadioSelect,
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        refuse_nul(username)
        # "thuis-uitnodiging" is the name under which wrong invitation codes count (door_views).
        if username.lower() == "thuis-uitnodiging" or User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another."), code="taken")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(username=cleaned.get("username") or "", household_member=True)
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Use an address only you can read. The e-mail contains nothing but the code."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class InviteForm(forms.Form):
    person = IdField(required=True, error_messages={"required": _("Choose a member.")})
