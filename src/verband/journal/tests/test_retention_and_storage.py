"""The retention sweep takes the journal's words and the documents' files; documents can be kept in
S3-compatible storage by configuration; a page's upload has room in the request size limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from verband.journal import services
from verband.journal.models import Document, JournalEntry
from verband.journal.services import DocumentInput, EntryInput
from verband.journal.tests.conftest import PDF, stored_files, upload
from verband.retention import sweep
from verband.retention.tests.conftest import close, leftovers, years_later
from verband.settings import document_storage
from verband.testing import actor_for


def test_the_sweep_blanks_the_journal_and_deletes_the_files(
    journal_family, documents_folder, django_capture_on_commit_callbacks
):
    w = journal_family
    entry = services.record_entry(
        actor_for(w.involved), w.household,
        EntryInput(kind="home_visit", occurred_at=w.earlier, summary="Anna vertelt over Dirk.", person_id=w.anna.pk,
                   participant_ids=[w.anna.pk], next_step="Bram ophalen", other_participants="Karin van school"),
        DocumentInput(upload("verslag Anna.pdf", PDF), description="Verslag voor Anna"),
    )  # fmt: skip
    services.correct_entry(
        actor_for(w.involved), entry,
        EntryInput(kind="home_visit", occurred_at=w.earlier, summary="Anna vertelt over Dirk en Bram.",
                   person_id=w.anna.pk, participant_ids=[w.anna.pk]),
        "Bram vergeten te noemen.",
    )  # fmt: skip
    assert len(stored_files(documents_folder)) == 1
    close(w.household)
    with years_later(21), django_capture_on_commit_callbacks(execute=True):
        sweep.run()
    assert stored_files(documents_folder) == []
    assert leftovers(["Anna", "Bram", "Dirk", "Karin"], []) == []
    document = Document.objects.get()
    assert (document.original_name, document.stored_name, document.description, document.sha256) == (
        "",
        "",
        "",
        "",
    )
    assert set(JournalEntry.objects.values_list("summary", flat=True)) == {""}
    assert JournalEntry.objects.count() == 2  # the skeleton stays: kinds and dates, for steering


def test_documents_go_to_s3_compatible_storage_by_configuration():
    assert document_storage("filesystem") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = document_storage("s3", bucket="verband-docs", endpoint="https://s3.example.nl", region="nl-ams",
                          access_key="AK", secret_key="SK")  # fmt: skip
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"] == {
        "bucket_name": "verband-docs", "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
        "endpoint_url": "https://s3.example.nl", "region_name": "nl-ams", "access_key": "AK", "secret_key": "SK",
    }  # fmt: skip
    with pytest.raises(ImproperlyConfigured):
        document_storage("s3")
    with pytest.raises(ImproperlyConfigured):
        document_storage("ftp")


def test_the_s3_backend_is_importable_and_takes_the_options():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        **document_storage("s3", bucket="verband-docs", endpoint="https://s3.example.nl")["OPTIONS"]
    )
    assert (
        storage.bucket_name == "verband-docs"
        and storage.default_acl == "private"
        and not storage.file_overwrite
    )


def test_a_form_with_a_document_may_be_larger_than_other_requests(journal_family, settings, as_user):
    w = journal_family
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = as_user(w.involved)
    body = {
        "document": upload("groot.pdf", PDF + b" " * 50_000),
        "description": "x",
        "visibility": "involved",
    }
    response = client.post(f"/huishoudens/{w.household.reference}/documenten/", body)
    assert response.status_code == 302  # within VERBAND_UPLOAD_MAX_MB (1 MB in these tests)
    # Another request as large is refused before it is read.
    big = Client().post(
        "/aanmelden/", "username=" + "x" * 20_000, content_type="application/x-www-form-urlencoded"
    )
    assert big.status_code == 413
