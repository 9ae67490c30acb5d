"""The journal's and the documents' writes: recording an entry (with a document), correcting one as a
new version, adding a document. Each checks everything before it writes, writes in one transaction,
audits in the access log and — for an upload — writes the file only after the checks, inside the
transaction, and deletes it again when the transaction does not complete (nothing half-stored).

Who writes: a case worker who acts (not an experience expert, who reads) through an involvement of their
own party (an emergency access only reads). A partner working with named members writes about those
members only. A correction is made by the organisation that wrote the entry."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import EventKind, Household, HouseholdMember
from verband.households.services import add_event
from verband.journal import uploads
from verband.journal.models import CONTACT_KINDS, Document, EntryKind, JournalEntry, Visibility
from verband.network.models import ACTING_ROLES
from verband.sharing.access import is_own_involvement, visible_involvements, works_with
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.models import Involvement
from verband.shielding.models import ItemType, ShieldDecision
from verband.shielding.scope import Scope, household_shields, view_scope
from verband.text import bounded, reason_text

SUMMARY_MAX = 10_000
NEXT_STEP_MAX = 2_000
OTHERS_MAX = 300
DESCRIPTION_MAX = 300


@dataclass
class EntryInput:
    kind: str
    occurred_at: datetime | None
    summary: str
    next_step: str = ""
    person_id: int | None = None
    participant_ids: list[int] = field(default_factory=list)
    other_participants: str = ""
    visibility: str = Visibility.INVOLVED
    shielded_from: list[int] = field(default_factory=list)


@dataclass
class DocumentInput:
    upload: UploadedFile
    person_id: int | None = None
    description: str = ""
    visibility: str = Visibility.INVOLVED


def may_write(actor: Actor, household: Household) -> bool:
    m = actor.membership
    return m is not None and m.role in ACTING_ROLES and works_with(actor, household)


def _refused(actor: Actor, household: Household, object_type: str, object_id: str = "") -> PermissionDenied:
    record(actor, action="create", object_type=object_type, object_id=object_id or household.reference,
           household_id=household.pk, outcome="denied")  # fmt: skip
    return PermissionDenied(_("Only a professional working with this household writes in its journal."))


def _members(household: Household) -> set[int]:
    return set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))


def _add(errors: dict[str, list[str]], name: str, exc: ValidationError) -> None:
    errors.setdefault(name, []).extend(exc.messages)


def _check_entry(scope: Scope, household: Household, data: EntryInput) -> dict[str, list[str]]:
    """Every problem of the input, per field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    if data.kind not in EntryKind.values:
        errors["kind"] = [_("Choose what kind of entry this is.")]
    if data.occurred_at is None:
        errors["occurred_at"] = [_("Give the date and time.")]
    elif data.occurred_at > timezone.now():
        errors["occurred_at"] = [
            _("The date and time lie in the future. Record a contact once it took place.")
        ]
    for name, value, maximum, required in (
        ("summary", data.summary, SUMMARY_MAX, True),
        ("next_step", data.next_step, NEXT_STEP_MAX, False),
        ("other_participants", data.other_participants, OTHERS_MAX, False),
    ):
        try:
            setattr(data, name, bounded(value, field=name, maximum=maximum, required=required))
        except ValidationError as exc:
            _add(errors, name, exc)
    if data.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may read this.")]
    members = _members(household)
    seen = {pid for pid in members if scope.sees_person(pid)}
    if data.person_id is not None and data.person_id not in seen:
        errors["person"] = [_("Choose a member of this household.")]
    elif data.person_id is None and not scope.whole:
        errors["person"] = [_("Choose one of the members your organisation works with.")]
    if set(data.participant_ids) - seen:
        errors["participants"] = [_("Choose members of this household.")]
    if data.shielded_from:
        if not scope.whole:
            errors["shielded_from"] = [
                _("Only a professional working with the whole household shields from members.")
            ]
        elif set(data.shielded_from) - members:
            errors["shielded_from"] = [_("Choose members of this household.")]
    return errors


def _check_document(
    scope: Scope, household: Household, data: DocumentInput, errors: dict[str, list[str]]
) -> uploads.Checked | None:
    try:
        data.description = bounded(data.description, field="description", maximum=DESCRIPTION_MAX)
    except ValidationError as exc:
        _add(errors, "description", exc)
    if data.person_id is not None and not (
        data.person_id in _members(household) and scope.sees_person(data.person_id)
    ):
        errors["document_person"] = [_("Choose a member of this household.")]
    elif data.person_id is None and not scope.whole:
        errors["document_person"] = [_("Choose one of the members your organisation works with.")]
    if data.visibility not in Visibility.values:
        errors["document_visibility"] = [_("Choose who may read this.")]
    try:
        return uploads.check(data.upload)
    except ValidationError as exc:
        _add(errors, "document", exc)
        return None


class Files:
    """The files written in one write; `delete()` takes them away again when it does not complete."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, household: Household, checked: uploads.Checked, upload: UploadedFile) -> str:
        now = timezone.now()
        name = f"documents/{now:%Y/%m}/{uuid.uuid4().hex}{checked.extension}"
        upload.seek(0)
        stored = default_storage.save(name, upload)
        self.names.append(stored)
        return stored

    def delete(self) -> None:
        delete_files(self.names)


def delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _document(
    actor: Actor,
    household: Household,
    data: DocumentInput,
    checked: uploads.Checked,
    files: Files,
    entry: JournalEntry | None,
) -> Document:
    assert actor.organisation is not None  # a case worker who may write acts for an organisation
    stored = files.save(household, checked, data.upload)
    document = Document.objects.create(
        household=household, person_id=data.person_id, entry=entry, original_name=checked.name,
        stored_name=stored, content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        description=data.description, visibility=data.visibility, uploaded_by=actor.user,
        uploaded_by_name=_name(actor), organisation=actor.organisation,
    )  # fmt: skip
    record(actor, action="create", object_type="document", object_id=str(document.pk),
           household_id=household.pk, person_id=document.person_id)  # fmt: skip
    return document


def _name(actor: Actor) -> str:
    user = actor.user
    return (user.get_full_name() or user.get_username())[:200] if user is not None else ""


def _shield(
    actor: Actor, household: Household, item_type: str, item_id: int, person_ids: Iterable[int]
) -> None:
    already = household_shields(household).get((item_type, item_id), frozenset())
    for person_id in sorted(set(person_ids) - already):
        ShieldDecision.objects.create(
            household=household, item_type=item_type, item_id=item_id, person_id=person_id, shielded=True,
            reason=_("Shielded by the writer when it was recorded."), by=actor.user,
            by_organisation=actor.organisation,
        )  # fmt: skip
        record(actor, action="update", object_type="shield", object_id=f"{item_type}:{item_id}",
               household_id=household.pk, person_id=person_id)  # fmt: skip


def _subjects(household: Household, entry: JournalEntry, participants: Iterable[int]) -> list[Subject]:
    persons = {*participants, *([entry.person_id] if entry.person_id else [])}
    return [Subject(household.pk)] + [Subject(household.pk, pid) for pid in sorted(persons)]


def _first_contact(actor: Actor, household: Household, entry: JournalEntry, participants: list[int]) -> None:
    """A contact with a member of the household (a home visit, a call, a conversation) is the first contact
    of the writer's own party when none was recorded yet: at the moment it took place."""
    if entry.kind not in CONTACT_KINDS or not participants:
        return
    waiting = visible_involvements(actor).filter(
        household=household, first_contact_at__isnull=True, only_user__isnull=True
    )
    for involvement in waiting.select_related("team", "network", "organisation"):
        if not is_own_involvement(actor, involvement):
            continue
        moved = Involvement.objects.filter(pk=involvement.pk, first_contact_at__isnull=True).update(
            first_contact_at=entry.occurred_at, first_contact_by=actor.user
        )
        if moved:
            add_event(household, EventKind.INVOLVED, _("First contact by %(party)s") % {"party": involvement.party},
                      actor=actor, at=entry.occurred_at)  # fmt: skip
            record(actor, action="update", object_type="involvement", object_id=str(involvement.pk),
                   household_id=household.pk)  # fmt: skip


def record_entry(
    actor: Actor, household: Household, data: EntryInput, document: DocumentInput | None = None
) -> JournalEntry:
    """A contact moment or note, with an optional document attached."""
    if not may_write(actor, household):
        raise _refused(actor, household, "journal_entry")
    scope = view_scope(actor, household)
    errors = _check_entry(scope, household, data)
    checked = None
    if document is not None:
        document.person_id = data.person_id if document.person_id is None else document.person_id
        document.visibility = data.visibility
        checked = _check_document(scope, household, document, errors)
    if errors:
        raise ValidationError(errors)
    assert data.occurred_at is not None and actor.organisation is not None  # checked above
    files = Files()
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                household=household, kind=data.kind, occurred_at=data.occurred_at, person_id=data.person_id,
                other_participants=data.other_participants, summary=data.summary, next_step=data.next_step,
                visibility=data.visibility, author=actor.user, author_name=_name(actor),
                organisation=actor.organisation,
            )  # fmt: skip
            entry.participants.set(data.participant_ids)
            entry.event = add_event(
                household,
                EventKind.JOURNAL,
                str(EntryKind(data.kind).label),
                actor=actor,
                at=data.occurred_at,
            )
            entry.save(update_fields=["event"])
            _shield(actor, household, ItemType.JOURNAL, entry.pk, data.shielded_from)
            if document is not None and checked is not None:
                attached = _document(actor, household, document, checked, files, entry)
                _shield(actor, household, ItemType.DOCUMENT, attached.pk, data.shielded_from)
            _first_contact(actor, household, entry, data.participant_ids)
            record_many(actor, action="create", object_type="journal_entry", object_id=str(entry.pk),
                        subjects=_subjects(household, entry, data.participant_ids))  # fmt: skip
    except BaseException:
        files.delete()
        raise
    return entry


def correct_entry(
    actor: Actor, entry: JournalEntry, data: EntryInput, reason: str, document: DocumentInput | None = None
) -> JournalEntry:
    """A new version of the entry, which stays readable as corrected (by whom, when, why)."""
    household = entry.household
    if (
        not may_write(actor, household)
        or actor.organisation is None
        or actor.organisation.pk != entry.organisation_id
    ):
        record(actor, action="update", object_type="journal_entry", object_id=str(entry.pk),
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied(_("Only the organisation that wrote an entry corrects it."))
    scope = view_scope(actor, household)
    errors = _check_entry(scope, household, data)
    try:
        reason = reason_text(reason)
    except ValidationError as exc:
        _add(errors, "reason", exc)
    checked = None
    if document is not None:
        document.person_id = data.person_id if document.person_id is None else document.person_id
        document.visibility = data.visibility
        checked = _check_document(scope, household, document, errors)
    if errors:
        raise ValidationError(errors)
    assert data.occurred_at is not None  # checked above
    already = _("This entry was corrected in the meantime. Read the newest version and correct that one.")
    if JournalEntry.objects.filter(corrects=entry).exists():
        raise ValidationError(already)
    files = Files()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    new = JournalEntry.objects.create(
                        household=household, thread_id=entry.item_id, corrects=entry, kind=data.kind,
                        occurred_at=data.occurred_at, person_id=data.person_id,
                        other_participants=data.other_participants, summary=data.summary,
                        next_step=data.next_step, visibility=data.visibility, author=actor.user,
                        author_name=_name(actor), organisation=entry.organisation, correction_reason=reason,
                    )  # fmt: skip
            except IntegrityError:
                raise ValidationError(already) from None
            new.participants.set(data.participant_ids)
            new.event = add_event(
                household, EventKind.JOURNAL,
                _("Journal entry corrected: %(kind)s") % {"kind": EntryKind(data.kind).label}, actor=actor,
            )  # fmt: skip
            new.save(update_fields=["event"])
            _shield(actor, household, ItemType.JOURNAL, new.item_id, data.shielded_from)
            if document is not None and checked is not None:
                thread = JournalEntry.objects.get(pk=new.item_id)
                attached = _document(actor, household, document, checked, files, thread)
                _shield(actor, household, ItemType.DOCUMENT, attached.pk, data.shielded_from)
            record_many(actor, action="update", object_type="journal_entry", object_id=str(new.pk),
                        subjects=_subjects(household, new, data.participant_ids))  # fmt: skip
    except BaseException:
        files.delete()
        raise
    return new


def add_document(actor: Actor, household: Household, data: DocumentInput) -> Document:
    """A document of the household or of one member."""
    if not may_write(actor, household):
        raise _refused(actor, household, "document")
    scope = view_scope(actor, household)
    errors: dict[str, list[str]] = {}
    checked = _check_document(scope, household, data, errors)
    if errors or checked is None:
        raise ValidationError(errors)
    files = Files()
    try:
        with transaction.atomic():
            return _document(actor, household, data, checked, files, None)
    except BaseException:
        files.delete()
        raise


def stored_files(household_id: int) -> list[str]:
    """The stored names of the household's documents (for the retention sweep, which deletes them)."""
    return list(
        Document.objects.filter(household_id=household_id)
        .exclude(stored_name="")
        .values_list("stored_name", flat=True)
    )
