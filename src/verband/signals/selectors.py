"""Reads around signals, always scoped: who may report, what recognition may offer, inboxes, who may
see a signal and how much, the history of a household, and each user's daily use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Max, Min, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verband.actors import Actor
from verband.households import comparison
from verband.households.matching import Description, fold
from verband.households.models import Household, Person, partial_date_display
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES, Membership, OrganisationKind
from verband.sharing.access import can_see_household, plausible_reference, visible_households
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Activation, ActivationStatus, RuleCondition, Signal, SignalPerson
from verband.workdays import working_days_between

# Roles with a reporting task: they file intakes and confirm recognition. Experience experts work with
# households but never report into the register (and never look people up in it).


def may_report(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ACTING_ROLES


def may_triage(actor: Actor) -> bool:
    """The reporting centre (Veilig Thuis) triages every report: its reporting roles are told that a
    recognised person is known in a household (and its history where they see it). Nobody else is."""
    return (
        may_report(actor.membership)
        and actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.REPORTING_CENTRE
    )


# --- Recognition: what a reporter may be offered ------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A register person as a reporter may see them: only what they typed, in the register's spelling."""

    person_id: int
    name: str
    birth: str
    reasons: tuple[str, ...]
    by_bsn: bool


def _birth_contradicts(typed: Description, known: Description) -> bool:
    pairs = (
        (typed.birth_year, known.birth_year),
        (typed.birth_month, known.birth_month),
        (typed.birth_day, known.birth_day),
    )
    return any(t and k and t != k for t, k in pairs)


def offer(typed: Description, known: Description, person_id: int = 0) -> Offer | None:
    """Whether recognition may offer the register person `known` for what the reporter `typed`, and
    what the offer shows. This is the one rule: recognition confirms who someone is, it is never a
    lookup of the register.

    Strong evidence, from what the reporter typed only:
    - an equal BSN (the eleven test makes a typing error land on no one), as long as nothing else typed
      contradicts it: a typed family name must be close to the registered one, and every typed part of
      the birth date (year, month, day) must be equal to the registered part;
    - or an equal full birth date (day, month and year exactly: a swapped day and month is not offered,
      since it would tell the reporter the registered date) together with a close name: the family name
      (or one part of a double or married name) and a given name both close (equal, misspelled or
      sounding alike, a short form or another spelling: `households.comparison`), also when the
      reporter swapped given and family name. Both names must be typed.
    A name alone, a name with a year of birth (or month and year), a postcode or an address is never
    enough: such a person is registered as new, and the partners involved can recognise them later.
    Two typed BSNs that differ exclude each other.

    What an offer shows (nothing the reporter did not give):
    - the name in the register's spelling, but only the parts the reporter typed: the family name (with
      its prefix; only the typed part of a double name) and the registered given name that agreed with
      the typed one; never further given names, initials or a given name the reporter did not type;
    - the birth date only as typed and only when it is equal (so it is the reporter's own input);
    - reasons in words about what was typed and agreed: "BSN gelijk", "geboortedatum gelijk",
      "achternaam gelijk / lijkt erop", "voornaam gelijk / lijkt erop". Never an address, postcode, sex,
      a registered birth date or BSN, a score, or anything about a household (see `may_triage`)."""
    if typed.bsn and known.bsn and typed.bsn != known.bsn:
        return None
    # Names compare as recognition compares them: a family name in parts (a married or double name,
    # a tussenvoegsel however written), a given name with its short forms and other spellings.
    family_level = comparison.family_level(typed, known)[0]
    given_level, typed_given, known_given = comparison.given_level(typed, known)
    family = family_level in ("exact", "similar", "part")
    given = given_level in ("exact", "official", "equivalent", "similar")
    swapped = False
    if not (family and given) and typed.given_names:
        crossed = comparison.compare_levels(typed, known)
        swapped = (
            crossed.swapped
            and crossed.family in ("exact", "similar", "part")
            and crossed.given in ("exact", "official", "equivalent", "similar")
        )
    by_bsn = bool(typed.bsn and typed.bsn == known.bsn)
    same_birth = typed.full_birth and known.full_birth and not _birth_contradicts(typed, known)
    if by_bsn:
        if (typed.family_name and not (family or swapped)) or _birth_contradicts(typed, known):
            return None
    elif not (same_birth and ((family and given) or swapped)):
        return None
    reasons = []
    if by_bsn:
        reasons.append(_("BSN equal"))
    if same_birth:
        reasons.append(_("date of birth equal"))
    elif typed.birth_year and known.birth_year:
        both_months = typed.birth_month and known.birth_month
        reasons.append(_("month and year of birth equal") if both_months else _("year of birth equal"))
    if swapped:
        reasons.append(_("given and family name swapped"))
    elif family:
        reasons.append(_("family name equal") if family_level == "exact" else _("family name similar"))
    if given and not swapped and given_level == "equivalent":
        # A call name or another spelling: said so, with both forms (the registered one is shown anyway).
        reasons.append(
            _("given name is a short form or another spelling (%(a)s ~ %(b)s)")
            % {"a": typed_given, "b": known_given}
        )
    elif given and not swapped:
        equal = given_level in ("exact", "full", "official")
        reasons.append(_("given name equal") if equal else _("given name similar"))
    # The register's spelling of what was typed: one part of a double name stays as typed (the other
    # part was not typed), the given name is the one that agreed (not the first official one).
    whole = family_level in ("exact", "similar") or swapped
    typed_surname = f"{typed.surname_prefix} {typed.family_name}".strip()
    surname = f"{known.surname_prefix} {known.family_name}".strip() if whole else typed_surname
    shown_first = ""
    if given and not swapped:
        shown_first = next((w for w in known.given_names.split() if fold(w) == known_given), "")
    elif swapped and known.given_names.split():
        shown_first = known.given_names.split()[0]
    birth = (
        partial_date_display(typed.birth_year, typed.birth_month, typed.birth_day)
        if typed.birth_year and not _birth_contradicts(typed, known) and known.birth_year
        else ""
    )
    return Offer(
        person_id=person_id,
        name=f"{shown_first} {surname}".strip(),
        birth=birth,
        reasons=tuple(reasons),
        by_bsn=by_bsn,
    )


def typed_description(sp: SignalPerson) -> Description:
    """What the reporter typed about a person, without the address: an address is never evidence for
    an offer (it would confirm where someone lives)."""
    return Description(
        given_names=sp.given_names,
        surname_prefix=sp.surname_prefix,
        family_name=sp.family_name,
        birth_year=sp.birth_year,
        birth_month=sp.birth_month,
        birth_day=sp.birth_day,
        sex=sp.sex,
        bsn=sp.bsn,
    )


def registered_description(person: Person) -> Description:
    return Description(
        given_names=person.given_names,
        surname_prefix=person.surname_prefix,
        family_name=person.family_name,
        initials=person.initials,
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
        sex=person.sex,
        bsn=person.bsn,
    )


def offers(people: Iterable[SignalPerson], persons: dict[int, Person]) -> dict[int, list[Offer]]:
    """Per signal person, the candidates matching found that `offer` lets through, BSN first and then in
    the matcher's order."""
    result: dict[int, list[Offer]] = {}
    for sp in people:
        typed = typed_description(sp)
        found = []
        for candidate in sp.candidates:
            person = persons.get(candidate.get("person"))
            made = offer(typed, registered_description(person), person.pk) if person is not None else None
            if made is not None:
                found.append(made)
        result[sp.pk] = sorted(found, key=lambda o: not o.by_bsn)
    return result


def candidate_persons(people: Iterable[SignalPerson]) -> dict[int, Person]:
    ids = {c["person"] for sp in people for c in sp.candidates if isinstance(c.get("person"), int)}
    return {p.pk: p for p in Person.objects.filter(pk__in=ids)} if ids else {}


# --- Daily use, counted from the access log -------------------------------------------------------------


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))


def intakes_today(user_id: int) -> int:
    """Signals this user stored today (the intake writes `create signal` to the access log)."""
    return AccessLogEntry.objects.filter(
        user_id=user_id, action="create", object_type="signal", outcome="granted", at__gte=start_of_today()
    ).count()


def persons_recognised_today(user_id: int) -> set[int]:
    """The register persons this user was shown in recognition today (each logged `view recognition`)."""
    rows = AccessLogEntry.objects.filter(
        user_id=user_id,
        action="view",
        object_type="recognition",
        outcome="granted",
        subject_person_id__isnull=False,
        at__gte=start_of_today(),
    ).values_list("subject_person_id", flat=True)
    return {pid for pid in rows if pid is not None}


def flagged_today(user_id: int, what: str) -> bool:
    return AccessLogEntry.objects.filter(
        user_id=user_id, object_type="unusual_volume", object_id=what, at__gte=start_of_today()
    ).exists()


# --- Before take-up: the minimal view --------------------------------------------------------------------


def area_of(signal: Signal) -> str:
    """The postcode area (four digits) of the signal, or "" — from `signal.postcode`, which never holds a
    confidential address."""
    digits = (signal.postcode or "")[:4]
    return digits if len(digits) == 4 and digits.isdigit() else ""


def age_and_role(sp: SignalPerson, today: date | None = None) -> str:
    """A person as a party deciding to take up sees them: role and age, never a name or a birth date.
    "kind, 7 jaar", "slachtoffer, volwassene", "pleger, leeftijd onbekend" (age from the year of birth)."""
    year = (today or timezone.localdate()).year
    role = str(sp.get_role_display()).lower()
    if not sp.birth_year or sp.birth_year > year:
        age = _("age unknown")
    elif year - sp.birth_year >= 18:
        age = _("adult")
    else:
        n = year - sp.birth_year
        age = ngettext("%(age)s year", "%(age)s years", n) % {"age": n}
    return f"{role}, {age}"


def party_scope(actor: Actor) -> Q | None:
    """Activations addressed to the actor: their team's (if the team is open) or their networks'."""
    membership = actor.membership
    if membership is None:
        return None
    scope = Q(pk__in=[])
    if membership.team_id is not None:
        scope |= Q(team_id=membership.team_id, team__active=True)
    if actor.network_ids:
        scope |= Q(network_id__in=actor.network_ids, network__active=True)
    return scope


def addressed_activations(actor: Actor) -> QuerySet[Activation]:
    scope = party_scope(actor)
    return Activation.objects.filter(scope) if scope is not None else Activation.objects.none()


@dataclass(frozen=True)
class Clock:
    due_on: object
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.working_days_left)

    @property
    def due_today(self) -> bool:
        return self.working_days_left == 0


def clock_for(activation: Activation) -> Clock:
    return Clock(activation.due_on, working_days_between(timezone.localdate(), activation.due_on))


@dataclass(frozen=True)
class InboxFilter:
    """The Werkbak's filters (all optional): urgent only, the kind of signal, one of the actor's teams or
    networks (`team:<id>` / `network:<id>`), and age (`today`, `week`, `older`, `overdue`)."""

    urgent: bool = False
    kind: str = ""
    party: tuple[str, int] | None = None
    age: str = ""

    def apply(self, activations: QuerySet[Activation], today: date) -> QuerySet[Activation]:
        if self.urgent:
            activations = activations.filter(urgent=True)
        if self.kind:
            activations = activations.filter(signal__kind=self.kind)
        if self.party is not None:
            kind, pk = self.party
            activations = activations.filter(**{f"{kind}_id": pk})
        start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
        if self.age == "today":
            activations = activations.filter(signal__received_at__gte=start)
        elif self.age == "week":
            activations = activations.filter(signal__received_at__gte=start - timedelta(days=7))
        elif self.age == "older":
            activations = activations.filter(signal__received_at__lt=start - timedelta(days=7))
        elif self.age == "overdue":
            activations = activations.filter(due_on__lt=today)
        return activations


@dataclass
class InboxGroup:
    """What one team or network is asked about one household: every open activation, whatever the number
    of signals. Taken up (or, for an update, seen) as one: `lead` is the activation the forms post to."""

    activations: list[Activation]
    update: bool

    @property
    def lead(self) -> Activation:
        return self.activations[0]

    @property
    def party(self) -> Any:
        return self.lead.party

    @property
    def urgent(self) -> bool:
        return any(a.urgent for a in self.activations)

    @property
    def clock(self) -> Clock:
        return min((a.clock for a in self.activations), key=lambda c: c.working_days_left)  # type: ignore[attr-defined]

    @property
    def purposes(self) -> list[str]:
        return list(dict.fromkeys(str(a.get_purpose_display()) for a in self.activations))


@dataclass
class InboxCard:
    """One household in the Werkbak: its open signals, and per team or network of the actor what is asked."""

    household_id: int
    groups: list[InboxGroup]
    known: bool = False
    people: list[str] = field(default_factory=list)
    area: str = ""

    @property
    def household(self) -> Household:
        return self.groups[0].lead.household

    @property
    def activations(self) -> list[Activation]:
        return [a for g in self.groups for a in g.activations]

    @property
    def signals(self) -> list[Signal]:
        return list({a.signal_id: a.signal for a in self.activations}.values())

    @property
    def urgent(self) -> bool:
        return any(g.urgent for g in self.groups)

    @property
    def acute(self) -> bool:
        return any(s.acute_danger for s in self.signals)

    @property
    def weapon(self) -> bool:
        return any(s.weapon_mentioned for s in self.signals)


def inbox_households(actor: Actor, inbox_filter: InboxFilter | None = None) -> QuerySet[Any]:
    """The households with open activations for the actor, one row each: urgent first, then the nearest
    deadline, then the oldest."""
    activations = addressed_activations(actor).filter(status=ActivationStatus.OPEN)
    if inbox_filter is not None:
        activations = inbox_filter.apply(activations, timezone.localdate())
    return (
        activations.values("household_id")
        .annotate(
            any_urgent=Max(Case(When(urgent=True, then=1), default=0, output_field=IntegerField())),
            first_due=Min("due_on"),
            first_at=Min("created_at"),
        )
        .order_by("-any_urgent", "first_due", "first_at", "household_id")
    )


def inbox_page(
    actor: Actor,
    number: str | int | None,
    per_page: int,
    containing: int | None = None,
    inbox_filter: InboxFilter | None = None,
) -> Page:
    """One page of the Werkbak: one card per household (`InboxCard`), with per team or network of the
    actor one group of its open activations (`containing`: the page that holds this activation, e.g. to
    show an error on it). Each card carries what a party needs to decide to take it up (see
    `signal_access`, "pending"): the clock per group, `area`, `people` (roles and ages) and `known`
    (whether the actor sees the household already — only then is its reference shown). Paged on
    households: only the page's activations are loaded."""
    ids: list[Any] = [row["household_id"] for row in inbox_households(actor, inbox_filter)]
    if containing is not None:
        held = (
            addressed_activations(actor)
            .filter(pk=containing, status=ActivationStatus.OPEN)
            .values_list("household_id", flat=True)
            .first()
        )
        if held in ids:
            number = ids.index(held) // per_page + 1
    page = Paginator(ids, per_page).get_page(number)
    order = {pk: n for n, pk in enumerate(page.object_list)}
    activations = addressed_activations(actor).filter(
        status=ActivationStatus.OPEN, household_id__in=list(order)
    )
    if inbox_filter is not None:
        activations = inbox_filter.apply(activations, timezone.localdate())
    loaded = list(
        activations.select_related(
            "signal",
            "household",
            "team__organisation",
            "network",
            "previous__team__organisation",
            "previous__network",
            "rule",
        )
        .prefetch_related("signal__persons")
        .order_by("-urgent", "due_on", "created_at", "pk")
    )
    seen = (
        set(visible_households(actor).filter(pk__in=list(order)).values_list("pk", flat=True))
        if order
        else set()
    )
    today = timezone.localdate()
    grouped: dict[int, dict[tuple[int | None, int | None, bool, bool], list[Activation]]] = {}
    for item in loaded:
        item.clock = clock_for(item)  # type: ignore[attr-defined]
        key = (item.team_id, item.network_id, item.update, _at_routing_desk(item))
        grouped.setdefault(item.household_id, {}).setdefault(key, []).append(item)
    cards = []
    for household_id in sorted(grouped, key=lambda pk: order[pk]):
        groups = [InboxGroup(items, update=key[2]) for key, items in grouped[household_id].items()]
        card = InboxCard(household_id, groups, known=household_id in seen)
        people: dict[Any, str] = {}
        for signal in card.signals:
            for sp in signal.persons.all():
                people.setdefault(sp.person_id or f"sp{sp.pk}", age_and_role(sp, today))
        card.people = list(people.values())
        card.area = next((area for s in card.signals if (area := area_of(s))), "")
        cards.append(card)
    page.object_list = cards
    return page


def _at_routing_desk(activation: Activation) -> bool:
    """Whether the activation waits at the routing desk to be sent on (the desk's rule brought it there,
    first or handed back) rather than for the desk's team in its own task."""
    return activation.rule is not None and activation.rule.condition == RuleCondition.FALLBACK


def open_group(actor: Actor, activation: Activation) -> list[Activation]:
    """The inbox card's group `activation` is in: every open activation of its household addressed to the
    same team or network, an update with the updates, a take-up with the take-ups, and what waits at the
    routing desk to be sent on apart from the desk team's own task."""
    desk = Q(rule__condition=RuleCondition.FALLBACK)
    return list(
        addressed_activations(actor)
        .filter(
            status=ActivationStatus.OPEN,
            household_id=activation.household_id,
            update=activation.update,
            **{"team_id": activation.team_id, "network_id": activation.network_id},  # either may be None
        )
        .filter(desk if _at_routing_desk(activation) else ~desk | Q(rule__isnull=True))
        .select_related("signal", "household", "team__organisation", "network", "rule")
        .order_by("-urgent", "due_on", "created_at", "pk")
    )


def inbox_count(membership: Membership | None) -> int:
    """The households waiting in the Werkbak of this membership's team and networks, in one query (the
    number in the menu)."""
    if membership is None or membership.role not in CASEWORK_ROLES:
        return 0
    scope = Q(network__active=True, network__memberships=membership)
    if membership.team_id is not None:
        scope |= Q(team_id=membership.team_id, team__active=True)
    return (
        Activation.objects.filter(scope, status=ActivationStatus.OPEN)
        .values("household_id")
        .distinct()
        .count()
    )


def signal_access(actor: Actor, signal: Signal) -> str | None:
    """How much of a signal the actor sees:
    - "full": they see the household (for a party that took it up: through the involvement it created —
      unless that involvement is closed to them, as to the reporter, so an accepted activation alone
      opens nothing);
    - "pending": it waits in their inbox (an open activation) and they do not see the household yet:
      only what is needed to decide to take it up (kind, urgency, area, roles and ages, danger to
      professionals, the clock and why them) — no names, birth dates, description or reporter;
    - "reporter": their organisation reported it: the follow-up only;
    - None: not found."""
    if signal.household is not None and can_see_household(actor, signal.household):
        from verband.shielding.scope import involvement_members

        # A partner working only with named members reads no report about everyone: the minimal view.
        whole, _persons = involvement_members(actor, signal.household)
        return "full" if whole else "pending"
    # A team that handed the signal back or sent it on no longer holds it.
    if addressed_activations(actor).filter(signal=signal, status=ActivationStatus.OPEN).exists():
        return "pending"
    if actor.organisation is not None and signal.source_organisation_id == actor.organisation.pk:
        return "reporter"
    return None


def get_signal_or_404(actor: Actor, reference: str) -> tuple[Signal, str]:
    signal = (
        Signal.objects.select_related("household", "source_organisation", "source_user")
        .filter(reference=reference)
        .first()
        if plausible_reference(reference)
        else None
    )
    access = signal_access(actor, signal) if signal is not None else None
    if signal is None or access is None:
        from verband.sharing.accesslog import record

        record(actor, action="view", object_type="signal", object_id=reference, outcome="denied")
        raise Http404
    return signal, access


@dataclass(frozen=True)
class History:
    signals: list[Signal]
    last_12_months: int


def history(household: Household, *, exclude: Signal | None = None) -> History:
    found = household.signals.select_related("source_organisation")
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    signals = list(found)
    since = timezone.now() - timedelta(days=365)
    return History(signals, sum(1 for s in signals if s.received_at >= since))
