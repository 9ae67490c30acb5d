"""Recording, correcting and uploading: checked before anything is written, written whole or not at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from verband.households.models import EventKind, HouseholdEvent
from verband.journal import services
from verband.journal.models import Document, JournalEntry
from verband.journal.services import DocumentInput, EntryInput
from verband.journal.tests.conftest import EXE, PDF, stored_files, upload
from verband.sharing.models import AccessLogEntry, Involvement
from verband.shielding.models import ItemType, ShieldDecision
from verband.testing import actor_for


def visit(w, **changes) -> EntryInput:
    data = EntryInput(
        kind="home_visit", occurred_at=w.earlier, summary="Anna vertelt dat het rustiger is.",
        next_step="Over twee weken opnieuw langs.", person_id=w.anna.pk, participant_ids=[w.anna.pk],
        other_participants="Jeugdverpleegkundige",
    )  # fmt: skip
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_a_home_visit_with_a_document_is_recorded_on_the_timeline_and_audited(
    journal_family, documents_folder
):
    w = journal_family
    entry = services.record_entry(
        actor_for(w.involved), w.household, visit(w), DocumentInput(upload("verslag.pdf", PDF))
    )
    assert entry.participants.get() == w.anna and entry.organisation == w.org_a
    document = Document.objects.get(entry=entry)
    assert document.original_name == "verslag.pdf" and document.person_id == w.anna.pk
    assert document.stored_name.startswith("documents/") and "verslag" not in document.stored_name
    assert stored_files(documents_folder) == [document.stored_name]
    event = entry.event
    assert event is not None
    assert event.kind == EventKind.JOURNAL and event.at == entry.occurred_at
    assert "Anna" not in event.summary  # the line holds the kind; its words are the entry's
    assert AccessLogEntry.objects.filter(object_type="journal_entry", action="create").exists()
    assert AccessLogEntry.objects.filter(object_type="document", action="create").exists()


def test_a_contact_in_the_future_or_without_summary_is_refused(journal_family):
    w = journal_family
    with pytest.raises(ValidationError) as caught:
        services.record_entry(
            actor_for(w.involved),
            w.household,
            visit(w, occurred_at=timezone.now() + timedelta(hours=1), summary=""),
        )
    assert {"occurred_at", "summary"} <= set(caught.value.message_dict)
    assert not JournalEntry.objects.exists()


def test_a_contact_with_a_member_is_the_first_contact_of_the_writers_party(journal_family):
    w = journal_family
    mine = Involvement.objects.get(household=w.household, team=w.team_a1)
    assert mine.first_contact_at is None
    services.record_entry(actor_for(w.involved), w.household, visit(w))
    mine.refresh_from_db()
    assert mine.first_contact_at == w.earlier and mine.first_contact_by == w.involved
    # Other parties' first contact is theirs to make.
    assert Involvement.objects.get(household=w.household, team=w.team_b1).first_contact_at is None


def test_a_note_or_a_consultation_is_no_contact(journal_family):
    w = journal_family
    for kind in ("note", "consultation"):
        services.record_entry(actor_for(w.involved), w.household, visit(w, kind=kind))
    assert Involvement.objects.get(household=w.household, team=w.team_a1).first_contact_at is None


def test_a_correction_is_a_new_version_and_the_old_one_stays(journal_family):
    w = journal_family
    actor = actor_for(w.involved)
    first = services.record_entry(actor, w.household, visit(w))
    second = services.correct_entry(actor, first, visit(w, summary="Anna vertelt dat het rustiger is, Bram niet."),
                                    "Bram was vergeten in het verslag.")  # fmt: skip
    assert second.corrects == first and second.thread == first and second.item_id == first.item_id
    first.refresh_from_db()
    assert first.summary == "Anna vertelt dat het rustiger is."  # never edited
    with pytest.raises(ValidationError):
        services.correct_entry(actor, first, visit(w), "Nog een keer corrigeren.")  # not the newest version
    with pytest.raises(ValidationError) as caught:
        services.correct_entry(actor, second, visit(w), "kort")
    assert "reason" in caught.value.message_dict
    assert JournalEntry.objects.count() == 2


def test_only_the_writers_organisation_corrects(journal_family):
    w = journal_family
    entry = services.record_entry(actor_for(w.involved), w.household, visit(w))
    with pytest.raises(PermissionDenied):
        services.correct_entry(actor_for(w.other_org), entry, visit(w), "Ik weet het beter dan zij.")
    assert AccessLogEntry.objects.filter(
        username="other_org", outcome="denied", object_type="journal_entry"
    ).exists()


def test_a_member_scoped_partner_writes_only_about_its_members(journal_family):
    w = journal_family
    probation = actor_for(w.probation)
    with pytest.raises(ValidationError) as caught:
        services.record_entry(probation, w.household, visit(w))  # about Anna, with Anna
    assert {"person", "participants"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError):
        services.record_entry(probation, w.household, visit(w, person_id=None, participant_ids=[w.dirk.pk]))
    with pytest.raises(ValidationError):  # it shields nothing: that is for whoever sees the whole household
        services.record_entry(
            probation,
            w.household,
            visit(w, person_id=w.dirk.pk, participant_ids=[w.dirk.pk], shielded_from=[w.anna.pk]),
        )
    entry = services.record_entry(
        probation,
        w.household,
        visit(w, person_id=w.dirk.pk, participant_ids=[w.dirk.pk], summary="Dirk kwam op tijd."),
    )
    assert entry.organisation.kind == "probation"


def test_someone_not_involved_or_an_experience_expert_writes_nothing(journal_family):
    w = journal_family
    with pytest.raises(PermissionDenied):
        services.record_entry(actor_for(w.colleague), w.household, visit(w))
    assert AccessLogEntry.objects.filter(username="colleague", outcome="denied").exists()
    assert not JournalEntry.objects.exists()


def test_shielding_from_a_member_is_a_decision_with_a_reason(journal_family):
    w = journal_family
    entry = services.record_entry(actor_for(w.involved), w.household, visit(w, shielded_from=[w.bram.pk]))
    decision = ShieldDecision.objects.get(item_type=ItemType.JOURNAL, item_id=entry.pk)
    assert decision.person == w.bram and decision.shielded and decision.reason


def test_a_disguised_upload_stores_nothing(journal_family, documents_folder):
    w = journal_family
    with pytest.raises(ValidationError) as caught:
        services.record_entry(
            actor_for(w.involved), w.household, visit(w), DocumentInput(upload("verslag.pdf", EXE))
        )
    assert "document" in caught.value.message_dict
    assert not JournalEntry.objects.exists() and not Document.objects.exists()
    assert stored_files(documents_folder) == []


def test_an_upload_interrupted_after_the_file_was_written_leaves_nothing(
    journal_family, documents_folder, monkeypatch
):
    w = journal_family
    written = []
    real = services.Files.save

    def save_then_fail(self, household, checked, file):
        name = real(self, household, checked, file)
        written.append(name)
        assert stored_files(documents_folder) == [name]  # the file was really written
        raise ConnectionResetError("the connection broke")

    monkeypatch.setattr(services.Files, "save", save_then_fail)
    with pytest.raises(ConnectionResetError):
        services.record_entry(
            actor_for(w.involved), w.household, visit(w), DocumentInput(upload("verslag.pdf", PDF))
        )
    assert written
    assert stored_files(documents_folder) == []
    assert not JournalEntry.objects.exists() and not Document.objects.exists()
    assert not HouseholdEvent.objects.filter(kind=EventKind.JOURNAL).exists()

    # Also when what fails comes after the document's row (the audit of the entry).
    monkeypatch.setattr(services.Files, "save", real)

    def fail(*args, **kwargs):
        raise RuntimeError("the log is unavailable")

    monkeypatch.setattr(services, "record_many", fail)
    with pytest.raises(RuntimeError):
        services.record_entry(
            actor_for(w.involved), w.household, visit(w), DocumentInput(upload("verslag.pdf", PDF))
        )
    assert stored_files(documents_folder) == []
    assert not Document.objects.exists()


def test_a_document_on_its_own(journal_family, documents_folder):
    w = journal_family
    document = services.add_document(
        actor_for(w.involved), w.household, DocumentInput(upload("brief.pdf", PDF), person_id=w.bram.pk)
    )
    assert document.entry is None and document.person == w.bram
    assert stored_files(documents_folder) == [document.stored_name]
