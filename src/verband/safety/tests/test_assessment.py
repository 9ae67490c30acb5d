"""Safety assessments: recorded as history with scores, profiles, weighing, Balansmodel and danger facts;
bad input refused whole; every page refused to those not involved; everything logged."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from verband.households.models import HouseholdEvent
from verband.network.models import Role
from verband.safety import services
from verband.safety.models import DangerFact, InstrumentResult, SafetyAssessment, SafetyScore
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user


def anna_bram(world):
    members = dict(world.household.members.values_list("role", "person_id"))
    return members["victim"], members["child"]


def valid_input(world, **changes):
    anna, bram = anna_bram(world)
    data = services.AssessmentInput(
        acute=False,
        structural=True,
        phase="direct",
        weighing={"suspicion": "yes", "unsafety": "yes", "help_possible": "unknown"},
        profiles=["intimate_terror"],
        balance=["micro-trauma", "meso-steun"],
        summary="Herhaald geweld door ex-partner.",
        scores=[services.ScoreInput(anna, 4, 3), services.ScoreInput(bram, 5)],
        danger=[("weapon", "vuurwapen in huis volgens politie")],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_record_assessment_keeps_everything_and_logs(partners):
    world = partners
    assessment = services.record_assessment(actor_for(world.vt), world.household, valid_input(world))
    assert assessment.structural and not assessment.acute
    assert assessment.profiles == ["intimate_terror"]
    assert assessment.target == 6
    assert SafetyScore.objects.filter(assessment=assessment).count() == 2
    fact = DangerFact.objects.get(household=world.household)
    assert fact.kind == "weapon" and fact.assessment == assessment and fact.organisation == world.org_vt
    result = InstrumentResult.objects.get(assessment=assessment)
    assert result.instrument_code == "balansmodel"
    assert "micro: 1" in result.explanation[0]
    kinds = set(HouseholdEvent.objects.filter(household=world.household).values_list("kind", flat=True))
    assert {"assessment", "danger"} <= kinds
    logged = AccessLogEntry.objects.filter(object_type="safety_assessment", action="create")
    assert {s.person_id for s in logged_subjects(logged)} == {None, *anna_bram(world)}


def test_history_keeps_earlier_assessments(partners):
    world = partners
    services.record_assessment(actor_for(world.vt), world.household, valid_input(world))
    services.record_assessment(
        actor_for(world.vt), world.household, valid_input(world, phase="stable", danger=[])
    )
    assert SafetyAssessment.objects.filter(household=world.household).count() == 2
    assert SafetyAssessment.objects.filter(household=world.household).first().phase == "stable"


@pytest.mark.parametrize(
    "changes",
    [
        {"phase": "bijna"},
        {"profiles": ["onbekend"]},
        {"weighing": {"suspicion": "misschien"}},
        {"balance": ["geen-factor"]},
        {"acute": True, "phase": "stable"},
        {"danger": [("raket", "")]},
        {"summary": "x" * 4001},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(partners, changes):
    world = partners
    with pytest.raises(ValidationError):
        services.record_assessment(actor_for(world.vt), world.household, valid_input(world, **changes))
    assert not SafetyAssessment.objects.exists()
    assert not DangerFact.objects.exists()


def test_scores_must_be_members_once_and_in_range(partners):
    world = partners
    anna, _bram = anna_bram(world)
    stranger = world.other_household.members.get().person_id
    for scores in (
        [services.ScoreInput(anna, 11)],
        [services.ScoreInput(anna, 0)],
        [services.ScoreInput(anna, 5, 12)],
        [services.ScoreInput(stranger, 5)],
        [services.ScoreInput(anna, 5), services.ScoreInput(anna, 6)],
    ):
        with pytest.raises(ValidationError):
            services.record_assessment(
                actor_for(world.vt), world.household, valid_input(world, scores=scores)
            )
    assert not SafetyScore.objects.exists()


EXPECTED = {"involved": 200, "colleague": 404, "other_org": 404, "manager": 403, "anonymous": 302}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_safety_page_per_persona(world, as_user, persona):
    services.record_assessment(actor_for(world.vt), world.household, valid_input(world))
    response = as_user(world.personas()[persona]).get(
        reverse("safety:page", args=[world.household.reference])
    )
    assert response.status_code == EXPECTED[persona]
    body = response.content.decode()
    assert ("Wapen aanwezig" in body) == (EXPECTED[persona] == 200)
    assert ("Anna van Dam" in body) == (EXPECTED[persona] == 200)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_recording_per_persona(world, as_user, persona):
    anna, _bram = anna_bram(world)
    post = {
        "acute": "no",
        "structural": "yes",
        "phase": "direct",
        "profiles": ["intimate_terror"],
        "danger": ["weapon"],
        f"score_{anna}": "4",
    }
    response = as_user(world.personas()[persona]).post(
        reverse("safety:page", args=[world.household.reference]), post
    )
    assert response.status_code == {200: 302}.get(EXPECTED[persona], EXPECTED[persona])
    assert SafetyAssessment.objects.exists() == (EXPECTED[persona] == 200)


def test_form_errors_are_dutch_and_keep_input(world, as_user):
    anna, _bram = anna_bram(world)
    post = {
        "acute": "yes",
        "structural": "no",
        "phase": "stable",
        f"score_{anna}": "14",
        "summary": "Mijn tekst",
    }
    response = as_user(world.involved).post(reverse("safety:page", args=[world.household.reference]), post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "fase 1" in body  # acute unsafety means phase 1
    assert "Mijn tekst" in body
    assert not SafetyAssessment.objects.exists()


def test_experience_expert_sees_but_does_not_record(world, as_user):
    expert = make_user("ervaring", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    url = reverse("safety:page", args=[world.household.reference])
    page = as_user(expert).get(url)
    assert page.status_code == 200
    assert "Beoordeling vastleggen" not in page.content.decode()
    assert (
        as_user(expert).post(url, {"acute": "no", "structural": "no", "phase": "direct"}).status_code == 404
    )
    assert not SafetyAssessment.objects.exists()


def test_danger_fact_add_and_end(world, as_user):
    client = as_user(world.involved)
    url = reverse("safety:danger_add", args=[world.household.reference])
    assert client.post(url, {"kind": "aggressive_dog", "detail": "pitbull in de tuin"}).status_code == 302
    fact = DangerFact.objects.get()
    assert (
        "pitbull"
        in client.get(reverse("households:detail", args=[world.household.reference])).content.decode()
    )
    end = reverse("safety:danger_end", args=[world.household.reference, fact.pk])
    assert as_user(world.colleague).post(end).status_code == 404
    assert as_user(world.colleague).post(end, {"confirm": "yes"}).status_code == 404
    # One click asks first (a page, no JavaScript); only the confirmation ends it.
    asked = client.post(end)
    assert asked.status_code == 200 and "Geldt “Agressieve hond: pitbull in de tuin” niet meer?" in (
        asked.content.decode()
    )
    fact.refresh_from_db()
    assert fact.ended_at is None
    assert client.post(end, {"confirm": "yes"}).status_code == 302
    fact.refresh_from_db()
    assert fact.ended_at is not None
    page = client.get(reverse("households:detail", args=[world.household.reference])).content.decode()
    assert "danger-flag" not in page  # the flag is gone; the timeline keeps the history


def test_danger_fact_of_another_household_cannot_be_ended(world, as_user):
    other = DangerFact.objects.create(household=world.other_household, kind="weapon")
    url = reverse("safety:danger_end", args=[world.household.reference, other.pk])
    assert as_user(world.involved).post(url).status_code == 404
    assert as_user(world.involved).post(url, {"confirm": "yes"}).status_code == 404
    other.refresh_from_db()
    assert other.ended_at is None


def test_household_page_shows_phase_scores_chart_and_table(world, as_user):
    services.record_assessment(actor_for(world.vt), world.household, valid_input(world))
    body = (
        as_user(world.involved)
        .get(reverse("households:detail", args=[world.household.reference]))
        .content.decode()
    )
    assert "1. Directe veiligheid" in body
    assert "danger-flag" in body and "Wapen aanwezig" in body
    assert "<polyline" in body  # the chart
    assert "score-table" in body  # the same data as a table
    assert "Intieme terreur" in body


def test_chart_numbers_are_plain_svg_numbers(world, as_user):
    """The Dutch locale prints 24,5 for a float; SVG needs 24.5. The chart only uses whole pixels."""
    import re

    services.record_assessment(actor_for(world.vt), world.household, valid_input(world))
    services.record_assessment(
        actor_for(world.vt), world.household, valid_input(world, phase="stable", danger=[])
    )
    body = as_user(world.involved).get(reverse("households:detail", args=[world.household.reference])).content
    circles = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', body.decode())
    assert len(circles) == 6  # two members, two assessments, and Anna's own scores
    assert all(x.isdigit() and y.isdigit() for x, y in circles)
    lines = re.findall(r'<polyline points="([^"]+)"', body.decode())
    assert lines and all(re.fullmatch(r"\d+,\d+( \d+,\d+)*", line) for line in lines)
