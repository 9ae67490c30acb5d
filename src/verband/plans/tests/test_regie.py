"""Regie: at most one regisseur per household, or explicitly none; a transfer takes effect only when the
receiver accepts, naming the line manager who gave the mandate; the history is kept."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from verband.accounts.models import User
from verband.actors import SYSTEM
from verband.households.models import Household
from verband.network.models import Membership, Role
from verband.plans import regie
from verband.plans.models import Regie, RegieTransfer
from verband.sharing import services as sharing
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
    transfer = regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    regie.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    with pytest.raises(PermissionDenied):
        regie.request_regie(actor_for(world.involved), world.household, world.other_org.memberships.get().pk)
    handover = regie.request_regie(actor_for(world.vt), world.household, world.involved.memberships.get().pk)
    assert Regie.objects.get(ended_at__isnull=True).user == world.vt  # still, until accepted
    regie.accept_regie(actor_for(world.involved), handover, world.lm_a.pk)
    history = list(Regie.objects.order_by("started_at", "pk"))
    assert [r.user for r in history] == [world.vt, world.involved]
    assert history[0].ended_at is not None and history[1].ended_at is None


def test_accepting_opens_the_household_to_an_uninvolved_receiver(partners):
    world = partners
    lm_a2 = make_user("lm_a2", world.org_a, Role.LINE_MANAGER, world.team_a2)
    actor = actor_for(world.colleague)  # Wijkteam Zuid: same organisation, not involved
    assert not can_see_household(actor, world.household)
    transfer = regie.request_regie(
        actor_for(world.involved), world.household, world.colleague.memberships.get().pk
    )
    regie.accept_regie(actor, transfer, lm_a2.pk)
    assert can_see_household(actor, world.household)


def test_decline_needs_a_reason_and_changes_nothing(partners):
    world = partners
    transfer = regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    with pytest.raises(ValidationError):
        regie.decline_regie(actor_for(world.vt), transfer, "  ")
    regie.decline_regie(actor_for(world.vt), transfer, "Geen capaciteit deze maand")
    assert not Regie.objects.exists()
    with pytest.raises(ValidationError):
        regie.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)


def test_end_regie_returns_to_no_regisseur(partners):
    world = partners
    transfer = regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    regie.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    with pytest.raises(PermissionDenied):
        regie.end_regie(actor_for(world.involved), world.household, "klaar")
    regie.end_regie(actor_for(world.lm_vt), world.household, "Gezin is uitgestroomd")
    assert regie.current_regie(world.household) is None


def test_regie_request_per_persona(world, as_user):
    target = world.involved.memberships.get().pk
    for persona in ("colleague", "other_org", "manager"):
        response = as_user(world.personas()[persona]).post(
            reverse("plans:regie_request", args=[world.household.reference]), {"to": target}
        )
        assert response.status_code in (403, 404)
    assert not RegieTransfer.objects.exists()


# --------------------------------------------------------------------------------- random sequences

# The people who act, with what the model needs to know of them: organisation, team and role.
PEOPLE = ("involved", "vt", "other_org", "colleague", "coordinator", "manager")
# Line managers who can be named as the mandate, one per organisation.
MANDATES = ("org_a", "org_vt", "org_b")
# Who may hold regie (a manager may not), and who an organisation-wide involvement opens a household to.
REGIE_ROLES = {Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR}
CASEWORK = {Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR, Role.EXPERIENCE_EXPERT}

OPS = st.lists(
    st.tuples(
        st.sampled_from(["request", "accept", "decline", "withdraw", "end"]),
        st.integers(0, len(PEOPLE) - 1),  # who acts
        # request: to whom; accept: whose line manager is named as the mandate; decline: with a reason
        # (even) or a blank one (odd).
        st.integers(0, len(PEOPLE) - 1),
    ),
    min_size=1,
    max_size=25,
)

# One sequence that must succeed from start to end: regie goes round and ends.
ROUND = [
    ("request", 0, 1),  # involved asks Veilig Thuis
    ("accept", 1, 1),  # vt accepts, mandated by their own line manager
    ("request", 1, 3),  # vt hands over to the colleague of Wijkteam Zuid (not involved yet)
    ("accept", 3, 0),  # the colleague accepts; Wijkteam Zuid becomes involved
    ("request", 3, 4),  # and hands over to the coordinator (no team: the organisation becomes involved)
    ("decline", 4, 0),  # who declines, with a reason
    ("request", 3, 4),
    ("withdraw", 3, 0),  # the colleague takes it back
    ("end", 3, 0),  # and ends regie
    ("request", 2, 4),  # the police ask the coordinator
    ("accept", 4, 0),
]


@dataclass(frozen=True)
class Person:
    name: str
    organisation: str  # the World attribute: org_a, org_vt, org_b
    team: str | None
    role: str


@dataclass
class RegieModel:
    """What the rules say should happen, kept apart from the database: who has regie, the latest request
    (for whom, asked by whom) and whether it still waits, and who the household is open to."""

    people: dict[str, Person]
    sees: set[str]
    regisseur: str | None = None
    latest: tuple[str, str] | None = None  # (receiver, requester) of the latest request
    waiting: bool = False
    accepted: int = 0

    @property
    def pending(self) -> tuple[str, str] | None:
        return self.latest if self.waiting else None

    def expect(self, op: str, who: str, whom: int) -> type[Exception] | None:
        """The refusal this operation gets (PermissionDenied or ValidationError), or None: it succeeds.
        Permission is checked before the input."""
        actor = self.people[who]
        if op == "request":
            target = self.people[PEOPLE[whom]]
            if actor.role not in REGIE_ROLES or who not in self.sees:
                return PermissionDenied
            if self.regisseur not in (None, who):  # only the regisseur hands regie over
                return PermissionDenied
            if target.role not in REGIE_ROLES or target.name == self.regisseur or self.pending is not None:
                return ValidationError
            return None
        if op == "end":
            if self.regisseur is None:
                return ValidationError
            current = self.people[self.regisseur]
            line_manager = actor.role == Role.LINE_MANAGER and actor.organisation == current.organisation
            if (who != self.regisseur and not line_manager) or who not in self.sees:
                return PermissionDenied
            return None
        # accept, decline, withdraw: the latest request, waiting or already answered.
        assert self.latest is not None
        receiver, requester = self.latest
        if op == "withdraw" and who not in (requester, self.regisseur):
            return PermissionDenied  # only the requester or the current regisseur takes it back
        if op != "withdraw" and who != receiver:
            return PermissionDenied  # only the receiver answers
        if not self.waiting:
            return ValidationError  # no longer waiting: a request is answered exactly once
        if op == "accept" and MANDATES[whom % len(MANDATES)] != actor.organisation:
            return ValidationError  # the mandate comes from a line manager of the receiver's organisation
        if op == "decline" and whom % 2:
            return ValidationError  # declining needs a reason
        return None

    def apply(self, op: str, who: str, whom: int) -> None:
        """The change of a successful operation."""
        if op == "request":
            self.latest, self.waiting = (PEOPLE[whom], who), True
            return
        if op == "end":
            self.regisseur = None
            return
        self.waiting = False
        if op == "accept":
            self.regisseur = who
            self.accepted += 1
            if who not in self.sees:
                # Their team becomes involved for case direction, or their organisation if they have none.
                actor = self.people[who]
                self.sees |= {
                    p.name
                    for p in self.people.values()
                    if p.role in CASEWORK
                    and (p.team == actor.team if actor.team else p.organisation == actor.organisation)
                }


class RegieRules(TestCase):
    """Under any sequence of requests, acceptances, declines, withdrawals and endings by anyone, each
    operation succeeds or is refused exactly as the rules say (the model above), and the regisseur, the
    waiting request and who the household is open to are what the model says. So there is never more
    than one current regisseur, and regie changes only by an accepted transfer (to its receiver) or an
    ending (to nobody)."""

    @classmethod
    def setUpTestData(cls):
        world = build_world()
        for team in (world.team_vt, world.team_b1):
            sharing.involve(
                SYSTEM,
                world.household,
                team=team,
                purpose="help",
                legal_basis="covenant",
                started_on=date(2026, 1, 5),
            )
        cls.mandates = {
            "org_a": make_user("h_lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1).pk,
            "org_vt": make_user("h_lm_vt", world.org_vt, Role.LINE_MANAGER, world.team_vt).pk,
            "org_b": make_user("h_lm_b", world.org_b, Role.LINE_MANAGER, world.team_b1).pk,
        }
        cls.household_pk = world.household.pk
        cls.users = {name: getattr(world, name).pk for name in PEOPLE}
        orgs = {getattr(world, o).pk: o for o in MANDATES}
        teams = {getattr(world, t).pk: t for t in ("team_a1", "team_a2", "team_vt", "team_b1")}
        cls.people = {}
        for name in PEOPLE:
            m = getattr(world, name).memberships.get()
            cls.people[name] = Person(name, orgs[m.organisation_id], teams.get(m.team_id), m.role)

    def membership_pk(self, name: str) -> int:
        return Membership.objects.get(user_id=self.users[name]).pk

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    @example(ops=ROUND)
    def test_rules_hold(self, ops):
        household = Household.objects.get(pk=self.household_pk)
        users = {name: User.objects.get(pk=pk) for name, pk in self.users.items()}
        model = RegieModel(self.people, sees={"involved", "vt", "other_org"})
        assert {n for n, u in users.items() if can_see_household(actor_for(u), household)} == model.sees
        for op, who_index, whom in ops:
            who = PEOPLE[who_index]
            actor = actor_for(users[who])
            transfer = RegieTransfer.objects.filter(household=household).order_by("-pk").first()
            if op in ("accept", "decline", "withdraw") and transfer is None:
                assert model.latest is None
                continue  # nothing to answer yet
            expected = model.expect(op, who, whom)
            with pytest.raises(expected) if expected else nullcontext():
                if op == "request":
                    regie.request_regie(actor, household, self.membership_pk(PEOPLE[whom]))
                elif op == "accept":
                    regie.accept_regie(actor, transfer, self.mandates[MANDATES[whom % len(MANDATES)]])
                elif op == "decline":
                    regie.decline_regie(actor, transfer, "  " if whom % 2 else "Past niet")
                elif op == "withdraw":
                    regie.withdraw_regie(actor, transfer)
                else:
                    regie.end_regie(actor, household, "Klaar")
            if expected is None:
                model.apply(op, who, whom)
            # The database says what the model says.
            current = regie.current_regie(household)
            assert (current.user_id if current else None) == (
                self.users[model.regisseur] if model.regisseur else None
            ), (op, who, whom)
            waiting = list(
                RegieTransfer.objects.filter(household=household, status="pending").values_list(
                    "to_user_id", "requested_by_id"
                )
            )
            assert waiting == (
                [(self.users[model.pending[0]], self.users[model.pending[1]])] if model.pending else []
            ), (op, who, whom)
            assert Regie.objects.filter(household=household, ended_at__isnull=True).count() <= 1
        # Accepting opened the household to exactly whom the model says.
        assert {n for n, u in users.items() if can_see_household(actor_for(u), household)} == model.sees
        # The history is complete: one period per acceptance, not overlapping, every ended one has an end.
        periods = list(Regie.objects.filter(household=household).order_by("started_at", "pk"))
        assert len(periods) == model.accepted
        for earlier, later in pairwise(periods):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at


def test_an_old_offer_cannot_be_accepted_after_the_receivers_organisation_left(partners):
    from datetime import timedelta

    from django.utils import timezone

    from verband.sharing.models import Involvement

    world = partners
    transfer = regie.request_regie(
        actor_for(world.involved), world.household, world.other_org.memberships.get().pk
    )
    Involvement.objects.filter(team=world.team_b1).update(ended_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        regie.accept_regie(actor_for(world.other_org), transfer, world.lm_b.pk)
    assert not Regie.objects.exists()
    assert not can_see_household(actor_for(world.other_org), world.household)
