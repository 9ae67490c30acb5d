"""Collaboration under the shielding scope. Probation works with Dirk only: it sees Dirk's help, his
handover, his action and the meeting's lines of its own — never Anna's shelter help, her handover, the
minutes or the decisions, the shelter at the table, or an escalation's text about her shelter place; the
pages and the API say how many items they left out. The neighbourhood team (whole household) sees all of
it, labelled with whom an item is kept from. Accepting a referral of one member involves the receiving
team for that member only."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration import meetings
from verband.collaboration import services as collaboration
from verband.collaboration.models import Handover, HelpStatus
from verband.collaboration.selectors import panel
from verband.collaboration.tests.shielded_family import (
    DECISIONS,
    MINUTES,
    SHELTER_NOTE,
    token_for,
)
from verband.escalation.models import Escalation, EscalationKind
from verband.escalation.selectors import open_shown, shield_summaries
from verband.network.models import Organisation, Role
from verband.plans import services as plans_services
from verband.plans.models import FamilyPlan, PlanAction
from verband.sharing import services as sharing_services
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry, Involvement
from verband.shielding import services as shielding
from verband.shielding.models import ItemType, ScopedMember
from verband.shielding.scope import view_scope
from verband.testing import FIVE_ANSWERS, actor_for, make_user, sign_in

REASON = "Dirk mag niet weten wat hier besproken is."
ANNA_ONLY = ("Anna", "Bram", "Opvangplek", "Blijf Opvang", "Opvang Centrum", SHELTER_NOTE, "veilige plek")

PERSONAS = {
    "involved": 200,
    "probation": 200,
    "expert": 200,
    "colleague": 404,
    "other_org": 404,
    "manager": 403,
    "anonymous": 302,
}


def logged_persons(username, object_type):
    entries = AccessLogEntry.objects.filter(username=username, object_type=object_type, action="view")
    return {s.person_id for s in logged_subjects(entries)}


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


# --- The household page's panel -------------------------------------------------------------------


def test_panel_applies_the_scope(shielded):
    w = shielded
    scoped = panel(actor_for(w.probation), w.household)
    assert [h.pk for h in scoped.help] == [w.dirk_help.pk] and scoped.hidden_help == 1
    assert [h.pk for h in scoped.pending] == [w.dirk_handover.pk] and scoped.hidden_handovers == 1
    assert Escalation.objects.filter(
        kind=EscalationKind.WAITING_OVER_NORM, subject_id=w.shelter_help.pk
    ).exists()
    whole = panel(actor_for(w.involved), w.household)
    assert {h.pk for h in whole.help} == {w.shelter_help.pk, w.dirk_help.pk} and whole.hidden_help == 0
    assert len(whole.pending) == 2
    # The escalation of Anna's shelter place is not counted for probation; stalls of the household that
    # wait for probation too (no regisseur) are.
    open_ = Escalation.objects.filter(household=w.household, status="open")
    whole_count = open_shown(view_scope(actor_for(w.involved), w.household), w.household)
    scoped_count = open_shown(view_scope(actor_for(w.probation), w.household), w.household)
    assert whole_count == open_.count()
    assert scoped_count == open_.filter(parties=w.probation_org).count() < whole_count
    labels = {h.pk: h.shielded_names for h in whole.help}
    assert labels[w.shelter_help.pk] == ["Dirk Vos"] and labels[w.dirk_help.pk] == []
    # The caller may pass the scope it already holds.
    same = panel(actor_for(w.probation), w.household, view_scope(actor_for(w.probation), w.household))
    assert [h.pk for h in same.help] == [w.dirk_help.pk]


# --- Help -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_help_page_per_persona(shielded, as_user, persona):
    w = shielded
    user = None if persona == "anonymous" else getattr(w, persona)
    body = page(as_user(user), f"/huishoudens/{w.household.reference}/hulp/", PERSONAS[persona])
    if persona == "probation":
        assert "Daderprogramma" in body and "Dirk Vos" in body
        for text in ANNA_ONLY:
            if text in ("Opvangplek", "Blijf Opvang", "Opvang Centrum"):
                continue  # the region's catalogue and providers (the form's choices) name every one
            assert text not in body, text
        assert f'id="hulp-{w.shelter_help.pk}"' not in body
        assert "1 hulpinzet is afgeschermd" in body
        assert 'value="">de hele gezin' not in body
        assert logged_persons("reclassering", "help") == {None, w.dirk.pk}
    elif persona in ("involved", "expert"):
        assert SHELTER_NOTE in body and "Daderprogramma" in body
        assert "Niet zichtbaar voor Dirk Vos" in body and "afgeschermd" not in body
        assert logged_persons(user.username, "help") == {None, w.anna.pk, w.bram.pk, w.dirk.pk}
    elif user is not None:
        assert "Daderprogramma" not in body


def test_probation_cannot_change_or_register_help_of_other_members(shielded, as_user):
    w = shielded
    client = as_user(w.probation)
    status = f"/huishoudens/{w.household.reference}/hulp/{w.shelter_help.pk}/status/"
    assert client.post(status, {"status": "started"}).status_code == 404
    w.shelter_help.refresh_from_db()
    assert w.shelter_help.status == HelpStatus.WAITING
    assert AccessLogEntry.objects.filter(
        username="reclassering", object_type="help", outcome="denied"
    ).exists()
    kind = w.dirk_help.kind_id
    refused = client.post(
        f"/huishoudens/{w.household.reference}/hulp/", {"kind": kind, "funding": "wmo", "person": w.anna.pk}
    )
    assert refused.status_code == 400
    assert "Kies een van de gezinsleden met wie uw organisatie werkt." in refused.content.decode()
    made = client.post(
        f"/huishoudens/{w.household.reference}/hulp/",
        {"kind": kind, "funding": "forensic", "person": w.dirk.pk},
    )
    assert made.status_code == 302


# --- Handovers --------------------------------------------------------------------------------------


def test_handover_pages(shielded, as_user):
    w = shielded
    probation = as_user(w.probation)
    page(probation, f"/overdrachten/{w.anna_handover.pk}/", 404)
    assert "Dirk heeft een wapen" in page(probation, f"/overdrachten/{w.dirk_handover.pk}/")
    assert "veilige plek" in page(as_user(w.involved), f"/overdrachten/{w.anna_handover.pk}/")
    assert "veilige plek" in page(as_user(w.shelter_worker), f"/overdrachten/{w.anna_handover.pk}/")
    page(as_user(w.colleague), f"/overdrachten/{w.dirk_handover.pk}/", 404)
    page(as_user(w.colleague), f"/overdrachten/{w.anna_handover.pk}/", 404)
    assert "Dirk heeft een wapen" in page(
        as_user(w.other_org), f"/overdrachten/{w.dirk_handover.pk}/"
    )  # receiver


def test_probation_refers_only_its_members(shielded, as_user):
    w = shielded
    client = as_user(w.probation)
    path = f"/huishoudens/{w.household.reference}/overdragen/"
    form = page(client, path)
    assert "Dirk Vos" in form and "Anna" not in form and "het hele huishouden" not in form
    assert logged_persons("reclassering", "handover_form") == {None, w.dirk.pk}
    question = {
        "kind": "referral",
        "to_team": w.team_a2.pk,
        "question": "Graag ondersteuning bij wonen.",
        **FIVE_ANSWERS,
    }
    for person in (w.anna.pk, ""):
        refused = client.post(path, {**question, "person": person})
        assert refused.status_code == 400
        assert "Kies een van de gezinsleden met wie uw organisatie werkt." in refused.content.decode()
    assert client.post(path, {**question, "person": w.dirk.pk}).status_code == 302
    assert Handover.objects.filter(from_organisation=w.probation_org, person=w.dirk).exists()


# --- Case meetings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_meeting_page_per_persona(shielded, as_user, persona):
    w = shielded
    user = None if persona == "anonymous" else getattr(w, persona)
    status = {**PERSONAS}[persona]
    body = page(as_user(user), f"/overleggen/{w.meeting.pk}/", status)
    if persona == "probation":
        assert "Dirk aanmelden bij het daderprogramma" in body
        for text in (MINUTES, DECISIONS, "Anna helpen", "Blijf Opvang", "Opvangplek", "Anna", "Bram"):
            assert text not in body, text
        assert "1 actie is afgeschermd" in body
        assert (
            "wijzigingen zijn afgeschermd" in body
        )  # the neighbourhood team's lines, shelter help among them
        assert "De notulen zijn afgeschermd" in body and "De besluiten gaan over het hele huishouden" in body
        assert logged_persons("reclassering", "case_meeting") == {None, w.dirk.pk}
    elif persona in ("involved", "expert"):
        for text in (MINUTES, DECISIONS, "Anna helpen", "Dirk aanmelden", "Blijf Opvang", "Opvangplek"):
            assert text in body, text
        assert "afgeschermd" not in body
        assert logged_persons(user.username, "case_meeting") == {None, w.anna.pk, w.dirk.pk}


def test_minutes_shielded_from_dirk_are_labelled_for_whole_partners(shielded, as_user):
    w = shielded
    shielding.decide(actor_for(w.involved), w.household, ItemType.MINUTES, w.item.pk, w.dirk.pk,
                     shielded=True, reason=REASON)  # fmt: skip
    body = page(as_user(w.involved), f"/overleggen/{w.meeting.pk}/")
    assert MINUTES in body and DECISIONS in body and "Niet zichtbaar voor Dirk Vos" in body
    assert DECISIONS not in page(as_user(w.probation), f"/overleggen/{w.meeting.pk}/")


# --- API --------------------------------------------------------------------------------------------


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_for_probation(shielded, client):
    w = shielded
    base = f"/api/v1/households/{w.household.reference}"
    headers = auth(w.token_probation)
    help_ = client.get(f"{base}/help", **headers)
    assert [h["id"] for h in help_.json()] == [w.dirk_help.pk] and help_["X-Verband-Shielded"] == "1"
    handovers = client.get(f"{base}/handovers", **headers)
    assert [h["id"] for h in handovers.json()] == [w.dirk_handover.pk]
    assert handovers["X-Verband-Shielded"] == "1"
    meetings = client.get(f"{base}/meetings", **headers).json()
    assert len(meetings) == 1 and meetings[0]["decisions"] == ""
    escalations = client.get(f"{base}/escalations", **headers)
    assert all(e["kind"] != EscalationKind.WAITING_OVER_NORM for e in escalations.json())
    assert int(escalations["X-Verband-Shielded"]) >= 1
    for response in (help_, handovers, escalations):
        text = response.content.decode()
        for hidden in (*ANNA_ONLY, DECISIONS):
            assert hidden not in text, hidden
    entries = AccessLogEntry.objects.filter(token_id__isnull=False, object_type__in=["help", "handover"])
    persons = {s.person_id for s in logged_subjects(entries)}
    assert persons == {None, w.dirk.pk}


def test_api_for_the_whole_household_partner(shielded, client):
    w = shielded
    base = f"/api/v1/households/{w.household.reference}"
    headers = auth(w.token_a_write)
    help_ = client.get(f"{base}/help", **headers)
    labels = {h["id"]: h["shielded_from"] for h in help_.json()}
    assert labels == {w.shelter_help.pk: [w.dirk.pk], w.dirk_help.pk: []}
    assert help_["X-Verband-Shielded"] == "0"
    assert len(client.get(f"{base}/handovers", **headers).json()) == 2
    shielding.decide(actor_for(w.involved), w.household, ItemType.MINUTES, w.item.pk, w.dirk.pk,
                     shielded=True, reason=REASON)  # fmt: skip
    meetings = client.get(f"{base}/meetings", **headers).json()
    assert meetings[0]["decisions"] == DECISIONS and meetings[0]["shielded_from"] == [w.dirk.pk]
    kinds = {e["kind"] for e in client.get(f"{base}/escalations", **headers).json()}
    assert EscalationKind.WAITING_OVER_NORM in kinds
    for path in ("help", "handovers", "meetings", "escalations"):
        assert client.get(f"{base}/{path}", **auth(w.token_b)).status_code == 404  # police: not involved


# --- Escalations ------------------------------------------------------------------------------------


def test_escalation_text_about_annas_shelter_place_is_shielded_from_probation(shielded):
    w = shielded
    escalation = Escalation.objects.get(kind=EscalationKind.WAITING_OVER_NORM, subject_id=w.shelter_help.pk)
    assert "Opvangplek" in escalation.summary
    manager = make_user("reclassering_manager", w.probation_org, Role.MANAGER)
    for viewer in (w.probation, manager):
        shown = Escalation.objects.get(pk=escalation.pk)
        shield_summaries(actor_for(viewer), [shown])
        assert "Opvangplek" not in shown.summary and shown.summary_shielded
        assert w.household.reference in shown.summary
    for viewer in (w.involved, w.lm_a if hasattr(w, "lm_a") else w.manager):
        shown = Escalation.objects.get(pk=escalation.pk)
        shield_summaries(actor_for(viewer), [shown])
        assert "Opvangplek" in shown.summary


def test_escalation_page_shows_the_shielded_summary(shielded, as_user):
    w = shielded
    escalation = Escalation.objects.get(kind=EscalationKind.WAITING_OVER_NORM, subject_id=w.shelter_help.pk)
    manager = make_user("reclassering_lm", w.probation_org, Role.LINE_MANAGER, w.probation_team)
    escalation.recipients.create(membership=manager.memberships.get(), step=2)
    body = page(as_user(manager), f"/escalaties/{escalation.pk}/")
    assert "Opvangplek" not in body and "Afgeschermd" in body
    assert "Opvangplek" not in page(as_user(manager), "/escalaties/")


# --- Accepting a referral of one member -------------------------------------------------------------


def test_accepting_a_referral_of_one_member_involves_the_team_for_that_member(shielded):
    w = shielded
    collaboration.accept_handover(actor_for(w.shelter_worker), w.anna_handover)  # shelter already whole
    assert not ScopedMember.objects.filter(involvement__team=w.team_shelter).exists()
    police = make_user("agent", w.org_b, Role.PROFESSIONAL, w.team_b1)
    collaboration.accept_handover(actor_for(police), w.dirk_handover)
    involvement = Involvement.objects.get(household=w.household, team=w.team_b1)
    assert set(involvement.scoped_members.values_list("person_id", flat=True)) == {w.dirk.pk}
    scope = view_scope(actor_for(police), w.household)
    assert not scope.whole and scope.person_ids == {w.dirk.pk}
    assert AccessLogEntry.objects.about(person_id=w.dirk.pk).filter(object_type="involvement_scope").exists()


def test_a_referral_of_the_household_stays_whole(shielded):
    w = shielded
    w.dirk_handover.status = "withdrawn"
    w.dirk_handover.save()
    handover = collaboration.request_handover(
        actor_for(w.involved), w.household, kind="referral", to_team_id=w.team_b1.pk,
        question="Het hele gezin heeft politiezorg nodig.",
    )  # fmt: skip
    police = make_user("agent", w.org_b, Role.PROFESSIONAL, w.team_b1)
    collaboration.accept_handover(actor_for(police), handover)
    assert view_scope(actor_for(police), w.household).whole


def test_a_second_member_is_added_to_a_member_scoped_involvement(shielded):
    w = shielded
    police = make_user("agent", w.org_b, Role.PROFESSIONAL, w.team_b1)
    collaboration.accept_handover(actor_for(police), w.dirk_handover)
    bram = collaboration.request_handover(
        actor_for(w.involved), w.household, kind="referral", to_team_id=w.team_b1.pk, person_id=w.bram.pk,
        question="Bram heeft ook iets gezien, graag een verhoor.",
    )  # fmt: skip
    collaboration.accept_handover(actor_for(police), bram)
    assert view_scope(actor_for(police), w.household).person_ids == {w.dirk.pk, w.bram.pk}


def test_a_team_already_whole_stays_whole(shielded):
    w = shielded
    sharing_services.involve(SYSTEM, w.household, team=w.team_b1, purpose="protection",
                             legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    police = make_user("agent", w.org_b, Role.PROFESSIONAL, w.team_b1)
    collaboration.accept_handover(actor_for(police), w.dirk_handover)
    assert view_scope(actor_for(police), w.household).whole
    assert not ScopedMember.objects.filter(involvement__team=w.team_b1).exists()


def test_an_api_token_of_another_organisation_sees_nothing(shielded, client):
    w = shielded
    raw = token_for(w.org_vt, "VT", ["households:read"])
    for path in ("help", "handovers", "meetings", "escalations"):
        assert (
            client.get(f"/api/v1/households/{w.household.reference}/{path}", **auth(raw)).status_code == 404
        )


def test_an_action_status_post_is_no_oracle_of_actions_kept_from_the_partner(shielded):
    """Probation (Dirk only) posts a status, valid or not, for a shelter action about Anna: the same 404 as
    for an action that does not exist, never the action's status, and the refusal is logged."""
    w = shielded
    shelter = Organisation.objects.get(name="Blijf Opvang")
    plan = FamilyPlan.objects.get(household=w.household)
    action = PlanAction.objects.create(
        plan=plan, text="Plek regelen", owner_organisation=shelter, person=w.anna,
        due_on=date(2030, 1, 1), status="in_progress", order=99,
    )  # fmt: skip
    client = sign_in(Client(), w.probation)
    answers = [
        client.post(reverse("plans:action_status", args=[pk]), {"status": status}, HTTP_HX_REQUEST="true")
        for pk, status in ((action.pk, ""), (action.pk, "done"), (999_999, ""))
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all("Loopt" not in a.content.decode() for a in answers)
    refused = AccessLogEntry.objects.filter(user_id=w.probation.pk, object_type="plan_action")
    assert set(refused.values_list("outcome", flat=True)) == {"denied"} and refused.count() == 3
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_a_partner_for_some_members_does_not_record_the_case_meeting(shielded):
    """Probation (Dirk only) is invited to a meeting about the family: it may not record it (it would write
    decisions and actions about Anna, and the form's answers would tell it whether a shelter takes part)."""
    w = shielded
    shelter = Organisation.objects.get(name="Blijf Opvang")
    meeting = meetings.schedule(
        actor_for(w.involved), scheduled_at=timezone.now() + timedelta(days=2), household_ids=[w.household.pk]
    )
    assert meeting.participants.filter(organisation=w.probation_org).exists()
    assert not meetings.may_hold(actor_for(w.probation), meeting)
    item = meeting.items.get()
    key = f"item-{item.pk}"
    client = sign_in(Client(), w.probation)
    answer = client.post(
        reverse("collaboration:meeting", args=[meeting.pk]),
        {
            "minutes": "m", f"{key}-decisions": "Besluit", f"{key}-member": str(w.anna.pk),
            f"{key}-act-0-text": "x", f"{key}-act-0-org": str(shelter.pk), f"{key}-act-0-for": str(w.anna.pk),
            f"{key}-act-0-due": (timezone.localdate() + timedelta(days=7)).isoformat(), "present": [str(shelter.pk)],
        },
    )  # fmt: skip
    assert answer.status_code == 400 and "Blijf" not in answer.content.decode()
    item.refresh_from_db()
    assert item.decisions == "" and item.member_present_id is None
    assert not PlanAction.objects.filter(plan__household=w.household, text="x").exists()
    with pytest.raises(PermissionDenied):
        plans_services.add_actions(actor_for(w.probation), w.household, [], "Besluit")
    assert meetings.may_hold(actor_for(w.involved), meeting)
