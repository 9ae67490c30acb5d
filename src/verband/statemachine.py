"""Declared state machines: every status in Verband moves only along a transition declared here.

A leaf module (it imports no app of Verband). Each app declares its machine next to its status choices,
for example `HANDOVER_FLOW = StateMachine("handover", {PENDING: {ACCEPTED, REJECTED, WITHDRAWN}})`, and
moves a status only through `StateMachine.move` (one object) or `StateMachine.move_rows` (a sweep): a
conditional UPDATE from the expected status, so two requests or two workers never both move the same
object, and a transition that is not declared is a programming error (`IllegalTransition`) caught in
tests. `verband.workflow.transition` adds what every move by a person does (timeline line, access-log
entry, notification). `docs/architecture.md` shows the tables; a test keeps it equal to `MACHINES`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.db.models.expressions import Combinable


class IllegalTransition(ValueError):
    """A status change that its machine does not declare."""


class StateMachine:
    """The allowed transitions of one status field: `{from: {to, ...}}`; a status that is not a key is
    final."""

    def __init__(
        self,
        name: str,
        transitions: Mapping[str, Iterable[str]],
        *,
        choices: type[models.TextChoices],
        field: str = "status",
    ) -> None:
        self.name = name
        self.field = field
        self.choices = choices
        self.transitions: dict[str, frozenset[str]] = {
            str(source): frozenset(str(t) for t in targets) for source, targets in transitions.items()
        }
        known = set(choices.values)
        unknown = (set(self.transitions) | {t for ts in self.transitions.values() for t in ts}) - known
        if unknown:
            raise IllegalTransition(f"{name}: unknown status {sorted(unknown)}")
        MACHINES.append(self)

    def __repr__(self) -> str:
        return f"StateMachine({self.name!r})"

    def allows(self, source: str, target: str) -> bool:
        return str(target) in self.transitions.get(str(source), frozenset())

    def sources_of(self, target: str) -> frozenset[str]:
        """Every status from which `target` may be reached."""
        return frozenset(s for s, targets in self.transitions.items() if str(target) in targets)

    def check(self, sources: Iterable[str], target: str) -> tuple[str, ...]:
        found = tuple(str(s) for s in sources)
        for source in found:
            if not self.allows(source, target):
                raise IllegalTransition(f"{self.name}: {source} → {target} is not declared")
        return found

    def move(
        self,
        obj: models.Model,
        target: str,
        *,
        stale: str,
        source: str | Iterable[str] | None = None,
        **fields: Any,
    ) -> None:
        """Move one object to `target` from `source` (default: the status it was read with), together with
        `fields`, by one conditional UPDATE. When another request moved it first, nothing is written and
        a ValidationError with the `stale` message is raised. The object in memory is updated."""
        if source is None:
            source = getattr(obj, self.field)
        sources = self.check((source,) if isinstance(source, str) else source, target)
        manager = type(obj)._default_manager
        moved = manager.filter(pk=obj.pk, **{f"{self.field}__in": sources}).update(
            **{self.field: target}, **fields
        )
        if not moved:
            raise ValidationError(stale)
        setattr(obj, self.field, target)
        for name, value in fields.items():
            if isinstance(value, Combinable):
                obj.refresh_from_db(fields=[name])
            else:
                setattr(obj, name, value)

    def move_rows(
        self, rows: QuerySet[Any], target: str, *, source: str | Iterable[str], **fields: Any
    ) -> int:
        """Move every row of `rows` that is still in `source` to `target` (a sweep); returns how many."""
        sources = self.check((source,) if isinstance(source, str) else source, target)
        return rows.filter(**{f"{self.field}__in": sources}).update(**{self.field: target}, **fields)

    def table(self) -> str:
        """The machine as a Markdown table (from, to), in the order of its status choices."""
        order = list(self.choices.values)
        lines = [f"**{self.name}** (`{self.choices.__name__}`)", "", "| from | to |", "|---|---|"]
        for source in sorted(self.transitions, key=order.index):
            targets = sorted(self.transitions[source], key=order.index)
            lines.append(f"| {source} | {', '.join(targets)} |")
        finals = [s for s in order if s not in self.transitions]
        lines += ["", f"Final: {', '.join(finals) if finals else '—'}."]
        return "\n".join(lines)


MACHINES: list[StateMachine] = []
