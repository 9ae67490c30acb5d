"""The family plan (view, edit with optimistic concurrency, versions, PDF), actions in Mijn werk, and
regie (request, accept with mandate, decline, withdraw, end)."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from verband.actors import Actor
from verband.collaboration.involvements import close_if_nobody_left
from verband.households.models import Household
from verband.households.selectors import household_people, log_household_view
from verband.network.models import ACTING_ROLES, CASEWORK_ROLES
from verband.plans import forms, regie, services
from verband.plans.models import (
    ActionStatus,
    Agreement,
    FamilyPlan,
    PlanAction,
    PlanStatus,
    PlanVersion,
    Regie,
    RegieTransfer,
    TransferStatus,
)
from verband.plans.selectors import plan_document, plan_of, shield_names
from verband.portal.member_selectors import responses_for_scope
from verband.portal.member_selectors import words_for_scope as member_words_for_scope
from verband.safety.selectors import danger_flags
from verband.sharing.access import actor_for_request, get_household_or_404, visible_households
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.models import ItemType
from verband.shielding.scope import Scope, household_copy_scope, member_scope, view_scope
from verband.text import errors_of, plain_id

WRITERS = ACTING_ROLES


def _people_in_scope(household: Household, scope: Scope) -> list:
    """The members this viewer works with (all of them for a whole-household partner)."""
    return [p for p in household_people(household) if scope.sees_person(p.pk)]


@role_required(*CASEWORK_ROLES)
def plan_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The plan as far as the viewer's scope shows it: a member-scoped partner sees its members' items (and
    actions its organisation owns) and how many items were left out; a whole-household partner sees every
    item, labelled with the members it is kept from."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    plan = plan_of(household)
    scope = view_scope(actor, household)
    doc = plan_document(plan, None, (scope,))
    log_household_view(actor, household, basis, "family_plan")
    versions = list(
        plan.versions.only("number", "saved_at", "saved_by_name", "organisation_name", "change")[:50]
    )
    if not scope.whole:  # a version's description can name an item (an action's status change)
        for version in versions:
            version.change = ""
    return render(
        request,
        "plans/plan.html",
        {
            "household": household,
            "doc": doc,
            "plan": plan,
            "versions": versions,
            "people": _people_in_scope(household, scope),
            "whole": scope.whole,
            "may_write": actor.membership is not None and actor.membership.role in WRITERS and scope.whole,
            "danger": danger_flags([household.pk]).get(household.pk, []),
            # What members wrote themselves at the household's door: each member's to those who see them.
            "member_words": member_words_for_scope(household, scope),
        },
    )


def _edit_context(household: Household, plan: FamilyPlan, form: forms.PlanEditor, **extra: object) -> dict:
    scope = extra.pop("scope", None)
    if isinstance(scope, Scope):  # the labels of what is kept from whom, on the rows of existing items
        names = {p.pk: p.full_name for p in household_people(household)}
        for item_type, formset in (
            (ItemType.GOAL, form.goals),
            (ItemType.AGREEMENT, form.agreements),
            (ItemType.ACTION, form.actions),
        ):
            for row in formset.forms:
                value = row["id"].value()
                pk = plain_id(str(value)) if value is not None else None
                row.shielded = shield_names(scope, item_type, pk, names) if pk is not None else ""
    return {"household": household, "plan": plan, "form": form, **_row_choices(household), **extra}


def _row_choices(household: Household) -> dict:
    """What the rows' selects offer: the members, the partners and the people who may own an action."""
    organisations, people = services.owner_choices(household)
    return {
        "members": household_people(household),
        "organisations": sorted(organisations.items(), key=lambda kv: kv[1]),
        "owners": sorted(((uid, org, name) for uid, (org, name) in people.items()), key=lambda r: r[2]),
        "statuses": PlanStatus.choices,
        "agreements": Agreement.choices,
        "action_statuses": ActionStatus.choices,
    }


def _editor(
    request: HttpRequest, reference: str, *, action: str
) -> tuple[Actor, Household, str] | HttpResponse:
    """The household for an editor of the whole plan, or the 403 page for a member-scoped partner."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference, action=action)
    try:
        services.refuse_member_scoped(actor, household)
    except services.MemberScopedEditor as refused:
        return render(
            request,
            "error.html",
            {"status": 403, "title": _("You cannot edit this plan"), "text": str(refused.args[0])},
            status=403,
        )
    return actor, household, basis


@role_required(*WRITERS)
def plan_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Only a partner working with the whole household edits the whole plan (a member-scoped partner would
    overwrite what it cannot see: refused with a 403 page and logged). "Add a row" without JavaScript posts
    the form with `add_row` and gets it back with one more empty row, nothing saved."""
    editor = _editor(request, reference, action="update" if request.method == "POST" else "view")
    if isinstance(editor, HttpResponse):
        return editor
    actor, household, basis = editor
    scope = view_scope(actor, household)
    plan = plan_of(household)
    if request.method != "POST":
        log_household_view(actor, household, basis, "family_plan")
        return render(
            request,
            "plans/edit.html",
            _edit_context(household, plan, forms.PlanEditor(plan=plan), version=plan.version, scope=scope),
        )
    version = forms.VersionForm(request.POST)
    adding = request.POST.get("add_row", "")
    if adding in forms.ROWS:
        log_household_view(actor, household, basis, "family_plan")
        return render(
            request,
            "plans/edit.html",
            _edit_context(
                household,
                plan,
                forms.PlanEditor(request.POST, extra=adding),
                version=version.cleaned_data["version"] if version.is_valid() else plan.version,
                scope=scope,
                quiet=True,
                focus=adding,
            ),
        )
    form = forms.PlanEditor(request.POST)
    valid = form.is_valid()
    if version.is_valid():
        expected = version.cleaned_data["version"]
    else:  # not a stale save but an unreadable form: say so, and go on from the plan as it is now
        form.add_error(_("The form contains a value Verband cannot read."))
        valid, expected = False, plan.version
    if valid:
        try:
            services.save_plan(actor, household, form.to_input(), expected)
        except services.StalePlan as stale:
            newer = stale.plan.versions.first()
            log_household_view(actor, household, basis, "family_plan")
            return render(
                request,
                "plans/edit.html",
                _edit_context(
                    household,
                    stale.plan,
                    form,
                    version=stale.plan.version,
                    stale=newer,
                    doc=plan_document(stale.plan, None, (scope,)),
                    scope=scope,
                ),
                status=409,
            )
        except ValidationError as exc:
            for problems in errors_of(exc).values():
                for problem in problems:
                    form.add_error(problem)
        else:
            messages.success(request, _("The family plan is saved."))
            return redirect("plans:plan", reference=household.reference)
    log_household_view(actor, household, basis, "family_plan")
    return render(
        request,
        "plans/edit.html",
        _edit_context(household, plan, form, version=expected, scope=scope),
        status=400,
    )


def _row_refused(request: HttpRequest, message: str) -> HttpResponse:
    """No row added: the reason, swapped in where the row would have come (htmx swaps a 400)."""
    return render(request, "plans/row_refused.html", {"message": message}, status=400)


@role_required(*WRITERS)
@require_GET
def plan_row_view(request: HttpRequest, reference: str) -> HttpResponse:
    """One more empty row for a section of the plan editor, for HTMX: the row at the section's current
    number of rows, and that number plus one swapped out of band into the form's management field."""
    editor = _editor(request, reference, action="view")
    if isinstance(editor, HttpResponse):
        return editor
    actor, household, basis = editor
    prefix = request.GET.get("soort", "")
    index = plain_id(request.GET.get(f"{prefix}-TOTAL_FORMS"))
    if prefix not in forms.ROWS or index is None:
        return _row_refused(request, _("The form contains a value Verband cannot read."))
    if index >= forms.MAX_ROWS:
        return _row_refused(
            request, _("At most %(count)d rows: save the plan first.") % {"count": forms.MAX_ROWS}
        )
    log_household_view(actor, household, basis, "family_plan")
    return render(
        request,
        "plans/row_added.html",
        {
            "row": forms.new_row(prefix, index),
            "prefix": prefix,
            "index": index,
            "total": index + 1,
            "template": forms.ROW_TEMPLATES[prefix],
            "autofocus": True,
            **_row_choices(household),
        },
    )


def _snapshot_shows(scope: Scope, item_type: str, item: dict) -> bool:
    """A version's item through the viewer's scope. An item stored without its id (or without the member
    it is for: older versions) cannot be checked, so only a whole-household view shows it."""
    if scope.whole:
        return True
    pk = item.get("id")
    if not isinstance(pk, int) or "person_id" not in item:
        return False
    return scope.shows(
        item_type, pk, item["person_id"], owner_organisation_id=item.get("owner_organisation_id")
    )


def _lines(snapshot: dict, scope: Scope, names: dict[int, str], hidden: set) -> list[str]:
    """The plan as lines of words, for comparing two versions: only what the scope shows (what it left out
    is added to `hidden`), items labelled with whom they are kept from for a whole-household view."""
    goal, agreement, action = _("Goal"), _("Agreement"), _("Plan action")
    monitored, due = _("monitored by"), _("due")
    lines = [f"{_('Plan status')}: {snapshot.get('status', '')}"]
    if scope.whole:  # the household's own words are the household's, not one member's
        lines += [
            f"{_('What the household itself wants')}: {snapshot.get('household_wishes', '')}",
            f"{_('Does the household agree?')}: {snapshot.get('household_agreement', '')} "
            f"{snapshot.get('agreement_note', '')}",
        ]

    def shown(item_type: str, key: str) -> list[tuple[dict, str]]:
        items = []
        for position, item in enumerate(snapshot.get(key, [])):
            if not _snapshot_shows(scope, item_type, item):
                hidden.add((item_type, item.get("id") or f"{id(snapshot)}:{position}"))
                continue
            label = ""
            if isinstance(item.get("id"), int):
                kept = shield_names(scope, item_type, item["id"], names)
                label = f" [{_('Not visible to %(names)s') % {'names': kept}}]" if kept else ""
            items.append((item, label))
        return items

    lines += [f"{goal} ({g['for']}): {g['text']}{label}" for g, label in shown(ItemType.GOAL, "goals")]
    lines += [
        f"{agreement} ({a['for']}): {a['text']} — {monitored} {a['monitored_by']}{label}"
        for a, label in shown(ItemType.AGREEMENT, "agreements")
    ]
    for a, label in shown(ItemType.ACTION, "actions"):
        person = f" / {a['person']}" if a["person"] else ""
        lines.append(
            f"{action} ({a['for']}): {a['text']} — {a['owner']}{person}, {due} {a['due_on']}, {a['status']}"
            f"{label}"
        )
    return lines


@role_required(*CASEWORK_ROLES)
def versions_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    plan = plan_of(household)
    numbers = list(plan.versions.values_list("number", flat=True))
    if not numbers:
        raise Http404

    def pick(name: str, default: int) -> int:
        value = plain_id(request.GET.get(name))
        return value if value in numbers else default

    newest = numbers[0]
    b = pick("b", newest)
    a = pick("a", max([n for n in numbers if n < b], default=b))
    older, newer = PlanVersion.objects.get(plan=plan, number=a), PlanVersion.objects.get(plan=plan, number=b)
    scope = view_scope(actor, household)
    names = {p.pk: p.full_name for p in household_people(household)}
    hidden: set = set()
    diff = []
    for line in difflib.ndiff(
        _lines(older.snapshot, scope, names, hidden), _lines(newer.snapshot, scope, names, hidden)
    ):
        if line[:2] in ("- ", "+ ", "  "):
            diff.append(({"- ": "removed", "+ ": "added", "  ": "same"}[line[:2]], line[2:]))
    log_household_view(actor, household, basis, "plan_version")
    return render(
        request,
        "plans/versions.html",
        {
            "household": household,
            "older": older,
            "newer": newer,
            "diff": diff,
            "numbers": numbers,
            "hidden": len(hidden),
            "whole": scope.whole,
            # Members' answers to these versions (at the household's door), of the members this viewer sees.
            "responses": responses_for_scope([older.pk, newer.pk], household, scope),
        },
    )


@role_required(*CASEWORK_ROLES)
def plan_pdf_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The plan for the household to take home, as a PDF: for the whole household (the household's copy:
    nothing that is kept from any member, since they read it together) or for one member (the household's
    parts and theirs, minus what is kept from them). A member-scoped partner makes copies only for its own
    members, and those hold only what it sees itself. Never an address, danger facts or assessments."""
    from weasyprint import HTML

    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    plan = plan_of(household)
    viewer = view_scope(actor, household)
    people = {p.pk: p for p in household_people(household)}
    reader = None
    wanted = request.GET.get("voor", "")
    if wanted:
        chosen = plain_id(wanted)
        if chosen is None or chosen not in people or not viewer.sees_person(chosen):
            raise Http404
        reader = people[chosen]
        copy = member_scope(household, reader.pk)
    elif not viewer.whole:
        record(
            actor, action="view", object_type="plan_pdf", object_id=household.reference,
            household_id=household.pk, outcome="denied",
        )  # fmt: skip
        return render(
            request,
            "error.html",
            {
                "status": 403,
                "title": _("No copy for the whole household"),
                "text": _(
                    "You work with some members of this household only: you can make the copy for one of "
                    "them, not the household's copy."
                ),
            },
            status=403,
        )
    else:
        copy = household_copy_scope(household)
    doc = plan_document(plan, reader, (copy,) if viewer.whole else (copy, viewer))
    html = render_to_string(
        "plans/plan_pdf.html", {"household": household, "doc": doc, "reader": reader, "words": viewer.whole}
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    log_household_view(actor, household, basis, "plan_pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gezinsplan-{household.reference}.pdf"'
    return response


@role_required(*CASEWORK_ROLES)
@require_POST
def action_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner sets their action's status. From an HTMX request (Mijn werk) the answer is the status form
    itself with what happened, swapped in place, so the page keeps its place; otherwise a redirect."""
    actor = actor_for_request(request)
    action = (
        PlanAction.objects.filter(pk=pk, plan__household__in=visible_households(actor))
        .select_related("plan__household")
        .first()
    )
    if action is None or not services.may_set_action_status(actor, action):
        # Not the owner, or the action is shielded from them: as if it did not exist, before the form is
        # read (no oracle of which actions exist, nor of their status), and logged.
        record(actor, action="update", object_type="plan_action", object_id=str(pk), outcome="denied")
        raise Http404
    form = forms.ActionStatusForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(p) for problems in form.errors.values() for p in problems)
    else:
        try:
            services.set_action_status(actor, action, form.cleaned_data["status"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            record(actor, action="update", object_type="plan_action", object_id=str(pk), outcome="denied")
            raise Http404 from None
    if getattr(request, "htmx", False):
        return render(
            request,
            "plans/action_status_form.html",
            {
                "a": action,
                "chosen": action.status if error else form.cleaned_data["status"],
                "action_statuses": ActionStatus.choices,
                "next": request.POST.get("next", ""),
                "error": error,
                "done": not error,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The action is updated."))
    if request.POST.get("next", "") == "mijn-werk":
        return redirect("workspace:my_work")
    return redirect("plans:plan", reference=action.plan.household.reference)


# --------------------------------------------------------------------------------------------- regie


@role_required(*WRITERS)
@require_POST
def regie_request_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    form = forms.RegieRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        transfer = regie.request_regie(actor, household, form.cleaned_data["to"], form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("Only the current regisseur can hand regie over."))
    else:
        if actor.membership is not None and transfer.to_membership_id == actor.membership.pk:
            # Taking regie oneself: straight on to accepting it, with the mandate.
            return redirect("plans:regie_accept", pk=transfer.pk)
        messages.success(request, _("The request is sent. Regie changes when it is accepted."))
    return redirect("households:detail", reference=household.reference)


def _transfer(actor: Actor, pk: int) -> RegieTransfer:
    transfer = (
        RegieTransfer.objects.select_related("household", "to_membership__organisation").filter(pk=pk).first()
    )
    if transfer is None or actor.membership is None or transfer.to_membership_id != actor.membership.pk:
        raise Http404
    return transfer


@role_required(*WRITERS)
def regie_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    transfer = _transfer(actor, pk)
    managers = regie.line_managers_for(actor.membership)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST" and transfer.status == TransferStatus.PENDING:
        form = forms.RegieDecisionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            data = form.cleaned_data
            if data["decision"] == "decline":
                regie.decline_regie(actor, transfer, data["reason"])
                # The household may have waited only for this answer, its last partner gone.
                close_if_nobody_left(actor, transfer.household)
                messages.success(request, _("You declined regie. The requester sees your reason."))
                return redirect("workspace:my_work")
            regie.accept_regie(actor, transfer, data["mandated_by"], data["mandate_note"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You now have regie of this household."))
            return redirect("households:detail", reference=transfer.household.reference)
    record_many(
        actor,
        action="view",
        object_type="regie_transfer",
        object_id=str(transfer.pk),
        subjects=[Subject(transfer.household_id)],
        basis="regie_transfer",
    )
    return render(
        request,
        "plans/regie_accept.html",
        {"transfer": transfer, "managers": managers, "error": error, "post": request.POST},
        status=400 if error else 200,
    )


@role_required(*WRITERS)
@require_POST
def regie_withdraw_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    transfer = RegieTransfer.objects.filter(pk=pk, household=household).first()
    if transfer is None:
        raise Http404
    try:
        regie.withdraw_regie(actor, transfer)
        close_if_nobody_left(actor, household)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("households:detail", reference=household.reference)


@role_required(*WRITERS)
@require_POST
def regie_end_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    form = forms.EndRegieForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        regie.end_regie(actor, household, form.cleaned_data["reason"])
    except PermissionDenied:
        messages.error(request, _("Only the regisseur or their line manager can end regie."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Regie has ended. The household has no regisseur now."))
    return redirect("households:detail", reference=household.reference)


# ------------------------------------------------------------------------------------- regie mandate


@role_required(*CASEWORK_ROLES)
def mandates_view(request: HttpRequest) -> HttpResponse:
    """The regie mandates waiting for this line manager's confirmation."""
    actor = actor_for_request(request)
    waiting = regie.mandates_for(actor)
    record_many(
        actor,
        action="list",
        object_type="regie",
        subjects=[Subject(r.household_id) for r in waiting] or [Subject()],
    )
    return render(request, "plans/mandates.html", {"waiting": waiting})


@role_required(*CASEWORK_ROLES)
def mandate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One regie mandate: the line manager named confirms or refuses it; the regisseur reads the answer."""
    actor = actor_for_request(request)
    found = Regie.objects.select_related(
        "household", "user", "organisation", "mandated_by", "membership__team"
    )
    mandate = found.filter(pk=pk).first()
    user_id = actor.user.pk if actor.user else None
    answers = mandate is not None and regie.may_answer_mandate(actor, mandate)
    if mandate is None or not (answers or mandate.user_id == user_id):
        record(actor, action="view", object_type="regie", object_id=str(pk), outcome="denied")
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not answers:
            record(actor, action="update", object_type="regie", object_id=str(pk), outcome="denied")
            raise Http404
        try:
            if request.POST.get("decision") == "confirm":
                regie.confirm_mandate(actor, mandate)
                messages.success(request, _("You confirmed the mandate. The regisseur is told."))
            elif request.POST.get("decision") == "refuse":
                regie.refuse_mandate(actor, mandate, request.POST.get("reason", ""))
                messages.success(
                    request, _("You refused the mandate: the regie has ended and the professional is told.")
                )
            else:
                raise ValidationError({"decision": [_("Confirm or refuse the mandate.")]})
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            return redirect("plans:mandates")
    record_many(
        actor,
        action="view",
        object_type="regie",
        object_id=str(mandate.pk),
        subjects=[Subject(mandate.household_id)],
    )
    context = {"mandate": mandate, "answers": answers, "errors": errors, "post": request.POST}
    return render(request, "plans/mandate.html", context, status=400 if errors else 200)
