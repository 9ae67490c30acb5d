"""What professionals see of the household's door: the questions members asked ("Vragen van het
huishouden"), answered by the regisseur, and the members' words and feedback — each member's only to
those whose scope sees that member (a partner working with the perpetrator does not read hers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.collaboration.models import AgendaItem, CaseMeeting, MeetingStatus
from verband.households.models import HouseholdMember
from verband.network.models import CASEWORK_ROLES
from verband.portal import member_selectors as selectors
from verband.portal import member_services as services
from verband.sharing.access import actor_for_request, get_household_or_404, visible_households
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.scope import view_scope
from verband.text import errors_of, plain_id


@role_required(*CASEWORK_ROLES)
def questions_view(request: HttpRequest) -> HttpResponse:
    """Vragen van het huishouden: the questions still waiting for this regisseur, oldest first."""
    actor = actor_for_request(request)
    assert actor.user is not None
    questions = list(
        selectors.open_questions_of_regisseur(actor.user.pk)
        .filter(household__in=visible_households(actor))
        .select_related("person")
    )
    # Only of members the regisseur's scope sees (a scope per household, not per question).
    scopes = {q.household_id: view_scope(actor, q.household) for q in questions}
    waiting = [q for q in questions if scopes[q.household_id].sees_person(q.person_id)]
    record_many(
        actor, action="list", object_type="member_questions", object_id="open",
        subjects=[Subject(m.household_id, m.person_id) for m in waiting],
    )  # fmt: skip
    return render(request, "portal/staff/questions.html", {"waiting": waiting})


@role_required(*CASEWORK_ROLES)
def voice_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Stem van het huishouden: the members' threads with the regisseur (who answers here), their words and
    their feedback — each member's to those whose scope sees that member."""
    actor = actor_for_request(request)
    household, basis = get_household_or_404(actor, reference)
    scope = view_scope(actor, household)
    may_answer = services.may_answer(actor, household.pk)
    errors: dict[str, list[str]] = {}
    answered_for: int | None = None
    typed = ""
    if request.method == "POST":
        person_id = plain_id(request.POST.get("person"))
        typed = request.POST.get("text", "")
        members = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
        if person_id is None or person_id not in members or not scope.sees_person(person_id):
            record(
                actor, action="create", object_type="member_message", object_id=str(person_id or "")[:60],
                household_id=household.pk, outcome="denied",
            )  # fmt: skip
            raise Http404
        try:
            services.answer_question(actor, household, person_id, typed)
        except PermissionDenied:
            record(
                actor, action="create", object_type="member_message", household_id=household.pk,
                person_id=person_id, outcome="denied",
            )  # fmt: skip
            errors = {"__all__": [_("Only the regisseur answers the questions of the household.")]}
            answered_for = person_id
        except ValidationError as exc:
            errors, answered_for = errors_of(exc), person_id
        else:
            messages.success(
                request, _("Your answer has been sent. The member sees it when they next sign in.")
            )
            return redirect("portal_staff:voice", reference=household.reference)
    threads = selectors.threads_for_scope(household, scope)
    words = selectors.words_for_scope(household, scope)
    feedback = selectors.feedback_for_scope(household, scope)
    shown = {p.pk for p, _m in threads} | {p.pk for p, _w in words} | {p.pk for p, _f in feedback}
    record_many(
        actor, action="view", object_type="member_voice", object_id=household.reference,
        subjects=[Subject(household.pk)] + [Subject(household.pk, pid) for pid in sorted(shown)], basis=basis,
    )  # fmt: skip
    return render(
        request,
        "portal/staff/voice.html",
        {
            "household": household,
            "threads": threads,
            "words": words,
            "feedback": feedback,
            "may_answer": may_answer,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "answered_for": answered_for,
            "typed": typed,
            "whole": scope.whole,
        },
        status=400 if errors else 200,
    )


@role_required(*CASEWORK_ROLES)
@require_POST
def meeting_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair of a planned meeting invites a member of a household on its agenda (or takes the
    invitation back). The member sees the meeting at their door."""
    actor = actor_for_request(request)
    meeting = CaseMeeting.objects.filter(pk=pk, status=MeetingStatus.PLANNED).first()
    item_id = plain_id(request.POST.get("item"))
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_id).select_related("household").first()
        if meeting is not None and item_id is not None
        else None
    )
    person_id = plain_id(request.POST.get("person"))
    withdraw = request.POST.get("do") == "withdraw"
    try:
        if meeting is None or item is None or person_id is None:
            raise PermissionDenied
        services.invite_to_meeting(actor, meeting, item, person_id, withdraw=withdraw)
    except PermissionDenied:
        record(actor, action="update", object_type="meeting_invitation", object_id=str(pk), outcome="denied")
        raise Http404 from None
    assert meeting is not None
    messages.success(
        request,
        _("The invitation has been taken back.") if withdraw else _("The member is invited to the meeting."),
    )
    return redirect("collaboration:meeting", pk=meeting.pk)
