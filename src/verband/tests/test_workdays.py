from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verband.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 = next Monday
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # Friday + 2 = Tuesday
        (date(2026, 4, 24), 2, date(2026, 4, 29)),  # Friday; Koningsdag (Monday 27 April) is skipped
        (
            date(2026, 4, 2),
            1,
            date(2026, 4, 7),
        ),  # Thursday before Easter: Good Friday and Easter Monday skipped
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas Eve + 1: Christmas and Boxing Day skipped
        (date(2026, 11, 28), 0, date(2026, 11, 30)),  # Saturday, same-day norm: next working day
    ],
)
def test_known_deadlines(start, days, due):
    assert add_working_days(start, days) == due


def test_dutch_public_holidays_are_not_working_days():
    for holiday in [
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 14),
        date(2026, 12, 25),
    ]:
        assert not is_working_day(holiday)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(0, 40))
def test_adding_and_counting_agree(start, days):
    due = add_working_days(start, days)
    assert is_working_day(due)
    first = add_working_days(start, 0)
    assert working_days_between(first, due) == days
