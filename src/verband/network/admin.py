from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from verband.accounts.admin import guards_privileges
from verband.network.models import (
    CoverageArea,
    Membership,
    Network,
    Organisation,
    Region,
    RegionNorms,
    ShelterAddress,
    Team,
)
from verband.sharing.grants import GrantsLogged


class CoverageInline(admin.TabularInline):
    model = CoverageArea
    extra = 0
    fields = ["postcode_from", "postcode_to", "neighbourhood"]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "phone", "email", "active"]
    show_change_link = True


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "active"]
    list_filter = ["kind", "active", "region"]
    search_fields = ["name", "short_name"]
    inlines = [TeamInline]


@admin.register(ShelterAddress)
class ShelterAddressAdmin(GrantsLogged):
    log_object_type = "shelter_address"
    """Shelter locations: a person's address here is confidential whatever a reporter ticks, and never
    routes a signal."""

    list_display = ["postcode", "house_number", "organisation", "region"]
    list_filter = ["region"]
    search_fields = ["postcode", "organisation__name"]

    def save_model(self, request: HttpRequest, obj: ShelterAddress, form: Any, change: bool) -> None:
        from verband.households.addresses import apply_shelter_location
        from verband.sharing.access import actor_for_request

        super().save_model(request, obj, form, change)
        # Addresses already known at this location become confidential too.
        apply_shelter_location(actor_for_request(request), obj)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "phone", "active"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [CoverageInline]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "is_pilot", "active"]
    search_fields = ["name"]
    filter_horizontal = ["organisations"]
    inlines = [CoverageInline]


class MembershipForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = Membership
        fields = ["user", "organisation", "team", "role", "job_title", "networks", "active"]

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if self.request is not None and guards_privileges(self.request, user):
            raise forms.ValidationError(
                _("You cannot give yourself or a superuser a role; ask another administrator.")
            )
        return user


@admin.register(Membership)
class MembershipAdmin(GrantsLogged):
    log_object_type = "membership"
    readonly_fields = ["granted_by", "approved_at", "approved_by"]
    form = MembershipForm
    list_display = ["user", "organisation", "team", "role", "active", "approved_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation", "team"]
    filter_horizontal = ["networks"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = obj.user if obj is not None else None
        return not guards_privileges(request, user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = obj.user if obj is not None else None
        return not guards_privileges(request, user) and super().has_delete_permission(request, obj)


# The functional administrator sets each region's norms (working days) here.
@admin.register(RegionNorms)
class RegionNormsAdmin(admin.ModelAdmin):
    list_display = ["region", "handover_days", "assessment_days", "waiting_days", "no_regisseur_days"]
    fieldsets = [
        (None, {"fields": ["region"]}),
        (
            "Normen",
            {
                "fields": [
                    "handover_days",
                    "first_contact_days",
                    "assessment_days",
                    "action_grace_days",
                    "waiting_days",
                    "no_regisseur_days",
                    "meeting_interval_days",
                ]
            },
        ),
        (
            "Escalatieladder",
            {"fields": ["step_regisseur_days", "step_line_manager_days", "step_coordinator_days"]},
        ),
    ]
