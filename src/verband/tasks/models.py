"""Tasks: one thing one professional must do for a household by a date (review the safety plan before a
measure ends, an aftercare check after closing). A task comes from somewhere (`source_type`, `source_id`,
`source_key`: the measure and the end date it is about, the closing and the month of the check); one
source makes one task, however often the sweep that makes it runs. A task is done once, with who did it
and a note; overdue, it goes onto the escalation ladder (`escalation.detectors.tasks_overdue`).

A task's title names a kind of work and never a person: it is read in lists and notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    REVIEW_SAFETY_PLAN = "review_safety_plan", _("Review the safety plan")
    AFTERCARE_CHECK = "aftercare_check", _("Aftercare check")


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True)


class Task(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=30, choices=TaskKind.choices)
    title = models.CharField(_("task"), max_length=200)
    # Who must do it: a person for one of their memberships (the regisseur's), and that organisation.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    assignee_membership = models.ForeignKey(
        "network.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_note = models.TextField(_("note"), max_length=1000, blank=True)
    # Where it comes from: e.g. ("measure", 12, "2026-03-06"), ("closing", 3, "3").
    source_type = models.CharField(max_length=30, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_key = models.CharField(max_length=40, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_on"]),
            models.Index(fields=["household", "done_at"]),
            models.Index(fields=["done_at", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id", "source_key"],
                condition=~Q(source_type=""),
                name="one_task_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.household_id}, {self.due_on})"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue_on(self, day: object) -> bool:
        return self.done_at is None and self.due_on < day  # type: ignore[operator]
