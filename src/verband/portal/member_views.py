"""What a member sees and does at the household's door (/thuis/): their part of the plan, who helps,
meetings they are invited to, their own words, their answer to a plan version, questions to their
regisseur, feedback on the help, and requests about their own data.

Every page is `member_required` and reads through the member's own copy (`door_scope`: `member_scope`, and for a child also without what is kept from a perpetrator): the household's
parts and theirs, minus what is kept from them; a shelter is never named. Every page view is logged on
the household channel with the member's household and person as subjects; an id of anything that is not
this member's own answers 404 and is logged as denied. Page titles are neutral ("Mijn plan")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.network.models import OrganisationKind
from verband.plans.models import Agreement, FamilyPlan, PlanVersion
from verband.plans.selectors import plan_document
from verband.portal import member_selectors as selectors
from verband.portal import member_services as services
from verband.portal.access import member_actor, member_required
from verband.portal.models import MemberAccess, MemberFeedback, MemberMessage
from verband.rights.models import RightsKind, RightsRequest
from verband.rights.services import DOOR_KINDS, record_member_request
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.models import Involvement
from verband.shielding.scope import Scope, door_scope
from verband.text import errors_of, plain_id


def _access(request: HttpRequest) -> MemberAccess:
    return request.member_access  # type: ignore[attr-defined]


def _log_view(request: HttpRequest, page: str, object_type: str = "portal_page") -> None:
    access = _access(request)
    record_many(
        member_actor(request),
        action="view",
        object_type=object_type,
        object_id=page,
        subjects=[Subject(access.household_id), Subject(access.household_id, access.person_id)],
    )


def _not_found(request: HttpRequest, object_type: str, object_id: Any) -> Http404:
    """Something that is not this member's own: logged as denied, answered as not found."""
    access = _access(request)
    record(
        member_actor(request), action="view", object_type=object_type, object_id=str(object_id)[:60],
        household_id=access.household_id, person_id=access.person_id, outcome="denied",
    )  # fmt: skip
    return Http404()


def _scope(access: MemberAccess) -> Scope:
    return door_scope(access.household, access.person_id)


def _newest_version(plan: FamilyPlan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


@member_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Mijn plan: the household's part of the plan and the member's own, minus what is kept from them."""
    access = _access(request)
    scope = _scope(access)
    plan = FamilyPlan.objects.get(household_id=access.household_id)
    doc = plan_document(plan, reader=access.person, scopes=(scope,))
    # Never a shelter, nor a party that works only with other members (with her).
    others = selectors.organisations_of_others(access.household, access.person_id)

    def named(organisation: Any) -> bool:
        return scope.names_organisation(organisation) and getattr(organisation, "pk", None) not in others

    for section in doc.sections:
        for agreement in section.agreements:
            agreement.monitor_named = named(agreement.monitored_by)
        for action in section.actions:
            action.owner_named = action.owner_organisation is None or named(action.owner_organisation)
    version = _newest_version(plan)
    response = (
        version.member_responses.filter(person_id=access.person_id).first() if version is not None else None
    )
    unseen = MemberMessage.objects.filter(
        household_id=access.household_id, person_id=access.person_id, from_member=False, seen_at__isnull=True
    ).exists()
    _log_view(request, "plan")
    return render(
        request,
        "portal/member/home.html",
        {
            "page": "home",
            "doc": doc,
            "regie": selectors.regie_contact(doc.regie),
            "words": selectors.latest_words(access.household_id, access.person_id),
            "version": version,
            "response": response,
            "choices": [(value, label) for value, label in Agreement.choices if value in services.RESPONSES],
            "unseen": unseen,
            "draft": request.session.pop("portal_words_draft", None),
        },
    )


@member_required
@require_POST
def words_view(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    try:
        services.write_words(member_actor(request), access, request.POST.get("text", ""))
    except ValidationError as exc:
        for problems in errors_of(exc).values():
            for problem in problems:
                messages.error(request, problem)
        request.session["portal_words_draft"] = request.POST.get("text", "")[:4000]
        return redirect("portal:home")
    messages.success(request, _("Your words have been saved. Your regisseur can read them."))
    return redirect("portal:home")


@member_required
@require_POST
def respond_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    version = PlanVersion.objects.filter(pk=pk, plan__household_id=access.household_id).first()
    if version is None:
        raise _not_found(request, "member_response", pk)
    try:
        services.respond_to_version(
            member_actor(request),
            access,
            version,
            request.POST.get("agreement", ""),
            request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for problems in errors_of(exc).values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("portal:home")
    messages.success(request, _("Thank you. Your answer is kept with this version of the plan."))
    return redirect("portal:home")


@member_required
def people_view(request: HttpRequest) -> HttpResponse:
    """Wie helpen er mee: the regisseur and the parties involved for the whole household or this member."""
    access = _access(request)
    scope = _scope(access)
    regie = services.current_regie(access.household_id)
    if regie is not None and not scope.names_organisation(regie.organisation):
        regie, withheld = None, True
    else:
        withheld = False
    helpers = selectors.helpers_of(access.household, access.person_id, scope)
    _log_view(request, "people")
    return render(
        request,
        "portal/member/people.html",
        {"page": "people", "regie": selectors.regie_contact(regie), "withheld": withheld, "helpers": helpers},
    )


@member_required
def meetings_view(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    meetings = selectors.member_meetings(access)
    _log_view(request, "meetings")
    return render(request, "portal/member/meetings.html", {"page": "meetings", "meetings": meetings})


@member_required
def questions_view(request: HttpRequest) -> HttpResponse:
    """Vragen: the member's own thread with their regisseur; a new question."""
    access = _access(request)
    text = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.ask_question(member_actor(request), access, text)
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Your question has been sent. Your regisseur will answer it."))
            return redirect("portal:questions")
    thread = list(selectors.thread(access.household_id, access.person_id))
    services.mark_answers_seen(access)
    _log_view(request, "questions", "member_thread")
    regie = services.current_regie(access.household_id)
    return render(
        request,
        "portal/member/questions.html",
        {
            "page": "questions",
            "thread": thread,
            "text": text,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "has_regie": regie is not None,
        },
        status=400 if errors else 200,
    )


@member_required
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One message of the member's own thread."""
    access = _access(request)
    message = MemberMessage.objects.filter(
        pk=pk, household_id=access.household_id, person_id=access.person_id
    ).first()
    if message is None:
        raise _not_found(request, "member_message", pk)
    _log_view(request, f"message:{pk}", "member_message")
    return render(request, "portal/member/message.html", {"page": "questions", "message": message})


@member_required
def feedback_view(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    score_typed, text, errors = "", "", {}
    if request.method == "POST":
        score_typed, text = request.POST.get("score", ""), request.POST.get("text", "")
        try:
            services.give_feedback(member_actor(request), access, plain_id(score_typed), text)
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("portal:feedback")
    given = MemberFeedback.objects.filter(household_id=access.household_id, person_id=access.person_id)[:10]
    _log_view(request, "feedback", "member_feedback")
    return render(
        request,
        "portal/member/feedback.html",
        {
            "page": "feedback",
            "given": given,
            "score": score_typed,
            "text": text,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "scores": range(1, 6),
        },
        status=400 if errors else 200,
    )


def _receiving_organisation(access: MemberAccess) -> int | None:
    """Who receives a member's request: the regisseur's organisation, else an organisation involved for
    the whole household or this member — never a shelter: its privacy officer answers in its own name, and
    its name is where she is (the member's copy never names one either)."""
    regie = services.current_regie(access.household_id)
    if regie is not None and regie.organisation.kind != OrganisationKind.SHELTER:
        return regie.organisation_id
    for involvement in (
        Involvement.objects.active()
        .filter(household_id=access.household_id, organisation__isnull=False, only_user__isnull=True)
        .exclude(organisation__kind=OrganisationKind.SHELTER)
        .order_by("pk")
        .prefetch_related("scoped_members")
    ):
        scoped = {m.person_id for m in involvement.scoped_members.all()}
        if not scoped or access.person_id in scoped:
            return involvement.organisation_id
    return None


@member_required
def rights_view(request: HttpRequest) -> HttpResponse:
    """Mijn gegevens: ask to see or correct one's own data, and the status of one's own requests."""
    access = _access(request)
    kind, asked, errors = "", "", {}
    organisation_id = _receiving_organisation(access)
    if request.method == "POST":
        kind, asked = request.POST.get("kind", ""), request.POST.get("asked", "")
        if organisation_id is None:
            errors = {"__all__": [_("No one can receive your request here yet. Ask your contact person.")]}
        else:
            try:
                record_member_request(
                    member_actor(request), access.household, person_id=access.person_id, kind=kind, asked=asked,
                    organisation_id=organisation_id,
                )  # fmt: skip
            except ValidationError as exc:
                errors = errors_of(exc)
            else:
                messages.success(
                    request, _("Your request has been received. You will get an answer within a month.")
                )
                return redirect("portal:rights")
    own = RightsRequest.objects.filter(household_id=access.household_id, person_id=access.person_id)
    _log_view(request, "rights", "rights_request")
    return render(
        request,
        "portal/member/rights.html",
        {
            "page": "rights",
            "requests": list(own),
            "kinds": [(k.value, k.label) for k in RightsKind if k in DOOR_KINDS],
            "kind": kind,
            "asked": asked,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "can_ask": organisation_id is not None,
        },
        status=400 if errors else 200,
    )


@member_required
def rights_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    item = RightsRequest.objects.filter(
        pk=pk, household_id=access.household_id, person_id=access.person_id
    ).first()
    if item is None:
        raise _not_found(request, "rights_request", pk)
    _log_view(request, f"rights:{pk}", "rights_request")
    return render(request, "portal/member/rights_detail.html", {"page": "rights", "item": item})
