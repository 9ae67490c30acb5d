"""The export for a request for access (AVG art. 15): one member's data, as a PDF to read and as JSON,
made by the professional who handles the request.

What is in it: the member's own data (names, birth date, BSN, contact, languages, their roles in the
household), their addresses as recorded, the household's parts of the family plan and theirs, help,
handovers about them, safety assessments (with their own scores), case meetings of the household, the
journal's entries about them, about the household or with them present (with the names of the documents
attached), the timeline, and who looked at their data (the access log). It is filtered with the member's own scope
(`shielding.scope.member_scope`), exactly like the family plan's copy for a member, and — when the
professional works with named members only — with theirs too.

What the law shields stays out (AVG art. 15(4), UAVG art. 41):
- other members' personal data: their names, birth dates, addresses and scores are never listed;
- whatever is kept from this member (the defaults protect a victim from the member recorded as perpetrator:
  her address, safety agreements, help at a shelter or of a shelter kind and the shelter's actions; and
  every shield decision);
- a confidential address reads "geheim adres", also the member's own, unless the decision wrote it out
  (`RightsRequest.addresses_released`, never in a guarded export) and the organisation may see it;
- a shelter is never named: it is described by the category of its kind, as every organisation that is
  not named is ("een hulporganisatie"), so no label marks a shelter (`Naming`);
- the timeline lists when and what kind of step and which partner wrote it, not the line's text; lines
  about one item (help, a handover, an escalation) and danger facts stay out; a signal's line never names
  the reporter's organisation ("een melder");
- every free text in it is searched for other members' addresses (street with house number, postcode),
  every region's shelters (names, short names, teams) and shelter postcodes, which are replaced by
  "[afgeschermd]"; how many passages were replaced is kept for the professional.

A *guarded* export (`services.guarded`: the member is recorded as perpetrator, is a child or a minor, or
the request came through a representative — who may be him, or act for him) is read by the person the
victim fears, so also:
- whatever is kept from any perpetrator of the household stays out (as the household's shared copy,
  `shielding.scope.household_copy_scope`), and the member's own addresses kept from him read
  "geheim adres";
- the professionals' texts about the whole household (what the household wants in the plan, the summary of
  a safety assessment, the decisions of a case meeting) stay out; the facts stay in;
- help for the whole household without a provider yet, or of a shelter kind, and handovers to a shelter
  stay out;
- only the organisations involved with this member explicitly are named; every other one is described by
  its category (`category`), and who looked at the data is given by role and category, never by name;
- the free text is searched also for the other members' names, phone numbers and e-mail addresses and the
  places and postcode areas of confidential addresses; a street he lived on himself is searched for as
  well when it is someone's confidential address.

Who looked at the data is in the export only once the request is granted and the person's identity was
checked; a professional working with named members only hands over the looks of their own organisation,
with a count of the others.

An export made by a shelter is issued in the name of the regisseur's organisation, or without regie the
region's reporting centre ("het netwerk" without one): the shelter does not name itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.accounts.models import User
from verband.actors import Actor
from verband.collaboration.models import AgendaItem, Handover, Help, MeetingStatus
from verband.households.addresses import may_see_address
from verband.households.models import (
    Address,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdMember,
    MemberRole,
    Person,
    member_sort_key,
)
from verband.network.models import Organisation, OrganisationKind, Role, ShelterAddress, Team
from verband.plans.models import FamilyPlan
from verband.plans.regie import current_regie
from verband.plans.selectors import plan_document
from verband.rights.models import RightsRequest, RightsStatus
from verband.rights.services import guarded as is_guarded
from verband.safety.models import SafetyAssessment
from verband.sharing.models import (
    ACTION_LABELS,
    ACTOR_ROLE_LABELS,
    OBJECT_LABELS,
    AccessLogEntry,
    Involvement,
)
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, member_scope, view_scope

FORMAT = "verband-inzage/2"

# Who looked is handed over once the request is granted (and the person's identity checked).
LOOKS_SHOWN = (RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED, RightsStatus.DELIVERED)


def _shows(
    scopes: Sequence[Scope], item_type: str, pk: int, person_id: int | None, owner: int | None = None
) -> bool:
    return all(s.shows(item_type, pk, person_id, owner_organisation_id=owner) for s in scopes)


# --- Naming organisations --------------------------------------------------------------------------------


def category(kind: str) -> str:
    """An organisation not named, by its kind. A shelter reads as every other organisation that gives help
    ("een hulporganisatie"), so the label marks no shelter."""
    labels: dict[str, str] = {
        OrganisationKind.REPORTING_CENTRE: _("the reporting centre (Veilig Thuis)"),
        OrganisationKind.NEIGHBOURHOOD_TEAM: _("a neighbourhood team"),
        OrganisationKind.MUNICIPALITY: _("the municipality"),
        OrganisationKind.ACCESS_DESK: _("the municipality"),
        OrganisationKind.POLICE: _("the police"),
        OrganisationKind.PROBATION: _("the probation service"),
        OrganisationKind.PUBLIC_PROSECUTION: _("the public prosecution service"),
        OrganisationKind.SAFETY_HOUSE: _("the safety house (Zorg- en Veiligheidshuis)"),
        OrganisationKind.YOUTH_PROTECTION: _("youth protection"),
        OrganisationKind.SCHOOL: _("a school"),
    }
    return labels.get(kind, _("a care organisation"))


@dataclass(frozen=True)
class Naming:
    """How an export names an organisation: by its name, or by its category. A shelter never by name; in a
    guarded export only the organisations involved with this member explicitly (`named`) by name."""

    guarded: bool
    named: frozenset[int] = frozenset()

    def names(self, organisation: Organisation) -> bool:
        if organisation.kind == OrganisationKind.SHELTER:
            return False
        return not self.guarded or organisation.pk in self.named

    def __call__(self, organisation: Organisation | None, nameless: str) -> str:
        if organisation is None:
            return nameless
        return organisation.label if self.names(organisation) else category(organisation.kind)


def involved_with(household_id: int, person_id: int) -> frozenset[int]:
    """The organisations whose involvement in the household names this member (scoped to them)."""
    rows = Involvement.objects.filter(
        household_id=household_id, scoped_members__person_id=person_id
    ).values_list("organisation_id", "team__organisation_id")
    return frozenset(org or team_org for org, team_org in rows if org or team_org)


# --- Redacting free text ---------------------------------------------------------------------------------

_NUMBER = r"(?:\s+\d{1,5}[a-z]?(?:\s?-\s?\d{1,4})?)?"  # a house number after a street


def _phone_pattern(phone: str) -> str | None:
    """A phone number however it is written: with spaces, dashes or dots between the digits, and with
    +31 or 0031 for the first 0."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) < 6:
        return None
    sep = r"[\s.\-]?"
    rest = sep.join(re.escape(d) for d in digits[1:])
    if digits.startswith("0"):
        return rf"(?:0|(?:\+|00)31{sep}(?:\(0\){sep})?){sep}{rest}"
    return re.escape(digits[0]) + sep + rest


class Redactor:
    """Replaces, in free text, what would say where someone else is or who they are: streets (with their
    house number), postcodes, names of shelters and other terms, other members' names, phone numbers and
    e-mail addresses, and the postcode areas (four digits) of confidential addresses. Counts what it
    replaced (`replaced`)."""

    def __init__(
        self,
        terms: Iterable[str],
        postcodes: Iterable[str],
        *,
        streets: Iterable[str] = (),
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        areas: Iterable[str] = (),
    ) -> None:
        words = {t.strip() for t in terms if len(t.strip()) >= 3} | {
            n.strip() for n in names if len(n.strip()) >= 2
        }
        patterns = [
            rf"{re.escape(s)}{_NUMBER}"
            for s in sorted({s.strip() for s in streets if len(s.strip()) >= 3}, key=len, reverse=True)
        ]
        patterns += [re.escape(t) for t in sorted(words, key=len, reverse=True)]
        for postcode in {p.replace(" ", "").upper() for p in postcodes if p}:
            if len(postcode) == 6:
                patterns.append(rf"{re.escape(postcode[:4])}\s*{re.escape(postcode[4:])}")
        for area in {a[:4] for a in areas if len(a) >= 4 and a[:4].isdigit()}:
            patterns.append(rf"{area}(?:\s?(?-i:[A-Z]{{2}}))?")
        patterns += [p for p in (_phone_pattern(phone) for phone in phones if phone) if p]
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None
        )
        self.replaced = 0

    def __call__(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        result, count = self._pattern.subn(_("[shielded]"), text)
        self.replaced += count
        return result


def _redactor(person: Person, others: Sequence[Person], guarded: bool, released: bool) -> Redactor:
    """The redactor of this member's export. A street or postcode of another member's address that the
    member lived at too stays (it is theirs as well) — unless the address is confidential. The member's own
    confidential addresses are searched for too, unless the decision wrote them out (`released`)."""
    own = list(
        Address.objects.filter(person=person).values_list("street", "postcode", "city", "confidential")
    )
    own_streets = {s.strip().lower() for s, _p, _c, _x in own if s}
    own_postcodes = {p.replace(" ", "").upper() for _s, p, _c, _x in own if p}
    terms: list[str] = []
    streets: list[str] = []
    postcodes: list[str] = []
    areas: list[str] = []
    found = Address.objects.filter(person_id__in=[o.pk for o in others]).values_list(
        "street", "postcode", "city", "confidential"
    )
    for street, postcode, city, confidential in [*found, *(a for a in own if a[3] and not released)]:
        if street and (confidential or street.strip().lower() not in own_streets):
            streets.append(street)
        if postcode and (confidential or postcode.replace(" ", "").upper() not in own_postcodes):
            postcodes.append(postcode)
        if guarded and confidential:
            terms.append(city)
            areas.append(postcode.replace(" ", ""))
    # Every region's shelters: she may be in a shelter of another region.
    shelters = Organisation.objects.filter(kind=OrganisationKind.SHELTER)
    for name, short in shelters.values_list("name", "short_name"):
        terms += [name, short]
    terms += list(Team.objects.filter(organisation__in=shelters).values_list("name", flat=True))
    postcodes += list(ShelterAddress.objects.values_list("postcode", flat=True))
    names: list[str] = []
    phones: list[str] = []
    if guarded:
        own_names = {w.lower() for w in f"{person.given_names} {person.surname}".split()} | {
            person.surname.lower(),
            person.family_name.lower(),
        }
        for other in others:
            for name in (other.given_names, other.family_name, other.surname, *other.given_names.split()):
                if name and name.strip().lower() not in own_names:
                    names.append(name)
            phones.append(other.phone)
            if other.email and other.email.lower() != person.email.lower():
                terms.append(other.email)
    return Redactor(terms, postcodes, streets=streets, names=names, phones=phones, areas=areas)


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
class JournalLine:
    at: datetime
    kind: str
    by: str
    about_you: bool
    summary: str
    next_step: str
    documents: list[str] = field(default_factory=list)


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
class Looks:
    """Who looked at the data: the lines, and — for a professional working with named members only — how
    many times other partners looked (`others`, else None)."""

    lines: list[LookLine]
    others: int | None = None


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
    looked: Looks | None  # None: not yet (the request is not granted, or the identity not checked)
    household_texts_left_out: bool
    redacted: int = 0
    journal: list[JournalLine] = field(default_factory=list)

    @property
    def guarded(self) -> bool:
        """Made for whom the victim may fear (`services.guarded`): the household's texts are left out, and
        who looked is given by role and kind of organisation only."""
        return self.household_texts_left_out

    @property
    def any_confidential(self) -> bool:
        return any(a.confidential for a in self.addresses)


def _guarded_scope(copy: Scope, person_id: int, threats: set[int]) -> Scope:
    """The member's copy, minus whatever is kept from any perpetrator of the household too."""
    shields = {
        key: (persons | {person_id}) if persons & threats else persons
        for key, persons in copy.shields.items()
    }
    return replace(copy, shields=shields)


def _issuer(actor: Actor, household: Household, naming: Naming) -> tuple[str, str]:
    """(made by, on behalf of): the professional and their organisation — when the export may name it. A
    shelter does not name itself nor its worker, and a guarded export names no organisation that does not
    work with the member explicitly (a neighbourhood team's name is the area she lives in): it is issued on
    behalf of the regisseur's organisation when that may be named, else the region's reporting centre,
    else the network."""
    organisation = actor.organisation
    if organisation is None or naming.names(organisation):
        return (actor.user.display_name if actor.user else ""), (str(organisation) if organisation else "")
    regie = current_regie(household)
    if regie is not None and naming.names(regie.organisation):
        return "", str(regie.organisation)
    centre = (
        Organisation.objects.filter(
            region_id=household.region_id, kind=OrganisationKind.REPORTING_CENTRE, active=True
        )
        .order_by("pk")
        .first()
    )
    return "", str(centre) if centre is not None else _("the network")


def _centres(region_id: int) -> frozenset[int]:
    return frozenset(
        Organisation.objects.filter(region_id=region_id, kind=OrganisationKind.REPORTING_CENTRE).values_list(
            "pk", flat=True
        )
    )


def build(actor: Actor, request: RightsRequest) -> AccessExport:
    """The member's data as the law gives it to them; the caller logs the export (`services.note_export`)."""
    household = request.household
    person = request.person
    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    roles = [str(m.get_role_display()) for m in members if m.person_id == person.pk]
    guarded = is_guarded(request)
    threats = {m.person_id for m in members if m.role == MemberRole.PERPETRATOR}
    copy = member_scope(household, person.pk)
    if guarded:
        copy = _guarded_scope(copy, person.pk, threats)
    viewer = view_scope(actor, household)
    # A professional working with named members only hands over no more than they see themselves.
    scopes: tuple[Scope, ...] = (copy,) if viewer.whole else (copy, viewer)
    others = list({m.person_id: m.person for m in members if m.person_id != person.pk}.values())
    released = request.addresses_released and not guarded
    redact = _redactor(person, others, guarded, released)
    naming = Naming(guarded, involved_with(household.pk, person.pk) if guarded else frozenset())
    # Who issues it may be named as the partner to object to: the reporting centre always, as in `category`.
    issuing = replace(naming, named=naming.named | _centres(household.region_id))
    nobody = _("—")
    secret = _("confidential address")

    addresses = []
    for address in Address.objects.filter(person=person).prefetch_related("disclosures"):
        kept = not copy.shows(ItemType.ADDRESS, address.pk, person.pk)
        written_out = not address.confidential or (released and may_see_address(actor, address))
        if guarded and (address.confidential or kept):
            addresses.append(AddressLine(secret, None, None, True))
        elif written_out:
            addresses.append(
                AddressLine(address.one_line, address.valid_from, address.valid_until, address.confidential)
            )
        else:
            addresses.append(AddressLine(secret, address.valid_from, address.valid_until, True))

    plan = FamilyPlan.objects.filter(household=household).first()
    parts: list[PlanPart] = []
    wishes = ""
    if plan is not None:
        doc = plan_document(plan, person, scopes)
        for section in doc.sections:
            part = PlanPart(for_you=section.person is not None)
            part.goals = [PlanLine(redact(g.text)) for g in section.goals]
            part.agreements = [
                PlanLine(redact(a.text), naming(a.monitored_by, nobody)) for a in section.agreements
            ]
            part.actions = [
                PlanLine(
                    redact(a.text),
                    naming(a.owner_organisation, nobody)
                    + (
                        f" ({a.owner_user.display_name})"
                        if a.owner_user and a.owner_organisation and naming.names(a.owner_organisation)
                        else ""
                    ),
                    a.due_on,
                    str(a.get_status_display()),
                )
                for a in section.actions
            ]
            parts.append(part)
        # As the plan's copy: the household's own words only from a whole-household partner, and never to
        # whom the victim fears (they say what she wants, and where).
        if viewer.whole and not guarded:
            wishes = redact(plan.household_wishes)

    help_lines = []
    for h in Help.objects.filter(household=household).select_related("kind", "provider__organisation"):
        if not _shows(scopes, ItemType.HELP, h.pk, h.person_id):
            continue
        # The household's help that is (or may become) her shelter place: its provider is not chosen yet,
        # so no default shield knows it.
        if guarded and h.person_id is None and (h.provider is None or h.kind.shelter):
            continue
        help_lines.append(
            HelpLine(
                h.kind.name,
                h.person_id == person.pk,
                naming(h.provider.organisation, nobody) if h.provider else _("no provider yet"),
                str(h.get_status_display()),
                h.requested_on,
                h.started_on,
                h.ended_on,
                redact(h.note),
            )
        )

    handovers = [
        HandoverLine(
            timezone.localdate(h.requested_at),
            str(h.get_kind_display()),
            naming(h.to_team.organisation, nobody),
            str(h.get_status_display()),
            redact(h.question),
            redact(h.reason),
        )
        for h in Handover.objects.filter(household=household, person=person)
        .select_related("to_team__organisation")
        .order_by("requested_at", "pk")
        if _shows(scopes, "handover", h.pk, h.person_id)
        and not (guarded and h.to_team.organisation.kind == OrganisationKind.SHELTER)
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
                naming(a.organisation, nobody),
                a.acute,
                a.structural,
                str(a.get_phase_display()),
                a.profile_labels(),
                score.professional if score else None,
                score.own if score else None,
                "" if guarded else redact(a.summary),
            )
        )

    meetings = [
        MeetingLine(
            timezone.localdate(item.meeting.scheduled_at),
            str(item.meeting.get_status_display()),
            item.member_present_id == person.pk,
            "" if guarded or item.meeting.status != MeetingStatus.HELD else redact(item.decisions),
        )
        for item in AgendaItem.objects.filter(household=household)
        .select_related("meeting")
        .order_by("meeting__scheduled_at", "pk")
        if _shows(scopes, ItemType.MINUTES, item.pk, None)
    ]

    journal = _journal(household, person.pk, copy, viewer, guarded, naming, redact)
    timeline = _timeline(household.pk, copy, viewer, naming)
    looked = None
    if request.status in LOOKS_SHOWN and request.identity_checked:
        looked = who_looked(
            household.pk,
            person.pk,
            guarded=guarded,
            only_organisation=None if viewer.whole else (viewer.organisation_id or 0),
        )
    made_by, made_for = _issuer(actor, household, issuing)
    return AccessExport(
        request=request,
        reference=household.reference,
        person=person,
        roles=roles,
        made_at=timezone.now(),
        made_by=made_by,
        made_for=made_for,
        addresses=addresses,
        plan_wishes=wishes,
        plan=[p for p in parts if not p.empty],
        help=help_lines,
        handovers=handovers,
        assessments=assessments,
        meetings=meetings,
        timeline=timeline,
        looked=looked,
        household_texts_left_out=guarded,
        redacted=redact.replaced,
        journal=journal,
    )


# Timeline lines about one item of one member — help, a handover, an escalation of such an item, a journal
# entry, a protective measure — and danger facts (never given to a member) stay out: the export's own
# sections hold the items this member may see, and a line dated the day her shelter place was asked (or her
# AWARE alarm placed) would say more than the item kept from him.
ITEM_LINES = (
    EventKind.HELP,
    EventKind.HANDOVER,
    EventKind.ESCALATION,
    EventKind.DANGER,
    EventKind.JOURNAL,
    EventKind.MEASURE,
)


def _journal(
    household: Household, person_id: int, copy: Scope, viewer: Scope, guarded: bool, naming: Naming,
    redact: Redactor,
) -> list[JournalLine]:  # fmt: skip
    """The journal's entries about this member, or about the household, or with this member present, as the
    member's copy shows them (`shielding.scope`: what is kept from them stays out) and the professional sees
    them (`journal.selectors.shows_entry`: "own organisation only" only to that organisation), with the names
    of their documents. In a guarded export, only entries about him with nobody else of the household
    present, and no texts about the whole household."""
    from verband.journal.models import Document
    from verband.journal.selectors import current_entries, participant_ids, shows_document, shows_entry

    entries = sorted(current_entries(household), key=lambda e: (e.occurred_at, e.pk))
    present = participant_ids(entries)
    documents: dict[int, list[Document]] = {}
    for d in Document.objects.filter(household=household, entry__isnull=False).order_by("uploaded_at", "pk"):
        documents.setdefault(d.entry_id or 0, []).append(d)
    lines = []
    for e in entries:
        took_part = present.get(e.pk, set())
        if e.person_id not in (None, person_id) and person_id not in took_part:
            continue
        if guarded and (took_part - {person_id} or (e.person_id is None and took_part != {person_id})):
            continue
        if not copy.shows(ItemType.JOURNAL, e.item_id, e.person_id) or not shows_entry(viewer, e, took_part):
            continue
        household_text = guarded and e.person_id is None
        lines.append(
            JournalLine(
                e.occurred_at,
                str(e.get_kind_display()),
                naming(e.organisation, "Verband"),
                e.person_id == person_id,
                "" if household_text else redact(e.summary),
                "" if household_text else redact(e.next_step),
                [
                    redact(d.original_name)
                    for d in documents.get(e.item_id, [])
                    if copy.shows(ItemType.DOCUMENT, d.pk, d.person_id) and shows_document(viewer, d)
                ],
            )
        )
    return lines


def _timeline(household_id: int, copy: Scope, viewer: Scope, naming: Naming) -> list[TimelineLine]:
    """When, what kind of step and who wrote it — not the line's text, which names partners and others. A
    note kept from the member is left out, and so are the lines about items (`ITEM_LINES`); a partner
    working with named members hands over only the lines of its own organisation (as it sees the timeline
    itself). A signal's line never names the reporter's organisation: a reporter may be anonymous to the
    household, and who reported is not the member's to know from this export."""
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
        TimelineLine(
            e.at,
            str(e.get_kind_display()),
            _("a reporter") if e.kind == EventKind.SIGNAL else naming(e.organisation, "Verband"),
        )
        for e in events
        if e.pk not in notes_kept
    ]


def who_looked(household_id: int, person_id: int, *, guarded: bool, only_organisation: int | None) -> Looks:
    """Who looked at the member's data in this household (and at their data outside any household, such as
    their addresses): each day, person, organisation, role and action once, with how many times.

    A shelter's people are given by role and its name by category (`Naming`); in a guarded export everyone
    is. With `only_organisation` (a professional working with named members only) only the looks of that
    organisation are listed, and the others counted."""
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
    others = 0
    if only_organisation is not None:
        mine = [r for r in rows if r[3] is None or r[3] == only_organisation]
        others, rows = len(rows) - len(mine), mine
    full = {u.pk: u.display_name for u in User.objects.filter(pk__in={r[1] for r in rows if r[1]})}
    organisations = Organisation.objects.in_bulk({r[3] for r in rows if r[3]})
    naming = Naming(guarded)
    roles: dict[str, Any] = {**dict(Role.choices), **ACTOR_ROLE_LABELS}
    grouped: dict[tuple[Any, ...], LookLine] = {}
    for at, user_id, username, org_id, org_name, role, token_id, action, object_type in rows:
        found = organisations.get(org_id) if org_id else None
        role_label = str(roles.get(role, role))
        organisation = naming(found, org_name) if found is not None else org_name
        if token_id is not None:
            who = _("a system of the organisation")
        elif user_id is not None:
            who = full.get(user_id, username) if found is not None and naming.names(found) else role_label
        else:
            who, organisation = "Verband", ""
        line = LookLine(
            timezone.localdate(at),
            who,
            organisation or _("—"),
            role_label,
            str(ACTION_LABELS.get(action, action)),
            str(OBJECT_LABELS.get(object_type, object_type)),
            0,
        )
        key = (line.on, line.who, line.organisation, line.role, line.action, line.what)
        grouped.setdefault(key, line).times += 1
    return Looks(list(grouped.values()), others if only_organisation is not None else None)


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
            "via_vertegenwoordiger": r.representative or None,
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
        "journaal": [
            {
                "moment": timezone.localtime(j.at).isoformat(timespec="minutes"),
                "soort": j.kind,
                "door": j.by,
                "over_u": j.about_you,
                "samenvatting": j.summary,
                "volgende_stap": j.next_step,
                "documenten": j.documents,
            }
            for j in export.journal
        ],
        "tijdlijn": [
            {"moment": timezone.localtime(t.at).isoformat(timespec="minutes"), "soort": t.kind, "door": t.by}
            for t in export.timeline
        ],
        # Not yet (null) until the request is granted and the person's identity checked.
        "wie_uw_gegevens_bekeek": None
        if export.looked is None
        else [
            {
                "datum": _day(look.on),
                "wie": look.who,
                "organisatie": look.organisation,
                "rol": look.role,
                "wat": f"{look.what} {look.action}",
                "aantal_keer": look.times,
            }
            for look in export.looked.lines
        ],
        # How many times other partners looked, when the maker works with named members only (else null).
        "wie_uw_gegevens_bekeek_andere_partners_aantal_keer": export.looked.others if export.looked else None,
    }


def as_html(export: AccessExport) -> str:
    """The HTML the PDF is made from."""
    return render_to_string("rights/export_pdf.html", {"export": export})


def as_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
