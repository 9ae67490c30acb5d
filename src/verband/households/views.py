from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.households import addresses, services
from verband.households.models import Address, HouseholdStatus, RelationKind
from verband.households.selectors import (
    open_household,
    pending_statement_count,
    reports,
    shows_involvement,
    timeline_events,
)
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES, Role
from verband.sharing.access import actor_for_request, get_household_or_404, is_own_involvement
from verband.sharing.basis import basis_from, consents_in_force
from verband.sharing.basis import form_context as basis_form_context
from verband.sharing.decorators import role_required
from verband.sharing.models import PARTNER_END_REASONS, InformationScope, SharingKind
from verband.shielding.scope import PROTECTED_ROLES, view_scope
from verband.signals import statements


@role_required(*CASEWORK_ROLES)
def household_view(request: HttpRequest, reference: str, relation_error: str = "") -> HttpResponse:
    from verband.collaboration.involvements import may_end
    from verband.collaboration.merging import allowed as may_merge
    from verband.collaboration.selectors import panel
    from verband.consultation.selectors import linked_to
    from verband.escalation.selectors import open_shown
    from verband.measures.selectors import visible_measures
    from verband.plans.selectors import regie_panel
    from verband.portal.member_selectors import voice_panel
    from verband.portal.selectors import door_panel
    from verband.safety.selectors import safety_summary
    from verband.tasks.selectors import tasks_of

    actor = actor_for_request(request)
    detail = open_household(actor, reference)
    today = timezone.localdate()
    people = [row.person for row in detail.people]
    for inv in detail.involvements:
        # Whether the acting person records first contact for this involvement (their own party), and may
        # end it.
        inv.mine = is_own_involvement(actor, inv)  # type: ignore[attr-defined]
        inv.may_end = may_end(actor, inv)  # type: ignore[attr-defined]
    emergency = next(
        (i for i in detail.involvements if actor.user is not None and i.only_user_id == actor.user.pk), None
    )
    regie = regie_panel(actor, detail.household)
    if not detail.scope.whole:
        # A partner working with named members takes no regie of the whole household, nor sees who could,
        # who had it or who is asked; a shelter holding regie is not named to it.
        current = regie["current"]
        hidden = current is not None and not detail.scope.names_organisation(current.organisation)
        regie.update(
            may_request=False, may_withdraw=False, may_end=False, candidates=[], history=[], pending=None,
            current=None if hidden else current, withheld=hidden,
        )  # fmt: skip
    protected = {row.person.pk for row in detail.people if set(row.roles) & PROTECTED_ROLES}
    measures, _hidden = visible_measures(
        detail.scope, detail.household, protected=protected, in_force_on=today, extensions=False
    )
    current = regie["current"]
    context = {
        "detail": detail,
        "household": detail.household,
        "summary": safety_summary(detail.household, people, detail.scope),
        "regie": regie,
        "together": panel(actor, detail.household, detail.scope),
        "escalations": open_shown(detail.scope, detail.household),
        "relation_kinds": RelationKind.choices,
        "end_reasons": PARTNER_END_REASONS,
        "emergency": emergency,
        # Requests under the AVG are for case workers who act, through their own party (not an emergency).
        "may_rights": emergency is None
        and actor.membership is not None
        and actor.membership.role in ACTING_ROLES,
        "relation_error": relation_error,
        # How often the household was reported, for those who see it as a whole.
        "reports": reports(detail.household) if detail.scope.whole else None,
        "may_merge": may_merge(actor, whole=detail.scope.whole, regie=regie["current"]),
        "pending_statements": pending_statement_count(
            detail.household, [row.person.pk for row in detail.people]
        ),
        # Anonymous consultations linked to this household: for those who see it as a whole (what the
        # network discussed may be about any member).
        "consultations": list(linked_to(detail.household)) if detail.scope.whole else [],
        # Measures in force the viewer may see (their members are among the people logged above), and the
        # household's tasks (a kind of work and a date, for those working with the whole household).
        "measures": measures,
        "tasks": tasks_of(detail.household) if detail.scope.whole else [],
        # Only the regisseur closes (checked in full on the closing page; here from what the page read).
        "may_close": current is not None
        and actor.membership is not None
        and current.membership_id == actor.membership.pk
        and emergency is None
        and detail.household.status == HouseholdStatus.ACTIVE,
        "today": today,
        # The household's door: questions of members waiting for an answer, and their latest feedback.
        "voice": voice_panel(detail.household, detail.scope),
        # The household's door ("Toegang voor het huishouden"): for the current regisseur only.
        "door": door_panel(actor, current, people)
        if detail.scope.whole and emergency is None and current is not None
        else None,
    }
    if measures:
        from verband.sharing.accesslog import Subject, record_many

        h = detail.household.pk
        record_many(
            actor, action="view", object_type="measure", object_id=detail.household.reference,
            subjects=[Subject(h, m.person_id) for m in measures]
            + [Subject(h, m.protected_shown.pk) for m in measures if m.protected_shown],  # type: ignore[attr-defined]
        )  # fmt: skip
    return render(request, "households/household.html", context)


@role_required(Role.PROFESSIONAL, Role.LINE_MANAGER, Role.NETWORK_COORDINATOR)
@require_POST
def relation_view(request: HttpRequest, reference: str) -> HttpResponse:
    from verband.households.forms import RelationForm

    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    form = RelationForm(request.POST)
    valid = form.is_valid()
    person, other = form.cleaned_data.get("person"), form.cleaned_data.get("other")
    scope = view_scope(actor, household)
    # Only between members this person sees, with one answer for anything else (no oracle of who is in it).
    if person is None or other is None or not (scope.sees_person(person) and scope.sees_person(other)):
        return household_view(request, reference, relation_error=_("Choose two persons."))
    if not valid:
        return household_view(
            request, reference, relation_error=" ".join(str(p) for p in form.errors.get("kind", []))
        )
    try:
        services.add_relation(actor, household, person, other, form.cleaned_data["kind"])
    except ValidationError as exc:
        return household_view(request, reference, relation_error=" ".join(exc.messages))
    messages.success(request, _("The relation is recorded."))
    return redirect("households:detail", reference=reference)


@role_required(*CASEWORK_ROLES)
def timeline_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole shared timeline, newest first, a hundred events per page, optionally of one kind."""
    from django.core.paginator import Paginator

    from verband.households.models import EventKind
    from verband.households.selectors import TIMELINE_PAGE_SIZE
    from verband.sharing.accesslog import Subject, record_many

    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    kind = request.GET.get("soort", "")
    journal: dict[int, object] = {}
    events = (
        timeline_events(household, scope, journal)
        .select_related("organisation", "signal__source_organisation")
        .order_by("-at", "-pk")
    )
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    for event in page.object_list:
        event.journal_entry = journal.get(event.pk)
    # The lines can name members: the entry names the household and each member this person sees.
    members = household.members.values_list("person_id", flat=True).distinct()
    record_many(
        actor,
        action="view",
        object_type="timeline",
        object_id=household.reference,
        subjects=[Subject(household.pk)]
        + [Subject(household.pk, pid) for pid in sorted(members) if scope.sees_person(pid)],
        basis=basis,
    )
    context = {"household": household, "page": page, "kind": kind, "kinds": EventKind.choices}
    return render(request, "households/timeline.html", context)


@role_required(*CASEWORK_ROLES)
@require_POST
def first_contact_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    from verband.sharing import services as sharing
    from verband.sharing.accesslog import record
    from verband.sharing.models import Involvement

    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    involvement = (
        Involvement.objects.filter(pk=pk, household=household)
        .select_related("household")
        .prefetch_related("scoped_members")
        .first()
    )
    # An involvement a partner working with named members does not see is "not found" like any other.
    if involvement is not None and not shows_involvement(view_scope(actor, household), involvement, actor):
        involvement = None
    if involvement is None:
        record(
            actor,
            action="update",
            object_type="involvement",
            object_id=str(pk),
            household_id=household.pk,
            outcome="denied",
        )
        raise Http404
    try:
        sharing.record_first_contact(actor, involvement)
    except PermissionDenied:
        messages.error(request, _("Only the partner involved records its first contact."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("First contact recorded."))
    return redirect("households:detail", reference=household.reference)


# Roles that decide about addresses and reported data (an experience expert reads, never decides).


@role_required(*CASEWORK_ROLES)
def addresses_view(
    request: HttpRequest, reference: str, *, error: str = "", error_for: str = "", status: int = 200
) -> HttpResponse:
    """Each member's addresses with their periods (confidential ones as "geheim adres" unless disclosed
    to the viewer's organisation), what the managing organisation decides about them, and what reports
    said about known persons, to confirm or dismiss."""
    from verband.households.selectors import address_overview

    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    overview = address_overview(actor, household, basis)
    may_decide = actor.membership is not None and actor.membership.role in ACTING_ROLES
    failed = int(error_for.partition("-")[2] or 0) if error_for.startswith("address-") else 0
    in_force = None  # the household's consents in force: read once, for every disclose form
    for member in overview.members:
        for n, row in enumerate(member.rows):
            if row.manages and row.address.confidential and may_decide:
                again = failed == row.address.pk and request.POST.get("action") == "disclose"
                if in_force is None:
                    in_force = consents_in_force(household)
                member.rows[n] = replace(
                    row,
                    basis=basis_form_context(
                        household,
                        SharingKind.ADDRESS,
                        information=InformationScope.ADDRESS,
                        person_id=row.address.person_id,
                        post=request.POST if again else None,
                        prefix=f"disclose-{row.address.pk}",
                        in_force=in_force,
                    ),
                )
    context = {
        "household": household,
        "overview": overview,
        "may_decide": may_decide,
        "error": error,
        "error_kind": error_for.partition("-")[0],
        "error_id": int(error_for.partition("-")[2] or 0),
        "action": request.POST.get("action", ""),
        "draft": request.POST.get("reason", "") if error else "",
    }
    return render(request, "households/addresses.html", context, status=status)


ADDRESS_ACTIONS = {
    "mark": ("address", addresses.mark_confidential, _("The address is confidential now.")),
    "lift": ("address", addresses.lift_confidential, _("The address is no longer confidential.")),
    "disclose": ("address", addresses.disclose, _("The organisation may see the address now.")),
    "revoke": ("address", addresses.revoke, _("The organisation no longer sees the address.")),
    "confirm": ("statement", statements.confirm_statement, _("The reported data are now the known data.")),
    "dismiss": ("statement", statements.dismiss_statement, _("The reported data are dismissed.")),
}


@role_required(*ACTING_ROLES)
@require_POST
def address_action_view(request: HttpRequest, reference: str) -> HttpResponse:
    from verband.households.forms import AddressActionForm
    from verband.network.models import Organisation
    from verband.sharing.accesslog import record
    from verband.text import plain_id

    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    form = AddressActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    if action not in ADDRESS_ACTIONS:
        return addresses_view(request, reference, error=_("Choose what to do."), status=400)
    target, service, done = ADDRESS_ACTIONS[action]
    assert callable(service)
    item_id = plain_id(request.POST.get("id"))
    item = (
        addresses.household_address(household, item_id)
        if target == "address"
        else statements.household_statement(household, item_id)
    )
    if item is not None and target == "address":
        from verband.shielding.models import ItemType

        # An address shielded from the members a partner works with does not exist for that partner.
        assert isinstance(item, Address)
        if not view_scope(actor, household).shows(ItemType.ADDRESS, item.pk, item.person_id):
            item = None
    if (
        item is not None
        and target == "statement"
        and not view_scope(actor, household).sees_person(item.person_id)
    ):
        item = None
    if item is None:
        record(
            actor,
            action="update",
            object_type=target,
            object_id=str(item_id or "")[:60],
            household_id=household.pk,
            outcome="denied",
        )
        raise Http404
    error_for = f"{target}-{item.pk}"
    args: list[object] = [actor, household, item]
    if action in ("disclose", "revoke"):
        organisation_id = form.cleaned_data.get("organisation")
        organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        if organisation is None:
            return addresses_view(
                request, reference, error=_("Choose an organisation."), error_for=error_for, status=400
            )
        args.append(organisation)
    if target == "address":
        if "reason" in form.errors:  # a NUL or more than the service would take: said before any write
            return addresses_view(
                request,
                reference,
                error=" ".join(str(p) for p in form.errors["reason"]),
                error_for=error_for,
                status=400,
            )
        args.append(form.cleaned_data["reason"])
    if action == "disclose":
        args.append(basis_from(request.POST))
    try:
        service(*args)
    except PermissionDenied as exc:
        return addresses_view(request, reference, error=str(exc), error_for=error_for, status=403)
    except ValidationError as exc:
        return addresses_view(
            request, reference, error=" ".join(exc.messages), error_for=error_for, status=400
        )
    messages.success(request, done)
    return redirect("households:addresses", reference=reference)
