"""The page to merge households or persons that are the same, split a wrong link off, and undo either
(`collaboration.merging`). Each asks for confirmation first; who may not gets a 404 for a household
they do not see (logged denied) and the Dutch 403 page otherwise."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verband.collaboration import merging
from verband.households.models import Household, HouseholdMember, Merge, Person
from verband.network.models import ACTING_ROLES
from verband.sharing.access import actor_for_request, get_household_or_404, plausible_reference
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.text import plain_id


def _members(household: Household) -> list[HouseholdMember]:
    return list(
        HouseholdMember.objects.filter(household=household)
        .select_related("person")
        .order_by("person__family_name", "person__given_names", "pk")
    )


def _person(members: list[HouseholdMember], raw: str | None) -> Person | None:
    pk = plain_id(raw)
    return next((m.person for m in members if m.person_id == pk), None)


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def merge_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    if not merging.may_merge(actor, household):
        record(actor, action="update", object_type="merge", object_id=reference, household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise PermissionDenied
    members = _members(household)
    error = ""
    confirm: dict | None = None
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        reason = request.POST.get("reason", "")
        confirmed = request.POST.get("confirmed") == "1"
        try:
            if what == "households":
                other = _other_household(actor, request.POST.get("other", ""))
                if confirmed:
                    merging.merge_households(actor, household, other, reason)
                    messages.success(
                        request,
                        _("Household %(other)s is merged into this one.") % {"other": other.reference},
                    )
                    return redirect("households:detail", reference=reference)
                merging._reason(reason)
                if other.pk == household.pk or not merging.may_merge(actor, other):
                    raise ValidationError(_("You may not merge these households."))
                other_members = _members(other)
                record_many(actor, action="view", object_type="merge", object_id=other.reference,
                            subjects=[Subject(other.pk, m.person_id) for m in other_members] or [Subject(other.pk)])  # fmt: skip
                confirm = {"what": what, "other": other, "other_members": other_members}
            elif what in ("persons", "split"):
                kept = _person(members, request.POST.get("kept"))
                other_person = (
                    _person(members, request.POST.get("other_person")) if what == "persons" else None
                )
                if kept is None or (what == "persons" and other_person is None):
                    raise ValidationError(_("Choose a member of this household."))
                if confirmed and what == "persons":
                    merging.merge_persons(actor, household, kept, other_person, reason)  # type: ignore[arg-type]
                    messages.success(request, _("The two persons are merged into one."))
                    return redirect("households:detail", reference=reference)
                if confirmed:
                    merging.split_member(actor, household, kept, reason)
                    messages.success(
                        request, _("%(name)s has a household of their own now.") % {"name": kept.full_name}
                    )
                    return redirect("households:detail", reference=reference)
                merging._reason(reason)
                if what == "persons" and kept.pk == other_person.pk:  # type: ignore[union-attr]
                    raise ValidationError(_("Choose two different persons."))
                confirm = {"what": what, "kept": kept, "other_person": other_person}
            else:
                raise ValidationError(_("Choose what to do."))
        except ValidationError as exc:
            error = " ".join(exc.messages)
            confirm = None
    record_many(actor, action="view", object_type="merge", object_id=reference,
                subjects=[Subject(household.pk, m.person_id) for m in members] or [Subject(household.pk)])  # fmt: skip
    context = {
        "household": household,
        "members": members,
        "history": merging.history(household),
        "error": error,
        "confirm": confirm,
        "form": form,
    }
    return render(request, "collaboration/merge.html", context, status=200)


def _other_household(actor: object, reference: str) -> Household:
    """The household to merge with, named by its reference: one the actor does not see is "not found"
    (logged denied), as any other — the page never tells whether it exists."""
    reference = reference.strip().upper()
    if not plausible_reference(reference):
        raise ValidationError(_("No household with this reference that you can see."))
    try:
        other, _basis = get_household_or_404(actor, reference, action="update")  # type: ignore[arg-type]
    except (Http404, PermissionDenied):  # logged as denied by get_household_or_404
        raise ValidationError(_("No household with this reference that you can see.")) from None
    return other


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def undo_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    merge = Merge.objects.filter(pk=pk, household=household).first()
    if merge is None:  # another household's merge, or none: "not found", logged as any refusal
        record(actor, action="update", object_type="merge", object_id=str(pk), household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise Http404
    if not merging.may_merge(actor, household):
        record(actor, action="update", object_type="merge", object_id=reference, household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            merging.undo(actor, merge)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Undone."))
            return redirect("collaboration:merge", reference=reference)
    record(actor, action="view", object_type="merge", object_id=str(merge.pk), household_id=household.pk)
    return render(
        request, "collaboration/merge_undo.html", {"household": household, "merge": merge, "error": error}
    )
