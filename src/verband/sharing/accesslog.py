"""Writing and verifying the access log.

Each entry carries the HMAC of its own fields and the previous entry's hash, keyed with a secret kept
outside the database. Changing an entry breaks its own hash; removing one breaks the link of the next
(and a gap in the sequence); cutting entries off the end no longer matches the head row, whose own HMAC
keeps it from being rewritten to match. Wiping the whole log together with its head is only detectable
against a copy of the head hash kept elsewhere: `verify_access_log` prints it for that purpose."""

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
from django.utils import timezone

from verband.actors import Actor
from verband.sharing.models import AccessLogEntry, AccessLogHead

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


def compute_hash(entry: AccessLogEntry, prev_hash: str) -> str:
    payload = {name: _canonical(getattr(entry, name)) for name in _HASHED_FIELDS}
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
    """Append one entry per subject shown or changed, in one transaction. `basis` may map household ids
    to the basis of each."""
    user = actor.user
    org = actor.organisation
    template: dict[str, Any] = {
        "channel": actor.channel,
        "user_id": user.pk if user else None,
        "username": user.get_username() if user else "",
        "organisation_id": org.pk if org else None,
        "organisation_name": org.name if org else "",
        "role": actor.role,
        "token_id": actor.token.pk if actor.token else None,
        "action": action,
        "object_type": object_type,
        "object_id": printable(object_id)[:60],
        "outcome": outcome,
        "ip_address": actor.ip_address,
        "path": printable(actor.path),
    }
    subjects = list(subjects)
    if not subjects:
        return
    with transaction.atomic():
        # The head row is made by a migration; a database flush (tests, a wiped demo) removes it.
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        # Taken under the lock, so that times never go backwards along the chain.
        template["at"] = timezone.now()
        prev = head.entry_hash or GENESIS
        entries = []
        for offset, subject in enumerate(subjects, start=1):
            entry_basis = basis.get(subject.household_id or 0, "") if isinstance(basis, dict) else basis
            entry = AccessLogEntry(
                seq=head.seq + offset,
                subject_household_id=subject.household_id,
                subject_person_id=subject.person_id,
                basis=entry_basis[:120],
                **template,
            )
            entry.prev_hash = prev
            entry.entry_hash = compute_hash(entry, prev)
            prev = entry.entry_hash
            entries.append(entry)
        AccessLogEntry.objects.bulk_create(entries)
        AccessLogHead.objects.filter(pk=1).update(
            seq=entries[-1].seq, entry_hash=prev, head_mac=head_mac(entries[-1].seq, prev)
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    head_hash: str = ""


def _entries() -> Iterator[AccessLogEntry]:
    return AccessLogEntry.objects.order_by("seq").iterator(chunk_size=2000)


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
        if not hmac.compare_digest(compute_hash(entry, prev), entry.entry_hash):
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
