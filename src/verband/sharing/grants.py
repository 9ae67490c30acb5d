"""Administrative grants in the access log, and four eyes on access: whoever creates, changes or removes
an account, a membership (a role in an organisation), an API token or a shelter address in the admin is
written to the same log as every read of personal data, under their own name. A membership in a role
that works with cases, and an API token, granted in the admin are in force only once a second person of
that organisation approved it (`approve`), so no administrator can give themselves or a system of theirs
access to households alone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from verband.accounts.models import ApiToken
from verband.actors import Actor
from verband.network.models import Membership, Role
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        hold_for_approval(request, obj, form.changed_data, not change)
        super().save_model(request, obj, form, change)

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
    """Memberships added, changed or removed in an account's page (an inline): held for a second person's
    approval where needed, and one entry each."""
    actor = actor_for_request(request)
    for obj in formset.new_objects:
        _hold_saved(request, obj, [], adding=True)
        record(actor, action="grant", object_type="membership", object_id=str(obj.pk))
    for obj, fields in formset.changed_objects:
        _hold_saved(request, obj, fields, adding=False)
        record(actor, action="change", object_type="membership", object_id=str(obj.pk))
    for obj in formset.deleted_objects:
        record(actor, action="revoke", object_type="membership", object_id=str(obj.pk))


def needs_second_person(obj: Any, changed: Iterable[str], adding: bool) -> bool:
    """Whether this save in the admin puts the grant back to "awaiting approval"."""
    if isinstance(obj, Membership):
        # Any role (an administrator role could approve the next grant), and every change that widens it.
        widening = {"role", "organisation", "user", "team", "networks", "active"}
        return adding or bool(widening & set(changed))
    if isinstance(obj, ApiToken):
        return adding or bool({"scopes", "organisation", "revoked_at", "expires_at"} & set(changed))
    return False


def hold_for_approval(request: HttpRequest, obj: Any, changed: Iterable[str], adding: bool) -> None:
    if needs_second_person(obj, changed, adding):
        obj.approved_at, obj.approved_by, obj.granted_by = None, None, request.user


def may_approve(actor: Actor, obj: Membership | ApiToken) -> bool:
    """A second person: a functional administrator of that organisation who is not who granted it, not the
    person it is for, and whose own role was not granted or approved by the one who granted it (no second
    account of the granter's making)."""
    user = actor.user
    if user is None or obj.granted_by_id == user.pk or getattr(obj, "user_id", None) == user.pk:
        return False
    own = Membership.objects.active().filter(
        user=user, organisation_id=obj.organisation_id, role=Role.FUNCTIONAL_ADMIN
    )
    if obj.granted_by_id is not None:
        own = own.exclude(granted_by_id=obj.granted_by_id).exclude(approved_by_id=obj.granted_by_id)
    return own.exists()


def awaiting(actor: Actor) -> list[Membership | ApiToken]:
    """What waits for this person's approval: grants in the organisations where they may approve."""
    if actor.user is None:
        return []
    orgs = (
        Membership.objects.active()
        .filter(user=actor.user, role=Role.FUNCTIONAL_ADMIN)
        .values("organisation_id")
    )
    memberships = (
        Membership.objects.awaiting_approval()
        .filter(organisation_id__in=orgs)
        .select_related("user", "organisation", "team", "granted_by")
    )
    tokens = ApiToken.objects.filter(
        approved_at__isnull=True, revoked_at__isnull=True, organisation_id__in=orgs
    )
    return [
        g
        for g in [*memberships, *tokens.select_related("organisation", "granted_by")]
        if may_approve(actor, g)
    ]


def approve(actor: Actor, obj: Membership | ApiToken) -> None:
    if not may_approve(actor, obj):
        raise PermissionDenied
    type(obj).objects.filter(pk=obj.pk, approved_at__isnull=True).update(
        approved_at=timezone.now(), approved_by=actor.user
    )
    kind = "membership" if isinstance(obj, Membership) else "api_token"
    record(actor, action="approve", object_type=kind, object_id=str(obj.pk))


def _hold_saved(request: HttpRequest, obj: Membership, changed: Iterable[str], adding: bool) -> None:
    if needs_second_person(obj, changed, adding):
        Membership.objects.filter(pk=obj.pk).update(
            approved_at=None, approved_by=None, granted_by=request.user
        )
