"""Attacks on the search, caseload, journal, measures, tasks, recognition and escalation changes, as the
person the victim fears (probation working with the perpetrator only), or a curious colleague. Each test
failed before its fix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from verband.collaboration.tests.shielded_family import shielded  # noqa: F401  (fixture)
from verband.escalation.models import Escalation, EscalationRecipient, Step
from verband.network.models import Role
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import actor_for, make_user


@pytest.mark.django_db
def test_escalation_page_names_no_shelter_to_probations_line_manager(shielded, as_user):  # noqa: F811
    """A no-regisseur escalation of the household reaches probation's line manager (and the shelter's):
    neither the ladder nor the list of whom the action can be given to may name the shelter's people to
    someone who does not see the household whole — the shelter is where she is."""
    w = shielded
    manager = make_user("reclassering_mgr", w.probation_org, Role.MANAGER)
    shelter_manager = make_user("opvang_mgr", w.team_shelter.organisation, Role.MANAGER)
    escalation = Escalation.objects.get(household=w.household, kind="no_regisseur")
    for who in (manager, shelter_manager):
        EscalationRecipient.objects.create(
            escalation=escalation, membership=who.memberships.get(), step=Step.LINE_MANAGER
        )
    page = as_user(manager).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert 'name="owner"' in page  # the decision form is there
    assert "Opvang" not in page and "Blijf" not in page
    # Whoever sees the household whole still gets the shelter offered.
    EscalationRecipient.objects.create(
        escalation=escalation, membership=w.involved.memberships.get(), step=Step.LINE_MANAGER
    )
    whole = as_user(w.involved).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert "Opvang Test (Blijf Opvang" in whole
    # Decided with an action for the shelter's worker: probation's line manager reads the decision, not
    # whom it was given to.
    decided = as_user(w.involved).post(
        f"/escalaties/{escalation.pk}/",
        {
            "kind": "action",
            "decision": "De wijkteammedewerker neemt de regie deze week op zich.",
            "owner": str(w.shelter_worker.memberships.get().pk),
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert decided.status_code == 302
    page = as_user(manager).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert "neemt de regie deze week" in page  # the decision is read
    assert "Opvang" not in page and "Blijf" not in page


@pytest.mark.django_db
def test_the_escalation_page_does_not_name_a_shelter_manager_who_decided(shielded, as_user):  # noqa: F811
    """The shelter's line manager decides the household's escalation: probation's line manager, put to it
    too, reads the decision, not who decided it with the shelter's name."""
    w = shielded
    manager = make_user("reclassering_mgr", w.probation_org, Role.MANAGER)
    shelter_manager = make_user("opvang_mgr", w.team_shelter.organisation, Role.MANAGER)
    escalation = Escalation.objects.get(household=w.household, kind="no_regisseur")
    for who in (manager, shelter_manager):
        EscalationRecipient.objects.create(
            escalation=escalation, membership=who.memberships.get(), step=Step.LINE_MANAGER
        )
    decided = as_user(shelter_manager).post(
        f"/escalaties/{escalation.pk}/",
        {
            "kind": "not_applicable",
            "decision": "De norm geldt hier niet: de regie wordt deze week overgedragen.",
        },
    )
    assert decided.status_code == 302
    page = as_user(manager).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert "De norm geldt hier niet" in page
    assert "Opvang" not in page and "Blijf" not in page


@pytest.mark.django_db
def test_probation_cannot_complete_an_unassigned_review_task_of_what_protects_her(family, as_user):  # noqa: F811
    """A review task nobody was given (no regisseur) stays on the household page of those who see the
    household whole. Probation, working with the perpetrator only, must not complete it by its id: that
    silences the review of her alarm and its title tells him that something protects her until when."""
    from verband.measures import services as measures
    from verband.tasks.models import TaskKind
    from verband.tasks.services import Source, create_task
    from verband.testing import actor_for

    w = family
    today = timezone.localdate()
    alarm = measures.record_measure(
        actor_for(w.involved),
        w.household,
        measures.MeasureInput(
            kind="aware", person_id=w.anna.pk, starts_on=today, ends_on=today + timedelta(days=30)
        ),
    )
    task, _made = create_task(
        actor_for(w.involved), w.household, kind=TaskKind.REVIEW_SAFETY_PLAN,
        title="Veiligheidsplan herzien: een beschermende maatregel eindigt", due_on=today,
        assignee=None, source=Source("measure", alarm.pk, "x"), organisation_id=w.org_a.pk,
    )  # fmt: skip
    response = as_user(w.probation).post(f"/taken/{task.pk}/afronden/")
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
    from verband.sharing.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(
        username="reclassering", object_type="task", object_id=str(task.pk), outcome="denied"
    ).exists()
    # Someone working with the whole household does it.
    assert as_user(w.involved).post(f"/taken/{task.pk}/afronden/").status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.django_db
def test_search_tells_probation_no_phase_of_another_partners_assessment(family, as_user):  # noqa: F811
    """The caseload shows a partner working with named members only the phase of its own organisation's
    assessments; the search must not show him the neighbourhood team's ("1. Directe veiligheid": she is
    in acute danger) either."""
    from verband.households.matching import index_person
    from verband.households.models import Person
    from verband.safety import services as safety

    w = family
    for person in Person.objects.all():
        index_person(person)
    safety.record_assessment(
        actor_for(w.involved),
        w.household,
        safety.AssessmentInput(
            acute=True, structural=True, phase="direct", weighing={}, profiles=[], balance=[],
            summary="Anna is in acuut gevaar.", scores=[], danger=[],
        ),
    )  # fmt: skip
    probation = as_user(w.probation).get("/zoeken/", {"q": "Dirk Vos"}).content.decode()
    assert "HH-T-0001" in probation
    assert "Directe veiligheid" not in probation and "Direct safety" not in probation
    involved = as_user(w.involved).get("/zoeken/", {"q": "Dirk Vos"}).content.decode()
    assert "Directe veiligheid" in involved
    # Its own organisation's assessment it does see.
    safety.record_assessment(
        actor_for(w.probation),
        w.household,
        safety.AssessmentInput(
            acute=False, structural=True, phase="stable", weighing={}, profiles=[], balance=[],
            summary="Dirk houdt zich aan de afspraken.", scores=[], danger=[],
        ),
    )  # fmt: skip
    probation = as_user(w.probation).get("/zoeken/", {"q": "Dirk Vos"}).content.decode()
    assert "2. Stabiele veiligheid" in probation and "Directe veiligheid" not in probation


@pytest.mark.django_db
def test_undoing_another_households_merge_is_not_found_and_logged(world, as_user):
    """The undo page of a merge named by its id on a household the user may merge: a merge of another
    household is "not found", and the attempt is in the access log as any refusal."""
    from verband.households.models import Merge
    from verband.plans.models import Regie
    from verband.sharing.models import AccessLogEntry

    Regie.objects.create(
        household=world.household, user=world.involved, membership=world.involved.memberships.get(),
        organisation=world.org_a, mandated_by=world.manager,
    )  # fmt: skip
    elsewhere = Merge.objects.create(
        kind="split", household=world.other_household, person=None, reason="Verkeerd gekoppeld lid."
    )
    client = as_user(world.involved)
    url = f"/huishoudens/{world.household.reference}/samenvoegen/{elsewhere.pk}/ongedaan/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            username="involved", object_type="merge", object_id=str(elsewhere.pk), outcome="denied"
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_probation_sees_the_house_ban_on_dirk_but_not_whom_it_protects(family, as_user):  # noqa: F811
    """Probation works with Dirk only: it sees his huisverbod (when he may come home), not the name of the
    member it protects, whom its scope does not show; nor is she logged as shown to it."""
    from verband.measures import services as measures
    from verband.sharing.accesslog import logged_subjects
    from verband.sharing.models import AccessLogEntry

    w = family
    measures.record_measure(
        actor_for(w.involved),
        w.household,
        measures.MeasureInput(
            kind="house_ban", person_id=w.dirk.pk, starts_on=timezone.localdate(),
            protected_person_id=w.anna.pk,
        ),
    )  # fmt: skip
    page = as_user(w.probation).get(f"/huishoudens/{w.household.reference}/maatregelen/").content.decode()
    assert "Huisverbod" in page and "Dirk" in page
    assert "Anna" not in page
    entries = AccessLogEntry.objects.filter(username="reclassering", object_type="measure")
    assert w.anna.pk not in {s.person_id for s in logged_subjects(entries)}
    whole = as_user(w.involved).get(f"/huishoudens/{w.household.reference}/maatregelen/").content.decode()
    assert "Anna van Dam" in whole


@pytest.mark.django_db
def test_probations_caseload_does_not_date_the_contact_with_her(family, as_user):  # noqa: F811
    """The neighbourhood team visits Anna at home ("own organisation only", kept from Dirk): probation's
    caseload, working with Dirk only, must not show that contact's date and time as the household's last
    contact — nor does its filter on last contact give it away. Its own contact it does see."""
    from verband.journal import services as journal
    from verband.sharing.models import Involvement

    w = family
    Involvement.objects.filter(household=w.household).update(first_contact_at=None)
    visit = timezone.localtime() - timedelta(days=2)
    journal.record_entry(
        actor_for(w.involved), w.household,
        journal.EntryInput(kind="home_visit", occurred_at=visit, summary="Huisbezoek bij Anna.",
                           person_id=w.anna.pk, participant_ids=[w.anna.pk], visibility="organisation"),
    )  # fmt: skip
    client = as_user(w.probation)
    body = client.get("/huishoudens/?weergave=team").content.decode()
    assert "HH-T-0001" in body
    # Filtered on "never a contact", the household is listed: the visit to her does not count for it.
    assert "HH-T-0001" in client.get("/huishoudens/?weergave=team&contact=nooit").content.decode()
    journal.record_entry(
        actor_for(w.probation), w.household,
        journal.EntryInput(kind="phone_call", occurred_at=visit, summary="Dirk gebeld.", person_id=w.dirk.pk,
                           participant_ids=[w.dirk.pk]),
    )  # fmt: skip
    assert (
        "HH-T-0001"
        not in client.get("/huishoudens/?weergave=team&contact=nooit").content.decode().split("<table")[-1]
    )


@pytest.mark.django_db
def test_a_household_escalation_names_no_shelter_to_the_perpetrators_partner(shielded, as_user):  # noqa: F811
    """First contact is late for several partners of one household: one escalation, all of them its
    parties. A perpetrator programme working with Dirk only is one of them and reads the escalation: what
    stalls may say that it is late, not that a shelter is late too (the shelter is where she is)."""
    from datetime import date

    from django.test import override_settings

    from verband.actors import SYSTEM
    from verband.escalation import lifecycle
    from verband.network.models import Organisation, Team
    from verband.sharing import services as sharing_services
    from verband.sharing.models import Involvement
    from verband.shielding.members import scope_involvement

    w = shielded
    Involvement.objects.filter(household=w.household, team=w.team_shelter).update(started_on=date(2026, 1, 5))
    org = Organisation.objects.create(region=w.region, name="Daderhulp Testdorp", kind="other")
    team = Team.objects.create(organisation=org, name="Daderprogramma Team")
    worker = make_user("daderhulp", org, Role.PROFESSIONAL, team)
    programme = sharing_services.involve(
        SYSTEM, w.household, team=team, purpose="help", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    scope_involvement(programme, [w.dirk.pk])
    Escalation.objects.all().delete()
    with override_settings(ESCALATION_HORIZON_DAYS=3650):
        lifecycle.sweep(timezone.localdate())
    escalation = Escalation.objects.get(household=w.household, kind="first_contact_late")
    assert {"Blijf Opvang", "Daderhulp Testdorp"} <= set(escalation.parties.values_list("name", flat=True))
    client = as_user(worker)
    for url in ("/escalaties/", f"/escalaties/{escalation.pk}/", "/"):
        page = client.get(url).content.decode()
        assert "Opvang" not in page and "Blijf" not in page, url


@pytest.mark.django_db
def test_a_likely_match_opens_no_household_before_the_reporting_centre_confirms(world, client):
    """The police reports "Ana van Dam" born 02-01-1990 at another address: a likely match with Anna, so
    the signal lands on her household before the reporting centre said it is her. The covering
    neighbourhood team Zuid takes it up — and reads Anna's household, which may be another woman's."""
    from verband.sharing.access import can_see_household
    from verband.signals import services as signals
    from verband.signals.models import Activation, MatchState, Signal
    from verband.signals.tests.test_recognition_every_door import ANNA, report
    from verband.testing import _token

    token = _token(world.org_b, "Politiesysteem", ["signals:write"])
    made = report(
        client, token, "Agent De Wit", **{**ANNA, "given_names": "Ana", "street": "Laan", "house_number": "9"}
    )
    signal = Signal.objects.get(reference=made["reference"])
    assert signal.household_id == world.household.pk
    assert signal.persons.get().match_state == MatchState.LIKELY
    activation = (
        Activation.objects.filter(signal=signal, update=False, team__isnull=False)
        .exclude(team=world.team_vt)
        .first()
        or Activation.objects.filter(signal=signal, network__isnull=False).first()
    )
    assert activation is not None
    taker = world.colleague if activation.team_id == world.team_a2.pk else world.coordinator
    assert not can_see_household(actor_for(taker), world.household)  # not before the take-up
    with pytest.raises(ValidationError, match="Veilig Thuis moet nog bevestigen"):
        signals.accept(actor_for(taker), activation)
    assert not can_see_household(actor_for(taker), world.household)
    # Once the reporting centre confirmed it is Anna, the take-up opens her household.
    sp = signal.persons.get()
    sp.match_state = MatchState.CONFIRMED
    sp.save(update_fields=["match_state"])
    signals.accept(actor_for(taker), activation)
    assert can_see_household(actor_for(taker), world.household)
