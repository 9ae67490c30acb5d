"""Loads the demo region (see region.py). Idempotent: what exists is updated, nothing is duplicated."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import ApiToken, hash_token
from verband.accounts.twofactor import DEMO_DEVICE_NAME
from verband.actors import SYSTEM
from verband.demo import region
from verband.demo.households import HOUSEHOLDS, H
from verband.households.models import Household
from verband.network.models import CoverageArea, Membership, Network, Organisation, Region, Team
from verband.sharing import services as sharing_services
from verband.shielding.members import scope_involvement


def demo_totp_key(username: str) -> str:
    """A fixed TOTP secret per demo user, so the one-time code can be shown in the demo banner."""
    return hashlib.sha1(f"verband-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def _coverage(owner: dict, areas: list) -> None:
    CoverageArea.objects.filter(**owner).delete()
    for area in areas:
        if isinstance(area, tuple):
            CoverageArea.objects.create(postcode_from=area[0], postcode_to=area[1], **owner)
        else:
            CoverageArea.objects.create(neighbourhood=area, **owner)


@transaction.atomic
def load_demo_region() -> Region:
    rr, _ = Region.objects.update_or_create(
        code="rotterdam-rijnmond", defaults={"name": "Rotterdam-Rijnmond"}
    )
    orgs: dict[str, Organisation] = {}
    for name, short, kind, description, phone, email in region.ORGANISATIONS:
        orgs[short], _ = Organisation.objects.update_or_create(
            region=rr,
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "description": description,
                "phone": phone,
                "email": email,
            },
        )
    teams: dict[str, Team] = {}
    for org_short, team_name, areas, phone in region.TEAMS:
        teams[team_name], _ = Team.objects.update_or_create(
            organisation=orgs[org_short], name=team_name, defaults={"phone": phone}
        )
        _coverage({"team": teams[team_name]}, areas)
    networks: dict[str, Network] = {}
    for name, description, pilot, members, areas, phone, email in region.NETWORKS:
        network, _ = Network.objects.update_or_create(
            name=name,
            defaults={
                "region": rr,
                "description": description,
                "is_pilot": pilot,
                "phone": phone,
                "email": email,
            },
        )
        network.organisations.set([orgs[m] for m in members])
        _coverage({"network": network}, areas)
        networks[name] = network

    User = get_user_model()
    for username, first, last, org_short, team_name, role, title, user_networks, staff in region.USERS:
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_staff = first, last, staff
        user.is_demo = True
        user.email = f"{username}@verband-demo.nl"
        if created or not user.has_usable_password():
            user.set_password(region.DEMO_PASSWORD)
        user.save()
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=orgs[org_short],
            team=teams[team_name] if team_name else None,
            role=role,
            defaults={"job_title": title, "active": True},
        )
        membership.networks.set([networks[n] for n in user_networks])
        TOTPDevice.objects.update_or_create(
            user=user, name=DEMO_DEVICE_NAME, defaults={"key": demo_totp_key(username), "confirmed": True}
        )
        if staff:
            from django.contrib.auth.models import Permission

            user.user_permissions.set(
                Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
                | Permission.objects.filter(
                    content_type__app_label="signals", content_type__model="routingrule"
                )
                | Permission.objects.filter(
                    content_type__app_label="collaboration",
                    content_type__model__in=["helpkind", "providercapacity"],
                )
            )

    for org_short, name, raw, scopes in region.API_TOKENS:
        token = ApiToken.objects.filter(token_hash=hash_token(raw)).first() or ApiToken(
            organisation=orgs[org_short]
        )
        token.name, token.scopes, token.organisation = name, scopes, orgs[org_short]
        token.is_demo = True
        token.set_token(raw)
        token.save()

    _routing_rules(rr, orgs, teams, networks)
    _help_catalogue(rr, teams)
    for spec in HOUSEHOLDS:
        if not Household.objects.filter(reference=spec.reference).exists():
            _household(rr, spec, orgs, teams, networks)
            if spec.reference == BETWEEN_THE_CRACKS:
                _between_the_cracks(spec.reference, teams)
            else:
                _first_contacts(spec.reference)
            if spec.reference == "HH-2026-0001":
                _help_started(spec.reference, teams)
    _consultations(rr, networks)
    _platforms(rr, orgs)
    return rr


def _consultations(rr: Region, networks: dict) -> None:
    """The anonymous consultations of the demo's networks (region.CONSULTATIONS), written through the
    services (the identity check included), then back-dated. Once: a region that has some keeps them."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.consultation import services as consultation
    from verband.consultation.models import Advice, Consultation

    if Consultation.objects.filter(network__region=rr).exists():
        return
    now = timezone.now()
    for network, asker, days, facts, question, advice, conclusion in region.CONSULTATIONS:
        made = consultation.ask(
            _demo_actor(asker), network_id=networks[network].pk, facts=facts, question=question
        )
        Consultation.objects.filter(pk=made.pk).update(asked_at=now - timedelta(days=days))
        for author, ago, text in advice:
            given = consultation.advise(_demo_actor(author), made, text)
            Advice.objects.filter(pk=given.pk).update(given_at=now - timedelta(days=ago))
        if conclusion is not None:
            by, ago, text = conclusion
            consultation.conclude(_demo_actor(by), made, text)
            Consultation.objects.filter(pk=made.pk).update(concluded_at=now - timedelta(days=ago))


def _platforms(rr: Region, orgs: dict) -> None:
    """The region's tactical and strategic platform with their members, a priority, and two system
    barriers raised by professionals (one already on the tactical platform's agenda). Once: a region with
    barriers keeps them."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.platforms import services as platforms
    from verband.platforms.models import Barrier, Level, Platform, PlatformMember, Priority

    tactical, _made = Platform.objects.get_or_create(
        region=rr,
        level=Level.TACTICAL,
        defaults={"name": "Tactisch platform Huiselijk Geweld Rotterdam-Rijnmond"},
    )
    strategic, _made = Platform.objects.get_or_create(
        region=rr,
        level=Level.STRATEGIC,
        defaults={"name": "Strategisch platform Zorg en Veiligheid Rijnmond"},
    )
    members = [(tactical, "manager", True), (tactical, "coordinator", False), (strategic, "bestuurder", True)]
    for platform, username, chair in members:
        membership = Membership.objects.get(user__username=username)
        PlatformMember.objects.get_or_create(
            platform=platform, membership=membership, defaults={"chair": chair}
        )
    today = timezone.localdate()
    if not Priority.objects.filter(platform=tactical).exists():
        Priority.objects.create(
            platform=tactical,
            title="Sneller een passende opvangplek voor moeders met oudere kinderen",
            description="Samen met de opvang en de gemeente de plaatsing van moeders met zonen boven de 12 "
            "jaar regelen, zodat niemand terug moet naar huis omdat er geen plek is.",
            lead=orgs["Arosa"],
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(month=12, day=31),
        )
    if Barrier.objects.filter(region=rr).exists():
        return
    waiting = platforms.raise_barrier(
        _demo_actor("enver"),
        title="Wachtlijst traumabehandeling 16 weken",
        kind="waiting_list",
        description="Kinderen die huiselijk geweld hebben meegemaakt wachten sinds het voorjaar zestien weken "
        "op traumabehandeling. In die tijd loopt de spanning thuis vaak weer op.",
    )
    platforms.support(_demo_actor("wt.feijenoord"), waiting)
    funding = platforms.raise_barrier(
        _demo_actor("wt.charlois"),
        title="Financiering tussen Wmo en Jeugdwet",
        kind="rule_or_funding",
        description="Bij gezinnen waar ouder en kind allebei hulp nodig hebben, verschillen gemeente en "
        "zorgaanbieder van mening over wat onder de Wmo en wat onder de Jeugdwet valt. De hulp start "
        "daardoor weken later.",
    )
    platforms.schedule(_demo_actor("coordinator"), funding, today + timedelta(days=21))


def _help_catalogue(rr: Region, teams: dict) -> None:
    from verband.collaboration.models import HelpKind, ProviderCapacity
    from verband.network.models import RegionNorms

    RegionNorms.objects.get_or_create(region=rr)
    kinds = {}
    for name, funding, norm in region.HELP_KINDS:
        kinds[name], _created = HelpKind.objects.update_or_create(
            region=rr,
            name=name,
            defaults={
                "default_funding": funding,
                "waiting_norm_working_days": norm,
                "shelter": name in region.SHELTER_KINDS,
            },
        )
    for team, kind, places in region.CAPACITIES:
        ProviderCapacity.objects.update_or_create(
            team=teams[team], kind=kinds[kind], defaults={"places": places}
        )


def _first_contacts(reference: str) -> None:
    """The demo's partners involved for help have reached their households (on the day they started),
    except where the story says otherwise."""
    from datetime import datetime, time

    from django.utils import timezone

    from verband.sharing.models import Involvement

    for inv in Involvement.objects.filter(
        household__reference=reference, purpose="help", first_contact_at=None
    ):
        at = timezone.make_aware(datetime.combine(inv.started_on, time(10, 0)))
        Involvement.objects.filter(pk=inv.pk).update(first_contact_at=at)


def _help_started(reference: str, teams: dict) -> None:
    """The Demir family: Kemal's treatment at De Waag started six weeks ago; traumascreening for Deniz
    is on the waiting list."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.collaboration import services as collaboration
    from verband.collaboration.models import HELP_FLOW, Help, HelpKind, HelpStatus

    household = Household.objects.get(reference=reference)
    actor = _demo_actor("wt.feijenoord")
    kinds = {k.name: k for k in HelpKind.objects.filter(region=household.region)}
    members = {m.person.given_names: m.person_id for m in household.members.select_related("person")}
    today = timezone.localdate()
    treatment = collaboration.add_help(
        actor,
        household,
        kind_id=kinds["Behandeling agressie en alcohol"].pk,
        funding="forensic",
        person_id=members["Kemal"],
        provider_id=teams["Team Rotterdam"].pk,
    )
    HELP_FLOW.move_rows(
        Help.objects.filter(pk=treatment.pk),
        HelpStatus.STARTED,
        source=HelpStatus.REQUESTED,
        requested_on=today - timedelta(days=60),
        started_on=today - timedelta(days=42),
    )
    screening = collaboration.add_help(
        actor,
        household,
        kind_id=kinds["Traumabehandeling"].pk,
        funding="zvw",
        person_id=members["Deniz"],
        provider_id=teams["Team Rotterdam-Zuid"].pk,
    )
    Help.objects.filter(pk=screening.pk).update(requested_on=today - timedelta(days=10))
    HELP_FLOW.move_rows(Help.objects.filter(pk=screening.pk), HelpStatus.WAITING, source=HelpStatus.REQUESTED)


# The VJI case in our own words: a young mother not "acute" enough for the women's shelter and not
# "homeless" enough for the social shelter, staying with her mother; nobody takes regie.
BETWEEN_THE_CRACKS = "HH-2026-0006"


def _between_the_cracks(reference: str, teams: dict) -> None:
    """Two refused referrals, a third unanswered past its norm, help without a provider: written through
    the services, then back-dated."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.collaboration import services as collaboration
    from verband.collaboration.consent import record_consent
    from verband.collaboration.models import HANDOVER_FLOW, Handover, HandoverStatus, Help, HelpKind
    from verband.households.models import HouseholdEvent
    from verband.sharing.basis import Basis

    household = Household.objects.get(reference=reference)
    naomi = household.members.get(role="victim").person_id
    actor = _demo_actor("wt.charlois")
    now = timezone.now()
    question = (
        "Naomi en haar dochter slapen sinds weken op de bank bij oma; de ex-partner weet het adres. "
        "Graag een veilige plek."
    )
    refusals = [
        ("Opvang Fier", 25, "Niet acuut genoeg voor de vrouwenopvang: er is geen direct gevaar gemeld."),
        ("Maatschappelijke opvang", 15, "Mevrouw is niet dakloos: zij kan bij haar moeder verblijven."),
    ]
    # Naomi agreed, in writing, that her story goes to the shelters asked: each referral rests on it.
    consent = record_consent(
        actor,
        household,
        person_id=naomi,
        status="given",
        partner_ids=sorted({teams[t].organisation_id for t in ("Opvang Fier", "Maatschappelijke opvang",
                                                               "Opvang Rotterdam")}),
        information=["all"],
        manner="written",
        given_on=(now - timedelta(days=29)).date(),
        valid_until=(now + timedelta(days=150)).date(),
        note="Getekend toestemmingsformulier, in het dossier van het wijkteam.",
    )  # fmt: skip
    on_consent = Basis("consent", consent.pk)
    for team, days, reason in refusals:
        handover = collaboration.request_handover(
            actor, household, kind="referral", to_team_id=teams[team].pk, question=question, person_id=naomi,
            basis=on_consent,
        )  # fmt: skip
        _backdate_last_event(household, now - timedelta(days=days + 3))
        receiver = Membership.objects.filter(team=teams[team]).first()
        HouseholdEvent.objects.create(
            household=household,
            kind="handover",
            summary=f"Verwijzing niet geaccepteerd door {team}: {reason}",
            organisation=teams[team].organisation,
            at=now - timedelta(days=days),
        )
        HANDOVER_FLOW.move_rows(
            Handover.objects.filter(pk=handover.pk),
            HandoverStatus.REJECTED,
            source=HandoverStatus.PENDING,
            requested_at=now - timedelta(days=days + 3),
            due_on=(now - timedelta(days=days)).date(),
            decided_at=now - timedelta(days=days),
            decided_by_name=receiver.user.display_name if receiver else f"Aanmelding {team}",
            reason=reason,
        )
    pending = collaboration.request_handover(
        actor,
        household,
        kind="referral",
        to_team_id=teams["Opvang Rotterdam"].pk,
        question=question,
        person_id=naomi,
        basis=on_consent,
    )
    Handover.objects.filter(pk=pending.pk).update(
        requested_at=now - timedelta(days=9), due_on=(now - timedelta(days=5)).date()
    )
    _backdate_last_event(household, now - timedelta(days=9))
    kind = HelpKind.objects.get(region=household.region, name="Opvangplek")
    help_ = collaboration.add_help(actor, household, kind_id=kind.pk, funding="wmo", person_id=naomi)
    Help.objects.filter(pk=help_.pk).update(requested_on=(now - timedelta(days=28)).date())
    _backdate_last_event(household, now - timedelta(days=28))


def _backdate_last_event(household: Household, at: Any) -> None:
    from verband.households.models import HouseholdEvent

    last = HouseholdEvent.objects.filter(household=household).order_by("-pk").first()
    if last is not None:
        HouseholdEvent.objects.filter(pk=last.pk).update(at=at)


def _routing_rules(rr: Region, orgs: dict, teams: dict, networks: dict) -> None:
    from verband.signals.models import RoutingRule

    for order, (name, condition, target, org, team, network, purpose, days, urgent) in enumerate(
        region.ROUTING_RULES, start=1
    ):
        RoutingRule.objects.update_or_create(
            region=rr,
            name=name,
            defaults={
                "condition": condition,
                "target": target,
                "organisation": orgs[org] if org else None,
                "team": teams[team] if team else None,
                "network": networks[network] if network else None,
                "purpose": purpose,
                "norm_working_days": days,
                "urgent": urgent,
                "order": order,
            },
        )


# The day the demo households were written: their fixed dates lie as far before the day the demo is loaded
# as they lay before this day, like the signals' `days_ago`. A demo loaded months later does not start
# with every involvement months older (and every stall past the escalation horizon).
WRITTEN_ON = date(2026, 11, 23)


def _as_of_today(day: date) -> date:
    from django.utils import timezone

    return day + (timezone.localdate() - WRITTEN_ON)


def _household(rr: Region, spec: H, orgs: dict, teams: dict, networks: dict) -> None:
    """One demo household with its people, relations, addresses, involvements and signals, written through
    the same services a report uses."""
    from datetime import timedelta

    from django.utils import timezone

    from verband.actors import Actor, Channel
    from verband.households import services as households
    from verband.households.models import AddressDisclosure, HouseholdEvent, Relation
    from verband.sharing.models import Involvement
    from verband.signals import services as signals
    from verband.signals.models import ACTIVATION_FLOW, Activation, ActivationStatus, MatchState

    household = Household.objects.create(reference=spec.reference, region=rr)
    people = []
    for index, p in enumerate(spec.persons):
        year, month, day = (
            (p.born.year, p.born.month, p.born.day) if isinstance(p.born, date) else (p.born, None, None)
        )
        if index == spec.hidden:
            street, number, postcode = spec.hidden_address
            address = {
                "street": street,
                "house_number": number,
                "postcode": postcode,
                "city": "Rotterdam",
                "confidential": True,
            }
        else:
            address = {
                "street": spec.street,
                "house_number": spec.number,
                "postcode": spec.postcode,
                "city": "Rotterdam",
            }
        person = households.create_person(
            given_names=p.given,
            surname_prefix=p.prefix,
            family_name=p.family,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            sex=p.sex,
            address=address,
        )
        if index == spec.hidden:
            for org in spec.disclosed_to:
                AddressDisclosure.objects.create(
                    address=person.addresses.get(),
                    organisation=orgs[org],
                    basis="Veiligheid slachtoffer (demo)",
                )
        households.add_member(household, person, p.role)
        people.append(person)
    for a, b, kind in spec.relations:
        Relation.objects.create(person=people[a], other=people[b], kind=kind)
    for kind, party, purpose, basis, started in spec.involvements:
        sharing_services.involve(
            SYSTEM,
            household,
            purpose=purpose,
            legal_basis=basis,
            started_on=_as_of_today(started),
            team=teams[party] if kind == "team" else None,
            network=networks[party] if kind == "network" else None,
        )
    for party, purpose, basis, started, indices in spec.scoped:
        involvement = sharing_services.involve(
            SYSTEM,
            household,
            purpose=purpose,
            legal_basis=basis,
            started_on=_as_of_today(started),
            team=teams[party],
        )
        scope_involvement(involvement, [people[i].pk for i in indices])
    now = timezone.now()
    for s in sorted(spec.signals, key=lambda s: -s.days_ago):
        source = orgs[s.source]
        actor = Actor(channel=Channel.SYSTEM, organisation=source)
        persons = [
            signals.PersonInput(
                role=spec.persons[i].role,
                family_name=people[i].family_name,
                given_names=people[i].given_names,
                surname_prefix=people[i].surname_prefix,
                birth_year=people[i].birth_year,
                birth_month=people[i].birth_month,
                birth_day=people[i].birth_day,
            )
            for i in s.about
        ]
        data = signals.SignalInput(
            kind=s.kind,
            description=s.text,
            persons=persons,
            violence_forms=list(s.violence),
            children_involved=any(spec.persons[i].role == "child" for i in s.about),
            acute_danger=s.acute,
            weapon_mentioned=s.weapon,
            postcode=spec.postcode,
            reporter_name=f"Demo-melder {source.short_name}",
        )
        signal, _created = signals.receive(actor, data)
        received = now - timedelta(days=s.days_ago)
        type(signal).objects.filter(pk=signal.pk).update(received_at=received)
        for sp, i in zip(signal.persons.order_by("position"), s.about, strict=True):
            sp.person, sp.match_state = people[i], MatchState.CONFIRMED
            sp.save(update_fields=["person", "match_state"])
        signals.finish(signal.pk)
        HouseholdEvent.objects.filter(signal=signal).update(at=received)
        for activation in Activation.objects.filter(signal=signal):
            activated = activation.team or activation.network
            if activated is None or not s.was_taken_up(activated.name):
                continue
            taken_on = received + timedelta(days=1)
            ACTIVATION_FLOW.move_rows(
                Activation.objects.filter(pk=activation.pk),
                ActivationStatus.ACCEPTED,
                source=ActivationStatus.OPEN,
                decided_at=taken_on,
            )
            # A party the household's own list already involves for this purpose (whatever day that list
            # dates it from) took the signal up within that involvement: no second one.
            already = Involvement.objects.filter(
                household=household,
                team=activation.team,
                network=activation.network,
                purpose=activation.purpose,
                ended_at__isnull=True,
            ).exists()
            if not already:
                involvement = sharing_services.involve(
                    SYSTEM,
                    household,
                    purpose=activation.purpose,
                    legal_basis=str(signals.BASIS_FOR_PURPOSE.get(activation.purpose, "legal_task")),  # type: ignore[call-overload]
                    started_on=taken_on.date(),
                    team=activation.team,
                    network=activation.network,
                )
                Involvement.objects.filter(pk=involvement.pk).update(started_on=taken_on.date())
            households.add_event(
                household,
                "accepted",
                activated.name,
                organisation=getattr(activated, "organisation", None),
                signal=signal,
                at=taken_on,
            )
    _safety_and_plan(household, spec, people, orgs)


def _demo_actor(username: str) -> Any:
    from verband.actors import Actor, Channel

    membership = Membership.objects.select_related("user", "organisation").get(user__username=username)
    return Actor(
        channel=Channel.SYSTEM,
        user=membership.user,
        membership=membership,
        organisation=membership.organisation,
        network_ids=frozenset(membership.networks.values_list("pk", flat=True)),
    )


def _safety_and_plan(household: Household, spec: H, people: list, orgs: dict) -> None:
    """Assessments (back-dated), regie and the family plan, written through their services."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from verband.households.models import HouseholdEvent
    from verband.plans import regie
    from verband.plans import services as plans
    from verband.plans.models import Regie, RegieTransfer
    from verband.safety import services as safety
    from verband.safety.models import DangerFact, SafetyAssessment

    now = timezone.now()
    for a in spec.assessments:
        data = safety.AssessmentInput(
            acute=a.acute,
            structural=a.structural,
            phase=a.phase,
            weighing={"suspicion": "yes", "unsafety": "yes" if (a.acute or a.structural) else "no"},
            profiles=list(a.profiles),
            balance=list(a.balance),
            summary=a.summary,
            scores=[safety.ScoreInput(people[i].pk, pro, own) for i, pro, own in a.scores],
            danger=list(a.danger),
        )
        assessment = safety.record_assessment(_demo_actor(a.by), household, data)
        at = now - timedelta(days=a.days_ago)
        SafetyAssessment.objects.filter(pk=assessment.pk).update(assessed_at=at)
        DangerFact.objects.filter(assessment=assessment).update(recorded_at=at)
        HouseholdEvent.objects.filter(
            household=household, kind__in=["assessment", "danger"], at__gte=now - timedelta(minutes=5)
        ).update(at=at)
    if spec.regie:
        regisseur, manager = spec.regie
        actor = _demo_actor(regisseur)
        transfer = regie.request_regie(actor, household, actor.membership.pk)
        taken = regie.accept_regie(actor, transfer, get_user_model().objects.get(username=manager).pk)
        regie.confirm_mandate(_demo_actor(manager), taken)  # the line manager named confirms
        since = now - timedelta(days=60)
        Regie.objects.filter(household=household).update(started_at=since, mandate_answered_at=since)
        RegieTransfer.objects.filter(household=household).update(requested_at=since, decided_at=since)
        HouseholdEvent.objects.filter(household=household, kind="regie").update(at=since)
    if spec.plan:
        users = {u.username: u.pk for u in get_user_model().objects.filter(is_demo=True)}
        today = timezone.localdate()

        def who(index: int | None) -> int | None:
            return people[index].pk if index is not None else None

        plan_data = plans.PlanInput(
            status=spec.plan.status,
            household_wishes=spec.plan.wishes,
            household_agreement=spec.plan.agreement,
            goals=[plans.GoalInput(text, who(i)) for i, text in spec.plan.goals],
            agreements=[
                plans.AgreementInput(text, orgs[org].pk, who(i)) for i, text, org in spec.plan.agreements
            ],
            actions=[
                plans.ActionInput(
                    text=text,
                    owner_organisation_id=orgs[org].pk,
                    due_on=today + timedelta(days=due),
                    status=status,
                    owner_user_id=users[owner] if owner else None,
                    person_id=who(i),
                )
                for i, text, org, owner, due, status in spec.plan.actions
            ],
        )
        plans.save_plan(_demo_actor(spec.plan.by), household, plan_data, plans.plan_for(household).version)
