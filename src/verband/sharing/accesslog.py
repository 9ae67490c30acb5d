"""Writing and verifying the access log.

Each entry carries the HMAC of its own fields and the previous entry's hash, keyed with a secret kept
outside the database. Changing an entry breaks its own hash; removing one breaks the link of the next
(and a gap in the sequence); cutting entries off the end no longer matches the head row, whose own HMAC
keeps it from being rewritten to match. Wiping the whole log together with its head is only detectable
against a copy of the head hash kept elsewhere: `verify_access_log` prints it for that purpose.

One action is one entry. An action about one subject (a household, or a person in it) names it in the
entry itself; an action about several — a page that shows a household and its members, a list of
households — lists them as `AccessLogSubject` rows (household, person, basis, in order), and the entry's
hash covers that list. `AccessLogEntry.objects.about(household_id=..., person_id=...)` finds both kinds,
so the log still answers who saw which person when."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from verband.actors import Actor
from verband.sharing.models import AccessLogEntry, AccessLogHead, AccessLogSubject

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "seq",
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


def compute_hash(entry: AccessLogEntry, prev_hash: str, subjects: Iterable[AccessLogSubject] = ()) -> str:
    """The entry's HMAC over its fields, the subjects it lists (if any, in order) and the previous hash."""
    payload: dict[str, Any] = {name: _canonical(getattr(entry, name)) for name in _HASHED_FIELDS}
    listed = [[s.household_id, s.person_id, s.basis] for s in subjects]
    if listed:  # entries naming a single subject (and every entry written before lists existed) have none
        payload["subjects"] = listed
    message = prev_hash + json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.ACCESS_LOG_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def printable(text: str) -> str:
    """Control characters (a NUL byte in a crafted URL) are not stored: PostgreSQL refuses NUL."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def head_mac(seq: int, entry_hash: str) -> str:
    message = f"head:{seq}:{entry_hash}"
    return hmac.new(settings.ACCESS_LOG_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


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
    """The lists of one page view: an entry per list that shows someone, appended together (one lock of
    the chain for the whole page)."""
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
    return entry, listed


def _append(made: list[tuple[AccessLogEntry, list[AccessLogSubject]]]) -> None:
    """Chain the entries (with the subjects each lists) onto the log, under the lock of its head row."""
    if not made:
        return
    # No savepoint inside the caller's transaction: a log entry that cannot be written fails the action it
    # records, never only itself.
    with transaction.atomic(savepoint=False):
        # The head row is made by a migration; a database flush (tests, a wiped demo) removes it.
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        # Taken under the lock, so that times never go backwards along the chain.
        at = timezone.now()
        seq, prev = head.seq, head.entry_hash or GENESIS
        for entry, listed in made:
            seq += 1
            entry.at, entry.seq, entry.prev_hash = at, seq, prev
            entry.entry_hash = prev = compute_hash(entry, prev, listed)
        entries = AccessLogEntry.objects.bulk_create([entry for entry, _listed in made])
        subjects = []
        for entry, listed in zip(entries, (listed for _entry, listed in made), strict=True):
            for subject in listed:
                subject.entry = entry
            subjects += listed
        if subjects:
            AccessLogSubject.objects.bulk_create(subjects)
        AccessLogHead.objects.filter(pk=1).update(seq=seq, entry_hash=prev, head_mac=head_mac(seq, prev))


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


def _entries() -> Iterator[AccessLogEntry]:
    listed = Prefetch("subjects", queryset=AccessLogSubject.objects.order_by("position"))
    return AccessLogEntry.objects.order_by("seq").prefetch_related(listed).iterator(chunk_size=2000)


def verify_chain() -> VerifyResult:
    """Walk the whole chain and report the first broken entry."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"entry {expected_seq} is missing (deleted)")
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1}"
            )
        if not hmac.compare_digest(compute_hash(entry, prev, entry.subjects.all()), entry.entry_hash):
            return VerifyResult(False, checked, entry.seq, f"entry {entry.seq} was changed")
        prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    head = AccessLogHead.objects.filter(pk=1).first() or AccessLogHead(seq=0, entry_hash="")
    if head.seq != checked or (head.entry_hash or GENESIS) != prev:
        return VerifyResult(
            False, checked, checked + 1, f"entries after {checked} are missing (the log ends at {head.seq})"
        )
    if checked and not hmac.compare_digest(head.head_mac, head_mac(head.seq, head.entry_hash)):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"the end of the log was rewritten; entries after {checked} may be missing",
        )
    return VerifyResult(True, checked, head_hash=prev)
