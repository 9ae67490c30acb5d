"""Handover, help and escalation pages per persona; what is logged."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from verband.collaboration.models import Handover, Help, HelpKind, ProviderCapacity
from verband.escalation import lifecycle as escalation
from verband.escalation.models import Escalation
from verband.escalation.tests.test_engine import ask_shelter, at, shelter  # noqa: F401 - fixture
from verband.sharing.models import AccessLogEntry
from verband.testing import FIVE_ANSWERS

PERSONAS = ["involved", "colleague", "other_org", "manager", "anonymous"]
EXPECTED = {"involved": 200, "colleague": 404, "other_org": 200, "manager": 403, "anonymous": 302}


def persona(world, name):
    return getattr(world, name) if name != "anonymous" else None


@pytest.mark.parametrize("name", PERSONAS)
def test_handover_form_per_persona(shelter, as_user, name):  # noqa: F811
    response = as_user(persona(shelter, name)).get(f"/huishoudens/{shelter.household.reference}/overdragen/")
    assert response.status_code == EXPECTED[name]


def test_referral_to_the_shelter_is_answered_by_the_shelter_only(shelter, as_user):  # noqa: F811
    w = shelter
    url = f"/huishoudens/{w.household.reference}/overdragen/"
    sender = as_user(w.involved)
    bad = sender.post(url, {"kind": "referral", "to_team": str(w.team_shelter.pk), "question": "kort"})
    assert bad.status_code == 400 and "Zeg in een zin" in bad.content.decode()
    assert "kort</textarea>" in bad.content.decode()
    sender.post(
        url,
        {
            "kind": "referral",
            "to_team": str(w.team_shelter.pk),
            "question": "Opvangplek nodig vandaag.",
            **FIVE_ANSWERS,
        },
    )
    handover = Handover.objects.get()
    page = f"/overdrachten/{handover.pk}/"
    assert as_user(w.colleague).get(page).status_code == 404
    assert AccessLogEntry.objects.filter(
        object_type="handover", outcome="denied", username="colleague"
    ).exists()
    shelter_client = as_user(w.shelter_worker)
    body = shelter_client.get(page).content.decode()
    assert "Wij accepteren" in body and "Opvangplek nodig" in body
    assert shelter_client.get(f"/huishoudens/{w.household.reference}/").status_code == 404
    refused = shelter_client.post(page, {"decision": "reject", "reason": "nee"})
    assert refused.status_code == 400
    response = shelter_client.post(page, {"decision": "accept"})
    assert response["Location"] == f"/huishoudens/{w.household.reference}/"
    assert shelter_client.get(response["Location"]).status_code == 200
    assert AccessLogEntry.objects.filter(object_type="handover", username="opvang", action="view").exists()


def test_refused_twice_marks_the_household_as_bouncing(shelter, as_user):  # noqa: F811
    w = shelter
    from verband.collaboration import services
    from verband.testing import actor_for

    for _ in range(2):
        handover = ask_shelter(w, day=timezone.localdate())
        services.reject_handover(actor_for(w.shelter_worker), handover, "Geen plek, probeer Opvang Zuid.")
    page = as_user(w.involved).get(f"/huishoudens/{w.household.reference}/").content.decode()
    assert "Kaatst heen en weer" in page
    titles = list(w.involved.notifications.values_list("title", flat=True))
    assert titles.count(f"Verwijzing naar u teruggekomen: {w.household.reference}") == 2


@pytest.mark.parametrize("name", PERSONAS)
def test_help_page_per_persona(shelter, as_user, name):  # noqa: F811
    response = as_user(persona(shelter, name)).get(f"/huishoudens/{shelter.household.reference}/hulp/")
    assert response.status_code == EXPECTED[name]


def test_help_moves_from_requested_to_started_with_waiting_time_and_capacity(shelter, as_user):  # noqa: F811
    w = shelter
    kind = HelpKind.objects.create(region=w.region, name="Opvangplek", default_funding="wmo")
    ProviderCapacity.objects.create(team=w.team_shelter, kind=kind, places=10)
    client = as_user(w.involved)
    url = f"/huishoudens/{w.household.reference}/hulp/"
    page = client.get(url).content.decode()
    assert "0 van 10 bezet" in page
    assert (
        '<th scope="col">Bezet</th>' in page and '<th scope="col">Vrij</th>' not in page
    )  # says what it counts
    bad = client.post(url, {"kind": str(kind.pk), "funding": ""})
    assert bad.status_code == 400 and "Kies hoe het gefinancierd wordt" in bad.content.decode()
    client.post(url, {"kind": str(kind.pk), "funding": "wmo", "person": ""})
    help_ = Help.objects.get()
    assert help_.status == "no_provider"  # nobody chosen: a state, not a silence
    client.post(f"{url}{help_.pk}/status/", {"status": "waiting", "provider": str(w.team_shelter.pk)})
    client.post(f"{url}{help_.pk}/status/", {"status": "started"})
    help_.refresh_from_db()
    assert help_.status == "started" and help_.started_on == timezone.localdate()
    assert "1 van 10 bezet" in client.get(url).content.decode()
    assert as_user(w.colleague).post(f"{url}{help_.pk}/status/", {"status": "ended"}).status_code == 404


@pytest.mark.parametrize("name", [*PERSONAS, "coordinator"])
def test_escalation_pages_per_persona(shelter, as_user, name):  # noqa: F811
    w = shelter
    ask_shelter(w)
    with at(date(2026, 4, 29)):
        escalation.sweep()
    e = Escalation.objects.get(household=w.household)
    listing = as_user(persona(w, name)).get("/escalaties/")
    detail = as_user(persona(w, name)).get(f"/escalaties/{e.pk}/")
    expected_list = {"anonymous": 302}.get(name, 200)
    assert listing.status_code == expected_list
    assert detail.status_code == {"involved": 200, "anonymous": 302}.get(name, 404)
    if name == "involved":
        assert "Overdracht onbeantwoord" in detail.content.decode()


@pytest.mark.parametrize(
    ("name", "status"),
    [("coordinator", 200), ("manager", 200), ("involved", 403), ("colleague", 403), ("anonymous", 302)],
)
def test_monitor_per_persona(shelter, as_user, name, status):  # noqa: F811
    w = shelter
    ask_shelter(w)  # an unanswered handover: between the cracks
    response = as_user(persona(w, name)).get("/tussen-wal-en-schip/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert w.household.reference in body and "Overdracht niet beantwoord" in body and "Anna" not in body
        assert AccessLogEntry.objects.filter(
            object_type="monitor", subject_household_id=w.household.pk
        ).exists()


def test_ask_for_a_decision_per_persona(shelter, as_user):  # noqa: F811
    w = shelter
    url = f"/huishoudens/{w.household.reference}/beslissing-vragen/"
    assert as_user(w.colleague).get(url).status_code == 404
    assert as_user(w.manager).get(url).status_code == 403
    client = as_user(w.other_org)
    assert client.post(url, {"question": "kort"}).status_code == 400
    response = client.post(url, {"question": "Wij willen een huisverbod; wijkteam niet. Beslis."})
    e = Escalation.objects.get(kind="disagreement")
    assert response["Location"] == f"/escalaties/{e.pk}/"
    assert client.get(response["Location"]).status_code == 200  # the asker reads it
    decider = as_user(w.involved)
    vague = {"decision": "Geen huisverbod; wel dagelijks contact."}
    assert decider.post(f"/escalaties/{e.pk}/", vague).status_code == 400  # no kind of decision
    concrete = {
        **vague,
        "kind": "action",
        "owner": str(w.involved.memberships.get().pk),
        "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    assert decider.post(f"/escalaties/{e.pk}/", concrete).status_code == 302
    e.refresh_from_db()
    assert e.status == "resolved"
    assert client.post(f"/escalaties/{e.pk}/", {"decision": "Ik beslis het anders."}).status_code == 400


def test_notifications_list_and_open(shelter, as_user):  # noqa: F811
    w = shelter
    handover = ask_shelter(w)
    client = as_user(w.shelter_worker)
    page = client.get("/notificaties/").content.decode()
    assert "te accepteren" in page and "Anna" not in page
    n = w.shelter_worker.notifications.get()
    assert client.post(f"/notificaties/{n.pk}/")["Location"] == f"/overdrachten/{handover.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert as_user(w.involved).post(f"/notificaties/{n.pk}/").status_code == 404


def test_managers_on_the_ladder_do_not_read_names_in_questions_or_decisions(shelter, as_user):  # noqa: F811
    w = shelter
    from verband.escalation import lifecycle as esc
    from verband.testing import actor_for

    e = esc.ask_decision(
        actor_for(w.other_org), w.household, "Anna van Dam en Bram willen niet naar de opvang."
    )
    for day in (date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 15)):
        with at(day):
            esc.sweep()
    e.refresh_from_db()
    assert e.step >= 3 and e.recipients.filter(membership__user=w.manager).exists()
    manager_page = as_user(w.manager).get(f"/escalaties/{e.pk}/").content.decode()
    assert (
        "Anna van Dam" not in manager_page and "Alleen betrokken hulpverleners lezen de vraag" in manager_page
    )
    assert "Anna van Dam" in as_user(w.involved).get(f"/escalaties/{e.pk}/").content.decode()  # the regisseur
    assert "Anna van Dam" in as_user(w.other_org).get(f"/escalaties/{e.pk}/").content.decode()  # the asker


def test_a_handover_is_no_lasting_window_for_the_receiving_team(shelter, as_user):  # noqa: F811
    w = shelter
    from verband.collaboration import services
    from verband.network.models import Role
    from verband.testing import actor_for, make_user

    handover = ask_shelter(w, day=timezone.localdate())
    expert = make_user("ervaring_opvang", w.team_shelter.organisation, Role.EXPERIENCE_EXPERT, w.team_shelter)
    page = f"/overdrachten/{handover.pk}/"
    assert as_user(expert).get(page).status_code == 404
    assert as_user(w.shelter_worker).get(page).status_code == 200
    services.reject_handover(actor_for(w.shelter_worker), handover, "Geen plek vrij deze week.")
    assert as_user(w.shelter_worker).get(page).status_code == 404  # returned: no longer theirs
    assert as_user(w.involved).get(page).status_code == 200  # the sender


def test_meeting_holder_cannot_write_into_a_household_they_do_not_see(partners, as_user):

    from verband.collaboration import meetings
    from verband.testing import actor_for

    w = partners
    from verband.actors import SYSTEM
    from verband.sharing import services as sharing

    sharing.involve(
        SYSTEM,
        w.household,
        team=w.team_b1,
        purpose="protection",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )
    today = timezone.now()  # held in this test: not before the day it was planned for
    meeting = meetings.schedule(
        actor_for(w.other_org), scheduled_at=today, household_ids=[w.household.pk, w.other_household.pk]
    )
    hidden = meeting.items.get(household=w.other_household)
    stranger = w.other_household.members.get().person_id
    response = as_user(w.involved).post(
        f"/overleggen/{meeting.pk}/",
        {
            "present": [w.org_a.pk],
            f"item-{hidden.pk}-decisions": "Ingeschoven",
            f"item-{hidden.pk}-member": stranger,
        },
    )
    hidden.refresh_from_db()
    assert hidden.decisions == "" and hidden.member_present_id is None
    assert response.status_code == 302  # held for what they see


def test_a_time_with_an_offset_is_a_dutch_error_not_a_crash(shelter, as_user):  # noqa: F811
    w = shelter
    day = (timezone.localdate() + timedelta_days(2)).isoformat()
    response = as_user(w.involved).post(
        f"/overleggen/nieuw/?huishouden={w.household.reference}",
        {
            "household_ref": w.household.reference,
            "date": day,
            "time": "10:00+01:00",
            "households": [w.household.pk],
        },
    )
    assert response.status_code == 400 and "Geef de datum en tijd" in response.content.decode()


def timedelta_days(n):
    from datetime import timedelta

    return timedelta(days=n)
