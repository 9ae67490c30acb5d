"""Writes of tasks: make one (once per source), and mark one done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import Membership
from verband.notifications.services import notify
from verband.sharing.access import works_with
from verband.sharing.accesslog import record
from verband.tasks.models import Task
from verband.text import bounded

NOTE_MAX = 1000


@dataclass(frozen=True)
class Source:
    """Where a task comes from; one source makes one task of a kind."""

    type: str
    id: int
    key: str = ""


def create_task(
    actor: Actor,
    household: Household,
    *,
    kind: str,
    title: str,
    due_on: date,
    assignee: Membership | None,
    source: Source | None = None,
    organisation_id: int | None = None,
) -> tuple[Task, bool]:
    """Make the task (or find the one its source made before): (task, made now). The assignee is told by
    a notification that names the kind of work and the household's reference, nothing more. Without an
    assignee, `organisation_id` says whose line managers the escalation goes to when it is late."""
    existing = _from(kind, source)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            task = Task.objects.create(
                household=household,
                kind=kind,
                title=title[:200],
                due_on=due_on,
                assignee_id=assignee.user_id if assignee else None,
                assignee_membership=assignee,
                organisation_id=assignee.organisation_id if assignee else organisation_id,
                source_type=source.type if source else "",
                source_id=source.id if source else None,
                source_key=source.key if source else "",
            )
            record(
                actor, action="create", object_type="task", object_id=str(task.pk), household_id=household.pk
            )
            if assignee is not None:
                notify(
                    [assignee.user_id],
                    _("New task for %(reference)s: %(title)s")
                    % {"reference": household.reference, "title": title},
                    "/taken/",
                )
    except IntegrityError:  # made by a sweep running at the same moment
        found = _from(kind, source)
        if found is None:
            raise
        return found, False
    return task, True


def _from(kind: str, source: Source | None) -> Task | None:
    if source is None:
        return None
    return Task.objects.filter(
        kind=kind, source_type=source.type, source_id=source.id, source_key=source.key
    ).first()


def may_complete(actor: Actor, task: Task) -> bool:
    """The one it is given to; a task given to nobody, anyone working with the whole household (those who
    see it on the household page). Not a partner working with named members only: a review task may be
    about what protects her (an alarm, a ban), and completing it by its id would silence that review and
    tell him through its title that it exists."""
    from verband.shielding.scope import view_scope

    if actor.user is None or task.done_at is not None:
        return False
    if task.assignee_id is not None:
        return task.assignee_id == actor.user.pk
    return works_with(actor, task.household) and view_scope(actor, task.household).whole


def complete_task(actor: Actor, task: Task, note: str = "") -> Task:
    if not may_complete(actor, task):
        raise PermissionDenied
    note = bounded(note, field="note", maximum=NOTE_MAX)
    with transaction.atomic():
        done = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=actor.user, done_note=note
        )
        if not done:
            raise ValidationError(_("This task was done already."))
        record(
            actor,
            action="complete",
            object_type="task",
            object_id=str(task.pk),
            household_id=task.household_id,
        )
    task.refresh_from_db()
    return task


def close_superseded(actor: Actor, kind: str, source_type: str, source_id: int, note: str) -> int:
    """Mark the open tasks of a source done because what they were about changed (a measure extended or
    ended early: its earlier end needs no review any more)."""
    with transaction.atomic():
        tasks = list(Task.objects.open().filter(kind=kind, source_type=source_type, source_id=source_id))
        for task in tasks:
            Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
                done_at=timezone.now(), done_by=actor.user, done_note=note[:NOTE_MAX]
            )
            record(
                actor,
                action="complete",
                object_type="task",
                object_id=str(task.pk),
                household_id=task.household_id,
            )
    return len(tasks)
