"""The filter of the caseload list (`workspace.caseload`): plain GET fields, so a filtered list is a link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verband.forms import BoundedText, Choice
from verband.households.models import Level
from verband.safety.models import Phase

ANY = ("", _("All"))


class CaseloadFilter(forms.Form):
    referentie = BoundedText(label=_("Reference contains"), max_length=20)
    fase = Choice(
        label=_("Phase"),
        choices=[ANY, *Phase.choices, ("geen", _("No assessment yet"))],
        message=_("Choose a phase from the list."),
        required=False,
    )
    niveau = Choice(
        label=_("Level"),
        choices=[ANY, *Level.choices],
        message=_("Choose a level from the list."),
        required=False,
    )
    regie = Choice(
        label=_("Regisseur"),
        choices=[ANY, ("ik", _("Me")), ("ander", _("Someone else")), ("geen", _("Nobody yet"))],
        message=_("Choose from the list."),
        required=False,
    )
    contact = Choice(
        label=_("Last contact"),
        choices=[
            ANY,
            ("14", _("Longer than 2 weeks ago or never")),
            ("30", _("Longer than 30 days ago or never")),
            ("90", _("Longer than 90 days ago or never")),
            ("nooit", _("Never")),
        ],
        message=_("Choose from the list."),
        required=False,
    )
    overleg = Choice(
        label=_("Next meeting"),
        choices=[ANY, ("gepland", _("Planned")), ("geen", _("None planned"))],
        message=_("Choose from the list."),
        required=False,
    )
    achterstand = forms.BooleanField(label=_("Only with overdue actions"), required=False)
    gevaar = forms.BooleanField(label=_("Only with danger for professionals"), required=False)
