"""Escalations put to me, one escalation with its decision, asking for a decision, and the monitor."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.escalation import lifecycle, selectors
from verband.escalation.models import DecisionKind, Escalation, EscalationStatus, Step
from verband.network.models import AGGREGATE_ROLES, CASEWORK_ROLES, Membership, OrganisationKind, Role
from verband.sharing.access import actor_for_request, can_see_household, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.scope import view_scope
from verband.text import errors_of, plain_id

ESCALATION_ROLES = (*CASEWORK_ROLES, Role.MANAGER)


@role_required(*ESCALATION_ROLES)
def list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    open_items = selectors.escalations_for(actor)
    closed = selectors.escalations_for(actor, open_only=False)
    record_many(
        actor,
        action="list",
        object_type="escalation",
        subjects=[Subject(e.household_id) for e in open_items + closed if e.household_id] or [Subject()],
    )
    return render(request, "escalation/list.html", {"open_items": open_items, "closed": closed})


def _escalation(request: HttpRequest, pk: int) -> Escalation:
    actor = actor_for_request(request)
    escalation = (
        selectors.visible_escalations(actor)
        .select_related(
            "household",
            "decided_by",
            "action_owner__user",
            "action_owner__organisation",
            "reassigned_to__user",
            "reassigned_to__organisation",
            "previous",
        )
        .filter(pk=pk)
        .first()
    )
    if escalation is None:
        record(actor, action="view", object_type="escalation", object_id=str(pk), outcome="denied")
        raise Http404
    return escalation


def _date(value: str) -> date | None:
    """A date field: empty is None; anything but a date is a Dutch error (what was typed stays)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"due_on": [_("Give a date, e.g. 15-01-2027.")]}) from None


@role_required(*ESCALATION_ROLES)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    escalation = _escalation(request, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            due_on = _date(request.POST.get("due_on", ""))
            lifecycle.resolve(
                actor,
                escalation,
                request.POST.get("decision", ""),
                kind=request.POST.get("kind", ""),
                owner_id=plain_id(request.POST.get("owner")),
                reassign_to_id=plain_id(request.POST.get("reassign_to")),
                due_on=due_on,
            )
        except PermissionDenied:
            errors = {"decision": [_("Only those this escalation was put to decide it.")]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Your decision is recorded; everyone it was put to is told."))
            return redirect("escalation:detail", pk=escalation.pk)
    record(
        actor,
        action="view",
        object_type="escalation",
        object_id=str(escalation.pk),
        household_id=escalation.household_id,
    )
    # The free texts (a partner's question, the decision) may name people: only case workers who see the
    # household, and the one who asked, read them; managers on the higher steps see what stalls.
    selectors.shield_summaries(actor, [escalation])
    recipients = list(
        escalation.recipients.select_related(
            "membership__user", "membership__organisation", "membership__team"
        )
    )
    own = actor.organisation.pk if actor.organisation else None
    # Shielded for this viewer: who else it went to is not named either (a shelter's line manager on the
    # ladder says where she is); only the viewer's own organisation's people, and how many others.
    shielded = getattr(escalation, "summary_shielded", False)
    sees_household = escalation.household is None or can_see_household(actor, escalation.household)
    # Free text may be about anyone in the household: a partner working only with named members reads it
    # only when it asked the question itself.
    whole = escalation.household is None or (sees_household and view_scope(actor, escalation.household).whole)

    names_shelter = selectors.sees_whole(actor, escalation)

    def named_to_viewer(membership: Membership | None) -> bool:
        """A shelter is named only as `selectors.sees_whole` says (`Scope.names_organisation`)."""
        return membership is None or (
            membership.organisation_id == own
            or names_shelter
            or membership.organisation.kind != OrganisationKind.SHELTER
        )

    ladder = []
    for step in Step:
        people = [r for r in recipients if r.step == step]
        named = [
            r
            for r in people
            if (not shielded or r.membership.organisation_id == own) and named_to_viewer(r.membership)
        ]
        ladder.append((step, named, len(people) - len(named)))
    m = actor.membership
    asked = actor.user is not None and escalation.opened_by_id == actor.user.pk
    show_text = asked or (m is not None and m.role not in AGGREGATE_ROLES and sees_household and whole)
    may_decide = selectors.may_decide(actor, escalation)
    reopened = getattr(escalation, "reopened_as", None) if not escalation.is_open else None
    context = {
        "escalation": escalation,
        "show_text": show_text,
        "show_decision": show_text or selectors.reads_decision(actor, escalation),
        "ladder": ladder,
        "doers_named": named_to_viewer(escalation.action_owner) and named_to_viewer(escalation.reassigned_to),
        # Who decided is named with their organisation: not a shelter's line manager to those kept from it.
        "decider_named": all(
            named_to_viewer(r.membership)
            for r in recipients
            if r.membership.user_id == escalation.decided_by_id
        ),
        "may_decide": may_decide,
        "people": selectors.decision_people(escalation, actor) if may_decide else [],
        "kinds": DecisionKind.choices,
        "own_membership": m.pk if m else None,
        "errors": errors,
        "post": request.POST,
        "today": timezone.localdate(),
        "reopened_as": reopened,
        "reopened_visible": reopened is not None
        and selectors.visible_escalations(actor).filter(pk=reopened.pk).exists(),
    }
    return render(request, "escalation/detail.html", context, status=400 if errors else 200)


@role_required(*CASEWORK_ROLES)
def ask_view(request: HttpRequest, reference: str) -> HttpResponse:
    """ "We disagree — decide": a partner puts a question about a household onto the ladder."""
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            escalation = lifecycle.ask_decision(actor, household, request.POST.get("question", ""))
        except PermissionDenied:
            errors = {"question": [_("Only case workers involved with this household ask for a decision.")]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Your question is on the escalation ladder."))
            return redirect("escalation:detail", pk=escalation.pk)
    context = {"household": household, "errors": errors, "draft": request.POST.get("question", "")}
    return render(request, "escalation/ask.html", context, status=400 if errors else 200)


@role_required(*selectors.MONITOR_ROLES)
def monitor_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    rows = selectors.between_the_cracks(actor)
    listed = selectors.listed_stalls(actor)
    record_many(
        actor,
        action="list",
        object_type="monitor",
        subjects=[Subject(row.household_id) for row in rows]
        + [Subject(e.household_id) for e in listed if e.household_id]
        or [Subject()],
    )
    m = actor.membership
    context = {
        "rows": rows,
        "listed": listed,
        "may_escalate": m is not None and m.role == Role.NETWORK_COORDINATOR,
        "horizon": settings.ESCALATION_HORIZON_DAYS,
    }
    return render(request, "escalation/monitor.html", context)


@require_POST
@role_required(Role.NETWORK_COORDINATOR)
def escalate_listed_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator puts an old, listed stall onto the ladder after all."""
    actor = actor_for_request(request)
    region = actor.organisation.region_id if actor.organisation else 0
    escalation = Escalation.objects.filter(pk=pk, status=EscalationStatus.LISTED, region_id=region).first()
    if escalation is None:
        record(actor, action="update", object_type="escalation", object_id=str(pk), outcome="denied")
        raise Http404
    try:
        lifecycle.escalate_listed(actor, escalation)
    except (PermissionDenied, ValidationError):
        messages.error(request, _("This stall was put onto the ladder or ended in the meantime."))
    else:
        messages.success(request, _("The stall is on the escalation ladder."))
    return redirect(reverse("escalation:monitor") + "#oud")
