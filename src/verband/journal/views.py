"""The journal page, the form for a new entry, an entry with its history and its correction, the
documents page and the download. Every page logs the household and each member it names; every refusal
is logged and answered "not found" (an entry or document this person may not see does not exist for
them)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Household, Person
from verband.households.selectors import household_people
from verband.journal import services, uploads
from verband.journal.forms import DocumentForm, EntryForm
from verband.journal.models import Document, EntryKind, JournalEntry, Visibility
from verband.journal.selectors import journal_for, participant_ids, shows_document, shows_entry, versions
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.scope import Scope, view_scope
from verband.text import errors_of


def _log(actor: Actor, household: Household, basis: str, object_type: str, person_ids: set[int],
         object_id: str = "", action: str = "view") -> None:  # fmt: skip
    record_many(
        actor,
        action=action,
        object_type=object_type,
        object_id=object_id or household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, pid) for pid in sorted(person_ids)],
        basis=basis,
    )


def _members(household: Household, scope: Scope) -> list[Person]:
    return [p for p in household_people(household) if scope.sees_person(p.pk)]


def _names(household: Household) -> dict[int, str]:
    return {p.pk: p.full_name for p in household_people(household)}


def _label(entries: list[JournalEntry], scope: Scope, names: dict[int, str]) -> set[int]:
    """Names of the participants, and — for a partner working with the whole household — whom an entry is
    kept from. Returns the members the labels name (for the access log)."""
    from verband.shielding.models import ItemType

    named: set[int] = set()
    for entry in entries:
        entry.participant_names = [names.get(pid, "") for pid in getattr(entry, "participant_ids", [])]  # type: ignore[attr-defined]
        kept_from = sorted(scope.shielded_from(ItemType.JOURNAL, entry.item_id)) if scope.whole else []
        entry.shielded_names = [names.get(pid, "") for pid in kept_from]  # type: ignore[attr-defined]
        named |= set(kept_from)
    return named


def _label_documents(documents: list[Document], scope: Scope, names: dict[int, str]) -> set[int]:
    from verband.shielding.models import ItemType

    named: set[int] = set()
    for document in documents:
        kept_from = sorted(scope.shielded_from(ItemType.DOCUMENT, document.pk)) if scope.whole else []
        document.shielded_names = [names.get(pid, "") for pid in kept_from]  # type: ignore[attr-defined]
        named |= set(kept_from)
    return named


@role_required(*CASEWORK_ROLES)
def journal_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    journal = journal_for(scope, household)
    names = _names(household)
    named = _label(journal.entries, scope, names)
    for entry in journal.entries:
        named |= _label_documents(entry.shown_documents, scope, names)  # type: ignore[attr-defined]
    named |= _label_documents(journal.documents, scope, names)
    _log(actor, household, basis, "journal", journal.person_ids() | named)
    context = {
        "household": household,
        "journal": journal,
        "may_write": services.may_write(actor, household),
    }
    return render(request, "journal/journal.html", context)


def _chosen(post: object, name: str) -> list[str]:
    if isinstance(post, QueryDict):
        return post.getlist(name)
    value = post.get(name, []) if isinstance(post, dict) else []
    return list(value)


def _form_context(household: Household, scope: Scope, form_errors: dict, post: object) -> dict:
    return {
        "chosen_participants": _chosen(post, "participants"),
        "chosen_shields": _chosen(post, "shielded_from"),
        "household": household,
        "members": _members(household, scope),
        "whole": scope.whole,
        "kinds": EntryKind.choices,
        "visibilities": Visibility.choices,
        "errors": form_errors,
        "post": post,
        "accept": uploads.ACCEPT,
        "max_mb": settings.DOCUMENT_MAX_MB,
    }


def _writer(actor: Actor, household: Household, object_type: str) -> None:
    if not services.may_write(actor, household):
        record(actor, action="create", object_type=object_type, object_id=household.reference,
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied(_("Only a professional working with this household writes in its journal."))


@role_required(*ACTING_ROLES)
def new_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    _writer(actor, household, "journal_entry")
    scope = view_scope(actor, household)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
        form.is_valid()
        try:
            if form.errors:
                raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
            services.record_entry(actor, household, form.entry(), form.document_input())
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The entry is recorded in the journal."))
            return redirect("journal:journal", reference=household.reference)
    context = _form_context(household, scope, errors, request.POST)
    _log(actor, household, basis, "journal_form", {p.pk for p in context["members"]})
    return render(request, "journal/entry_form.html", context, status=400 if errors else 200)


def _entry_or_404(
    actor: Actor, household: Household, scope: Scope, pk: int, action: str = "view"
) -> JournalEntry:
    """The newest version of the entry `pk` (any of its versions) if this person may see it."""
    found = JournalEntry.objects.filter(pk=pk, household=household).first()
    current = (
        JournalEntry.objects.filter(Q(pk=found.item_id) | Q(thread_id=found.item_id), correction__isnull=True)
        .select_related("household", "organisation")
        .first()
        if found is not None
        else None
    )
    if current is None or not shows_entry(scope, current, participant_ids([current]).get(current.pk, set())):
        record(actor, action=action, object_type="journal_entry", object_id=str(pk), household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise Http404
    return current


@role_required(*CASEWORK_ROLES)
def entry_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """One entry with every version: the newest first, each earlier one marked corrected, with who
    corrected it, when and why."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    current = _entry_or_404(actor, household, scope, pk)
    every = versions(current)
    participants = participant_ids(every)
    shown = []
    for version in every:
        version.participant_ids = sorted(participants.get(version.pk, set()))  # type: ignore[attr-defined]
        if shows_entry(scope, version, participants.get(version.pk, set())):
            shown.append(version)
    names = _names(household)
    named = _label(shown, scope, names)
    documents = [
        d
        for d in Document.objects.filter(entry_id=current.item_id).select_related("person")
        if shows_document(scope, d)
    ]
    named |= _label_documents(documents, scope, names)
    persons = named | {pid for v in shown for pid in v.participant_ids}  # type: ignore[attr-defined]
    persons |= {v.person_id for v in shown if v.person_id} | {d.person_id for d in documents if d.person_id}
    _log(actor, household, basis, "journal_entry", persons, object_id=str(current.pk))
    context = {
        "household": household,
        "entry": current,
        "versions": shown,
        "hidden_versions": len(every) - len(shown),
        "documents": documents,
        "may_correct": services.may_write(actor, household)
        and actor.organisation is not None
        and actor.organisation.pk == current.organisation_id,
    }
    return render(request, "journal/entry.html", context)


@role_required(*ACTING_ROLES)
def correct_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    scope = view_scope(actor, household)
    current = _entry_or_404(actor, household, scope, pk, action="update")
    if current.pk != pk:
        # An older version: the correction is of the newest one.
        return redirect("journal:correct", reference=household.reference, pk=current.pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
        form.is_valid()
        try:
            if form.errors:
                raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
            new = services.correct_entry(
                actor, current, form.entry(), request.POST.get("reason", ""), form.document_input()
            )
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(
                request, _("The correction is recorded; the earlier version stays in the history.")
            )
            return redirect("journal:entry", reference=household.reference, pk=new.pk)
        post: object = request.POST
    else:
        if not (
            services.may_write(actor, household)
            and actor.organisation
            and actor.organisation.pk == current.organisation_id
        ):
            record(actor, action="update", object_type="journal_entry", object_id=str(pk),
                   household_id=household.pk, outcome="denied")  # fmt: skip
            raise PermissionDenied(_("Only the organisation that wrote an entry corrects it."))
        local = current.occurred_at.astimezone()
        post = {
            "kind": current.kind, "date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}",
            "person": str(current.person_id or ""), "participants": [str(p) for p in sorted(participant_ids([current]).get(current.pk, set()))],
            "other_participants": current.other_participants, "summary": current.summary,
            "next_step": current.next_step, "visibility": current.visibility,
        }  # fmt: skip
    context = _form_context(household, scope, errors, post)
    context["entry"] = current
    _log(
        actor, household, basis, "journal_form", {p.pk for p in context["members"]}, object_id=str(current.pk)
    )
    return render(request, "journal/entry_form.html", context, status=400 if errors else 200)


@role_required(*CASEWORK_ROLES)
def documents_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The household's documents this person may see (attached to an entry or not), and the upload."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    scope = view_scope(actor, household)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        form.is_valid()
        try:
            _writer(actor, household, "document")
            if form.errors:
                raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
            data = form.document_input()
            if data is None:
                raise ValidationError({"document": [_("Choose a file.")]})
            services.add_document(actor, household, data)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The document is stored."))
            return redirect("journal:documents", reference=household.reference)
    journal = journal_for(scope, household)
    documents = list(journal.documents)
    for entry in journal.entries:
        for d in entry.shown_documents:  # type: ignore[attr-defined]
            d.shown_entry = entry
            documents.append(d)
    documents.sort(key=lambda d: (d.uploaded_at, d.pk), reverse=True)
    names = _names(household)
    named = _label_documents(documents, scope, names)
    members = _members(household, scope)
    persons = named | {d.person_id for d in documents if d.person_id} | {p.pk for p in members}
    _log(actor, household, basis, "documents", persons)
    context = {
        "household": household,
        "documents": documents,
        "hidden": journal.hidden_documents,
        "members": members,
        "whole": scope.whole,
        "visibilities": Visibility.choices,
        "may_write": services.may_write(actor, household),
        "errors": errors,
        "post": request.POST,
        "accept": uploads.ACCEPT,
        "max_mb": settings.DOCUMENT_MAX_MB,
    }
    return render(request, "journal/documents.html", context, status=400 if errors else 200)


@role_required(*CASEWORK_ROLES)
def download_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The document as an attachment, never shown in the browser; logged with whom it is about."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    document = Document.objects.filter(pk=pk, household=household).select_related("entry").first()
    visible = document is not None
    if document is not None and document.entry is not None:
        entry = (
            JournalEntry.objects.filter(thread_id=document.entry.pk, correction__isnull=True).first()
            or document.entry
        )
        visible = shows_entry(scope, entry, participant_ids([entry]).get(entry.pk, set()))
    if document is None or not visible or not shows_document(scope, document):
        record(actor, action="download", object_type="document", object_id=str(pk), household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise Http404
    try:
        handle = default_storage.open(document.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    _log(actor, household, basis, "document", {document.person_id} if document.person_id else set(),
         object_id=str(document.pk), action="download")  # fmt: skip
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # A streamed answer (the page decorators are typed for HttpResponse; Django serves either).
    return cast(HttpResponse, response)
