"""The household's journal and documents.

A `JournalEntry` is a contact moment (home visit, phone call, office conversation, video call,
consultation) or a note, written by a professional for their organisation. Entries are never edited nor
deleted: a correction is a new row that `corrects` the one before it (at most once: the unique one-to-one
makes two people correcting the same version at once a clear "someone else already did"), with who, when
and why; the first version is the `thread` every later version points to, and shields and documents
belong to the thread. A `Document` is a checked file (`verband.journal.uploads`) of the household or of
one member, optionally attached to an entry, kept through Django's storage API under a random name; its
original name stays here.

Who sees an entry or a document (`verband.journal.selectors.shows`): everyone involved, or only the
author's organisation; within that, the shielding scope (`verband.shielding.scope`) of the viewer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE_CALL = "phone_call", _("Phone call")
    OFFICE = "office", _("Office conversation")
    VIDEO_CALL = "video_call", _("Video call")
    CONSULTATION = "consultation", _("Consultation")
    NOTE = "note", _("Note")


# The kinds that are contact with the household itself (a consultation is between professionals): with a
# member taking part, the first of them is the involved partner's first contact.
CONTACT_KINDS = frozenset(
    {EntryKind.HOME_VISIT, EntryKind.PHONE_CALL, EntryKind.OFFICE, EntryKind.VIDEO_CALL}
)


class Visibility(models.TextChoices):
    INVOLVED = "involved", _("Everyone involved")
    ORGANISATION = "organisation", _("Own organisation only")


class JournalEntry(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="journal_entries"
    )
    # The first version of this entry (None for the first version itself).
    thread = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_versions"
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField("households.Person", blank=True, related_name="+")
    other_participants = models.CharField(_("other participants"), max_length=300, blank=True)
    summary = models.TextField(_("summary"))
    next_step = models.TextField(_("next step"), blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=12, choices=Visibility.choices, default=Visibility.INVOLVED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    correction_reason = models.TextField(blank=True)
    event = models.ForeignKey(
        "households.HouseholdEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["household", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(corrects__isnull=True, thread__isnull=True)
                    | models.Q(corrects__isnull=False, thread__isnull=False)
                ),
                name="journal_correction_in_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.occurred_at:%Y-%m-%d}"

    @property
    def item_id(self) -> int:
        """The entry as an item of the household (shields, documents): its first version."""
        return self.thread_id or self.pk


class Document(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="documents")
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The entry's first version (its thread): a document stays with the entry through its corrections.
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    original_name = models.CharField(_("file name"), max_length=150)
    stored_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=12, choices=Visibility.choices, default=Visibility.INVOLVED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_by_name = models.CharField(max_length=200)
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.household_id} {self.original_name}"

    @property
    def item_id(self) -> int:
        return self.pk
