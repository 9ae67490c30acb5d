"""Statuses move only along declared transitions, and the architecture document shows the same tables."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from verband.collaboration.models import HANDOVER_FLOW, Handover, HandoverStatus
from verband.statemachine import MACHINES, IllegalTransition
from verband.testing import World

SRC = Path(__file__).resolve().parents[1]
DOC = SRC.parents[1] / "docs" / "architecture.md"
STATUS_FIELDS = {m.field for m in MACHINES}


def test_every_machine_is_in_the_architecture_document() -> None:
    names = {m.name for m in MACHINES}
    assert names >= {
        "signal",
        "activation",
        "handover",
        "regie transfer",
        "help",
        "escalation",
        "plan action",
        "meeting",
    }
    text = DOC.read_text()
    for machine in MACHINES:
        assert machine.table() in text, (
            f"docs/architecture.md does not show the {machine.name} machine as declared"
        )


def _machine_models() -> set[str]:
    """The models whose status field has a declared machine (same choices)."""
    names = set()
    for model in apps.get_models():
        for machine in MACHINES:
            field = next((f for f in model._meta.fields if f.name == machine.field), None)
            if field is not None and list(field.choices or []) == list(machine.choices.choices):
                names.add(model.__name__)
    return names


def _root(node: ast.expr) -> str:
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _status_writes(path: Path, models: set[str]) -> list[str]:
    """`Model.objects….update(status=…)` of a model with a machine, outside the state machine."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "bulk_update"}
            and _root(node.func) in models
            and (
                any(kw.arg in STATUS_FIELDS for kw in node.keywords)
                or any(isinstance(kw.value, ast.Name) and kw.arg is None for kw in node.keywords)
                or node.func.attr == "bulk_update"
            )
        ):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_status_is_written_around_its_machine() -> None:
    models = _machine_models()
    assert {"Signal", "Activation", "Handover", "Help", "CaseMeeting", "Escalation", "PlanAction"} <= models
    offenders = [
        hit
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts and path.name != "statemachine.py"
        for hit in _status_writes(path, models)
    ]
    assert offenders == []


def test_an_undeclared_transition_is_a_programming_error() -> None:
    assert HANDOVER_FLOW.allows(HandoverStatus.PENDING, HandoverStatus.ACCEPTED)
    assert not HANDOVER_FLOW.allows(HandoverStatus.REJECTED, HandoverStatus.ACCEPTED)
    with pytest.raises(IllegalTransition):
        HANDOVER_FLOW.check([HandoverStatus.ACCEPTED], HandoverStatus.PENDING)


@pytest.mark.django_db
def test_a_move_happens_once_and_the_second_is_refused_in_words(world: World) -> None:
    handover = Handover.objects.create(
        household=world.household,
        kind="referral",
        from_user=world.involved,
        from_membership=world.involved.memberships.get(),
        from_organisation=world.org_a,
        to_team=world.team_b1,
        question="Graag hulp voor moeder",
        norm_working_days=5,
        due_on=date(2027, 1, 8),
    )
    stale = Handover.objects.get(pk=handover.pk)
    HANDOVER_FLOW.move(handover, HandoverStatus.ACCEPTED, stale="al beslist")
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.ACCEPTED
    with pytest.raises(ValidationError, match="al beslist"):
        HANDOVER_FLOW.move(stale, HandoverStatus.REJECTED, stale="al beslist")
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.ACCEPTED
