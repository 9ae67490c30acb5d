"""Background tasks in the admin, for the functional administrator: what ran, what failed and how often it
was tried. Replaces the database backend's own admin for task results.

Nothing here is personal data: task arguments are ids only, and the traceback (an exception's message
may quote a value from the database) is not shown — it stays in the task's row and in the server log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult, get_date_max

from verband.background.models import PeriodicRun


class ReadOnlyForTheAdministrator(admin.ModelAdmin):
    """What the admitted user (the site admits only the functional administrator, `workspace.admin_site`)
    may do with background work: look, never add, change or delete; and filter only on what the list
    shows — a lookup on a hidden field (`traceback__contains=…`, `args_kwargs…`) would let the list answer
    questions about what it does not show."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        allowed = {f for f in self.list_filter if isinstance(f, str)}
        return lookup.split("__", 1)[0] in allowed and lookup.split("__", 1)[-1] in {"exact", lookup}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TaskResultAdmin(ReadOnlyForTheAdministrator, DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "attempts",
        "arguments",
        "enqueued_at",
        "finished_at",
        "next_attempt",
        "error",
    )
    search_fields = ("task_path",)
    # The admitted user (the site admits only the functional administrator, `workspace.admin_site`) reads
    # this list; nobody adds, changes or deletes here (read-only like the backend's own admin).
    shown = (
        "id",
        "task_name",
        "status",
        "attempts",
        "arguments",
        "queue_name",
        "priority",
        "enqueued_at",
        "started_at",
        "finished_at",
        "next_attempt",
        "error",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[str]:
        return list(self.shown)

    def get_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[Any]:
        return list(self.shown)

    @admin.display(description=_("attempts"))
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)

    @admin.display(description=_("arguments"))
    def arguments(self, obj: DBTaskResult) -> str:
        args = obj.args_kwargs.get("args", [])
        kwargs = obj.args_kwargs.get("kwargs", {})
        return ", ".join([*(str(a) for a in args), *(f"{k}={v}" for k, v in kwargs.items())]) or "-"

    @admin.display(description=_("next attempt"))
    def next_attempt(self, obj: DBTaskResult) -> object:
        if obj.status != "READY" or obj.run_after == get_date_max():
            return "-"
        return obj.run_after

    @admin.display(description=_("error"))
    def error(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] or "-"


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyForTheAdministrator):
    """When each periodic sweep was enqueued last (read-only)."""

    list_display = ("name", "period_start", "task_id")
    readonly_fields = ("name", "period_start", "task_id")
