"""Every write around a signal: receiving it (stored first, idempotent), recognising its persons,
finishing it (household, members, timeline, activations — in one transaction, exactly once), and what
teams do with activations (take up, hand back, send on)."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from verband.actors import SYSTEM, Actor, Channel
from verband.households import addresses, matching
from verband.households import services as households
from verband.households.models import (
    HOUSEHOLD_FLOW,
    EventKind,
    Household,
    HouseholdStatus,
    MemberRole,
    Person,
)
from verband.network.models import (
    CASEWORK_ROLES,
    CoverageArea,
    Membership,
    Network,
    Organisation,
    OrganisationKind,
    Region,
    RegionNorms,
    Team,
)
from verband.notifications.services import notify
from verband.sharing import access as sharing_access
from verband.sharing import basis as sharing_basis
from verband.sharing import services as sharing
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.basis import BASIS_FOR_PURPOSE  # noqa: F401 (the demo reads it here)
from verband.sharing.models import EMERGENCY, InformationScope, Involvement, LegalBasis, Purpose, SharingKind
from verband.signals import statements
from verband.signals.models import (
    ACTIVATION_FLOW,
    CITIZEN_KINDS,
    PUBLIC_CHANNEL,
    SIGNAL_FLOW,
    Activation,
    ActivationStatus,
    MatchState,
    RoutingRule,
    RuleCondition,
    RuleTarget,
    Signal,
    SignalPerson,
    SignalStatus,
    StatementState,
)
from verband.signals.selectors import typed_description
from verband.text import refuse_nul
from verband.workdays import add_working_days
from verband.workflow import happened


def proposed_basis(activation: Activation) -> str:
    """The legal basis proposed to whoever takes the activation up: the routing rule's, or the usual one
    for its purpose. The professional confirms or changes it (`sharing.basis`)."""
    rule = activation.rule
    return sharing_basis.proposed(
        SharingKind.TAKE_UP, activation.purpose, rule.legal_basis if rule is not None else ""
    )


@dataclass
class PersonInput:
    role: str
    family_name: str
    given_names: str = ""
    surname_prefix: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = "unknown"
    bsn: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    languages: str = ""
    interpreter_needed: bool = False
    # "Dit is een opvang- of geheim adres": the reporter's word; shelters' reports and configured
    # shelter addresses are confidential whatever is ticked (`addresses.must_be_confidential`).
    address_confidential: bool = False


@dataclass
class SignalInput:
    kind: str
    description: str
    persons: list[PersonInput]
    reporter_name: str = ""
    reporter_function: str = ""
    reporter_phone: str = ""
    anonymous_to_household: bool = False
    violence_forms: list[str] = field(default_factory=list)
    children_involved: bool = False
    children_witness: bool = False
    weapon_mentioned: bool = False
    acute_danger: bool = False
    occurred_on: date | None = None
    location: str = ""
    postcode: str = ""


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before for a different request."""


def _request_hash(data: SignalInput) -> str:
    payload = json.dumps(asdict(data), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def receive(actor: Actor, data: SignalInput, *, idempotency_key: str | None = None) -> tuple[Signal, bool]:
    """Store the signal and who it is about, before anything else happens. With an idempotency key the
    same key from the same organisation returns the signal stored the first time."""
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied
    digest = _request_hash(data)

    def existing() -> Signal | None:
        if not idempotency_key:
            return None
        found = Signal.objects.filter(
            source_organisation=organisation, idempotency_key=idempotency_key
        ).first()
        if found is not None and found.request_hash != digest:
            raise IdempotencyConflict
        return found

    # A key used before is found by the unique constraint: storing fails and the stored signal is read.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                signal = _store(actor, organisation, data, idempotency_key, digest)
                transaction.on_commit(partial(route_when_due, signal), robust=True)
            return signal, True
        except IntegrityError:
            found = existing()
            if found is not None:
                return found, False
    raise RuntimeError("Could not store the signal")


def _store(
    actor: Actor, organisation: Organisation, data: SignalInput, key: str | None, digest: str
) -> Signal:
    # The region's shelter locations at every postcode of the signal, read once.
    shelters = addresses.shelter_numbers(
        organisation.region_id, [_postcode(data.postcode), *(_postcode(p.postcode) for p in data.persons)]
    )
    persons = [
        replace(
            p,
            postcode=_postcode(p.postcode),
            address_confidential=bool(p.street or p.postcode)
            and addresses.must_be_confidential(
                organisation, p.postcode, p.house_number, ticked=p.address_confidential, shelters=shelters
            ),
        )
        for p in data.persons
    ]
    signal = Signal.objects.create(
        reference=households.next_reference("SG", Signal),
        region_id=organisation.region_id,
        kind=data.kind,
        channel=actor.channel,
        source_organisation=organisation,
        source_user=actor.user,
        source_token=actor.token,
        reporter_name=(data.reporter_name or (actor.user.get_full_name() if actor.user else ""))[:200],
        reporter_function=data.reporter_function,
        reporter_phone=data.reporter_phone,
        anonymous_to_household=data.anonymous_to_household,
        description=data.description,
        violence_forms=list(data.violence_forms),
        children_involved=data.children_involved or any(p.role == MemberRole.CHILD for p in data.persons),
        children_witness=data.children_witness,
        weapon_mentioned=data.weapon_mentioned,
        acute_danger=data.acute_danger,
        occurred_on=data.occurred_on,
        location=data.location,
        postcode=_routing_postcode(organisation, _postcode(data.postcode), persons, shelters),
        idempotency_key=key,
        request_hash=digest,
    )
    SignalPerson.objects.bulk_create(
        [SignalPerson(signal=signal, position=index, **asdict(p)) for index, p in enumerate(persons)]
    )
    record(actor, action="create", object_type="signal", object_id=signal.reference)
    return signal


def _postcode(value: str) -> str:
    return (value or "").replace(" ", "").upper()[:6]


def _routing_postcode(
    organisation: Organisation, typed: str, persons: list[PersonInput], shelters: dict[str, list[str]]
) -> str:
    """The postcode that routes the signal: the household's as typed, else the first person's — never
    one of a confidential address, in full or as its four digits, nor anything a shelter reports (its
    own area would point to the shelter). Empty: routing uses the persons' known area, else the desk."""
    if organisation.kind == OrganisationKind.SHELTER:
        return ""
    secret = {p.postcode[:4] for p in persons if p.address_confidential and p.postcode}
    candidates = [typed] + [p.postcode for p in persons if not p.address_confidential]
    for postcode in candidates:
        if (
            postcode
            and postcode[:4] not in secret
            and not addresses.is_shelter_location(organisation.region_id, postcode, "", shelters=shelters)
        ):
            return postcode
    return ""


# --- The public door: a citizen's advice request or report ---------------------------------------


@dataclass
class CitizenInput:
    """What a citizen typed at the public door, cleaned by its form. Names, age and place are optional;
    contact details are kept only when the citizen gives them."""

    kind: str  # SignalKind.CITIZEN_ADVICE or CITIZEN_REPORT
    description: str
    persons: list[PersonInput] = field(default_factory=list)
    relation: str = ""  # what the citizen is to them: neighbour, family, ...
    children_involved: bool = False
    acute_danger: bool = False
    postcode: str = ""
    town: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    may_contact: bool = False


# A receipt is eight characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 10^12
# possibilities, drawn by `secrets`. It counts nothing and opens nothing; it only lets the reporting
# centre find the signal when the citizen calls.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def public_door_region(postcode: str) -> Region | None:
    """The region a citizen's signal goes to: the region of a team or network whose coverage holds the
    postcode's four digits, else the configured VERBAND_PUBLIC_DOOR_REGION (a region's code), else the
    first region. Never none while a region exists: a report is never dropped for want of a place."""
    number = _covering_number(_postcode(postcode))
    if number is not None:
        area = (
            CoverageArea.objects.filter(postcode_from__lte=number, postcode_to__gte=number)
            .filter(Q(team__active=True) | Q(network__active=True))
            .select_related("team__organisation", "network")
            .order_by("postcode_from", "pk")
            .first()
        )
        if area is not None:
            return area.team.organisation.region if area.team is not None else area.network.region  # type: ignore[union-attr]
    configured = settings.PUBLIC_DOOR_REGION
    region = Region.objects.filter(code=configured).first() if configured else None
    return region or Region.objects.order_by("pk").first()


def receive_from_citizen(data: CitizenInput) -> Signal:
    """Store a citizen's signal from the public door and route it at once (no reporter confirms a
    recognition: the citizen is shown nothing of the register). Logged as Verband itself — the citizen
    has no account, and their address is not kept. Returns the signal; its `receipt` is all the citizen
    is told."""
    refuse_nul(data.description, data.relation, data.town, data.reporter_name, data.reporter_phone)
    if data.kind not in CITIZEN_KINDS:
        raise ValidationError(_("Choose whether you ask for advice or report a worry."))
    region = public_door_region(data.postcode)
    if region is None:
        raise RuntimeError("No region to receive the public door's signals")
    this_year = timezone.localdate().year
    # A postcode that holds a shelter never routes or shows (as for every door, `_routing_postcode`).
    postcode = _postcode(data.postcode)
    if addresses.is_shelter_location(region.pk, postcode, ""):
        postcode = ""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                signal = Signal.objects.create(
                    reference=households.next_reference("SG", Signal),
                    receipt=new_receipt(),
                    region=region,
                    kind=data.kind,
                    channel=PUBLIC_CHANNEL,
                    reporter_name=data.reporter_name[:200],
                    reporter_function=data.relation[:120],
                    reporter_phone=data.reporter_phone[:40],
                    reporter_email=data.reporter_email,
                    may_contact=data.may_contact,
                    # A citizen is never named to the household.
                    anonymous_to_household=True,
                    description=data.description,
                    children_involved=data.children_involved
                    or any(
                        p.role == MemberRole.CHILD or (p.birth_year and this_year - p.birth_year < 18)
                        for p in data.persons
                    ),
                    acute_danger=data.acute_danger,
                    location=data.town[:200],
                    postcode=postcode,
                )
                SignalPerson.objects.bulk_create(
                    [
                        SignalPerson(signal=signal, position=index, **asdict(p))
                        for index, p in enumerate(data.persons)
                    ]
                )
                record(SYSTEM, action="create", object_type="signal", object_id=signal.reference)
                transaction.on_commit(partial(route_signal.enqueue, signal.pk), robust=True)
            return signal
        except IntegrityError:
            continue  # a concurrent signal took the reference: draw again
    raise RuntimeError("Could not store the signal")


def description_of(sp: SignalPerson) -> matching.Description:
    """What the reporter typed, with the address: for the matcher's blocking and scoring."""
    address = ((sp.postcode, sp.house_number, sp.street),) if (sp.postcode or sp.street) else ()
    return replace(typed_description(sp), addresses=address)


def recognise(signal: Signal) -> list[SignalPerson]:
    """Look up every person not yet decided; link automatically only on strong evidence."""
    persons = list(signal.persons.all())
    SignalPerson.objects.bulk_update(_recognise(persons), ["candidates", "person", "match_state"])
    return persons


def _recognise(persons: list[SignalPerson]) -> list[SignalPerson]:
    """The candidates of every person not yet decided, all looked up at once (not saved); returns those."""
    pending = [sp for sp in persons if sp.match_state == MatchState.PENDING]
    found = matching.find_candidates_many([description_of(sp) for sp in pending])
    for sp, candidates in zip(pending, found, strict=True):
        sp.candidates = [c.as_json() for c in candidates]
        certain = next((c for c in candidates if c.automatic), None)
        if certain is not None:
            sp.person_id, sp.match_state = certain.person_id, MatchState.AUTO
    return pending


def _attach_likely(persons: list[SignalPerson]) -> None:
    """At routing, whoever is still undecided and has a likely candidate is linked to that person pending
    the reporting centre's confirmation (`confirm_likely`): the signal lands on the known household and
    its history, not on a new one. The same for every door; the web reporter decided before, if at all."""
    taken = {sp.person_id for sp in persons if sp.person_id is not None}
    for sp in persons:
        if sp.match_state != MatchState.PENDING:
            continue
        # Two people of one signal are never linked to the same register person.
        best = next((c for c in sp.candidates if c.get("likely") and c["person"] not in taken), None)
        if best is not None:
            sp.person_id, sp.match_state = best["person"], MatchState.LIKELY
            taken.add(best["person"])


def confirm_recognition(actor: Actor, signal: Signal, decisions: dict[int, int | None]) -> None:
    """The professional's decisions: for each signal person, one of its candidates or a new person."""
    with transaction.atomic():
        # Locked and read again: the worker may have routed it since the page was loaded.
        current = Signal.objects.select_for_update().filter(pk=signal.pk).values_list("status", flat=True)
        if current.first() != SignalStatus.RECEIVED:
            raise ValidationError(_("This signal has already been routed."))
        for sp in signal.persons.select_for_update():
            if sp.match_state == MatchState.AUTO or sp.pk not in decisions:
                continue
            chosen = decisions[sp.pk]
            offered = {c["person"] for c in sp.candidates}
            if chosen is not None and chosen not in offered:
                raise ValidationError(_("Choose one of the persons offered, or a new person."))
            sp.person_id = chosen
            sp.match_state = MatchState.CONFIRMED if chosen else MatchState.NEW
            sp.save(update_fields=["person", "match_state"])
        Signal.objects.filter(pk=signal.pk).update(recognition_confirmed=True)
        record_many(
            actor,
            action="update",
            object_type="recognition",
            object_id=signal.reference,
            subjects=[Subject(person_id=pid) for pid in sorted({p for p in decisions.values() if p})]
            or [Subject()],
        )


def finish(signal_id: int, actor: Actor = SYSTEM) -> bool:
    """Recognise what is left, settle the household and activate partners. Runs in one transaction that
    starts by claiming the signal: a second caller (another worker, a retry) finds nothing to do, and a
    crash half-way leaves the signal `received` for the next sweep. When a concurrent transaction took
    the new household's reference (or a BSN) first, everything is rolled back and done again."""
    for _attempt in range(5):
        try:
            return _finish(signal_id, actor)
        except IntegrityError:
            continue
    raise RuntimeError("Could not route the signal")


def _finish(signal_id: int, actor: Actor) -> bool:
    with transaction.atomic():
        claimed = SIGNAL_FLOW.move_rows(
            Signal.objects.filter(pk=signal_id),
            SignalStatus.ROUTED,
            source=SignalStatus.RECEIVED,
            routed_at=timezone.now(),
        )
        if not claimed:
            return False
        # The persons with their signal in one query (a signal without persons: the signal alone).
        persons = list(
            SignalPerson.objects.filter(signal_id=signal_id).select_related(
                "signal__region", "signal__source_organisation"
            )
        )
        signal = (
            persons[0].signal
            if persons
            else Signal.objects.select_related("region", "source_organisation").get(pk=signal_id)
        )
        for sp in persons:
            sp.signal = signal
        _recognise(persons)
        _attach_likely(persons)
        _settle_persons(persons, signal)
        SignalPerson.objects.bulk_update(persons, ["candidates", "person", "match_state", "statement"])
        if not signal.postcode:
            # Routing follows the persons' last area that is not confidential, else the routing desk.
            signal.postcode = next(
                (code for sp in persons if (code := addresses.last_open_postcode(sp.person_id))), ""
            )
        household = _choose_household(persons) or households.new_household(signal.region, retry=False)
        households.add_members(household, [(sp.person, sp.role) for sp in persons if sp.person is not None])
        signal.household = household
        signal.repeat_after_closing = _reopen_for(actor, household, signal)
        signal.save(update_fields=["household", "postcode", "repeat_after_closing"])
        activations = plan_activations(signal, household, persons)
        households.save_events(
            [
                households.new_event(
                    household,
                    EventKind.SIGNAL,
                    signal.get_kind_display(),
                    organisation=signal.source_organisation,
                    signal=signal,
                    at=signal.received_at,
                ),
                *(
                    households.new_event(household, EventKind.ROUTED, activation.party_name, signal=signal)
                    for activation in activations
                ),
            ]
        )
        record_many(
            actor,
            action="create",
            object_type="routing",
            object_id=signal.reference,
            subjects=[Subject(household.pk)] + [Subject(household.pk, sp.person_id) for sp in persons],
            basis=f"{LegalBasis.LEGAL_TASK}:{Purpose.SAFETY_ASSESSMENT}",
        )
    return True


def _settle_persons(persons: list[SignalPerson], signal: Signal) -> None:
    """A new person is registered as reported. For a person already known the report changes nothing:
    what it says that differs from the known data (another address, a phone number, a language) stays
    this signal's statement, for an involved professional to confirm or dismiss. Sets `person`,
    `match_state` and `statement` of each; the caller saves them. A fixed number of queries however many
    persons (one more per confidential address)."""
    new = [sp for sp in persons if sp.person_id is None]
    known_ids = {sp.person_id for sp in persons if sp.person_id is not None}
    known = Person.objects.prefetch_related("addresses").in_bulk(known_ids) if known_ids else {}
    if new:
        # A BSN already in the register (or given twice in this signal) is not stored again.
        wanted = {sp.bsn for sp in new if sp.bsn}
        taken = (
            set(Person.objects.filter(bsn__in=wanted).exclude(bsn="").values_list("bsn", flat=True))
            if wanted
            else set()
        )
        people = []
        for sp in new:
            bsn = sp.bsn if sp.bsn and sp.bsn not in taken else ""
            taken.add(bsn)
            people.append(
                {
                    "given_names": sp.given_names,
                    "surname_prefix": sp.surname_prefix,
                    "family_name": sp.family_name,
                    "birth_year": sp.birth_year,
                    "birth_month": sp.birth_month,
                    "birth_day": sp.birth_day,
                    "sex": sp.sex,
                    "bsn": bsn,
                    "phone": sp.phone,
                    "languages": sp.languages,
                    "interpreter_needed": sp.interpreter_needed,
                }
            )
        open_addresses = []
        for sp, person in zip(new, households.create_persons(people), strict=True):
            sp.person = person
            if sp.match_state == MatchState.PENDING:
                sp.match_state = MatchState.NEW
            reported = sp.reported_address
            if reported is not None and sp.address_confidential:
                addresses.record_reported_address(person, sp, signal)  # managed by the reporter
            elif reported is not None:
                open_addresses.append((person, reported))
        households.add_first_addresses(open_addresses)
    for sp in persons:
        if sp in new:
            continue
        sp.person = known[sp.person_id]
        if statements.statement_differences(sp, sp.person):
            sp.statement = StatementState.PENDING


RECOGNISED = (MatchState.AUTO, MatchState.CONFIRMED, MatchState.LIKELY)


def _reopen_for(actor: Actor, household: Household, signal: Signal) -> bool:
    """A signal linked to a closed household opens it again (with its history) and, when it was closed
    less than `REPEAT_AFTER_CLOSING_MONTHS` before the signal came in, is a repeat report after closing.
    Returns whether it is. The household is locked: a closing at the same moment waits for this."""
    locked = Household.objects.select_for_update().filter(pk=household.pk).first()
    if locked is None or locked.status != HouseholdStatus.CLOSED:
        return False
    closed_at = locked.closed_at
    since = signal.received_at - relativedelta(months=REPEAT_AFTER_CLOSING_MONTHS)
    repeat = closed_at is not None and closed_at >= since
    household.status = locked.status
    HOUSEHOLD_FLOW.move(
        household,
        HouseholdStatus.ACTIVE,
        source=HouseholdStatus.CLOSED,
        stale=_("The household was opened again in the meantime."),
        closed_at=None,
    )
    households.add_event(
        household,
        EventKind.REOPENED,
        _("Household opened again: repeat report after closing (%(reference)s).")
        % {"reference": signal.reference}
        if repeat
        else _("Household opened again by a new signal (%(reference)s).") % {"reference": signal.reference},
        organisation=signal.source_organisation,
        signal=signal,
    )
    record(
        actor,
        action="reopen",
        object_type="household",
        object_id=household.reference,
        household_id=household.pk,
    )
    return repeat


# A signal within this many months after closing is a repeat report after closing (issue 14, item 6).
REPEAT_AFTER_CLOSING_MONTHS = 12


def _choose_household(persons: list[SignalPerson]) -> Household | None:
    """The active household holding most of the recognised persons (the latest on a tie). A closed
    household only when the report is about its members and no one else — everyone in it recognised as a
    member of that household: a repeat report after closing then finds the history, while a report about
    one member and someone new (the perpetrator with a new partner) never reopens the old family's file."""
    known = [sp.person_id for sp in persons if sp.match_state in RECOGNISED]
    if not known:
        return None
    households = Household.objects.filter(members__person_id__in=known).annotate(
        held=Count("members__person", distinct=True)
    )
    active = households.filter(status=HouseholdStatus.ACTIVE).order_by("-held", "-pk").first()
    if active is not None or len(known) < len(persons):
        return active
    return households.filter(status=HouseholdStatus.CLOSED, held=len(set(known))).order_by("-pk").first()


def _covering_number(postcode: str) -> int | None:
    digits = postcode[:4]
    if not (len(digits) == 4 and digits.isdigit()):
        return None
    return int(digits)


def _applies(rule: RoutingRule, signal: Signal, persons: list[SignalPerson]) -> bool:
    if rule.condition == RuleCondition.EVERY_SIGNAL:
        return True
    if rule.condition == RuleCondition.ACUTE_DANGER:
        return signal.acute_danger
    if rule.condition == RuleCondition.CHILDREN:
        this_year = timezone.localdate().year
        minors = any(sp.birth_year and this_year - sp.birth_year < 18 for sp in persons)
        return signal.children_involved or minors or any(sp.role == MemberRole.CHILD for sp in persons)
    return False


class _Coverage:
    """Who covers the signal's postcode: the active teams of the rules' organisations and the active
    networks of the region, read once (one query) for all rules of one routing."""

    def __init__(self, signal: Signal, rules: list[RoutingRule]) -> None:
        self.number = _covering_number(signal.postcode)
        self.signal = signal
        self.rules = rules
        self._areas: list[CoverageArea] | None = None

    def _read(self) -> list[CoverageArea]:
        if self._areas is None:
            organisations = {r.organisation_id for r in self.rules if r.target == RuleTarget.COVERING_TEAM}
            self._areas = list(
                CoverageArea.objects.filter(postcode_from__lte=self.number, postcode_to__gte=self.number)
                .filter(
                    Q(team__organisation_id__in=organisations, team__active=True)
                    | Q(network__region_id=self.signal.region_id, network__active=True)
                )
                .select_related("team__organisation", "network")
            )
        return self._areas

    def team(self, organisation_id: int | None) -> Team | None:
        teams = [
            a.team for a in self._read() if a.team is not None and a.team.organisation_id == organisation_id
        ]
        return min(teams, key=lambda t: (t.name, t.pk), default=None)

    def network(self) -> Network | None:
        # Standing networks before pilots, so a pilot covering the same area does not take every signal.
        networks = [a.network for a in self._read() if a.network is not None]
        return min(networks, key=lambda n: (n.is_pilot, n.name, n.pk), default=None)


def _target(
    rule: RoutingRule, signal: Signal, coverage: _Coverage
) -> tuple[Team | None, Network | None, str]:
    if rule.target == RuleTarget.FIXED:
        return rule.team, rule.network, ""
    if coverage.number is None:
        return None, None, _("no usable postcode")
    why = _("postcode %(postcode)s") % {"postcode": signal.postcode[:4]}
    if rule.target == RuleTarget.COVERING_TEAM:
        return coverage.team(rule.organisation_id), None, why
    return None, coverage.network(), why


def _for_citizens(rule: RoutingRule) -> bool:
    """A citizen's advice request or report goes to the reporting centre alone (Veilig Thuis weighs it
    first; it decides whom else to involve): of the region's rules only those whose team is a reporting
    centre's, and the routing desk. Nothing else applying, the routing desk has it."""
    if rule.condition == RuleCondition.FALLBACK:
        return True
    if rule.target == RuleTarget.FIXED:
        return rule.team is not None and rule.team.organisation.kind == OrganisationKind.REPORTING_CENTRE
    if rule.target == RuleTarget.COVERING_TEAM:
        return rule.organisation is not None and rule.organisation.kind == OrganisationKind.REPORTING_CENTRE
    return False


def fallback_rule(region_id: int) -> RoutingRule | None:
    return (
        RoutingRule.objects.filter(region_id=region_id, active=True, condition=RuleCondition.FALLBACK)
        .exclude(team=None, network=None)
        .first()
    )


def plan_activations(
    signal: Signal, household: Household, persons: list[SignalPerson] | None = None
) -> list[Activation]:
    """Apply the region's rules: every matching rule activates its target, all at the same time. The
    rules, the routing desk and who covers the postcode are read once (three queries however many rules)."""
    if persons is None:
        persons = list(signal.persons.all())
    rules = list(
        RoutingRule.objects.filter(region_id=signal.region_id, active=True).select_related(
            "team__organisation", "network", "organisation"
        )
    )
    if signal.kind in CITIZEN_KINDS:
        rules = [rule for rule in rules if _for_citizens(rule)]
    # The routing desk as `fallback_rule` finds it, from the rules just read.
    fallback = next(
        (
            r
            for r in rules
            if r.condition == RuleCondition.FALLBACK and (r.team_id is not None or r.network_id is not None)
        ),
        None,
    )
    coverage = _Coverage(signal, rules)
    involved = involved_parties(household)
    norms = RegionNorms.objects.filter(region_id=signal.region_id).first() or RegionNorms()
    made: dict[tuple[int | None, int | None, str], Activation] = {}
    for rule in rules:
        if rule.condition == RuleCondition.FALLBACK or not _applies(rule, signal, persons):
            continue
        team, network, why = _target(rule, signal, coverage)
        reason = f"{rule.name}" + (f" ({why})" if why else "")
        if team is None and network is None:
            if fallback is None:
                continue
            team, network = fallback.team, fallback.network
            reason = _("%(rule)s: nobody covers this (%(why)s), so the routing desk decides") % {
                "rule": rule.name,
                "why": why,
            }
        key = (team.pk if team else None, network.pk if network else None, rule.purpose)
        if key in made:
            continue
        made[key] = _activation(
            signal, household, rule, team, network, reason, urgent=rule.urgent or signal.acute_danger
        )
    if not made and fallback is not None:
        made[(0, 0, "")] = _activation(
            signal,
            household,
            fallback,
            fallback.team,
            fallback.network,
            fallback.name,
            urgent=signal.acute_danger,
        )
    for activation in made.values():
        # Already involved: an update to acknowledge ("Gezien") within its own norm, not a new take-up —
        # except the safety assessment, which the reporting centre makes for every report (a task with
        # its own clock, watched by the escalation engine once taken up).
        party = (activation.team_id, activation.network_id)
        if party in involved and activation.purpose != Purpose.SAFETY_ASSESSMENT:
            activation.update = True
            activation.norm_working_days = norms.acknowledge_days
            activation.due_on = add_working_days(signal.received_at, norms.acknowledge_days)
    return Activation.objects.bulk_create(made.values())


def involved_parties(household: Household) -> set[tuple[int | None, int | None]]:
    """The teams and networks involved with the whole household today, as (team_id, None) and
    (None, network_id): a new signal is an update for them. An emergency access or an involvement for
    named members only does not count (a new signal about everyone is theirs to take up)."""
    rows = (
        Involvement.objects.active()
        .filter(household=household, scoped_members__isnull=True)
        .exclude(purpose=EMERGENCY)
        .values_list("team_id", "network_id")
    )
    parties: set[tuple[int | None, int | None]] = set()
    for team_id, network_id in rows:
        if team_id is not None:
            parties.add((team_id, None))
        if network_id is not None:
            parties.add((None, network_id))
    return parties


def _activation(
    signal: Signal,
    household: Household,
    rule: RoutingRule,
    team: Team | None,
    network: Network | None,
    reason: str,
    *,
    urgent: bool,
) -> Activation:
    """An unsaved activation of `team` or `network` by `rule`, due the rule's norm after the signal came in."""
    return Activation(
        signal=signal,
        household=household,
        team=team,
        network=network,
        purpose=rule.purpose,
        rule=rule,
        reason=reason[:300],
        norm_working_days=rule.norm_working_days,
        due_on=add_working_days(signal.received_at, rule.norm_working_days),
        urgent=urgent,
    )


def pending_signals(grace_minutes: int | None = None) -> list[int]:
    """Signals stored but not routed: from the API at once, from the web form once the reporter had
    time to confirm the recognition."""
    minutes = settings.RECOGNITION_GRACE_MINUTES if grace_minutes is None else grace_minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    return list(
        Signal.objects.filter(status=SignalStatus.RECEIVED)
        .filter(Q(channel__in=["api", PUBLIC_CHANNEL]) | Q(received_at__lte=cutoff))
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )


def route_pending(grace_minutes: int | None = None) -> int:
    return sum(finish(pk) for pk in pending_signals(grace_minutes))


@task()
def route_signal(signal_id: int) -> bool:
    """The task that routes one stored signal in the background (nothing if it was routed meanwhile)."""
    return finish(signal_id)


def route_when_due(signal: Signal) -> None:
    """A web signal waits for its reporter to confirm the recognition: its routing is enqueued for when
    that time is up (API signals are routed in the request; `route_pending` catches what is left)."""
    if signal.channel == Channel.WEB:
        due = signal.received_at + timedelta(minutes=settings.RECOGNITION_GRACE_MINUTES)
        route_signal.using(run_after=due).enqueue(signal.pk)


# --- What teams do with activations ---------------------------------------------------------------


def may_act_on(actor: Actor, activation: Activation) -> bool:
    membership = actor.membership
    if membership is None or membership.role not in CASEWORK_ROLES:
        return False
    if activation.team_id is not None:
        return activation.team_id == membership.team_id and activation.team.active  # type: ignore[union-attr]
    return activation.network_id in actor.network_ids


def _decide(actor: Actor, activation: Activation, status: str, **fields: object) -> None:
    if not may_act_on(actor, activation):
        raise PermissionDenied
    ACTIVATION_FLOW.move(
        activation,
        status,
        source=ActivationStatus.OPEN,
        stale=_("Someone else already dealt with this."),
        decided_at=timezone.now(),
        decided_by=actor.user,
        **fields,
    )


def own_report_on_known_household(actor: Actor, activation: Activation) -> bool:
    """Taking up opens the household. When the actor's own organisation reported on a household that
    was known before the report and that the actor cannot see yet, a report could be a way in: the
    reporter never takes it up personally (a colleague or the routing desk does, four eyes), and a
    colleague's take-up is logged apart for the privacy officer."""
    signal = activation.signal
    return (
        actor.organisation is not None
        and signal.source_organisation_id == actor.organisation.pk
        and activation.household.created_at < signal.received_at
        and not sharing_access.can_see_household(actor, activation.household)
    )


def _refuse_while_unconfirmed(activations: list[Activation]) -> None:
    """A signal attached to a known household on a likely (not certain) match is not taken up until the
    reporting centre confirmed who it is about ("te bevestigen", `confirmation`): a take-up opens the
    household with its whole history, which may be another family's."""
    waiting = SignalPerson.objects.filter(
        signal_id__in={a.signal_id for a in activations}, match_state=MatchState.LIKELY
    )
    if waiting.exists():
        raise ValidationError(
            _(
                "The reporting centre still has to confirm who this report is about (it looks like a "
                "known person). You can take it up once that is confirmed."
            )
        )


def accept(actor: Actor, activation: Activation, basis: sharing_basis.Basis | None = None) -> None:
    """ "Wij pakken dit op": the team or network becomes involved, which opens the household to it —
    but never to the reporter through their own report (issue 11, item 6).

    The involvement is closed (`Involvement.excluded_user` / `excluded_organisation`, read by the one
    access rule `sharing.access.not_closed_to`) to:
    - the reporting person, in every membership they hold, always — except when the household is new
      with this report and a team of the reporting organisation takes it up: then the household holds
      nothing but what they reported, and their own team has the task (a police officer taking up the
      crisis route of their own report);
    - the reporting organisation (its members and its API tokens), unless the party taking it up is a
      team of that organisation: that team's members have the task and see it (the reporter personally
      only on a new household, as above).
    This holds for a household known before the report and, strictly, for one new with it: a network or
    another organisation taking up a report does not open it to the reporting organisation, which keeps
    the statutory feedback of who took it up. Whoever could see the household before keeps seeing it
    through the involvement that opened it (access is the union over involvements), and an involved
    professional can still involve the reporter's team or organisation explicitly (a handover, regie):
    that is a new, open involvement. The exclusion is logged (`involvement_exclusion`).

    `basis` is the legal basis the professional chose (proposed: `proposed_basis`); it is recorded with
    the involvement. Consent may be chosen before the consent is on file (a new household has none): the
    household page then asks for it. Without `basis` (the system's own take-ups) the proposal is used and
    no choice is recorded."""
    _refuse_while_unconfirmed([activation])
    own_report = own_report_on_known_household(actor, activation)
    if own_report and actor.user is not None and activation.signal.source_user_id == actor.user.pk:
        raise ValidationError(
            _(
                "You reported this about a household that was already known. A colleague or the "
                "routing desk takes it up, so that a report is never a way into a household's file."
            )
        )
    proposal = proposed_basis(activation)
    consent = None
    # Consent chosen at take-up may be recorded afterwards: the household opens with the take-up.
    later = basis is not None and basis.legal_basis == LegalBasis.CONSENT and basis.consent_id is None
    if basis is not None and not later:
        consent, _answers = sharing_basis.check(
            activation.household,
            basis,
            kind=SharingKind.TAKE_UP,
            receiver=activation.team.organisation if activation.team is not None else actor.organisation,
            information=InformationScope.ALL,
            actor=actor,
        )
    with transaction.atomic():
        _decide(actor, activation, ActivationStatus.ACCEPTED)
        legal_basis = basis.legal_basis if basis is not None else proposal
        record_of_basis = None
        if basis is not None:
            record_of_basis = sharing_basis.store(
                actor, activation.household, basis, kind=SharingKind.TAKE_UP, subject_id=None,
                proposal=proposal, consent=consent, answers={},
            )  # fmt: skip
        basis_text = f"{legal_basis}:{activation.purpose}"
        if own_report:
            happened(actor, activation.household, "own_report_take_up", str(activation.pk), basis=basis_text)
        signal = activation.signal
        reporters_team = activation.team is not None and (
            activation.team.organisation_id == signal.source_organisation_id
        )
        new_with_report = activation.household.created_at >= signal.received_at
        sharing.involve(
            actor,
            activation.household,
            purpose=activation.purpose,
            legal_basis=legal_basis,
            started_on=timezone.localdate(),
            team=activation.team,
            network=activation.network,
            excluded_organisation=None if reporters_team else signal.source_organisation,
            excluded_user=None if reporters_team and new_with_report else signal.source_user,
            basis_record=record_of_basis,
        )
        happened(
            actor,
            activation.household,
            "activation",
            str(activation.pk),
            event=(EventKind.ACCEPTED, activation.party_name),
            basis=basis_text,
            signal=activation.signal,
        )


def accept_group(
    actor: Actor, activations: list[Activation], basis: sharing_basis.Basis | None = None
) -> None:
    """Take up one inbox card: every open activation of the household for this team or network, whatever
    the number of signals, with the one basis chosen. One involvement per purpose; a further activation
    for a purpose just taken up is marked taken up with its line on the timeline. All or nothing."""
    if any(a.update for a in activations):
        raise ValidationError(_("Your team is already involved: mark the new signal as seen."))
    _refuse_while_unconfirmed(activations)
    with transaction.atomic():
        purposes: set[str] = set()
        for activation in activations:
            if activation.purpose in purposes:
                _decide(actor, activation, ActivationStatus.ACCEPTED)
                happened(
                    actor,
                    activation.household,
                    "activation",
                    str(activation.pk),
                    event=(EventKind.ACCEPTED, activation.party_name),
                    signal=activation.signal,
                )
                continue
            accept(actor, activation, basis)
            purposes.add(activation.purpose)


def acknowledge(actor: Actor, activations: list[Activation]) -> None:
    """ "Gezien": a partner already involved saw the new signals about its household (updates only)."""
    if not activations or not all(a.update for a in activations):
        raise ValidationError(_("This is not an update: take it up or hand it back."))
    with transaction.atomic():
        for activation in activations:
            _decide(actor, activation, ActivationStatus.ACKNOWLEDGED)
            happened(actor, activation.household, "activation", str(activation.pk), signal=activation.signal)


def _pass_on(
    actor: Actor,
    activation: Activation,
    *,
    status: str,
    team: Team | None,
    network: Network | None,
    rule: RoutingRule | None,
    reason: str,
    event: str,
    **decision: object,
) -> Activation:
    """Close this activation and open its successor for another party, keeping the purpose and the
    deadline: the household's clock keeps running while it is passed on."""
    with transaction.atomic():
        _decide(actor, activation, status, **decision)
        successor = Activation.objects.create(
            signal=activation.signal,
            household=activation.household,
            team=team,
            network=network,
            purpose=activation.purpose,
            rule=rule,
            reason=reason[:300],
            norm_working_days=activation.norm_working_days,
            due_on=activation.due_on,
            urgent=activation.urgent,
            previous=activation,
        )
        party = activation.party_name if event == EventKind.HANDED_BACK else successor.party_name
        happened(
            actor,
            activation.household,
            "activation",
            str(activation.pk),
            event=(event, party),
            signal=activation.signal,
        )
    return successor


def hand_back(actor: Actor, activation: Activation, reason: str) -> Activation:
    """Not for us: with a reason, back to the routing desk, which sends it on. An update (the team is
    involved already) is not handed back: it is seen, and the involvement ends on the household's page."""
    if activation.update:
        raise ValidationError(_("Your team is already involved: mark the new signal as seen."))
    refuse_nul(reason)
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("Explain in a sentence why this is not for your team."))
    if len(reason) > 2000:
        raise ValidationError(_("At most 2000 characters."))
    desk = fallback_rule(activation.household.region_id)
    if desk is None or (desk.team_id, desk.network_id) == (activation.team_id, activation.network_id):
        raise ValidationError(_("The routing desk cannot hand back; send it on to the right partner."))
    return _pass_on(
        actor,
        activation,
        status=ActivationStatus.HANDED_BACK,
        team=desk.team,
        network=desk.network,
        rule=desk,
        reason=_("Handed back by %(party)s: %(reason)s") % {"party": activation.party_name, "reason": reason},
        event=EventKind.HANDED_BACK,
        handback_reason=reason,
    )


def send_on(
    actor: Actor, activation: Activation, *, team: Team | None = None, network: Network | None = None
) -> Activation:
    """The routing desk sends an activation it holds to the right partner of the same region. Other
    teams hand back, with a reason."""
    if (team is None) == (network is None):
        raise ValidationError(_("Choose one team or network."))
    region = activation.household.region_id
    desk = fallback_rule(region)
    if desk is None or (desk.team_id, desk.network_id) != (activation.team_id, activation.network_id):
        raise ValidationError(_("Only the routing desk sends on; hand it back with a reason instead."))
    target_region = team.organisation.region_id if team is not None else network.region_id  # type: ignore[union-attr]
    if target_region != region:
        raise ValidationError(_("Choose a team or network of this region."))
    return _pass_on(
        actor,
        activation,
        status=ActivationStatus.FORWARDED,
        team=team,
        network=network,
        rule=activation.rule,
        reason=_("Sent on by %(party)s") % {"party": activation.party_name},
        event=EventKind.REROUTED,
    )


def hand_back_group(actor: Actor, activations: list[Activation], reason: str) -> list[Activation]:
    """Hand back one inbox card: every activation in it, with the one reason, all or nothing."""
    with transaction.atomic():
        return [hand_back(actor, activation, reason) for activation in activations]


def send_on_group(
    actor: Actor, activations: list[Activation], *, team: Team | None = None, network: Network | None = None
) -> list[Activation]:
    """The routing desk sends one inbox card on: every activation in it, to the same partner."""
    with transaction.atomic():
        return [send_on(actor, activation, team=team, network=network) for activation in activations]


def make_urgent(actor: Actor, household_id: int) -> list[Activation]:
    """Acute unsafety was found (an assessment): every open inbox item of the household — for a team or a
    network, to take up or to see — becomes urgent, and whoever works those inboxes is told. The title
    names no household: a party that has not taken it up does not know its reference."""
    with transaction.atomic():
        items = list(
            Activation.objects.select_for_update()
            .filter(household_id=household_id, status=ActivationStatus.OPEN, urgent=False)
            .order_by("pk")
        )
        if not items:
            return []
        Activation.objects.filter(pk__in=[a.pk for a in items]).update(urgent=True)
        teams = {a.team_id for a in items if a.team_id is not None}
        networks = {a.network_id for a in items if a.network_id is not None}
        workers = Membership.objects.active().filter(role__in=CASEWORK_ROLES)
        users = set(workers.filter(team_id__in=teams).values_list("user_id", flat=True)) if teams else set()
        if networks:
            users |= set(workers.filter(networks__in=networks).values_list("user_id", flat=True))
        if actor.user is not None:
            users.discard(actor.user.pk)
        for activation in items:
            record(
                actor,
                action="update",
                object_type="activation",
                object_id=str(activation.pk),
                household_id=household_id,
                basis="acute_assessment",
            )
        with override("nl"):
            title = _("An item in your inbox became urgent: acute unsafety was found")
        notify(users, title, reverse("signals:inbox") + f"#huishouden-{household_id}")
    for activation in items:
        activation.urgent = True
    return items
