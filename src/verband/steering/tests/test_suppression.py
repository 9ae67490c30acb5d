"""Privacy of numbers: small cells, complementary suppression and merged areas."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from verband.steering import engine, selectors
from verband.steering.selectors import Scope
from verband.steering.suppression import lines, small, suppress_counts, too_few
from verband.steering.tests.history import at, region, signal, team


def test_small_cells_and_too_few_items():
    assert [small(n, 5) for n in (0, 1, 4, 5, 12)] == [False, True, True, False, False]
    assert small(None, 5) is False
    assert [too_few(n, 5) for n in (None, 0, 4, 5)] == [True, True, True, False]


def test_one_hidden_cell_in_a_column_with_a_total_hides_the_next_smallest():
    # Series 10, 3, 8 and their total 21: 3 is hidden; 21 - 10 - 8 would give it → 8 is hidden too.
    hidden = suppress_counts([[10], [3], [8], [21]], 5, column_sums=True, row_sums=False)
    assert hidden == [[False], [True], [True], [False]]


def test_hidden_cells_whose_sum_is_small_hide_one_more():
    # 1 and 2 hidden; their sum 3 (= 23 - 20) is itself small → 20 is hidden too.
    hidden = suppress_counts([[1], [2], [20], [23]], 5, column_sums=True, row_sums=False)
    assert hidden == [[True], [True], [True], [False]]


def test_without_a_total_only_small_cells_are_hidden():
    assert suppress_counts([[3, 10, 0]], 5, column_sums=False, row_sums=False) == [[True, False, False]]


def test_rows_and_columns_until_stable():
    values = [
        [3, 10, 13],
        [10, 10, 20],
        [13, 20, 33],
    ]
    hidden = suppress_counts(values, 5, column_sums=True, row_sums=True)
    assert hidden[0][0]
    for line in lines(3, 3, column_sums=True, row_sums=True):
        cells = [(values[r][c]) for r, c in line if hidden[r][c]]
        # No line has exactly one hidden cell, nor hidden cells that add up to a small number.
        assert len(cells) != 1
        assert not cells or sum(cells) >= 5
    # The grand total stays shown.
    assert not hidden[2][2]


def test_two_hidden_cells_with_a_sum_that_is_not_small_are_enough():
    # 2 and 4 are hidden; 6 - 0 = 6 tells their sum only, which is not small: the zero and the total stay.
    assert suppress_counts([[2], [4], [0], [6]], 5, column_sums=True, row_sums=False) == [
        [True],
        [True],
        [False],
        [False],
    ]


@pytest.mark.django_db
@override_settings(SMALL_CELL_THRESHOLD=5)
def test_small_areas_are_merged_and_hidden_when_still_too_small():
    r = region()
    t = team(r)
    for _ in range(6):
        signal(r, at(2026, 3, 2), postcode="3072 AB", activate=t)  # 6 households: its own row
    for _ in range(3):
        signal(r, at(2026, 3, 2), postcode="3011AB", activate=t)  # 3: merged
    signal(r, at(2026, 3, 2), postcode="3012AB", activate=t)  # 1: merged → "other areas" has 4
    engine.refresh(today=date(2026, 6, 15))
    table = selectors.comparison(
        "signalen_per_melder", Scope(region_id=r.pk), by="area", grain="quarter", period="2026-Q1"
    )
    # "Other areas" (4 households) is still too small: hidden; and 3072's 6 with it, else the region's 10
    # (on the region's own page) less 6 gives the other areas' 4.
    assert [row.label for row in table.rows] == ["3072"]
    assert table.rows[0].cells[-1].suppressed
    signal(r, at(2026, 3, 3), postcode="3013AB", activate=t)  # a 5th household in the small areas
    engine.refresh(today=date(2026, 6, 15))
    table = selectors.comparison(
        "signalen_per_melder", Scope(region_id=r.pk), by="area", grain="quarter", period="2026-Q1"
    )
    assert table.rows[0].label == "3072"
    assert table.rows[1].label in ("Other areas", "Overige gebieden")
    assert table.rows[1].cells[-1].value == 5


@pytest.mark.django_db
def test_the_area_is_the_signals_postcode_never_the_current_address():
    from verband.factories import AddressFactory, HouseholdMemberFactory

    r = region()
    t = team(r)
    for _ in range(5):
        s = signal(r, at(2026, 3, 2), postcode="3072AB", activate=t)
        member = HouseholdMemberFactory.create(household=s.household)
        # The victim now lives at a shelter address elsewhere: it must not show up as a count there.
        AddressFactory.create(person=member.person, postcode="9999ZZ")
    engine.refresh(today=date(2026, 6, 15))
    from verband.steering.models import IndicatorValue

    areas = set(IndicatorValue.objects.filter(dimension="area").values_list("dimension_id", flat=True))
    assert areas == {"3072"}
