"""The life of an escalation: open it for a stall, climb the ladder, decide it, clear it — and the sweep
that does all of it in the background.

`sweep()` is safe with several workers and after a crash:
- opening: the stalls of one kind are opened together, up to `BATCH` in one transaction (one insert each
  for the escalations, their owners and parties, recipients, notifications and timeline lines; one
  access-log entry); a partial unique index allows one open escalation per stall, so when another worker
  opened one of them first the batch rolls back and its stalls are opened one by one, skipping what is
  open already;
- climbing: the escalations past their step deadline are claimed with row locks that another worker
  skips, and a conditional UPDATE on (step, status) per step and region moves each one step exactly once;
- clearing and deciding move the status along `ESCALATION_FLOW` by a conditional UPDATE;
- a crash mid-sweep loses nothing: what was committed stays, the rest is found again next sweep."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import SYSTEM, Actor
from verband.escalation.detectors import WORKERS, Stall, describe, detect
from verband.escalation.ladder import Case, Ladder, memberships_users, step_due
from verband.escalation.models import (
    ESCALATION_FLOW,
    Escalation,
    EscalationKind,
    EscalationRecipient,
    EscalationStatus,
    Step,
)
from verband.escalation.selectors import may_decide, regisseurs_of
from verband.households.models import EventKind, Household
from verband.households.services import new_event, save_events
from verband.network.models import RegionNorms, norms_for
from verband.notifications.services import notify, notify_many
from verband.sharing.access import involved_organisation_ids, works_with
from verband.sharing.accesslog import Subject, record_many
from verband.text import bounded
from verband.workdays import add_working_days
from verband.workflow import Tell, transition

logger = logging.getLogger(__name__)


def _url(escalation_id: int) -> str:
    return reverse("escalation:detail", args=[escalation_id])


def _title(kind: str, step: int, reference: str | None) -> str:
    where = f" ({reference})" if reference else ""
    with override("nl"):
        return _("Escalation, %(step)s: %(kind)s%(where)s") % {
            "step": Step(step).label,
            "kind": EscalationKind(kind).label,
            "where": where,
        }


def _norms(region_ids: Iterable[int]) -> dict[int, RegionNorms]:
    regions = set(region_ids)
    found = {n.region_id: n for n in RegionNorms.objects.filter(region_id__in=regions)}
    for region in regions - set(found):
        found[region] = norms_for(region)
    return found


def _put_to(
    escalations: Sequence[Escalation], step: int, memberships: Sequence[list[int]], refs: dict
) -> None:
    """Put each escalation to its memberships at `step` and tell their users, in one insert each."""
    EscalationRecipient.objects.bulk_create(
        [
            EscalationRecipient(escalation_id=e.pk, membership_id=m, step=step)
            for e, ms in zip(escalations, memberships, strict=True)
            for m in ms
        ],
        ignore_conflicts=True,
    )
    users = memberships_users(m for ms in memberships for m in ms)
    notify_many(
        ([users[m] for m in ms if m in users], _title(e.kind, e.step, refs.get(e.household_id)), _url(e.pk))
        for e, ms in zip(escalations, memberships, strict=True)
    )


def _open(
    stalls: Sequence[Stall], *, actor: Actor, today: date, start_step: int, question: str = ""
) -> list[Escalation]:
    """Open one escalation per stall, in bulk; raises IntegrityError when one is open already. Call
    inside a transaction."""
    norms = _norms(s.region_id for s in stalls)
    first = Ladder([Case(s.household_id, s.owners, s.parties) for s in stalls], today).at(start_step)
    steps = [start_step] * len(stalls)
    if start_step == Step.REGISSEUR:
        # Nobody to put it to at this step (no regisseur, no owner): the next step starts now.
        empty = [i for i, people in enumerate(first) if not people]
        if empty:
            cases = [Case(stalls[i].household_id, stalls[i].owners, stalls[i].parties) for i in empty]
            for i, people in zip(empty, Ladder(cases, today).at(Step.LINE_MANAGER), strict=True):
                first[i], steps[i] = people, Step.LINE_MANAGER
    escalations = Escalation.objects.bulk_create(
        [
            Escalation(
                region_id=s.region_id,
                household_id=s.household_id,
                kind=s.kind,
                subject_type=s.subject_type,
                subject_id=s.subject_id,
                summary=s.summary[:300],
                question=question,
                breach_since=s.since,
                opened_by=actor.user,
                step=step,
                step_due_on=step_due(norms[s.region_id], step, today),
            )
            for s, step in zip(stalls, steps, strict=True)
        ]
    )
    Escalation.owners.through.objects.bulk_create(
        Escalation.owners.through(escalation_id=e.pk, membership_id=m)
        for e, s in zip(escalations, stalls, strict=True)
        for m in set(s.owners)
    )
    Escalation.parties.through.objects.bulk_create(
        Escalation.parties.through(escalation_id=e.pk, organisation_id=o)
        for e, s in zip(escalations, stalls, strict=True)
        for o in set(s.parties)
    )
    ids = {s.household_id for s in stalls if s.household_id is not None}
    households = (
        {h.pk: h for h in Household.objects.filter(pk__in=ids).only("pk", "reference")} if ids else {}
    )
    refs = {pk: h.reference for pk, h in households.items()}
    by_step: dict[int, list[int]] = defaultdict(list)
    for i, step in enumerate(steps):
        by_step[step].append(i)
    for step, rows in by_step.items():
        _put_to([escalations[i] for i in rows], step, [first[i] for i in rows], refs)
    save_events(
        [
            new_event(
                households[e.household_id],
                EventKind.ESCALATION,
                _("%(kind)s: put to the %(step)s")
                % {"kind": e.get_kind_display(), "step": e.get_step_display().lower()},
                actor=actor,
            )
            for e in escalations
            if e.household_id is not None
        ]
    )
    _log(actor, escalations, action="create")
    return escalations


def _log(actor: Actor, escalations: Sequence[Escalation], *, action: str) -> None:
    """One access-log entry for the escalations of one action, about their households."""
    record_many(
        actor,
        action=action,
        object_type="escalation",
        object_id=str(escalations[0].pk) if len(escalations) == 1 else "",
        subjects=[Subject(e.household_id) for e in escalations],
    )


def _quiet(stalls: Sequence[Stall], today: date) -> set[tuple[str, str, int]]:
    """The stalls a recent decision keeps quiet (one query). A partner's explicit request is never kept
    quiet: it asks for a new decision."""
    kinds = {s.kind for s in stalls} - {EscalationKind.DISAGREEMENT}
    if not kinds:
        return set()
    rows = Escalation.objects.filter(
        kind__in=kinds, status=EscalationStatus.RESOLVED, quiet_until__gte=today
    ).values_list("kind", "subject_type", "subject_id")
    return set(rows)


def open_escalation(
    stall: Stall,
    *,
    actor: Actor = SYSTEM,
    today: date | None = None,
    start_step: int = Step.REGISSEUR,
    question: str = "",
) -> Escalation | None:
    """Open an escalation for a stall, once. Returns None when one is open already (another worker) or
    a recent decision keeps this stall quiet."""
    day = today or timezone.localdate()
    if stall.key in _quiet([stall], day):
        return None
    describe([stall])
    try:
        with transaction.atomic():
            return _open([stall], actor=actor, today=day, start_step=start_step, question=question)[0]
    except IntegrityError:
        return None


BATCH = 1000  # stalls opened in one transaction: within every database's limit on parameters


def open_stalls(stalls: Sequence[Stall], *, today: date | None = None) -> int:
    """Open escalations for many stalls at once (the sweep); returns how many were opened. When another
    worker opened some of them first, the batch rolls back and each stall is opened on its own."""
    day = today or timezone.localdate()
    quiet = _quiet(stalls, day)
    todo = [s for s in stalls if s.key not in quiet]
    describe(todo)
    opened = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        try:
            with transaction.atomic():
                opened += len(_open(batch, actor=SYSTEM, today=day, start_step=Step.REGISSEUR))
        except IntegrityError:
            logger.info("Another worker opened some of %s stalls first; opening them one by one", len(batch))
            opened += sum(open_escalation(s, today=day) is not None for s in batch)
    return opened


class _Lost(Exception):
    """Another worker moved an escalation of the batch first."""


def _climbable(day: date) -> QuerySet[Escalation]:
    return Escalation.objects.filter(
        status=EscalationStatus.OPEN, step_due_on__lt=day, step__lt=Step.TACTICAL
    )


def _climb(escalations: Sequence[Escalation], day: date) -> None:
    """Move each escalation one step up by a conditional UPDATE per (step, region), put it to the next
    step's people and tell them. Raises `_Lost` when another worker moved one of them first. Call inside
    a transaction."""
    norms = _norms(e.region_id for e in escalations)
    groups: dict[tuple[int, int], list[Escalation]] = defaultdict(list)
    for e in escalations:
        groups[(e.step, e.region_id)].append(e)
    for (step, region), group in groups.items():
        due = step_due(norms[region], step + 1, day)
        moved = Escalation.objects.filter(
            pk__in=[e.pk for e in group], step=step, status=EscalationStatus.OPEN
        ).update(step=step + 1, step_due_on=due)
        if moved != len(group):
            raise _Lost
        for e in group:
            e.step, e.step_due_on = step + 1, due
    by_step: dict[int, list[Escalation]] = defaultdict(list)
    for e in escalations:
        by_step[e.step].append(e)
    refs = {e.household_id: e.household.reference for e in escalations if e.household is not None}
    for step, group in by_step.items():
        _put_to(group, step, Ladder(Case.of(group), day).at(step), refs)
    save_events(
        [
            new_event(
                e.household,
                EventKind.ESCALATION,
                _("%(kind)s: up to the %(step)s")
                % {"kind": e.get_kind_display(), "step": e.get_step_display().lower()},
            )
            for e in escalations
            if e.household is not None
        ]
    )
    _log(SYSTEM, escalations, action="update")


def climb(escalation_id: int, *, today: date | None = None) -> bool:
    """Move one escalation whose step deadline passed one step up, exactly once."""
    day = today or timezone.localdate()
    with transaction.atomic():
        escalation = _climbable(day).select_related("household").filter(pk=escalation_id).first()
        if escalation is None:
            return False
        try:
            # One escalation: `_Lost` can only come from its one UPDATE, which then wrote nothing.
            _climb([escalation], day)
        except _Lost:
            return False
    return True


def climb_due(*, today: date | None = None) -> int:
    """Move every escalation whose step deadline passed one step up, `BATCH` at a time: each batch is
    claimed with row locks (another worker skips what this one holds) and climbs in one transaction;
    when another worker moved some of a batch first, its escalations climb one by one."""
    day = today or timezone.localdate()
    due = list(_climbable(day).order_by("pk").values_list("pk", flat=True))
    climbed = 0
    for start in range(0, len(due), BATCH):
        with transaction.atomic():
            batch = list(
                _climbable(day)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("household")
                .filter(pk__in=due[start : start + BATCH])
                .order_by("pk")
            )
            if not batch:
                continue
            try:
                with transaction.atomic():
                    _climb(batch, day)
                climbed += len(batch)
            except _Lost:
                climbed += sum(climb(e.pk, today=day) for e in batch)
    return climbed


def _decided_by(actor: Actor) -> str:
    if actor.user is None:
        return ""
    name = f"{actor.user.display_name} ({actor.membership})" if actor.membership else actor.user.display_name
    return name[:300]


def clear_ended(escalations: Sequence[Escalation]) -> int:
    """The stalls of these open escalations ended by themselves (the handover was answered, the action
    done): close them without a decision, tell those they were put to. One transaction; returns how many
    this call closed (another worker, or a decision, may have closed some first)."""
    if not escalations:
        return 0
    with transaction.atomic():
        # Claim the rows: those still open now are ours to close (another worker skips or waits).
        ids = {e.pk for e in escalations}
        mine = set(
            Escalation.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=EscalationStatus.OPEN)
            .values_list("pk", flat=True)
        )
        closing = [e for e in escalations if e.pk in mine]
        by_kind: dict[str, list[Escalation]] = defaultdict(list)
        for e in closing:
            by_kind[e.kind].append(e)
        now = timezone.now()
        for kind, rows in by_kind.items():
            with override("nl"):
                text = _("The stall ended: %(kind)s no longer applies.") % {
                    "kind": EscalationKind(kind).label.lower()
                }
            ESCALATION_FLOW.move_rows(
                Escalation.objects.filter(pk__in=[e.pk for e in rows]),
                EscalationStatus.CLEARED,
                source=EscalationStatus.OPEN,
                closed_at=now,
                decided_by=None,
                decided_by_name="",
                decision=text,
                quiet_until=None,
            )
        put_to: dict[int, set[int]] = defaultdict(set)
        for escalation_id, user_id in EscalationRecipient.objects.filter(escalation_id__in=mine).values_list(
            "escalation_id", "membership__user_id"
        ):
            put_to[escalation_id].add(user_id)

        def title(e: Escalation) -> str:
            with override("nl"):
                return _("Escalation closed, the stall ended: %(kind)s") % {"kind": e.get_kind_display()}

        notify_many(((put_to[e.pk], title(e), _url(e.pk)) for e in closing), email=False)
        if closing:
            _log(SYSTEM, closing, action="update")
    return len(closing)


def clear(escalation: Escalation, *, today: date | None = None) -> bool:
    """The stall of one escalation ended by itself: close it without a decision."""
    return clear_ended([escalation]) == 1


def resolve(actor: Actor, escalation: Escalation, decision: str, *, today: date | None = None) -> Escalation:
    """Record who decided what. The same stall stays quiet for one norm period so the decision can work."""
    if not may_decide(actor, escalation):
        raise PermissionDenied
    decision = bounded(
        decision,
        field="decision",
        minimum=10,
        maximum=4000,
        too_short=_("Write down what was decided, in at least a sentence."),
    )
    day = today or timezone.localdate()
    quiet = add_working_days(day, norms_for(escalation.region_id).step_days(Step.REGISSEUR) or 2)
    name = _decided_by(actor)
    others = (
        escalation.recipients.exclude(membership_id=actor.membership.pk if actor.membership else 0)
        .values_list("membership__user_id", flat=True)
        .distinct()
    )
    with override("nl"):
        title = _("Escalation decided: %(kind)s") % {"kind": escalation.get_kind_display()}
    decided: dict[str, Any] = {
        "closed_at": timezone.now(),
        "decided_by": actor.user,
        "decided_by_name": name,
        "decision": decision,
        "quiet_until": quiet,
    }
    stale = _("This escalation was closed in the meantime.")
    if escalation.household is None:  # the model allows it; Verband itself always names the household
        with transaction.atomic():
            ESCALATION_FLOW.move(escalation, EscalationStatus.RESOLVED, stale=stale, **decided)
            notify(others, title, _url(escalation.pk))
            _log(actor, [escalation], action="update")
        return escalation
    transition(
        ESCALATION_FLOW,
        escalation,
        EscalationStatus.RESOLVED,
        actor=actor,
        household=escalation.household,
        stale=stale,
        event=(
            EventKind.ESCALATION,
            _("%(kind)s: decided by %(who)s") % {"kind": escalation.get_kind_display(), "who": name},
        ),
        log_as="escalation",
        tell=Tell(others, title, _url(escalation.pk)),
        **decided,
    )
    return escalation


def ask_decision(
    actor: Actor, household: Household, question: str, *, today: date | None = None
) -> Escalation:
    """A partner's "we disagree — decide": straight onto the ladder. The regisseur decides first; when the
    regisseur asks, their line manager does."""
    if actor.membership is None or actor.membership.role not in WORKERS or not works_with(actor, household):
        raise PermissionDenied
    question = bounded(
        question,
        field="question",
        minimum=10,
        maximum=1000,
        too_short=_("Describe what you disagree about, in at least a sentence."),
    )
    day = today or timezone.localdate()
    asker_is_regisseur = actor.membership.pk in regisseurs_of(household.pk)
    stall = Stall(
        EscalationKind.DISAGREEMENT,
        "household",
        household.pk,
        household.pk,
        household.region_id,
        day,
        summary=(
            _("%(org)s asks for a decision about %(ref)s")
            % {"org": actor.organisation, "ref": household.reference}
        ),
        parties=sorted(involved_organisation_ids([household.pk])),
    )
    escalation = open_escalation(
        stall,
        actor=actor,
        today=day,
        start_step=Step.LINE_MANAGER if asker_is_regisseur else Step.REGISSEUR,
        question=question,
    )
    if escalation is None:
        raise ValidationError(
            _("A request for a decision about this household is open already; add to it there.")
        )
    return escalation


# --- The sweep -------------------------------------------------------------------------------


def sweep(today: date | None = None) -> dict[str, int]:
    """Open escalations for new stalls (one transaction per kind of stall), clear those whose stall
    ended, climb the ones past their step deadline (each in its own transaction). A sweep that finds
    nothing new makes the same number of queries whatever the number of households."""
    day = today or timezone.localdate()
    stalls = {stall.key: stall for stall in detect(day)}
    open_now = {
        (kind, subject_type, subject_id): pk
        for pk, kind, subject_type, subject_id in Escalation.objects.filter(
            status=EscalationStatus.OPEN
        ).values_list("pk", "kind", "subject_type", "subject_id")
    }
    new: dict[str, list[Stall]] = defaultdict(list)
    for key, stall in stalls.items():
        if key not in open_now:
            new[stall.kind].append(stall)
    opened = sum(open_stalls(batch, today=day) for batch in new.values())
    ended = [
        pk for key, pk in open_now.items() if key[0] != EscalationKind.DISAGREEMENT and key not in stalls
    ]
    cleared = clear_ended(list(Escalation.objects.filter(pk__in=ended))) if ended else 0
    climbed = climb_due(today=day)
    return {"opened": opened, "climbed": climbed, "cleared": cleared}
