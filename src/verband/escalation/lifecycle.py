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
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from verband.actors import SYSTEM, Actor
from verband.escalation.detectors import WORKERS, Stall, describe, detect
from verband.escalation.ladder import Case, Ladder, memberships_users, step_due
from verband.escalation.models import (
    ESCALATION_FLOW,
    QUIET_WHILE_IT_LASTS,
    DecisionKind,
    Escalation,
    EscalationKind,
    EscalationRecipient,
    EscalationStatus,
    Step,
)
from verband.escalation.selectors import decision_people, may_decide, regisseurs_of
from verband.households.models import EventKind, Household
from verband.households.services import new_event, save_events
from verband.network.models import Membership, RegionNorms, Role, norms_for
from verband.notifications.services import notify, notify_many
from verband.platforms.services import add_escalation_items
from verband.sharing.access import involved_organisation_ids, works_with
from verband.sharing.accesslog import Subject, record_many
from verband.text import bounded, errors_of
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
    stalls: Sequence[Stall],
    *,
    actor: Actor,
    today: date,
    start_step: int,
    question: str = "",
    previous: dict[tuple[str, str, int], Escalation] | None = None,
) -> list[Escalation]:
    """Open one escalation per stall, in bulk; raises IntegrityError when one is open already. Call
    inside a transaction. A stall in `previous` was decided with a date that passed while it still
    stalls: it reopens one step above the decided one, put also to whoever the decision gave it to."""
    previous = previous or {}
    norms = _norms(s.region_id for s in stalls)
    steps: list[int] = []
    for s in stalls:
        before = previous.get(s.key)
        if before is not None:
            for m in (before.action_owner_id, before.reassigned_to_id):
                if m is not None and m not in s.owners:
                    s.owners.append(m)
        steps.append(min(before.step + 1, Step.TACTICAL) if before is not None else start_step)
    first: list[list[int]] = [[] for _s in stalls]
    for step in sorted(set(steps)):
        rows = [i for i, st in enumerate(steps) if st == step]
        cases = [Case(stalls[i].household_id, stalls[i].owners, stalls[i].parties) for i in rows]
        for i, people in zip(rows, Ladder(cases, today).at(step), strict=True):
            first[i] = people
    # Nobody to put it to at step 1 (no regisseur, no owner): the next step starts now. A reopened
    # escalation with nobody at its step goes on up until someone is there.
    for _round in range(Step.TACTICAL - Step.REGISSEUR):
        empty = [
            i
            for i, people in enumerate(first)
            if not people
            and steps[i] < Step.TACTICAL
            and (steps[i] == Step.REGISSEUR or stalls[i].key in previous)
        ]
        if not empty:
            break
        by_next: dict[int, list[int]] = defaultdict(list)
        for i in empty:
            by_next[steps[i] + 1].append(i)
        for step, rows in by_next.items():
            cases = [Case(stalls[i].household_id, stalls[i].owners, stalls[i].parties) for i in rows]
            for i, people in zip(rows, Ladder(cases, today).at(step), strict=True):
                first[i], steps[i] = people, step
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
                previous=previous.get(s.key),
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
    if previous:
        # A reopened escalation keeps those the decided one was put to (they see it and may decide it,
        # as after a climb); the new step's people are told.
        reopened = {
            e.pk: previous[s.key].pk for e, s in zip(escalations, stalls, strict=True) if s.key in previous
        }
        EscalationRecipient.objects.bulk_create(
            [
                EscalationRecipient(escalation_id=new, membership_id=m, step=step)
                for new, old in reopened.items()
                for m, step in EscalationRecipient.objects.filter(escalation_id=old).values_list(
                    "membership_id", "step"
                )
            ],
            ignore_conflicts=True,
        )
    refs = _refs(escalations)
    by_step: dict[int, list[int]] = defaultdict(list)
    for i, step in enumerate(steps):
        by_step[step].append(i)
    for step, rows in by_step.items():
        _put_to([escalations[i] for i in rows], step, [first[i] for i in rows], refs)
    # The platform step puts the stall on the tactical platform's agenda (kinds and organisations only).
    add_escalation_items([escalations[i] for i in by_step.get(Step.TACTICAL, [])])
    _timeline(
        escalations,
        actor,
        lambda e: (
            (
                _("%(kind)s: reopened, put to the %(step)s")
                if e.previous_id
                else _("%(kind)s: put to the %(step)s")
            )
            % {"kind": e.get_kind_display(), "step": e.get_step_display().lower()}
        ),
    )
    _log(actor, escalations, action="create")
    return escalations


def _refs(escalations: Sequence[Escalation]) -> dict[int, str]:
    ids = {e.household_id for e in escalations if e.household_id is not None}
    return dict(Household.objects.filter(pk__in=ids).values_list("pk", "reference")) if ids else {}


def _timeline(escalations: Sequence[Escalation], actor: Actor, line: Any) -> None:
    """One line on each household's timeline for what one sweep (or one action) did to its escalations,
    however many there are: "a; b; c", not a line per escalation with one timestamp."""
    by_household: dict[int, list[str]] = defaultdict(list)
    for e in escalations:
        if e.household_id is not None:
            by_household[e.household_id].append(line(e))
    if not by_household:
        return
    households = Household.objects.in_bulk(list(by_household))
    save_events(
        [
            new_event(households[pk], EventKind.ESCALATION, "; ".join(lines)[:300], actor=actor)
            for pk, lines in by_household.items()
            if pk in households
        ]
    )


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
    previous: dict[tuple[str, str, int], Escalation] | None = None,
) -> Escalation | None:
    """Open an escalation for a stall, once. Returns None when one is open already (another worker) or
    a recent decision keeps this stall quiet."""
    day = today or timezone.localdate()
    if stall.key in _quiet([stall], day):
        return None
    describe([stall])
    try:
        with transaction.atomic():
            return _open(
                [stall], actor=actor, today=day, start_step=start_step, question=question, previous=previous
            )[0]
    except IntegrityError:
        return None


BATCH = 1000  # stalls opened in one transaction: within every database's limit on parameters


def open_stalls(
    stalls: Sequence[Stall],
    *,
    today: date | None = None,
    previous: dict[tuple[str, str, int], Escalation] | None = None,
) -> int:
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
                opened += len(
                    _open(batch, actor=SYSTEM, today=day, start_step=Step.REGISSEUR, previous=previous)
                )
        except IntegrityError:
            logger.info("Another worker opened some of %s stalls first; opening them one by one", len(batch))
            opened += sum(open_escalation(s, today=day, previous=previous) is not None for s in batch)
    return opened


def horizon(today: date) -> date:
    """Stalls that began before this day are old: a first sweep over old data lists them for the
    coordinator instead of escalating them one by one (`VERBAND_ESCALATION_HORIZON_DAYS`)."""
    return today - timedelta(days=settings.ESCALATION_HORIZON_DAYS)


def _listed_rows(stalls: Sequence[Stall]) -> list[Escalation]:
    made = Escalation.objects.bulk_create(
        [
            Escalation(
                region_id=s.region_id,
                household_id=s.household_id,
                kind=s.kind,
                subject_type=s.subject_type,
                subject_id=s.subject_id,
                summary=s.summary[:300],
                breach_since=s.since,
                step=Step.COORDINATOR,
                step_due_on=None,
                status=EscalationStatus.LISTED,
            )
            for s in stalls
        ]
    )
    Escalation.owners.through.objects.bulk_create(
        Escalation.owners.through(escalation_id=e.pk, membership_id=m)
        for e, s in zip(made, stalls, strict=True)
        for m in set(s.owners)
    )
    Escalation.parties.through.objects.bulk_create(
        Escalation.parties.through(escalation_id=e.pk, organisation_id=o)
        for e, s in zip(made, stalls, strict=True)
        for o in set(s.parties)
    )
    return made


def list_stalls(stalls: Sequence[Stall], *, today: date | None = None) -> int:
    """Stalls older than the horizon, found for the first time: listed once on the monitor "tussen wal en
    schip" and one notification per network coordinator of the region, not put onto the ladder one by
    one. A listed stall stays listed (no second notification) until it ends or a coordinator puts it
    onto the ladder."""
    day = today or timezone.localdate()
    quiet = _quiet(stalls, day)
    todo = [s for s in stalls if s.key not in quiet]
    if not todo:
        return 0
    describe(todo)
    listed: list[Escalation] = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                listed = _listed_rows(todo)
        except IntegrityError:  # another worker listed some first
            for stall in todo:
                try:
                    with transaction.atomic():
                        listed += _listed_rows([stall])
                except IntegrityError:
                    continue
        if not listed:
            return 0
        per_region: dict[int, int] = defaultdict(int)
        for e in listed:
            per_region[e.region_id] += 1
        coordinators: dict[int, set[int]] = defaultdict(set)
        rows = Membership.objects.active().filter(
            role=Role.NETWORK_COORDINATOR, organisation__region_id__in=per_region
        )
        for region_id, user_id in rows.values_list("organisation__region_id", "user_id"):
            coordinators[region_id].add(user_id)
        url = reverse("escalation:monitor") + "#oud"
        with override("nl"):
            notify_many(
                (
                    coordinators[region],
                    _(
                        "%(count)s stalls older than %(days)s days are listed on Tussen wal en schip "
                        "(not escalated one by one)"
                    )
                    % {"count": count, "days": settings.ESCALATION_HORIZON_DAYS},
                    url,
                )
                for region, count in per_region.items()
            )
        _log(SYSTEM, listed, action="create")
    return len(listed)


def escalate_listed(actor: Actor, escalation: Escalation, *, today: date | None = None) -> Escalation:
    """A network coordinator puts a listed old stall onto the ladder after all: step 1 (its regisseur and
    owners; without them the line managers)."""
    m = actor.membership
    if (
        m is None
        or m.role != Role.NETWORK_COORDINATOR
        or m.organisation.region_id != escalation.region_id
        or escalation.status != EscalationStatus.LISTED
    ):
        raise PermissionDenied
    day = today or timezone.localdate()
    norms = norms_for(escalation.region_id)
    case = Case.of([escalation])
    step, people = Step.REGISSEUR, Ladder(case, day).at(Step.REGISSEUR)[0]
    if not people:
        step, people = Step.LINE_MANAGER, Ladder(case, day).at(Step.LINE_MANAGER)[0]
    with transaction.atomic():
        ESCALATION_FLOW.move(
            escalation,
            EscalationStatus.OPEN,
            stale=_("This stall was put onto the ladder or ended in the meantime."),
            step=step,
            step_due_on=step_due(norms, step, day),
            opened_at=timezone.now(),
            opened_by=actor.user,
        )
        _put_to([escalation], step, [people], _refs([escalation]))
        _timeline(
            [escalation],
            actor,
            lambda e: (
                _("%(kind)s: put to the %(step)s")
                % {"kind": e.get_kind_display(), "step": e.get_step_display().lower()}
            ),
        )
        _log(actor, [escalation], action="update")
    return escalation


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
    add_escalation_items(by_step.get(Step.TACTICAL, []))
    _timeline(
        escalations,
        SYSTEM,
        lambda e: (
            _("%(kind)s: up to the %(step)s")
            % {"kind": e.get_kind_display(), "step": e.get_step_display().lower()}
        ),
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
            .filter(pk__in=ids, status__in=(EscalationStatus.OPEN, EscalationStatus.LISTED))
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
                source=(EscalationStatus.OPEN, EscalationStatus.LISTED),
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


def _decision_fields(
    actor: Actor,
    escalation: Escalation,
    kind: str,
    text: str,
    owner_id: int | None,
    due_on: date | None,
    reassign_to_id: int | None,
    today: date,
) -> dict[str, Any]:
    """Check a decision and return what is stored; a Dutch ValidationError per field otherwise. An
    escalation is decided only concretely: an action with who does it and by when, a handover to someone
    else by a date, or that the norm does not apply here, with the reason."""
    errors: dict[str, list[str]] = {}
    if kind not in DecisionKind.values:
        raise ValidationError(
            {
                "kind": [
                    _(
                        "Choose what you decide: an action with who and by when, someone else takes it "
                        "on, or the norm does not apply."
                    )
                ]
            }
        )
    too_short = {
        DecisionKind.ACTION: _("Write down what will be done, in at least a sentence."),
        DecisionKind.REASSIGN: _("Write down what the other person is to do, in at least a sentence."),
        DecisionKind.NOT_APPLICABLE: _(
            "Write down why the norm does not apply here, in at least a sentence."
        ),
    }[DecisionKind(kind)]
    try:
        text = bounded(text, field="decision", minimum=10, maximum=4000, too_short=too_short)
    except ValidationError as exc:
        errors.update(errors_of(exc))
    people = (
        {m.pk: m for m in decision_people(escalation, actor)} if kind != DecisionKind.NOT_APPLICABLE else {}
    )
    if kind == DecisionKind.ACTION and owner_id not in people:
        errors["owner"] = [_("Choose who does it: a case worker of a partner involved.")]
    if kind == DecisionKind.REASSIGN:
        own = actor.membership.pk if actor.membership else None
        if reassign_to_id not in people or reassign_to_id == own:
            errors["reassign_to"] = [
                _("Choose who takes it on: a case worker of a partner involved, not you.")
            ]
    if kind in (DecisionKind.ACTION, DecisionKind.REASSIGN):
        if due_on is None:
            errors["due_on"] = [_("Give the date by which it is done.")]
        elif due_on < today:
            errors["due_on"] = [_("The date cannot lie in the past.")]
        elif due_on > today + relativedelta(months=3):
            errors["due_on"] = [_("Choose a date within three months; a longer wait is no decision.")]
    if errors:
        raise ValidationError(errors)
    if kind == DecisionKind.NOT_APPLICABLE:
        return {
            "decision_kind": kind,
            "decision": text,
            "action_owner": None,
            "reassigned_to": None,
            "action_due_on": None,
            "quiet_until": QUIET_WHILE_IT_LASTS,
        }
    return {
        "decision_kind": kind,
        "decision": text,
        "action_owner": people[owner_id] if kind == DecisionKind.ACTION and owner_id else None,
        "reassigned_to": people[reassign_to_id] if kind == DecisionKind.REASSIGN and reassign_to_id else None,
        "action_due_on": due_on,
        # The decision gets until its date to work; the day after, a stall still there reopens one step up.
        "quiet_until": due_on,
    }


def _decision_line(escalation: Escalation) -> str:
    """The decision in one line for the timeline and notifications: names professionals, no family."""
    kind = escalation.decision_kind
    if kind == DecisionKind.ACTION and escalation.action_owner is not None:
        return _("action for %(who)s by %(date)s") % {
            "who": escalation.action_owner.user.display_name,
            "date": escalation.action_due_on.strftime("%d-%m-%Y") if escalation.action_due_on else "",
        }
    if kind == DecisionKind.REASSIGN and escalation.reassigned_to is not None:
        return _("taken on by %(who)s by %(date)s") % {
            "who": escalation.reassigned_to.user.display_name,
            "date": escalation.action_due_on.strftime("%d-%m-%Y") if escalation.action_due_on else "",
        }
    return _("the norm does not apply here")


def resolve(
    actor: Actor,
    escalation: Escalation,
    decision: str = "",
    *,
    kind: str = "",
    owner_id: int | None = None,
    due_on: date | None = None,
    reassign_to_id: int | None = None,
    today: date | None = None,
) -> Escalation:
    """Record who decided what, concretely (`_decision_fields`). An action or a handover keeps the same
    stall quiet until its date; if it still stalls after that, the sweep reopens it one step higher. A
    decision that the norm does not apply keeps it quiet for as long as it lasts."""
    if not may_decide(actor, escalation):
        raise PermissionDenied
    day = today or timezone.localdate()
    decided: dict[str, Any] = _decision_fields(
        actor, escalation, kind, decision, owner_id, due_on, reassign_to_id, day
    )
    name = _decided_by(actor)
    decided.update({"closed_at": timezone.now(), "decided_by": actor.user, "decided_by_name": name})
    own = actor.membership.pk if actor.membership else 0
    others = set(
        escalation.recipients.exclude(membership_id=own).values_list("membership__user_id", flat=True)
    )
    doer = decided["action_owner"] or decided["reassigned_to"]
    with override("nl"):
        title = _("Escalation decided: %(kind)s") % {"kind": escalation.get_kind_display()}
        if doer is not None:
            yours = _("Escalation decided: %(kind)s — for you, by %(date)s") % {
                "kind": escalation.get_kind_display(),
                "date": decided["action_due_on"].strftime("%d-%m-%Y"),
            }
    stale = _("This escalation was closed in the meantime.")
    with transaction.atomic():
        if escalation.household is None:  # the model allows it; Verband itself always names the household
            ESCALATION_FLOW.move(escalation, EscalationStatus.RESOLVED, stale=stale, **decided)
            notify(others, title, _url(escalation.pk))
            _log(actor, [escalation], action="update")
        else:
            transition(
                ESCALATION_FLOW,
                escalation,
                EscalationStatus.RESOLVED,
                actor=actor,
                household=escalation.household,
                stale=stale,
                event=(
                    EventKind.ESCALATION,
                    (
                        _("%(kind)s: decided by %(who)s: %(what)s")
                        % {
                            "kind": escalation.get_kind_display(),
                            "who": name,
                            "what": _decision_line(escalation_with(escalation, decided)),
                        }
                    )[:300],
                ),
                log_as="escalation",
                tell=Tell(others - ({doer.user_id} if doer else set()), title, _url(escalation.pk)),
                **decided,
            )
        if doer is not None and doer.user_id != (actor.user.pk if actor.user else None):
            notify([doer.user_id], yours, _url(escalation.pk))
    return escalation


def escalation_with(escalation: Escalation, fields: dict[str, Any]) -> Escalation:
    """A copy of the escalation with the decided fields set (for its line before it is saved)."""
    copy = Escalation(pk=escalation.pk, kind=escalation.kind)
    for name in ("decision_kind", "action_owner", "reassigned_to", "action_due_on"):
        setattr(copy, name, fields.get(name))
    return copy


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


def _due_back(stalls: Sequence[Stall], today: date) -> dict[tuple[str, str, int], Escalation]:
    """Of these stalls, those decided with an action or a handover whose date has passed while the stall
    is still there: they reopen one step higher (one query)."""
    kinds = {s.kind for s in stalls} - {EscalationKind.DISAGREEMENT}
    if not kinds:
        return {}
    keys = {s.key for s in stalls}
    rows = Escalation.objects.filter(
        kind__in=kinds,
        status=EscalationStatus.RESOLVED,
        decision_kind__in=(DecisionKind.ACTION, DecisionKind.REASSIGN),
        action_due_on__lt=today,
        action_due_on__gte=horizon(today),
        quiet_until=F("action_due_on"),  # not released because the stall ended in between
        reopened_as__isnull=True,
    ).order_by("closed_at", "pk")
    return {e_key: e for e in rows if (e_key := (e.kind, e.subject_type, e.subject_id)) in keys}


def _release_quiet(stalls: dict[tuple[str, str, int], Stall], today: date) -> None:
    """A decision keeps its stall quiet only while that stall lasts: once it ended, a new stall of the
    same item is escalated afresh (and a passed date no longer reopens anything)."""
    quiet = Escalation.objects.filter(status=EscalationStatus.RESOLVED, quiet_until__gte=today).exclude(
        kind=EscalationKind.DISAGREEMENT
    )
    ended = [
        pk
        for pk, kind, subject_type, subject_id in quiet.values_list(
            "pk", "kind", "subject_type", "subject_id"
        )
        if (kind, subject_type, subject_id) not in stalls
    ]
    if ended:
        Escalation.objects.filter(pk__in=ended).update(quiet_until=today - timedelta(days=1))


def sweep(today: date | None = None) -> dict[str, int]:
    """Open escalations for new stalls (one transaction per kind of stall), reopen one step higher those
    decided with a date that passed while they still stall, list (not escalate) new stalls older than the
    horizon, clear those whose stall ended, climb the ones past their step deadline (each batch in its own
    transaction). A sweep that finds nothing new makes the same number of queries whatever the number of
    households."""
    day = today or timezone.localdate()
    stalls = {stall.key: stall for stall in detect(day)}
    current = {
        (kind, subject_type, subject_id): pk
        for pk, kind, subject_type, subject_id in Escalation.objects.filter(
            status__in=(EscalationStatus.OPEN, EscalationStatus.LISTED)
        ).values_list("pk", "kind", "subject_type", "subject_id")
    }
    found = [stall for key, stall in stalls.items() if key not in current]
    previous = _due_back(found, day)
    old = horizon(day)
    new: dict[str, list[Stall]] = defaultdict(list)
    aged = []
    for stall in found:
        if stall.key not in previous and stall.since < old and stall.kind != EscalationKind.DISAGREEMENT:
            aged.append(stall)
        else:
            new[stall.kind].append(stall)
    opened = sum(open_stalls(batch, today=day, previous=previous) for batch in new.values())
    listed = list_stalls(aged, today=day) if aged else 0
    ended = [pk for key, pk in current.items() if key[0] != EscalationKind.DISAGREEMENT and key not in stalls]
    cleared = clear_ended(list(Escalation.objects.filter(pk__in=ended))) if ended else 0
    _release_quiet(stalls, day)
    climbed = climb_due(today=day)
    return {"opened": opened, "climbed": climbed, "cleared": cleared, "listed": listed}
