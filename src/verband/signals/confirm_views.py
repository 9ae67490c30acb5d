"""The reporting centre's "te bevestigen" queue: signals attached to a known household on a likely match,
and the page to confirm each (`signals.confirmation`). Only the reporting centre of the signal's region
(`confirmation.may_confirm`); anyone else gets a 404, logged as denied."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verband.sharing.access import actor_for_request, can_see_household, plausible_reference
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.signals import confirmation, selectors
from verband.signals.models import MatchState, Signal

SAME, OTHER = "same", "other"


@role_required(*selectors.ACTING_ROLES)
def queue_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if not confirmation.may_confirm(actor):
        record(actor, action="list", object_type="recognition_queue", outcome="denied")
        raise Http404
    signals = list(confirmation.queue(actor)[:200])
    for signal in signals:
        signal.clock = confirmation.clock(signal)  # type: ignore[attr-defined]
        signal.to_confirm = sum(  # type: ignore[attr-defined]
            1 for sp in signal.persons.all() if sp.match_state == MatchState.LIKELY
        )
    # The list names no one: per signal its reference, kind, sender, clock and the number to confirm.
    record_many(
        actor,
        action="list",
        object_type="recognition_queue",
        subjects=[Subject(s.household_id) for s in signals] or [Subject()],
        basis="legal_task:safety_assessment",
    )
    return render(request, "signals/confirm_queue.html", {"signals": signals})


def _signal(actor: object, reference: str) -> Signal:
    signal = (
        Signal.objects.select_related("household", "source_organisation").filter(reference=reference).first()
        if plausible_reference(reference)
        else None
    )
    if signal is None or not confirmation.may_confirm(actor, signal):  # type: ignore[arg-type]
        record(actor, action="view", object_type="recognition", object_id=reference, outcome="denied")  # type: ignore[arg-type]
        raise Http404
    return signal


@role_required(*selectors.ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    signal = _signal(actor, reference)
    found = confirmation.pairs(signal)
    if not found:
        messages.info(request, _("Nothing left to confirm for this signal."))
        return redirect("signals:confirm_queue")
    error = ""
    if request.method == "POST":
        chosen = {pair.sp.pk: request.POST.get(f"persoon-{pair.sp.pk}", "") for pair in found}
        if any(value not in (SAME, OTHER) for value in chosen.values()):
            error = _("Say for every person whether it is the same person.")
        else:
            try:
                moved = confirmation.decide(actor, signal, {pk: v == SAME for pk, v in chosen.items()})
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if moved is not None:
                    messages.success(
                        request,
                        _("Signal %(reference)s now has a household of its own.") % {"reference": reference},
                    )
                else:
                    messages.success(
                        request, _("Recognition of %(reference)s confirmed.") % {"reference": reference}
                    )
                return redirect("signals:confirm_queue")
    household = signal.household
    visible = household is not None and can_see_household(actor, household)
    context = {
        "signal": signal,
        "rows": [{"pair": pair, "chosen": request.POST.get(f"persoon-{pair.sp.pk}", "")} for pair in found],
        "clock": confirmation.clock(signal),
        "household_visible": visible,
        "history": selectors.history(household, exclude=signal) if visible and household else None,
        "error": error,
    }
    # The reporting centre compares what was reported with the register persons: logged per person.
    record_many(
        actor,
        action="view",
        object_type="recognition",
        object_id=signal.reference,
        subjects=[Subject(signal.household_id, pair.known.pk) for pair in found],
        basis="legal_task:safety_assessment",
    )
    return render(request, "signals/confirm.html", context)
