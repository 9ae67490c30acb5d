"""Safety under the shielding scope: probation, involved with Dirk only, sees its own assessment and
Dirk's scores — not the neighbourhood team's assessment, not Anna's or Bram's scores — and the danger
fact, which is for every partner; the page says how many assessments it left out. The neighbourhood
team sees everything, with the label of whom an assessment is kept from."""

import pytest

from verband.collaboration.tests.shielded_family import (
    ANNA_SUMMARY,
    PROBATION_SUMMARY,
)
from verband.households.models import Household
from verband.safety.selectors import safety_summary
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.shielding import services as shielding
from verband.shielding.models import ItemType
from verband.shielding.scope import view_scope
from verband.testing import actor_for

REASON = "Dirk mag dit oordeel niet lezen vanwege dreiging."


def url(w):
    return f"/huishoudens/{w.household.reference}/veiligheid/"


def logged_persons(username):
    entries = AccessLogEntry.objects.filter(username=username, object_type="safety", action="view")
    return {s.person_id for s in logged_subjects(entries)}


def test_probation_sees_its_own_assessment_and_dirks_scores_only(shielded, as_user):
    w = shielded
    body = as_user(w.probation).get(url(w)).content.decode()
    assert PROBATION_SUMMARY in body and "Dirk Vos" in body
    for text in (ANNA_SUMMARY, "Anna", "Bram", "Wijkteam"):
        assert text not in body, text
    assert "1 beoordeling is afgeschermd" in body
    assert "Vuurwapen in huis" in body  # danger for professionals: every partner
    assert logged_persons("reclassering") == {None, w.dirk.pk}


def test_whole_household_partner_sees_everything_with_labels(shielded, as_user):
    w = shielded
    shielding.decide(actor_for(w.involved), w.household, ItemType.ASSESSMENT, w.assessment.pk, w.dirk.pk,
                     shielded=True, reason=REASON)  # fmt: skip
    body = as_user(w.involved).get(url(w)).content.decode()
    assert ANNA_SUMMARY in body and PROBATION_SUMMARY in body
    assert "Anna van Dam" in body and "Bram van Dam" in body
    assert "Niet zichtbaar voor Dirk Vos" in body
    assert "afgeschermd" not in body
    assert logged_persons("involved") == {None, w.anna.pk, w.bram.pk, w.dirk.pk}


def test_an_assessment_shielded_from_dirk_is_hidden_from_probation_even_its_own(shielded, as_user):
    w = shielded
    shielding.decide(actor_for(w.involved), w.household, ItemType.ASSESSMENT, w.probation_assessment.pk,
                     w.dirk.pk, shielded=True, reason=REASON)  # fmt: skip
    body = as_user(w.probation).get(url(w)).content.decode()
    assert PROBATION_SUMMARY not in body and "2 beoordelingen zijn afgeschermd" in body


def test_household_page_summary_takes_the_scope(shielded):
    w = shielded
    household = Household.objects.get(pk=w.household.pk)
    people = [w.anna, w.bram, w.dirk]
    scoped = safety_summary(household, people, view_scope(actor_for(w.probation), household))
    assert [a.pk for a in scoped.history] == [w.probation_assessment.pk] and scoped.hidden == 1
    assert [s.person.pk for s in scoped.series] == [w.dirk.pk]
    assert scoped.latest is not None and scoped.latest.pk == w.probation_assessment.pk
    assert [f.pk for f in scoped.danger] == [w.danger.pk]
    whole = safety_summary(household, people, view_scope(actor_for(w.involved), household))
    assert whole.hidden == 0 and len(whole.history) == 2 and len(whole.series) == 3
    unscoped = safety_summary(household, people)
    assert len(unscoped.history) == 2


PERSONAS = {
    "involved": 200,
    "probation": 200,
    "expert": 200,
    "colleague": 404,
    "other_org": 404,
    "manager": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_safety_page_per_persona(shielded, as_user, persona):
    w = shielded
    user = None if persona == "anonymous" else getattr(w, persona)
    response = as_user(user).get(url(w))
    assert response.status_code == PERSONAS[persona]
    body = response.content.decode()
    if persona in ("involved", "expert"):
        assert ANNA_SUMMARY in body and "Anna van Dam" in body
    else:
        assert ANNA_SUMMARY not in body and "Anna" not in body


def test_probation_records_scores_for_dirk_only(shielded, as_user):
    w = shielded
    client = as_user(w.probation)
    page = client.get(url(w)).content.decode()
    assert f'name="score_{w.anna.pk}"' not in page and "Anna" not in page
    form = {
        "phase": "direct",
        "acute": "no",
        "structural": "yes",
        "summary": "Nieuw oordeel van de reclassering.",
    }
    for key in ("suspicion", "unsafety", "help_possible", "help_accepted", "help_effective"):
        form[f"weighing_{key}"] = "unknown"
    form[f"score_{w.dirk.pk}"] = "6"
    form[f"score_{w.anna.pk}"] = "2"  # not a field for probation: ignored
    response = client.post(url(w), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    from verband.safety.models import SafetyAssessment

    latest = SafetyAssessment.objects.filter(household=w.household).first()
    assert latest is not None and latest.summary == "Nieuw oordeel van de reclassering."
    assert set(latest.scores.values_list("person_id", flat=True)) == {w.dirk.pk}


# --- API -------------------------------------------------------------------------------------------


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_safety_for_probation_and_the_neighbourhood_team(shielded, client):
    w = shielded
    path = f"/api/v1/households/{w.household.reference}/safety"
    scoped = client.get(path, **auth(w.token_probation))
    assert scoped.status_code == 200
    data = scoped.json()
    assert [a["id"] for a in data["assessments"]] == [w.probation_assessment.pk]
    assert data["hidden"] == 1
    assert {s["person_id"] for a in data["assessments"] for s in a["scores"]} == {w.dirk.pk}
    assert [d["kind"] for d in data["danger"]] == ["weapon"]
    assert ANNA_SUMMARY not in scoped.content.decode()
    persons = {
        s.person_id
        for s in logged_subjects(AccessLogEntry.objects.filter(token_id__isnull=False, object_type="safety"))
    }
    assert persons == {None, w.dirk.pk}

    shielding.decide(actor_for(w.involved), w.household, ItemType.ASSESSMENT, w.assessment.pk, w.dirk.pk,
                     shielded=True, reason=REASON)  # fmt: skip
    whole = client.get(path, **auth(w.token_a_write)).json()
    assert whole["hidden"] == 0 and len(whole["assessments"]) == 2
    labelled = {a["id"]: a["shielded_from"] for a in whole["assessments"]}
    assert labelled[w.assessment.pk] == [w.dirk.pk] and labelled[w.probation_assessment.pk] == []
    assert client.get(path, **auth(w.token_b)).status_code == 404  # the police are not involved


def test_api_probation_may_not_score_other_members(shielded, client):
    w = shielded
    path = f"/api/v1/households/{w.household.reference}/assessments"
    body = {"acute": False, "structural": True, "phase": "direct",
            "scores": [{"person_id": w.anna.pk, "professional": 2}]}  # fmt: skip
    refused = client.post(path, body, content_type="application/json", **auth(w.token_probation))
    assert refused.status_code == 422
    assert "gezinsleden" in refused.json()["error"]["message"]
    body["scores"] = [{"person_id": w.dirk.pk, "professional": 6}]
    made = client.post(path, body, content_type="application/json", **auth(w.token_probation))
    assert made.status_code == 201
    # The neighbourhood team scores anyone.
    body["scores"] = [{"person_id": w.anna.pk, "professional": 4}]
    assert (
        client.post(path, body, content_type="application/json", **auth(w.token_a_write)).status_code == 201
    )
