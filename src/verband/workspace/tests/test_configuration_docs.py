from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from verband import env
from verband.workspace.configdoc import render


def test_configuration_doc_is_current():
    doc = Path(settings.PROJECT_DIR) / "docs" / "configuration.md"
    assert doc.read_text(encoding="utf-8") == render(), "run: verband config_docs --write"


def test_every_variable_is_documented():
    text = render()
    for name in env.REGISTRY:
        assert f"`{name}`" in text


@pytest.mark.parametrize(
    ("helper", "raw"),
    [(env.env_bool, "misschien"), (env.env_int, "twaalf")],
)
def test_bad_values_are_refused_with_the_variable_name(monkeypatch, helper, raw):
    monkeypatch.setenv("VERBAND_TEST_VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="VERBAND_TEST_VALUE"):
        helper("VERBAND_TEST_VALUE", 1, "test only")
    env.REGISTRY.pop("VERBAND_TEST_VALUE", None)


def test_typed_helpers_read_values(monkeypatch):
    monkeypatch.setenv("VERBAND_TEST_VALUE", "ja")
    assert env.env_bool("VERBAND_TEST_VALUE", False, "test only") is True
    monkeypatch.setenv("VERBAND_TEST_VALUE", "a, b,,c")
    assert env.env_list("VERBAND_TEST_VALUE", [], "test only") == ["a", "b", "c"]
    env.REGISTRY.pop("VERBAND_TEST_VALUE", None)
