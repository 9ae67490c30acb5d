"""Each role lands on its own start page; pages of other roles answer 403, anonymous visitors go to
sign-in."""

import pytest

from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry

START = {
    "involved": "/mijn-werk/",
    "colleague": "/mijn-werk/",
    "other_org": "/mijn-werk/",
    "manager": "/overzicht/",
    "executive": "/overzicht/",
    "privacy_officer": "/toegangslog/",
    "admin": "/beheer/",
    "coordinator": "/mijn-werk/",
}


@pytest.mark.parametrize("persona", sorted(START))
def test_start_redirects_to_role_page(world, as_user, persona):
    response = as_user(getattr(world, persona)).get("/")
    assert response.status_code == 302
    assert response["Location"] == START[persona]
    assert as_user(getattr(world, persona)).get(START[persona]).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    for path in ["/", "/mijn-werk/", "/overzicht/", "/beheer/", "/toegangslog/", "/netwerk/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/aanmelden/"), path


PAGES = {
    "/mijn-werk/": {"involved": 200, "colleague": 200, "other_org": 200, "manager": 403, "anonymous": 302},
    "/overzicht/": {"involved": 403, "colleague": 403, "other_org": 403, "manager": 200, "anonymous": 302},
    "/beheer/": {"involved": 403, "colleague": 403, "other_org": 403, "manager": 403, "anonymous": 302},
    "/toegangslog/": {"involved": 403, "colleague": 403, "other_org": 403, "manager": 403, "anonymous": 302},
    "/netwerk/": {"involved": 200, "colleague": 200, "other_org": 200, "manager": 200, "anonymous": 302},
}


@pytest.mark.parametrize(("path", "persona"), [(p, r) for p, roles in PAGES.items() for r in roles])
def test_page_per_persona(world, as_user, path, persona):
    response = as_user(world.personas()[persona]).get(path)
    assert response.status_code == PAGES[path][persona]
    if response.status_code == 403:
        assert "Geen toegang" in response.content.decode()


def test_my_work_lists_only_involved_households_and_logs_them(world, as_user):
    body = as_user(world.involved).get("/mijn-werk/").content.decode()
    assert "HH-T-0001" in body and "Anna van Dam" in body
    assert "HH-T-0002" not in body and "Carla" not in body
    entries = AccessLogEntry.objects.filter(username="involved", action="list")
    people = set(world.household.members.values_list("person_id", flat=True))
    assert {s.person_id for s in logged_subjects(entries)} == {None, *people}
    assert all(s.household_id == world.household.pk for s in logged_subjects(entries))
    assert all(e.basis.startswith("involvement:") for e in entries)


def test_my_work_of_uninvolved_colleague_is_empty(world, as_user):
    body = as_user(world.colleague).get("/mijn-werk/").content.decode()
    assert "HH-T-0001" not in body
    assert "Uw team is op dit moment niet betrokken bij een huishouden." in body
    assert not AccessLogEntry.objects.filter(username="colleague", action="list").exists()


def test_my_work_query_count_does_not_grow_with_households(world, as_user, django_assert_max_num_queries):
    from datetime import date

    from verband.actors import SYSTEM
    from verband.collaboration.models import Handover
    from verband.escalation.models import Escalation, EscalationRecipient
    from verband.households.models import Household, HouseholdMember, Person
    from verband.plans.models import FamilyPlan, PlanAction
    from verband.safety.models import DangerFact
    from verband.sharing import services

    police = world.other_org.memberships.get()
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    for n in range(15):
        h = Household.objects.create(reference=f"HH-Q-{n:04d}", region=world.region)
        HouseholdMember.objects.create(
            household=h, person=Person.objects.create(family_name=f"Q{n}"), role="victim"
        )
        services.involve(
            SYSTEM, h, team=world.team_a1, purpose="help", legal_basis="consent", started_on=date(2026, 2, 1)
        )
        plan = FamilyPlan.objects.update_or_create(household=h, defaults={"version": 1})[0]
        PlanAction.objects.create(
            plan=plan, text=f"Actie {n}", owner_organisation=world.org_a, due_on=date(2026, 12, 1)
        )
        DangerFact.objects.create(household=h, kind="weapon")
        Handover.objects.create(
            household=h, kind="referral", from_user=world.other_org, from_membership=police,
            from_organisation=world.org_b, to_team=world.team_a1, question="Graag hulp.",
            norm_working_days=3, due_on=date(2026, 12, 4),
        )  # fmt: skip
        e = Escalation.objects.create(
            region=world.region, household=h, kind="action_overdue", subject_type="test", subject_id=n,
            summary=f"Escalatie {n}", breach_since=date(2026, 11, 1), step_due_on=date(2026, 12, 4),
        )  # fmt: skip
        EscalationRecipient.objects.create(escalation=e, membership=world.involved.memberships.get(), step=1)
    # 34: the shielding scope of the escalations and of the actions (their own involvements and scoped
    # members, once for all households) is constant.
    with django_assert_max_num_queries(34):
        response = client.get("/mijn-werk/")
    body = response.content.decode()
    assert body.count("Escalatie ") >= 15 and body.count("/overdrachten/") == 15
    # "Vandaag eerst" lists the overdue actions too; the households are counted in their own section.
    assert body.split('id="households-heading"')[1].count('">HH-Q-') == 15
    assert body.count("Actie ") >= 15 and body.count("danger-flag") == 30  # on each household and action


def test_overview_shows_aggregates_not_persons_and_suppresses_small_cells(world, as_user):
    body = as_user(world.manager).get("/overzicht/").content.decode()
    assert "Anna" not in body and "HH-T-0001" not in body
    assert "minder dan 5" in body
    assert "Wijkteam Noord" in body


def test_administration_shows_network_counts(world, as_user):
    body = as_user(world.admin).get("/beheer/").content.decode()
    assert "Organisaties" in body
    assert "/beheer/django/network/organisation/" in body


def test_user_without_membership_sees_no_role_page(world, as_user):
    from verband.accounts.models import User
    from verband.testing import PASSWORD

    loner = User.objects.create_user("loner", password=PASSWORD)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=loner, name="t", confirmed=True)
    response = as_user(loner).get("/")
    assert response.status_code == 403
    assert "Nog geen rol" in response.content.decode()
