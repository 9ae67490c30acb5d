"""The export for a request for access (AVG art. 15): one member's data, as a PDF to read and as JSON,
made by the professional who handles the request.

What is in it: the member's own data (names, birth date, BSN, contact, languages, their roles in the
household), their addresses as recorded, the household's parts of the family plan and theirs, help,
handovers about them, safety assessments (with their own scores), case meetings of the household, the
timeline, and who looked at their data (the access log: when, who, for which organisation, in which role,
what). It is filtered with the member's own scope (`shielding.scope.member_scope`), exactly like the family
plan's copy for a member, and — when the professional works with named members only — with theirs too.

What the law shields stays out (AVG art. 15(4), UAVG art. 41):
- other members' personal data: their names, birth dates, addresses and scores are never listed;
- whatever is kept from this member (the defaults protect a victim from the member recorded as perpetrator:
  her address, safety agreements, help at a shelter and the shelter's actions; and every shield decision);
- a shelter is never named (`Scope.names_organisation`): not as provider, owner, writer of a timeline line,
  nor as the organisation that looked at the data;
- a confidential address reads "geheim adres" unless the professional's organisation may see it
  (`households.addresses.address_text`), also the member's own;
- for a member recorded as perpetrator, the professionals' texts about the whole household (the summary of a
  safety assessment, the decisions of a case meeting) stay out: they say what the victim told and where she
  is; the facts (date, judgement, phase, his own scores) stay in;
- the timeline's lines name partners and other members: the export lists when and what kind of step, and
  which partner wrote it, not the line's text; lines about one item (help, a handover, an escalation) and
  danger facts stay out (the item itself is in its own section when this member may see it);
- every free text that is in it is searched for other members' addresses (street, postcode), the region's
  shelters (names, teams) and configured shelter postcodes, which are replaced by "[afgeschermd]".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.accounts.models import User
from verband.actors import Actor
from verband.collaboration.models import AgendaItem, Handover, Help, MeetingStatus
from verband.households.addresses import address_text
from verband.households.models import (
    Address,
    EventKind,
    HouseholdEvent,
    HouseholdMember,
    MemberRole,
    Person,
    member_sort_key,
)
from verband.network.models import Organisation, OrganisationKind, Role, ShelterAddress, Team
from verband.plans.models import FamilyPlan
from verband.plans.selectors import plan_document
from verband.rights.models import RightsRequest
from verband.safety.models import SafetyAssessment
from verband.sharing.models import ACTION_LABELS, ACTOR_ROLE_LABELS, OBJECT_LABELS, AccessLogEntry
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, member_scope, view_scope

FORMAT = "verband-inzage/1"


def _shows(
    scopes: Sequence[Scope], item_type: str, pk: int, person_id: int | None, owner: int | None = None
) -> bool:
    return all(s.shows(item_type, pk, person_id, owner_organisation_id=owner) for s in scopes)


class Redactor:
    """Replaces, in free text, what would say where someone else is: other members' streets and postcodes,
    the region's shelters (names, short names, teams) and configured shelter postcodes."""

    def __init__(self, terms: Iterable[str], postcodes: Iterable[str]) -> None:
        patterns = [
            re.escape(t)
            for t in sorted({t.strip() for t in terms if len(t.strip()) >= 3}, key=len, reverse=True)
        ]
        for postcode in {p.replace(" ", "").upper() for p in postcodes if p}:
            if len(postcode) == 6:
                patterns.append(rf"{re.escape(postcode[:4])}\s*{re.escape(postcode[4:])}")
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None
        )

    def __call__(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(_("[shielded]"), text)


def _redactor(household_region: int, person: Person, others: Iterable[int]) -> Redactor:
    own = list(Address.objects.filter(person=person).values_list("street", "postcode"))
    own_streets = {s.strip().lower() for s, _p in own if s}
    own_postcodes = {p.replace(" ", "").upper() for _s, p in own if p}
    terms: list[str] = []
    postcodes: list[str] = []
    for street, postcode in Address.objects.filter(person_id__in=list(others)).values_list(
        "street", "postcode"
    ):
        if street and street.strip().lower() not in own_streets:
            terms.append(street)
        if postcode and postcode.replace(" ", "").upper() not in own_postcodes:
            postcodes.append(postcode)
    shelters = Organisation.objects.filter(region_id=household_region, kind=OrganisationKind.SHELTER)
    for name, short in shelters.values_list("name", "short_name"):
        terms += [name, short]
    terms += list(Team.objects.filter(organisation__in=shelters).values_list("name", flat=True))
    postcodes += list(
        ShelterAddress.objects.filter(region_id=household_region).values_list("postcode", flat=True)
    )
    return Redactor(terms, postcodes)


# --- What the export holds -----------------------------------------------------------------------------


@dataclass
class AddressLine:
    text: str
    valid_from: date | None
    valid_until: date | None
    confidential: bool


@dataclass
class PlanLine:
    text: str
    who: str = ""
    due_on: date | None = None
    status: str = ""


@dataclass
class PlanPart:
    for_you: bool
    goals: list[PlanLine] = field(default_factory=list)
    agreements: list[PlanLine] = field(default_factory=list)
    actions: list[PlanLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.goals or self.agreements or self.actions)


@dataclass
class HelpLine:
    kind: str
    for_you: bool
    provider: str
    status: str
    requested_on: date
    started_on: date | None
    ended_on: date | None
    note: str


@dataclass
class HandoverLine:
    requested_on: date
    kind: str
    to: str
    status: str
    question: str
    answer: str


@dataclass
class AssessmentLine:
    assessed_on: date
    organisation: str
    acute: bool
    structural: bool
    phase: str
    profiles: list[str]
    score_professional: int | None
    score_own: int | None
    summary: str


@dataclass
class MeetingLine:
    on: date
    status: str
    present: bool
    decisions: str


@dataclass
class TimelineLine:
    at: datetime
    kind: str
    by: str


@dataclass
class LookLine:
    on: date
    who: str
    organisation: str
    role: str
    action: str
    what: str
    times: int


@dataclass
class AccessExport:
    request: RightsRequest
    reference: str
    person: Person
    roles: list[str]
    made_at: datetime
    made_by: str
    made_for: str
    addresses: list[AddressLine]
    plan_wishes: str
    plan: list[PlanPart]
    help: list[HelpLine]
    handovers: list[HandoverLine]
    assessments: list[AssessmentLine]
    meetings: list[MeetingLine]
    timeline: list[TimelineLine]
    looked: list[LookLine]
    household_texts_left_out: bool

    @property
    def any_confidential(self) -> bool:
        return any(a.confidential for a in self.addresses)


def _organisation_name(organisation: Organisation | None, scope: Scope, nameless: str) -> str:
    if organisation is None:
        return nameless
    return organisation.label if scope.names_organisation(organisation) else _("a partner (not named)")


def build(actor: Actor, request: RightsRequest) -> AccessExport:
    """The member's data as the law gives it to them; the caller logs the export (`services.note_export`)."""
    household = request.household
    person = request.person
    copy = member_scope(household, person.pk)
    viewer = view_scope(actor, household)
    # A professional working with named members only hands over no more than they see themselves.
    scopes: tuple[Scope, ...] = (copy,) if viewer.whole else (copy, viewer)
    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    roles = [str(m.get_role_display()) for m in members if m.person_id == person.pk]
    threat = any(m.person_id == person.pk and m.role == MemberRole.PERPETRATOR for m in members)
    others = {m.person_id for m in members} - {person.pk}
    redact = _redactor(household.region_id, person, others)
    nobody = _("—")

    addresses = [
        AddressLine(address_text(actor, a), a.valid_from, a.valid_until, a.confidential)
        for a in Address.objects.filter(person=person).prefetch_related("disclosures")
    ]

    plan = FamilyPlan.objects.filter(household=household).first()
    parts: list[PlanPart] = []
    wishes = ""
    if plan is not None:
        doc = plan_document(plan, person, scopes)
        for section in doc.sections:
            part = PlanPart(for_you=section.person is not None)
            part.goals = [PlanLine(redact(g.text)) for g in section.goals]
            part.agreements = [
                PlanLine(redact(a.text), _organisation_name(a.monitored_by, copy, nobody))
                for a in section.agreements
            ]
            part.actions = [
                PlanLine(
                    redact(a.text),
                    _organisation_name(a.owner_organisation, copy, nobody)
                    + (
                        f" ({a.owner_user.display_name})"
                        if a.owner_user and copy.names_organisation(a.owner_organisation)
                        else ""
                    ),
                    a.due_on,
                    str(a.get_status_display()),
                )
                for a in section.actions
            ]
            parts.append(part)
        if viewer.whole:  # as the plan's copy: the household's own words only from a whole-household partner
            wishes = redact(plan.household_wishes)

    help_lines = [
        HelpLine(
            h.kind.name,
            h.person_id == person.pk,
            _organisation_name(h.provider.organisation, copy, nobody) if h.provider else _("no provider yet"),
            str(h.get_status_display()),
            h.requested_on,
            h.started_on,
            h.ended_on,
            redact(h.note),
        )
        for h in Help.objects.filter(household=household).select_related("kind", "provider__organisation")
        if _shows(scopes, ItemType.HELP, h.pk, h.person_id)
    ]

    handovers = [
        HandoverLine(
            timezone.localdate(h.requested_at),
            str(h.get_kind_display()),
            _organisation_name(h.to_team.organisation, copy, nobody),
            str(h.get_status_display()),
            redact(h.question),
            redact(h.reason),
        )
        for h in Handover.objects.filter(household=household, person=person)
        .select_related("to_team__organisation")
        .order_by("requested_at", "pk")
        if _shows(scopes, "handover", h.pk, h.person_id)
    ]

    assessments = []
    for a in (
        SafetyAssessment.objects.filter(household=household)
        .select_related("organisation")
        .prefetch_related("scores")
        .order_by("assessed_at", "pk")
    ):
        if not _shows(scopes, ItemType.ASSESSMENT, a.pk, None, a.organisation_id):
            continue
        score = next((s for s in a.scores.all() if s.person_id == person.pk), None)
        assessments.append(
            AssessmentLine(
                timezone.localdate(a.assessed_at),
                _organisation_name(a.organisation, copy, nobody),
                a.acute,
                a.structural,
                str(a.get_phase_display()),
                a.profile_labels(),
                score.professional if score else None,
                score.own if score else None,
                "" if threat else redact(a.summary),
            )
        )

    meetings = [
        MeetingLine(
            timezone.localdate(item.meeting.scheduled_at),
            str(item.meeting.get_status_display()),
            item.member_present_id == person.pk,
            "" if threat or item.meeting.status != MeetingStatus.HELD else redact(item.decisions),
        )
        for item in AgendaItem.objects.filter(household=household)
        .select_related("meeting")
        .order_by("meeting__scheduled_at", "pk")
        if _shows(scopes, ItemType.MINUTES, item.pk, None)
    ]

    timeline = _timeline(household.pk, copy, viewer)
    looked = who_looked(household.pk, person.pk)
    return AccessExport(
        request=request,
        reference=household.reference,
        person=person,
        roles=roles,
        made_at=timezone.now(),
        made_by=actor.user.display_name if actor.user else "",
        made_for=str(actor.organisation) if actor.organisation else "",
        addresses=addresses,
        plan_wishes=wishes,
        plan=[p for p in parts if not p.empty],
        help=help_lines,
        handovers=handovers,
        assessments=assessments,
        meetings=meetings,
        timeline=timeline,
        looked=looked,
        household_texts_left_out=threat,
    )


# Timeline lines about one item of one member — help, a handover, an escalation of such an item — and
# danger facts (never given to a member) stay out: the export's own sections hold the items this member may
# see, and a line dated the day her shelter place was asked would say more than the item kept from him.
ITEM_LINES = (EventKind.HELP, EventKind.HANDOVER, EventKind.ESCALATION, EventKind.DANGER)


def _timeline(household_id: int, copy: Scope, viewer: Scope) -> list[TimelineLine]:
    """When, what kind of step and who wrote it — not the line's text, which names partners and others. A
    note kept from the member is left out, and so are the lines about items (`ITEM_LINES`); a partner
    working with named members hands over only the lines of its own organisation (as it sees the timeline
    itself)."""
    notes_kept = {
        pk
        for (item_type, pk), persons in copy.shields.items()
        if item_type == ItemType.NOTE and persons & copy.person_ids
    }
    events = (
        HouseholdEvent.objects.filter(household_id=household_id)
        .exclude(kind__in=ITEM_LINES)
        .select_related("organisation")
        .order_by("at", "pk")
    )
    if not viewer.whole:
        events = (
            events.filter(organisation_id=viewer.organisation_id) if viewer.organisation_id else events.none()
        )
    return [
        TimelineLine(e.at, str(e.get_kind_display()), _organisation_name(e.organisation, copy, "Verband"))
        for e in events
        if e.pk not in notes_kept
    ]


def who_looked(household_id: int, person_id: int) -> list[LookLine]:
    """Who looked at the member's data in this household (and at their data outside any household, such as
    their addresses): each day, person, organisation, role and action once, with how many times. A shelter's
    people and name are not given (where they work is where the victim is)."""
    entries = AccessLogEntry.objects.about(
        household_id=household_id, person_id=person_id
    ) | AccessLogEntry.objects.filter(subject_household_id__isnull=True, subject_person_id=person_id)
    rows = list(
        entries.filter(outcome="granted")
        .order_by("at", "pk")
        .values_list(
            "at",
            "user_id",
            "username",
            "organisation_id",
            "organisation_name",
            "role",
            "token_id",
            "action",
            "object_type",
        )
    )
    full = {u.pk: u.display_name for u in User.objects.filter(pk__in={r[1] for r in rows if r[1]})}
    shelters = set(
        Organisation.objects.filter(
            pk__in={r[3] for r in rows if r[3]}, kind=OrganisationKind.SHELTER
        ).values_list("pk", flat=True)
    )
    roles: dict[str, Any] = {**dict(Role.choices), **ACTOR_ROLE_LABELS}
    grouped: dict[tuple[Any, ...], LookLine] = {}
    for at, user_id, username, org_id, org_name, role, token_id, action, object_type in rows:
        if org_id in shelters:
            who, organisation = _("not named, to protect someone else"), _("a partner (not named)")
        elif user_id is not None:
            who, organisation = full.get(user_id, username), org_name
        elif token_id is not None:
            who, organisation = _("a system of the organisation"), org_name
        else:
            who, organisation = "Verband", ""
        line = LookLine(
            timezone.localdate(at),
            who,
            organisation or _("—"),
            str(roles.get(role, role)),
            str(ACTION_LABELS.get(action, action)),
            str(OBJECT_LABELS.get(object_type, object_type)),
            0,
        )
        key = (line.on, line.who, line.organisation, line.role, line.action, line.what)
        grouped.setdefault(key, line).times += 1
    return list(grouped.values())


# --- The two files ---------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def as_json(export: AccessExport) -> dict[str, Any]:
    """The export as data (Dutch keys: the file is handed to the member)."""
    p = export.person
    r = export.request
    return {
        "formaat": FORMAT,
        "gemaakt_op": timezone.localtime(export.made_at).isoformat(timespec="seconds"),
        "gemaakt_door": export.made_by,
        "namens": export.made_for,
        "verzoek": {
            "soort": r.get_kind_display(),
            "ontvangen_op": _day(r.received_on),
            "uiterlijk_beantwoorden_op": _day(r.due_on),
        },
        "huishouden": export.reference,
        "persoon": {
            "voornamen": p.given_names,
            "voorletters": p.initials,
            "tussenvoegsel": p.surname_prefix,
            "achternaam": p.family_name,
            "geboortedatum": p.birth_iso,
            "geslacht": p.get_sex_display(),
            "bsn": p.bsn,
            "telefoon": p.phone,
            "e_mail": p.email,
            "talen": p.languages,
            "tolk_nodig": p.interpreter_needed,
            "rollen_in_dit_huishouden": export.roles,
            "bekend_sinds": _day(timezone.localdate(p.created_at)),
        },
        "adressen": [
            {
                "adres": a.text,
                "vanaf": _day(a.valid_from),
                "tot": _day(a.valid_until),
                "geheim_adres": a.confidential,
            }
            for a in export.addresses
        ],
        "gezinsplan": {
            "wat_het_huishouden_zelf_wil": export.plan_wishes,
            "delen": [
                {
                    "voor": "u" if part.for_you else "het hele huishouden",
                    "doelen": [g.text for g in part.goals],
                    "veiligheidsafspraken": [
                        {"afspraak": a.text, "bewaakt_door": a.who} for a in part.agreements
                    ],
                    "acties": [
                        {"actie": a.text, "wie": a.who, "voor": _day(a.due_on), "status": a.status}
                        for a in part.actions
                    ],
                }
                for part in export.plan
            ],
        },
        "hulp": [
            {
                "hulp": h.kind,
                "voor": "u" if h.for_you else "het hele huishouden",
                "aanbieder": h.provider,
                "status": h.status,
                "aangevraagd_op": _day(h.requested_on),
                "gestart_op": _day(h.started_on),
                "beeindigd_op": _day(h.ended_on),
                "opmerking": h.note,
            }
            for h in export.help
        ],
        "overdrachten": [
            {
                "gevraagd_op": _day(h.requested_on),
                "soort": h.kind,
                "aan": h.to,
                "status": h.status,
                "vraag": h.question,
                "antwoord": h.answer,
            }
            for h in export.handovers
        ],
        "veiligheidsbeoordelingen": [
            {
                "datum": _day(a.assessed_on),
                "door": a.organisation,
                "acute_onveiligheid": a.acute,
                "structurele_onveiligheid": a.structural,
                "fase": a.phase,
                "geweldsprofielen": a.profiles,
                "uw_veiligheid_volgens_de_professional": a.score_professional,
                "uw_veiligheid_volgens_uzelf": a.score_own,
                "toelichting": a.summary,
            }
            for a in export.assessments
        ],
        "casusoverleggen": [
            {"datum": _day(m.on), "status": m.status, "u_was_erbij": m.present, "besluiten": m.decisions}
            for m in export.meetings
        ],
        "tijdlijn": [
            {"moment": timezone.localtime(t.at).isoformat(timespec="minutes"), "soort": t.kind, "door": t.by}
            for t in export.timeline
        ],
        "wie_uw_gegevens_bekeek": [
            {
                "datum": _day(look.on),
                "wie": look.who,
                "organisatie": look.organisation,
                "rol": look.role,
                "wat": f"{look.what} {look.action}",
                "aantal_keer": look.times,
            }
            for look in export.looked
        ],
    }


def as_html(export: AccessExport) -> str:
    """The HTML the PDF is made from."""
    return render_to_string("rights/export_pdf.html", {"export": export})


def as_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
