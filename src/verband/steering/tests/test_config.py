"""The indicator sets: every file validates, with clear errors for a file that does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from verband.steering import config, selectors


def test_every_built_in_set_validates():
    config.indicator_sets.cache_clear()
    sets = {s.key: s for s in config.indicator_sets()}
    assert {"kernindicatoren", "kompas"} <= set(sets)
    kompas = sets["kompas"]
    assert len({i.group for i in kompas.indicators}) == 5
    for indicator in kompas.indicators:
        assert indicator.computable or indicator.why_not
    # Every computation of the engine is shown by at least one indicator.
    computed = {i.compute for s in sets.values() for i in s.indicators if i.computable}
    assert computed == set(config.COMPUTATIONS)


def test_selectors_list_sets_and_indicators():
    config.indicator_sets.cache_clear()
    keys = [k for k, _t, _i in selectors.indicator_sets()]
    assert keys[:2] == ["kernindicatoren", "kompas"]
    info = selectors.indicator("veiligheidsbeoordeling_binnen_norm")
    assert (info.unit, info.norm, info.norm_direction, info.compute) == (
        "percent",
        90,
        "at_least",
        "assessment_within_norm",
    )
    assert "5 werkdagen" in info.definition
    with pytest.raises(KeyError):
        selectors.indicator("bestaat_niet")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("key: x1\ntitle: X\nindicators: []\n", "indicators"),
        (
            "key: x1\ntitle: X\nindicators:\n  - {key: a1, title: A, definition: D, group: G, compute: nothing}\n",
            "computes no 'nothing'",
        ),
        (
            "key: x1\ntitle: X\nindicators:\n  - {key: a1, title: A, definition: D, group: G, computable: false}\n",
            "why_not",
        ),
        (
            "key: x1\ntitle: X\nindicators:\n  - {key: a1, title: A, definition: D, group: G, "
            "compute: handover_refused, measure: count}\n",
            "is a share",
        ),
        ("key: x1\ntitle: X\ncolour: red\nindicators: []\n", "colour"),
        ("key: [unclosed\n", "cannot be read"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_error(tmp_path: Path, body: str, problem: str):
    path = tmp_path / "set.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"set\.yaml") as error:
        config.load_file(path)
    assert problem in str(error.value)


def test_a_regions_own_set_is_loaded_from_the_configured_folder(tmp_path: Path):
    (tmp_path / "regio.yaml").write_text(
        "key: regio\ntitle: Eigen set\nindicators:\n"
        "  - {key: regio_overdrachten, title: Overdrachten, definition: Aantal, group: Eigen, compute: handovers}\n",
        encoding="utf-8",
    )
    with override_settings(STEERING_INDICATORS_DIR=str(tmp_path)):
        config.indicator_sets.cache_clear()
        try:
            assert selectors.indicator("regio_overdrachten").compute == "handovers"
            call_command("check_indicators")
        finally:
            config.indicator_sets.cache_clear()
