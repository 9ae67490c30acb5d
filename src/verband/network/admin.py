from django.contrib import admin

from verband.network.models import CoverageArea, Membership, Network, Organisation, Region, Team


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


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "phone", "active"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [CoverageInline]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "is_pilot", "active"]
    filter_horizontal = ["organisations"]
    inlines = [CoverageInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "team", "role", "active"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation", "team"]
    filter_horizontal = ["networks"]
