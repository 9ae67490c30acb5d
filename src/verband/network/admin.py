from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from verband.accounts.admin import guards_privileges
from verband.network.models import (
    CoverageArea,
    KindChange,
    Membership,
    Network,
    Organisation,
    Region,
    RegionNorms,
    ShelterAddress,
    Team,
)
from verband.sharing.grants import GrantsLogged, ask_kind_change


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
class OrganisationAdmin(GrantsLogged):
    """Organisations: every addition, change (with the fields changed) and removal is in the access log
    under the administrator's name. A change of kind is held until a second functional administrator of
    the region approves it (`sharing.grants.ask_kind_change`): the kind decides what others are shielded
    from and how long households are kept, so no one administrator changes it alone."""

    log_object_type = "organisation"
    log_actions = {"add": "create", "change": "change", "delete": "delete"}
    list_display = ["name", "kind", "phone", "email", "active"]
    list_filter = ["kind", "active", "region"]
    search_fields = ["name", "short_name"]
    readonly_fields = ["kind_waiting"]
    inlines = [TeamInline]

    @admin.display(description=_("change of kind waiting for approval"))
    def kind_waiting(self, obj: Organisation) -> str:
        waiting = (
            KindChange.objects.filter(organisation_id=obj.pk, approved_at__isnull=True)
            .select_related("granted_by")
            .first()
            if obj.pk
            else None
        )
        if waiting is None:
            return "—"
        return _(
            "%(kind)s, asked by %(name)s: waits for a second functional administrator of the region."
        ) % {
            "kind": waiting.get_to_kind_display(),
            "name": waiting.granted_by.display_name if waiting.granted_by else "—",
        }

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        asked = None
        if change and "kind" in form.changed_data:
            # Saved with the kind it has; the new kind waits for a second person.
            asked = obj.kind
            obj.kind = Organisation.objects.values_list("kind", flat=True).get(pk=obj.pk)
        obj._logged_fields = [f for f in form.changed_data if f != "kind"]  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        if asked is not None and ask_kind_change(request, obj, asked) is not None:
            messages.warning(
                request,
                _(
                    "The new kind waits for approval by a second functional administrator of the region; "
                    "until then the organisation keeps its kind."
                ),
            )

    def log_basis(self, obj: Organisation) -> str:
        fields = getattr(obj, "_logged_fields", [])
        return f"fields:{obj._meta.label_lower}:{','.join(fields)}" if fields else ""


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
                    "acknowledge_days",
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
