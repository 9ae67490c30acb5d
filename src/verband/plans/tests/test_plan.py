"""One plan per household: versioned, edited by several partners with optimistic concurrency, actions in
the owner's Mijn werk, a PDF for the household without anything the reader may not see."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from verband.households.models import Address, Person
from verband.plans import services
from verband.plans.models import FamilyPlan, PlanAction, PlanVersion
from verband.safety.models import DangerFact
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for


def people(world):
    members = dict(world.household.members.values_list("role", "person_id"))
    return members["victim"], members["child"]


def plan_post(world, version, **extra):
    anna, bram = people(world)
    data = {
        "version": str(version),
        "status": "draft",
        "household_wishes": "Anna wil dat de kinderen veilig naar school kunnen.",
        "household_agreement": "agrees",
        "agreement_note": "",
        "goal-0-text": "Anna voelt zich thuis veilig (score 6 of hoger)",
        "goal-0-for": str(anna),
        "agr-0-text": "Geen contact van de ex-partner met Anna",
        "agr-0-by": str(world.org_b.pk),
        "act-0-text": "Veiligheidsplan maken met Anna",
        "act-0-org": str(world.org_vt.pk),
        "act-0-due": "2026-12-01",
        "act-0-status": "open",
        "act-1-text": "Traumascreening voor Bram",
        "act-1-for": str(bram),
        "act-1-org": str(world.org_a.pk),
        "act-1-user": str(world.involved.pk),
        "act-1-due": "2026-12-10",
        "act-1-status": "open",
        "act-2-text": "Gevaarsbeoordeling pleger",
        "act-2-org": str(world.org_b.pk),
        "act-2-due": "2026-12-05",
        "act-2-status": "open",
    }
    data.update(extra)
    return data


def test_plan_saved_with_three_owners_and_a_version(partners, as_user):
    world = partners
    client = as_user(world.involved)
    edit = reverse("plans:edit", args=[world.household.reference])
    assert client.get(edit).status_code == 200
    response = client.post(edit, plan_post(world, 0))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = FamilyPlan.objects.get(household=world.household)
    assert plan.version == 1
    assert set(plan.actions.values_list("owner_organisation__name", flat=True)) == {
        "Wijkteams Testdorp",
        "Politie Testdorp",
        "Veilig Thuis Testdorp",
    }
    version = PlanVersion.objects.get(plan=plan)
    assert version.saved_by == world.involved and version.organisation_name == "Wijkteams Testdorp"
    assert len(version.snapshot["actions"]) == 3
    assert (
        len(logged_subjects(AccessLogEntry.objects.filter(object_type="family_plan", action="update"))) == 3
    )


def test_second_editor_is_refused_and_keeps_their_text(partners, as_user):
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    first, second = as_user(world.involved), as_user(world.vt)
    assert first.get(edit).status_code == 200 and second.get(edit).status_code == 200  # both open version 0
    assert first.post(edit, plan_post(world, 0)).status_code == 302
    mine = plan_post(
        world, 0, **{"household_wishes": "Tekst van de tweede bewerker", "goal-0-text": "Mijn doel"}
    )
    response = second.post(edit, mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Iemand anders heeft het plan intussen opgeslagen" in body
    assert "Tekst van de tweede bewerker" in body and "Mijn doel" in body  # what they typed is still there
    assert 'name="version" value="1"' in body  # a deliberate second save goes on from the newer version
    plan = FamilyPlan.objects.get(household=world.household)
    assert plan.version == 1 and plan.household_wishes.startswith("Anna wil")
    assert PlanVersion.objects.count() == 1


def test_stale_save_in_the_service_writes_nothing(partners):
    world = partners
    anna, _bram = people(world)
    data = services.PlanInput(goals=[services.GoalInput("Veilig thuis", anna)])
    services.save_plan(actor_for(world.involved), world.household, data, 0)
    with pytest.raises(services.StalePlan):
        services.save_plan(actor_for(world.vt), world.household, services.PlanInput(goals=[]), 0)
    assert FamilyPlan.objects.get(household=world.household).goals.count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"act-0-org": "999999"},  # not a partner
        {"agr-0-by": ""},  # nobody monitors
        {"act-0-due": "31-02-2026"},  # not a date
        {"goal-0-for": "abc"},  # not a number
        {"act-1-user": "999999"},  # not someone who sees the household
        {"act-0-status": "misschien"},
        {"act-0-id": "123456"},  # an action of another plan
    ],
)
def test_bad_plan_input_is_refused_and_kept(partners, as_user, extra):
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    response = as_user(world.involved).post(edit, plan_post(world, 0, **extra))
    assert response.status_code == 400
    assert "Veiligheidsplan maken met Anna" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_a_partner_outside_the_household_cannot_own_an_action(world, as_user):
    # Without the partners fixture only the neighbourhood team works with the household.
    edit = reverse("plans:edit", args=[world.household.reference])
    assert as_user(world.involved).post(edit, plan_post(world, 0)).status_code == 400


def test_versions_compare_shows_what_changed(partners, as_user):
    world = partners
    client = as_user(world.involved)
    edit = reverse("plans:edit", args=[world.household.reference])
    client.post(edit, plan_post(world, 0))
    plan = FamilyPlan.objects.get(household=world.household)
    ids = list(plan.actions.values_list("pk", flat=True))
    second = plan_post(
        world,
        1,
        **{
            "act-0-id": str(ids[0]),
            "act-0-status": "done",
            "act-1-id": str(ids[1]),
            "act-2-id": str(ids[2]),
            "goal-0-text": "Anna en Bram voelen zich veilig",
        },
    )
    assert client.post(edit, second).status_code == 302
    assert set(plan.actions.values_list("pk", flat=True)) == set(ids)  # actions kept their identity
    body = client.get(
        reverse("plans:versions", args=[world.household.reference]) + "?a=1&b=2"
    ).content.decode()
    assert "Anna en Bram voelen zich veilig" in body and "diff-added" in body and "diff-removed" in body
    assert "Gedaan" in body


def test_actions_appear_in_the_owners_my_work(partners, as_user):
    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    mine = {
        world.involved: "Traumascreening voor Bram",
        world.vt: "Veiligheidsplan maken met Anna",
        world.other_org: "Gevaarsbeoordeling pleger",
    }
    for user, text in mine.items():
        body = as_user(user).get(reverse("workspace:my_work")).content.decode()
        assert text in body
        for other in set(mine.values()) - {text}:
            assert other not in body
    # A colleague of the neighbourhood team in another team does not see the household: no action either.
    assert (
        "Traumascreening" not in as_user(world.colleague).get(reverse("workspace:my_work")).content.decode()
    )


def test_owner_updates_status_from_my_work(partners, as_user):
    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    action = PlanAction.objects.get(owner_organisation=world.org_vt)
    url = reverse("plans:action_status", args=[action.pk])
    assert as_user(world.colleague).post(url, {"status": "done"}).status_code == 404
    response = as_user(world.vt).post(url, {"status": "done", "next": "mijn-werk"})
    assert response.status_code == 302 and response["Location"] == reverse("workspace:my_work")
    action.refresh_from_db()
    assert action.status == "done"
    plan = FamilyPlan.objects.get(household=world.household)
    assert plan.version == 2 and plan.versions.first().saved_by == world.vt


def test_danger_flag_on_actions_in_my_work(partners, as_user):
    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    DangerFact.objects.create(household=world.household, kind="weapon", detail="vuurwapen")
    body = as_user(world.other_org).get(reverse("workspace:my_work")).content.decode()
    assert "Wapen aanwezig" in body and "vuurwapen" in body


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_pdf_for_the_household_has_no_confidential_address_or_danger_facts(partners, as_user):
    world = partners
    anna, _bram = people(world)
    Address.objects.filter(person_id=anna).update(confidential=True)
    DangerFact.objects.create(household=world.household, kind="weapon", detail="vuurwapen onder het bed")
    client = as_user(world.involved)
    client.post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    response = client.get(reverse("plans:pdf", args=[world.household.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Ons gezinsplan" in text and "Veiligheidsplan maken met Anna" in text
    assert "Traumascreening voor Bram" in text
    for secret in ("Dorpsstraat", "1012", "vuurwapen", "Wapen"):
        assert secret not in text
    assert len(logged_subjects(AccessLogEntry.objects.filter(object_type="plan_pdf"))) == 3


def test_pdf_for_one_member_leaves_out_the_others_parts(partners, as_user):
    world = partners
    anna, _bram = people(world)
    client = as_user(world.involved)
    client.post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    text = pdf_text(client.get(reverse("plans:pdf", args=[world.household.reference]) + f"?voor={anna}"))
    assert "Voor Anna van Dam" in text and "Anna voelt zich thuis veilig" in text
    assert "Geen contact van de ex-partner" in text
    assert "Traumascreening voor Bram" not in text
    stranger = Person.objects.get(given_names="Carla").pk
    bad = client.get(reverse("plans:pdf", args=[world.household.reference]) + f"?voor={stranger}")
    assert bad.status_code == 404


PAGES = ["plans:plan", "plans:edit", "plans:pdf"]
EXPECTED = {"involved": 200, "colleague": 404, "other_org": 404, "manager": 403, "anonymous": 302}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_plan_pages_per_persona(world, as_user, page, persona):
    services.save_plan(
        actor_for(world.involved), world.household, services.PlanInput(household_wishes="Rust"), 0
    )
    response = as_user(world.personas()[persona]).get(reverse(page, args=[world.household.reference]))
    assert response.status_code == EXPECTED[persona]
    if EXPECTED[persona] != 200:
        assert b"Rust" not in response.content


@pytest.mark.parametrize("persona", ["colleague", "other_org", "manager"])
def test_plan_cannot_be_written_by_outsiders(world, as_user, persona):
    response = as_user(world.personas()[persona]).post(
        reverse("plans:edit", args=[world.household.reference]), {"version": "0", "household_wishes": "x"}
    )
    assert response.status_code in (403, 404)
    assert not PlanVersion.objects.exists()


def test_versions_page_per_persona(world, as_user):
    services.save_plan(
        actor_for(world.involved), world.household, services.PlanInput(household_wishes="Rust"), 0
    )
    url = reverse("plans:versions", args=[world.household.reference])
    assert as_user(world.involved).get(url).status_code == 200
    assert as_user(world.colleague).get(url).status_code == 404


def test_due_dates_and_overdue():
    action = PlanAction(due_on=date(2020, 1, 1), status="open")
    assert action.overdue
    action.status = "done"
    assert not action.overdue


def test_status_of_an_action_removed_meanwhile_is_a_clear_error(partners, as_user):
    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    action = PlanAction.objects.get(owner_organisation=world.org_vt)
    stale_copy = PlanAction.objects.select_related("plan__household").get(pk=action.pk)
    PlanAction.objects.filter(pk=action.pk).delete()
    with pytest.raises(services.ValidationError):
        services.set_action_status(actor_for(world.vt), stale_copy, "done")
    assert FamilyPlan.objects.get(household=world.household).version == 1  # nothing written


@pytest.mark.parametrize("field", ["household_wishes", "goal-0-text", "act-0-text", "agreement_note"])
def test_nul_characters_are_refused_in_dutch(partners, as_user, field):
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    response = as_user(world.involved).post(edit, plan_post(world, 0, **{field: "veilig\x00thuis"}))
    assert response.status_code == 400
    assert "Nultekens zijn niet toegestaan." in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_nul_characters_are_refused_by_the_api(partners, client):
    world = partners
    ref = world.household.reference
    for path, body in (
        ("assessments", {"acute": False, "structural": False, "phase": "direct", "summary": "a\x00b"}),
        ("danger-facts", {"kind": "weapon", "detail": "a\x00b"}),
    ):
        response = client.post(
            f"/api/v1/households/{ref}/{path}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.token_vt}",
        )
        assert response.status_code == 422, response.content
    assert not DangerFact.objects.exists()


def test_an_action_cannot_be_listed_twice(partners):
    world = partners
    services.save_plan(
        actor_for(world.involved),
        world.household,
        services.PlanInput(actions=[services.ActionInput("Gesprek", world.org_a.pk, date(2026, 12, 1))]),
        0,
    )
    action = PlanAction.objects.get()
    twice = [services.ActionInput("Gesprek", world.org_a.pk, date(2026, 12, 1), id=action.pk)] * 2
    with pytest.raises(services.ValidationError):
        services.save_plan(actor_for(world.involved), world.household, services.PlanInput(actions=twice), 1)


def test_pdf_of_an_empty_plan_says_nothing_is_agreed_yet(world, as_user):
    response = as_user(world.involved).get(reverse("plans:pdf", args=[world.household.reference]))
    text = pdf_text(response)
    assert "Nog niets afgesproken." in text and "Nog niet opgeschreven." in text


def test_an_owner_whose_involvement_ended_is_named_in_the_error(partners, as_user):
    from datetime import timedelta

    from django.utils import timezone

    from verband.sharing.models import Involvement

    world = partners
    client = as_user(world.involved)
    edit = reverse("plans:edit", args=[world.household.reference])
    client.post(edit, plan_post(world, 0))
    Involvement.objects.filter(team=world.team_b1).update(ended_on=timezone.localdate() - timedelta(days=1))
    ids = dict(PlanAction.objects.values_list("text", "pk"))
    again = plan_post(world, 1, **{"agr-0-by": str(world.org_a.pk)})
    again.update({f"act-{n}-id": str(ids[again[f"act-{n}-text"]]) for n in range(3)})
    response = client.post(edit, again)
    assert response.status_code == 400
    assert "Gevaarsbeoordeling pleger”: kies als eigenaar een partner" in response.content.decode()


@pytest.mark.parametrize("voor", ["²", "9" * 5000, "٣"])
def test_pdf_reader_must_be_a_plain_member_id(world, as_user, voor):
    response = as_user(world.involved).get(
        reverse("plans:pdf", args=[world.household.reference]) + f"?voor={voor}"
    )
    assert response.status_code == 404


def test_only_the_owner_reports_progress_on_an_action(partners, as_user):
    from verband.network.models import Role
    from verband.testing import make_user

    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    action = PlanAction.objects.get(owner_organisation=world.org_vt)
    url = reverse("plans:action_status", args=[action.pk])
    expert = make_user("ervaring", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    for user in (world.involved, world.other_org, expert):  # they see the household, but do not own it
        assert as_user(user).post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == "open" and FamilyPlan.objects.get(household=world.household).version == 1


@pytest.mark.parametrize("version", ["", "x", "²"])
def test_an_unreadable_version_is_a_400_not_a_stale_save(partners, as_user, version):
    world = partners
    response = as_user(world.involved).post(
        reverse("plans:edit", args=[world.household.reference]), {**plan_post(world, 0), "version": version}
    )
    assert response.status_code == 400
    assert "Iemand anders" not in response.content.decode()
    assert not PlanVersion.objects.exists()
