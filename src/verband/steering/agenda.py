"""Indicators off their norm go onto the region's tactical platform's agenda (issue 15, item 5): after each
refresh, the last closed quarter of every region with a tactical platform is read, and each indicator that
misses its norm there becomes an agenda item — once per indicator and quarter, however often the numbers
are refreshed. Numbers only: the item names the indicator, the value and the norm, never a household."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.platforms import services as platforms
from verband.platforms.models import Level, Platform
from verband.steering.selectors import Scope, closed_periods, number_text, off_norm, period_label


def feed_platform_agendas(today: date | None = None) -> int:
    """Put every indicator off its norm in the last closed quarter on its region's tactical platform's agenda;
    the number of items added."""
    period = closed_periods("quarter", 1, today=today)[0]
    added = 0
    for platform in Platform.objects.filter(level=Level.TACTICAL).order_by("pk"):
        misses = off_norm(Scope(region_id=platform.region_id), "quarter", period)
        with override("nl"):  # stored in the language of the region, whoever's job writes it
            for info, cell in misses:
                assert info.norm is not None  # off_norm only gives indicators with a norm
                below = info.norm_direction != "at_most"
                title = _("%(indicator)s off its norm in %(period)s") % {
                    "indicator": info.title,
                    "period": period_label(period),
                }
                text = (
                    _("%(value)s in %(period)s; the norm is at least %(norm)s.")
                    if below
                    else _("%(value)s in %(period)s; the norm is at most %(norm)s.")
                ) % {
                    "value": cell.shown,
                    "period": period_label(period),
                    "norm": number_text(info.norm, info.unit),
                }
                item = platforms.add_indicator_item(
                    platform, title, f"{text} {info.definition}", indicator=f"{info.key}@{period}"
                )
                added += item is not None
    return added
