"""Default shields of journal entries and documents (registered with `verband.shielding.scope` when Django
starts)."""

from __future__ import annotations

from collections.abc import Iterator

from verband.journal.models import Document, JournalEntry
from verband.shielding.models import ItemType
from verband.shielding.scope import registers_default_shield


@registers_default_shield
def entries_and_documents_not_about_a_perpetrator(
    household_id: int, threats: frozenset[int], protected: frozenset[int]
) -> Iterator[tuple[str, int, frozenset[int]]]:
    """What professionals wrote down about the household or about someone other than a perpetrator — a
    home visit with the victim, a letter about a child — is kept from every perpetrator: it tells what she
    said and where help is. An entry or document about a perpetrator himself is not (the partner working
    with him sees it)."""
    if not threats:
        return
    for pk, owner in JournalEntry.objects.filter(household_id=household_id, thread__isnull=True).values_list(
        "pk", "person_id"
    ):
        if owner is None or owner not in threats:
            yield ItemType.JOURNAL, pk, threats - {owner}
    for pk, owner in Document.objects.filter(household_id=household_id).values_list("pk", "person_id"):
        if owner is None or owner not in threats:
            yield ItemType.DOCUMENT, pk, threats - {owner}
