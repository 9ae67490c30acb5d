"""The regisseur closes the case: a closing assessment (each member's safety on 1 to 10 against the target
of the phase the household is in: 6 in phase 1, 7 after), and aftercare checks (3, 6 and 12 months by
default) that become the regisseur's tasks.

Closing ends every other involvement — and with it their access — with the reason "the regisseur closed
the case", ends regie, closes what is still to be reviewed and moves the household to closed. What the
aftercare needs stays: the regisseur's own party's involvement, so that whoever does the check can open
the household and see whom to call. It ends by itself when the last aftercare check is done (by the
task's page, or the measures' sweep as the safety net); without aftercare checks it ends at closing too.

Only the regisseur closes a case. A household without a regisseur is not closed on this page: someone
takes regie first (a case is closed by the one who holds the whole), or it closes as before when the
last partner ends its involvement (`collaboration.involvements`). Nothing is closed while someone is
still asked to take the household up (an activation, a handover, a request for regie)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verband.actors import SYSTEM, Actor
from verband.collaboration.involvements import someone_asked
from verband.households.models import (
    HOUSEHOLD_FLOW,
    EventKind,
    Household,
    HouseholdMember,
    HouseholdStatus,
    Person,
    member_sort_key,
)
from verband.measures.models import Closing
from verband.plans.models import Regie
from verband.plans.regie import current_regie
from verband.safety.models import PHASE_TARGET, Phase, SafetyAssessment
from verband.sharing.access import is_own_involvement, works_with
from verband.sharing.accesslog import record
from verband.sharing.models import EndReason, Involvement
from verband.tasks.models import Task, TaskKind
from verband.tasks.services import Source, create_task
from verband.text import bounded
from verband.workflow import happened

SUMMARY_MAX = 4000
# The months an aftercare check can be planned at.
AFTERCARE_CHOICES = (1, 2, 3, 6, 9, 12, 18, 24)


@dataclass(frozen=True)
class ClosingInput:
    scores: dict[int, int | None]
    summary: str
    aftercare_months: list[int]


@dataclass(frozen=True)
class ClosingBasis:
    """What the closing assessment is measured against: the phase of the latest assessment (phase 1
    without one), its target, and each member's latest score by a professional."""

    phase: str
    phase_label: str
    target: int
    members: list[Person]
    last_scores: dict[int, int]


def may_close(actor: Actor, household: Household) -> bool:
    regie = current_regie(household)
    return (
        regie is not None
        and actor.user is not None
        and regie.user_id == actor.user.pk
        and actor.membership is not None
        and regie.membership_id == actor.membership.pk
        and household.status == HouseholdStatus.ACTIVE
        and works_with(actor, household)
    )


def closing_basis(household: Household) -> ClosingBasis:
    latest = SafetyAssessment.objects.filter(household=household).prefetch_related("scores").first()
    phase = Phase(latest.phase) if latest is not None else Phase.DIRECT
    members = sorted(
        HouseholdMember.objects.filter(household=household).select_related("person"), key=member_sort_key
    )
    people: dict[int, Person] = {}
    for m in members:
        people.setdefault(m.person_id, m.person)
    last = {s.person_id: s.professional for s in latest.scores.all()} if latest is not None else {}
    return ClosingBasis(phase.value, str(phase.label), PHASE_TARGET[phase], list(people.values()), last)


def aftercare_dates(closed_on: date, months: list[int]) -> list[tuple[int, date]]:
    return [(m, closed_on + relativedelta(months=m)) for m in sorted(set(months))]


def close_case(actor: Actor, household: Household, data: ClosingInput) -> Closing:
    if not may_close(actor, household):
        raise PermissionDenied
    basis = closing_basis(household)
    errors: dict[str, list[str]] = {}
    scores: list[dict[str, int]] = []
    for person in basis.members:
        score = data.scores.get(person.pk)
        if score is None or not 1 <= score <= 10:
            errors[f"score_{person.pk}"] = [_("Give a score from 1 to 10.")]
        else:
            scores.append({"person": person.pk, "score": score})
    try:
        summary = bounded(
            data.summary,
            field="summary",
            maximum=SUMMARY_MAX,
            required=True,
            too_short=_("Write the closing assessment: is the household safe enough to close, and why?"),
        )
    except ValidationError as exc:
        errors["summary"] = exc.messages
        summary = ""
    months = sorted(set(data.aftercare_months))
    if any(m not in AFTERCARE_CHOICES for m in months):
        errors["aftercare"] = [_("Choose the aftercare checks from the list.")]
    if errors:
        raise ValidationError(errors)
    if someone_asked(household):
        raise ValidationError(
            _(
                "Someone is still asked to take this household up (a signal, a handover or a request for "
                "regie waits for an answer). Have it answered or withdrawn before the case closes."
            )
        )
    regie = current_regie(household)
    assert regie is not None and actor.user is not None
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        locked = Household.objects.select_for_update().filter(pk=household.pk).first()
        if locked is None or locked.status != HouseholdStatus.ACTIVE:
            raise ValidationError(_("The household was closed in the meantime."))
        active = list(Involvement.objects.active().filter(household=household).order_by("started_on", "pk"))
        kept = (
            next((i for i in active if i.only_user_id is None and is_own_involvement(actor, i)), None)
            if months
            else None
        )
        closing = Closing.objects.create(
            household=household,
            closed_at=now,
            closed_by=actor.user,
            organisation=actor.organisation,
            phase=basis.phase,
            target=basis.target,
            scores=scores,
            summary=summary,
            aftercare_months=months,
            aftercare_involvement=kept,
        )
        ending = [i for i in active if kept is None or i.pk != kept.pk]
        Involvement.objects.filter(pk__in=[i.pk for i in ending], ended_at__isnull=True).update(
            ended_at=now, ended_on=today, ended_by=actor.user, end_reason=EndReason.CASE_CLOSED
        )
        for involvement in ending:
            record(
                actor, action="end", object_type="involvement", object_id=str(involvement.pk),
                household_id=household.pk,
            )  # fmt: skip
        Regie.objects.filter(pk=regie.pk, ended_at__isnull=True).update(
            ended_at=now, end_reason=_("The regisseur closed the case.")
        )
        # What was still to be reviewed is part of the closing assessment now.
        for task in Task.objects.open().filter(household=household, kind=TaskKind.REVIEW_SAFETY_PLAN):
            Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
                done_at=now, done_by=actor.user, done_note=_("The case was closed.")
            )
        HOUSEHOLD_FLOW.move(
            household,
            HouseholdStatus.CLOSED,
            stale=_("The household was closed in the meantime."),
            closed_at=now,
        )
        for month, due in aftercare_dates(today, months):
            create_task(
                actor,
                household,
                kind=TaskKind.AFTERCARE_CHECK,
                title=ngettext(
                    "Aftercare check %(months)s month after closing",
                    "Aftercare check %(months)s months after closing",
                    month,
                )
                % {"months": month},
                due_on=due,
                assignee=regie.membership,
                source=Source("closing", closing.pk, str(month)),
            )
        met = closing.targets_met()
        happened(
            actor,
            household,
            "closing",
            str(closing.pk),
            action="create",
            event=(
                EventKind.CLOSED,
                (
                    _("Case closed by the regisseur; the safety target of the phase (%(target)s) is met.")
                    if met
                    else _(
                        "Case closed by the regisseur; the safety target of the phase (%(target)s) is not met for everyone."
                    )
                )
                % {"target": basis.target},
            ),
        )
    return closing


def end_aftercare_when_done(closing: Closing | None = None) -> int:
    """End the involvement kept for the aftercare of every closed case (or of `closing`) whose aftercare
    checks are all done. Returns how many it ended."""
    closings = Closing.objects.filter(
        aftercare_involvement__isnull=False, aftercare_involvement__ended_at__isnull=True
    ).select_related("household", "aftercare_involvement")
    if closing is not None:
        closings = closings.filter(pk=closing.pk)
    ended = 0
    for c in closings:
        waiting = (
            Task.objects.open()
            .filter(kind=TaskKind.AFTERCARE_CHECK, source_type="closing", source_id=c.pk)
            .exists()
        )
        if waiting or c.household.status != HouseholdStatus.CLOSED:
            continue
        with transaction.atomic():
            kept = c.aftercare_involvement_id or 0
            done = Involvement.objects.filter(pk=kept, ended_at__isnull=True).update(
                ended_at=timezone.now(),
                ended_on=timezone.localdate(),
                end_reason=EndReason.CASE_CLOSED,
                end_note=_("The last aftercare check is done."),
            )
            if done:
                record(
                    SYSTEM, action="end", object_type="involvement", object_id=str(c.aftercare_involvement_id),
                    household_id=c.household_id,
                )  # fmt: skip
                ended += 1
    return ended


def after_task_done(task: Task) -> None:
    """A task was done: if it was a closed case's last aftercare check, its kept access ends now."""
    if task.kind == TaskKind.AFTERCARE_CHECK and task.source_type == "closing" and task.source_id:
        closing = Closing.objects.filter(pk=task.source_id).first()
        if closing is not None:
            end_aftercare_when_done(closing)
