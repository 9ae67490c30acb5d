"""Every page and form of safety, plan and regie, for every persona: only the involved professional gets
in; others get "not found" (or the role page), nothing is written, and the refusal is logged."""

import pytest
from django.urls import reverse

from verband.households.models import HouseholdEvent
from verband.plans import regie, services
from verband.plans.models import Regie, RegieTransfer
from verband.safety.models import DangerFact
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

OUTSIDERS = {"colleague": 404, "other_org": 404, "manager": 403, "anonymous": 302}


def posts(world):
    """(url, data) of every write, given a regie and a pending transfer to take back."""
    ref = world.household.reference
    fact = DangerFact.objects.create(household=world.household, kind="weapon")
    pending = RegieTransfer.objects.get(status="pending")
    return [
        (reverse("safety:danger_add", args=[ref]), {"kind": "aggressive_dog"}),
        (reverse("safety:danger_end", args=[ref, fact.pk]), {}),
        (reverse("safety:page", args=[ref]), {"acute": "no", "structural": "no", "phase": "direct"}),
        (reverse("plans:edit", args=[ref]), {"version": "1", "household_wishes": "x"}),
        (reverse("plans:regie_request", args=[ref]), {"to": world.involved.memberships.get().pk}),
        (reverse("plans:regie_withdraw", args=[ref, pending.pk]), {}),
        (reverse("plans:regie_end", args=[ref]), {"reason": "klaar"}),
        (reverse("plans:regie_accept", args=[pending.pk]), {"mandated_by": world.lm_a.pk}),
    ]


@pytest.fixture
def setup(partners):
    world = partners
    services.save_plan(
        actor_for(world.involved), world.household, services.PlanInput(household_wishes="Rust"), 0
    )
    transfer = regie.request_regie(
        actor_for(world.involved), world.household, world.involved.memberships.get().pk
    )
    regie.accept_regie(actor_for(world.involved), transfer, world.lm_a.pk)
    regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    return world


@pytest.mark.parametrize("persona", sorted(OUTSIDERS))
def test_outsiders_write_nothing(world, as_user, persona):
    # The base world: organisation B and team A2 are not involved with the household.
    from verband.network.models import Role
    from verband.testing import make_user

    world.lm_a = make_user("lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1)
    services.save_plan(
        actor_for(world.involved), world.household, services.PlanInput(household_wishes="Rust"), 0
    )
    transfer = regie.request_regie(
        actor_for(world.involved), world.household, world.involved.memberships.get().pk
    )
    regie.accept_regie(actor_for(world.involved), transfer, world.lm_a.pk)
    regie.request_regie(actor_for(world.involved), world.household, world.coordinator.memberships.get().pk)
    client = as_user(world.personas()[persona])
    events = HouseholdEvent.objects.count()
    denied = AccessLogEntry.objects.filter(outcome="denied").count()
    for url, data in posts(world):
        response = client.post(url, data)
        assert response.status_code == OUTSIDERS[persona], url
    assert HouseholdEvent.objects.count() == events
    assert DangerFact.objects.current().count() == 1
    assert Regie.objects.get(ended_at__isnull=True).user == world.involved
    assert RegieTransfer.objects.filter(status="pending").count() == 1
    if persona != "anonymous":
        assert AccessLogEntry.objects.filter(outcome="denied").count() > denied


@pytest.mark.parametrize(
    "page", ["safety:page", "plans:plan", "plans:edit", "plans:versions", "plans:pdf", "households:detail"]
)
def test_experience_expert_reads_but_cannot_edit(setup, as_user, page):
    from verband.network.models import Role
    from verband.testing import make_user

    world = setup
    expert = make_user("ervaring", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    response = as_user(expert).get(reverse(page, args=[world.household.reference]))
    assert response.status_code == (403 if page == "plans:edit" else 200)


def test_versions_and_pdf_are_logged_per_member(setup, as_user):
    world = setup
    client = as_user(world.vt)
    client.get(reverse("plans:versions", args=[world.household.reference]))
    client.get(reverse("plans:pdf", args=[world.household.reference]))
    for kind in ("plan_version", "plan_pdf"):
        entries = AccessLogEntry.objects.filter(object_type=kind, username="vt", outcome="granted")
        assert len(logged_subjects(entries)) == 3  # the household and its two members
