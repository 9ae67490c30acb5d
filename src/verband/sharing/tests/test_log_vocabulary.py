"""The access log speaks a closed vocabulary: every action and object type the code writes has a Dutch
label on the privacy officer's page (no code identifiers such as "family_plan" there)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from verband.sharing.models import ACTION_LABELS, OBJECT_LABELS

SOURCE = Path(__file__).resolve().parents[2]
WRITERS = {"record", "record_many", "record_lists", "happened", "transition", "_entry"}


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def written() -> tuple[set[str], set[str]]:
    actions, objects = set(), set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            keywords = {k.arg: _literal(k.value) for k in node.keywords}
            if name in WRITERS:
                actions.add(keywords.get("action") or "")
                objects.add(keywords.get("object_type") or keywords.get("log_as") or "")
                if name == "happened" and len(node.args) >= 3:
                    objects.add(_literal(node.args[2]) or "")
            if name == "Shown" and node.args:
                objects.add(_literal(node.args[0]) or "")
    return actions - {""}, objects - {""}


def test_every_action_and_object_type_written_has_a_dutch_label():
    actions, objects = written()
    assert {"view", "emergency", "judge", "end"} <= actions and {"household", "plan_action"} <= objects
    assert not actions - set(ACTION_LABELS), "actions without a label"
    assert not objects - set(OBJECT_LABELS), "object types without a label"
    with translation.override("nl"):
        same_in_dutch = {"instrument", "regie"}
        untranslated = [key for key, label in {**ACTION_LABELS, **OBJECT_LABELS}.items() if str(label) == key]
        untranslated = [key for key in untranslated if key not in same_in_dutch]
    assert not untranslated
