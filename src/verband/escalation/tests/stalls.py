"""A region with stalls of every kind, built with bulk inserts (not through the services, so a hundred
thousand households take seconds): for the sweep's query-count test and `bench/sweep.py`.

Every household has a partner involved for help with first contact recorded, a regisseur and a family plan
with an action due next month; every second one an activation that was taken up, every fifth help that
started, every tenth an answered handover. Of every hundred households ten stall, one of each kind the
detectors know (`KINDS`)."""

from __future__ import annotations

from datetime import date, timedelta

KINDS = (
    "signal_not_accepted",
    "first_contact_late",
    "assessment_late",
    "action_overdue",
    "handover_unanswered",
    "regie_transfer_unanswered",
    "waiting_over_norm",
    "no_regisseur",
    "rights_request_due",
    "task_overdue",
    "mandate_unconfirmed",
    "update_not_seen",
    "member_question",
)
STALLED_PER_100 = 13  # households i with i % 100 < 12 stall; the kind is KINDS[i % 100]


def build(households: int, today: date, name: str = "B") -> dict[str, int]:
    """The data set; returns how many stalls of each kind were built."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from verband.accounts.models import User
    from verband.collaboration.models import Handover, Help, HelpKind
    from verband.households.models import Household, Person
    from verband.network.models import Membership, Network, Organisation, Region, Role, Team
    from verband.plans.models import FamilyPlan, PlanAction, Regie, RegieTransfer
    from verband.rights.models import RightsRequest
    from verband.sharing.models import Involvement
    from verband.signals.models import Activation, Signal

    now = timezone.now()
    long_ago = now - timedelta(days=30)
    batch = 2000
    region = Region.objects.create(name=f"Regio {name}", code=name)
    password = make_password(None)
    organisations = [
        Organisation.objects.create(region=region, name=f"{org_name} {name}", kind=kind)
        for org_name, kind in (
            ("Wijkteam", "neighbourhood_team"),
            ("Jeugdzorg", "youth_care"),
            ("Opvang", "shelter"),
            ("Politie", "police"),
        )
    ]
    network = Network.objects.create(region=region, name=f"Netwerk {name}")
    network.organisations.set(organisations)
    teams = [
        Team.objects.create(organisation=org, name=f"{org.name} {n}") for org in organisations for n in (1, 2)
    ]

    prefix = f"{name}-"

    def member(who: str, org: Organisation, role: str, team: Team | None = None) -> Membership:
        user = User.objects.create(username=f"{prefix}{who}", password=password)
        return Membership.objects.create(user=user, organisation=org, team=team, role=role)

    workers: dict[int, list[Membership]] = {}
    for team in teams:
        workers[team.pk] = [
            member(f"{team.pk}-prof{n}", team.organisation, Role.PROFESSIONAL, team) for n in range(3)
        ]
        member(f"{team.pk}-lm", team.organisation, Role.LINE_MANAGER, team)
    for org in organisations:
        member(f"{org.pk}-manager", org, Role.MANAGER)
    coordinator = member("coordinator", organisations[0], Role.NETWORK_COORDINATOR)
    coordinator.networks.add(network)
    help_kind = HelpKind.objects.create(region=region, name=f"Ambulante hulp {name}")

    Household.objects.bulk_create(
        (Household(reference=f"HH-{name}{i:06d}", region=region) for i in range(households)), batch_size=batch
    )
    ids = list(Household.objects.filter(region=region).order_by("reference").values_list("pk", flat=True))
    FamilyPlan.objects.bulk_create((FamilyPlan(household_id=h, version=1) for h in ids), batch_size=batch)
    plans = dict(FamilyPlan.objects.filter(household__region=region).values_list("household_id", "pk"))

    def kind_of(i: int) -> str | None:
        return KINDS[i % 100] if i % 100 < STALLED_PER_100 else None

    def team_of(i: int) -> Team:
        return teams[i % len(teams)]

    def worker_of(i: int, offset: int = 0) -> Membership:
        people = workers[team_of(i).pk]
        return people[(i // len(teams) + offset) % len(people)]

    Involvement.objects.bulk_create(
        (
            Involvement(
                household_id=h,
                team=team_of(i),
                organisation_id=team_of(i).organisation_id,
                purpose="help",
                legal_basis="legal_task",
                started_on=today - timedelta(days=90 if kind_of(i) != "first_contact_late" else 30),
                first_contact_at=None if kind_of(i) == "first_contact_late" else long_ago,
            )
            for i, h in enumerate(ids)
        ),
        batch_size=batch,
    )
    Regie.objects.bulk_create(
        (
            Regie(
                household_id=h,
                user_id=worker_of(i).user_id,
                membership=worker_of(i),
                organisation_id=worker_of(i).organisation_id,
                mandated_by_id=worker_of(i).user_id,
                mandate_status="requested" if kind_of(i) == "mandate_unconfirmed" else "confirmed",
                started_at=long_ago,
            )
            for i, h in enumerate(ids)
            if kind_of(i) != "no_regisseur"
        ),
        batch_size=batch,
    )
    PlanAction.objects.bulk_create(
        (
            PlanAction(
                plan_id=plans[h],
                text="Huisbezoek",
                owner_organisation_id=team_of(i).organisation_id,
                owner_user_id=worker_of(i).user_id,
                due_on=today - timedelta(days=30)
                if kind_of(i) == "action_overdue"
                else today + timedelta(days=30),
            )
            for i, h in enumerate(ids)
        ),
        batch_size=batch,
    )
    # Signals with one activation each: every second household one that was taken up; the stalls.
    signalled = [
        (i, h)
        for i, h in enumerate(ids)
        if i % 2 == 0 or kind_of(i) in ("signal_not_accepted", "assessment_late", "update_not_seen")
    ]
    Signal.objects.bulk_create(
        (
            Signal(
                reference=f"SIG-{name}{i:07d}",
                region=region,
                kind="report",
                channel="web",
                description="Melding",
                source_organisation=organisations[3],
                household_id=h,
                status="routed",
                received_at=long_ago,
            )
            for i, h in signalled
        ),
        batch_size=batch,
    )
    signals = dict(Signal.objects.filter(region=region).values_list("household_id", "pk"))

    def activation(i: int, h: int) -> Activation:
        kind = kind_of(i)
        safety = kind == "assessment_late"
        return Activation(
            signal_id=signals[h],
            household_id=h,
            team=team_of(i),
            purpose="safety_assessment" if safety else "help",
            reason="Bank",
            norm_working_days=5,
            due_on=today - timedelta(days=20) if kind else today - timedelta(days=25),
            status="open" if kind in ("signal_not_accepted", "update_not_seen") else "accepted",
            decided_by_id=None
            if kind in ("signal_not_accepted", "update_not_seen")
            else worker_of(i).user_id,
            update=kind == "update_not_seen",
        )

    Activation.objects.bulk_create((activation(i, h) for i, h in signalled), batch_size=batch)
    regies = dict(Regie.objects.filter(household__region=region).values_list("household_id", "pk"))
    Handover.objects.bulk_create(
        (
            Handover(
                household_id=h,
                kind="referral",
                from_user_id=worker_of(i).user_id,
                from_membership=worker_of(i),
                from_organisation_id=worker_of(i).organisation_id,
                to_team=teams[(i + 1) % len(teams)],
                question="Kunnen jullie dit overnemen?",
                norm_working_days=3,
                due_on=today - timedelta(days=20),
                status="pending" if kind_of(i) == "handover_unanswered" else "accepted",
            )
            for i, h in enumerate(ids)
            if i % 10 == 5 or kind_of(i) == "handover_unanswered"
        ),
        batch_size=batch,
    )
    RegieTransfer.objects.bulk_create(
        (
            RegieTransfer(
                household_id=h,
                to_membership=worker_of(i, 1),
                to_user_id=worker_of(i, 1).user_id,
                from_regie_id=regies[h],
                requested_by_id=worker_of(i).user_id,
                requested_at=long_ago,
            )
            for i, h in enumerate(ids)
            if kind_of(i) == "regie_transfer_unanswered"
        ),
        batch_size=batch,
    )
    Help.objects.bulk_create(
        (
            Help(
                household_id=h,
                kind=help_kind,
                funding="wmo",
                provider=teams[(i + 2) % len(teams)],
                requested_on=today - timedelta(days=60),
                status="requested" if kind_of(i) == "waiting_over_norm" else "started",
                created_by_id=worker_of(i).user_id,
            )
            for i, h in enumerate(ids)
            if i % 5 == 1 or kind_of(i) == "waiting_over_norm"
        ),
        batch_size=batch,
    )
    # A member's request under the AVG received six weeks ago and not answered.
    asking = [(i, h) for i, h in enumerate(ids) if kind_of(i) == "rights_request_due"]
    persons = Person.objects.bulk_create(
        (Person(given_names="Lid", family_name=f"{name}{i:06d}") for i, _h in asking), batch_size=batch
    )
    RightsRequest.objects.bulk_create(
        (
            RightsRequest(
                household_id=h,
                person=person,
                kind="access",
                how_received="letter",
                received_on=today - timedelta(days=42),
                asked="Inzage in mijn gegevens",
                due_on=today - timedelta(days=11),
                recorded_by_id=worker_of(i).user_id,
                organisation_id=team_of(i).organisation_id,
            )
            for (i, h), person in zip(asking, persons, strict=True)
        ),
        batch_size=batch,
    )
    # A task (the review of the safety plan before a measure ends) not done by its date.
    from verband.tasks.models import Task

    Task.objects.bulk_create(
        (
            Task(
                household_id=h,
                kind="review_safety_plan",
                title="Veiligheidsplan herzien",
                assignee_id=worker_of(i).user_id,
                assignee_membership=worker_of(i),
                organisation_id=worker_of(i).organisation_id,
                due_on=today - timedelta(days=3),
            )
            for i, h in enumerate(ids)
            if kind_of(i) == "task_overdue"
        ),
        batch_size=batch,
    )
    # A question a member asked at the household's door a month ago, not answered.
    from verband.portal.models import MemberMessage

    asked = [(i, h) for i, h in enumerate(ids) if kind_of(i) == "member_question"]
    askers = Person.objects.bulk_create(Person(family_name=f"Lid {name}{i}") for i, _h in asked)
    MemberMessage.objects.bulk_create(
        (
            MemberMessage(household_id=h, person=person, text="Vraag", at=long_ago)
            for (_i, h), person in zip(asked, askers, strict=True)
        ),
        batch_size=batch,
    )
    built = {kind: 0 for kind in KINDS}
    for i in range(households):
        if kind_of(i):
            built[kind_of(i)] += 1  # type: ignore[index]
    return built
