from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from verband.accounts.models import ApiScope, ApiToken, User
from verband.network.models import Membership
from verband.sharing.grants import GrantsLogged, log_inline_memberships


def guards_privileges(request: HttpRequest, user: Any) -> bool:
    """A functional administrator configures other people's accounts, never their own and never a
    superuser's: nobody can raise their own privileges through the admin. Only a superuser (created on
    the command line) may change superusers and their own account."""
    if request.user.is_superuser:
        return False
    return user is not None and (user.pk == request.user.pk or user.is_superuser)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    exclude = ["granted_by", "approved_at", "approved_by"]
    autocomplete_fields = ["organisation", "team"]
    filter_horizontal = ["networks"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not guards_privileges(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not guards_privileges(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not guards_privileges(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(GrantsLogged, BaseUserAdmin):
    log_object_type = "user"
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Identity provider"), {"fields": ["oidc_subject"]}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]
            if obj is not None:
                # Who signs in as this person through the identity provider, and where a matching e-mail
                # address would link it: never rebound by an administrator alone (an account taken over).
                fields += ["oidc_subject", "email"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not guards_privileges(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not guards_privileges(request, obj) and super().has_delete_permission(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            log_inline_memberships(request, formset)


@admin.register(ApiToken)
class ApiTokenAdmin(GrantsLogged):
    log_object_type = "api_token"
    list_display = [
        "name",
        "organisation",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["organisation"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = [
        "organisation",
        "name",
        "scopes",
        "expires_at",
        "revoked_at",
        "prefix",
        "created_at",
        "last_used_at",
    ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "scopes":
            from django import forms

            return forms.TypedMultipleChoiceField(
                choices=ApiScope.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=_("scopes"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            raw = obj.set_token()
            messages.warning(
                request,
                _("Copy this token now; it is not shown again: %(token)s") % {"token": raw},
            )
        super().save_model(request, obj, form, change)
