"""What every status change by someone does, in one place: the declared transition (a conditional UPDATE,
`verband.statemachine`), the line on the household's shared timeline, the access-log entry, and the
notification of whoever must act or know next — in one transaction, so none of them happens alone.

It sits above the households, sharing and notifications apps and below the apps whose statuses move
(signals, plans, collaboration, escalation): see the layering in docs/architecture.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from verband.accounts.models import User
from verband.actors import Actor
from verband.households.models import Household
from verband.households.services import add_event
from verband.notifications.services import notify
from verband.sharing.accesslog import record
from verband.statemachine import StateMachine


@dataclass(frozen=True)
class Tell:
    """Whom to notify and with what. The title must not contain personal data (it is read in lists and
    over shoulders): the kind of thing and the household reference at most."""

    users: Iterable[User | int]
    title: str
    url: str


def transition(
    machine: StateMachine,
    obj: models.Model,
    target: str,
    *,
    actor: Actor,
    household: Household,
    stale: str,
    event: tuple[str, str] | None = None,
    log_as: str = "",
    person_id: int | None = None,
    tell: Tell | None = None,
    source: str | Iterable[str] | None = None,
    **fields: Any,
) -> None:
    """Move `obj` to `target` along `machine` (see `StateMachine.move`; `stale` is the message when someone
    else moved it first), then write `event` (kind, summary) on the household's timeline, log the change
    as `log_as` (the object type in the access log) and `tell` who must know."""
    with transaction.atomic():
        machine.move(obj, target, stale=stale, source=source, **fields)
        if event is not None:
            add_event(household, event[0], event[1], actor=actor)
        if log_as:
            record(
                actor,
                action="update",
                object_type=log_as,
                object_id=str(obj.pk),
                household_id=household.pk,
                person_id=person_id,
            )
        if tell is not None:
            notify(tell.users, tell.title, tell.url)
