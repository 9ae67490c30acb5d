"""Routing as configuration: the functional administrator edits a region's routing rules here. Signals
and activations hold personal data and are not in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from verband.signals.models import RoutingRule, RuleCondition, RuleTarget


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "region", "name", "condition", "target", "organisation", "team", "network", "purpose",
            "norm_working_days", "urgent", "order", "active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if target == RuleTarget.FIXED and bool(data.get("team")) == bool(data.get("network")):
            raise forms.ValidationError(_("Choose either a team or a network for this rule."))
        if target == RuleTarget.COVERING_TEAM and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation whose teams cover the postcodes."))
        if data.get("condition") == RuleCondition.FALLBACK and target != RuleTarget.FIXED:
            self.add_error("target", _("The routing desk must be a fixed team or network."))
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = [
        "name",
        "region",
        "condition",
        "target",
        "purpose",
        "norm_working_days",
        "urgent",
        "active",
    ]
    list_filter = ["region", "condition", "active"]
    list_editable = ["norm_working_days", "active"]
    ordering = ["region", "order"]
    autocomplete_fields = ["organisation", "team", "network"]
