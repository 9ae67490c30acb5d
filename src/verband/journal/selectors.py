"""Reads of the journal and the documents: what a viewer may see of them, always through one rule.

An entry or a document is shown when
- it is for everyone involved, or the viewer acts for the organisation that wrote it ("own organisation
  only"), and
- the viewer's shielding scope shows it (`Scope.shows`: a partner working with named members sees what is
  about those members, or its own household-level items, and never an item shielded from one of them;
  a partner working with the whole household sees it with a label of whom it is kept from), and
- for a partner working with named members, every member who took part is one of theirs (a home visit
  with the victim and the perpetrator tells the perpetrator's probation officer what she said), and
- a document attached to an entry: the entry is shown too.
A corrected entry is shown as its newest version; its history with every version, each marked corrected
with who, when and why, is on the entry's own page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from verband.households.models import Household, HouseholdEvent
from verband.journal.models import Document, JournalEntry, Visibility
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope


def _visible_to_organisation(scope: Scope, item: JournalEntry | Document) -> bool:
    return item.visibility != Visibility.ORGANISATION or item.organisation_id == scope.organisation_id


def shows_entry(scope: Scope, entry: JournalEntry, participants: Iterable[int]) -> bool:
    if not _visible_to_organisation(scope, entry):
        return False
    if not scope.shows(
        ItemType.JOURNAL, entry.item_id, entry.person_id, owner_organisation_id=entry.organisation_id
    ):
        return False
    return scope.whole or set(participants) <= scope.person_ids


def shows_document(scope: Scope, document: Document, entry_shown: bool = True) -> bool:
    if not entry_shown or not _visible_to_organisation(scope, document):
        return False
    return scope.shows(
        ItemType.DOCUMENT, document.pk, document.person_id, owner_organisation_id=document.organisation_id
    )


def participant_ids(entries: Iterable[JournalEntry]) -> dict[int, set[int]]:
    """Each entry's participating members (one query)."""
    through = JournalEntry.participants.through
    found: dict[int, set[int]] = defaultdict(set)
    ids = [e.pk for e in entries]
    for entry_id, person_id in through.objects.filter(journalentry_id__in=ids).values_list(
        "journalentry_id", "person_id"
    ):
        found[entry_id].add(person_id)
    return found


@dataclass
class Journal:
    """The journal as this viewer may see it: the newest version of each entry (newest contact first) with
    its documents, the documents of the household not attached to an entry, and how many of each are
    not shown (never which)."""

    entries: list[JournalEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    hidden_entries: int = 0
    hidden_documents: int = 0

    def person_ids(self) -> set[int]:
        """Every member the journal names (for the access log)."""
        found: set[int] = set()
        for entry in self.entries:
            found |= set(entry.participant_ids)  # type: ignore[attr-defined]
            if entry.person_id:
                found.add(entry.person_id)
            found |= {d.person_id for d in entry.shown_documents if d.person_id}  # type: ignore[attr-defined]
        found |= {d.person_id for d in self.documents if d.person_id}
        return found


def current_entries(household: Household) -> list[JournalEntry]:
    """The newest version of every entry of the household."""
    return list(
        JournalEntry.objects.filter(household=household, correction__isnull=True).select_related(
            "person", "organisation", "corrects"
        )
    )


def journal_for(scope: Scope, household: Household) -> Journal:
    entries = current_entries(household)
    participants = participant_ids(entries)
    documents = list(
        Document.objects.filter(household=household)
        .select_related("person", "organisation")
        .order_by("-uploaded_at", "-pk")
    )
    journal = Journal()
    shown_threads: set[int] = set()
    for entry in entries:
        entry.participant_ids = sorted(participants.get(entry.pk, set()))  # type: ignore[attr-defined]
        if shows_entry(scope, entry, participants.get(entry.pk, set())):
            journal.entries.append(entry)
            shown_threads.add(entry.item_id)
            entry.shown_documents = []  # type: ignore[attr-defined]
        else:
            journal.hidden_entries += 1
    by_thread = {e.item_id: e for e in journal.entries}
    for document in documents:
        attached = document.entry_id is not None
        if shows_document(scope, document, not attached or document.entry_id in shown_threads):
            if attached:
                by_thread[document.entry_id].shown_documents.append(document)  # type: ignore[attr-defined, index]
            else:
                journal.documents.append(document)
        else:
            journal.hidden_documents += 1
    return journal


def versions(entry: JournalEntry) -> list[JournalEntry]:
    """Every version of the entry's thread, newest first."""
    root = entry.item_id
    return list(
        JournalEntry.objects.filter(Q(pk=root) | Q(thread_id=root), household_id=entry.household_id)
        .select_related("person", "organisation", "correction__author")
        .prefetch_related("participants")
        .order_by("-recorded_at", "-pk")
    )


def journal_events(household: Household, scope: Scope) -> tuple[set[int], dict[int, JournalEntry]]:
    """For the timeline: the ids of the journal's lines this viewer may not see, and for the others the
    entry's newest version by the line's id (the line itself holds only the kind: its words are the
    entry's, so a correction shows at once and nothing is said twice)."""
    every = list(
        JournalEntry.objects.filter(household=household).only(
            "pk",
            "thread_id",
            "corrects_id",
            "event_id",
            "visibility",
            "organisation_id",
            "person_id",
            "summary",
            "kind",
            "occurred_at",
        )
    )
    corrected = {e.corrects_id for e in every if e.corrects_id}
    current = {e.item_id: e for e in every if e.pk not in corrected}
    participants = participant_ids(current.values())
    hidden: set[int] = set()
    lines: dict[int, JournalEntry] = {}
    for entry in every:
        if entry.event_id is None:
            continue
        newest = current.get(entry.item_id)
        if newest is None or not shows_entry(scope, newest, participants.get(newest.pk, set())):
            hidden.add(entry.event_id)
        else:
            lines[entry.event_id] = newest
    return hidden, lines


def attach_entries(events: Iterable[HouseholdEvent], lines: dict[int, JournalEntry]) -> None:
    """Give each journal line of the timeline its entry (`event.journal_entry`) for the template."""
    for event in events:
        event.journal_entry = lines.get(event.pk)  # type: ignore[attr-defined]
