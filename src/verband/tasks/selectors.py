"""Reads of tasks: a person's open tasks (for /taken/ and Mijn werk), a household's tasks."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from verband.accounts.models import User
from verband.households.models import Household
from verband.tasks.models import Task


def open_tasks_for(user: User) -> QuerySet[Task]:
    """The open tasks given to this person, the earliest due first. A task names the kind of work and the
    household's reference; what it is about is read on the household's pages (with their access rules)."""
    return Task.objects.open().filter(assignee=user).select_related("household").order_by("due_on", "pk")


def tasks_of(household: Household, *, done: int = 5) -> list[Task]:
    """The household's open tasks and the last few done (within the last 90 days), in one query."""
    since = timezone.now() - timedelta(days=90)
    rows = list(
        Task.objects.filter(household=household)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=since))
        .select_related("assignee", "done_by", "organisation")
        .order_by("due_on", "pk")
    )
    finished = sorted((t for t in rows if t.done_at is not None), key=lambda t: t.done_at, reverse=True)  # type: ignore[arg-type, return-value]
    return [t for t in rows if t.done_at is None] + finished[:done]
