"""The ladder: who an escalation lies with at which step, and by when that step must decide.

regisseur (and the owners of the stalled item) → line manager → network coordinator or manager →
tactical platform (the managers of every partner involved). `Ladder` answers for many escalations at once
in a fixed number of queries, so a sweep that opens thousands of escalations does not ask per escalation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.utils import timezone

from verband.escalation.models import Escalation, EscalationRecipient, Step
from verband.network.models import Membership, Network, RegionNorms, Role
from verband.plans.models import Regie
from verband.sharing.models import Involvement
from verband.workdays import add_working_days


def step_due(norms: RegionNorms, step: int, today: date) -> date | None:
    """The day a step must decide by; None on the last step (the tactical platform)."""
    days = norms.step_days(step)
    return add_working_days(today, days) if days is not None else None


@dataclass
class Case:
    """What the ladder needs of one escalation: its household, the memberships that own the stalled item,
    the organisations it waits for, and who it was put to at step 1 so far."""

    household_id: int | None
    owners: Sequence[int] = ()
    parties: Sequence[int] = ()
    earlier: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, escalations: Sequence[Escalation]) -> list[Case]:
        """The cases of escalations that exist, in three queries for all of them."""
        ids = [e.pk for e in escalations]
        owners: dict[int, list[int]] = defaultdict(list)
        for pk, m in Escalation.owners.through.objects.filter(escalation_id__in=ids).values_list(
            "escalation_id", "membership_id"
        ):
            owners[pk].append(m)
        parties: dict[int, list[int]] = defaultdict(list)
        for pk, o in Escalation.parties.through.objects.filter(escalation_id__in=ids).values_list(
            "escalation_id", "organisation_id"
        ):
            parties[pk].append(o)
        earlier: dict[int, set[int]] = defaultdict(set)
        for pk, m in EscalationRecipient.objects.filter(
            escalation_id__in=ids, step=Step.REGISSEUR
        ).values_list("escalation_id", "membership_id"):
            earlier[pk].add(m)
        return [cls(e.household_id, owners[e.pk], parties[e.pk], earlier[e.pk]) for e in escalations]


class Ladder:
    """Recipients at a step for many cases: each kind of fact (regisseurs, memberships, involvements,
    managers, coordinators) is read once for all of them."""

    def __init__(self, cases: Sequence[Case], today: date | None = None) -> None:
        self.cases = cases
        self.today = today or timezone.localdate()
        self._households = {c.household_id for c in cases if c.household_id is not None}

    def regisseurs(self) -> dict[int, set[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        rows = Regie.objects.filter(household_id__in=self._households, ended_at__isnull=True)
        for household_id, membership_id in rows.values_list("household_id", "membership_id"):
            found[household_id].add(membership_id)
        return found

    def at(self, step: int) -> list[list[int]]:
        """The memberships each case is put to at `step`, in the order of the cases."""
        if step == Step.REGISSEUR:
            regisseurs = self.regisseurs() if self._households else {}
            return [
                sorted(regisseurs.get(c.household_id, set()) | set(c.owners))  # type: ignore[arg-type]
                for c in self.cases
            ]
        earlier = [c.earlier | set(c.owners) for c in self.cases]
        people = {
            pk: (org, team)
            for pk, org, team in Membership.objects.filter(pk__in=set().union(*earlier)).values_list(
                "pk", "organisation_id", "team_id"
            )
        }
        involved = self._involved()
        organisations = []
        for case, before in zip(self.cases, earlier, strict=True):
            orgs = {people[m][0] for m in before if m in people} | set(case.parties)
            if not orgs and case.household_id is not None:
                orgs = set(involved.get(case.household_id, ()))
            organisations.append(orgs)
        active = Membership.objects.active()
        if step == Step.LINE_MANAGER:
            managers: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
            rows = active.filter(role=Role.LINE_MANAGER, organisation_id__in=set().union(*organisations))
            for pk, org, team in rows.values_list("pk", "organisation_id", "team_id"):
                managers[org].append((pk, team))
            chosen = []
            for before, orgs in zip(earlier, organisations, strict=True):
                teams = {people[m][1] for m in before if m in people} - {None}
                # The line managers of the teams concerned; where a party has none there, all of its own.
                picked: set[int] = set()
                for org in orgs:
                    in_team = {pk for pk, team in managers.get(org, ()) if team in teams}
                    picked |= in_team or {pk for pk, _team in managers.get(org, ())}
                chosen.append(sorted(picked))
            return chosen
        if step == Step.TACTICAL:
            for case, orgs in zip(self.cases, organisations, strict=True):
                if case.household_id is not None:
                    orgs |= involved.get(case.household_id, set())
        networks = self._networks(organisations)
        everyone = set().union(*organisations)
        by_org: dict[int, set[int]] = defaultdict(set)
        for pk, org in active.filter(role=Role.MANAGER, organisation_id__in=everyone).values_list(
            "pk", "organisation_id"
        ):
            by_org[org].add(pk)
        by_network: dict[int, set[int]] = defaultdict(set)
        links = Membership.networks.through.objects.filter(
            network_id__in=set().union(*networks), membership__in=active.filter(role=Role.NETWORK_COORDINATOR)
        )
        for network_id, pk in links.values_list("network_id", "membership_id"):
            by_network[network_id].add(pk)
        return [
            sorted(set().union(*(by_org[o] for o in orgs), *(by_network[n] for n in nets)))
            for orgs, nets in zip(organisations, networks, strict=True)
        ]

    def _involved(self, party: Literal["organisation", "network"] = "organisation") -> dict[int, set[int]]:
        """The organisations (or, with `party="network"`, the networks) involved with each household (as
        `involved_organisation_ids`)."""
        found: dict[int, set[int]] = defaultdict(set)
        if self._households:
            rows = Involvement.objects.active(self.today).filter(
                household_id__in=self._households, only_user__isnull=True, **{f"{party}__isnull": False}
            )  # one person's emergency access makes no party of their organisation
            for household_id, party_id in rows.values_list("household_id", f"{party}_id"):
                found[household_id].add(party_id)
        return found

    def _networks(self, organisations: Sequence[set[int]]) -> list[set[int]]:
        """The networks a household is handled in; without one, the active networks of the organisations."""
        of_household = self._involved("network")
        of_org: dict[int, set[int]] = defaultdict(set)
        everyone = set().union(*organisations)
        if everyone:
            links = Network.organisations.through.objects.filter(
                organisation_id__in=everyone, network__active=True
            )
            for org, network_id in links.values_list("organisation_id", "network_id"):
                of_org[org].add(network_id)
        found = []
        for case, orgs in zip(self.cases, organisations, strict=True):
            networks = set(of_household.get(case.household_id, set())) if case.household_id else set()
            if not networks:
                networks = set().union(*(of_org[o] for o in orgs))
            found.append(networks)
        return found


def recipients_for(escalation: Escalation, step: int, today: date | None = None) -> list[int]:
    """The memberships one escalation is put to at a step."""
    return Ladder(Case.of([escalation]), today).at(step)[0]


def memberships_users(memberships: Iterable[int]) -> dict[int, int]:
    """The user of each membership, in one query."""
    return dict(Membership.objects.filter(pk__in=set(memberships)).values_list("pk", "user_id"))
