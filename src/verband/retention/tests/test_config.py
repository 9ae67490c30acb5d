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
  police: {years: 5, basis: "Wpg", confirmed_on: 2026-01-15}
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
    assert retention.term("police").confirmed_on.isoformat() == "2026-01-15"
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
        (GOOD.replace("2026-01-15", "morgen"), "kinds.police.confirmed_on: Input should be a valid date"),
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


def test_a_key_given_twice_is_refused_with_the_file_and_the_line():
    """(Review finding) YAML lets a second `default:` silently win over the first: a period nobody
    meant. Refused, naming where."""
    twice = GOOD + "default: {years: 1, basis: x}\n"
    with pytest.raises(RetentionConfigError) as refused:
        parse(twice, source="regio.yaml")
    message = str(refused.value)
    assert "regio.yaml" in message and "'default' appears twice" in message
    assert "line 6" in message and "line 2" in message
    nested = GOOD.replace('basis: "Wpg"', 'basis: "Wpg", years: 50')
    with pytest.raises(RetentionConfigError, match="'years' appears twice: on line 4"):
        parse(nested, source="regio.yaml")


def test_a_period_confirmed_on_a_day_still_to_come_is_refused():
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    assert parse(GOOD.replace("2026-01-15", today.isoformat()), source="regio.yaml")
    tomorrow = (today + timedelta(days=1)).isoformat()
    with pytest.raises(RetentionConfigError) as refused:
        parse(GOOD.replace("2026-01-15", tomorrow), source="regio.yaml")
    assert "kinds.police.confirmed_on" in str(refused.value) and "after today" in str(refused.value)
