"""The plan editor's forms: bad input gets a Dutch error next to its field, everything typed is shown
again and nothing is written; rows are added with HTMX (or, without JavaScript, by posting the form)."""

import pytest
from django.urls import reverse

from verband.plans.models import FamilyPlan, PlanAction, PlanVersion
from verband.plans.tests.test_plan import plan_post


def _refused(client, world, **extra):
    edit = reverse("plans:edit", args=[world.household.reference])
    response = client.post(edit, plan_post(world, 0, **extra))
    assert response.status_code == 400
    assert not PlanVersion.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("goal-0-text", "veilig\x00thuis", "Nultekens zijn niet toegestaan."),
        ("agr-0-text", "x" * 501, "Ten hoogste 500 tekens."),
        ("household_wishes", "w" * 4001, "Ten hoogste 4000 tekens."),
        ("agreement_note", "n\x00", "Nultekens zijn niet toegestaan."),
        ("act-1-user", "abc", "Kies uit de lijst."),
        ("goal-0-for", "1\x002", "Kies uit de lijst."),
        ("agr-0-by", "", "Kies wie elke afspraak bewaakt."),
        ("act-0-org", "", "Kies de eigenaar van elke actie."),
        ("act-2-due", "31-02-2026", "Geef elke actie een datum waarop ze klaar moet zijn (dag-maand-jaar)."),
        ("act-0-status", "misschien", "Kies een status voor de actie."),
        ("status", "", "Kies de status van het plan."),
    ],
)
def test_bad_input_is_refused_next_to_its_field(partners, as_user, field, value, message):
    body = _refused(as_user(partners.involved), partners, **{field: value})
    assert f'id="{field}-error">{message}' in body.replace("&#x27;", "'")
    assert "Veiligheidsplan maken met Anna" in body and "Traumascreening voor Bram" in body  # kept


def test_a_blank_required_text_in_a_filled_row_is_not_saved(partners, as_user):
    """A row is filled in by its text: a row with an owner and a date but no text is left out, so the
    required text is never saved empty."""
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    data = plan_post(world, 0, **{"act-2-text": "   "})
    assert as_user(world.involved).post(edit, data).status_code == 302
    assert set(PlanAction.objects.values_list("text", flat=True)) == {
        "Veiligheidsplan maken met Anna",
        "Traumascreening voor Bram",
    }


def test_more_rows_than_allowed_are_refused(partners, as_user):
    world = partners
    extra = {"act-TOTAL_FORMS": "61", "act-INITIAL_FORMS": "0"}
    body = _refused(as_user(world.involved), world, **extra)
    assert "Veiligheidsplan maken met Anna" in body


def test_the_management_fields_are_optional_and_initial_rows_are_never_required(partners, as_user):
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    data = plan_post(
        world, 0, **{"goal-TOTAL_FORMS": "5", "goal-INITIAL_FORMS": "5", "act-INITIAL_FORMS": "7"}
    )
    assert as_user(world.involved).post(edit, data).status_code == 302
    assert FamilyPlan.objects.get(household=world.household).goals.count() == 1


def test_a_row_is_added_with_htmx(partners, as_user):
    world = partners
    client = as_user(world.involved)
    page = client.get(reverse("plans:edit", args=[world.household.reference])).content.decode()
    assert 'id="act-TOTAL_FORMS"' in page and 'value="3"' in page
    assert 'hx-get="/huishoudens/HH-T-0001/plan/rij/?soort=act"' in page
    url = reverse("plans:edit_row", args=[world.household.reference])
    response = client.get(url, {"soort": "act", "act-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert 'name="act-3-text"' in row and "Actie 4" in row and "autofocus" in row
    assert "Veilig Thuis Testdorp" in row  # the partners to choose from
    assert 'id="act-TOTAL_FORMS" hx-swap-oob="true"' in row.replace('value="4" ', "")
    assert 'value="4"' in row
    # The row posts like any other.
    data = plan_post(
        world,
        0,
        **{"act-3-text": "Nieuwe actie", "act-3-org": str(world.org_a.pk), "act-3-due": "2026-12-20"},
    )
    assert client.post(reverse("plans:edit", args=[world.household.reference]), data).status_code == 302
    assert PlanAction.objects.filter(text="Nieuwe actie").exists()


@pytest.mark.parametrize(
    "query",
    [{"soort": "act", "act-TOTAL_FORMS": "60"}, {"soort": "x"}, {"soort": "act", "act-TOTAL_FORMS": "a"}],
)
def test_the_row_endpoint_refuses_what_it_cannot_add(partners, as_user, query):
    url = reverse("plans:edit_row", args=[partners.household.reference])
    assert as_user(partners.involved).get(url, query).status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"), [("colleague", 404), ("other_org", 404), ("manager", 403), ("anonymous", 302)]
)
def test_the_row_endpoint_is_closed_to_the_uninvolved(world, as_user, persona, status):
    url = reverse("plans:edit_row", args=[world.household.reference])
    client = as_user(world.personas()[persona])
    assert client.get(url, {"soort": "act", "act-TOTAL_FORMS": "3"}).status_code == status


def test_a_row_is_added_without_javascript_and_nothing_is_saved(partners, as_user):
    world = partners
    edit = reverse("plans:edit", args=[world.household.reference])
    data = plan_post(world, 0, add_row="goal", **{"goal-0-text": "typed\x00"})
    response = as_user(world.involved).post(edit, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="goal-1-text"' in body and 'id="goal-TOTAL_FORMS"' in body
    assert "Veiligheidsplan maken met Anna" in body
    assert "field-error" not in body  # adding a row is not a save: no errors yet
    assert not PlanVersion.objects.exists()


def test_an_action_status_is_updated_inline_with_htmx(partners, as_user):
    world = partners
    as_user(world.involved).post(reverse("plans:edit", args=[world.household.reference]), plan_post(world, 0))
    action = PlanAction.objects.get(owner_organisation=world.org_vt)
    client = as_user(world.vt)
    url = reverse("plans:action_status", args=[action.pk])
    response = client.post(url, {"status": "done", "next": "mijn-werk"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "De actie is bijgewerkt." in body and 'value="done" selected' in body and "<html" not in body
    assert PlanAction.objects.get(pk=action.pk).status == "done"
    bad = client.post(url, {"status": "misschien\x00", "next": "mijn-werk"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "Kies een status voor de actie." in bad.content.decode()
    assert PlanAction.objects.get(pk=action.pk).status == "done"
    # Without JavaScript: the same post, then back to Mijn werk.
    plain = client.post(url, {"status": "open", "next": "mijn-werk"})
    assert plain.status_code == 302 and plain["Location"] == reverse("workspace:my_work")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": "abc"}, "Kies uit de lijst."),
        ({"to": ""}, "Kies een professional van een partner die met dit huishouden werkt."),
        ({"to": "1", "note": "x" * 501}, "Ten hoogste 500 tekens."),
        ({"to": "1", "note": "a\x00"}, "Nultekens zijn niet toegestaan."),
    ],
)
def test_regie_request_refuses_bad_input_in_dutch(partners, as_user, data, message):
    from verband.plans.models import RegieTransfer

    client = as_user(partners.involved)
    response = client.post(
        reverse("plans:regie_request", args=[partners.household.reference]), data, follow=True
    )
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not RegieTransfer.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Zeg waarom de regie eindigt (maximaal 300 tekens)."),
        ("a\x00b", "Nultekens zijn niet toegestaan."),
        ("r" * 301, "Ten hoogste 300 tekens."),
    ],
)
def test_end_regie_refuses_bad_input_in_dutch(partners, as_user, reason, message):
    client = as_user(partners.involved)
    response = client.post(
        reverse("plans:regie_end", args=[partners.household.reference]), {"reason": reason}, follow=True
    )
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"mandated_by": "chef"}, "mandated_by", "Kies uit de lijst."),
        ({"mandated_by": ""}, "mandated_by", "Kies de leidinggevende die u het mandaat gaf."),
        ({"mandated_by": "3", "mandate_note": "m\x00"}, "mandate_note", "Nultekens zijn niet toegestaan."),
        ({"mandated_by": "3", "mandate_note": "m" * 301}, "mandate_note", "Ten hoogste 300 tekens."),
        ({"decision": "decline", "reason": " "}, "reason", "Zeg waarom u weigert (maximaal 500 tekens)."),
        ({"decision": "decline", "reason": "r" * 501}, "reason", "Ten hoogste 500 tekens."),
        (
            {"decision": "misschien"},
            "decision",
            "Selecteer een geldige keuze. misschien is geen beschikbare keuze.",
        ),
    ],
)
def test_regie_decision_form_refuses_bad_input_in_dutch(data, field, message):
    from verband.plans.forms import RegieDecisionForm

    form = RegieDecisionForm(data)
    assert not form.is_valid()
    assert message in [str(p) for p in form.errors[field]]


def test_a_version_that_is_no_number_is_an_unreadable_form(partners, as_user):
    edit = reverse("plans:edit", args=[partners.household.reference])
    data = {**plan_post(partners, 0), "version": "1\x00"}
    response = as_user(partners.involved).post(edit, data)
    assert response.status_code == 400 and not PlanVersion.objects.exists()
    body = response.content.decode()
    assert "Het formulier bevat een waarde die Verband niet kan lezen." in body
