"""The household's safety page: the assessment history, a new assessment, danger facts and instruments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.actors import Actor
from verband.households.models import Household
from verband.households.selectors import household_people
from verband.network.models import CASEWORK_ROLES, Role
from verband.safety import instrument as instruments
from verband.safety import services
from verband.safety.forms import AssessmentForm, DangerForm, InstrumentForm
from verband.safety.models import DangerFact, InstrumentResult
from verband.safety.selectors import safety_summary
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.decorators import role_required
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, view_scope
from verband.signals import feedback as reporter_feedback
from verband.text import errors_of

WRITERS = (Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR)


def _page(
    request: HttpRequest,
    actor: Actor,
    household: Household,
    basis: str,
    form: AssessmentForm | None = None,
    danger_form: DangerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = view_scope(actor, household)
    members = [p for p in household_people(household) if scope.sees_person(p.pk)]
    summary = safety_summary(household, members, scope)
    every_result = list(
        InstrumentResult.objects.filter(household=household).select_related("organisation")[:50]
    )
    results = [r for r in every_result if _result_shown(scope, r)]
    record_many(
        actor,
        action="view",
        object_type="safety",
        object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, p.pk) for p in members],
        basis=basis,
    )
    may_write = actor.membership is not None and actor.membership.role in WRITERS
    context = {
        "household": household,
        "summary": summary,
        "results": results,
        "hidden_results": len(every_result) - len(results),
        "form": form or AssessmentForm(members=members),
        "danger_form": danger_form or DangerForm(),
        "may_write": may_write,
        "instruments": sorted(instruments.available().values(), key=lambda i: i.name),
        # The reporting centre sees which professional reporters still wait for the law's feedback.
        "feedback_waiting": len(reporter_feedback.due_after_assessment(actor, household)),
    }
    return render(request, "safety/safety.html", context, status=status)


def _result_shown(scope: Scope, result: InstrumentResult) -> bool:
    """An instrument filled in is about the household: a member-scoped partner sees its own
    organisation's, unless it belongs to an assessment kept from one of its members."""
    if scope.whole:
        return True
    own = result.organisation_id is not None and result.organisation_id == scope.organisation_id
    if result.assessment_id is None:
        return own
    return own and scope.shows(
        ItemType.ASSESSMENT, result.assessment_id, None, owner_organisation_id=result.organisation_id
    )


@role_required(*CASEWORK_ROLES)
def safety_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    if request.method == "POST":
        household, basis = get_household_or_404(actor, reference, action="create")
        if actor.membership is None or actor.membership.role not in WRITERS:
            raise Http404
        scope = view_scope(actor, household)
        form = AssessmentForm(
            request.POST, members=[p for p in household_people(household) if scope.sees_person(p.pk)]
        )
        if form.is_valid():
            try:
                services.record_assessment(actor, household, form.as_input())
            except ValidationError as exc:
                for key, problems in errors_of(exc).items():
                    form.add_error(
                        None if key == "__all__" else key if key in form.fields else None, problems
                    )
            else:
                messages.success(request, _("The safety assessment is recorded."))
                if reporter_feedback.due_after_assessment(actor, household):
                    # The reporting centre's next step: tell the professional reporters the follow-up.
                    return redirect("signals:feedback", reference=household.reference)
                return redirect("safety:page", reference=household.reference)
        return _page(request, actor, household, basis, form=form, status=400)
    household, basis = get_household_or_404(actor, reference)
    return _page(request, actor, household, basis)


@role_required(*WRITERS)
@require_POST
def danger_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action="create")
    form = DangerForm(request.POST)
    if form.is_valid():
        try:
            services.add_danger_fact(
                actor,
                household,
                form.cleaned_data["kind"],
                form.cleaned_data["detail"],
                review_on=form.cleaned_data.get("review_on"),
            )
        except ValidationError as exc:
            for key, problems in errors_of(exc).items():
                form.add_error(key if key in form.fields else None, problems)
            return _page(request, actor, household, basis, danger_form=form, status=400)
        messages.success(request, _("The danger fact is recorded and shown to every professional involved."))
        return redirect("safety:page", reference=household.reference)
    return _page(request, actor, household, basis, danger_form=form, status=400)


@role_required(*WRITERS)
@require_POST
def danger_end_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    if request.POST.get("confirm") != "yes":
        # One click does not take a danger flag away: a page asks first (no JavaScript needed).
        fact = DangerFact.objects.filter(household=household, pk=pk, ended_at__isnull=True).first()
        if fact is None:
            raise Http404
        page = reverse("safety:page", args=[household.reference])
        return render(
            request,
            "confirm.html",
            {
                "title": _("Does “%(fact)s” no longer apply?") % {"fact": fact},
                "text": _(
                    "The flag disappears for every professional involved, on the household page and in "
                    "the inbox. It stays in the history."
                ),
                "action": reverse("safety:danger_end", args=[household.reference, pk]),
                "hidden": [],
                "confirm_label": _("Yes, it no longer applies"),
                "back": page,
                "back_label": _("No, keep the flag"),
            },
        )
    try:
        services.end_danger_fact(actor, household, pk)
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("The danger fact no longer applies; it stays in the history."))
    return redirect("safety:page", reference=household.reference)


@role_required(*WRITERS)
def instrument_view(request: HttpRequest, reference: str, code: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="create" if request.method == "POST" else "view"
    )
    instrument = instruments.available().get(code)
    if instrument is None:
        raise Http404
    answers: dict[str, float] = {}
    error = ""
    if request.method == "POST":
        form = InstrumentForm(request.POST, instrument=instrument)
        valid = form.is_valid()
        answers = form.answers()
        try:
            if not valid:
                raise ValidationError(_("Choose one of the answers."))
            services.record_instrument(actor, household, instrument, answers)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s is recorded.") % {"name": instrument.name})
            return redirect("safety:page", reference=household.reference)
    record_many(
        actor,
        action="view",
        object_type="instrument",
        object_id=household.reference,
        subjects=[Subject(household.pk)],
        basis=basis,
    )
    questions = [(q, instrument.options_for(q), answers.get(q.id)) for q in instrument.questions]
    return render(
        request,
        "safety/instrument.html",
        {"household": household, "instrument": instrument, "questions": questions, "error": error},
        status=400 if error else 200,
    )
