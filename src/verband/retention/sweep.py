"""The retention sweep: closed households whose retention period is over lose their free text, and their
persons — once every household they are in was swept — are pseudonymised (`retention.erase` says what).

A household is swept only when it is closed, its period (`retention.config`, longest wins, counted from
the closing) is over, and nobody works with it or is about to: no active involvement (also no emergency
access), no activation waiting to be taken up, no handover or request for regie waiting for an answer,
no request under the AVG still open, no signal still being routed that names one of its members or
offers one as a candidate to its reporter. Each household is swept in its own transaction, on
its row locked and checked again, and the sweep is written down per closing (`SweptHousehold`): a second
run, or a second worker at the same time, finds nothing left to do; a household opened again and closed
later is swept again for that closing.

Each run writes a report per region (`RetentionRun`) and the access log: one entry per household swept
(with the persons pseudonymised as its subjects), in the household's transaction, and one for the run.
The access log itself is never pruned (docs/decisions/0002-retention-sweep.md)."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration.models import AgendaItem, CaseMeeting, Handover, HandoverStatus
from verband.households.models import Household, HouseholdMember, HouseholdStatus, MemberRole, Person
from verband.journal.services import delete_files, stored_files
from verband.network.models import Network, Region
from verband.plans.models import RegieTransfer, TransferStatus
from verband.retention import erase
from verband.retention.config import Birth, Expiry, Retention, configured
from verband.retention.models import PseudonymisedPerson, RetentionRun, SweptHousehold, Trigger
from verband.rights.models import RightsRequest, still_open
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.models import Involvement
from verband.signals.models import Activation, ActivationStatus, SignalPerson, SignalStatus

logger = logging.getLogger(__name__)

CHUNK = 500


@dataclass(frozen=True)
class Due:
    """A closed household whose retention period is over."""

    household_id: int
    reference: str
    region_id: int
    closed_at: datetime
    expiry: Expiry


@dataclass
class Swept:
    """What sweeping one household did (or, in a dry run, would do)."""

    due: Due
    persons: set[int] = field(default_factory=set)
    items: Counter[str] = field(default_factory=Counter)


def _in_use() -> Q:
    """Households someone works with or is about to: an active involvement (emergency access too), an
    activation waiting to be taken up, a handover or a request for regie waiting for its receiver, or a
    request under the AVG not answered yet (an access request: until its export is delivered). (A signal
    still being routed is `being_recognised`.)"""
    household = OuterRef("pk")
    return Q(
        Exists(Involvement.objects.active().filter(household=household))
        | Exists(Activation.objects.filter(household=household, status=ActivationStatus.OPEN))
        | Exists(Handover.objects.filter(household=household, status=HandoverStatus.PENDING))
        | Exists(RegieTransfer.objects.filter(household=household, status=TransferStatus.PENDING))
        | Exists(RightsRequest.objects.filter(household=household).filter(still_open()))
    )


def being_recognised() -> set[int]:
    """Persons a signal still being routed names, or offers its reporter as a candidate: routing may link
    them (and open their household again) any moment, so neither they nor their households are swept now.
    Few signals wait to be routed at any time; their candidates are read here rather than searched in
    JSON, which SQLite cannot."""
    found: set[int] = set()
    for person_id, candidates in SignalPerson.objects.filter(
        signal__status=SignalStatus.RECEIVED
    ).values_list("person_id", "candidates"):
        if person_id:
            found.add(person_id)
        for candidate in candidates or []:
            if isinstance(candidate, dict) and isinstance(candidate.get("person"), int):
                found.add(candidate["person"])
    return found


def _swept_at_this_closing() -> Exists:
    return Exists(SweptHousehold.objects.filter(household=OuterRef("pk"), closed_at=OuterRef("closed_at")))


def _closed_on(closed_at: datetime) -> date:
    return timezone.localtime(closed_at).date()


def due(today: date | None = None, retention: Retention | None = None) -> Iterator[Due]:
    """Closed households whose period is over, not swept since they closed and not in use, by id."""
    retention = retention or configured()
    today = today or timezone.localdate()
    # Nothing closed after this can be over yet (the shortest period); the exact end is computed below.
    latest = today - relativedelta(years=retention.shortest_years) + timedelta(days=1)
    candidates = (
        Household.objects.filter(
            status=HouseholdStatus.CLOSED,
            closed_at__lt=timezone.make_aware(datetime.combine(latest, time.min)),
        )
        .exclude(_swept_at_this_closing())
        .exclude(_in_use())
        .order_by("pk")
    )
    recognising = being_recognised()
    after = 0
    while True:
        chunk = list(
            candidates.filter(pk__gt=after).values("pk", "reference", "region_id", "closed_at")[:CHUNK]
        )
        if not chunk:
            return
        after = chunk[-1]["pk"]
        kinds, children, members = _facts([row["pk"] for row in chunk])
        for row in chunk:
            if members.get(row["pk"], set()) & recognising:
                continue
            closed_at = row["closed_at"]
            assert closed_at is not None  # closed_at__lt above
            expiry = retention.expiry(
                _closed_on(closed_at), kinds.get(row["pk"], set()), children.get(row["pk"], [])
            )
            if expiry.on <= today:
                yield Due(row["pk"], row["reference"], row["region_id"], closed_at, expiry)


def _facts(
    household_ids: list[int],
) -> tuple[dict[int, set[str]], dict[int, list[Birth]], dict[int, set[int]]]:
    """The kinds of organisation ever involved with each household — both those they had when their
    involvement started and those they have now (a network's: those of its organisations, then and now),
    so that changing an organisation's kind or a network's organisations never shortens the period —,
    the births of its members who may be children, and its members."""
    kinds: dict[int, set[str]] = defaultdict(set)
    networks: dict[int, set[int]] = defaultdict(set)
    for household_id, kind, kind_then, kinds_then, network_id in Involvement.objects.filter(
        household_id__in=household_ids
    ).values_list("household_id", "organisation__kind", "organisation_kind", "network_kinds", "network_id"):
        kinds[household_id] |= {k for k in (kind, kind_then) if k}
        kinds[household_id] |= {k for k in kinds_then or [] if isinstance(k, str) and k}
        if network_id:
            networks[network_id].add(household_id)
    if networks:
        through = Network.organisations.through.objects.filter(network_id__in=networks)
        for network_id, kind in through.values_list("network_id", "organisation__kind"):
            for household_id in networks[network_id]:
                kinds[household_id].add(kind)
    children: dict[int, list[Birth]] = defaultdict(list)
    members: dict[int, set[int]] = defaultdict(set)
    for household_id, person_id, role, year, month, day in HouseholdMember.objects.filter(
        household_id__in=household_ids
    ).values_list(
        "household_id", "person_id", "role", "person__birth_year", "person__birth_month", "person__birth_day"
    ):
        members[household_id].add(person_id)
        # Every member whose birth date is known counts, whatever their role (a ten-year-old registered
        # as the victim is a child too; an adult's 18th birthday lies before the closing and changes
        # nothing); a member with the role child counts also when the date is not known.
        if role == MemberRole.CHILD or year:
            children[household_id].append(Birth(year, month, day))
    return kinds, children, members


def _persons_of(household_id: int) -> set[int]:
    members = HouseholdMember.objects.filter(household_id=household_id).values_list("person_id", flat=True)
    reported = SignalPerson.objects.filter(
        signal__household_id=household_id, person__isnull=False
    ).values_list("person_id", flat=True)
    return set(members) | set(reported)


def pseudonymisable(person_ids: set[int], also_swept: frozenset[int] = frozenset()) -> set[int]:
    """The persons, not pseudonymised yet, whose every household (as a member or named in its signals) is
    closed and swept since it closed — or in `also_swept` (a dry run's households) — and whom no signal
    still being routed names or offers as a candidate."""
    if not person_ids:
        return set()
    households: dict[int, set[int]] = defaultdict(set)
    for person_id, household_id in HouseholdMember.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "household_id"
    ):
        households[person_id].add(household_id)
    for person_id, household_id in SignalPerson.objects.filter(
        person_id__in=person_ids, signal__household__isnull=False
    ).values_list("person_id", "signal__household_id"):
        households[person_id].add(household_id)
    every = {h for hs in households.values() for h in hs}
    swept = set(
        Household.objects.filter(pk__in=every, status=HouseholdStatus.CLOSED)
        .filter(_swept_at_this_closing())
        .values_list("pk", flat=True)
    ) | set(also_swept)
    done = set(
        PseudonymisedPerson.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )
    return {p for p in person_ids - done - being_recognised() if households[p] <= swept}


def _household_rows(household_id: int) -> Iterator[tuple[erase.Clear, QuerySet]]:
    for rule in erase.HOUSEHOLD_RULES:
        yield rule, rule.model._default_manager.filter(**{rule.path: household_id}, **rule.where)


def _person_rows(person_ids: set[int]) -> Iterator[tuple[erase.Clear, QuerySet]]:
    for rule in erase.PERSON_RULES:
        yield rule, rule.model._default_manager.filter(**{f"{rule.path}__in": person_ids}, **rule.where)


def _person_deletes(person_ids: set[int]) -> Iterator[tuple[erase.Delete, QuerySet]]:
    for rule in erase.PERSON_DELETES:
        where = Q()
        for path in rule.paths:
            where |= Q(**{f"{path}__in": person_ids})
        yield rule, rule.model._default_manager.filter(where)


def _mentions(
    person_ids: set[int], *, lock: bool = False, besides: Q | None = None
) -> Iterator[tuple[int, list[Any], int]]:
    """Every list of `erase.CANDIDATES` that names one of the persons: (its row, the list without them,
    how many entries that removes). The lists' JSON text is searched for the persons' numbers — a few
    rows too many (a score or another number with the same digits), never one too few — and each list
    found is then read entry by entry."""
    rule = erase.CANDIDATES
    if not person_ids:
        return
    where = Q()
    for person_id in sorted(person_ids):
        where |= Q(listed_as_text__contains=str(person_id))
    rows = (
        rule.model._default_manager.annotate(listed_as_text=Cast(rule.field, TextField()))
        .filter(where)
        .order_by("pk")
    )
    if besides is not None:
        rows = rows.exclude(besides)
    if lock:
        rows = rows.select_for_update()
    for pk, listed in rows.values_list("pk", rule.field):
        if not isinstance(listed, list):
            continue
        kept = [e for e in listed if not (isinstance(e, dict) and e.get("person") in person_ids)]
        if len(kept) < len(listed):
            yield pk, kept, len(listed) - len(kept)


def _minutes_done(household_id: int, also_swept: frozenset[int] = frozenset()) -> QuerySet[CaseMeeting]:
    """Meetings that discussed the household, with minutes, whose every household is swept by now (or in
    `also_swept`)."""
    swept = SweptHousehold.objects.filter(
        household_id=OuterRef("household_id"),
        closed_at=OuterRef("household__closed_at"),
        household__status=HouseholdStatus.CLOSED,
    )
    unswept = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"))
        .exclude(Exists(swept))
        .exclude(household_id__in=also_swept)
    )
    meetings = AgendaItem.objects.filter(household_id=household_id).values("meeting_id")
    return CaseMeeting.objects.filter(pk__in=meetings).exclude(minutes="").exclude(Exists(unswept))


def sweep_household(item: Due, run: RetentionRun) -> Swept | None:
    """Sweep one household, in one transaction; None when it is no longer due (opened again, taken up,
    swept by another run in the meantime)."""
    with transaction.atomic():
        household = (
            Household.objects.select_for_update()
            .filter(pk=item.household_id, status=HouseholdStatus.CLOSED, closed_at=item.closed_at)
            .first()
        )
        # Checked again under the lock, in a statement of its own: it sees what another run or a partner
        # committed while this one waited for the lock.
        if (
            household is None
            or Household.objects.filter(pk=household.pk).filter(_swept_at_this_closing() | _in_use()).exists()
            or _persons_of(household.pk) & being_recognised()
        ):
            return None
        done = Swept(item)
        # The household's documents: their files go once the sweep is committed (a sweep rolled back keeps
        # them, with the rows that name them).
        files = stored_files(household.pk)
        transaction.on_commit(partial(delete_files, files), robust=True)
        for rule, rows in _household_rows(household.pk):
            done.items[rule.key] += rows.update(**rule.values)
        SweptHousehold.objects.create(
            household=household,
            closed_at=item.closed_at,
            run=run,
            expired_on=item.expiry.on,
            kind=item.expiry.kind,
        )
        # After the household counts as swept: its meetings' minutes go once it was the last one, and its
        # persons are pseudonymised once it was their last. The meetings' and persons' rows are locked
        # first (in a fixed order), so of two runs sweeping a meeting's or a person's last two households at
        # once, the second to get the lock sees the first one's sweep and finishes the job.
        meetings = AgendaItem.objects.filter(household_id=household.pk).values_list("meeting_id", flat=True)
        list(
            CaseMeeting.objects.select_for_update()
            .filter(pk__in=list(meetings))
            .order_by("pk")
            .values_list("pk")
        )
        done.items[erase.MINUTES.key] += _minutes_done(household.pk).update(**erase.MINUTES.values)
        candidates = _persons_of(household.pk)
        list(Person.objects.select_for_update().filter(pk__in=candidates).order_by("pk").values_list("pk"))
        done.persons = pseudonymisable(candidates)
        if done.persons:
            for rule, rows in _person_rows(done.persons):
                done.items[rule.key] += rows.update(**rule.values)
            for deletion, rows in _person_deletes(done.persons):
                _total, per_model = rows.delete()
                done.items[deletion.key] += per_model.get(deletion.model._meta.label, 0)
            for pk, kept, removed in list(_mentions(done.persons, lock=True)):
                erase.CANDIDATES.model._default_manager.filter(pk=pk).update(**{erase.CANDIDATES.field: kept})
                done.items[erase.CANDIDATES.key] += removed
            PseudonymisedPerson.objects.bulk_create(
                [PseudonymisedPerson(person_id=pid, run=run) for pid in sorted(done.persons)]
            )
        record_many(
            SYSTEM,
            action="pseudonymise",
            object_type="household",
            object_id=household.reference,
            subjects=[Subject(household.pk), *(Subject(household.pk, pid) for pid in sorted(done.persons))],
        )
    done.items = Counter({key: n for key, n in done.items.items() if n})
    return done


def run(*, trigger: str = Trigger.WORKER, today: date | None = None) -> list[RetentionRun]:
    """Sweep every household that is due; one report per region (also when nothing was due)."""
    retention = configured()
    terms = retention.snapshot()
    runs = {
        region.pk: RetentionRun.objects.create(region=region, trigger=trigger, terms=terms)
        for region in Region.objects.order_by("pk")
    }
    swept: dict[int, list[Swept]] = defaultdict(list)
    for item in due(today, retention):
        report = runs[item.region_id]
        try:
            done = sweep_household(item, report)
        except Exception as exc:
            # The exception's class only: its text may quote stored values (a database error does).
            logger.error("Retention sweep: household %s failed (%s)", item.reference, type(exc).__name__)
            report.errors.append({"household": item.reference, "error": type(exc).__name__})
            continue
        if done is None:
            report.skipped += 1
        else:
            swept[item.region_id].append(done)
    for region_id, report in runs.items():
        _finish(report, swept[region_id])
    return list(runs.values())


def _finish(report: RetentionRun, swept: list[Swept]) -> None:
    items: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    for done in swept:
        items.update(done.items)
        per_kind[done.due.expiry.kind] += 1
    report.households = len(swept)
    report.persons = sum(len(done.persons) for done in swept)
    report.items = dict(sorted(items.items()))
    report.per_kind = dict(sorted(per_kind.items()))
    report.finished_at = timezone.now()
    with transaction.atomic():
        report.save()
        record_many(
            SYSTEM,
            action="run",
            object_type="retention_sweep",
            object_id=str(report.pk),
            subjects=[Subject(done.due.household_id) for done in swept] or [Subject()],
        )


def preview(today: date | None = None) -> list[Swept]:
    """What a run would do today, changing nothing (`manage.py retention_sweep --dry-run`)."""
    items = list(due(today))
    also = frozenset(item.household_id for item in items)
    previews = []
    meetings: dict[int, set[int]] = {}
    for item in items:
        done = Swept(item)
        for rule, rows in _household_rows(item.household_id):
            done.items[rule.key] += rows.count()
        done.persons = pseudonymisable(_persons_of(item.household_id), also_swept=also)
        meetings[item.household_id] = set(_minutes_done(item.household_id, also).values_list("pk", flat=True))
        previews.append(done)
    # A person (or meeting) of two households due today is counted once, with the last of them.
    seen: set[int] = set()
    seen_meetings: set[int] = set()
    for done in reversed(previews):
        done.persons -= seen
        seen |= done.persons
        done.items[erase.MINUTES.key] += len(meetings[done.due.household_id] - seen_meetings)
        seen_meetings |= meetings[done.due.household_id]
        if done.persons:
            for rule, rows in _person_rows(done.persons):
                done.items[rule.key] += rows.count()
            for deletion, rows in _person_deletes(done.persons):
                done.items[deletion.key] += rows.count()
            # Not the lists the household rules and the person rules clear whole before.
            cleared = Q(signal__household_id__in=also) | Q(
                signal__household__isnull=True, person_id__in=done.persons
            )
            done.items[erase.CANDIDATES.key] += sum(
                n for _pk, _k, n in _mentions(done.persons, besides=cleared)
            )
        done.items = Counter({key: n for key, n in done.items.items() if n})
    return previews
