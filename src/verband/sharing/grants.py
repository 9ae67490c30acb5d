"""Administrative grants in the access log: whoever creates, changes or removes an account, a membership
(a role in an organisation), an API token or a shelter address in the admin is written to the same log
as every read of personal data, under their own name — the privacy officer sees who was given access to
what, and when."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record


class GrantsLogged(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions are written to the access log as `grant`,
    `change` and `revoke` of `log_object_type`."""

    log_object_type = ""

    def _grant(self, request: HttpRequest, obj: Any, action: str) -> None:
        record(
            actor_for_request(request), action=action, object_type=self.log_object_type, object_id=str(obj.pk)
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._grant(request, obj, "grant")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._grant(request, obj, "change")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            self._grant(request, obj, "revoke")
        return super().log_deletions(request, queryset)


def log_inline_memberships(request: HttpRequest, formset: Any) -> None:
    """Memberships added, changed or removed in an account's page (an inline), one entry each."""
    actor = actor_for_request(request)
    for obj in formset.new_objects:
        record(actor, action="grant", object_type="membership", object_id=str(obj.pk))
    for obj, _fields in formset.changed_objects:
        record(actor, action="change", object_type="membership", object_id=str(obj.pk))
    for obj in formset.deleted_objects:
        record(actor, action="revoke", object_type="membership", object_id=str(obj.pk))
