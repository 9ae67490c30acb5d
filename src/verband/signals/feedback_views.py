"""The reporting centre's step at the end of its safety assessment: which follow-up it chose and by whom,
told to every professional reporter waiting for it (`signals.feedback`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.signals import feedback
from verband.signals.inbox_forms import FeedbackForm
from verband.signals.models import FeedbackMoment, FollowUp
from verband.text import errors_of


@role_required(*feedback.GIVERS)
def feedback_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    action = "create" if request.method == "POST" else "view"
    household, basis = get_household_or_404(actor, reference, action=action)
    if not feedback.may_give(actor):
        # Only the reporting centre gives this feedback; for anyone else the page does not exist.
        record(
            actor,
            action=action,
            object_type="signal_feedback",
            object_id=household.reference,
            household_id=household.pk,
            outcome="denied",
        )
        raise Http404
    choices = feedback.organisations(actor)
    form = FeedbackForm(request.POST or None, organisations=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = feedback.give_after_assessment(
                    actor, household, form.cleaned_data["follow_up"], form.cleaned_data["organisation"]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                for key, problems in errors_of(exc).items():
                    form.add_error(key if key in form.fields else None, problems)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The reporter is told the follow-up.",
                        "The %(count)s reporters are told the follow-up.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                return redirect("safety:page", reference=household.reference)
        status = 400
    waiting = feedback.awaiting(household, FeedbackMoment.ASSESSMENT)
    # The page shows which signals (reference, reporting organisation, date) wait: about the household.
    record_many(
        actor,
        action="view",
        object_type="signal_feedback",
        object_id=household.reference,
        subjects=[Subject(household.pk)],
        basis=basis,
    )
    context = {
        "household": household,
        "form": form,
        "waiting": waiting,
        "follow_ups": FollowUp.choices,
        "organisations": choices,
        "chosen_follow_up": form.data.get("follow_up", ""),
        "chosen_organisation": form.data.get("organisation", ""),
        "errors": [str(e) for problems in form.errors.values() for e in problems],
        "title": _("Feedback to the reporter"),
    }
    return render(request, "signals/feedback.html", context, status=status)
