from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from verband.households.addresses import address_text, may_see_address
from verband.households.models import Address, HouseholdMember, Person
from verband.network.models import CASEWORK_ROLES, Network, Team
from verband.safety.selectors import danger_flags
from verband.sharing.access import Actor, actor_for_request, can_see_household
from verband.sharing.accesslog import Subject, record, record_many
from verband.signals import selectors, services
from verband.signals.forms import PersonFormSet, SignalForm, to_input
from verband.signals.models import Activation, ActivationStatus, MatchState, SignalStatus
from verband.workspace.roles import role_required


@role_required(*CASEWORK_ROLES)
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if request.method == "POST":
        form = SignalForm(request.POST)
        persons = PersonFormSet(request.POST, prefix="personen")
        if "add_person" in request.POST:
            # Another row, keeping everything typed so far.
            data = request.POST.copy()
            raw = data.get("personen-TOTAL_FORMS", "1")
            total = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 1
            data["personen-TOTAL_FORMS"] = str(min(total + 1, 12))
            return render(
                request,
                "signals/intake.html",
                {"form": SignalForm(data), "persons": PersonFormSet(data, prefix="personen"), "bound": False},
            )
        if form.is_valid() and persons.is_valid():
            signal, _created = services.receive(
                actor, to_input(form, persons, actor.user.get_full_name() if actor.user else "")
            )
            people = services.recognise(signal)
            if any(sp.match_state == MatchState.PENDING and sp.candidates for sp in people):
                return redirect("signals:recognise", reference=signal.reference)
            services.finish(signal.pk, actor)
            return redirect("signals:detail", reference=signal.reference)
    else:
        form = SignalForm(initial={"kind": "report"})
        persons = PersonFormSet(prefix="personen", initial=[{"role": "victim"}, {"role": "perpetrator"}])
    return render(
        request, "signals/intake.html", {"form": form, "persons": persons, "bound": request.method == "POST"}
    )


def _candidate_view(actor: Actor, candidate: dict, persons: dict[int, Person]) -> dict | None:
    person = persons.get(candidate["person"])
    if person is None:
        return None
    # A reporter learns nothing from a confidential address, not even that there is one.
    current = [
        a
        for a in person.addresses.all()
        if a.valid_until is None and (not a.confidential or may_see_address(actor, a))
    ]
    households = []
    for member in person.memberships.all():
        household = member.household
        visible = can_see_household(actor, household)
        households.append(
            {
                "household": household,
                "visible": visible,
                "history": selectors.history(household) if visible else None,
            }
        )
    return {
        "person": person,
        "score": round(candidate["score"] * 100),
        "reasons": candidate["reasons"],
        "address": address_text(actor, current[0]) if current else "",
        "households": households,
    }


@role_required(*CASEWORK_ROLES)
@require_http_methods(["GET", "POST"])
def recognise_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The reporter confirms who the people in their signal are, or says they are new."""
    actor = actor_for_request(request)
    signal, _access = selectors.get_signal_or_404(actor, reference)
    if signal.source_user_id != request.user.pk:
        raise Http404
    if signal.status != SignalStatus.RECEIVED:
        return redirect("signals:detail", reference=reference)
    people = list(signal.persons.all())
    ids = {c["person"] for sp in people for c in sp.candidates}
    persons = {
        p.pk: p
        for p in Person.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("addresses", queryset=Address.objects.prefetch_related("disclosures")),
            Prefetch("memberships", queryset=HouseholdMember.objects.select_related("household")),
        )
    }
    error = ""
    if request.method == "POST":
        decisions: dict[int, int | None] = {}
        for sp in people:
            if sp.match_state != MatchState.PENDING or not sp.candidates:
                continue
            choice = request.POST.get(f"persoon-{sp.pk}", "")
            if not choice:
                error = _("Choose for every person: one of the persons found, or a new person.")
                break
            decisions[sp.pk] = (
                int(choice) if choice.isascii() and choice.isdigit() and len(choice) <= 18 else None
            )
        if not error:
            try:
                services.confirm_recognition(actor, signal, decisions)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                services.finish(signal.pk, actor)
                return redirect("signals:detail", reference=reference)
    rows = []
    for sp in people:
        candidates = [c for c in (_candidate_view(actor, c, persons) for c in sp.candidates) if c]
        rows.append({"sp": sp, "candidates": candidates, "chosen": request.POST.get(f"persoon-{sp.pk}", "")})
    # Showing register persons to the reporter is a disclosure for the report (meldcode): logged per person.
    record_many(
        actor,
        action="view",
        object_type="recognition",
        object_id=signal.reference,
        subjects=[Subject(person_id=pid) for pid in sorted(persons)] or [Subject()],
        basis="legal_task:safety_assessment",
    )
    return render(request, "signals/recognise.html", {"signal": signal, "rows": rows, "error": error})


@role_required(*CASEWORK_ROLES)
def signal_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    signal, access = selectors.get_signal_or_404(actor, reference)
    activations = list(
        signal.activations.select_related("team__organisation", "network").order_by("created_at")
    )
    for activation in activations:
        activation.clock = selectors.clock_for(activation)  # type: ignore[attr-defined]
    context = {"signal": signal, "access": access, "activations": activations}
    if access == "full":
        context["people"] = list(signal.persons.all())
        if signal.household is not None:
            context["history"] = selectors.history(signal.household, exclude=signal)
    household_id = signal.household_id if access == "full" else None
    record(
        actor,
        action="view",
        object_type="signal" if access == "full" else "signal_feedback",
        object_id=signal.reference,
        household_id=household_id,
        basis="legal_task:safety_assessment" if access == "full" else "",
    )
    return render(request, "signals/signal.html", context)


@role_required(*CASEWORK_ROLES)
def inbox_view(request: HttpRequest) -> HttpResponse:
    return _render_inbox(request, actor_for_request(request))


def _render_inbox(
    request: HttpRequest, actor: Actor, *, error_for: int | None = None, error: str = "", draft: str = ""
) -> HttpResponse:
    items = selectors.inbox(actor)
    flags = danger_flags(item.household_id for item in items if item.household_id)
    for item in items:
        item.danger = flags.get(item.household_id, [])  # type: ignore[attr-defined]
        # A reporter never takes up their own report about a household that was already known.
        item.own_report = (  # type: ignore[attr-defined]
            actor.user is not None
            and item.signal.source_user_id == actor.user.pk
            and services.own_report_on_known_household(actor, item)
        )
    record_many(
        actor,
        action="list",
        object_type="inbox",
        subjects=[Subject(item.household_id) for item in items] or [Subject()],
    )
    desk = services.fallback_rule(actor.organisation.region_id) if actor.organisation else None
    at_desk = desk is not None and actor.membership is not None and desk.team_id == actor.membership.team_id
    parties = []
    if at_desk and actor.organisation is not None:
        region = actor.organisation.region_id
        parties = [("team", t) for t in Team.objects.filter(organisation__region_id=region, active=True)] + [
            ("network", n) for n in Network.objects.filter(region_id=region, active=True)
        ]
    context = {
        "items": items,
        "at_desk": at_desk,
        "parties": parties,
        "error_for": error_for,
        "error": error,
        "draft": draft,
    }
    return render(request, "signals/inbox.html", context)


def _activation(actor: Actor, pk: int) -> Activation:
    activation = get_object_or_404(selectors.addressed_activations(actor), pk=pk)
    if activation.status != ActivationStatus.OPEN:
        raise Http404
    return activation


@role_required(*CASEWORK_ROLES)
@require_POST
def accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    activation = _activation(actor, pk)
    try:
        services.accept(actor, activation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signals:inbox")
    messages.success(
        request,
        _("You took up %(household)s. The household page is now open to your team.")
        % {"household": activation.household.reference},
    )
    return redirect("households:detail", reference=activation.household.reference)


@role_required(*CASEWORK_ROLES)
@require_POST
def hand_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    activation = _activation(actor, pk)
    try:
        services.hand_back(actor, activation, request.POST.get("reason", ""))
    except ValidationError as exc:
        # Back to the inbox with the message at this item and the reason as typed.
        return _render_inbox(
            request, actor, error_for=pk, error=" ".join(exc.messages), draft=request.POST.get("reason", "")
        )
    messages.success(request, _("Handed back to the routing desk, with your reason."))
    return redirect("signals:inbox")


@role_required(*CASEWORK_ROLES)
@require_POST
def send_on_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    activation = _activation(actor, pk)
    kind, _sep, party = request.POST.get("party", "").partition(":")
    plain = party.isascii() and party.isdigit() and len(party) <= 18
    team = Team.objects.filter(pk=party, active=True).first() if kind == "team" and plain else None
    network = Network.objects.filter(pk=party, active=True).first() if kind == "network" and plain else None
    try:
        successor = services.send_on(actor, activation, team=team, network=network)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signals:inbox")
    messages.success(request, _("Sent on to %(party)s.") % {"party": successor.party_name})
    return redirect("signals:inbox")
