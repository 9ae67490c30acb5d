"""Every page and API answer that shows a person names that person in its access-log entry: generated
from the URLconf and the OpenAPI document, so a new route that shows someone without logging them fails
here.

A test region full of what the pages show (the test world of `verband.testing`, with Dirk the perpetrator
whom probation works with alone, a shelter, a report about Anna, help, handovers, assessments, the
family plan, meetings, regie, escalations, notifications and an emergency access) is built once for the
module. Every GET route of the URLconf, and every GET operation of the API, is asked by each persona
(and each partner system's token) of that region, with its path parameters filled from the region
(`PARAMETERS`: a route with a parameter it does not know fails, so a new one is added consciously). In
every answer, the persons of the region it shows are looked for — their full name, or a name part only
they have, in the page, the JSON, the CSV or the PDF's text; their id in a person field of the JSON — and
each of them must be named by an entry written during that request (as its subject, or among the
subjects it lists). A route that shows no one needs no entry about anyone.

A person shown without a name (the inbox's age and role) is not found this way: that the inbox and the
signal page name those too is `test_every_refusal_logged.test_the_inbox_signal_page_and_timeline_...`."""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from verband.accounts.models import ApiToken, User
from verband.households.models import Person
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.steering.selectors import closed_periods
from verband.testing import World, actor_for, actor_for_token, build_world, make_user, sign_in

# --------------------------------------------------------------------------------------------- the routes

# Django's own admin (/beheer/django/) keeps no model about a person of a household (a test below says so);
# the API's routes are taken from its OpenAPI document; the language switch is a form's target.
NOT_PAGES = ("beheer/django/", "api/", "taal/")


def _patterns(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}", pattern.callback


def _methods(view: Callable) -> list[str] | None:
    """The methods a view declares with `require_http_methods` (`require_GET`, `require_POST`), through
    its other decorators; None: it declares none (it answers GET)."""
    found: Callable | None = view
    while found is not None:
        declared = inspect.getclosurevars(found).nonlocals.get("request_method_list")
        if declared is not None:
            return list(declared)
        found = getattr(found, "__wrapped__", None)
    return None


@dataclass(frozen=True)
class Route:
    route: str  # as in the URLconf: "huishoudens/<str:reference>/"
    name: str  # "households:detail"
    get: bool  # shown by GET (a view declaring only POST is not)

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def web_routes() -> list[Route]:
    found = []
    for route, name, view in _patterns(get_resolver().url_patterns):
        if route.startswith(NOT_PAGES):
            continue
        methods = _methods(view)
        found.append(Route(route, name, methods is None or "GET" in methods))
    return sorted(found, key=lambda r: r.route)


def api_operations() -> list[str]:
    """The paths of the API's GET operations, as in its OpenAPI document: "/api/v1/households/{reference}"."""
    from verband.api import api

    paths = api.get_openapi_schema()["paths"]
    return sorted(path for path, operations in paths.items() if "get" in operations)


ROUTES = web_routes()
WEB = [r for r in ROUTES if r.get]
POST_ONLY = [r for r in ROUTES if not r.get]
API = api_operations()

# What each path parameter names. A parameter of the same name names the same thing on every route
# ("reference": the household), unless a route says otherwise ("name/parameter"). A `pk` is of another
# model on every route, so each route with one says what it is. The values are keys of `Scene.values`.
PARAMETERS = {
    "reference": "household",
    "code": "instrument",
    "action_id": "plan_action",
    "signals:detail/reference": "signal",
    "signals:recognise/reference": "received_signal",
    "signals:confirm/reference": "likely_signal",
    "signals:feedback/reference": "vt_household",
    "/api/v1/signals/{reference}/reference": "api_signal",
    "households:first_contact/pk": "involvement",
    "signals:accept/pk": "activation",
    "signals:acknowledge/pk": "activation",
    "signals:hand_back/pk": "activation",
    "signals:send_on/pk": "activation",
    "publicdoor:submit/kind": "public_door_kind",
    "safety:danger_end/pk": "danger_fact",
    "plans:action_status/pk": "plan_action",
    "plans:regie_withdraw/pk": "regie_transfer",
    "plans:regie_accept/pk": "regie_transfer",
    "collaboration:handover/pk": "handover",
    "collaboration:end_involvement/pk": "involvement",
    "collaboration:help_status/pk": "help",
    "collaboration:consent_withdraw/pk": "consent",
    "consultation:detail/pk": "consultation",
    "consultation:advice/pk": "consultation",
    "consultation:conclusion/pk": "consultation",
    "consultation:link/pk": "consultation",
    "rights:request/pk": "rights_request",
    "rights:decide/pk": "rights_request",
    "rights:extend/pk": "rights_request",
    "rights:deliver/pk": "rights_request",
    "rights:identity/pk": "rights_request",
    "rights:export_pdf/pk": "rights_request",
    "rights:export_json/pk": "rights_request",
    "collaboration:meeting/pk": "meeting",
    "escalation:detail/pk": "escalation",
    "escalation:escalate_listed/pk": "escalation",
    "plans:mandate/pk": "regie",
    "notifications:open/pk": "notification",
    "measures:extend/pk": "measure",
    "measures:end/pk": "measure",
    "tasks:complete/pk": "task",
    "journal:entry/pk": "journal_entry",
    "journal:correct/pk": "journal_entry",
    "journal:download/pk": "document",
    "collaboration:merge_undo/pk": "merge",
    "platforms:barrier/pk": "barrier",
    "platforms:support/pk": "barrier",
    "platforms:withdraw/pk": "barrier",
    "platforms:merge/pk": "barrier",
    "platforms:schedule/pk": "barrier",
    "platforms:platform/pk": "platform",
    "platforms:members/pk": "platform",
    "platforms:plan_meeting/pk": "platform",
    "platforms:priority/pk": "platform",
    "platforms:decide/pk": "platform",
    "platforms:outcome/pk": "platform_decision",
    "platforms:meeting/pk": "platform_meeting",
    # The household's door (`verband.portal`): a member's own items, and the regisseur's pages.
    "portal:message/pk": "member_message",
    "portal:rights_detail/pk": "rights_request",
    "portal_staff:meeting_invite/pk": "meeting",
    "portal:respond/pk": "plan_version",
    "key": "indicator",
    "fmt": "export_format",
    "access_id": "member_access",
}

# Query strings that make a route show something else than its bare address (each is asked too).
QUERIES = {
    "plans:pdf": ["voor={anna}"],
    "plans:edit_row": [f"soort={row}&{row}-TOTAL_FORMS=1" for row in ("goal", "agr", "act")],
    "plans:versions": ["a=1&b=2"],
    "collaboration:schedule": ["huishouden={household}", "netwerk={network}"],
    "collaboration:request": ["soort=consultation"],
    "sharing:access_log": ["export=csv", "person={anna}"],
    "households:timeline": ["soort=signal"],
    # Misspelled (a name as typed is no name shown): Anna and Dirk are found all the same.
    "steering:report": ["bereik=0&kwartaal={quarter}"],
    "search:search": ["q={household}", "q=Anne+van+Dam", "q=Dirck+Voss", "q=1012AB+12", "q=Kerkstraat+4"],
}


def parameter(key: str, name: str) -> str:
    """The `Scene.values` key of a route's (or API path's) parameter; fails for one it does not know."""
    found = PARAMETERS.get(f"{key}/{name}") or (PARAMETERS.get(name) if name != "pk" else None)
    if found is None:
        pytest.fail(
            f"{key} has the path parameter {name!r}, which this test does not know: add to PARAMETERS what "
            "it names (and make the test region hold one), so that the route is asked with a real value."
        )
    return found


def _fill(
    key: str, path: str, placeholders: list[tuple[str, str]], values: dict[str, list[str]]
) -> list[str]:
    """The path with each placeholder (its text, its parameter's name) replaced, once for each value."""
    paths = [path]
    for text, name in placeholders:
        paths = [p.replace(text, value, 1) for p in paths for value in values[parameter(key, name)]]
    return paths


def web_paths(route: Route, values: dict[str, list[str]]) -> list[str]:
    placeholders = [(m.group(0), m.group(1)) for m in re.finditer(r"<(?:\w+:)?(\w+)>", route.route)]
    paths = _fill(route.name, "/" + route.route, placeholders, values)
    first = {key: value[0] for key, value in values.items()}
    return paths + [f"{paths[0]}?{query.format(**first)}" for query in QUERIES.get(route.name, [])]


def api_paths(path: str, values: dict[str, list[str]]) -> list[str]:
    return _fill(path, path, [(m.group(0), m.group(1)) for m in re.finditer(r"\{(\w+)\}", path)], values)


# ----------------------------------------------------------------------------------------- the test region


@dataclass
class Scene:
    world: World
    users: dict[str, User]  # each persona of the region, by name
    tokens: dict[str, str]  # each partner system's token, by name
    values: dict[str, list[str]]  # what the path parameters and queries are filled with (each is asked)
    persons: dict[int, list[str]] = field(default_factory=dict)  # each person's id: what names them


def build_scene() -> Scene:
    """The test world with everything a page can show about its persons, made through the services."""
    from verband.actors import SYSTEM
    from verband.collaboration import meetings
    from verband.collaboration import services as collaboration
    from verband.collaboration.emergency import open_emergency_access
    from verband.collaboration.models import HelpKind
    from verband.escalation import lifecycle
    from verband.escalation.models import Escalation
    from verband.households.matching import index_person
    from verband.households.models import Address, HouseholdMember
    from verband.network.models import Organisation, Role, Team
    from verband.notifications.models import Notification
    from verband.plans import regie
    from verband.plans import services as plans
    from verband.safety import instrument as instruments
    from verband.safety import services as safety
    from verband.sharing import services as sharing
    from verband.shielding import services as shielding
    from verband.shielding.members import scope_involvement
    from verband.shielding.models import ItemType
    from verband.signals import services as signals
    from verband.signals.models import Activation

    w = build_world()
    h = w.household
    today = timezone.localdate()
    anna, bram = Person.objects.get(given_names="Anna"), Person.objects.get(given_names="Bram")

    # Dirk, the perpetrator, with whom probation alone works; a shelter works with the household.
    dirk = Person.objects.create(given_names="Dirk", family_name="Vos", birth_year=1988)
    Address.objects.create(
        person=dirk, street="Kerkstraat", house_number="4", postcode="1050AA", city="Testdorp"
    )
    HouseholdMember.objects.create(household=h, person=dirk, role="perpetrator")
    index_person(dirk)
    probation = Organisation.objects.create(region=w.region, name="Reclassering Testdorp", kind="probation")
    team_probation = Team.objects.create(organisation=probation, name="Reclassering Team Zuid")
    scope_involvement(
        sharing.involve(SYSTEM, h, team=team_probation, purpose="criminal_justice", legal_basis="legal_task",
                        started_on=date(2026, 1, 5)),
        [dirk.pk],
    )  # fmt: skip
    shelter = Organisation.objects.create(region=w.region, name="Blijf Opvang", kind="shelter")
    team_shelter = Team.objects.create(organisation=shelter, name="Opvang Centrum")
    sharing.involve(SYSTEM, h, team=team_shelter, purpose="help", legal_basis="consent", started_on=today)
    users = {
        "involved": w.involved, "colleague": w.colleague, "other_org": w.other_org, "manager": w.manager,
        "executive": w.executive, "privacy_officer": w.privacy_officer, "admin": w.admin,
        "coordinator": w.coordinator, "vt": w.vt,
        "line_manager": make_user("lm_a", w.org_a, Role.LINE_MANAGER, w.team_a1),
        "probation": make_user("reclassering", probation, Role.PROFESSIONAL, team_probation),
        "shelter": make_user("opvang", shelter, Role.PROFESSIONAL, team_shelter),
        "expert": make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1),
        "emergency": make_user("nood", w.org_a, Role.PROFESSIONAL, w.team_a2),
    }  # fmt: skip
    involved = actor_for(w.involved)

    # A report by the police about Anna and Dirk, recognised and routed: Veilig Thuis is asked to take it
    # up (its inbox), the neighbourhood team sees it whole. A second report waits for its reporter (the
    # neighbourhood team) to say who Anna is.
    report = signals.SignalInput(
        kind="police_registration", description="Buren hoorden geschreeuw.", postcode="1012AB",
        children_involved=True,
        persons=[
            signals.PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                                birth_year=1990, birth_month=1, birth_day=2, postcode="1012AB", house_number="12"),
            signals.PersonInput(role="perpetrator", given_names="Dirk", family_name="Vos", birth_year=1988),
        ],
    )  # fmt: skip
    signal, _created = signals.receive(actor_for(w.other_org), report)
    victim, perpetrator = signals.recognise(signal)
    signals.confirm_recognition(actor_for(w.other_org), signal, {victim.pk: anna.pk, perpetrator.pk: dirk.pk})
    signals.finish(signal.pk)
    signal.refresh_from_db()
    typed = signals.SignalInput(
        kind="report", description="Zorgen over thuis.", postcode="1012AB",
        persons=[
            signals.PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                                birth_year=1990, birth_month=1, birth_day=2),
            signals.PersonInput(role="perpetrator", given_names="Erik", family_name="Smit"),
        ],
    )  # fmt: skip
    received, _created = signals.receive(involved, typed)
    signals.recognise(received)  # Anna is offered (full birth date and name); Erik is not known
    # A report by Veilig Thuis's system about a child not known yet: a new household, Wijkteam Zuid's.
    sent, _created = signals.receive(
        actor_for_token(w.token_vt),
        signals.SignalInput(kind="report", description="Blauwe plekken.", postcode="1060AA",
                            persons=[signals.PersonInput(role="child", given_names="Noor", family_name="Bakker")]),
    )  # fmt: skip
    signals.finish(sent.pk)
    sent.refresh_from_db()
    # Veilig Thuis works with that household: its feedback step to reporters (`signals:feedback`) opens.
    sharing.involve(
        SYSTEM, sent.household, team=w.team_vt, purpose="safety_assessment", legal_basis="legal_task",
        started_on=today,
    )  # fmt: skip
    # A report by Veilig Thuis's system about "Ana van Dam" with Anna's birth date: a likely match, attached
    # to Anna's household and waiting in the reporting centre's queue to be confirmed.
    likely, _created = signals.receive(
        actor_for_token(w.token_vt),
        signals.SignalInput(kind="report", description="Zorgen.", postcode="1012AB",
                            persons=[signals.PersonInput(role="victim", given_names="Ana", surname_prefix="van",
                                                         family_name="Dam", birth_year=1990, birth_month=1,
                                                         birth_day=2)]),
    )  # fmt: skip
    signals.finish(likely.pk)
    activation = Activation.objects.get(signal=signal, team=w.team_vt)

    # Help and handovers for Anna (the shelter) and Dirk (probation, the police).
    shelter_place = HelpKind.objects.create(region=w.region, name="Opvangplek", waiting_norm_working_days=2)
    programme = HelpKind.objects.create(region=w.region, name="Daderprogramma")
    help_anna = collaboration.add_help(
        involved, h, kind_id=shelter_place.pk, funding="wmo", person_id=anna.pk, provider_id=team_shelter.pk,
        requested_on=today - timedelta(days=40), note="Een veilige plek.",
    )  # fmt: skip
    collaboration.set_help_status(involved, help_anna, "waiting", on=today - timedelta(days=39))
    collaboration.add_help(involved, h, kind_id=programme.pk, funding="forensic", person_id=dirk.pk,
                           provider_id=team_probation.pk)  # fmt: skip
    handover = collaboration.request_handover(
        involved, h, kind="referral", to_team_id=team_shelter.pk, person_id=anna.pk,
        question="Een veilige plek nodig, graag vandaag.",
    )  # fmt: skip
    collaboration.request_handover(involved, h, kind="referral", to_team_id=w.team_b1.pk, person_id=dirk.pk,
                                   question="Graag een huisbezoek.")  # fmt: skip

    # Assessments (the neighbourhood team scores everyone, probation Dirk), a danger fact, an instrument.
    def assessment(scores: list[tuple[int, int]]) -> safety.AssessmentInput:
        return safety.AssessmentInput(
            acute=False, structural=True, phase="direct", weighing={}, profiles=["intimate_terror"], balance=[],
            summary="Dreiging thuis.", scores=[safety.ScoreInput(pid, score, None) for pid, score in scores],
            danger=[],
        )  # fmt: skip

    safety.record_assessment(involved, h, assessment([(anna.pk, 3), (bram.pk, 4), (dirk.pk, 8)]))
    safety.record_assessment(actor_for(users["probation"]), h, assessment([(dirk.pk, 7)]))
    danger = safety.add_danger_fact(involved, h, "weapon", "Vuurwapen in huis")
    instrument = sorted(instruments.available())[0]

    # The family plan, saved twice (two versions): a goal for Anna, an agreement for Dirk, an action for Bram.
    due = today + timedelta(days=14)
    plan_input = plans.PlanInput(
        goals=[plans.GoalInput("Veilig thuis wonen", anna.pk)],
        agreements=[plans.AgreementInput("Geen contact", w.org_a.pk, dirk.pk)],
        actions=[plans.ActionInput("Schoolbegeleiding regelen", w.org_a.pk, due, owner_user_id=w.involved.pk,
                                   person_id=bram.pk)],
    )  # fmt: skip
    plans.save_plan(involved, h, plan_input, 0)
    plan_input.household_wishes = "Rust in huis."
    plan = plans.save_plan(involved, h, plan_input, 1)
    plan_action = plan.actions.get()

    # A meeting held (its minutes and an action for Anna) and one planned, both about the household.
    def at(day: date) -> Any:
        return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))

    held = meetings.schedule(involved, scheduled_at=at(today), household_ids=[h.pk], network=None)
    meetings.hold(
        involved, held, present={w.org_a.pk}, minutes="Besproken.",
        items={held.items.get().pk: meetings.ItemInput(decisions="Besloten.", member_present_id=anna.pk, actions=[
            plans.ActionInput(text="Woning zoeken", owner_organisation_id=w.org_a.pk, due_on=due, person_id=anna.pk),
        ])},
    )  # fmt: skip
    planned = meetings.schedule(
        involved, scheduled_at=at(today + timedelta(days=7)), household_ids=[h.pk], network=None
    )
    # The minutes of both are kept from Dirk: their label names him ("not visible to Dirk Vos").
    for meeting in (held, planned):
        shielding.decide(involved, h, ItemType.MINUTES, meeting.items.get().pk, dirk.pk, shielded=True,
                         reason="Het verslag noemt de opvang.")  # fmt: skip

    # Regie offered to the line manager; an escalation of Anna's waiting help and a question to decide.
    transfer = regie.request_regie(involved, h, users["line_manager"].memberships.get().pk)
    # A regie of the other household whose mandate waits for the line manager's confirmation.
    taken = regie.accept_regie(
        actor_for(w.other_org),
        regie.request_regie(actor_for(w.other_org), w.other_household, w.other_org.memberships.get().pk),
        make_user("lm_b", w.org_b, Role.LINE_MANAGER, w.team_b1).pk,
    )
    lifecycle.sweep(today)
    lifecycle.ask_decision(involved, h, "Wij zijn het oneens over de aanpak.")

    # Someone not involved breaks the glass (the privacy officer reviews it).
    open_emergency_access(actor_for(users["emergency"]), h.reference, "Acuut gevaar: wapen gemeld, nu nodig.")

    # Anna's consent to share her file with the police (the consent pages show it).
    from verband.collaboration.consent import record_consent

    consent = record_consent(
        involved, h, person_id=anna.pk, status="given", partner_ids=[w.org_b.pk], information=["all"],
        manner="written", given_on=today, valid_until=None,
    )  # fmt: skip

    # Anna asks what Verband holds about her (a request under the AVG).
    from verband.rights.services import record_request

    rights_request = record_request(
        involved, h, person_id=anna.pk, kind="access", how_received="letter", received_on=today,
        asked="Welke gegevens hebben jullie over mij?",
    )  # fmt: skip

    # An anonymous case consultation in the network (it names no one).
    from verband.consultation.services import ask

    consultation = ask(
        actor_for(w.coordinator), network_id=w.network.pk,
        facts="Moeder met twee kinderen, vader dreigt na de scheiding.", question="Wie kan hier iets betekenen?",
    )  # fmt: skip

    # Protective measures: Dirk's huisverbod, Anna's alarm and a location ban protecting her (the last two
    # kept from Dirk); the neighbourhood team's professional holds regie (the closing page is hers) and has a
    # review task.
    from verband.measures import services as measures
    from verband.plans.models import Regie
    from verband.tasks.models import TaskKind
    from verband.tasks.services import create_task

    def measure(kind: str, person: Person, days: int, **extra: Any) -> str:
        made = measures.record_measure(involved, h, measures.MeasureInput(
            kind=kind, person_id=person.pk, starts_on=today,
            ends_on=None if kind == "house_ban" else today + timedelta(days=days), **extra,
        ))  # fmt: skip
        return str(made.pk)

    Regie.objects.create(
        household=h, user=w.involved, membership=w.involved.memberships.get(), organisation=w.org_a,
        mandated_by=users["line_manager"],
    )  # fmt: skip
    measure_ids = [
        measure("house_ban", dirk, 10),
        measure("aware", anna, 180),
        measure("location_ban", dirk, 90, protected_person_id=anna.pk, detail="Niet in de Dorpsstraat"),
    ]
    task, _made = create_task(
        involved, h, kind=TaskKind.REVIEW_SAFETY_PLAN, title="Veiligheidsplan herzien", due_on=today,
        assignee=w.involved.memberships.get(),
    )  # fmt: skip
    # A home visit with Anna and Bram, with its report attached, corrected once; a letter about Dirk.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from verband.journal import services as journal

    writer, pdf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(200, 200)
    writer.write(pdf)

    visit = journal.record_entry(
        involved, h,
        journal.EntryInput(kind="home_visit", occurred_at=timezone.now() - timedelta(hours=1),
                           summary="Huisbezoek: het gaat beter thuis.", person_id=anna.pk,
                           participant_ids=[anna.pk, bram.pk], other_participants="Jeugdverpleegkundige"),
        journal.DocumentInput(SimpleUploadedFile("verslag.pdf", pdf.getvalue())),
    )  # fmt: skip
    corrected = journal.correct_entry(
        involved, visit,
        journal.EntryInput(kind="home_visit", occurred_at=visit.occurred_at, summary="Huisbezoek: het gaat iets beter.",
                           person_id=anna.pk, participant_ids=[anna.pk, bram.pk]),
        "Te positief opgeschreven.",
    )  # fmt: skip
    letter = journal.add_document(
        involved,
        h,
        journal.DocumentInput(SimpleUploadedFile("brief.pdf", pdf.getvalue()), person_id=dirk.pk),
    )
    # A split recorded on the household (its undo page shows the reason); the neighbourhood team's worker
    # holds regie (above), so she may merge and split (`collaboration.merging.may_merge`).
    from verband.households.models import Merge

    merge = Merge.objects.create(kind="split", household=h, reason="Verkeerd gekoppeld.", made_by=w.involved)

    # A system barrier raised from Anna's household (the link is hers to see), on the tactical platform's
    # agenda, with a meeting and a decision.
    from verband.platforms import services as platforms
    from verband.platforms.models import PlatformMember

    barrier = platforms.raise_barrier(
        involved, title="Geen opvangplek voor moeder met tienerzoon", kind="no_place", household=h,
        description="Sinds maart is er geen opvangplek voor moeders met een zoon boven de 12 jaar.",
    )  # fmt: skip
    platforms.schedule(actor_for(w.coordinator), barrier, today + timedelta(days=14))
    tactical = barrier.platform
    assert tactical is not None
    PlatformMember.objects.create(platform=tactical, membership=w.manager.memberships.get(), chair=True)
    platform_meeting = platforms.plan_meeting(
        actor_for(w.manager), tactical, today + timedelta(days=7), "Stadhuis"
    )
    platform_decision = platforms.decide(
        actor_for(w.manager), tactical, text="De gemeente zoekt twee extra plekken.", owner=f"o{w.org_a.pk}",
        due_on=today + timedelta(days=30),
    )  # fmt: skip
    # Anna and Dirk at the household's door: Anna asked her regisseur a question (answered), wrote her words,
    # gave feedback and asked for her data; both are personas of the region.
    from verband.actors import Actor, Channel
    from verband.portal import member_services
    from verband.testing import make_member

    anna_access = make_member(h, anna, "thuis-anna")
    dirk_access = make_member(h, dirk, "thuis-dirk")
    users["member_anna"], users["member_dirk"] = anna_access.user, dirk_access.user
    anna_at_home = Actor(
        channel=Channel.HOUSEHOLD, user=anna_access.user, household_id=h.pk, person_id=anna.pk
    )
    question = member_services.ask_question(anna_at_home, anna_access, "Wanneer komt u weer langs?")
    member_services.answer_question(involved, h, anna.pk, "Dinsdag om tien uur.")
    member_services.write_words(anna_at_home, anna_access, "Ik wil rust in huis.")
    member_services.give_feedback(anna_at_home, anna_access, 4, "Fijn dat er iemand luistert.")
    notification = (
        Notification.objects.filter(user=w.involved).order_by("pk").first() or Notification.objects.first()
    )
    assert notification is not None
    # An invitation to the household's door (its letter is made only in the session that invited).
    from verband.portal.models import MemberAccess, hash_code, new_code

    member_access = MemberAccess.objects.create(
        household=h,
        person=bram,
        code_hash=hash_code(new_code()),
        code_expires_at=timezone.now() + timedelta(days=14),
    )
    tokens = {
        "a": w.token_a, "b": w.token_b, "vt": w.token_vt,
        "probation": _token(probation, "Reclassering", ["households:read", "network:read"]),
        "shelter": _token(shelter, "Opvang", ["households:read", "network:read"]),
    }  # fmt: skip
    values: dict[str, Any] = {
        "household": h.reference, "signal": signal.reference, "received_signal": received.reference,
        "api_signal": sent.reference, "likely_signal": likely.reference, "vt_household": sent.household.reference,
        "instrument": instrument, "involvement": str(h.involvements.filter(team=w.team_a1).get().pk),
        "activation": str(activation.pk), "danger_fact": str(danger.pk), "plan_action": str(plan_action.pk),
        "regie_transfer": str(transfer.pk), "handover": str(handover.pk), "help": str(help_anna.pk),
        "meeting": [str(planned.pk), str(held.pk)],
        "public_door_kind": ["advies", "zorg"],
        "escalation": [str(e.pk) for e in Escalation.objects.order_by("pk")],
        "notification": str(notification.pk), "network": str(w.network.pk), "anna": str(anna.pk),
        "consent": str(consent.pk), "consultation": str(consultation.pk),
        "rights_request": str(rights_request.pk), "merge": str(merge.pk), "regie": str(taken.pk),
        "measure": measure_ids, "task": str(task.pk),
        "journal_entry": [str(visit.pk), str(corrected.pk)],
        "document": [str(visit.documents.get().pk), str(letter.pk)],
        "barrier": str(barrier.pk), "platform": str(tactical.pk), "platform_meeting": str(platform_meeting.pk),
        "platform_decision": str(platform_decision.pk),
        "member_message": str(question.pk),
        "plan_version": str(plan.versions.order_by("-number").first().pk),
        "indicator": "signalen_per_deur", "export_format": ["csv", "xlsx"],
        "quarter": closed_periods("quarter", 1)[0],
        "member_access": str(member_access.pk),
    }  # fmt: skip
    lists = {key: value if isinstance(value, list) else [value] for key, value in values.items()}
    return Scene(w, users, tokens, lists, persons=names_of(Person.objects.all()))


def _token(organisation: Any, name: str, scopes: list[str]) -> str:
    token = ApiToken(organisation=organisation, name=name, scopes=scopes)
    raw = token.set_token()
    token.save()
    return raw


def names_of(persons: Any) -> dict[int, list[str]]:
    """What names each person on a page: the full name, and each given or family name only they have."""
    persons = list(persons)
    counts: dict[str, int] = {}
    for p in persons:
        for part in {p.given_names, p.family_name}:
            counts[part] = counts.get(part, 0) + 1
    return {
        p.pk: [p.full_name] + [part for part in (p.given_names, p.family_name) if part and counts[part] == 1]
        for p in persons
    }


@pytest.fixture(scope="module")
def _scene_of_module(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Scene]:
    """The region, built once for the module in a transaction that stays open while its tests run (each
    in a savepoint inside it) and is rolled back after the last one (as `conftest.demo`). Its documents
    are stored in a folder of the module's own."""
    documents = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("documents")))
    documents.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                scene = build_scene()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield scene
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    documents.disable()


@pytest.fixture
def scene(_scene_of_module, db) -> Scene:
    return _scene_of_module


# ------------------------------------------------------------------------------------------- the checker


def body_text(response: Any) -> str:
    """What an answer shows, as text: the page, JSON or CSV as sent, a PDF's text. Form tokens are left
    out (random letters can spell a name)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = content.decode("utf-8", errors="replace")
    return re.sub(r"(csrfmiddlewaretoken\" value=|X-CSRFToken\"\s*:\s*)\"[^\"]*\"", "", text)


def _person_fields(data: Any) -> Iterator[int]:
    """The ids in the JSON's person fields ("person_id", "other_person_id", ...)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if re.search(r"(^|_)person_id$", key) and isinstance(value, int):
                yield value
            else:
                yield from _person_fields(value)
    elif isinstance(data, list):
        for value in data:
            yield from _person_fields(value)


def persons_shown(response: Any, persons: dict[int, list[str]]) -> set[int]:
    text = body_text(response)
    shown = {
        pk
        for pk, names in persons.items()
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in names)
    }
    if response.get("Content-Type", "").startswith("application/json"):
        shown |= set(_person_fields(json.loads(text))) & set(persons)
    return shown


def persons_logged(since: int) -> set[int]:
    entries = AccessLogEntry.objects.filter(pk__gt=since, outcome="granted")
    return {s.person_id for s in logged_subjects(entries) if s.person_id is not None}


@dataclass
class Asked:
    """One request and what it showed and logged."""

    who: str
    path: str
    status: int
    shown: set[int]
    logged: set[int]

    @property
    def unlogged(self) -> set[int]:
        return self.shown - self.logged


def ask(client: Client, who: str, path: str, persons: dict[int, list[str]], **headers: str) -> Asked:
    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(path, **headers)
    shown = persons_shown(response, persons)  # also in an error page or a refusal: it shows no one
    return Asked(who, path, response.status_code, shown, persons_logged(since))


def report(asked: list[Asked], persons: dict[int, list[str]]) -> str:
    return "\n".join(
        f"{a.who} GET {a.path}: shows {sorted(persons[p][0] for p in a.unlogged)} without an entry naming them"
        for a in asked
        if a.unlogged
    )


def ask_web(scene: Scene, route: Route) -> list[Asked]:
    """The route asked by every persona of the region (and an anonymous visitor), at each of its paths."""
    asked = []
    clients = {"anonymous": Client()} | {name: sign_in(Client(), user) for name, user in scene.users.items()}
    for path in web_paths(route, scene.values):
        for who, client in clients.items():
            asked.append(ask(client, who, path, scene.persons))
    return asked


def ask_api(scene: Scene, operation: str) -> list[Asked]:
    """The operation asked with every partner system's token of the region."""
    client = Client()
    return [
        ask(client, f"token {name}", path, scene.persons, HTTP_AUTHORIZATION=f"Bearer {raw}")
        for path in api_paths(operation, scene.values)
        for name, raw in scene.tokens.items()
    ]


# --------------------------------------------------------------------------------------------- the tests

# Routes no persona of the region is shown by GET: each only sends on (to the start page of the role, or
# back to signing in without a password step under way).
NOT_SHOWN = {
    "workspace:start", "accounts:verify", "accounts:enrol",
    # The household's door: the steps after the invitation code and the code step of a household member's
    # sign-in send anyone else back; the letter is made only in the session that invited (it names no
    # one); the identity provider of the door is off in the tests.
    "portal:redeem_account", "portal:redeem_app", "portal:redeem_email", "portal:verify",
    "portal:oidc_start", "portal:oidc_callback", "portal:oidc_done", "door_regie:letter",
}  # fmt: skip


@pytest.mark.parametrize("route", WEB, ids=[r.route or "/" for r in WEB])
def test_a_page_names_in_the_log_each_person_it_shows(scene, route):
    asked = ask_web(scene, route)
    assert not any(a.unlogged for a in asked), report(asked, scene.persons)
    # Each page is really shown to someone (else its parameters or the region are wrong, and it proves
    # nothing).
    shown = any(a.status == 200 for a in asked)
    assert shown != (route.name in NOT_SHOWN), f"{route.route}: {sorted({a.status for a in asked})}"


@pytest.mark.parametrize("operation", API)
def test_an_api_answer_names_in_the_log_each_person_it_shows(scene, operation):
    asked = ask_api(scene, operation)
    assert not any(a.unlogged for a in asked), report(asked, scene.persons)
    assert any(a.status == 200 for a in asked), f"{operation}: {sorted({a.status for a in asked})}"


def test_a_route_that_takes_only_post_shows_nothing_to_get(scene):
    clients = {name: sign_in(Client(), user) for name, user in scene.users.items()}
    for route in POST_ONLY:
        for path in web_paths(route, scene.values):
            statuses = {client.get(path).status_code for client in clients.values()}
            assert 200 not in statuses and 405 in statuses, f"{path}: {statuses}"


def test_the_routes_and_operations_are_found():
    names = {r.name for r in WEB}
    assert {
        "households:detail", "households:timeline", "households:addresses", "signals:inbox", "signals:detail",
        "signals:recognise", "workspace:my_work", "plans:plan", "plans:pdf", "safety:page", "collaboration:help",
        "collaboration:handover", "collaboration:meeting", "escalation:detail", "sharing:access_log",
    } <= names  # fmt: skip
    assert {"signals:accept", "households:relation", "notifications:open"} <= {r.name for r in POST_ONLY}
    assert {
        "/api/v1/households", "/api/v1/households/{reference}", "/api/v1/households/{reference}/safety",
        "/api/v1/households/{reference}/plan", "/api/v1/actions", "/api/v1/signals/{reference}",
    } <= set(API)  # fmt: skip
    assert len(WEB) > 30 and len(API) > 12


def test_every_path_parameter_is_known():
    """Also of the routes that take only POST: a new route's parameter is named here consciously."""
    for route in ROUTES:
        for name in route.parameters:
            parameter(route.name, name)
    for path in API:
        for name in re.findall(r"\{(\w+)\}", path):
            parameter(path, name)


def test_the_region_shows_persons_where_it_must(scene):
    """The pages, the PDF and the JSON do show the region's persons: the check is not met by pages that
    happen to show no one."""
    anna, dirk = (Person.objects.get(given_names=name).pk for name in ("Anna", "Dirk"))
    involved = sign_in(Client(), scene.users["involved"])
    probation = sign_in(Client(), scene.users["probation"])
    household = scene.values["household"][0]
    for client, path, expected in (
        (involved, f"/huishoudens/{household}/", {anna, dirk}),
        (probation, f"/huishoudens/{household}/", {dirk}),
        (involved, "/mijn-werk/", {anna, dirk}),
        (involved, f"/meldingen/{scene.values['signal'][0]}/", {anna, dirk}),
        (involved, f"/meldingen/{scene.values['received_signal'][0]}/herkennen/", {anna}),
        (involved, f"/huishoudens/{household}/plan/gezinsplan.pdf", {anna, dirk}),
        (involved, f"/overleggen/{scene.values['meeting'][0]}/", {anna, dirk}),
    ):
        asked = ask(client, "", path, scene.persons)
        assert asked.status == 200 and expected <= asked.shown and expected <= asked.logged, path
    token = {"HTTP_AUTHORIZATION": f"Bearer {scene.tokens['probation']}"}
    asked = ask(Client(), "", f"/api/v1/households/{household}", scene.persons, **token)
    assert asked.shown == {dirk} == asked.logged - {None}


def test_the_check_fails_for_a_page_or_answer_that_logs_no_person(scene, monkeypatch):
    """With the entries written without their persons (only the households), the household page and
    the API's household show persons that no entry names, and the check says so."""
    from verband.sharing import accesslog

    entry = accesslog._entry

    def without_persons(actor, action, object_type, object_id, subjects, *args, **kwargs):
        households = [accesslog.Subject(s.household_id) for s in subjects]
        return entry(actor, action, object_type, object_id, households, *args, **kwargs)

    monkeypatch.setattr(accesslog, "_entry", without_persons)
    household = next(r for r in WEB if r.name == "households:detail")
    found = report(ask_web(scene, household), scene.persons)
    assert "involved GET /huishoudens/HH-T-0001/: shows ['Anna van Dam', 'Bram van Dam', 'Dirk Vos']" in found
    assert "probation GET /huishoudens/HH-T-0001/: shows ['Dirk Vos']" in found
    found = report(ask_api(scene, "/api/v1/households/{reference}"), scene.persons)
    assert "token probation GET /api/v1/households/HH-T-0001: shows ['Dirk Vos']" in found


def test_a_person_is_found_by_name_or_by_id_in_a_person_field():
    persons = {1: ["Anna van Dam", "Anna"], 2: ["Dirk Vos", "Dirk", "Vos"], 3: ["Bram van Dam", "Bram"]}

    class Answer(dict):
        streaming = False

        def __init__(self, content: bytes, kind: str) -> None:
            super().__init__({"Content-Type": kind})
            self.content = content

    page = Answer(
        b'<p>Annabel, Vossen</p><input name="csrfmiddlewaretoken" value="xAnnax"><p>Dirk</p>', "text/html"
    )
    assert persons_shown(page, persons) == {2}
    answer = Answer(json.dumps({"items": [{"person_id": 3, "other_person_id": 1}, {"id": 2}]}).encode(),
                    "application/json")  # fmt: skip
    assert persons_shown(answer, persons) == {1, 3}


def test_the_django_admin_holds_no_person_of_a_household():
    """The admin's routes are left out above: no model it manages is, or points at, a household's person."""
    from verband.households.models import Household, HouseholdMember

    about_persons = {Person, Household, HouseholdMember}
    for model, model_admin in admin.site._registry.items():
        assert model not in about_persons
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.concrete}
        related |= {inline.model for inline in model_admin.inlines}
        assert not related & about_persons, model
