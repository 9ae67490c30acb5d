"""Break the glass: a case worker not involved opens a household in acute danger with a written reason;
the access is theirs alone and runs out; the regisseur and the privacy officers are told; the privacy
officer judges every use, which stays on the review list until judged."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from verband.notifications.models import Notification
from verband.plans import regie
from verband.sharing.access import can_see_household, partner_organisations
from verband.sharing.models import AccessLogEntry, EmergencyAccess, Involvement
from verband.testing import actor_for

REASON = "Politie meldt nu een steekpartij op het adres; ik moet weten wie er wonen."
URL = "/noodtoegang/"


def body(response) -> str:
    return html.unescape(response.content.decode())


def break_glass(client, reference="HH-T-0001", reason=REASON, understood="on"):
    data = {"reference": reference, "reason": reason}
    if understood:
        data["understood"] = understood
    return client.post(URL, data)


def test_a_case_worker_not_involved_opens_the_household_for_a_day(world, as_user):
    colleague = as_user(world.colleague)  # team A2: not involved with HH-T-0001
    assert colleague.get("/huishoudens/HH-T-0001/").status_code == 404
    response = break_glass(colleague)
    assert response.status_code == 302 and response["Location"] == "/huishoudens/HH-T-0001/"
    page = body(colleague.get("/huishoudens/HH-T-0001/"))
    assert "U ziet dit huishouden via noodtoegang" in page and "Anna van Dam" in page
    involvement = Involvement.objects.get(purpose="emergency")
    assert involvement.only_user == world.colleague and involvement.legal_basis == "serious_danger"
    assert involvement.ended_at is not None
    assert involvement.ended_at - timezone.now() > timedelta(hours=23, minutes=59)
    # The view was logged on the emergency basis.
    entry = AccessLogEntry.objects.filter(
        username="colleague", object_type="household", outcome="granted"
    ).latest("pk")
    assert entry.basis.startswith(f"involvement:{involvement.pk}:emergency:serious_danger")
    # Everyone working with the household sees who opened it.
    assert "Noodtoegang geopend door" in body(as_user(world.involved).get("/huishoudens/HH-T-0001/"))


def test_the_access_is_the_persons_alone_and_runs_out(world, as_user, settings):
    from verband.network.models import Role
    from verband.testing import make_user

    teammate = make_user("teammate", world.org_b, Role.PROFESSIONAL, world.team_b1)
    break_glass(as_user(world.other_org))  # the police officer, not involved with HH-T-0001
    assert can_see_household(actor_for(world.other_org), world.household)
    assert not can_see_household(actor_for(teammate), world.household)  # not the officer's team
    assert world.org_b not in partner_organisations(world.household)  # nor a partner for regie and the like
    with time_machine.travel(timezone.now() + timedelta(hours=settings.EMERGENCY_ACCESS_HOURS, minutes=1)):
        assert as_user(world.other_org).get("/huishoudens/HH-T-0001/").status_code == 404


def test_the_regisseur_and_the_privacy_officer_are_told(partners, as_user):
    world = partners
    transfer = regie.request_regie(actor_for(world.involved), world.household, world.vt.memberships.get().pk)
    regie.accept_regie(actor_for(world.vt), transfer, world.lm_vt.pk)
    break_glass(as_user(world.colleague))
    assert Notification.objects.get(user=world.vt).title == "Noodtoegang tot HH-T-0001"
    assert Notification.objects.get(user=world.privacy_officer).url == "/noodtoegang/beoordelen/"


def test_without_a_privacy_officer_the_openers_line_manager_is_told(world, as_user):
    from verband.network.models import Membership, Role
    from verband.testing import make_user

    Membership.objects.filter(role=Role.PRIVACY_OFFICER).update(active=False)
    boss = make_user("chef", world.org_b, Role.LINE_MANAGER, world.team_b1)
    break_glass(as_user(world.other_org))
    assert Notification.objects.get(user=boss).title == "Noodtoegang tot HH-T-0001"
    assert not Notification.objects.filter(user=world.privacy_officer).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reference": "HH-T-0001", "reason": "even kijken", "understood": "on"}, "minstens 20 tekens"),
        ({"reference": "HH-T-0001", "reason": REASON}, "Bevestig dat u begrijpt"),
        (
            {"reference": "HH-T-9999", "reason": REASON, "understood": "on"},
            "Er is geen huishouden met deze referentie",
        ),
        ({"reference": "HH-T-0001\x00", "reason": REASON, "understood": "on"}, "niet toegestaan"),
    ],
)
def test_bad_input_gets_a_dutch_error_and_opens_nothing(world, as_user, data, message):
    response = as_user(world.colleague).post(URL, data)
    assert response.status_code == 400 and message in body(response)
    assert not Involvement.objects.filter(purpose="emergency").exists()
    assert REASON[:20] in body(response) or "reason" not in data or len(data["reason"]) < 20


def test_someone_already_involved_is_sent_to_the_household(world, as_user):
    response = break_glass(as_user(world.involved))
    assert response.status_code == 400 and "U werkt al met dit huishouden" in body(response)


@pytest.mark.parametrize("who", ["privacy_officer", "manager", "admin"])
def test_only_case_workers_break_the_glass(world, as_user, who):
    assert (
        as_user(getattr(world, who))
        .post(URL, {"reference": "HH-T-0001", "reason": REASON, "understood": "on"})
        .status_code
        == 403
    )
    assert not Involvement.objects.filter(purpose="emergency").exists()


def test_the_privacy_officer_judges_every_use(world, as_user):
    break_glass(as_user(world.colleague))
    access = EmergencyAccess.objects.get()
    officer = as_user(world.privacy_officer)
    page = body(officer.get("/noodtoegang/beoordelen/"))
    assert REASON in page and "opende HH-T-0001" in page
    response = officer.post(
        "/noodtoegang/beoordelen/", {"access": access.pk, "judgement": "justified", "note": ""}
    )
    assert response.status_code == 400 and "Schrijf op waarom u zo oordeelt." in body(response)
    response = officer.post(
        "/noodtoegang/beoordelen/",
        {"access": access.pk, "judgement": "not_justified", "note": "Geen acuut gevaar; nieuwsgierigheid."},
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.judgement == "not_justified" and access.judged_by == world.privacy_officer
    assert "Niet terecht" in body(officer.get("/noodtoegang/beoordelen/"))
    assert AccessLogEntry.objects.filter(action="judge", object_type="emergency_access").count() == 1


@pytest.mark.parametrize("who", ["involved", "colleague", "admin", "manager"])
def test_nobody_else_reads_or_judges_the_review_list(world, as_user, who):
    break_glass(as_user(world.colleague))
    client = as_user(getattr(world, who))
    assert client.get("/noodtoegang/beoordelen/").status_code == 403
    access = EmergencyAccess.objects.get()
    client.post("/noodtoegang/beoordelen/", {"access": access.pk, "judgement": "justified", "note": "ok"})
    access.refresh_from_db()
    assert access.judged_at is None


def test_emergency_access_reads_and_changes_nothing(world, as_user):
    """(Review finding) No handover, regie, plan, shielding or decision through an emergency access: a
    look in acute danger never becomes a way in, nor lifts a victim's shields."""
    from verband.plans.regie import may_request_regie
    from verband.shielding.services import may_decide

    client = as_user(world.other_org)
    break_glass(client)
    actor = actor_for(world.other_org)
    assert not may_request_regie(actor, world.household) and not may_decide(actor, world.household)
    for path in ("/huishoudens/HH-T-0001/overdragen/", "/huishoudens/HH-T-0001/plan/bewerken/",
                 "/huishoudens/HH-T-0001/afscherming/", "/huishoudens/HH-T-0001/regie/"):  # fmt: skip
        response = client.post(path, {})
        assert response.status_code in (400, 403, 404), path
    from django.core.exceptions import PermissionDenied

    from verband.collaboration import services as collaboration
    from verband.collaboration.models import Handover

    with pytest.raises(PermissionDenied):
        collaboration.request_handover(actor, world.household, kind="referral", to_team_id=world.team_b1.pk,
                                       question="Kunnen jullie dit overnemen?")  # fmt: skip
    assert not Handover.objects.exists()
    assert client.get("/huishoudens/HH-T-0001/").status_code == 200  # reading is what it is for


def test_the_reporter_and_other_regions_get_no_emergency_access(world, as_user):
    from verband.network.models import Organisation, Region, Role
    from verband.testing import make_user

    Involvement.objects.filter(household=world.household).update(excluded_user=world.other_org)
    response = break_glass(as_user(world.other_org))
    assert response.status_code == 400 and "Uw organisatie meldde dit huishouden" in body(response)
    elsewhere = Organisation.objects.create(
        name="Elders", region=Region.objects.create(name="Elders", code="e")
    )
    stranger = make_user("elders", elsewhere, Role.PROFESSIONAL)
    response = break_glass(as_user(stranger))
    assert response.status_code == 400 and "Er is geen huishouden met deze referentie" in body(response)
    assert not Involvement.objects.filter(purpose="emergency").exists()
