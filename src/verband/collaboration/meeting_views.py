"""Case meeting pages: the list with what is due, scheduling, and the meeting itself (prepare and hold)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verband.collaboration import forms, meetings
from verband.collaboration.models import CaseMeeting, MeetingStatus
from verband.network.models import (
    CASEWORK_ROLES,
    Membership,
    Network,
    Organisation,
    OrganisationKind,
    Role,
)
from verband.plans.services import owner_choices
from verband.sharing.access import actor_for_request, get_household_or_404, visible_households
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.shielding.models import ItemType
from verband.text import errors_of, plain_id


@role_required(*CASEWORK_ROLES)
def list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    visible = meetings.visible_meetings(actor).select_related("network")
    today = timezone.localdate()
    planned = list(visible.filter(status=MeetingStatus.PLANNED).order_by("scheduled_at"))
    held = list(visible.filter(status=MeetingStatus.HELD).order_by("-held_at")[:20])
    networks = []
    for network in Network.objects.filter(pk__in=actor.network_ids, active=True).order_by("name"):
        due = meetings.due_households(network, today)
        networks.append(
            {
                "network": network,
                "next_due": meetings.next_meeting_due(network),
                "overdue": sum(d.overdue for d in due),
                "count": len(due),
            }
        )
    record(actor, action="list", object_type="case_meeting")
    context = {
        "planned": planned,
        "held": held,
        "networks": networks,
        "may_chair": actor.membership is not None and actor.membership.role in meetings.ACTING_ROLES,
    }
    return render(request, "collaboration/meetings.html", context)


@role_required(*meetings.ACTING_ROLES)
def schedule_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    network_id = plain_id(request.GET.get("netwerk") or request.POST.get("network"))
    reference = request.GET.get("huishouden") or request.POST.get("household_ref") or ""
    network = None
    household = None
    if network_id is not None:
        network = Network.objects.filter(pk=network_id, pk__in=actor.network_ids).first()
        if network is None:
            record(actor, action="view", object_type="network", object_id=str(network_id), outcome="denied")
            raise Http404
        due = meetings.due_households(network)
    elif reference:
        household, _basis = get_household_or_404(actor, reference)
        due = [meetings.Due(household, None, True)]
    else:
        return redirect("collaboration:meetings")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.ScheduleForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(forms.errors_dict(form))
            meeting = meetings.schedule(
                actor,
                scheduled_at=form.scheduled_at,
                household_ids=form.households,
                network=network,
                location=form.cleaned_data["location"],
                experience_expert_id=form.cleaned_data["experience_expert"],
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The meeting is planned; the partners involved are invited."))
            return redirect("collaboration:meeting", pk=meeting.pk)
    record_many(
        actor,
        action="list",
        object_type="agenda_candidates",
        subjects=[Subject(d.household.pk) for d in due] or [Subject()],
    )
    experts = (
        Membership.objects.active()
        .filter(
            role=Role.EXPERIENCE_EXPERT,
            organisation__region_id=actor.organisation.region_id if actor.organisation else 0,
        )
        .select_related("user", "organisation")
    )
    chosen = (
        set(request.POST.getlist("households"))
        if request.method == "POST"
        else {str(d.household.pk) for d in due if d.overdue}
    )
    context = {
        "network": network,
        "household": household,
        "due": due,
        "chosen": chosen,
        "experts": experts,
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "collaboration/schedule.html", context, status=400 if errors else 200)


def _meeting(request: HttpRequest, pk: int) -> CaseMeeting:
    actor = actor_for_request(request)
    meeting = (
        meetings.visible_meetings(actor)
        .select_related("network", "chair", "experience_expert__user")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        record(actor, action="view", object_type="case_meeting", object_id=str(pk), outcome="denied")
        raise Http404
    return meeting


def _read_hold(
    request: HttpRequest, meeting: CaseMeeting
) -> tuple[forms.HoldForm, dict[int, meetings.ItemInput], dict[str, list[str]]]:
    """The meeting form: who was present, the minutes and per household on the agenda (that the actor sees)
    the decisions, the member who took part and the decided actions. Problems per item key."""
    hold = forms.HoldForm(request.POST)
    items: dict[int, meetings.ItemInput] = {}
    errors: dict[str, list[str]] = {} if hold.is_valid() else forms.errors_dict(hold)
    seen = visible_households(actor_for_request(request))
    for item in meeting.items.filter(household__in=seen):
        key = f"item-{item.pk}"
        form, actions = forms.item_forms(request.POST, key)
        if not (form.is_valid() and actions.is_valid()):
            problems = [str(p) for ps in form.errors.values() for p in ps]
            problems += [str(p) for row in actions.forms for ps in row.errors.values() for p in ps]
            errors[key] = list(dict.fromkeys(problems))
            for bound in (form, *actions.forms):  # each also next to its field
                for name, field_problems in bound.errors.items():
                    errors[bound.add_prefix(name)] = [str(p) for p in field_problems]
            continue
        items[item.pk] = meetings.ItemInput(
            decisions=form.cleaned_data["decisions"],
            member_present_id=form.cleaned_data["member"],
            actions=[row.to_input() for row in actions.forms if row.filled],
        )
    return hold, items, errors


def _cancel_confirmation(meeting: CaseMeeting) -> dict[str, Any]:
    when = date_format(timezone.localtime(meeting.scheduled_at), "j F Y, H:i")
    return {
        "title": _("Cancel the meeting of %(when)s?") % {"when": when},
        "text": _(
            "The invited partners are no longer expected and the households on its agenda need a new "
            "meeting. A cancelled meeting cannot be planned again; plan a new one instead."
        ),
        "action": reverse("collaboration:meeting", args=[meeting.pk]),
        "hidden": [("do", "cancel")],
        "confirm_label": _("Yes, cancel the meeting"),
        "back": reverse("collaboration:meeting", args=[meeting.pk]),
        "back_label": _("No, keep the meeting"),
    }


@role_required(*CASEWORK_ROLES)
def meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    meeting = _meeting(request, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("do") == "cancel":
        if request.POST.get("confirm") != "yes" and meetings.may_cancel(actor, meeting):
            # One click does not cancel: a page asks first (no JavaScript needed).
            return render(request, "confirm.html", _cancel_confirmation(meeting))
        try:
            meetings.cancel(actor, meeting)
        except (PermissionDenied, ValidationError):
            errors = {"__all__": [_("Only the chair cancels a planned meeting.")]}
        else:
            messages.success(request, _("The meeting is cancelled."))
            return redirect("collaboration:meetings")
    elif request.method == "POST" and not meetings.may_hold(actor, meeting):
        # Refused before the form is read: its answers would tell who takes part.
        record(
            actor, action="update", object_type="case_meeting", object_id=str(meeting.pk), outcome="denied"
        )
        errors = {"__all__": [_("Only the chair or an invited partner records the meeting.")]}
    elif request.method == "POST":
        hold, items, errors = _read_hold(request, meeting)
        if not errors:
            try:
                meetings.hold(
                    actor,
                    meeting,
                    present=hold.present,
                    minutes=hold.cleaned_data["minutes"],
                    items=items,
                    held_on=hold.cleaned_data.get("held_on"),
                )
            except PermissionDenied:
                errors = {"__all__": [_("Only the chair or an invited partner records the meeting.")]}
            except ValidationError as exc:
                errors = errors_of(exc)
            else:
                messages.success(request, _("The meeting is recorded; its actions are in the family plans."))
                return redirect("collaboration:meeting", pk=meeting.pk)
    rows = meetings.agenda_view(actor, meeting)
    owners = {}
    members = {}
    # A partner working only with named members of a household on the agenda does not learn from the
    # table or the owner lists that a shelter works with it.
    scoped = any(row.visible and not row.whole for row in rows)
    shelters = (
        set(Organisation.objects.filter(kind=OrganisationKind.SHELTER).values_list("pk", flat=True))
        - {actor.organisation.pk if actor.organisation else None}
        if scoped
        else set()
    )
    for row in rows:
        if row.visible and meeting.status == MeetingStatus.PLANNED:
            organisations, people = owner_choices(row.item.household)
            if not row.whole:
                organisations = {k: v for k, v in organisations.items() if k not in shelters}
            owners[row.item.pk] = (
                organisations,
                [(uid, org, name) for uid, (org, name) in people.items() if org in organisations],
            )
            members[row.item.pk] = [
                p for p in row.item.household.persons.all() if row.scope.sees_person(p.pk)
            ]
        key = f"item-{row.item.pk}"
        row.key = key  # type: ignore[attr-defined]
        row.owners = owners.get(row.item.pk, ({}, []))  # type: ignore[attr-defined]
        row.members = members.get(row.item.pk, [])  # type: ignore[attr-defined]
        row.errors = errors.get(key, [])  # type: ignore[attr-defined]
        # What was typed, so a refused record shows it again unchanged, each problem next to its field.
        post = request.POST
        row.form = {  # type: ignore[attr-defined]
            "decisions": post.get(f"{key}-decisions", ""),
            "member": post.get(f"{key}-member", ""),
            "errors": {k: errors.get(f"{key}-{k}", []) for k in ("decisions", "member")},
            "acts": [
                {
                    **{k: post.get(f"{key}-act-{n}-{k}", "") for k in ("text", "for", "org", "user", "due")},
                    "errors": {
                        k: errors.get(f"{key}-act-{n}-{k}", []) for k in ("text", "for", "org", "user", "due")
                    },
                }
                for n in range(meetings.ACTIONS_PER_ITEM)
            ],
        }
    # Members invited to come (the household's door shows them the meeting), as far as the viewer sees them.
    from verband.portal.models import MeetingInvitation

    invited: dict[int, list[Any]] = {}
    for invitation in MeetingInvitation.objects.filter(meeting=meeting).select_related("person"):
        invited.setdefault(invitation.household_id, []).append(invitation.person)
    for row in rows:
        row.invited = (  # type: ignore[attr-defined]
            [p for p in invited.get(row.item.household_id, []) if row.scope.sees_person(p.pk)]
            if row.visible
            else []
        )
    subjects = []
    for r in rows:
        if not r.visible:
            continue
        subjects.append(Subject(r.item.household_id))
        # The members the page names: those of the open actions shown, the member who took part, those
        # the minutes and decisions are kept from (their label), and those offered in the form.
        persons = {a.person_id for a in r.open_actions if a.person_id}
        if r.member_present is not None and r.item.member_present_id is not None:
            persons.add(r.item.member_present_id)
        if r.shielded_names:
            persons |= r.scope.shielded_from(ItemType.MINUTES, r.item.pk)
        persons |= {p.pk for p in r.members}  # type: ignore[attr-defined]
        persons |= {p.pk for p in r.invited}  # type: ignore[attr-defined]
        subjects += [Subject(r.item.household_id, pid) for pid in sorted(persons)]
    record_many(
        actor,
        action="view",
        object_type="case_meeting",
        object_id=str(meeting.pk),
        subjects=subjects or [Subject()],
    )
    participants = list(meeting.participants.select_related("organisation"))
    context = {
        "meeting": meeting,
        "rows": rows,
        "participants": [p for p in participants if p.organisation_id not in shelters],
        "unnamed_participants": [p for p in participants if p.organisation_id in shelters],
        "may_hold": meetings.may_hold(actor, meeting),
        "may_read_minutes": meetings.may_read_minutes(rows),
        "minutes_shielded_names": meetings.minutes_shielded_names(rows),
        "minutes_scoped": scoped,
        "is_chair": actor.user is not None and meeting.chair_id == actor.user.pk,
        "errors": errors,
        "post": request.POST,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "collaboration/meeting.html", context, status=400 if errors else 200)
