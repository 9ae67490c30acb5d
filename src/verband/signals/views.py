from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from django.views.decorators.http import require_http_methods, require_POST

from verband.actors import Actor
from verband.households.models import HouseholdMember
from verband.network.models import CASEWORK_ROLES, Membership, Network, Role, Team
from verband.notifications.services import notify
from verband.safety.selectors import danger_flags
from verband.sharing.access import actor_for_request, can_see_household
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.basis import Basis, basis_from
from verband.sharing.decorators import role_required
from verband.sharing.models import LegalBasis
from verband.signals import feedback, selectors, services
from verband.signals.forms import PersonFormSet, SignalForm, to_input
from verband.signals.inbox_forms import HandBackForm, InboxFilterForm, RecognitionForm, SendOnForm
from verband.signals.models import Activation, ActivationStatus, MatchState, SignalStatus
from verband.text import plain_id


def _refuse_volume(actor: Actor, what: str, limit: int) -> None:
    """Past a daily limit: log the refusal as unusual volume and tell the region's privacy officers,
    once a day per user and kind (the title names no one; the link opens the log for that user)."""
    user = actor.user
    if user is None or actor.organisation is None:
        return
    with transaction.atomic():
        first = not selectors.flagged_today(user.pk, what)
        action = "create" if what == "intake" else "view"
        record(actor, action=action, object_type="unusual_volume", object_id=what, outcome="denied")
        if not first:
            return
        officers = Membership.objects.active().filter(
            role=Role.PRIVACY_OFFICER, organisation__region_id=actor.organisation.region_id
        )
        with override("nl"):
            title = (
                _("Unusual volume: a user of %(organisation)s reached the daily limit of %(limit)s reports")
                if what == "intake"
                else _(
                    "Unusual volume: a user of %(organisation)s reached the daily limit of %(limit)s "
                    "persons shown in recognition"
                )
            ) % {"organisation": actor.organisation.label, "limit": limit}
        url = (
            reverse("sharing:access_log")
            + "?"
            + urlencode({"username": user.get_username(), "date_from": timezone.localdate().isoformat()})
        )
        notify(officers.values_list("user_id", flat=True), title, url)


def _intake_refused(request: HttpRequest, actor: Actor) -> HttpResponse | None:
    limit = settings.INTAKE_LIMIT_PER_DAY
    if actor.user is None or selectors.intakes_today(actor.user.pk) < limit:
        return None
    _refuse_volume(actor, "intake", limit)
    return render(request, "signals/intake.html", {"limit_reached": limit}, status=429)


@role_required(*selectors.ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    """Register a worry. Only roles with a reporting task, and at most VERBAND_INTAKE_LIMIT_PER_DAY a day."""
    actor = actor_for_request(request)
    refused = _intake_refused(request, actor)
    if refused is not None:
        return refused
    if request.method == "POST":
        form = SignalForm(request.POST)
        persons = PersonFormSet(request.POST, prefix="personen")
        if "add_person" in request.POST:
            # Another row, keeping everything typed so far.
            data = request.POST.copy()
            posted = plain_id(data.get("personen-TOTAL_FORMS"))
            total = posted if posted is not None and posted < 1000 else 1
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
            people = [sp for sp in services.recognise(signal) if sp.match_state == MatchState.PENDING]
            # Only strong evidence is offered (selectors.offer); anyone else is registered as new.
            if any(selectors.offers(people, selectors.candidate_persons(people)).values()):
                return redirect("signals:recognise", reference=signal.reference)
            services.finish(signal.pk, actor)
            return redirect("signals:detail", reference=signal.reference)
    else:
        form = SignalForm(initial={"kind": "report"})
        persons = PersonFormSet(prefix="personen", initial=[{"role": "victim"}, {"role": "perpetrator"}])
    return render(
        request, "signals/intake.html", {"form": form, "persons": persons, "bound": request.method == "POST"}
    )


def _candidate_view(actor: Actor, made: selectors.Offer, members: list[HouseholdMember]) -> dict:
    """An offer as shown, with the households `members` only for the reporting centre's triage
    (selectors.may_triage): that the person is known in one, and its reference and history where the
    actor sees it."""
    households = []
    for member in members:
        visible = can_see_household(actor, member.household)
        households.append(
            {
                "household": member.household,
                "visible": visible,
                "history": selectors.history(member.household) if visible else None,
            }
        )
    return {"person_id": made.person_id, "offer": made, "households": households}


@role_required(*selectors.ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def recognise_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The reporter confirms who the people in their signal are, or says they are new. Only candidates
    with strong evidence are offered (selectors.offer), showing nothing the reporter did not type, and at
    most VERBAND_CANDIDATE_VIEWS_PER_DAY different register persons a day."""
    actor = actor_for_request(request)
    signal, _access = selectors.get_signal_or_404(actor, reference)
    if signal.source_user_id != request.user.pk:
        raise Http404
    if signal.status != SignalStatus.RECEIVED:
        return redirect("signals:detail", reference=reference)
    people = list(signal.persons.all())
    pending = [sp for sp in people if sp.match_state == MatchState.PENDING]
    persons = selectors.candidate_persons(pending)
    offered = selectors.offers(pending, persons)
    shown = sorted({o.person_id for found in offered.values() for o in found})
    limit = settings.CANDIDATE_VIEWS_PER_DAY
    seen_today = selectors.persons_recognised_today(actor.user.pk if actor.user else 0)
    over_limit = bool(shown) and len(seen_today | set(shown)) > limit
    if over_limit:
        _refuse_volume(actor, "recognition", limit)
        offered, shown = {}, []
    error = ""
    if request.method == "POST":
        form = RecognitionForm(
            request.POST, offered={sp.pk: [o.person_id for o in offered.get(sp.pk, [])] for sp in pending}
        )
        if not form.is_valid():
            error = form.first_error()
        else:
            try:
                services.confirm_recognition(actor, signal, form.decisions([sp.pk for sp in pending]))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                services.finish(signal.pk, actor)
                return redirect("signals:detail", reference=reference)
    triage = selectors.may_triage(actor)
    households: dict[int, list[HouseholdMember]] = {}
    if triage and shown:
        for member in HouseholdMember.objects.filter(person_id__in=shown).select_related("household"):
            households.setdefault(member.person_id, []).append(member)
    rows = []
    for sp in people:
        candidates = [
            _candidate_view(actor, made, households.get(made.person_id, []))
            for made in offered.get(sp.pk, [])
        ]
        rows.append({"sp": sp, "candidates": candidates, "chosen": request.POST.get(f"persoon-{sp.pk}", "")})
    # Showing register persons to the reporter is a disclosure for the report (meldcode): logged per person.
    record_many(
        actor,
        action="view",
        object_type="recognition",
        object_id=signal.reference,
        subjects=[Subject(person_id=pid) for pid in shown] or [Subject()],
        basis="legal_task:safety_assessment",
    )
    context = {
        "signal": signal,
        "rows": rows,
        "error": error,
        "over_limit": limit if over_limit else None,
        "triage": triage,
    }
    return render(request, "signals/recognise.html", context, status=429 if over_limit else 200)


@role_required(*CASEWORK_ROLES)
def signal_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    signal, access = selectors.get_signal_or_404(actor, reference)
    activations = list(
        signal.activations.select_related("team__organisation", "network").order_by("created_at")
    )
    if access == "pending":
        # Before take-up: only this party's own open activations, not who else was asked.
        held = selectors.addressed_activations(actor).filter(signal=signal, status=ActivationStatus.OPEN)
        mine = set(held.values_list("pk", flat=True))
        activations = [a for a in activations if a.pk in mine]
    for activation in activations:
        activation.clock = selectors.clock_for(activation)  # type: ignore[attr-defined]
        # A shelter that took it up is not named to the reporter: its name is where she is.
        activation.named_organisation = (  # type: ignore[attr-defined]
            feedback.nameable(activation.team.organisation) if activation.team else None
        )
    context: dict = {"signal": signal, "access": access, "activations": activations}
    if access in ("reporter", "full"):
        # The law's feedback: which follow-up and by which organisation, no more (`signals.feedback`).
        context["feedback"] = feedback.feedback_lines(signal)
    persons = list(signal.persons.all()) if access in ("pending", "full") else []
    if access == "full":
        context["people"] = persons
        if signal.household is not None:
            context["history"] = selectors.history(signal.household, exclude=signal)
    elif access == "pending":
        # The area only to a party asked to take it up (a partner working with named members reads none:
        # routing may have used a victim's known area).
        context["area"] = selectors.area_of(signal) if activations else ""
        context["people"] = [selectors.age_and_role(sp) for sp in persons]
        context["danger"] = (
            danger_flags([signal.household_id]).get(signal.household_id, []) if signal.household_id else []
        )
        context["urgent"] = any(a.urgent for a in activations)
    if access in ("pending", "full"):
        # The household, and each person the page tells something about (name, or age and role).
        subjects = [Subject(signal.household_id)] + [
            Subject(signal.household_id, sp.person_id) for sp in persons if sp.person_id is not None
        ]
        pending = access == "pending"
        record_many(
            actor,
            action="view",
            object_type="signal_pending" if pending else "signal",
            object_id=signal.reference,
            subjects=subjects,
            basis=", ".join(f"activation:{a.pk}:{a.purpose}" for a in activations)[:120]
            if pending
            else "legal_task:safety_assessment",
        )
    else:
        record(actor, action="view", object_type="signal_feedback", object_id=signal.reference)
    return render(request, "signals/signal.html", context)


INBOX_PER_PAGE = 25


@role_required(*CASEWORK_ROLES)
def inbox_view(request: HttpRequest) -> HttpResponse:
    return _render_inbox(request, actor_for_request(request))


def _own_parties(actor: Actor) -> list[tuple[str, str]]:
    """The actor's team and networks as the Werkbak's filter offers them."""
    parties: list[tuple[str, str]] = []
    membership = actor.membership
    if membership is not None and membership.team is not None and membership.team.active:
        parties.append((f"team:{membership.team.pk}", membership.team.name))
    if actor.network_ids:
        parties += [
            (f"network:{n.pk}", str(n))
            for n in Network.objects.filter(pk__in=actor.network_ids).order_by("name")
        ]
    return parties


def _render_inbox(
    request: HttpRequest, actor: Actor, *, error_for: int | None = None, error: str = "", draft: str = ""
) -> HttpResponse:
    """The Werkbak: one card per household, whatever the number of signals and activations; inside it,
    per team or network of the actor, what is asked (take up, or — for a partner already involved —
    mark the new signal as seen)."""
    filters = InboxFilterForm(request.GET if request.method == "GET" else None, parties=_own_parties(actor))
    inbox_filter = selectors.InboxFilter(**filters.chosen())
    page = selectors.inbox_page(
        actor, request.GET.get("pagina"), INBOX_PER_PAGE, containing=error_for, inbox_filter=inbox_filter
    )
    cards: list[selectors.InboxCard] = list(page.object_list)
    flags = danger_flags(card.household_id for card in cards)
    for card in cards:
        card.danger = flags.get(card.household_id, [])  # type: ignore[attr-defined]
        for group in card.groups:
            lead = group.lead
            group.proposed_basis = services.proposed_basis(lead)  # type: ignore[attr-defined]
            # A reporter never takes up their own report about a household that was already known.
            group.own_report = actor.user is not None and any(  # type: ignore[attr-defined]
                a.signal.source_user_id == actor.user.pk and services.own_report_on_known_household(actor, a)
                for a in group.activations
            )
            group.handed_back = any(  # type: ignore[attr-defined]
                a.previous is not None and a.previous.status == ActivationStatus.HANDED_BACK
                for a in group.activations
            )
    # Only what is needed to decide (kind, urgency, area, roles and ages, danger, clock, why): logged per
    # household on the basis of the open activations that ask this party.
    # Each household, and each person whose age and role a card shows.
    subjects = []
    for card in cards:
        subjects.append(Subject(card.household_id))
        subjects += [
            Subject(card.household_id, sp.person_id)
            for signal in card.signals
            for sp in signal.persons.all()
            if sp.person_id is not None
        ]
    record_many(
        actor,
        action="list",
        object_type="inbox",
        subjects=subjects or [Subject()],
        basis={
            card.household_id: ", ".join(f"activation:{a.pk}:{a.purpose}" for a in card.activations)[:120]
            for card in cards
        },
    )
    desk = services.fallback_rule(actor.organisation.region_id) if actor.organisation else None
    at_desk = desk is not None and actor.membership is not None and desk.team_id == actor.membership.team_id
    parties = []
    if at_desk and actor.organisation is not None:
        region = actor.organisation.region_id
        parties = [("team", t) for t in Team.objects.filter(organisation__region_id=region, active=True)] + [
            ("network", n) for n in Network.objects.filter(region_id=region, active=True)
        ]
    filtered = any(filters.chosen().values())
    context = {
        "cards": cards,
        "page": page,
        "at_desk": at_desk,
        "parties": parties,
        "error_for": error_for,
        "error": error,
        "draft": draft,
        "legal_bases": LegalBasis.choices,
        "filters": filters,
        "filtered": filtered,
        "query": urlencode({k: v for k, v in request.GET.items() if k != "pagina"}) if filtered else "",
    }
    return render(request, "signals/inbox.html", context)


def _group(actor: Actor, pk: int) -> list[Activation]:
    """The open activations of the inbox card group that activation `pk` is in (404 when it is not
    addressed to the actor or no longer open)."""
    activation = get_object_or_404(selectors.addressed_activations(actor), pk=pk)
    if activation.status != ActivationStatus.OPEN:
        raise Http404
    return selectors.open_group(actor, activation) or [activation]


@role_required(*CASEWORK_ROLES)
@require_POST
def accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    group = _group(actor, pk)
    household = group[0].household
    chosen = basis_from(request.POST)
    try:
        services.accept_group(actor, group, Basis(chosen.legal_basis))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signals:inbox")
    messages.success(
        request,
        _("You took up %(household)s. The household page is now open to your team.")
        % {"household": household.reference},
    )
    if chosen.legal_basis == LegalBasis.CONSENT:
        # Taken up on consent: the consent is recorded next, on the household (which is open now).
        messages.info(request, _("You chose consent as the basis: record the consent now."))
        return redirect("collaboration:consent_new", reference=household.reference)
    return redirect("households:detail", reference=household.reference)


@role_required(*CASEWORK_ROLES)
@require_POST
def acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Gezien": a partner already involved saw the new signals about its household."""
    actor = actor_for_request(request)
    group = _group(actor, pk)
    try:
        services.acknowledge(actor, group)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signals:inbox")
    messages.success(
        request,
        ngettext(
            "Marked as seen: the new signal about %(household)s.",
            "Marked as seen: the %(count)s new signals about %(household)s.",
            len({a.signal_id for a in group}),
        )
        % {"household": group[0].household.reference, "count": len({a.signal_id for a in group})},
    )
    return redirect("signals:inbox")


@role_required(*CASEWORK_ROLES)
@require_POST
def hand_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    group = _group(actor, pk)
    form = HandBackForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([p for problems in form.errors.values() for p in problems])
        services.hand_back_group(actor, group, form.cleaned_data["reason"])
    except ValidationError as exc:
        # Back to the inbox with the message at this item and the reason as typed.
        return _render_inbox(
            request,
            actor,
            error_for=group[0].pk,
            error=" ".join(exc.messages),
            draft=request.POST.get("reason", ""),
        )
    messages.success(request, _("Handed back to the routing desk, with your reason."))
    return redirect("signals:inbox")


@role_required(*CASEWORK_ROLES)
@require_POST
def send_on_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    group = _group(actor, pk)
    form = SendOnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(p) for problems in form.errors.values() for p in problems))
        return redirect("signals:inbox")
    kind, party = form.cleaned_data["party"]
    team = Team.objects.filter(pk=party, active=True).first() if kind == "team" else None
    network = Network.objects.filter(pk=party, active=True).first() if kind == "network" else None
    try:
        successors = services.send_on_group(actor, group, team=team, network=network)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signals:inbox")
    messages.success(request, _("Sent on to %(party)s.") % {"party": successors[0].party_name})
    return redirect("signals:inbox")
