"""The choices of a steering page: which part of the network (one of the scopes this person may choose),
by month, quarter or year, compared by what, and which quarter for the report."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.translation import gettext_lazy as _

from verband.steering.selectors import By, Grain, closed_periods, period_label

GRAINS: dict[str, Grain] = {"maand": "month", "kwartaal": "quarter", "jaar": "year"}
GRAIN_LABELS = (("maand", _("Month")), ("kwartaal", _("Quarter")), ("jaar", _("Year")))
PERIODS = {"month": 12, "quarter": 8, "year": 5}
BY: dict[str, By] = {
    "netwerk": "network",
    "organisatie": "organisation",
    "team": "team",
    "gebied": "area",
    "regio": "region",
}
BY_LABELS = {
    "netwerk": _("Network"),
    "organisatie": _("Organisation"),
    "team": _("Team"),
    "gebied": _("Area (postcode)"),
    "regio": _("Region"),
}


class ScopeFilter(forms.Form):
    """`bereik` is the number of a scope in the person's list (`selectors.allowed_scopes`)."""

    bereik = forms.TypedChoiceField(label=_("Part of the network"), coerce=int, required=False)
    periode = forms.ChoiceField(label=_("Per"), choices=GRAIN_LABELS, required=False)

    def __init__(self, data: Any, scopes: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["bereik"].choices = [(str(i), label) for i, (label, _scope) in enumerate(scopes)]  # type: ignore[attr-defined]

    def chosen(self, default_grain: str = "maand") -> tuple[int, str]:
        """The scope's number and the grain's Dutch key; the defaults for what is missing or wrong."""
        if not self.is_valid():
            return 0, default_grain
        index = self.cleaned_data.get("bereik")
        return (index if isinstance(index, int) else 0), (self.cleaned_data.get("periode") or default_grain)


def recent_quarters(today: date, count: int = 8) -> list[tuple[str, str]]:
    """The last `count` closed quarters, newest first, as ("2026-Q3", "K3 2026")."""
    return [(key, period_label(key)) for key in reversed(closed_periods("quarter", count, today))]


def quarter_end(key: str) -> date | None:
    """ "2026-Q3" → 1 October 2026 (the day after the quarter); None for anything else."""
    year, _sep, number = key.partition("-Q")
    if not (year.isascii() and year.isdigit() and len(year) == 4 and number in {"1", "2", "3", "4"}):
        return None
    return date(int(year), 3 * (int(number) - 1) + 1, 1) + relativedelta(months=3)


class ReportForm(forms.Form):
    bereik = forms.TypedChoiceField(label=_("Region or part of it"), coerce=int)
    kwartaal = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, data: Any, scopes: list[tuple[str, Any]], today: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["bereik"].choices = [(str(i), label) for i, (label, _scope) in enumerate(scopes)]  # type: ignore[attr-defined]
        self.fields["kwartaal"].choices = recent_quarters(today)  # type: ignore[attr-defined]
