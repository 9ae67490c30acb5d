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
        happened(
            actor,
            household,
            log_as,
            str(obj.pk) if log_as else "",
            event=event,
            person_id=person_id,
            tell=tell,
        )


def happened(
    actor: Actor,
    household: Household,
    log_as: str,
    object_id: str = "",
    *,
    action: str = "update",
    event: tuple[str, str] | None = None,
    person_id: int | None = None,
    basis: str = "",
    signal: Any = None,
    tell: Tell | None = None,
) -> None:
    """What every write by someone does besides the write itself, in the caller's transaction: the line
    `event` (kind, summary) on the household's timeline, the access-log entry (`action` on the object type
    `log_as`, unless empty), and the notification `tell`."""
    if event is not None:
        add_event(household, event[0], event[1], actor=actor, signal=signal)
    if log_as:
        record(
            actor,
            action=action,
            object_type=log_as,
            object_id=object_id,
            household_id=household.pk,
            person_id=person_id,
            basis=basis,
        )
    if tell is not None:
        notify(tell.users, tell.title, tell.url)
