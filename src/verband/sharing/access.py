"""The access core: who acts, and what they may see.

Every read of household data goes through `visible_households(actor)`; the one question "may this
actor see this household?" is `can_see_household`. A household the actor may not see does not exist
for them: callers answer 404, never 403, and the refusal is logged."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from verband.actors import Actor, Channel
from verband.households.models import Household
from verband.network.models import CASEWORK_ROLES, Membership, Organisation
from verband.sharing.models import Involvement


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Each of the VERBAND_PROXY_COUNT trusted reverse proxies appends the
    address it received the request from to X-Forwarded-For, so the client is the entry that many
    places from the right; anything further left is the client's own say and is ignored. Without
    proxies the header is not looked at."""
    raw = request.META.get("REMOTE_ADDR")
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            raw = forwarded[-proxies]
    return canonical_ip(raw)


def lockout_address(request: HttpRequest) -> str | None:
    """The address a sign-in lockout counts by: the client's address, and for IPv6 its /64 network (one
    connection hands out a whole /64, so counting single addresses would let one guesser rotate
    through them)."""
    address = client_ip(request)
    if address is None or ":" not in address:
        return address
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


def canonical_ip(raw: str | None) -> str | None:
    """The canonical form, as the database hands it back, so the log's hash chain verifies."""
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.compressed


def actor_for_request(request: HttpRequest) -> Actor:
    membership: Membership | None = getattr(request, "membership", None)
    token = getattr(request, "api_token", None)
    if token is not None:
        return Actor(
            channel=Channel.API,
            token=token,
            organisation=token.organisation,
            ip_address=client_ip(request),
            path=request.path[:300],
        )
    user = request.user if request.user.is_authenticated else None
    member_access = getattr(request, "member_access", None)
    if user is not None and getattr(user, "household_member", False):
        # A member of a household at the household's own door: no organisation, no role, no household
        # opened through an involvement; whose data it is comes with the access (`verband.portal`).
        return Actor(
            channel=Channel.HOUSEHOLD,
            user=user,
            ip_address=client_ip(request),
            path=request.path[:300],
            household_id=member_access.household_id if member_access else None,
            person_id=member_access.person_id if member_access else None,
        )
    return Actor(
        channel=Channel.WEB,
        user=user,
        membership=membership,
        organisation=membership.organisation if membership else None,
        ip_address=client_ip(request),
        path=request.path[:300],
        network_ids=frozenset(membership.networks.filter(active=True).values_list("pk", flat=True))
        if membership
        else frozenset(),
    )


def not_closed_to(*, organisation: Any, user: Any = None) -> Q:
    """Involvements not closed to this organisation and person (ids, or `OuterRef`s when the rule is
    read from the household's side). An involvement created by taking up a report names the reporter,
    and usually the reporting organisation, as those it does not open the household to: a report is
    never a way in (`signals.services.accept`). Access is the union over involvements, so an exclusion
    never takes away what another involvement opens — for instance one by a later, explicit,
    recorded involvement of that organisation or team."""
    scope = Q(excluded_organisation__isnull=True) | ~Q(excluded_organisation_id=organisation)
    if user is not None:
        scope &= Q(excluded_user__isnull=True) | ~Q(excluded_user_id=user)
    return scope


def involvement_scope(actor: Actor) -> Q | None:
    """The involvements that open households to this actor, as a filter on Involvement; None when the
    actor sees no household at all."""
    if actor.token is not None:
        org = actor.token.organisation_id
        scope = Q(organisation_id=org, team__isnull=True) | Q(team__organisation_id=org, team__active=True)
        # A person's emergency access opens nothing to their organisation's systems.
        return scope & not_closed_to(organisation=org) & Q(only_user__isnull=True)
    membership = actor.membership
    if membership is None or membership.role not in CASEWORK_ROLES:
        return None
    scope = Q(organisation_id=membership.organisation_id, team__isnull=True, network__isnull=True)
    if membership.team_id is not None:
        # A team that was closed no longer opens anything.
        scope |= Q(team_id=membership.team_id, team__active=True)
    if actor.network_ids:
        scope |= Q(network_id__in=actor.network_ids)
    # Closed to the reporter in whichever membership they act, and to the reporting organisation; an
    # emergency access opens the household to the one person who asked for it.
    only = Q(only_user__isnull=True) | Q(only_user_id=membership.user_id)
    return scope & not_closed_to(organisation=membership.organisation_id, user=membership.user_id) & only


def visible_involvements(actor: Actor) -> QuerySet[Involvement]:
    scope = involvement_scope(actor)
    if scope is None:
        return Involvement.objects.none()
    return Involvement.objects.active().filter(scope)


def visible_households(actor: Actor) -> QuerySet[Household]:
    """All households the actor may see: those with an active involvement that covers the actor."""
    scope = involvement_scope(actor)
    if scope is None:
        return Household.objects.none()
    return Household.objects.filter(pk__in=visible_involvements(actor).values("household_id"))


def can_see_household(actor: Actor, household: Household) -> bool:
    return visible_households(actor).filter(pk=household.pk).exists()


def works_with(actor: Actor, household: Household) -> bool:
    """The actor sees the household through an involvement of their own party — not only through an
    emergency access of theirs, which lets them read and nothing else (no handovers, regie, plan,
    shielding or decisions: a look in acute danger never becomes a way in)."""
    return visible_involvements(actor).filter(household=household, only_user__isnull=True).exists()


def basis_for(actor: Actor, household: Household) -> str:
    """The involvement that gives access, for the access log."""
    involvement = visible_involvements(actor).filter(household=household).order_by("started_on", "pk").first()
    if involvement is None:
        return ""
    return f"involvement:{involvement.pk}:{involvement.purpose}:{involvement.legal_basis}"


REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def plausible_reference(reference: str) -> bool:
    """A reference (household HH-…, signal SG-…) is short and plain; anything else (a NUL byte, a
    megabyte) is not looked up at all."""
    return REFERENCE.fullmatch(reference) is not None


def get_household_or_404(actor: Actor, reference: str, *, action: str = "view") -> tuple[Household, str]:
    """The household with this reference if the actor may see it, with the basis for the log. Anything
    else is "not found", and the attempt is logged as denied."""
    from verband.sharing.accesslog import record

    # A reference is short and plain; anything else (a NUL byte, a megabyte) is not looked up at all.
    valid = plausible_reference(reference)
    household = Household.objects.filter(reference=reference).first() if valid else None
    basis = basis_for(actor, household) if household is not None else ""
    if household is None or not basis:
        record(
            actor,
            action=action,
            object_type="household",
            object_id=reference[:60],
            household_id=household.pk if household else None,
            outcome="denied",
        )
        raise Http404
    if action != "view" and not works_with(actor, household):
        # Emergency access reads; it does not change anything.
        record(actor, action=action, object_type="household", object_id=reference[:60],
               household_id=household.pk, basis=basis, outcome="denied")  # fmt: skip
        raise PermissionDenied
    return household, basis


def memberships_seeing(household: Household, *, without: Involvement | None = None) -> QuerySet[Membership]:
    """The active case-working memberships this household is open to: the same rule as
    `involvement_scope`, read the other way round (from the household to the people). `without`: as if
    that involvement had ended."""
    involvements = Involvement.objects.active().filter(household=household)
    if without is not None:
        involvements = involvements.exclude(pk=without.pk)
    opening = (
        involvements.filter(
            Q(organisation_id=OuterRef("organisation_id"), team__isnull=True, network__isnull=True)
            | Q(team_id=OuterRef("team_id"), team__active=True)
            | Q(network__active=True, network__memberships=OuterRef("pk"))
        )
        .filter(not_closed_to(organisation=OuterRef("organisation_id"), user=OuterRef("user_id")))
        .filter(Q(only_user__isnull=True) | Q(only_user_id=OuterRef("user_id")))
    )
    return Membership.objects.active().filter(role__in=CASEWORK_ROLES).filter(Exists(opening))


def partner_organisations(household: Household) -> QuerySet[Organisation]:
    """The organisations working with this household: involved themselves, through a team, or taking part
    in an involved network — not in a network's involvement that is closed to them (their own report)."""
    # A person's emergency access does not make their organisation a partner.
    involvements = Involvement.objects.active().filter(household=household, only_user__isnull=True)
    direct = involvements.filter(organisation__isnull=False).values("organisation_id")
    via_network = involvements.filter(network__active=True, network__organisations=OuterRef("pk")).filter(
        not_closed_to(organisation=OuterRef("pk"))
    )
    return (
        Organisation.objects.filter(active=True)
        .filter(Q(pk__in=direct) | Exists(via_network))
        .order_by("name")
    )


def involved_organisation_ids(households: Iterable[Household | int], on: date | None = None) -> set[int]:
    """The organisations involved with these households themselves or through a team (a team's
    involvement names its organisation too; a network's names none). An involvement is never closed to
    the organisation it names (a constraint), so exclusions do not change this list."""
    rows = Involvement.objects.active(on).filter(
        household__in=households, organisation__isnull=False, only_user__isnull=True
    )
    return set(rows.values_list("organisation_id", flat=True))


def is_own_involvement(actor: Actor, involvement: Involvement) -> bool:
    """The involvement is the acting person's own party: their team, their whole organisation, or one of
    their networks — unless the involvement is closed to them (a report of theirs)."""
    m = actor.membership
    if m is None or m.user_id == involvement.excluded_user_id:
        return False
    if involvement.only_user_id is not None and involvement.only_user_id != m.user_id:
        return False  # one person's emergency access is not their team's
    if m.organisation_id == involvement.excluded_organisation_id:
        return False
    return (
        (involvement.team_id is not None and involvement.team_id == m.team_id)
        or (
            involvement.team_id is None
            and involvement.network_id is None
            and involvement.organisation_id == m.organisation_id
        )
        or (involvement.network_id is not None and involvement.network_id in actor.network_ids)
    )
