"""Imports have a direction: the contracts in pyproject.toml ([tool.importlinter]) hold for the code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]


def test_apps_depend_downwards_and_nothing_imports_the_interfaces(capsys: pytest.CaptureFixture[str]) -> None:
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(here)
    assert code == 0, capsys.readouterr().out
