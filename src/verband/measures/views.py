"""The pages of protective measures (/huishoudens/<ref>/maatregelen/…) and of closing a case
(/huishoudens/<ref>/afsluiten/). A household the user may not see is "not found"; a measure the user may
not see (shielded from the member a partner works with) is "not found" too; both attempts are logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Household, Person
from verband.households.selectors import household_people
from verband.measures import closing, services
from verband.measures.forms import ClosingForm, EndForm, ExtendForm, MeasureForm
from verband.measures.models import AFTERCARE_MONTHS, ProtectiveMeasure
from verband.measures.selectors import protected_members, shows_measure, visible_measures
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.scope import Scope, view_scope
from verband.text import errors_of


def _members(household: Household, scope: Scope) -> list[Person]:
    return [p for p in household_people(household) if scope.sees_person(p.pk)]


def _log_shown(
    actor: Actor, household: Household, basis: str, measures: list[ProtectiveMeasure], people: list[Person]
) -> None:
    subjects = [Subject(household.pk)]
    for m in measures:
        subjects.append(Subject(household.pk, m.person_id))
        shown = getattr(m, "protected_shown", None)  # named on the page (`visible_measures`)
        if shown is not None:
            subjects.append(Subject(household.pk, shown.pk))
    subjects += [Subject(household.pk, p.pk) for p in people]
    record_many(
        actor,
        action="view",
        object_type="measure",
        object_id=household.reference,
        subjects=subjects,
        basis=basis,
    )


def _add_errors(form: MeasureForm | ExtendForm | EndForm | ClosingForm, exc: ValidationError) -> None:
    for key, problems in errors_of(exc).items():
        form.add_error(key if key in form.fields else None, problems)


@role_required(*CASEWORK_ROLES)
def list_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    measures, hidden = visible_measures(scope, household)
    _log_shown(actor, household, basis, measures, [])
    today = timezone.localdate()
    for m in measures:
        m.changeable = services.may_change(actor, m)  # type: ignore[attr-defined]
    context = {
        "household": household,
        "running": [m for m in measures if m.running_on(today)],
        "past": [m for m in measures if not m.running_on(today)],
        "hidden": hidden,
        "scope": scope,
        "may_write": services.may_record(actor, household),
        "today": today,
    }
    return render(request, "measures/list.html", context)


@role_required(*ACTING_ROLES)
def new_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action="create")
    scope = view_scope(actor, household)
    members = _members(household, scope)
    form = MeasureForm(request.POST or None, members=members)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_measure(actor, household, form.as_input())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The measure is recorded."))
                return redirect("measures:list", reference=household.reference)
        status = 400
    record_many(
        actor, action="view", object_type="measure_form", object_id=household.reference,
        subjects=[Subject(household.pk, p.pk) for p in members], basis=basis,
    )  # fmt: skip
    return render(request, "measures/new.html", {"household": household, "form": form}, status=status)


def _measure_or_404(actor: Actor, household: Household, pk: int, action: str) -> ProtectiveMeasure:
    measure = (
        ProtectiveMeasure.objects.filter(pk=pk, household=household)
        .select_related("household", "person", "protected_person")
        .prefetch_related("extensions")
        .first()
    )
    if (
        measure is None
        or not shows_measure(view_scope(actor, household), measure, protected_members(household))
        # Reading is not changing: extending or ending it is for its organisation or the whole-household
        # partners (`services.may_change`).
        or not services.may_change(actor, measure)
    ):
        record(
            actor, action=action, object_type="measure", object_id=str(pk), household_id=household.pk,
            outcome="denied",
        )  # fmt: skip
        raise Http404
    return measure


@role_required(*ACTING_ROLES)
def extend_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action="update")
    measure = _measure_or_404(actor, household, pk, "extend")
    if not measure.extendable:
        raise Http404
    form = ExtendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.extend_house_ban(
                    actor,
                    measure,
                    decided_on=form.cleaned_data["decided_on"],
                    new_end=form.cleaned_data["new_end"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The huisverbod is extended."))
                return redirect("measures:list", reference=household.reference)
        status = 400
    _log_shown(actor, household, basis, [measure], [])
    return render(
        request,
        "measures/extend.html",
        {"household": household, "measure": measure, "form": form},
        status=status,
    )


@role_required(*ACTING_ROLES)
def end_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action="update")
    measure = _measure_or_404(actor, household, pk, "end")
    if measure.ended_at is not None:
        raise Http404
    form = EndForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.end_measure(actor, measure, form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The measure has ended."))
                return redirect("measures:list", reference=household.reference)
        status = 400
    _log_shown(actor, household, basis, [measure], [])
    return render(
        request,
        "measures/end.html",
        {"household": household, "measure": measure, "form": form},
        status=status,
    )


@role_required(*ACTING_ROLES)
def close_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Only the regisseur closes the case; a partner who is not is refused (403, logged)."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action="close")
    if not closing.may_close(actor, household):
        record(
            actor, action="close", object_type="household", object_id=household.reference,
            household_id=household.pk, basis=basis, outcome="denied",
        )  # fmt: skip
        raise PermissionDenied
    base = closing.closing_basis(household)
    form = ClosingForm(request.POST or None, members=base.members, last_scores=base.last_scores)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = closing.ClosingInput(
                scores={p.pk: form.cleaned_data.get(f"score_{p.pk}") for p in base.members},
                summary=form.cleaned_data["summary"],
                aftercare_months=form.cleaned_data["aftercare"],
            )
            try:
                closing.close_case(actor, household, data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The case %(reference)s is closed. The aftercare checks are in your tasks.")
                    % {"reference": household.reference},
                )
                return redirect("tasks:list")
        status = 400
    record_many(
        actor, action="view", object_type="closing", object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, p.pk) for p in base.members], basis=basis,
    )  # fmt: skip
    today = timezone.localdate()
    context = {
        "household": household,
        "form": form,
        "basis": base,
        "dates": closing.aftercare_dates(today, list(closing.AFTERCARE_CHOICES)),
        "chosen": [int(v) for v in request.POST.getlist("aftercare") if v.isascii() and v.isdigit()]
        if request.method == "POST"
        else list(AFTERCARE_MONTHS),
        "confirmed": bool(request.POST.get("confirm")),
    }
    return render(request, "measures/close.html", context, status=status)
