"""Every consultation page per persona: a member of the network reads, asks and advises; someone outside
the network gets "not found" and a denied entry in the access log; roles without casework are refused;
an anonymous visitor signs in first. A refused form keeps what was typed."""

from __future__ import annotations

import pytest

from verband.consultation.models import Advice, Consultation, ConsultationStatus
from verband.consultation.tests.conftest import FACTS, FIRST, QUESTION
from verband.sharing.models import AccessLogEntry


def who(world, name):
    return None if name == "anonymous" else getattr(world, name)


def denied(username: str, **filters) -> bool:
    return AccessLogEntry.objects.filter(username=username, outcome="denied", **filters).exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [("involved", 200), ("other_org", 200), ("expert", 200), ("colleague", 200), ("manager", 403),
     ("privacy_officer", 403), ("anonymous", 302)],
)  # fmt: skip
def test_list_per_persona(asked, as_user, name, status):
    response = as_user(who(asked, name)).get("/anoniem-overleg/")
    assert response.status_code == status
    if status != 200:
        return
    body = response.content.decode()
    if name == "colleague":  # in no network: lists nothing, says why
        assert FIRST not in body and "U neemt geen deel aan een netwerk" in body
    else:
        assert FIRST in body and "Wie kan hier het beste de regie nemen" in body
        assert AccessLogEntry.objects.filter(username=who(asked, name).username, action="list",
                                             object_type="consultation").exists()  # fmt: skip
    if name == "manager":
        assert denied("manager", object_type="page")


def test_the_menu_has_anonymous_consultation_for_case_workers(asked, as_user):
    body = as_user(asked.involved).get("/mijn-werk/").content.decode()
    assert 'href="/anoniem-overleg/"' in body and "Anoniem overleg" in body
    assert 'href="/anoniem-overleg/"' not in as_user(asked.manager).get("/overzicht/").content.decode()


@pytest.mark.parametrize(
    ("name", "status"),
    [("involved", 200), ("other_org", 200), ("coordinator", 200), ("colleague", 404), ("expert", 403),
     ("manager", 403), ("anonymous", 302)],
)  # fmt: skip
def test_new_form_per_persona(net, as_user, name, status):
    response = as_user(who(net, name)).get("/anoniem-overleg/nieuw/")
    assert response.status_code == status
    if name == "colleague":
        assert denied("colleague", object_type="consultation", action="create")
    if name == "expert":
        assert denied("ervaring", object_type="page")


def test_asking_through_the_form(net, as_user):
    client = as_user(net.involved)
    response = client.post("/anoniem-overleg/nieuw/", {"network": str(net.network.pk), "facts": FACTS,
                                                       "question": QUESTION})  # fmt: skip
    c = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/anoniem-overleg/{c.pk}/"
    assert FIRST in client.get(response["Location"]).content.decode()


def test_a_refused_question_keeps_what_was_typed(net, as_user):
    facts = FACTS + " Moeder is geboren op 12-03-1988 en woont op Dorpsstraat 12."
    response = as_user(net.involved).post(
        "/anoniem-overleg/nieuw/", {"network": str(net.network.pk), "facts": facts, "question": "Wat nu?"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and not Consultation.objects.exists()
    assert "Laat gegevens weg waarmee iemand te herkennen is" in body
    assert (
        "Dit lijkt een geboortedatum: 12-03-1988." in body and "Dit lijkt een adres: Dorpsstraat 12." in body
    )
    assert "Zeg in een zin wat u het netwerk vraagt." in body
    assert "woont op Dorpsstraat 12.</textarea>" in body and ">Wat nu?</textarea>" in body
    assert 'aria-invalid="true"' in body


def test_another_networks_id_is_refused_and_logged(net, as_user):
    from verband.factories import NetworkFactory

    other = NetworkFactory.create(region=net.region, name="Ander netwerk")
    response = as_user(net.involved).post("/anoniem-overleg/nieuw/", {"network": str(other.pk), "facts": FACTS,
                                                                       "question": QUESTION})  # fmt: skip
    assert response.status_code == 400 and "Kies een van uw netwerken." in response.content.decode()
    assert denied("involved", object_type="consultation") and not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [("involved", 200), ("other_org", 200), ("expert", 200), ("coordinator", 200), ("colleague", 404),
     ("vt", 404), ("manager", 403), ("anonymous", 302)],
)  # fmt: skip
def test_detail_per_persona(asked, as_user, name, status):
    url = f"/anoniem-overleg/{asked.consultation.pk}/"
    response = as_user(who(asked, name)).get(url)
    assert response.status_code == status
    user = who(asked, name)
    if status == 200:
        assert "Wie kan hier het beste de regie nemen" in response.content.decode()
        assert AccessLogEntry.objects.filter(username=user.username, action="view", object_type="consultation",
                                             object_id=str(asked.consultation.pk)).exists()  # fmt: skip
    if status == 404:
        assert denied(user.username, object_type="consultation", object_id=str(asked.consultation.pk))


def test_a_consultation_that_does_not_exist_is_not_found_and_logged(asked, as_user):
    assert as_user(asked.involved).get("/anoniem-overleg/999999/").status_code == 404
    assert denied("involved", object_type="consultation", object_id="999999")


@pytest.mark.parametrize(
    ("name", "status"),
    [("other_org", 302), ("expert", 302), ("involved", 302), ("colleague", 404), ("vt", 404), ("manager", 403),
     ("anonymous", 302)],
)  # fmt: skip
def test_advice_per_persona(asked, as_user, name, status):
    url = f"/anoniem-overleg/{asked.consultation.pk}/advies/"
    response = as_user(who(asked, name)).post(url, {"text": "Betrek de school bij het plan van aanpak."})
    assert response.status_code == status
    made = Advice.objects.filter(consultation=asked.consultation).exists()
    assert made == (name in {"other_org", "expert", "involved"})
    if status == 404:
        assert denied(who(asked, name).username, object_type="consultation")


def test_advice_with_htmx_swaps_the_thread_and_keeps_a_refused_text(asked, as_user):
    client = as_user(asked.other_org)
    url = f"/anoniem-overleg/{asked.consultation.pk}/advies/"
    bad = client.post(url, {"text": "Mail haar: a.moeder@example.nl"}, HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert bad.status_code == 400 and body.startswith(
        '<section aria-labelledby="advice-heading" id="thread">'
    )
    assert (
        "Dit lijkt een e-mailadres: a.moeder@example.nl." in body
        and "Mail haar: a.moeder@example.nl</textarea>" in body
    )
    good = client.post(url, {"text": "Politie kan meekijken bij een huisbezoek."}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and "Politie kan meekijken" in good.content.decode()
    assert "Uw advies is toegevoegd." in good.content.decode()
    asked.consultation.refresh_from_db()
    assert asked.consultation.status == ConsultationStatus.ADVISED


def test_advice_without_htmx_shows_the_page_with_the_message(asked, as_user):
    response = as_user(asked.other_org).post(
        f"/anoniem-overleg/{asked.consultation.pk}/advies/", {"text": "kort"}
    )
    body = response.content.decode()
    assert (
        response.status_code == 400 and "Schrijf uw advies in een zin" in body and ">kort</textarea>" in body
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [("involved", 302), ("coordinator", 302), ("other_org", 403), ("expert", 403), ("colleague", 404),
     ("manager", 403), ("anonymous", 302)],
)  # fmt: skip
def test_conclusion_per_persona(asked, as_user, name, status):
    url = f"/anoniem-overleg/{asked.consultation.pk}/conclusie/"
    response = as_user(who(asked, name)).post(url, {"conclusion": "Wijkteam neemt de regie; melding bij VT."})
    assert response.status_code == status
    asked.consultation.refresh_from_db()
    assert (asked.consultation.status == ConsultationStatus.CLOSED) == (status == 302 and name != "anonymous")
    if name in {"other_org", "colleague"}:
        assert denied(who(asked, name).username, object_type="consultation", action="close")


def test_a_refused_conclusion_keeps_the_text(asked, as_user):
    response = as_user(asked.involved).post(f"/anoniem-overleg/{asked.consultation.pk}/conclusie/",
                                            {"conclusion": "Bel 06-12345678 morgen."})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and "Dit lijkt een telefoonnummer" in body
    assert "Bel 06-12345678 morgen.</textarea>" in body


def test_a_post_to_a_page_that_only_shows_is_refused(asked, as_user):
    assert as_user(asked.involved).get(f"/anoniem-overleg/{asked.consultation.pk}/advies/").status_code == 405


def test_the_advice_and_conclusion_forms_refuse_identities_and_keep_the_text(asked, as_user):
    url = f"/anoniem-overleg/{asked.consultation.pk}/"
    advice = "Mail haar op elif[at]example.nl, ze woont Kerkln. 4."
    response = as_user(asked.other_org).post(url + "advies/", {"text": advice})
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Dit lijkt een e-mailadres: elif[at]example.nl." in body and "Dit lijkt een adres: Kerkln. 4." in body
    )
    assert f"{advice}</textarea>" in body
    conclusion = "Moeder (geboren 12-4-1991) krijgt hulp; BSN 111 222 333."
    response = as_user(asked.involved).post(url + "conclusie/", {"conclusion": conclusion})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Dit lijkt een geboortedatum: 12-4-1991." in body
    assert "Dit lijkt een burgerservicenummer (BSN): 111 222 333." in body
    assert f"{conclusion}</textarea>" in body
    assert not Advice.objects.exists()
    asked.consultation.refresh_from_db()
    assert asked.consultation.status == ConsultationStatus.OPEN
