"""Anonymous consultation pages: the network's list, a new question, and one consultation with its advice
thread, the conclusion and the link to a household."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.actors import Actor
from verband.consultation import forms, selectors, services
from verband.consultation.models import FACTS_MAX, QUESTION_MAX
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.text import errors_of

PAGE_SIZE = 25


@role_required(*CASEWORK_ROLES)
def list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    networks = list(selectors.member_networks(actor))
    rows = (
        selectors.visible_consultations(actor)
        .select_related("network", "organisation", "household")
        .annotate(advice_count=Count("advice"))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    items = list(page.object_list)
    for c in items:
        # Which household a linked consultation is about, only for those who see that household.
        c.shown_household = c.household if selectors.shows_link(actor, c.household) else None
    record_many(
        actor,
        action="list",
        object_type="consultation",
        subjects=[Subject(c.household_id) for c in items if c.household_id is not None] or [Subject()],
        basis=selectors.ANONYMOUS_BASIS,
    )
    context = {
        "networks": networks,
        "page": page,
        "items": items,
        "may_ask": bool(networks) and actor.membership is not None and actor.membership.role in ACTING_ROLES,
    }
    return render(request, "consultation/list.html", context)


@role_required(*ACTING_ROLES)
def new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    networks = list(selectors.member_networks(actor))
    if not networks:
        # Someone who takes part in no network has no table to put a question to.
        record(actor, action="create", object_type="consultation", outcome="denied")
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.AskForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            consultation = services.ask(
                actor,
                network_id=form.cleaned_data["network"],
                facts=form.cleaned_data["facts"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(
                request,
                _("Your question is with the network as %(ref)s. The members are told.")
                % {"ref": consultation.reference},
            )
            return redirect("consultation:detail", pk=consultation.pk)
    chosen = request.POST.get("network") or (str(networks[0].pk) if len(networks) == 1 else "")
    context = {
        "networks": networks,
        "chosen": chosen,
        "errors": errors,
        "post": request.POST,
        "facts_max": FACTS_MAX,
        "question_max": QUESTION_MAX,
    }
    return render(request, "consultation/new.html", context, status=400 if errors else 200)


def _context(actor: Actor, opened: selectors.Opened) -> dict[str, Any]:
    c = opened.consultation
    return {
        "c": c,
        "opened": opened,
        "advice": list(c.advice.select_related("author", "organisation")),
        "may_advise": opened.may_advise,
        "may_conclude": opened.may_conclude(actor) and opened.anonymous,
        "may_link": opened.may_link(actor),
        "is_asker": actor.user is not None and c.asked_by_id == actor.user.pk,
    }


def _log_view(actor: Actor, opened: selectors.Opened) -> None:
    c = opened.consultation
    record(actor, action="view", object_type="consultation", object_id=str(c.pk), household_id=c.household_id,
           basis=opened.basis)  # fmt: skip


def _detail(
    request: HttpRequest,
    actor: Actor,
    opened: selectors.Opened,
    *,
    errors: dict[str, list[str]] | None = None,
    form: str = "",
) -> HttpResponse:
    """The consultation page; after a refused form, with its messages and what was typed (`form` says
    which form to open)."""
    _log_view(actor, opened)
    errors = errors or {}
    context = {
        **_context(actor, opened),
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "post": request.POST,
        "form": form,
    }
    return render(request, "consultation/detail.html", context, status=400 if errors else 200)


@role_required(*CASEWORK_ROLES)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    return _detail(request, actor, selectors.open_consultation(actor, pk))


def _refused(actor: Actor, opened: selectors.Opened, action: str) -> PermissionDenied:
    c = opened.consultation
    record(actor, action=action, object_type="consultation", object_id=str(c.pk), household_id=c.household_id,
           outcome="denied")  # fmt: skip
    return PermissionDenied()


@role_required(*CASEWORK_ROLES)
@require_POST
def advice_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    opened = selectors.open_consultation(actor, pk, action="create")
    if not opened.member:
        raise _refused(actor, opened, "create")
    form = forms.AdviceForm(request.POST)
    errors: dict[str, list[str]] = {}
    try:
        # Linked to a case: refused whatever was typed (the thread is read by the whole network).
        services.still_anonymous(actor, opened.consultation, action="create")
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        services.advise(actor, opened.consultation, form.cleaned_data["text"])
    except PermissionDenied:
        raise _refused(actor, opened, "create") from None
    except ValidationError as exc:
        errors = errors_of(exc)
    if getattr(request, "htmx", False):
        # The thread with the new advice (or the form with its message and the text), swapped in place.
        context = {
            **_context(actor, opened),
            "errors": errors,
            "thread_errors": errors.get("__all__", []),
            "post": request.POST if errors else {},
            "added": not errors,
        }
        return render(request, "consultation/thread.html", context, status=400 if errors else 200)
    if errors:
        return _detail(request, actor, opened, errors=errors, form="advice")
    messages.success(request, _("Your advice is added."))
    return redirect("consultation:detail", pk=pk)


@role_required(*CASEWORK_ROLES)
@require_POST
def conclusion_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    opened = selectors.open_consultation(actor, pk, action="close")
    if not opened.may_conclude(actor):
        raise _refused(actor, opened, "close")
    form = forms.ConclusionForm(request.POST)
    try:
        services.still_anonymous(actor, opened.consultation, action="close")
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        services.conclude(actor, opened.consultation, form.cleaned_data["conclusion"])
    except PermissionDenied:
        raise _refused(actor, opened, "close") from None
    except ValidationError as exc:
        return _detail(request, actor, opened, errors=errors_of(exc), form="conclusion")
    messages.success(request, _("The conclusion is recorded; the consultation is concluded."))
    return redirect("consultation:detail", pk=pk)


@role_required(*ACTING_ROLES)
@require_POST
def link_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    opened = selectors.open_consultation(actor, pk, action="link")
    if not opened.member:
        raise _refused(actor, opened, "link")
    form = forms.LinkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(forms.errors_dict(form))
        household = services.link(
            actor,
            opened.consultation,
            reference=form.cleaned_data["household"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied:
        raise _refused(actor, opened, "link") from None
    except ValidationError as exc:
        return _detail(request, actor, opened, errors=errors_of(exc), form="link")
    messages.success(
        request,
        _("The consultation is linked to household %(ref)s. Only those who see that household see the link.")
        % {"ref": household.reference},
    )
    return redirect("consultation:detail", pk=pk)
