"""The functional administrator sets each region's norms (working days) in the Django admin."""

from django.contrib import admin

from verband.network.models import RegionNorms


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
