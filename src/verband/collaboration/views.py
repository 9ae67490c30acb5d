"""Handovers (ask, answer, withdraw) and help deployed per member."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from verband.actors import Actor
from verband.collaboration import forms, services
from verband.collaboration.models import (
    HELP_FLOW,
    FundingStream,
    Handover,
    HandoverKind,
    HandoverStatus,
    Help,
    HelpStatus,
)
from verband.collaboration.selectors import shows_handover, visible_help
from verband.households.models import Household, Person
from verband.households.selectors import household_people
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES
from verband.sharing.access import actor_for_request, can_see_household, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.basis import basis_from
from verband.sharing.basis import form_context as basis_form_context
from verband.sharing.decorators import role_required
from verband.sharing.models import InformationScope, SharingKind
from verband.shielding.scope import Scope, view_scope
from verband.text import errors_of


def _scoped_people(household: Household, scope: Scope) -> list[Person]:
    """The members this viewer sees (all of them for a whole-household partner)."""
    return [p for p in household_people(household) if scope.sees_person(p.pk)]


def _log_view(
    actor: Actor, household: Household, basis: str, object_type: str, persons: list[Person]
) -> None:
    """The household, and each member the page shows."""
    record_many(
        actor,
        action="view",
        object_type=object_type,
        object_id=household.reference,
        subjects=[Subject(household.pk)]
        + [Subject(household.pk, pk) for pk in sorted({p.pk for p in persons})],
        basis=basis,
    )


def _within_scope(scope: Scope, person_id: int | None, field: str) -> None:
    """A partner working only with named members asks and registers only for those members."""
    if scope.whole:
        return
    if person_id is None or person_id not in scope.person_ids:
        raise ValidationError({field: [_("Choose one of the members your organisation works with.")]})


@role_required(*ACTING_ROLES)
def request_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    kind = request.POST.get("kind") or request.GET.get("soort") or HandoverKind.REFERRAL
    if kind not in HandoverKind.values:
        kind = HandoverKind.REFERRAL
    errors: dict[str, list[str]] = {}
    scope = view_scope(actor, household)
    if request.method == "POST":
        form = forms.HandoverRequestForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            data = form.cleaned_data
            _within_scope(scope, data["person"], "person")
            handover = services.request_handover(
                actor,
                household,
                kind=data["kind"],
                to_team_id=data["to_team"],
                question=data["question"],
                person_id=data["person"],
                basis=basis_from(request.POST),
                persons=None if scope.whole else frozenset(scope.person_ids),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(
                request,
                _("Asked %(team)s. You stay responsible until they accept.")
                % {"team": handover.to_team.name},
            )
            return redirect("households:detail", reference=household.reference)
    members = _scoped_people(household, scope)
    _log_view(actor, household, basis, "handover_form", members)
    context = {
        "household": household,
        "kind": kind,
        "kinds": HandoverKind.choices,
        "teams": services.receivers(household, kind),
        "members": members,
        "whole": scope.whole,
        "errors": errors,
        "post": request.POST,
        "bounces": services.bounces(household),
        "basis": basis_form_context(
            household,
            SharingKind.HANDOVER,
            information=InformationScope.ALL,
            post=request.POST if request.method == "POST" else None,
            errors=errors,
            persons=None if scope.whole else frozenset(scope.person_ids),
            hide_shelters=not scope.whole,
        ),
    }
    return render(request, "collaboration/request.html", context, status=400 if errors else 200)


def _handover(actor: Actor, pk: int) -> Handover:
    """Sender and receiving team see a handover; those who can see the household see it too."""
    handover = (
        Handover.objects.select_related(
            "household", "to_team__organisation", "from_organisation", "from_user", "person"
        )
        .filter(pk=pk)
        .first()
    )
    m = actor.membership
    # The receiving team's case workers while it is theirs to answer (or accepted); the sender while
    # acting for the membership that sent it; otherwise only those who see the household.
    receiver = (
        handover is not None
        and m is not None
        and m.team_id == handover.to_team_id
        and m.role in ACTING_ROLES
        and handover.status in (HandoverStatus.PENDING, HandoverStatus.ACCEPTED)
    )
    sender = handover is not None and m is not None and handover.from_membership_id == m.pk
    allowed = (
        handover is not None
        and m is not None
        and (
            receiver
            or sender
            or (
                can_see_household(actor, handover.household)
                and shows_handover(view_scope(actor, handover.household), handover)
            )
        )
    )
    if not allowed:
        record(actor, action="view", object_type="handover", object_id=str(pk), outcome="denied")
        raise Http404
    assert handover is not None
    return handover


@role_required(*CASEWORK_ROLES)
def handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    handover = _handover(actor, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.HandoverAnswerForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            decision = form.cleaned_data["decision"]
            if decision == "accept":
                services.accept_handover(actor, handover)
                messages.success(request, _("Accepted. The household page is now open to your team."))
                return redirect("households:detail", reference=handover.household.reference)
            if decision == "reject":
                services.reject_handover(actor, handover, form.cleaned_data["reason"])
                messages.success(request, _("Returned to the sender with your reason."))
                return redirect("workspace:my_work")
            if request.POST.get("confirm") != "yes" and services.may_withdraw_handover(actor, handover):
                # One click does not withdraw: a page asks first (no JavaScript needed).
                url = reverse("collaboration:handover", args=[handover.pk])
                return render(
                    request,
                    "confirm.html",
                    {
                        "title": _("Withdraw the question to %(team)s?") % {"team": handover.to_team.name},
                        "text": _(
                            "The receiving team no longer sees the question. Your team stays responsible "
                            "for the household."
                        ),
                        "action": url,
                        "hidden": [("decision", "withdraw")],
                        "confirm_label": _("Yes, withdraw"),
                        "back": url,
                        "back_label": _("No, keep the question"),
                    },
                )
            services.withdraw_handover(actor, handover)
            messages.success(request, _("Handover withdrawn."))
            return redirect("households:detail", reference=handover.household.reference)
        except PermissionDenied:
            errors = {"__all__": [_("Only the receiving team answers a handover.")]}
        except ValidationError as exc:
            errors = errors_of(exc)
    record(
        actor,
        action="view",
        object_type="handover",
        object_id=str(handover.pk),
        household_id=handover.household_id,
        person_id=handover.person_id,
        basis="handover",
    )
    context = {
        "handover": handover,
        "may_answer": services.may_answer(actor, handover),
        "is_sender": actor.user is not None and handover.from_user_id == actor.user.pk,
        "bounces": services.bounces(handover.household),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "collaboration/handover.html", context, status=400 if errors else 200)


@role_required(*CASEWORK_ROLES)
def help_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    errors: dict[str, list[str]] = {}
    scope = view_scope(actor, household)
    if request.method == "POST":
        form = forms.HelpForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            data = form.cleaned_data
            _within_scope(scope, data["person"], "person")
            services.add_help(
                actor,
                household,
                kind_id=data["kind"],
                funding=data["funding"],
                person_id=data["person"],
                provider_id=data["provider"],
                note=data["note"],
            )
        except PermissionDenied:
            errors = {"__all__": [_("Only case workers involved with this household register help.")]}
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Help registered."))
            return redirect("collaboration:help", reference=household.reference)
    members = _scoped_people(household, scope)
    rows, hidden = visible_help(
        scope,
        Help.objects.filter(household=household).select_related("kind", "provider__organisation", "person"),
        {p.pk: p.full_name for p in members},
    )
    kinds = services.kinds_for(household)
    providers = services.receivers(household, HandoverKind.REFERRAL)
    offered = services.providers_by_kind({*kinds, *(h.kind for h in rows)})
    for h in rows:
        # The status starts at the current one (never a step back by default); only the steps possible
        # from it, and only providers that offer this kind of help.
        h.next_statuses = [  # type: ignore[attr-defined]
            (v, label) for v, label in HelpStatus.choices if HELP_FLOW.allows(h.status, v)
        ]
        h.providers = offered.get(h.kind_id, providers)  # type: ignore[attr-defined]
    _log_view(actor, household, basis, "help", members)
    context = {
        "household": household,
        "rows": rows,
        "hidden": hidden,
        "whole": scope.whole,
        "kinds": kinds,
        "capacity": [(k, team, places, used) for k in kinds for team, places, used in services.capacity(k)],
        "fundings": FundingStream.choices,
        "statuses": HelpStatus.choices,
        "members": members,
        "providers": providers,
        # The register form without JavaScript: per kind with named providers a group of them, then all.
        "provider_groups": [(k.name, offered[k.pk]) for k in kinds if k.pk in offered],
        "errors": errors,
        "post": request.POST,
        "may_write": actor.membership is not None and actor.membership.role in ACTING_ROLES,
    }
    return render(request, "collaboration/help.html", context, status=400 if errors else 200)


@role_required(*ACTING_ROLES)
@require_POST
def help_status_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference)
    help_ = (
        Help.objects.filter(pk=pk, household=household)
        .select_related("household", "kind", "provider")
        .first()
    )
    if help_ is not None and not visible_help(view_scope(actor, household), [help_], {})[0]:
        help_ = None  # help this partner may not see does not exist for it
    if help_ is None:
        record(
            actor,
            action="update",
            object_type="help",
            object_id=str(pk),
            household_id=household.pk,
            outcome="denied",
        )
        raise Http404
    form = forms.HelpStatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] == help_.status and not form.cleaned_data["provider"]:
        # The form starts at the current status: sent unchanged, nothing changes.
        messages.info(request, _("Nothing changed: choose the new status."))
        return redirect("collaboration:help", reference=household.reference)
    try:
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        services.set_help_status(
            actor, help_, form.cleaned_data["status"], provider_id=form.cleaned_data["provider"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status updated."))
    return redirect("collaboration:help", reference=household.reference)


@role_required(*ACTING_ROLES)
@require_POST
def end_involvement_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """End one's own involvement with a reason. An involvement this person may not end (or does not see)
    is "not found", and the attempt is logged."""
    from verband.collaboration.involvements import end_involvement, may_end
    from verband.households.selectors import shows_involvement
    from verband.sharing.models import Involvement

    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    involvement = (
        Involvement.objects.active()
        .filter(pk=pk, household=household)
        .select_related("household", "team__organisation", "organisation", "network")
        .prefetch_related("scoped_members")
        .first()
    )
    if (
        involvement is None
        or not shows_involvement(view_scope(actor, household), involvement, actor)
        or not may_end(actor, involvement)
    ):
        record(
            actor, action="end", object_type="involvement", object_id=str(pk), household_id=household.pk,
            outcome="denied",
        )  # fmt: skip
        raise Http404
    form = forms.EndInvolvementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("households:detail", reference=reference)
    try:
        closed = end_involvement(actor, involvement, form.cleaned_data["reason"], form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("households:detail", reference=reference)
    if closed:
        messages.success(
            request,
            _("Your involvement with %(reference)s has ended. No partner is left: the household is closed.")
            % {"reference": reference},
        )
    else:
        messages.success(
            request, _("Your involvement with %(reference)s has ended.") % {"reference": reference}
        )
    if can_see_household(actor_for_request(request), household):
        return redirect("households:detail", reference=reference)
    return redirect("workspace:my_work")


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def emergency_view(request: HttpRequest) -> HttpResponse:
    """Break the glass: open a household one is not involved with, in acute danger, with a reason."""
    from verband.collaboration.emergency import open_emergency_access

    actor = actor_for_request(request)
    form = forms.EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            involvement = open_emergency_access(
                actor, form.cleaned_data["reference"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access is open to you until %(until)s. The regisseur and the privacy officer "
                    "have been told."
                )
                % {"until": date_format(timezone.localtime(involvement.ended_at), "j F Y H:i")},
            )
            return redirect("households:detail", reference=involvement.household.reference)
    return render(
        request,
        "collaboration/emergency.html",
        {"form": form, "hours": settings.EMERGENCY_ACCESS_HOURS},
        status=400 if form.errors else 200,
    )


def _partner_names(scope: Scope, consent: object) -> list[str]:
    """The partners a consent names, as this viewer may read them (a shelter only in whole-household views)."""
    return [p.name for p in consent.partners.all() if scope.names_organisation(p)]  # type: ignore[attr-defined]


def _consent_people(actor: Actor, household: Household) -> tuple[Scope, list[Person]]:
    scope = view_scope(actor, household)
    return scope, _scoped_people(household, scope)


@role_required(*CASEWORK_ROLES)
def consents_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The household's consents, per member the viewer's involvement covers, and the legal bases recorded
    for what was shared (to partners working with the whole household)."""
    from verband.collaboration.consent import household_consents, may_record, may_withdraw
    from verband.sharing.models import SharingBasis

    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope, people = _consent_people(actor, household)
    shown = {p.pk for p in people}
    consents = [c for c in household_consents(household) if c.person_id in shown]
    for c in consents:
        c.partner_names = _partner_names(scope, c)  # type: ignore[attr-defined]
        c.may_withdraw = c.status == "given" and may_withdraw(actor, c)  # type: ignore[attr-defined]
        c.recorder = (  # type: ignore[attr-defined]
            c.recorded_by_organisation if scope.names_organisation(c.recorded_by_organisation) else ""
        )
    bases = (
        list(
            SharingBasis.objects.filter(household=household)
            .select_related("consent__person", "chosen_by", "chosen_by_organisation")
            .order_by("-chosen_at", "-pk")
        )
        if scope.whole
        else []
    )
    waiting = [b for b in bases if b.legal_basis == "consent" and b.consent_id is None]
    _log_view(actor, household, basis, "consents", people)
    context = {
        "household": household,
        "consents": consents,
        "bases": bases,
        "waiting": waiting,
        "may_record": may_record(actor, household),
    }
    return render(request, "collaboration/consents.html", context)


@role_required(*ACTING_ROLES)
def consent_new_view(request: HttpRequest, reference: str) -> HttpResponse:
    from verband.collaboration.consent import may_record, record_consent, region_partners
    from verband.sharing.models import ConsentManner, ConsentStatus, InformationScope

    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    if not may_record(actor, household):
        record(actor, action="create", object_type="consent", object_id=household.reference,
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied(_("Only a professional working with this household records consent."))
    _scope, people = _consent_people(actor, household)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.ConsentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            data = form.cleaned_data
            record_consent(
                actor,
                household,
                person_id=data["person"],
                status=data["status"],
                partner_ids=data["partners"],
                information=data["information"],
                manner=data["manner"],
                given_on=data["given_on"],
                valid_until=data["valid_until"],
                note=data["note"],
                for_basis_id=data["for_basis"],
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("collaboration:consents", reference=household.reference)
    _log_view(actor, household, basis, "consent_form", people)
    post = request.POST if request.method == "POST" else None
    context = {
        "household": household,
        "members": people,
        "partners": region_partners(household),
        "statuses": [
            (ConsentStatus.GIVEN, _("Consent given")),
            (ConsentStatus.REFUSED, _("Consent refused")),
        ],
        "manners": ConsentManner.choices,
        "information": InformationScope.choices,
        "errors": errors,
        "post": post,
        "chosen_partners": post.getlist("partners") if post is not None else [],
        "chosen_information": post.getlist("information") if post is not None else [],
        "for_basis": (post.get("for_basis") if post is not None else request.GET.get("voor", "")) or "",
        "today": timezone.localdate(),
    }
    return render(request, "collaboration/consent_form.html", context, status=400 if errors else 200)


@role_required(*ACTING_ROLES)
def consent_withdraw_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Withdraw a consent: first what will end (the warning), then the withdrawal."""
    from verband.collaboration.consent import effects_of_withdrawal, may_withdraw, withdraw_consent
    from verband.sharing.models import Consent, ConsentManner, ConsentStatus

    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    consent = (
        Consent.objects.filter(pk=pk, household=household, status=ConsentStatus.GIVEN)
        .select_related("person")
        .prefetch_related("partners")
        .first()
    )
    if consent is None or not may_withdraw(actor, consent):
        record(actor, action="withdraw", object_type="consent", object_id=str(pk), household_id=household.pk,
               outcome="denied")  # fmt: skip
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.WithdrawConsentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            data = form.cleaned_data
            effects = withdraw_consent(
                actor, consent, withdrawn_on=data["withdrawn_on"], manner=data["manner"], note=data["note"]
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            count = (
                len(effects.involvements)
                + len(effects.handovers)
                + len(effects.addresses)
                + len(effects.shared_items)
            )
            messages.success(
                request,
                _(
                    "The consent is withdrawn. What rested on it has ended (%(count)d), and the regisseur is told."
                )
                % {"count": count},
            )
            if can_see_household(actor_for_request(request), household):
                return redirect("collaboration:consents", reference=household.reference)
            return redirect("workspace:my_work")
    scope = view_scope(actor, household)
    effects = effects_of_withdrawal(consent)
    # What ends, in the words this professional may read: no shelter named and no member outside their scope.
    unnamed = _("a partner (not named)")
    ends = [
        _("%(party)s is no longer involved and no longer sees the household.")
        % {"party": i.party if scope.names_organisation(i.organisation) else unnamed}
        for i in effects.involvements
    ]
    ends += [
        _("The handover to %(team)s is withdrawn.")
        % {"team": h.to_team.name if scope.names_organisation(h.to_team.organisation) else unnamed}
        for h in effects.handovers
    ]
    ends += [
        _("%(org)s no longer sees the confidential address.")
        % {"org": d.organisation if scope.names_organisation(d.organisation) else unnamed}
        for d in effects.addresses
    ]
    named = [s.person for s in effects.shared_items if scope.sees_person(s.person_id)]
    ends += [
        _("A %(what)s is shielded from %(name)s again.")
        % {
            "what": str(s.get_item_type_display()).lower(),
            "name": s.person.full_name if scope.sees_person(s.person_id) else _("another member"),
        }
        for s in effects.shared_items
    ]
    _log_view(actor, household, basis, "consent_withdrawal", [consent.person, *named])
    context = {
        "household": household,
        "consent": consent,
        "partner_names": _partner_names(scope, consent),
        "ends": ends,
        "manners": ConsentManner.choices,
        "errors": errors,
        "post": request.POST if request.method == "POST" else None,
        "today": timezone.localdate(),
    }
    return render(request, "collaboration/consent_withdraw.html", context, status=400 if errors else 200)
