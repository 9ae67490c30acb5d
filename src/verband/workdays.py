"""Working days in the Netherlands: weekends and Dutch public holidays (from the `holidays` package)
do not count. Time norms ("assessment within 5 working days") are counted with these functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date | datetime, days: int) -> date:
    """The date `days` working days after `start`. With 0 it is `start` itself, or the next working
    day when `start` is not one."""
    day = timezone.localdate(start) if isinstance(start, datetime) else start
    while not is_working_day(day):
        day += timedelta(days=1)
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end` (counting `end`, not `start`); negative when `end` is
    earlier."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
