"""Reads of tasks: a person's open tasks (for /taken/ and Mijn werk), a household's tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from verband.accounts.models import User
from verband.households.models import Household
from verband.tasks.models import Task


def open_tasks_for(user: User) -> QuerySet[Task]:
    """The open tasks given to this person, the earliest due first. A task names the kind of work and the
    household's reference; what it is about is read on the household's pages (with their access rules)."""
    return Task.objects.open().filter(assignee=user).select_related("household").order_by("due_on", "pk")


def tasks_of(household: Household, *, done: int = 5) -> list[Task]:
    """The household's open tasks and the last few done."""
    base = Task.objects.filter(household=household).select_related("assignee", "done_by", "organisation")
    return list(base.filter(done_at__isnull=True).order_by("due_on", "pk")) + list(
        base.filter(done_at__isnull=False).order_by("-done_at")[:done]
    )
