"""Who reads anonymous consultations.

The members of a network — the case-working memberships that belong to it (`Membership.networks`, the
actor's `network_ids`, as for a network's involvements and case meetings) — read its consultations.
Once a consultation is linked to a household, which household it is stays with those who see that
household as a whole (not a partner working only with named members, who would learn the situation of
the others): they also read the consultation from the household page, member of the network or not.
Anything else is "not found", logged as denied."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from verband.actors import Actor
from verband.consultation.models import Consultation, ConsultationStatus
from verband.households.models import Household
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES, Network, Role
from verband.sharing.access import basis_for
from verband.sharing.accesslog import record
from verband.shielding.scope import involvement_members

# The basis of a network member's read of a consultation in the access log.
ANONYMOUS_BASIS = "anonymous_consultation"


def member_networks(actor: Actor) -> QuerySet[Network]:
    """The active networks the actor takes part in as a case worker."""
    m = actor.membership
    if m is None or m.role not in CASEWORK_ROLES or not actor.network_ids:
        return Network.objects.none()
    return Network.objects.filter(pk__in=actor.network_ids, active=True).order_by("name")


def visible_consultations(actor: Actor) -> QuerySet[Consultation]:
    """The consultations of the actor's networks: open first (waiting for advice, then advised), then
    concluded; newest first within each."""
    m = actor.membership
    if m is None or m.role not in CASEWORK_ROLES or not actor.network_ids:
        return Consultation.objects.none()
    order = Case(
        When(status=ConsultationStatus.OPEN, then=Value(0)),
        When(status=ConsultationStatus.ADVISED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Consultation.objects.filter(network_id__in=actor.network_ids, network__active=True)
        .annotate(open_order=order)
        .order_by("open_order", "-asked_at", "-pk")
    )


def shows_link(actor: Actor, household: Household | None) -> bool:
    """Whether the actor may see which household a consultation is linked to: they see that household as a
    whole."""
    if household is None or actor.membership is None or actor.membership.role not in CASEWORK_ROLES:
        return False
    whole, _persons = involvement_members(actor, household)
    return whole


@dataclass
class Opened:
    consultation: Consultation
    member: bool  # a member of the consultation's network
    sees_link: bool  # sees the household it is linked to
    basis: str  # for the access log

    @property
    def anonymous(self) -> bool:
        """Still in the anonymous phase: not linked to a case. A link ends the thread (advice and
        conclusion) for the whole network, for it is read by members who do not see the household."""
        return not self.consultation.linked

    @property
    def may_advise(self) -> bool:
        return self.member and self.anonymous and self.consultation.status != ConsultationStatus.CLOSED

    def may_conclude(self, actor: Actor) -> bool:
        """Whether the actor is the one to conclude (the asker or a coordinator, while open); whether the
        consultation still takes a conclusion is `anonymous`."""
        return may_conclude(actor, self.consultation, member=self.member)

    def may_link(self, actor: Actor) -> bool:
        m = actor.membership
        return self.member and not self.consultation.linked and m is not None and m.role in ACTING_ROLES


def may_conclude(actor: Actor, consultation: Consultation, *, member: bool) -> bool:
    """The asker, or a coordinator of the network (who chairs the network's table)."""
    m = actor.membership
    if not member or m is None or consultation.status == ConsultationStatus.CLOSED:
        return False
    if actor.user is not None and consultation.asked_by_id == actor.user.pk and m.role in ACTING_ROLES:
        return True
    return m.role == Role.NETWORK_COORDINATOR


def open_consultation(actor: Actor, pk: int, *, action: str = "view") -> Opened:
    """The consultation if the actor may read it; otherwise 404, with the attempt logged as denied."""
    consultation = (
        Consultation.objects.select_related(
            "network",
            "household",
            "asked_by",
            "organisation",
            "concluded_by",
            "concluded_organisation",
            "linked_by",
            "linked_organisation",
        )
        .filter(pk=pk)
        .first()
    )
    m = actor.membership
    casework = m is not None and m.role in CASEWORK_ROLES
    member = (
        consultation is not None
        and casework
        and consultation.network_id in actor.network_ids
        and consultation.network.active
    )
    sees = consultation is not None and casework and shows_link(actor, consultation.household)
    if consultation is None or not (member or sees):
        record(
            actor,
            action=action,
            object_type="consultation",
            object_id=str(pk),
            household_id=consultation.household_id if consultation is not None else None,
            outcome="denied",
        )
        raise Http404
    assert consultation is not None
    basis = (
        basis_for(actor, consultation.household) if sees and consultation.household is not None else ""
    ) or ANONYMOUS_BASIS
    return Opened(consultation, member, sees, basis)


def linked_to(household: Household) -> QuerySet[Consultation]:
    """The consultations linked to this household (for those who see it as a whole), newest link first."""
    return Consultation.objects.filter(household=household).select_related("network").order_by("-linked_at")
