"""System barriers (knelpunten) and the tactical and strategic platforms.

Who sees what (`selectors`): platform members, coordinators, managers and executives see barriers, their
decisions and how many households they affect — never which. A professional sees the region's barriers
and their own; the households they linked, only they see. Every refused look is logged and answered 404
(a barrier or platform of another region does not exist for the asker)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import AGGREGATE_ROLES
from verband.platforms import selectors, services
from verband.platforms.models import (
    AgendaItem,
    AgendaStatus,
    Barrier,
    BarrierKind,
    BarrierStatus,
    Decision,
    Level,
    MeetingStatus,
    Platform,
    PlatformMeeting,
)
from verband.sharing.access import actor_for_request, can_see_household, plausible_reference
from verband.sharing.accesslog import Subject, record, record_many
from verband.text import errors_of, plain_id


def _date(value: str | None, field: str = "due_on") -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: [_("Give a date, e.g. 15-01-2027.")]}) from None


def _denied(actor: Actor, object_type: str, pk: int | str) -> Http404:
    record(actor, action="view", object_type=object_type, object_id=str(pk), outcome="denied")
    return Http404()


def _household(actor: Actor, reference: str) -> Household | None:
    """A household the actor may see, by reference; None for an empty reference. Anything else is one
    Dutch error that does not say whether the household exists (and the attempt is logged)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    household = (
        Household.objects.filter(reference=reference).first() if plausible_reference(reference) else None
    )
    if household is None or not can_see_household(actor, household):
        record(actor, action="link", object_type="barrier_case", object_id=reference[:60],
               household_id=household.pk if household else None, outcome="denied")  # fmt: skip
        raise ValidationError({"household": [_("No household you may see has this reference.")]})
    return household


def _barrier(actor: Actor, pk: int) -> Barrier:
    barrier = (
        Barrier.objects.select_related("raised_by", "raised_by_organisation", "platform", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if barrier is None or not (
        selectors.may_read_barriers(actor, barrier.region_id) or selectors.is_involved(actor, barrier)
    ):
        raise _denied(actor, "barrier", pk)
    return barrier


def _platform(actor: Actor, pk: int) -> Platform:
    platform = selectors.visible_platforms(actor).filter(pk=pk).first()
    if platform is None:
        raise _denied(actor, "platform", pk)
    return platform


def _shown_links(actor: Actor, barrier: Barrier) -> list:
    """The households this viewer linked to the barrier (only theirs), logged as viewed."""
    links = selectors.my_links(actor, barrier)
    if links:
        record_many(actor, action="view", object_type="barrier_case", object_id=str(barrier.pk),
                    subjects=[Subject(link.household_id) for link in links])  # fmt: skip
    return links


# --- Barriers ----------------------------------------------------------------------------------------


@login_required
def barriers_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    regions = selectors.readable_region_ids(actor)
    mine = list(selectors.my_barriers(actor).select_related("merged_into", "platform"))
    if not regions and not mine:
        record(actor, action="view", object_type="page", outcome="denied")
        raise PermissionDenied
    region_list = list(
        selectors.visible_barriers(actor)
        .exclude(status__in=(BarrierStatus.MERGED, BarrierStatus.WITHDRAWN))
        .select_related("platform", "raised_by_organisation")
    )
    counts = selectors.affected(mine + region_list)
    for b in mine + region_list:
        b.affected = counts[b.pk]  # type: ignore[attr-defined]
    decisions: dict[int, list[Decision]] = {}
    for d in (
        Decision.objects.filter(barrier__in=mine)
        .select_related(
            "owner_membership__user", "owner_membership__organisation", "owner_organisation", "platform"
        )
        .order_by("decided_at")
    ):
        decisions.setdefault(d.barrier_id, []).append(d)  # type: ignore[arg-type]
    for b in mine:
        b.decision_list = decisions.get(b.pk, [])  # type: ignore[attr-defined]
    record(actor, action="list", object_type="barrier")
    region_id = selectors.region_of(actor)
    return render(
        request,
        "platforms/barriers.html",
        {
            "mine": mine,
            "region_list": region_list,
            "may_raise": actor.membership is not None and actor.membership.role in selectors.RAISERS,
            "is_coordinator": region_id is not None and selectors.is_coordinator(actor, region_id),
        },
    )


@login_required
def new_barrier_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor.membership is None or actor.membership.role not in selectors.RAISERS:
        record(actor, action="view", object_type="page", outcome="denied")
        raise PermissionDenied
    reference = (request.POST.get("household") or request.GET.get("huishouden") or "").strip()
    errors: dict[str, list[str]] = {}
    household = None
    try:
        household = _household(actor, reference)
    except ValidationError as exc:
        if request.method == "GET":
            raise Http404 from None
        errors.update(errors_of(exc))
    if request.method == "POST" and not errors:
        try:
            barrier = services.raise_barrier(
                actor,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                kind=request.POST.get("kind", ""),
                household=household,
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(
                request, _("Your barrier is registered; the network coordinator of the region is told.")
            )
            return redirect("platforms:barrier", pk=barrier.pk)
    existing = list(selectors.open_barriers(selectors.region_of(actor) or 0).order_by("-raised_at")[:20])
    counts = selectors.affected(existing)
    for b in existing:
        b.affected = counts[b.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "platforms/new_barrier.html",
        {
            "errors": errors,
            "draft": request.POST,
            "household": household,
            "reference": reference if household is not None or request.method == "POST" else "",
            "kinds": BarrierKind.choices,
            "existing": existing,
        },
        status=400 if errors else 200,
    )


@login_required
def barrier_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    barrier = _barrier(actor, pk)
    record(actor, action="view", object_type="barrier", object_id=str(barrier.pk))
    decisions = list(
        barrier.decisions.select_related(
            "owner_membership__user", "owner_membership__organisation", "owner_organisation", "platform"
        ).order_by("decided_at")
    )
    region_id = barrier.region_id
    coordinator = selectors.is_coordinator(actor, region_id)
    user_pk = actor.user.pk if actor.user else None
    supports = actor.user is not None and barrier.supports.filter(user=actor.user).exists()
    return render(
        request,
        "platforms/barrier.html",
        {
            "barrier": barrier,
            "affected": selectors.affected([barrier])[barrier.pk],
            "decisions": decisions,
            "links": _shown_links(actor, barrier),
            "is_raiser": barrier.raised_by_id == user_pk,
            "supports": supports,
            "may_support": barrier.is_open
            and actor.membership is not None
            and actor.membership.role in selectors.RAISERS
            and selectors.may_read_barriers(actor, region_id),
            "is_coordinator": coordinator,
            "merge_targets": list(selectors.merge_targets(barrier)) if coordinator else [],
            "today": timezone.localdate(),
            "errors": {},
        },
    )


def _back_with_errors(request: HttpRequest, exc: ValidationError) -> None:
    for msgs in errors_of(exc).values():
        for m in msgs:
            messages.error(request, m)


class _Done:
    ok = False


@contextmanager
def _attempt(request: HttpRequest, actor: Actor, action: str, object_type: str, pk: int) -> Iterator[_Done]:
    """A write through the services: refused, it is logged as denied and answered 403; bad input goes back
    to the page as messages. `ok` says whether it went through."""
    done = _Done()
    try:
        yield done
    except PermissionDenied:
        record(actor, action=action, object_type=object_type, object_id=str(pk), outcome="denied")
        raise
    except ValidationError as exc:
        _back_with_errors(request, exc)
    else:
        done.ok = True


@login_required
@require_POST
def support_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    barrier = _barrier(actor, pk)
    with _attempt(request, actor, "update", "barrier", pk) as done:
        household = _household(actor, request.POST.get("household", ""))
        services.support(actor, barrier, household)
    if done.ok:
        messages.success(request, _("Added: the platform sees that more households run into this."))
    return redirect("platforms:barrier", pk=barrier.pk)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    barrier = _barrier(actor, pk)
    with _attempt(request, actor, "withdraw", "barrier", pk) as done:
        services.withdraw(actor, barrier)
    if done.ok:
        messages.success(request, _("The barrier is withdrawn."))
    return redirect("platforms:barrier", pk=barrier.pk)


@login_required
@require_POST
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    barrier = _barrier(actor, pk)
    into_id = plain_id(request.POST.get("into"))
    into = (
        Barrier.objects.filter(pk=into_id, region_id=barrier.region_id).first()
        if into_id is not None
        else None
    )
    with _attempt(request, actor, "merge", "barrier", pk) as done:
        if into is None:
            raise ValidationError({"into": [_("Choose another open barrier of the region to merge into.")]})
        services.merge(actor, barrier, into)
    if not done.ok:
        return redirect("platforms:barrier", pk=barrier.pk)
    messages.success(request, _("Merged: its cases and supporters now count with this barrier."))
    return redirect("platforms:barrier", pk=into.pk)


@login_required
@require_POST
def schedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    barrier = _barrier(actor, pk)
    with _attempt(request, actor, "update", "barrier", pk) as done:
        services.schedule(actor, barrier, _date(request.POST.get("due_on")))
    if done.ok:
        messages.success(request, _("The barrier is on the tactical platform's agenda."))
    return redirect("platforms:barrier", pk=barrier.pk)


# --- Platforms -----------------------------------------------------------------------------------------


@login_required
def platforms_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    platforms = list(selectors.visible_platforms(actor).order_by("region__name", "level"))
    # Managers and executives find the platforms in their menu: without a membership, the list is empty.
    if not platforms and not (
        actor.membership is not None and actor.membership.role in selectors.KEEPERS | AGGREGATE_ROLES
    ):
        record(actor, action="view", object_type="page", outcome="denied")
        raise PermissionDenied
    record(actor, action="list", object_type="platform")
    region_id = selectors.region_of(actor)
    missing = (
        region_id is not None
        and selectors.is_keeper(actor, region_id)
        and Platform.objects.filter(region_id=region_id).count() < len(Level)
    )
    return render(request, "platforms/list.html", {"platforms": platforms, "missing": missing})


@login_required
@require_POST
def make_platforms_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    try:
        services.make_platforms(actor)
    except PermissionDenied:
        record(actor, action="create", object_type="platform", outcome="denied")
        raise
    messages.success(request, _("The region's tactical and strategic platform are there; add their members."))
    return redirect("platforms:list")


def _items_with_counts(items: list[AgendaItem]) -> list[AgendaItem]:
    barriers = [i.barrier for i in items if i.barrier is not None]
    counts = selectors.affected(barriers)
    for i in items:
        i.affected = counts.get(i.barrier_id) if i.barrier_id else None  # type: ignore[attr-defined]
    return items


@login_required
def platform_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    platform = _platform(actor, pk)
    record(actor, action="view", object_type="platform", object_id=str(platform.pk))
    today = timezone.localdate()
    members = list(
        platform.members.select_related("membership__user", "membership__organisation").order_by(
            "-chair", "membership__organisation__name"
        )
    )
    upcoming = list(
        platform.meetings.filter(status=MeetingStatus.PLANNED, held_on__gte=today).order_by("held_on")
    )
    past = list(
        platform.meetings.exclude(status=MeetingStatus.PLANNED, held_on__gte=today).order_by("-held_on")[:10]
    )
    standing = _items_with_counts(
        list(
            platform.items.filter(meeting__isnull=True, status=AgendaStatus.OPEN).select_related(
                "barrier", "escalation"
            )
        )
    )
    keeper = selectors.is_keeper(actor, platform.region_id)
    owner_members, owner_orgs = services.owner_choices(platform)
    return render(
        request,
        "platforms/platform.html",
        {
            "platform": platform,
            "members": members,
            "candidates": services.member_candidates(platform) if keeper else [],
            "keeper": keeper,
            "may_work": selectors.may_work_on(actor, platform),
            "priorities": list(platform.priorities.select_related("lead")),
            "decisions": list(selectors.open_decisions(platform)),
            "upcoming": upcoming,
            "past": past,
            "standing": standing,
            "owner_members": owner_members,
            "owner_orgs": owner_orgs,
            "organisations": owner_orgs,
            "today": today,
        },
    )


def _work(request: HttpRequest, pk: int) -> tuple[Actor, Platform]:
    actor = actor_for_request(request)
    platform = _platform(actor, pk)
    return actor, platform


@login_required
@require_POST
def members_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, platform = _work(request, pk)
    with _attempt(request, actor, "update", "platform", pk):
        if request.POST.get("remove"):
            services.remove_member(actor, platform, plain_id(request.POST.get("remove")))
            messages.success(request, _("The member is removed."))
        else:
            services.add_member(
                actor,
                platform,
                plain_id(request.POST.get("membership")),
                chair=bool(request.POST.get("chair")),
            )
            messages.success(request, _("The member is added."))
    return redirect("platforms:platform", pk=platform.pk)


@login_required
@require_POST
def plan_meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, platform = _work(request, pk)
    with _attempt(request, actor, "create", "platform_meeting", pk) as done:
        meeting = services.plan_meeting(
            actor, platform, _date(request.POST.get("held_on"), "held_on"), request.POST.get("place", "")
        )
    if not done.ok:
        return redirect("platforms:platform", pk=platform.pk)
    messages.success(request, _("The meeting is planned; the members are told."))
    return redirect("platforms:meeting", pk=meeting.pk)


@login_required
@require_POST
def priority_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, platform = _work(request, pk)
    with _attempt(request, actor, "create", "platform_priority", pk) as done:
        services.add_priority(
            actor,
            platform,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            lead_id=plain_id(request.POST.get("lead")),
            starts_on=_date(request.POST.get("starts_on"), "starts_on"),
            ends_on=_date(request.POST.get("ends_on"), "ends_on"),
        )
    if done.ok:
        messages.success(request, _("The priority is added."))
    return redirect("platforms:platform", pk=platform.pk)


@login_required
@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, platform = _work(request, pk)
    item = None
    if request.POST.get("item"):
        item_id = plain_id(request.POST.get("item"))
        item = (
            platform.items.select_related("barrier", "meeting").filter(pk=item_id).first()
            if item_id is not None
            else None
        )
        if item is None:
            raise _denied(actor, "agenda_item", request.POST.get("item", "")[:20])
    meeting_id = plain_id(request.POST.get("meeting"))
    meeting = platform.meetings.filter(pk=meeting_id).first() if meeting_id is not None else None
    back = (
        redirect("platforms:meeting", pk=meeting.pk)
        if meeting
        else redirect("platforms:platform", pk=platform.pk)
    )
    with _attempt(request, actor, "create", "platform_decision", pk) as done:
        services.decide(
            actor,
            platform,
            text=request.POST.get("text", ""),
            owner=request.POST.get("owner", ""),
            due_on=_date(request.POST.get("due_on")),
            item=item,
            meeting=meeting,
        )
    if done.ok:
        messages.success(request, _("The decision is recorded; whoever raised the barrier is told."))
    return back


@login_required
@require_POST
def outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    decision = (
        Decision.objects.select_related("platform", "barrier", "owner_membership").filter(pk=pk).first()
    )
    if decision is None or not (
        selectors.visible_platforms(actor).filter(pk=decision.platform_id).exists()
        or (decision.owner_membership is not None and actor.membership == decision.owner_membership)
    ):
        raise _denied(actor, "platform_decision", pk)
    with _attempt(request, actor, "complete", "platform_decision", pk) as done:
        services.record_outcome(
            actor, decision, request.POST.get("outcome", ""), resolved=bool(request.POST.get("resolved"))
        )
    if done.ok:
        messages.success(request, _("The outcome is recorded."))
    return redirect("platforms:platform", pk=decision.platform_id)


@login_required
def meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    meeting = PlatformMeeting.objects.select_related("platform").filter(pk=pk).first()
    if meeting is None or not selectors.visible_platforms(actor).filter(pk=meeting.platform_id).exists():
        raise _denied(actor, "platform_meeting", pk)
    platform = meeting.platform
    may_work = selectors.may_work_on(actor, platform)
    if request.method == "POST":
        with _attempt(request, actor, "update", "platform_meeting", pk) as done:
            if request.POST.get("cancel"):
                services.cancel_meeting(actor, meeting)
            else:
                services.save_minutes(
                    actor, meeting, request.POST.get("minutes", ""), held=bool(request.POST.get("held"))
                )
        if done.ok:
            messages.success(request, _("The minutes are saved."))
        return redirect("platforms:meeting", pk=meeting.pk)
    record(actor, action="view", object_type="platform_meeting", object_id=str(meeting.pk))
    items = _items_with_counts(
        list(meeting.items.select_related("barrier", "escalation").order_by("status", "added_at"))
    )
    if meeting.status == MeetingStatus.PLANNED:
        # Until the meeting is held, the standing list is on its agenda too.
        items += _items_with_counts(
            list(
                platform.items.filter(meeting__isnull=True, status=AgendaStatus.OPEN).select_related(
                    "barrier"
                )
            )
        )
    owner_members, owner_orgs = services.owner_choices(platform)
    return render(
        request,
        "platforms/meeting.html",
        {
            "meeting": meeting,
            "platform": platform,
            "items": items,
            "decisions": list(
                meeting.decisions.select_related(
                    "owner_membership__user", "owner_membership__organisation", "owner_organisation"
                )
            ),
            "may_work": may_work,
            "owner_members": owner_members,
            "owner_orgs": owner_orgs,
            "today": timezone.localdate(),
        },
    )
