"""Reads of requests under the AVG: those of one household as far as the viewer's involvement covers its
members, one request (or "not found", logged), and the privacy officer's list of the region."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import Role
from verband.rights.models import RightsRequest, still_open
from verband.rights.services import may_handle
from verband.sharing.accesslog import record
from verband.shielding.scope import Scope


def household_requests(household: Household, scope: Scope) -> list[RightsRequest]:
    """The household's requests about the members this viewer works with, open ones first, by deadline."""
    rows = (
        RightsRequest.objects.filter(household=household)
        .select_related("person", "organisation")
        .annotate(done=Case(When(still_open(), then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("done", "due_on", "pk")
    )
    return [r for r in rows if scope.sees_person(r.person_id)]


def request_or_404(
    actor: Actor, household: Household, pk: int, scope: Scope, *, action: str
) -> RightsRequest:
    """One request of this household the actor works on (their involvement covers its member); anything
    else is "not found", and the attempt is logged."""
    request = (
        RightsRequest.objects.filter(pk=pk, household=household)
        .select_related("person", "household", "organisation")
        .first()
    )
    if request is None or not may_handle(actor, household) or not scope.sees_person(request.person_id):
        record(
            actor,
            action=action,
            object_type="rights_request",
            object_id=str(pk),
            household_id=household.pk,
            outcome="denied",
        )
        raise Http404
    return request


def region_requests(actor: Actor, *, open_only: bool) -> QuerySet[RightsRequest]:
    """The privacy officer's list: every request about a household of their region, open ones first, by
    deadline."""
    membership = actor.membership
    if membership is None or membership.role != Role.PRIVACY_OFFICER or actor.organisation is None:
        return RightsRequest.objects.none()
    rows = RightsRequest.objects.filter(household__region_id=actor.organisation.region_id)
    if open_only:
        rows = rows.filter(still_open())
    return (
        rows.select_related("household", "organisation")
        .annotate(done=Case(When(still_open(), then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("done", "due_on", "pk")
    )
