"""Caseload lists: the households of a professional ("mijn"), of their team and of their networks, with the
columns a Monday morning needs — phase, level, regisseur, last contact, next meeting, overdue actions and
the danger flag — filtered, sorted and paged in the database, so the queries of a page do not grow with
the number of households (`bench/caseload.py` measures it).

Every list starts from the access core (`sharing.access.visible_involvements` / `visible_households`):
a household the actor may not see is never in it. Within a household the list shows what the actor's
scope shows (`shielding.scope`): a partner working only with named members reads only their names, the
phase only from an assessment of its own organisation that was never shielded, only the overdue actions
about its members (or its own organisation's), never an action given to a shelter, and a shelter holding
regie is not named to it. The columns are annotations, so sorting and filtering happen in one query and
never need the hidden value to be read into Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.actors import Actor
from verband.collaboration.models import AgendaItem, MeetingStatus
from verband.households.models import LEVEL_ORDER, Household, HouseholdMember, Level, member_sort_key
from verband.journal.models import CONTACT_KINDS, JournalEntry
from verband.network.models import OrganisationKind
from verband.plans.models import ActionStatus, PlanAction, Regie
from verband.safety.models import DangerFact, Phase, SafetyAssessment
from verband.sharing.access import visible_involvements
from verband.sharing.accesslog import Subject
from verband.sharing.models import Involvement
from verband.shielding.models import ItemType, ScopedMember, ShieldDecision
from verband.shielding.scope import members_of

MINE, TEAM, NETWORK = "mijn", "team", "netwerk"
VIEWS = {
    MINE: _("My households"),
    TEAM: _("My team"),
    NETWORK: _("My network"),
}

PHASE_ORDER = {phase: index for index, phase in enumerate(Phase.values)}
OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def views_for(actor: Actor) -> list[str]:
    """The tabs this actor has: their own households always; their team's with a team; their networks'
    when they take part in a network."""
    shown = [MINE]
    if actor.membership is not None and actor.membership.team_id is not None:
        shown.append(TEAM)
    if actor.network_ids:
        shown.append(NETWORK)
    return shown


@dataclass(frozen=True)
class Opening:
    """One involvement that opens a household to the actor (a row of `visible_involvements`)."""

    pk: int
    household_id: int
    reference: str
    purpose: str
    legal_basis: str
    team_id: int | None
    network_id: int | None
    created_by_id: int | None
    first_contact_by_id: int | None
    scoped: bool  # for named members only

    @property
    def basis(self) -> str:
        return f"involvement:{self.pk}:{self.purpose}:{self.legal_basis}"


@dataclass(frozen=True)
class Seen:
    """What the access core opens to the actor, read once per request (one query, a row per involvement):
    the tabs, the member-scoped households and the log's basis are taken from it, so no list query has to
    repeat the access rule."""

    openings: dict[int, list[Opening]]  # household → its involvements, the first gives the basis
    # The households the actor sees only for named members (every involvement there names them).
    partial: frozenset[int]

    def basis(self, household_id: int) -> str:
        rows = self.openings.get(household_id)
        return rows[0].basis if rows else ""


def seen_by(actor: Actor) -> Seen:
    scoped = Exists(ScopedMember.objects.filter(involvement_id=OuterRef("pk")))
    rows = (
        visible_involvements(actor)
        .annotate(scoped=scoped)
        .order_by("started_on", "pk")
        .values_list(
            "pk",
            "household_id",
            "household__reference",
            "purpose",
            "legal_basis",
            "team_id",
            "network_id",
            "created_by_id",
            "first_contact_by_id",
            "scoped",
        )
    )
    openings: dict[int, list[Opening]] = {}
    for row in rows:
        opening = Opening(*row)
        openings.setdefault(opening.household_id, []).append(opening)
    partial = frozenset(h for h, rows in openings.items() if all(row.scoped for row in rows))
    return Seen(openings, partial)


def household_ids_of(actor: Actor, view: str, seen: Seen) -> set[int]:
    """The households of one tab, always among those the access core opens to the actor.

    "Mijn huishoudens": the professional personally works in the household — holds its regie now, owns an
    open action of its family plan, or took it up or recorded the first contact through an involvement
    that opens it to them. Being in the team that is involved is not enough: that is "Mijn team"."""
    membership = actor.membership
    if membership is None:
        return set()
    if view == TEAM:
        team = membership.team_id
        return {h for h, rows in seen.openings.items() if team and any(r.team_id == team for r in rows)}
    if view == NETWORK:
        return {
            h for h, rows in seen.openings.items() if any(r.network_id in actor.network_ids for r in rows)
        }
    user_id = actor.user.pk if actor.user is not None else 0
    own = set(
        Regie.objects.filter(
            user_id=user_id, ended_at__isnull=True, household_id__in=list(seen.openings)
        ).values_list("household_id", flat=True)
    )
    own |= set(
        PlanAction.objects.filter(owner_user_id=user_id, status__in=OPEN_ACTION).values_list(
            "plan__household_id", flat=True
        )
    )
    return {
        h
        for h, rows in seen.openings.items()
        if h in own or any(user_id in (r.created_by_id, r.first_contact_by_id) for r in rows)
    }


# "No contact": a moment before any contact could be recorded (see `last_contact`).
NEVER = datetime(1900, 1, 1, tzinfo=UTC)


def last_contact(organisation_id: int | None = None) -> NullIf:
    """The household's last contact: THE one place that says what counts as contact. The first contact a
    partner recorded (`Involvement.first_contact_at`, the household page's "eerste contact"), a case meeting
    held with a member of the household at the table (`AgendaItem.member_present`), and the journal's
    contact moments with the household (a home visit, phone call, office or video conversation — not a note
    or a consultation between professionals; its newest version, as a correction may move the date).
    Only the date is shown: which partner had the contact, and what was said, stays on the journal page
    with its own visibility rules. With `organisation_id` (a household seen for named members only) only
    that organisation's own contacts count: the date of a visit to her is not the perpetrator's partner's
    to know."""
    own = {} if organisation_id is None else {"organisation_id": organisation_id}
    first_contacts = Subquery(
        Involvement.objects.filter(household_id=OuterRef("pk"), first_contact_at__isnull=False, **own)
        .order_by()
        .values("household_id")
        .annotate(at=Max("first_contact_at"))
        .values("at")[:1],
        output_field=DateTimeField(),
    )
    meetings_held = Subquery(
        AgendaItem.objects.filter(
            household_id=OuterRef("pk"), meeting__status=MeetingStatus.HELD, member_present__isnull=False
        )
        .order_by()
        .values("household_id")
        .annotate(at=Max(Coalesce("meeting__held_at", "meeting__scheduled_at")))
        .values("at")[:1],
        output_field=DateTimeField(),
    )
    journal_contacts = Subquery(
        JournalEntry.objects.filter(
            household_id=OuterRef("pk"), kind__in=CONTACT_KINDS, correction__isnull=True, **own
        )
        .order_by()
        .values("household_id")
        .annotate(at=Max("occurred_at"))
        .values("at")[:1],
        output_field=DateTimeField(),
    )
    # A meeting with a member at the table may have been with her: not counted for a member-scoped viewer.
    sources = [first_contacts, journal_contacts] if own else [first_contacts, meetings_held, journal_contacts]
    # GREATEST of SQLite gives NULL as soon as one part is NULL; PostgreSQL's skips NULLs. Each part stands
    # in for "none" with a moment long before any contact, and that moment is NULL again at the end: both
    # databases give the latest known moment (or NULL when there is none), each subquery written once.
    never = Value(NEVER, output_field=DateTimeField())
    return NullIf(Greatest(*[Coalesce(source, never) for source in sources]), never)


def _scoped_persons(actor: Actor) -> QuerySet[ScopedMember, Any]:
    """The members the actor's member-scoped involvements with the action's household are for (a subquery
    of a plan action's subquery)."""
    return ScopedMember.objects.filter(
        involvement__household_id=OuterRef("plan__household_id"),
        involvement__in=visible_involvements(actor),
    ).values("person_id")


def _shielded(item_type: str) -> Exists:
    """Some decision was ever taken about keeping this item from a member: a member-scoped viewer does not
    get it in a list (the careful reading; the household page weighs each decision)."""
    return Exists(ShieldDecision.objects.filter(item_type=item_type, item_id=OuterRef("pk")))


COLUMNS = ("phase", "regie_pk", "overdue", "last_contact", "next_meeting", "danger")
RANKS = {"phase_rank": "phase", "level_rank": None, "regisseur": "regie_pk"}


def annotate(
    actor: Actor,
    households: QuerySet[Household],
    partial: frozenset[int],
    *,
    only: set[str] | None = None,
    select: bool = True,
) -> QuerySet[Household]:
    """The list's columns as annotations (see the module's docstring for what a member-scoped viewer
    gets): all of them, or `only` those named (and what they need). `select=False` adds them as aliases —
    for choosing a page of ids among hundreds of households, where only a filter or the sort reads them.
    `partial`: the households seen for named members only (`Seen.partial`); their columns are read under
    the scope."""
    wanted = set(COLUMNS) | set(RANKS) if only is None else set(only)
    wanted |= {need for rank, need in RANKS.items() if rank in wanted and need}
    own_org = actor.organisation.pk if actor.organisation is not None else 0
    today = timezone.localdate()

    def scoped(whole: Any, member_scoped: Callable[[], Any]) -> Any:
        """The whole household's value, or in a household seen for named members only, the scoped one."""
        if not partial:
            return whole
        return Case(When(pk__in=sorted(partial), then=member_scoped()), default=whole)

    def count(actions: QuerySet[PlanAction]) -> Subquery:
        return Subquery(
            actions.values("plan__household_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        )

    def phase() -> Any:
        assessments = SafetyAssessment.objects.filter(household_id=OuterRef("pk")).order_by(
            "-assessed_at", "-pk"
        )
        own = assessments.filter(organisation_id=own_org).exclude(_shielded(ItemType.ASSESSMENT))
        return scoped(Subquery(assessments.values("phase")[:1]), lambda: Subquery(own.values("phase")[:1]))

    def regie_pk() -> Any:
        regie = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
        named = regie.exclude(organisation__kind=OrganisationKind.SHELTER)
        return scoped(Subquery(regie.values("pk")[:1]), lambda: Subquery(named.values("pk")[:1]))

    def overdue() -> Any:
        actions = PlanAction.objects.filter(
            plan__household_id=OuterRef("pk"), status__in=OPEN_ACTION, due_on__lt=today
        ).order_by()

        def in_scope() -> Any:
            mine = Q(person_id__in=_scoped_persons(actor)) | Q(
                person__isnull=True, owner_organisation_id=own_org
            )
            return count(
                actions.filter(mine)
                .exclude(owner_organisation__kind=OrganisationKind.SHELTER)
                .exclude(_shielded(ItemType.ACTION))
            )

        return Coalesce(scoped(count(actions), in_scope), Value(0))

    def next_meeting() -> Any:
        meetings = (
            AgendaItem.objects.filter(
                household_id=OuterRef("pk"),
                meeting__status=MeetingStatus.PLANNED,
                meeting__scheduled_at__gte=timezone.now(),
            )
            .order_by()
            .values("household_id")
            .annotate(at=Min("meeting__scheduled_at"))
            .values("at")[:1]
        )
        return Subquery(meetings, output_field=DateTimeField())

    def danger() -> Any:
        return Exists(DangerFact.objects.current().filter(household_id=OuterRef("pk")))

    def phase_rank() -> Any:
        return Case(
            *[When(phase=value, then=Value(rank)) for value, rank in PHASE_ORDER.items()],
            default=Value(len(PHASE_ORDER)),
            output_field=IntegerField(),
        )

    def level_rank() -> Any:
        return Case(
            *[When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()],
            default=Value(len(LEVEL_ORDER)),
            output_field=IntegerField(),
        )

    def regisseur() -> Any:
        return Lower(Subquery(Regie.objects.filter(pk=OuterRef("regie_pk")).values("user__last_name")[:1]))

    makers: dict[str, Callable[[], Any]] = {
        "phase": phase,
        "regie_pk": regie_pk,
        "overdue": overdue,
        "last_contact": lambda: scoped(last_contact(), lambda: last_contact(own_org)),
        "next_meeting": next_meeting,
        "danger": danger,
        "phase_rank": phase_rank,
        "level_rank": level_rank,
        "regisseur": regisseur,
    }
    for stage in (COLUMNS, tuple(RANKS)):
        columns = {name: makers[name]() for name in stage if name in wanted}
        if columns:
            households = households.annotate(**columns) if select else households.alias(**columns)
    return households


# The columns: GET key → (ordering expression, label). Ascending puts "nothing" last.
SORTS: dict[str, tuple[str, Any]] = {
    "referentie": ("reference", _("Reference")),
    "fase": ("phase_rank", _("Phase")),
    "niveau": ("level_rank", _("Level")),
    "regisseur": ("regisseur", _("Regisseur")),
    "contact": ("last_contact", _("Last contact")),
    "overleg": ("next_meeting", _("Next meeting")),
    "achterstand": ("overdue", _("Overdue actions")),
    "gevaar": ("danger", _("Danger")),
}
DEFAULT_SORT = "referentie"
# What each sort and each filter reads of the columns (`annotate(only=...)`).
SORT_NEEDS = {key: {field} - {"reference"} for key, (field, _label) in SORTS.items()}
FILTER_NEEDS = {
    "fase": "phase",
    "regie": "regie_pk",
    "contact": "last_contact",
    "overleg": "next_meeting",
    "achterstand": "overdue",
    "gevaar": "danger",
}


def needs(data: dict[str, Any], sort: str) -> set[str]:
    used = {column for key, column in FILTER_NEEDS.items() if data.get(key)}
    return used | SORT_NEEDS.get(sort.lstrip("-"), set())


def ordered(households: QuerySet[Household], sort: str) -> QuerySet[Household]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    field = SORTS.get(key, SORTS[DEFAULT_SORT])[0]
    expression = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return households.order_by(expression, "reference")


def filtered(actor: Actor, annotated: QuerySet[Household], data: dict[str, Any]) -> QuerySet[Household]:
    """Apply the filter form's cleaned data (`workspace.forms.CaseloadFilter`) to the annotated list."""
    households: QuerySet[Any] = annotated  # filters on the annotations of `annotate`
    if data.get("referentie"):
        households = households.filter(reference__icontains=data["referentie"].strip())
    phase = data.get("fase")
    if phase == "geen":
        households = households.filter(phase__isnull=True)
    elif phase:
        households = households.filter(phase=phase)
    if data.get("niveau"):
        households = households.filter(level=data["niveau"])
    regie = data.get("regie")
    user_id = actor.user.pk if actor.user is not None else 0
    mine = Regie.objects.filter(pk=OuterRef("regie_pk"), user_id=user_id)
    if regie == "ik":
        households = households.filter(Exists(mine))
    elif regie == "ander":
        households = households.filter(regie_pk__isnull=False).exclude(Exists(mine))
    elif regie == "geen":
        households = households.filter(regie_pk__isnull=True)
    contact = data.get("contact")
    if contact == "nooit":
        households = households.filter(last_contact__isnull=True)
    elif contact:
        since = timezone.now() - timedelta(days=int(contact))
        households = households.filter(Q(last_contact__lt=since) | Q(last_contact__isnull=True))
    meeting = data.get("overleg")
    if meeting == "gepland":
        households = households.filter(next_meeting__isnull=False)
    elif meeting == "geen":
        households = households.filter(next_meeting__isnull=True)
    if data.get("achterstand"):
        households = households.filter(overdue__gt=0)
    if data.get("gevaar"):
        households = households.filter(danger=True)
    return households


@dataclass
class CaseloadRow:
    household: Household
    members: list[HouseholdMember]
    basis: str
    regie: Regie | None

    @property
    def phase_label(self) -> str:
        phase = getattr(self.household, "phase", None)
        return str(dict(Phase.choices).get(phase, "")) if phase else ""


def _with_members(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.prefetch_related(
        Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
    )


def rows_of(seen: Seen, households: list[Household]) -> list[CaseloadRow]:
    """The rows of (a page of) the list: the members the actor's scope names, the basis for the log, the
    regie. A query for the regies and two for the scoped members of all rows, whatever their number."""
    regies = {
        r.pk: r
        for r in Regie.objects.filter(
            pk__in=[h.regie_pk for h in households if h.regie_pk]  # type: ignore[attr-defined]
        ).select_related("user", "organisation")
    }
    scoped_rows = [h.pk for h in households if h.pk in seen.partial]
    involvements = {
        i.pk: i
        for i in Involvement.objects.filter(
            pk__in=[o.pk for h in scoped_rows for o in seen.openings[h]]
        ).prefetch_related("scoped_members")
    }
    rows = []
    for h in households:
        openings = seen.openings.get(h.pk)
        if not openings:
            continue
        if h.pk in seen.partial:
            _whole, persons = members_of([involvements[o.pk] for o in openings if o.pk in involvements])
            members = [m for m in h.members.all() if m.person_id in persons]
        else:
            members = list(h.members.all())
        rows.append(
            CaseloadRow(
                household=h,
                members=sorted(members, key=member_sort_key),
                basis=openings[0].basis,
                regie=regies.get(h.regie_pk),  # type: ignore[attr-defined]
            )
        )
    return rows


def _chosen(actor: Actor, seen: Seen, view: str, data: dict[str, Any], sort: str) -> QuerySet[Household]:
    """The tab's households, filtered and sorted, with only the columns the filter and the sort read."""
    households = Household.objects.filter(pk__in=sorted(household_ids_of(actor, view, seen)))
    chosen = annotate(actor, households, seen.partial, only=needs(data, sort), select=False)
    return ordered(filtered(actor, chosen, data), sort)


def _ids(actor: Actor, seen: Seen, view: str, data: dict[str, Any], sort: str) -> list[int]:
    """The tab's household ids in the list's order. Sorted on reference without any filter (the list as it
    opens), the order is known from the access core's rows; else the database filters and sorts, on the
    columns that need it."""
    tab = household_ids_of(actor, view, seen)
    if needs(data, sort) or any(data.values()):
        return list(_chosen(actor, seen, view, data, sort).values_list("pk", flat=True))
    references = {h: rows[0].reference for h, rows in seen.openings.items() if h in tab}
    return sorted(references, key=references.__getitem__, reverse=sort.startswith("-"))


def caseload(actor: Actor, view: str, data: dict[str, Any], sort: str) -> list[CaseloadRow]:
    """The whole list of one tab, filtered and sorted, as rows (for the exports)."""
    seen = seen_by(actor)
    ids = _ids(actor, seen, view, data, sort)
    loaded = {
        h.pk: h for h in _with_members(annotate(actor, Household.objects.filter(pk__in=ids), seen.partial))
    }
    return rows_of(seen, [loaded[pk] for pk in ids if pk in loaded])


def caseload_page(
    actor: Actor, view: str, data: dict[str, Any], sort: str, number: str | int | None, per_page: int
) -> tuple[Page, list[CaseloadRow]]:
    """One page of the list. The page is chosen on ids, with only the columns its filter and sort need;
    then the page's households are read with every column — so the work does not grow with the number of
    households beyond choosing the ids."""
    seen = seen_by(actor)
    page = Paginator(_ids(actor, seen, view, data, sort), per_page).get_page(number)
    wanted = list(page.object_list)
    shown = annotate(actor, Household.objects.filter(pk__in=wanted), seen.partial)
    loaded = {h.pk: h for h in _with_members(shown)}
    households: list[Any] = [loaded[pk] for pk in wanted if pk in loaded]
    page.object_list = households
    return page, rows_of(seen, households)


def subjects_of(rows: list[CaseloadRow]) -> list[Subject]:
    """For the access log: each household listed, and each member whose name the list shows."""
    subjects = []
    for row in rows:
        subjects.append(Subject(household_id=row.household.pk))
        subjects += [
            Subject(household_id=row.household.pk, person_id=pid)
            for pid in sorted({m.person_id for m in row.members})
        ]
    return subjects


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_table(rows: list[CaseloadRow]) -> tuple[list[str], list[list[Any]]]:
    """The exported list: Dutch headers (the interface's language) and one line per row, with what the
    page shows to this actor — nothing more."""
    levels = {value: str(label) for value, label in Level.choices}
    headers = [
        str(_("Reference")),
        str(_("Members")),
        str(_("Phase")),
        str(_("Level")),
        str(_("Regisseur")),
        str(_("Last contact")),
        str(_("Next meeting")),
        str(_("Overdue actions")),
        str(_("Danger for professionals")),
    ]
    lines = []
    for row in rows:
        h: Any = row.household
        lines.append(
            [
                h.reference,
                ", ".join(f"{m.person.full_name} ({m.get_role_display().lower()})" for m in row.members),
                row.phase_label,
                levels.get(h.level, h.level),
                row.regie.user.display_name if row.regie else "",
                _when(h.last_contact),
                _when(h.next_meeting),
                h.overdue,
                str(_("yes")) if h.danger else str(_("no")),
            ]
        )
    return headers, lines
