"""One household for the shielding tests of safety and collaboration: Anna (victim), Bram (child) and
Dirk (perpetrator); the neighbourhood team works with the whole household, probation with Dirk only.

Anna has help at a shelter (waiting past its norm, so it escalates) and a referral to the shelter; Dirk
has a perpetrator programme at probation and a referral to the police; the neighbourhood team recorded
an assessment with scores for all three, probation one with Dirk's score; the police's danger fact (a
weapon) concerns every professional; an ad hoc meeting was held with minutes and decisions, and decided
an action for Anna (neighbourhood team) and one for Dirk (probation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.accounts.models import ApiToken
from verband.actors import SYSTEM
from verband.collaboration import meetings
from verband.collaboration import services as collaboration
from verband.collaboration.models import HelpKind
from verband.escalation import lifecycle as escalation
from verband.network.models import Organisation, Role, Team
from verband.plans.services import ActionInput
from verband.safety import services as safety
from verband.sharing import services as sharing_services
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import actor_for, make_user

MINUTES = "Notulen: Anna en Bram zitten in de opvang aan de Geheimelaan."
DECISIONS = "Besluit: Anna blijft voorlopig in de opvang; Dirk volgt het daderprogramma."
ANNA_SUMMARY = "Anna vertelt over de dreiging thuis."
PROBATION_SUMMARY = "Dirk houdt zich aan het contactverbod."
SHELTER_NOTE = "Opvangplek voor Anna en Bram"


def token_for(organisation: Organisation, name: str, scopes: list[str]) -> str:
    token = ApiToken(organisation=organisation, name=name, scopes=scopes)
    raw = token.set_token()
    token.save()
    return raw


def assessment_input(scores: list[tuple[int, int]], summary: str) -> safety.AssessmentInput:
    return safety.AssessmentInput(
        acute=False,
        structural=True,
        phase="direct",
        weighing={},
        profiles=["intimate_terror"],
        balance=[],
        summary=summary,
        scores=[safety.ScoreInput(pid, score, None) for pid, score in scores],
        danger=[],
    )


@pytest.fixture
def shielded(family):  # noqa: F811
    w = family
    h = w.household
    today = timezone.localdate()
    involved = actor_for(w.involved)
    w.probation_org = w.probation.memberships.get().organisation
    w.probation_team = w.probation.memberships.get().team
    shelter_org = Organisation.objects.create(region=w.region, name="Blijf Opvang", kind="shelter")
    w.team_shelter = Team.objects.create(organisation=shelter_org, name="Opvang Centrum")
    w.shelter_worker = make_user("opvang", shelter_org, Role.PROFESSIONAL, w.team_shelter)
    w.expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    sharing_services.involve(
        SYSTEM, h, team=w.team_shelter, purpose="help", legal_basis="consent", started_on=today
    )

    # Help: Anna's shelter place (waiting far past its norm) and Dirk's programme at probation.
    shelter_place = HelpKind.objects.create(region=w.region, name="Opvangplek", waiting_norm_working_days=2)
    programme = HelpKind.objects.create(region=w.region, name="Daderprogramma")
    w.shelter_help = collaboration.add_help(
        involved, h, kind_id=shelter_place.pk, funding="wmo", person_id=w.anna.pk,
        provider_id=w.team_shelter.pk, requested_on=today - timedelta(days=40), note=SHELTER_NOTE,
    )  # fmt: skip
    collaboration.set_help_status(involved, w.shelter_help, "waiting", on=today - timedelta(days=39))
    w.dirk_help = collaboration.add_help(
        involved, h, kind_id=programme.pk, funding="forensic", person_id=w.dirk.pk,
        provider_id=w.probation_team.pk,
    )  # fmt: skip

    # Handovers: Anna to the shelter, Dirk to the police.
    w.anna_handover = collaboration.request_handover(
        involved, h, kind="referral", to_team_id=w.team_shelter.pk, person_id=w.anna.pk,
        question="Anna heeft een veilige plek nodig, graag vandaag.",
    )  # fmt: skip
    w.dirk_handover = collaboration.request_handover(
        involved, h, kind="referral", to_team_id=w.team_b1.pk, person_id=w.dirk.pk,
        question="Dirk heeft een wapen thuis, graag een huisbezoek.",
    )  # fmt: skip

    # Assessments: the neighbourhood team scores everyone; probation scores Dirk.
    w.assessment = safety.record_assessment(
        involved, h, assessment_input([(w.anna.pk, 3), (w.bram.pk, 4), (w.dirk.pk, 8)], ANNA_SUMMARY)
    )
    w.probation_assessment = safety.record_assessment(
        actor_for(w.probation), h, assessment_input([(w.dirk.pk, 7)], PROBATION_SUMMARY)
    )
    w.danger = safety.add_danger_fact(involved, h, "weapon", "Vuurwapen in huis")

    # The held ad hoc meeting with minutes and decisions, and an action for each of Anna and Dirk.
    when = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    meeting = meetings.schedule(involved, scheduled_at=when, household_ids=[h.pk], network=None)
    w.item = meeting.items.get()
    due = today + timedelta(days=14)
    meetings.hold(
        involved, meeting, present={w.org_a.pk, w.probation_org.pk}, minutes=MINUTES,
        items={w.item.pk: meetings.ItemInput(decisions=DECISIONS, actions=[
            ActionInput(text="Anna helpen met een vaste woning", owner_organisation_id=w.org_a.pk, due_on=due,
                        person_id=w.anna.pk),
            ActionInput(text="Dirk aanmelden bij het daderprogramma", owner_organisation_id=w.probation_org.pk,
                        due_on=due, person_id=w.dirk.pk),
        ])},
    )  # fmt: skip
    w.meeting = meeting
    from django.test import override_settings

    with override_settings(ESCALATION_HORIZON_DAYS=3650):  # escalate every stall, however old
        escalation.sweep(today)
    w.token_probation = token_for(w.probation_org, "Reclassering", ["households:read", "safety:write"])
    w.token_a_write = token_for(w.org_a, "Wijkteam", ["households:read", "safety:write"])
    return w
