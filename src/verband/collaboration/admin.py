"""The region's catalogue of kinds of help and the providers' capacity are configuration."""

from django.contrib import admin

from verband.collaboration.models import HelpKind, ProviderCapacity


class CapacityInline(admin.TabularInline):
    model = ProviderCapacity
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(HelpKind)
class HelpKindAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "default_funding", "waiting_norm_working_days", "shelter", "active"]
    list_filter = ["region", "shelter", "active"]
    search_fields = ["name"]
    inlines = [CapacityInline]
