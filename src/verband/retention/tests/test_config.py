"""The retention periods are configuration: a YAML file, validated when Verband starts. A bad file stops
Verband with a message that names the file and says what is wrong where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from verband.network.models import OrganisationKind
from verband.retention.config import BUILT_IN, RetentionConfigError, configured, load, parse

ROOT = Path(__file__).resolve().parents[4]
GOOD = """
default: {years: 20, basis: "Standaard"}
kinds:
  police: {years: 5, basis: "Wpg", confirmed_on: 2027-01-15}
  reporting_centre: {years: 20, until_youngest_child_is: 18, basis: "Wmo 2015"}
"""


def test_the_built_in_defaults_are_valid_and_say_where_each_period_comes_from():
    retention = load(BUILT_IN)
    assert set(retention.kinds) == set(OrganisationKind.values)
    assert all(term.basis and term.confirmed_on is None for term in retention.kinds.values())
    assert (
        retention.term("police").years == 5
        and retention.term("reporting_centre").until_youngest_child_is == 18
    )
    assert configured().source == str(BUILT_IN)


def test_a_region_file_is_read():
    retention = parse(GOOD, source="regio.yaml")
    assert retention.term("police").confirmed_on.isoformat() == "2027-01-15"
    assert retention.term("shelter") == retention.default  # not listed: the default
    assert retention.shortest_years == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("default: {years: 20, basis: x\n", "regio.yaml is not valid YAML"),
        ("- 1\n- 2\n", "(top): Input should be a valid dictionary"),
        ("kinds: {}\n", "default: Field required"),
        (GOOD.replace("police:", "polite:"), "unknown kind(s) of organisation: polite"),
        (
            GOOD.replace("years: 5", "years: 0"),
            "kinds.police.years: Input should be greater than or equal to 1",
        ),
        (GOOD.replace("years: 5", 'years: "vijf"'), "kinds.police.years: Input should be a valid integer"),
        (GOOD.replace("years: 5", "years: 5.5"), "kinds.police.years: Input should be a valid integer"),
        (GOOD.replace(', basis: "Wpg"', ""), "kinds.police.basis: Field required"),
        (GOOD.replace("confirmed_on", "confirmed"), "kinds.police.confirmed: Extra inputs are not permitted"),
        (GOOD.replace("2027-01-15", "morgen"), "kinds.police.confirmed_on: Input should be a valid date"),
        (
            GOOD.replace("until_youngest_child_is: 18", "until_youngest_child_is: 99"),
            "less than or equal to 30",
        ),
    ],
)
def test_a_bad_file_is_refused_with_what_is_wrong_where(text, message):
    with pytest.raises(RetentionConfigError) as refused:
        parse(text, source="regio.yaml")
    assert message in str(refused.value) and "regio.yaml" in str(refused.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RetentionConfigError, match="cannot be read"):
        load(tmp_path / "weg.yaml")


def start(tmp_path: Path, text: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "VERBAND_DATA_DIR": str(tmp_path)}
    if text is not None:
        path = tmp_path / "bewaartermijnen.yaml"
        path.write_text(text, encoding="utf-8")
        env["VERBAND_RETENTION_FILE"] = str(path)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verband_does_not_start_with_a_bad_file_and_starts_with_a_good_one(tmp_path):
    refused = start(tmp_path, GOOD.replace("years: 5", "years: -5"))
    assert refused.returncode != 0
    assert "RetentionConfigError" in refused.stderr and "kinds.police.years" in refused.stderr
    assert start(tmp_path, GOOD).returncode == 0
