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

from dataclasses import dataclass
from datetime import timedelta
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
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verband.actors import Actor
from verband.collaboration.models import AgendaItem, MeetingStatus
from verband.households.models import LEVEL_ORDER, Household, HouseholdMember, Level, member_sort_key
from verband.network.models import OrganisationKind
from verband.plans.models import ActionStatus, PlanAction, Regie
from verband.safety.models import DangerFact, Phase, SafetyAssessment
from verband.sharing.access import visible_households, visible_involvements
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


def personally_involved(actor: Actor) -> Q:
    """A household is the professional's own ("Mijn huishoudens") when they personally hold its regie now,
    own an open action of its family plan, or — through an involvement still in force — took it up or
    recorded the first contact. Being in the team that is involved is not enough: that is "Mijn team"."""
    user_id = actor.user.pk if actor.user is not None else 0
    regie = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True, user_id=user_id)
    action = PlanAction.objects.filter(
        plan__household_id=OuterRef("pk"), owner_user_id=user_id, status__in=OPEN_ACTION
    )
    involvement = Involvement.objects.active().filter(
        Q(created_by_id=user_id) | Q(first_contact_by_id=user_id), household_id=OuterRef("pk")
    )
    return Q(Exists(regie)) | Q(Exists(action)) | Q(Exists(involvement))


def households_of(actor: Actor, view: str) -> QuerySet[Household]:
    """The households of one tab, always within what the actor may see."""
    membership = actor.membership
    if membership is None:
        return Household.objects.none()
    if view == TEAM:
        if membership.team_id is None:
            return Household.objects.none()
        through = visible_involvements(actor).filter(team_id=membership.team_id)
        return Household.objects.filter(pk__in=through.values("household_id"))
    if view == NETWORK:
        through = visible_involvements(actor).filter(network_id__in=actor.network_ids)
        return Household.objects.filter(pk__in=through.values("household_id"))
    return visible_households(actor).filter(personally_involved(actor))


def last_contact() -> Greatest:
    """The household's last contact: THE one place that says what counts as contact. Today: the first
    contact a partner recorded (`Involvement.first_contact_at`, the household page's "eerste contact") and
    a case meeting held with a member of the household at the table (`AgendaItem.member_present`).

    When the journal's contact moments exist (`verband.journal.ContactMoment` with its `happened_at`), add
    their latest moment here as one more subquery in the `Greatest` below; the list, its filter, its sort
    and the exports then follow without any other change."""
    first_contacts = Subquery(
        Involvement.objects.filter(household_id=OuterRef("pk"), first_contact_at__isnull=False)
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
    sources = [first_contacts, meetings_held]
    # GREATEST of SQLite gives NULL as soon as one part is NULL; PostgreSQL's skips NULLs. Each part falls
    # back on the others, so both give the latest known moment (or NULL when there is none).
    return Greatest(*[Coalesce(source, *[s for s in sources if s is not source]) for source in sources])


def _whole(actor: Actor) -> Exists:
    """One of the actor's involvements with the household is for the whole household."""
    return Exists(
        visible_involvements(actor).filter(household_id=OuterRef("pk"), scoped_members__isnull=True)
    )


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


def annotate(actor: Actor, households: QuerySet[Household]) -> QuerySet[Household]:
    """The list's columns as annotations (see the module's docstring for what a member-scoped viewer
    gets)."""
    own_org = actor.organisation.pk if actor.organisation is not None else 0
    today = timezone.localdate()
    assessments = SafetyAssessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
    own_assessments = assessments.filter(organisation_id=own_org).exclude(_shielded(ItemType.ASSESSMENT))
    overdue = PlanAction.objects.filter(
        plan__household_id=OuterRef("pk"), status__in=OPEN_ACTION, due_on__lt=today
    ).order_by()
    in_scope = (
        overdue.filter(
            Q(person_id__in=_scoped_persons(actor)) | Q(person__isnull=True, owner_organisation_id=own_org)
        )
        .exclude(owner_organisation__kind=OrganisationKind.SHELTER)
        .exclude(_shielded(ItemType.ACTION))
    )

    def count(actions: QuerySet[PlanAction]) -> Subquery:
        return Subquery(
            actions.values("plan__household_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        )

    regie = Regie.objects.filter(household_id=OuterRef("pk"), ended_at__isnull=True)
    regie_named = regie.exclude(organisation__kind=OrganisationKind.SHELTER)
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
    phase_rank = Case(
        *[When(phase=phase, then=Value(rank)) for phase, rank in PHASE_ORDER.items()],
        default=Value(len(PHASE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        households.annotate(whole=_whole(actor))
        .annotate(
            phase=Case(
                When(whole=True, then=Subquery(assessments.values("phase")[:1])),
                default=Subquery(own_assessments.values("phase")[:1]),
            ),
            regie_pk=Case(
                When(whole=True, then=Subquery(regie.values("pk")[:1])),
                default=Subquery(regie_named.values("pk")[:1]),
            ),
            overdue=Coalesce(Case(When(whole=True, then=count(overdue)), default=count(in_scope)), Value(0)),
            last_contact=last_contact(),
            next_meeting=Subquery(meetings, output_field=DateTimeField()),
            danger=Exists(DangerFact.objects.current().filter(household_id=OuterRef("pk"))),
        )
        .annotate(
            phase_rank=phase_rank,
            level_rank=Case(
                *[When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()],
                default=Value(len(LEVEL_ORDER)),
                output_field=IntegerField(),
            ),
            regisseur=Lower(
                Subquery(Regie.objects.filter(pk=OuterRef("regie_pk")).values("user__last_name")[:1])
            ),
        )
    )


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


def _with_rows(actor: Actor, households: QuerySet[Household]) -> QuerySet[Household]:
    mine = visible_involvements(actor).prefetch_related("scoped_members").order_by("started_on", "pk")
    members = HouseholdMember.objects.select_related("person")
    return households.prefetch_related(
        Prefetch("members", queryset=members),
        Prefetch("involvements", queryset=mine, to_attr="my_involvements"),
    )


def rows_of(actor: Actor, households: list[Household]) -> list[CaseloadRow]:
    """The rows of (a page of) the list: the members the actor's scope names, the basis for the log, the
    regie. One query for the regies of all rows, whatever their number."""
    regies = {
        r.pk: r
        for r in Regie.objects.filter(
            pk__in=[h.regie_pk for h in households if h.regie_pk]  # type: ignore[attr-defined]
        ).select_related("user", "organisation")
    }
    rows = []
    for h in households:
        involvements: list[Involvement] = h.my_involvements  # type: ignore[attr-defined]
        if not involvements:
            continue
        whole, persons = members_of(involvements)
        members = [m for m in h.members.all() if whole or m.person_id in persons]
        first = involvements[0]
        rows.append(
            CaseloadRow(
                household=h,
                members=sorted(members, key=member_sort_key),
                basis=f"involvement:{first.pk}:{first.purpose}:{first.legal_basis}",
                regie=regies.get(h.regie_pk),  # type: ignore[attr-defined]
            )
        )
    return rows


def caseload(actor: Actor, view: str, data: dict[str, Any], sort: str) -> QuerySet[Household]:
    """The list of one tab, filtered and sorted, with its columns and what its rows need (not yet read)."""
    households = annotate(actor, households_of(actor, view))
    return _with_rows(actor, ordered(filtered(actor, households, data), sort))


def caseload_page(
    actor: Actor, view: str, data: dict[str, Any], sort: str, number: str | int | None, per_page: int
) -> tuple[Page, list[CaseloadRow]]:
    page = Paginator(caseload(actor, view, data, sort), per_page).get_page(number)
    return page, rows_of(actor, list(page.object_list))


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
