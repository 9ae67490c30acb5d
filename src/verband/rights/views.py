"""Requests under the AVG: the household's list with the form to record one, one request (decide, extend,
make the export, mark it delivered), and the privacy officer's list of the region.

Only case workers who act and decide, and whose own party works with the household, reach these pages; a
partner working with named members sees and handles only their requests. Everyone else gets "not found",
and the attempt is logged."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verband.actors import Actor
from verband.households.models import Address, Household, Person
from verband.households.selectors import household_people
from verband.network.models import ACTING_ROLES, Organisation, Role
from verband.rights import export as exports
from verband.rights import forms, services
from verband.rights.models import DECIDED, HowReceived, RightsKind, RightsRequest, RightsStatus
from verband.rights.selectors import household_requests, region_requests, request_or_404
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.scope import Scope, view_scope
from verband.text import errors_of


def _household(request: HttpRequest, reference: str) -> tuple[Actor, Household, str, Scope]:
    """The household, if the actor works with it through their own party; else "not found", logged."""
    actor = actor_for_request(request)
    action = "view" if request.method == "GET" else "update"
    household, basis = get_household_or_404(actor, reference, action=action)
    if not services.may_handle(actor, household):  # an emergency access reads the household, nothing more
        record(actor, action=action, object_type="rights_request", object_id=reference[:60],
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise Http404
    return actor, household, basis, view_scope(actor, household)


def _log(
    actor: Actor,
    household: Household,
    basis: str,
    persons: set[int],
    action: str = "view",
    object_id: str = "",
) -> None:
    record_many(
        actor,
        action=action,
        object_type="rights_request",
        object_id=object_id or household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, pk) for pk in sorted(persons)],
        basis=basis,
    )


def _members(household: Household, scope: Scope) -> list[Person]:
    return [p for p in household_people(household) if scope.sees_person(p.pk)]


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor, household, basis, scope = _household(request, reference)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.RecordForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            data = form.cleaned_data
            made = services.record_request(
                actor,
                household,
                person_id=data["person"],
                kind=data["kind"],
                how_received=data["how_received"],
                received_on=data["received_on"],
                asked=data["asked"],
                identity_checked=data["identity_checked"],
                representative=data["representative"],
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The request is recorded. Answer it by %(date)s.") % {
                "date": date_format(made.due_on, "j F Y")})  # fmt: skip
            return redirect("rights:request", reference=household.reference, pk=made.pk)
    rows = household_requests(household, scope)
    members = _members(household, scope)
    _log(actor, household, basis, {r.person_id for r in rows} | {p.pk for p in members}, action="list")
    return render(
        request,
        "rights/requests.html",
        {
            "household": household,
            "rows": rows,
            "members": members,
            "kinds": RightsKind.choices,
            "ways": HowReceived.choices,
            "errors": errors,
            "post": request.POST,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


def _by(name: str, organisation: Organisation | None, scope: Scope) -> str:
    """Who recorded or decided, with their organisation — named only where the viewer's scope names it
    (a shelter only to whole-household partners); else its category, without the person."""
    if organisation is None:
        return name
    if not scope.names_organisation(organisation):
        return exports.category(organisation.kind)
    return f"{name} ({organisation})" if name else str(organisation)


def _detail(request: HttpRequest, actor: Actor, household: Household, basis: str, rights: RightsRequest,
            scope: Scope, errors: dict[str, list[str]] | None = None, form: str = "") -> HttpResponse:  # fmt: skip
    _log(actor, household, basis, {rights.person_id}, object_id=str(rights.pk))
    today = timezone.localdate()
    confidential = Address.objects.filter(person_id=rights.person_id, confidential=True).exists()
    return render(
        request,
        "rights/request.html",
        {
            "household": household,
            "rights": rights,
            "errors": errors or {},
            "form": form,
            "post": request.POST if errors else {},
            "outcomes": [(s, RightsStatus(s).label) for s in DECIDED],
            "may_decide": rights.status == RightsStatus.RECEIVED,
            "may_release": confidential and services.may_release_addresses(rights),
            "guarded": rights.kind == RightsKind.ACCESS and services.guarded(rights),
            "recorded_by": _by(rights.recorded_by_name, rights.organisation, scope),
            "decided_by": _by(rights.decided_by_name, rights.decided_by_organisation, scope),
            "may_extend": rights.is_open and not rights.extension_months and today <= rights.first_due_on,
            "may_export": services.may_export(actor, rights),
            "may_deliver": rights.kind == RightsKind.ACCESS
            and rights.status in (RightsStatus.GRANTED, RightsStatus.PARTLY_GRANTED),
        },
        status=400 if errors else 200,
    )


@role_required(*ACTING_ROLES)
@require_GET
def request_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, household, basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="view")
    return _detail(request, actor, household, basis, rights, scope)


@role_required(*ACTING_ROLES)
@require_POST
def decide_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, household, basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="update")
    form = forms.DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        services.decide(
            actor,
            rights,
            form.cleaned_data["outcome"],
            form.cleaned_data["decision"],
            release_addresses=form.cleaned_data["release_addresses"],
        )
    except ValidationError as exc:
        rights.refresh_from_db()
        return _detail(request, actor, household, basis, rights, scope, errors_of(exc), "decide")
    messages.success(request, _("The decision is recorded."))
    return redirect("rights:request", reference=household.reference, pk=rights.pk)


@role_required(*ACTING_ROLES)
@require_POST
def extend_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, household, basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="update")
    form = forms.ExtendForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        rights = services.extend(
            actor, rights, form.cleaned_data["months"], form.cleaned_data["extension_reason"]
        )
    except ValidationError as exc:
        rights.refresh_from_db()
        return _detail(request, actor, household, basis, rights, scope, errors_of(exc), "extend")
    messages.success(request, _("The deadline is extended to %(date)s. Tell the person, with the reason.") % {
        "date": date_format(rights.due_on, "j F Y")})  # fmt: skip
    return redirect("rights:request", reference=household.reference, pk=rights.pk)


@role_required(*ACTING_ROLES)
@require_POST
def deliver_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, household, basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="update")
    try:
        services.deliver(actor, rights)
    except ValidationError as exc:
        rights.refresh_from_db()
        return _detail(request, actor, household, basis, rights, scope, errors_of(exc), "deliver")
    messages.success(request, _("The export is marked as delivered; the request is done."))
    return redirect("rights:request", reference=household.reference, pk=rights.pk)


@role_required(*ACTING_ROLES)
@require_POST
def identity_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The professional checked who the person is, after the request was recorded."""
    actor, household, _basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="update")
    services.confirm_identity(actor, rights)
    messages.success(request, _("It is recorded that you checked who the person is."))
    return redirect("rights:request", reference=household.reference, pk=rights.pk)


@role_required(*ACTING_ROLES)
@require_GET
def export_view(request: HttpRequest, reference: str, pk: int, fmt: str) -> HttpResponse:
    """The export as a PDF or as JSON; each one made is logged as an export of the member's data."""
    actor, household, _basis, scope = _household(request, reference)
    rights = request_or_404(actor, household, pk, scope, action="export")
    if fmt not in services.EXPORT_FORMATS or not services.may_export(actor, rights):
        record(actor, action="export", object_type="rights_export", object_id=f"{pk}:{fmt}"[:60],
               household_id=household.pk, person_id=rights.person_id, outcome="denied")  # fmt: skip
        raise Http404
    made = exports.build(actor, rights)
    name = f"inzage-{household.reference}-{rights.pk}"
    if fmt == "pdf":
        body = exports.as_pdf(exports.as_html(made), request.build_absolute_uri("/"))
        content_type = "application/pdf"
    else:
        body = json.dumps(exports.as_json(made), ensure_ascii=False, indent=2).encode()
        content_type = "application/json; charset=utf-8"
    try:
        with transaction.atomic():
            services.note_export(actor, rights, fmt, made.redacted)
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(Role.PRIVACY_OFFICER)
@require_GET
def region_view(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list: every request of the region with its deadline, open ones first. Household
    references and person numbers, no names (as in the access log)."""
    actor = actor_for_request(request)
    everything = request.GET.get("alle") == "1"
    page = Paginator(region_requests(actor, open_only=not everything), 50).get_page(request.GET.get("pagina"))
    shown = list(page)
    record_many(
        actor,
        action="list",
        object_type="rights_request",
        subjects=[Subject(r.household_id, r.person_id) for r in shown] or [Subject()],
    )
    return render(
        request,
        "rights/region.html",
        {"page": page, "rows": shown, "everything": everything, "today": timezone.localdate()},
    )
