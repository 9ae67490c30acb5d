"""Writing, sealing and verifying the access log.

Writing an entry takes no lock: the entry is inserted with the HMAC of its own fields (`mac`, keyed with
a secret kept outside the database) and a row in the small `AccessLogPending` queue, in the transaction of
the action it records. The sealer (`seal`, run every few seconds by `manage.py worker`) then chains the
pending entries in one go, under the lock of the head row: each gets an `AccessLogSeal` with its
sequence number, its own HMAC and the hash of the previous link, so page views never wait for each other
on the log. Changing an entry breaks its own HMAC; removing one breaks the link of the next (and a gap in
the sequence); cutting seals off the end no longer matches the head row, whose own HMAC keeps it from
being rewritten to match. An entry not yet sealed is protected by its own HMAC only. Rolling the whole tail
back to an older head, or wiping the log with its head, leaves a consistent chain: that is detected
against checkpoints kept outside the database (`write_checkpoint`: the sealer every few minutes, and
`verify_access_log` after each verification, append the chain's end to `VERBAND_ACCESS_LOG_CHECKPOINTS`
and log it), which every verification compares with the chain. Design: docs/decisions/0001-access-log-sealed-after-append.md.

One action is one entry. An action about one subject (a household, or a person in it) names it in the
entry itself; an action about several — a page that shows a household and its members, a list of
households — lists them as `AccessLogSubject` rows (household, person, basis, in order), and the entry's
HMAC covers that list. `AccessLogEntry.objects.about(household_id=..., person_id=...)` finds both kinds,
so the log still answers who saw which person when."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.sharing.models import (
    AccessLogEntry,
    AccessLogHead,
    AccessLogPending,
    AccessLogSeal,
    AccessLogSubject,
)

checkpoint_log = logging.getLogger("verband.accesslog.checkpoint")
logger = logging.getLogger(__name__)
# Entries wait for the sealer a few seconds; one waiting longer than this means no sealer runs.
STALE_UNSEALED = timedelta(minutes=5)

GENESIS = "0" * 64
SEAL_BATCH = 5000
_HASHED_FIELDS = (
    "at",
    "channel",
    "user_id",
    "username",
    "organisation_id",
    "organisation_name",
    "role",
    "token_id",
    "action",
    "object_type",
    "object_id",
    "subject_household_id",
    "subject_person_id",
    "basis",
    "outcome",
    "ip_address",
    "path",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _mac(message: str) -> str:
    return hmac.new(settings.ACCESS_LOG_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def entry_mac(entry: AccessLogEntry, subjects: Iterable[AccessLogSubject] = ()) -> str:
    """The entry's HMAC over its fields and the subjects it lists (if any, in order)."""
    return _fields_mac(
        [getattr(entry, name) for name in _HASHED_FIELDS],
        [[s.household_id, s.person_id, s.basis] for s in subjects],
    )


def _fields_mac(values: Sequence[Any], listed: list[list[Any]]) -> str:
    """`entry_mac` of the values of `_HASHED_FIELDS` (in that order) and the listed subjects."""
    payload: dict[str, Any] = {
        name: _canonical(value) for name, value in zip(_HASHED_FIELDS, values, strict=True)
    }
    if listed:  # entries naming a single subject have none
        payload["subjects"] = listed
    return _mac(json.dumps(payload, sort_keys=True, separators=(",", ":")))


def link_hash(prev_hash: str, seq: int, entry_id: int, mac: str) -> str:
    """The hash of one link of the chain: the previous link, the place, the entry and the entry's HMAC."""
    return _mac(f"link:{prev_hash}:{seq}:{entry_id}:{mac}")


def printable(text: str) -> str:
    """Control characters (a NUL byte in a crafted URL) are not stored: PostgreSQL refuses NUL."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def head_mac(seq: int, entry_hash: str) -> str:
    return _mac(f"head:{seq}:{entry_hash}")


@dataclass(frozen=True)
class Subject:
    household_id: int | None = None
    person_id: int | None = None


def record(
    actor: Actor,
    *,
    action: str,
    object_type: str,
    object_id: str = "",
    household_id: int | None = None,
    person_id: int | None = None,
    basis: str = "",
    outcome: str = "granted",
) -> None:
    record_many(
        actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subjects=[Subject(household_id, person_id)],
        basis=basis,
        outcome=outcome,
    )


def record_many(
    actor: Actor,
    *,
    action: str,
    object_type: str,
    subjects: Iterable[Subject],
    object_id: str = "",
    basis: str | dict[int, str] = "",
    outcome: str = "granted",
) -> None:
    """Append one entry for an action about the subjects shown or changed. One subject is named in the
    entry; several are listed with it (`AccessLogSubject`), each with its basis (`basis` may map household
    ids to the basis of each). The entry itself names the household when all subjects are of one
    household, and the basis when all share one."""
    made = _entry(actor, action, object_type, object_id, list(subjects), basis, outcome)
    if made is not None:
        _append([made])


@dataclass(frozen=True)
class Shown:
    """One list on a page: what it lists and whose data it shows (`basis` as for `record_many`)."""

    object_type: str
    subjects: list[Subject]
    basis: str | dict[int, str] = ""


def record_lists(actor: Actor, *, object_id: str, lists: Iterable[Shown], action: str = "list") -> None:
    """The lists of one page view: an entry per list that shows someone, written together."""
    made = [
        _entry(actor, action, shown.object_type, object_id, shown.subjects, shown.basis) for shown in lists
    ]
    _append([m for m in made if m is not None])


def _entry(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    subjects: list[Subject],
    basis: str | dict[int, str],
    outcome: str = "granted",
) -> tuple[AccessLogEntry, list[AccessLogSubject]] | None:
    subjects = list(dict.fromkeys(subjects))
    if not subjects:
        return None

    def basis_of(subject: Subject) -> str:
        found = basis.get(subject.household_id or 0, "") if isinstance(basis, dict) else basis
        return found[:120]

    user = actor.user
    org = actor.organisation
    entry = AccessLogEntry(
        channel=actor.channel,
        user_id=user.pk if user else None,
        username=user.get_username() if user else "",
        organisation_id=org.pk if org else None,
        organisation_name=org.name if org else "",
        role=actor.role,
        token_id=actor.token.pk if actor.token else None,
        action=action,
        object_type=object_type,
        object_id=printable(object_id)[:60],
        outcome=outcome,
        ip_address=actor.ip_address,
        path=printable(actor.path),
    )
    entry.at = timezone.now()
    listed: list[AccessLogSubject] = []
    if len(subjects) == 1:
        entry.subject_household_id = subjects[0].household_id
        entry.subject_person_id = subjects[0].person_id
        entry.basis = basis_of(subjects[0])
    else:
        households = {s.household_id for s in subjects}
        bases = {basis_of(s) for s in subjects}
        entry.subject_household_id = households.pop() if len(households) == 1 else None
        entry.basis = bases.pop() if len(bases) == 1 else ""
        listed = [
            AccessLogSubject(
                position=n, household_id=s.household_id, person_id=s.person_id, basis=basis_of(s)
            )
            for n, s in enumerate(subjects, start=1)
        ]
    entry.mac = entry_mac(entry, listed)
    return entry, listed


def _append(made: list[tuple[AccessLogEntry, list[AccessLogSubject]]]) -> None:
    """Write the entries (with the subjects each lists) and queue them for the sealer. No lock: the
    chain is made by `seal`."""
    if not made:
        return
    # No savepoint inside the caller's transaction: a log entry that cannot be written fails the action it
    # records, never only itself.
    with transaction.atomic(savepoint=False):
        entries = AccessLogEntry.objects.bulk_create([entry for entry, _listed in made])
        subjects = []
        for entry, listed in zip(entries, (listed for _entry, listed in made), strict=True):
            for subject in listed:
                subject.entry = entry
            subjects += listed
        if subjects:
            AccessLogSubject.objects.bulk_create(subjects)
        AccessLogPending.objects.bulk_create(AccessLogPending(entry=entry) for entry in entries)


def seal(batch: int = SEAL_BATCH) -> int:
    """Chain the entries written since the last seal, oldest queued first, under the lock of the head row
    (one sealer at a time, however many workers run). Returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            # The head row is made by a migration; a database flush (tests, a wiped demo) removes it.
            head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
            # A queue row for an entry that is in the chain already (written by someone with database
            # rights) would stop every seal on the one-to-one; it is dropped, and reported by verification.
            stray = AccessLogPending.objects.filter(entry__seal__isnull=False)
            if stray.exists():
                logger.error("Access log: dropped %s queue rows of entries already sealed", stray.count())
                stray.delete()
            pending = list(
                AccessLogPending.objects.order_by("pk").values_list("pk", "entry_id", "entry__mac")[:batch]
            )
            if not pending:
                return sealed
            seq, prev = head.seq, head.entry_hash or GENESIS
            seals = []
            for _pk, entry_id, mac in pending:
                seq += 1
                link = link_hash(prev, seq, entry_id, mac)
                seals.append(
                    AccessLogSeal(seq=seq, entry_id=entry_id, entry_mac=mac, prev_hash=prev, chain_hash=link)
                )
                prev = link
            AccessLogSeal.objects.bulk_create(seals, batch_size=1000)
            AccessLogPending.objects.filter(pk__in=[pk for pk, _entry_id, _mac in pending]).delete()
            AccessLogHead.objects.filter(pk=1).update(seq=seq, entry_hash=prev, head_mac=head_mac(seq, prev))
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


def logged_subjects(entries: Iterable[AccessLogEntry]) -> list[Subject]:
    """Whose data the entries are about, in order: each entry's listed subjects, or its own subject."""
    found: list[Subject] = []
    for entry in entries:
        listed = [Subject(s.household_id, s.person_id) for s in entry.subjects.order_by("position")]
        found += listed or [Subject(entry.subject_household_id, entry.subject_person_id)]
    return found


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    head_hash: str = ""
    unsealed: int = 0  # entries written and intact but not chained yet
    oldest_unsealed: datetime | None = None
    checkpoints: int = 0  # checkpoints kept outside the database that the chain matched


@dataclass(frozen=True)
class _Link:
    seq: int
    entry_id: int
    entry_mac: str
    prev_hash: str
    chain_hash: str


def _links(until: int, batch: int = 5000) -> Iterator[tuple[_Link, tuple[Any, ...], list[list[Any]]]]:
    """The seals in order, each with its entry's hashed values and listed subjects — read as plain rows a
    batch at a time (a million entries are walked in well under a minute)."""
    last = 0
    entry_fields = [f"entry__{name}" for name in _HASHED_FIELDS]
    while True:
        rows = list(
            AccessLogSeal.objects.filter(seq__gt=last, seq__lte=until)
            .order_by("seq")
            .values_list("seq", "entry_id", "entry_mac", "prev_hash", "chain_hash", *entry_fields)[:batch]
        )
        if not rows:
            return
        listed: dict[int, list[list[Any]]] = {}
        subjects = (
            AccessLogSubject.objects.filter(entry_id__in=[row[1] for row in rows])
            .order_by("entry_id", "position")
            .values_list("entry_id", "household_id", "person_id", "basis")
        )
        for entry_id, household_id, person_id, basis in subjects:
            listed.setdefault(entry_id, []).append([household_id, person_id, basis])
        for row in rows:
            yield _Link(*row[:5]), row[5:], listed.get(row[1], [])
        last = rows[-1][0]


@dataclass(frozen=True)
class Checkpoint:
    at: str
    seq: int
    hash: str
    mac: str

    @property
    def genuine(self) -> bool:
        return hmac.compare_digest(self.mac, checkpoint_mac(self.seq, self.hash))


def checkpoint_mac(seq: int, chain_hash: str) -> str:
    return _mac(f"checkpoint:{seq}:{chain_hash}")


def write_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """Append the chain's end (sequence number, hash, their HMAC) to the checkpoint file and to the log
    `verband.accesslog.checkpoint`. None while the chain is empty."""
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is None or not head.seq:
        return None
    point = Checkpoint(
        at=timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        seq=head.seq,
        hash=head.entry_hash,
        mac=checkpoint_mac(head.seq, head.entry_hash),
    )
    line = json.dumps({"at": point.at, "seq": point.seq, "hash": point.hash, "mac": point.mac})
    target = path or settings.ACCESS_LOG_CHECKPOINTS
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    checkpoint_log.info("access log checkpoint %s", line)
    return point


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """The checkpoints in the file (none if there is no file yet). A line that is not a checkpoint is
    read as one that cannot be genuine, so verification reports it."""
    source = path or settings.ACCESS_LOG_CHECKPOINTS
    if not source.exists():
        return []
    text = source.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    points = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            points.append(Checkpoint(str(data["at"]), int(data["seq"]), str(data["hash"]), str(data["mac"])))
        except (ValueError, KeyError, TypeError):
            if number == len(lines) - 1:
                continue  # a last line without its newline: a write cut off (a crash), not a checkpoint
            points.append(Checkpoint(at="?", seq=0, hash="", mac=""))
    return points


def verify_chain(checkpoints: list[Checkpoint] | None = None) -> VerifyResult:
    """Walk the whole chain and report the first broken link, comparing it with the checkpoints kept
    outside the database (by default those in `VERBAND_ACCESS_LOG_CHECKPOINTS`); then check the entries
    not sealed yet."""
    given = read_checkpoints() if checkpoints is None else checkpoints
    # A checkpoint that is not genuine is reported — after the chain itself is walked with the genuine ones.
    forged = [point for point in given if not point.genuine]
    points = [point for point in given if point.genuine]
    # The head first: seals made while the walk runs are beyond it and wait for the next verification.
    head = AccessLogHead.objects.filter(pk=1).first() or AccessLogHead(seq=0, entry_hash="")
    expected: dict[int, list[Checkpoint]] = {}
    for point in points:
        expected.setdefault(point.seq, []).append(point)
    expected_seq = 1
    prev = GENESIS
    checked = 0
    matched = 0
    for link, values, listed in _links(until=head.seq):
        if link.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, _("link %(seq)s is missing (deleted)") % {"seq": expected_seq}
            )
        if link.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                link.seq,
                _("link %(seq)s does not follow the one before it") % {"seq": link.seq},
            )
        if not (
            hmac.compare_digest(link_hash(prev, link.seq, link.entry_id, link.entry_mac), link.chain_hash)
            and hmac.compare_digest(_fields_mac(values, listed), link.entry_mac)
        ):
            changed = _("entry %(entry)s (link %(seq)s) was changed") % {
                "entry": link.entry_id,
                "seq": link.seq,
            }
            return VerifyResult(False, checked, link.seq, changed)
        for point in expected.get(link.seq, ()):
            if not hmac.compare_digest(point.hash, link.chain_hash):
                replaced = _(
                    "link %(seq)s differs from the checkpoint of %(at)s: the chain was rewritten from there"
                )
                return VerifyResult(False, checked, link.seq, replaced % {"seq": link.seq, "at": point.at})
            matched += 1
        prev = link.chain_hash
        expected_seq += 1
        checked += 1
    later = [point for point in points if point.seq > checked]
    if later:
        last = max(later, key=lambda point: point.seq)
        return VerifyResult(
            False,
            checked,
            checked + 1,
            _(
                "the chain ends at %(seq)s, but the checkpoint of %(at)s saw it at %(seen)s: links were removed "
                "(the log was rolled back or wiped)"
            )
            % {"seq": checked, "at": last.at, "seen": last.seq},
        )
    if head.seq != checked or (head.entry_hash or GENESIS) != prev:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            _("links after %(seq)s are missing (the chain ends at %(head)s)")
            % {"seq": checked, "head": head.seq},
        )
    if checked and not hmac.compare_digest(head.head_mac, head_mac(head.seq, head.entry_hash)):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            _("the end of the chain was rewritten; links after %(seq)s may be missing") % {"seq": checked},
        )
    result = _verify_unsealed(VerifyResult(True, checked, head_hash=prev, checkpoints=matched))
    if result.ok and forged:
        return replace(
            result, ok=False, reason=_("a checkpoint (%(at)s) is not genuine") % {"at": forged[0].at}
        )
    return result


def _verify_unsealed(result: VerifyResult) -> VerifyResult:
    """Entries written after the last seal: each must be intact by its own HMAC and queued for sealing;
    none may wait much longer than the sealer's interval; and no queue row may point at an entry that is
    in the chain already."""
    listed = Prefetch("subjects", queryset=AccessLogSubject.objects.order_by("position"))
    unsealed = list(AccessLogEntry.objects.filter(seal__isnull=True).order_by("pk").prefetch_related(listed))
    # Read after the entries: an entry and its queue row are written in one transaction.
    queued = set(
        AccessLogPending.objects.filter(entry_id__in=[e.pk for e in unsealed]).values_list(
            "entry_id", flat=True
        )
    )
    count, oldest = 0, None
    for entry in unsealed:
        if not hmac.compare_digest(entry_mac(entry, entry.subjects.all()), entry.mac):
            changed = _("entry %(entry)s, not sealed yet, was changed") % {"entry": entry.pk}
            return replace(result, ok=False, reason=changed)
        if entry.pk not in queued and not AccessLogSeal.objects.filter(entry_id=entry.pk).exists():
            dropped = _("entry %(entry)s was taken out of the queue to seal") % {"entry": entry.pk}
            return replace(result, ok=False, reason=dropped)
        count += 1
        oldest = oldest or entry.at
    stray = AccessLogPending.objects.filter(entry__seal__seq__lte=result.checked).first()
    if stray is not None:
        doubled = _("a queue row points at entry %(entry)s, which is in the chain already") % {
            "entry": stray.entry_id
        }
        return replace(result, ok=False, reason=doubled)
    if oldest is not None and timezone.now() - oldest > STALE_UNSEALED:
        stale = _("entries have waited to be sealed since %(at)s: the worker that seals them is not running")
        return replace(
            result, ok=False, reason=stale % {"at": timezone.localtime(oldest).strftime("%Y-%m-%d %H:%M")},
            unsealed=count, oldest_unsealed=oldest,
        )  # fmt: skip
    return replace(result, unsealed=count, oldest_unsealed=oldest)
