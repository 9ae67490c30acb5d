"""Administrative grants in the access log, and four eyes on access: whoever creates, changes or removes
an account, a membership (a role in an organisation), an API token, a shelter address or an organisation
in the admin is written to the same log as every read of personal data, under their own name. A
membership in a role that works with cases, and an API token, granted in the admin are in force only
once a second person of that organisation approved it (`approve`), so no administrator can give
themselves or a system of theirs access to households alone. A change of an organisation's kind — which
decides what others are shielded from (a shelter's addresses and help) and how long the households it
worked with are kept — waits likewise for a second functional administrator of the region
(`ask_kind_change`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from verband.accounts.models import ApiToken
from verband.actors import Actor
from verband.network.models import KindChange, Membership, Organisation, Role
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record


class GrantsLogged(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions are written to the access log as `grant`,
    `change` and `revoke` of `log_object_type`."""

    log_object_type = ""
    # The access log's action for an addition, a change and a deletion in this admin.
    log_actions = {"add": "grant", "change": "change", "delete": "revoke"}

    def log_basis(self, obj: Any) -> str:
        """What the entry of a change says besides the object (e.g. the fields changed)."""
        return ""

    def _grant(self, request: HttpRequest, obj: Any, action: str, basis: str = "") -> None:
        record(
            actor_for_request(request),
            action=action,
            object_type=self.log_object_type,
            object_id=str(obj.pk),
            basis=basis,
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        hold_for_approval(request, obj, form.changed_data, not change)
        super().save_model(request, obj, form, change)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._grant(request, obj, self.log_actions["add"])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._grant(request, obj, self.log_actions["change"], self.log_basis(obj))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            self._grant(request, obj, self.log_actions["delete"])
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


Grant = Membership | ApiToken | KindChange


def ask_kind_change(request: HttpRequest, organisation: Organisation, kind: str) -> KindChange | None:
    """Hold a change of the organisation's kind, asked in the admin, for a second functional
    administrator's approval (replacing a change that waits); the organisation keeps its kind until then.
    In the access log under the asking administrator's name."""
    actor = actor_for_request(request)
    with transaction.atomic():
        current = (
            Organisation.objects.select_for_update().values_list("kind", flat=True).get(pk=organisation.pk)
        )
        KindChange.objects.filter(organisation=organisation, approved_at__isnull=True).delete()
        if kind == current:
            return None
        change = KindChange.objects.create(
            organisation=organisation, from_kind=current, to_kind=kind, granted_by_id=request.user.pk
        )
        record(actor, action="propose", object_type="organisation_kind", object_id=str(organisation.pk),
               basis=f"kind:{current}:{kind}")  # fmt: skip
    return change


def may_approve(actor: Actor, obj: Grant) -> bool:
    """A second person: a functional administrator of that organisation (for a change of kind: of an
    organisation of its region, as the kind matters to the whole region) who is not who granted it, not
    the person it is for, and whose own role was not granted or approved by the one who granted it (no
    second account of the granter's making)."""
    user = actor.user
    if user is None or obj.granted_by_id == user.pk or getattr(obj, "user_id", None) == user.pk:
        return False
    own = Membership.objects.active().filter(user=user, role=Role.FUNCTIONAL_ADMIN)
    if isinstance(obj, KindChange):
        own = own.filter(organisation__region_id=obj.organisation.region_id)
    else:
        own = own.filter(organisation_id=obj.organisation_id)
    if obj.granted_by_id is not None:
        own = own.exclude(granted_by_id=obj.granted_by_id).exclude(approved_by_id=obj.granted_by_id)
    return own.exists()


def awaiting(actor: Actor) -> list[Grant]:
    """What waits for this person's approval: grants in the organisations where they may approve, and
    changes of kind in their regions."""
    if actor.user is None:
        return []
    own = Membership.objects.active().filter(user=actor.user, role=Role.FUNCTIONAL_ADMIN)
    orgs = own.values("organisation_id")
    kinds = KindChange.objects.filter(
        approved_at__isnull=True, organisation__region_id__in=own.values("organisation__region_id")
    ).select_related("organisation", "granted_by")
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
        for g in [*memberships, *tokens.select_related("organisation", "granted_by"), *kinds]
        if may_approve(actor, g)
    ]


def approve(actor: Actor, obj: Grant) -> None:
    if not may_approve(actor, obj):
        raise PermissionDenied
    if isinstance(obj, KindChange):
        with transaction.atomic():
            if KindChange.objects.filter(pk=obj.pk, approved_at__isnull=True).update(
                approved_at=timezone.now(), approved_by=actor.user
            ):
                Organisation.objects.filter(pk=obj.organisation_id).update(kind=obj.to_kind)
                record(actor, action="approve", object_type="organisation_kind",
                       object_id=str(obj.organisation_id), basis=f"kind:{obj.from_kind}:{obj.to_kind}")  # fmt: skip
        return
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
