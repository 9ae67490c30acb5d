"""The clocks of protective measures: a few working days (`VERBAND_MEASURE_REVIEW_WORKDAYS`) before a
measure ends, a detained member comes out or a danger fact is to be reviewed, the regisseur gets the task
"Veiligheidsplan herzien" — one per measure and end date, however often the sweep runs (an extended
huisverbod gets a new one for its new end). Not done by its date, the escalation engine takes it up
(`escalation.detectors.tasks_overdue`).

Without a regisseur the task goes to the professional who recorded the measure (who knows it), while
they still act for a party involved with the household; else to no one: it stays on the household's page
for everyone working with it, and when it is late the ladder starts with the line managers of the
organisation that recorded it. (A household without a regisseur is on the ladder by itself already:
`escalation.detectors.without_regisseur`.)

The same sweep ends the access kept for aftercare once every aftercare check of a closed case is done
(`measures.closing.end_aftercare_when_done`)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import SYSTEM
from verband.households.models import Household, HouseholdStatus
from verband.measures.models import PROTECTING, ProtectiveMeasure
from verband.network.models import ACTING_ROLES, Membership
from verband.plans.models import Regie
from verband.safety.models import DangerFact
from verband.sharing.access import memberships_seeing
from verband.tasks.models import TaskKind
from verband.tasks.services import Source, create_task
from verband.workdays import add_working_days


def review_horizon(today: date) -> date:
    """The last end date that gets its review task today."""
    return add_working_days(today, settings.MEASURE_REVIEW_WORKDAYS)


def responsible(household: Household, recorded_by: Membership | None) -> Membership | None:
    """Who reviews: the regisseur; without one, whoever recorded it while they still work with it."""
    regie = (
        Regie.objects.filter(household=household, ended_at__isnull=True).select_related("membership").first()
    )
    if regie is not None and regie.membership.active:
        return regie.membership
    if (
        recorded_by is not None
        and recorded_by.active
        and recorded_by.role in ACTING_ROLES
        and memberships_seeing(household).filter(pk=recorded_by.pk).exists()
    ):
        return recorded_by
    return None


def measure_task_title(measure: ProtectiveMeasure) -> str:
    """Names the kind of measure and the date, never the person; a measure that protects her not even by
    kind (a notification title is read over shoulders)."""
    day = measure.ends_on.strftime("%d-%m-%Y")
    if measure.kind in PROTECTING:
        return _("Review the safety plan: a protective measure ends on %(date)s") % {"date": day}
    return _("Review the safety plan: %(kind)s ends on %(date)s") % {
        "kind": measure.get_kind_display(),
        "date": day,
    }


def sweep(today: date | None = None) -> int:
    """Make the review tasks that are due (and end the aftercare access of closed cases done with it).
    Returns how many tasks it made."""
    from verband.measures.closing import end_aftercare_when_done

    day = today or timezone.localdate()
    horizon = review_horizon(day)
    made = 0
    measures = (
        ProtectiveMeasure.objects.filter(
            ended_at__isnull=True,
            ends_on__gte=day,
            ends_on__lte=horizon,
            household__status=HouseholdStatus.ACTIVE,
        )
        .select_related("household", "recorded_by_membership")
        .order_by("pk")
    )
    for measure in measures:
        _task, new = create_task(
            SYSTEM,
            measure.household,
            kind=TaskKind.REVIEW_SAFETY_PLAN,
            title=measure_task_title(measure),
            due_on=measure.ends_on,
            assignee=responsible(measure.household, measure.recorded_by_membership),
            source=Source("measure", measure.pk, measure.ends_on.isoformat()),
            organisation_id=measure.organisation_id,
        )
        made += new
    facts = (
        DangerFact.objects.current()
        .filter(review_on__isnull=False, review_on__lte=horizon, household__status=HouseholdStatus.ACTIVE)
        .select_related("household")
        .order_by("pk")
    )
    for fact in facts:
        assert fact.review_on is not None
        _task, new = create_task(
            SYSTEM,
            fact.household,
            kind=TaskKind.REVIEW_SAFETY_PLAN,
            title=_("Review the safety plan: a danger for professionals is to be reviewed on %(date)s")
            % {"date": fact.review_on.strftime("%d-%m-%Y")},
            due_on=max(fact.review_on, day),
            assignee=responsible(fact.household, None),
            source=Source("danger_fact", fact.pk, fact.review_on.isoformat()),
            organisation_id=fact.organisation_id,
        )
        made += new
    end_aftercare_when_done()
    return made
