"""The public door (/melden/): anyone, without an account, asks Veilig Thuis for advice or reports a
worry about someone. It lands in the reporting centre's Werkbak as a citizen's advice request or report
with its working-day clock (`signals.services.receive_from_citizen`); the citizen gets a receipt and what
happens next, and never anything about a household.

Abuse is held off here, without third parties: a honeypot field (filled: the same thank-you page, nothing
stored), limits per field and per request, and a limit per address shared by every worker process
(`limits.take_place`). Over the limit the form comes back with everything typed and a 429."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from verband.publicdoor import limits
from verband.publicdoor.forms import PublicDoorForm
from verband.signals.models import SignalKind
from verband.signals.services import new_receipt, receive_from_citizen

# The door's slugs: what the citizen chose on the start page.
KINDS = {"advies": SignalKind.CITIZEN_ADVICE, "zorg": SignalKind.CITIZEN_REPORT}
# A request larger than this is refused before it is read (the form's limits together stay well below).
MAX_BODY_BYTES = 64 * 1024
RECEIPT = "publicdoor_receipt"


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "publicdoor/start.html")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    context = {"kind": kind, "advice": KINDS[kind] == SignalKind.CITIZEN_ADVICE}
    if request.method != "POST":
        return render(request, "publicdoor/form.html", {**context, "form": PublicDoorForm()})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return render(request, "publicdoor/too_large.html", context, status=413)
    form = PublicDoorForm(request.POST)
    if not form.is_valid():
        return render(request, "publicdoor/form.html", {**context, "form": form})
    if not limits.take_place(request):
        return render(request, "publicdoor/form.html", {**context, "form": form, "limited": True}, status=429)
    if form.is_bait_taken:
        # A program filled the hidden field: it is thanked like anyone, and nothing is kept.
        receipt, acute = new_receipt(), form.cleaned_data.get("acute_danger", False)
    else:
        signal = receive_from_citizen(form.to_input(KINDS[kind]))
        receipt, acute = signal.receipt, signal.acute_danger
    request.session[RECEIPT] = {"receipt": receipt, "kind": kind, "acute": acute}
    return redirect("publicdoor:thanks")


def thanks(request: HttpRequest) -> HttpResponse:
    """The receipt and what happens next, shown once (a reload shows the thanks without the receipt)."""
    given = request.session.pop(RECEIPT, None) or {}
    return render(
        request,
        "publicdoor/thanks.html",
        {
            "receipt": given.get("receipt", ""),
            "advice": KINDS.get(given.get("kind", "")) == SignalKind.CITIZEN_ADVICE,
            "acute": given.get("acute", False),
        },
    )
