"""End of access: a partner ends its own involvement with a reason; access through it ends at once; a
partner holding regie hands it over first; the household closes when nobody is left or asked, keeps its
history, and opens again when a partner takes up a new signal about it."""

from __future__ import annotations

import html

import pytest
from django.utils import timezone

from verband.actors import SYSTEM
from verband.collaboration.involvements import end_involvement
from verband.households.models import Household
from verband.network.models import Role
from verband.notifications.models import Notification
from verband.plans import regie
from verband.plans.models import Regie
from verband.sharing.models import AccessLogEntry, Involvement
from verband.testing import actor_for


def body(response) -> str:
    return html.unescape(response.content.decode())


def url(world, involvement) -> str:
    return f"/huishoudens/{world.household.reference}/betrokkenheid/{involvement.pk}/beeindigen/"


def own(world, team) -> Involvement:
    return Involvement.objects.active().get(household=world.household, team=team)


def give_regie(world, to_user, mandated_by):
    transfer = regie.request_regie(actor_for(world.involved), world.household, to_user.memberships.get().pk)
    return regie.accept_regie(actor_for(to_user), transfer, mandated_by.pk)


def test_a_partner_ends_its_involvement_and_loses_access_at_once(partners, as_user):
    world = partners
    police = as_user(world.other_org)
    assert police.get(f"/huishoudens/{world.household.reference}/").status_code == 200
    response = police.post(
        url(world, own(world, world.team_b1)), {"reason": "goals_reached", "note": "Klaar."}
    )
    assert response.status_code == 302 and response["Location"] == "/mijn-werk/"
    assert "Uw betrokkenheid bij HH-T-0001 is beëindigd." in body(police.get("/mijn-werk/"))
    assert police.get(f"/huishoudens/{world.household.reference}/").status_code == 404
    ended = Involvement.objects.get(household=world.household, team=world.team_b1)
    assert (
        ended.end_reason == "goals_reached"
        and ended.end_note == "Klaar."
        and ended.ended_by == world.other_org
    )
    # The others still work with the household and read why, not the note.
    page = body(as_user(world.involved).get(f"/huishoudens/{world.household.reference}/"))
    assert "heeft de betrokkenheid beëindigd: Doelen bereikt" in page and "Klaar." not in page
    assert (
        AccessLogEntry.objects.filter(action="end", object_type="involvement", outcome="granted").count() == 1
    )
    assert Household.objects.get(pk=world.household.pk).status == "active"


def test_the_form_asks_why_and_keeps_nothing_half_done(partners, as_user):
    world = partners
    police = as_user(world.other_org)
    involvement = own(world, world.team_b1)
    response = police.post(url(world, involvement), {"reason": "", "note": "x"})
    assert response.status_code == 302
    assert "Kies waarom uw betrokkenheid eindigt." in body(police.get(response["Location"]))
    police.post(url(world, involvement), {"reason": "goals_reached", "note": "x" * 1001})
    assert Involvement.objects.get(pk=involvement.pk).ended_at is None


@pytest.mark.parametrize("who", ["involved", "colleague", "vt", "privacy_officer", "lm_b"])
def test_only_the_partner_itself_ends_its_involvement(partners, as_user, who):
    """Another partner, a colleague in another team, the privacy officer: "not found", and logged. (A line
    manager of the same team may: lm_b, in the police team, is a case worker of that party.)"""
    world = partners
    involvement = own(world, world.team_b1)
    response = as_user(getattr(world, who)).post(url(world, involvement), {"reason": "goals_reached"})
    if who == "lm_b":
        assert response.status_code == 302
        assert Involvement.objects.get(pk=involvement.pk).ended_at is not None
        return
    assert response.status_code in (403, 404)
    assert Involvement.objects.get(pk=involvement.pk).ended_at is None
    if response.status_code == 404:  # refused where it was asked: the household or the involvement
        assert AccessLogEntry.objects.filter(outcome="denied", username=getattr(world, who).username).exists()


def test_a_partner_holding_regie_hands_it_over_before_it_leaves(partners, as_user):
    world = partners
    give_regie(world, world.vt, world.lm_vt)
    vt = as_user(world.vt)
    response = vt.post(url(world, own(world, world.team_vt)), {"reason": "taken_over"})
    assert "Uw organisatie voert de regie bij dit huishouden" in body(vt.get(response["Location"]))
    assert own(world, world.team_vt).ended_at is None


def test_the_regisseur_is_told_when_a_partner_leaves(partners, as_user):
    world = partners
    give_regie(world, world.vt, world.lm_vt)
    as_user(world.other_org).post(url(world, own(world, world.team_b1)), {"reason": "care_refused"})
    told = Notification.objects.get(user=world.vt)
    assert told.title == "Een partner heeft zijn betrokkenheid bij HH-T-0001 beëindigd"


def test_the_last_partner_leaving_closes_the_household_and_a_new_involvement_opens_it(world, as_user):
    from verband.network.models import Role
    from verband.sharing import services
    from verband.testing import make_user

    involved = as_user(world.involved)
    give_regie(world, world.involved, make_user("lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1))
    response = involved.post(url(world, own(world, world.team_a1)), {"reason": "goals_reached"})
    assert "het huishouden is afgesloten" in body(involved.get(response["Location"]))
    household = Household.objects.get(pk=world.household.pk)
    assert household.status == "closed" and household.closed_at is not None
    assert not Regie.objects.filter(household=household, ended_at__isnull=True).exists()
    # A new signal taken up: the same household with its history, open again.
    services.involve(SYSTEM, household, team=world.team_vt, purpose="safety_assessment",
                     legal_basis="legal_task", started_on=timezone.localdate())  # fmt: skip
    household.refresh_from_db()
    assert household.status == "active" and household.closed_at is None
    page = body(as_user(world.vt).get(f"/huishoudens/{household.reference}/"))
    assert "Huishouden afgesloten" in page and "Huishouden heropend" in page


def test_a_household_someone_is_asked_to_take_up_stays_open(world, as_user):
    from verband.signals.models import Activation, Signal

    signal = Signal.objects.create(region=world.region, kind="report", description="x",
                                   household=world.household, status="routed", reference="SIG-E-1")  # fmt: skip
    Activation.objects.create(signal=signal, household=world.household, team=world.team_vt,
                              purpose="safety_assessment", reason="r", norm_working_days=5,
                              due_on=timezone.localdate())  # fmt: skip
    as_user(world.involved).post(url(world, own(world, world.team_a1)), {"reason": "goals_reached"})
    assert Household.objects.get(pk=world.household.pk).status == "active"


def test_a_repeat_report_after_closing_finds_the_closed_household(world):
    from verband.signals.models import MatchState, SignalPerson
    from verband.signals.services import _choose_household

    Household.objects.filter(pk=world.household.pk).update(status="closed")
    victim = world.household.members.get(role="victim").person
    found = _choose_household([SignalPerson(person=victim, match_state=MatchState.AUTO)])
    assert found == world.household


def test_the_regisseurs_team_cannot_leave_while_someone_is_still_asked(world, as_user):
    """(Review finding) The regisseur's team is the only partner and a take-up waits: leaving would leave
    a regisseur who cannot see the household, whom nobody could replace."""
    from verband.network.models import Role
    from verband.signals.models import Activation, Signal
    from verband.testing import make_user

    give_regie(world, world.involved, make_user("lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1))
    signal = Signal.objects.create(region=world.region, kind="report", description="x",
                                   household=world.household, status="routed", reference="SIG-E-2")  # fmt: skip
    Activation.objects.create(signal=signal, household=world.household, team=world.team_vt,
                              purpose="safety_assessment", reason="r", norm_working_days=5,
                              due_on=timezone.localdate())  # fmt: skip
    client = as_user(world.involved)
    response = client.post(url(world, own(world, world.team_a1)), {"reason": "goals_reached"})
    assert "Uw organisatie voert de regie" in body(client.get(response["Location"]))
    assert own(world, world.team_a1).ended_at is None


def test_one_team_of_the_regisseurs_organisation_cannot_leave_the_regisseur_behind(partners, as_user):
    """(Review finding) The organisation is involved through another team too, but the regisseur is in
    the team that leaves: the regisseur would lose access."""
    from datetime import date

    from verband.sharing import services

    world = partners
    services.involve(SYSTEM, world.household, team=world.team_a2, purpose="help", legal_basis="consent",
                     started_on=date(2026, 1, 5))  # fmt: skip
    give_regie(world, world.involved, world.lm_a)
    client = as_user(world.involved)
    response = client.post(url(world, own(world, world.team_a1)), {"reason": "goals_reached"})
    assert "Uw organisatie voert de regie" in body(client.get(response["Location"]))


def test_moved_stays_off_the_shared_timeline(partners, as_user):
    world = partners
    as_user(world.other_org).post(url(world, own(world, world.team_b1)), {"reason": "moved"})
    page = body(as_user(world.involved).get(f"/huishoudens/{world.household.reference}/"))
    timeline = page[page.index('id="timeline-heading"') :]
    assert "heeft de betrokkenheid beëindigd." in timeline and "Verhuisd" not in timeline


def test_a_report_about_one_member_and_someone_new_does_not_reopen_a_closed_household(world):
    """(Review finding) The perpetrator of a closed household reported with a new partner: a new
    household, never the old family's file."""
    from verband.households.models import Person
    from verband.signals.models import MatchState, SignalPerson
    from verband.signals.services import _choose_household

    Household.objects.filter(pk=world.household.pk).update(status="closed")
    child = world.household.members.get(role="child").person
    new = Person.objects.create(given_names="Lisa", family_name="Nieuw")
    persons = [
        SignalPerson(person=child, match_state=MatchState.AUTO),
        SignalPerson(person=new, match_state=MatchState.NEW),
    ]
    assert _choose_household(persons) is None


def test_a_household_waiting_for_a_handover_stays_open_and_closes_when_it_is_not_taken(world, as_user):
    """(Review finding) The last partner asked Veilig Thuis to take the household over and then ended its
    own part: it is not closed (and not swept) while the question waits. Veilig Thuis says no: nobody is
    left, and it closes then."""
    from verband.collaboration import services as collaboration

    handover = collaboration.request_handover(
        actor_for(world.involved), world.household, kind="referral", to_team_id=world.team_vt.pk,
        question="Graag een veiligheidsbeoordeling door Veilig Thuis.",
    )  # fmt: skip
    as_user(world.involved).post(url(world, own(world, world.team_a1)), {"reason": "taken_over"})
    assert own_ended(world, world.team_a1)
    assert Household.objects.get(pk=world.household.pk).status == "active"
    response = as_user(world.vt).post(
        f"/overdrachten/{handover.pk}/", {"decision": "reject", "reason": "Geen taak voor Veilig Thuis hier."}
    )
    assert response.status_code == 302
    household = Household.objects.get(pk=world.household.pk)
    assert household.status == "closed" and household.closed_at is not None


def test_a_household_waiting_for_regie_to_be_taken_stays_open_until_it_is_declined(world, as_user):
    from verband.testing import make_user

    make_user("lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1)
    transfer = regie.request_regie(actor_for(world.involved), world.household,
                                   world.colleague.memberships.get().pk)  # fmt: skip
    involvement = own(world, world.team_a1)
    closed = end_involvement(actor_for(world.involved), involvement, "goals_reached")
    assert not closed and Household.objects.get(pk=world.household.pk).status == "active"
    response = as_user(world.colleague).post(
        f"/regie/{transfer.pk}/", {"decision": "decline", "reason": "Ik ken dit gezin niet."}
    )
    assert response.status_code == 302
    assert Household.objects.get(pk=world.household.pk).status == "closed"


def own_ended(world, team) -> bool:
    return Involvement.objects.get(household=world.household, team=team).ended_at is not None
