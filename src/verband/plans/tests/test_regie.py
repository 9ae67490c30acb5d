"""Regie: at most one regisseur per household, or explicitly none; a transfer takes effect only when the
receiver accepts, naming the line manager who gave the mandate; the history is kept."""

from itertools import pairwise

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from verband.network.models import Role
from verband.plans import services
from verband.plans.models import Regie, RegieTransfer
from verband.sharing.access import can_see_household
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, build_world, make_user


def test_no_regisseur_is_explicit_on_the_household_page(world, as_user):
    body = as_user(world.involved).get(reverse("households:detail", args=[world.household.reference])).content
    assert "Nog geen regisseur." in body.decode()


def test_request_accept_with_mandate(partners, as_user):
    world = partners
    vt_membership = world.vt.memberships.get()
    client = as_user(world.involved)
    response = client.post(
        reverse("plans:regie_request", args=[world.household.reference]),
        {"to": vt_membership.pk, "note": "Jij kent het gezin het best"},
    )
    assert response.status_code == 302
    transfer = RegieTransfer.objects.get()
    assert not Regie.objects.exists()  # nothing changes before acceptance
    # Only the receiver can open or answer the request.
    accept = reverse("plans:regie_accept", args=[transfer.pk])
    assert as_user(world.involved).get(accept).status_code == 404
    assert as_user(world.colleague).post(accept, {"mandated_by": world.lm_vt.pk}).status_code == 404
    assert not Regie.objects.exists()
    receiver = as_user(world.vt)
    assert "Gevraagd om de regie te nemen" in receiver.get(reverse("workspace:my_work")).content.decode()
    # A line manager of another organisation cannot have given the mandate.
    assert receiver.post(accept, {"mandated_by": world.lm_a.pk}).status_code == 400
    assert receiver.post(accept, {"mandated_by": world.lm_vt.pk}).status_code == 302
    regie = Regie.objects.get()
    assert (regie.user, regie.mandated_by, regie.ended_at) == (world.vt, world.lm_vt, None)
    body = as_user(world.involved).get(reverse("households:detail", args=[world.household.reference])).content
    assert "Lm_Vt Test" in body.decode()
    assert AccessLogEntry.objects.filter(object_type="regie", action="update").exists()


def test_only_the_regisseur_hands_over(partners):
    world = partners
    transfer = services.request_regie(
        actor_for(world.involved), world.household, world.vt.memberships.get().pk
    )
    services.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    with pytest.raises(PermissionDenied):
        services.request_regie(
            actor_for(world.involved), world.household, world.other_org.memberships.get().pk
        )
    handover = services.request_regie(
        actor_for(world.vt), world.household, world.involved.memberships.get().pk
    )
    assert Regie.objects.get(ended_at__isnull=True).user == world.vt  # still, until accepted
    services.accept_regie(actor_for(world.involved), handover, world.lm_a.pk)
    history = list(Regie.objects.order_by("started_at", "pk"))
    assert [r.user for r in history] == [world.vt, world.involved]
    assert history[0].ended_at is not None and history[1].ended_at is None


def test_accepting_opens_the_household_to_an_uninvolved_receiver(partners):
    world = partners
    lm_a2 = make_user("lm_a2", world.org_a, Role.LINE_MANAGER, world.team_a2)
    actor = actor_for(world.colleague)  # Wijkteam Zuid: same organisation, not involved
    assert not can_see_household(actor, world.household)
    transfer = services.request_regie(
        actor_for(world.involved), world.household, world.colleague.memberships.get().pk
    )
    services.accept_regie(actor, transfer, lm_a2.pk)
    assert can_see_household(actor, world.household)


def test_decline_needs_a_reason_and_changes_nothing(partners):
    world = partners
    transfer = services.request_regie(
        actor_for(world.involved), world.household, world.vt.memberships.get().pk
    )
    with pytest.raises(ValidationError):
        services.decline_regie(actor_for(world.vt), transfer, "  ")
    services.decline_regie(actor_for(world.vt), transfer, "Geen capaciteit deze maand")
    assert not Regie.objects.exists()
    with pytest.raises(ValidationError):
        services.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)


def test_end_regie_returns_to_no_regisseur(partners):
    world = partners
    transfer = services.request_regie(
        actor_for(world.involved), world.household, world.vt.memberships.get().pk
    )
    services.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    with pytest.raises(PermissionDenied):
        services.end_regie(actor_for(world.involved), world.household, "klaar")
    services.end_regie(actor_for(world.lm_vt), world.household, "Gezin is uitgestroomd")
    assert services.current_regie(world.household) is None


def test_regie_request_per_persona(world, as_user):
    target = world.involved.memberships.get().pk
    for persona in ("colleague", "other_org", "manager"):
        response = as_user(world.personas()[persona]).post(
            reverse("plans:regie_request", args=[world.household.reference]), {"to": target}
        )
        assert response.status_code in (403, 404)
    assert not RegieTransfer.objects.exists()


# --------------------------------------------------------------------------------- random sequences

OPS = st.lists(
    st.tuples(
        st.sampled_from(["request", "accept", "decline", "withdraw", "end"]),
        st.integers(0, 5),  # who acts
        st.integers(0, 5),  # whom it is about
    ),
    min_size=1,
    max_size=25,
)


class RegieRules(TestCase):
    """Under any sequence of requests, acceptances, declines, withdrawals and endings by anyone, there is
    never more than one current regisseur, and the regisseur changes only by an accepted transfer (to
    its receiver) or an ending (to nobody)."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    def test_rules_hold(self, ops):
        world = build_world()
        from datetime import date

        from verband.actors import SYSTEM
        from verband.sharing import services as sharing

        for team in (world.team_vt, world.team_b1):
            sharing.involve(
                SYSTEM,
                world.household,
                team=team,
                purpose="help",
                legal_basis="covenant",
                started_on=date(2026, 1, 5),
            )
        managers = {
            world.org_a.pk: make_user("h_lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1),
            world.org_vt.pk: make_user("h_lm_vt", world.org_vt, Role.LINE_MANAGER, world.team_vt),
            world.org_b.pk: make_user("h_lm_b", world.org_b, Role.LINE_MANAGER, world.team_b1),
        }
        people = [
            world.involved,
            world.vt,
            world.other_org,
            world.colleague,
            world.coordinator,
            world.manager,
        ]
        household = world.household
        for op, who, whom in ops:
            actor = actor_for(people[who])
            before = services.current_regie(household)
            pending = RegieTransfer.objects.filter(household=household, status="pending").first()
            outcome: tuple[str, int | None] | None = None
            try:
                if op == "request":
                    services.request_regie(actor, household, people[whom].memberships.get().pk)
                elif op == "accept" and pending is not None:
                    manager = managers.get(actor.membership.organisation_id)
                    services.accept_regie(actor, pending, manager.pk if manager else -1)
                    outcome = ("accepted", pending.to_user_id)
                elif op == "decline" and pending is not None:
                    services.decline_regie(actor, pending, "Past niet")
                elif op == "withdraw" and pending is not None:
                    services.withdraw_regie(actor, pending)
                elif op == "end":
                    services.end_regie(actor, household, "Klaar")
                    outcome = ("ended", None)
            except (PermissionDenied, ValidationError):
                outcome = None
            after = services.current_regie(household)
            assert Regie.objects.filter(household=household, ended_at__isnull=True).count() <= 1
            assert RegieTransfer.objects.filter(household=household, status="pending").count() <= 1
            if outcome is None:
                assert (after.pk if after else None) == (before.pk if before else None)
            elif outcome[0] == "accepted":
                assert after is not None and after.user_id == outcome[1] == actor.user.pk
                assert pending.to_membership_id == actor.membership.pk
            else:
                assert after is None
        # The history is complete: periods do not overlap, every ended period has an end.
        periods = list(Regie.objects.filter(household=household).order_by("started_at", "pk"))
        for earlier, later in pairwise(periods):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at


def test_an_old_offer_cannot_be_accepted_after_the_receivers_organisation_left(partners):
    from datetime import timedelta

    from django.utils import timezone

    from verband.sharing.models import Involvement

    world = partners
    transfer = services.request_regie(
        actor_for(world.involved), world.household, world.other_org.memberships.get().pk
    )
    Involvement.objects.filter(team=world.team_b1).update(ended_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.accept_regie(actor_for(world.other_org), transfer, world.lm_b.pk)
    assert not Regie.objects.exists()
    assert not can_see_household(actor_for(world.other_org), world.household)
