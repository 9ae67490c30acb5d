"""Linking an anonymous consultation to the household it turned out to be about: only by a member of the
network who works with that household as a whole, always with a reason; a household one does not see
gets the same answer as one that does not exist, and both attempts are logged as denied. Afterwards the
household's timeline says so, the household page lists it for those who see the household, and the other
members of the network read "linked to a case" without the reference."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from verband.consultation import services
from verband.consultation.models import Advice, Consultation, ConsultationStatus
from verband.consultation.tests.conftest import FIRST
from verband.households.models import EventKind, HouseholdEvent
from verband.notifications.models import Notification
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

REASON = "Moeder meldde zich vandaag zelf; het is de situatie die wij anoniem bespraken."
NOT_FOUND = "Er is geen huishouden met dit kenmerk waar u mee werkt."


def link_url(w) -> str:
    return f"/anoniem-overleg/{w.consultation.pk}/koppelen/"


@pytest.fixture
def linked(asked):
    """The police advised; the neighbourhood team links the consultation to Anna's household."""
    services.advise(
        actor_for(asked.other_org), asked.consultation, "Bespreek een huisbezoek met de wijkagent."
    )
    services.link(actor_for(asked.involved), asked.consultation, reference="HH-T-0001", reason=REASON)
    asked.consultation.refresh_from_db()
    return asked


def test_a_link_needs_a_reason(asked, as_user):
    response = as_user(asked.involved).post(link_url(asked), {"household": "HH-T-0001", "reason": " "})
    body = response.content.decode()
    assert (
        response.status_code == 400 and "Zeg in een zin waarom dit overleg over dit huishouden gaat." in body
    )
    assert 'value="HH-T-0001"' in body
    assert not Consultation.objects.filter(household__isnull=False).exists()
    with pytest.raises(ValidationError):
        services.link(actor_for(asked.involved), asked.consultation, reference="HH-T-0001", reason="kort")


def test_a_household_one_does_not_see_is_answered_as_one_that_does_not_exist(asked, as_user):
    client = as_user(asked.other_org)  # the police's professional: in the network, not working with HH-T-0001
    hidden = client.post(link_url(asked), {"household": "HH-T-0001", "reason": REASON})
    missing = client.post(link_url(asked), {"household": "HH-T-9999", "reason": REASON})
    assert hidden.status_code == missing.status_code == 400
    for response in (hidden, missing):
        assert NOT_FOUND in response.content.decode()
    refusals = AccessLogEntry.objects.filter(username="other_org", action="link", outcome="denied")
    assert refusals.count() == 2
    assert set(refusals.values_list("subject_household_id", flat=True)) == {asked.household.pk, None}
    assert not Consultation.objects.filter(household__isnull=False).exists()


def test_a_partner_working_with_one_member_does_not_link(asked):
    # Probation works with Bram only: the situation may be about the others.
    w = asked
    with pytest.raises(ValidationError) as caught:
        services.link(actor_for(w.probation), w.consultation, reference="HH-T-0001", reason=REASON)
    assert caught.value.message_dict["household"] == [NOT_FOUND]
    assert AccessLogEntry.objects.filter(username="reclassering", action="link", outcome="denied").exists()


def test_someone_who_sees_the_household_but_is_not_in_the_network_links_nothing(asked, as_user):
    with pytest.raises(PermissionDenied):
        services.link(actor_for(asked.vt), asked.consultation, reference="HH-T-0001", reason=REASON)
    assert (
        as_user(asked.vt).post(link_url(asked), {"household": "HH-T-0001", "reason": REASON}).status_code
        == 404
    )
    assert (
        as_user(asked.expert).post(link_url(asked), {"household": "HH-T-0001", "reason": REASON}).status_code
        == 403
    )


def test_linking_is_an_audited_write_on_the_households_timeline(asked, as_user):
    w = asked
    response = as_user(w.involved).post(link_url(w), {"household": "hh-t-0001 ", "reason": REASON})
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert c.household == w.household and c.linked_by == w.involved and c.link_reason == REASON
    assert c.linked_organisation == w.org_a and c.linked_at is not None
    event = HouseholdEvent.objects.get(household=w.household, kind=EventKind.CONSULTATION)
    assert event.summary.startswith(f"Anoniem overleg {FIRST} van Netwerk HG Testdorp gekoppeld")
    entry = AccessLogEntry.objects.get(action="link", outcome="granted")
    assert entry.object_type == "consultation" and entry.subject_household_id == w.household.pk
    assert entry.basis.startswith("involvement:")
    # Linked once: a second link is refused.
    again = as_user(w.involved).post(link_url(w), {"household": "HH-T-0001", "reason": REASON})
    assert again.status_code == 400 and "Dit overleg is al gekoppeld aan een casus." in again.content.decode()
    assert Consultation.objects.get().household == w.household


def test_the_asker_is_told_when_someone_else_links(asked):
    w = asked
    w.coordinator.memberships.get()  # the coordinator sees HH-T-0001 only through a network involvement
    from datetime import date

    from verband.actors import SYSTEM
    from verband.sharing import services as sharing

    sharing.involve(SYSTEM, w.household, network=w.network, purpose="help", legal_basis="covenant",
                    started_on=date(2026, 1, 5))  # fmt: skip
    services.link(actor_for(w.coordinator), w.consultation, reference="HH-T-0001", reason=REASON)
    assert Notification.objects.filter(
        user=w.involved, title=f"Uw anonieme vraag {FIRST} is nu gekoppeld aan een casus"
    ).exists()


def test_after_linking_only_those_who_see_the_household_see_which_one(linked, as_user):
    w = linked
    url = f"/anoniem-overleg/{w.consultation.pk}/"
    mine = as_user(w.involved).get(url).content.decode()
    assert "Gekoppeld aan huishouden HH-T-0001" in mine and REASON in mine
    for user in (w.other_org, w.probation):  # in the network; not seeing the household (as a whole)
        body = as_user(user).get(url).content.decode()
        assert "gekoppeld aan een casus" in body and "HH-T-0001" not in body and REASON not in body
        assert "Wie kan hier het beste de regie nemen" in body  # the anonymous question they read before
    listing = as_user(w.other_org).get("/anoniem-overleg/").content.decode()
    assert "gekoppeld aan een casus" in listing and "HH-T-0001" not in listing
    assert "gekoppeld aan HH-T-0001" in as_user(w.involved).get("/anoniem-overleg/").content.decode()
    # Reading a linked consultation is a read about that household, whoever reads it.
    assert AccessLogEntry.objects.filter(username="other_org", action="view", object_type="consultation",
                                         subject_household_id=w.household.pk).exists()  # fmt: skip


def test_the_household_page_lists_it_for_those_who_see_the_household(linked, as_user):
    w = linked
    page = f"/huishoudens/{w.household.reference}/"
    for user in (w.involved, w.vt):  # vt: sees the household, is not in the network
        body = as_user(user).get(page).content.decode()
        assert "Anoniem besproken" in body and f'href="/anoniem-overleg/{w.consultation.pk}/"' in body
    assert "Anoniem besproken" not in as_user(w.probation).get(page).content.decode()
    # Veilig Thuis reads it from the household, but advises or links nothing.
    detail = as_user(w.vt).get(f"/anoniem-overleg/{w.consultation.pk}/")
    assert detail.status_code == 200 and "Gekoppeld aan huishouden HH-T-0001" in detail.content.decode()
    assert "Geef advies" not in detail.content.decode()
    refused = as_user(w.vt).post(
        f"/anoniem-overleg/{w.consultation.pk}/advies/", {"text": "Advies van VT hier."}
    )
    assert refused.status_code == 403
    assert AccessLogEntry.objects.filter(username="vt", outcome="denied", object_type="consultation").exists()
    # Someone who sees neither the household nor the network: not found.
    assert as_user(w.colleague).get(f"/anoniem-overleg/{w.consultation.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(username="colleague", outcome="denied",
                                         subject_household_id=w.household.pk).exists()  # fmt: skip


# ------------------------------------------------------------------ the link ends the anonymous phase
# The thread is read by the whole network, also by members who do not see the household (the police) or
# see only Bram (probation): what is written after the link would tell them about the case. So nobody adds
# advice or a conclusion any more, whoever they are.

LINKED_MESSAGE = "Dit overleg is gekoppeld aan een casus, dus de anonieme fase is voorbij"
AFTER_LINK = "Anna van Dam zit inmiddels in de opvang van Blijf Opvang."


def advice_url(w) -> str:
    return f"/anoniem-overleg/{w.consultation.pk}/advies/"


def conclusion_url(w) -> str:
    return f"/anoniem-overleg/{w.consultation.pk}/conclusie/"


def linked_refusals(username: str, action: str, w) -> int:
    return AccessLogEntry.objects.filter(
        username=username,
        action=action,
        object_type="consultation",
        object_id=str(w.consultation.pk),
        subject_household_id=w.household.pk,
        outcome="denied",
    ).count()


def test_after_the_link_nobody_advises_or_concludes_in_the_service(linked):
    w = linked
    advice_before = Advice.objects.count()
    for user in (w.involved, w.other_org, w.probation, w.expert, w.coordinator):
        with pytest.raises(ValidationError) as caught:
            services.advise(actor_for(user), w.consultation, AFTER_LINK)
        message = " ".join(caught.value.messages)
        assert LINKED_MESSAGE in message and "casusoverleg" in message
        assert "HH-T-0001" not in message  # the refusal names no household
        assert linked_refusals(user.username, "create", w) == 1
    for user in (w.involved, w.coordinator):  # the asker and the coordinator, who would conclude
        with pytest.raises(ValidationError) as caught:
            services.conclude(
                actor_for(user), w.consultation, "Moeder en kinderen zitten veilig in de opvang."
            )
        assert LINKED_MESSAGE in " ".join(caught.value.messages)
        assert linked_refusals(user.username, "close", w) == 1
    assert Advice.objects.count() == advice_before
    c = Consultation.objects.get()
    assert c.status == ConsultationStatus.ADVISED and c.conclusion == "" and c.concluded_at is None
    assert not Notification.objects.filter(title__contains="Conclusie").exists()


def test_a_link_in_the_meantime_is_caught_under_the_lock(asked):
    # Both read the consultation before the link; the link comes between their check and their write.
    w = asked
    stale_advice = Consultation.objects.get(pk=w.consultation.pk)
    stale_conclusion = Consultation.objects.get(pk=w.consultation.pk)
    services.link(actor_for(w.involved), w.consultation, reference="HH-T-0001", reason=REASON)
    with pytest.raises(ValidationError) as caught:
        services.advise(actor_for(w.other_org), stale_advice, AFTER_LINK)
    assert LINKED_MESSAGE in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        services.conclude(actor_for(w.involved), stale_conclusion, "Besproken: de opvang neemt het over.")
    assert LINKED_MESSAGE in " ".join(caught.value.messages)
    assert not Advice.objects.exists()
    c = Consultation.objects.get()
    assert c.status == ConsultationStatus.OPEN and c.conclusion == ""
    # The refusals are logged (after the rolled-back transaction), with the household.
    assert linked_refusals("other_org", "create", w) == 1 and linked_refusals("involved", "close", w) == 1


def test_after_the_link_the_pages_refuse_with_the_message_and_keep_the_text(linked, as_user):
    w = linked
    advice_before = Advice.objects.count()
    for user in (w.other_org, w.probation, w.involved):
        response = as_user(user).post(advice_url(w), {"text": AFTER_LINK})
        body = response.content.decode()
        assert response.status_code == 400 and LINKED_MESSAGE in body
        assert 'role="alert"' in body
        assert "Uw tekst is niet toegevoegd." in body and AFTER_LINK in body  # for the one who typed it
        assert 'name="text"' not in body  # no advice form
        assert linked_refusals(user.username, "create", w) == 1
    # Also what the form would have refused: the link is the answer, not the text.
    assert LINKED_MESSAGE in as_user(w.other_org).post(advice_url(w), {"text": "kort"}).content.decode()
    conclusion = "Moeder en kinderen zitten veilig in de opvang."
    response = as_user(w.involved).post(conclusion_url(w), {"conclusion": conclusion})
    body = response.content.decode()
    assert response.status_code == 400 and LINKED_MESSAGE in body and conclusion in body
    assert 'name="conclusion"' not in body
    assert linked_refusals("involved", "close", w) == 1
    # Who was never one to conclude is refused as before.
    assert as_user(w.other_org).post(conclusion_url(w), {"conclusion": conclusion}).status_code == 403
    assert Advice.objects.count() == advice_before
    assert Consultation.objects.get().status == ConsultationStatus.ADVISED


def test_after_the_link_htmx_swaps_the_thread_with_the_message(linked, as_user):
    w = linked
    response = as_user(w.other_org).post(advice_url(w), {"text": AFTER_LINK}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 400
    assert body.startswith('<section aria-labelledby="advice-heading" id="thread">')
    assert LINKED_MESSAGE in body and 'role="alert"' in body and AFTER_LINK in body
    assert "<form" not in body and "HH-T-0001" not in body
    assert Advice.objects.filter(text=AFTER_LINK).count() == 0


def test_after_the_link_the_forms_are_gone_and_the_page_says_why(asked, as_user):
    w = asked
    url = f"/anoniem-overleg/{w.consultation.pk}/"
    before = as_user(w.involved).get(url).content.decode()
    assert 'name="text"' in before and 'name="conclusion"' in before  # the asker advises and concludes
    assert "Koppelen beëindigt de anonieme fase" in before  # the link form says what linking does
    services.link(actor_for(w.involved), w.consultation, reference="HH-T-0001", reason=REASON)
    for user in (w.involved, w.other_org, w.probation, w.coordinator, w.expert, w.vt):
        body = as_user(user).get(url).content.decode()
        assert "De anonieme fase is voorbij" in body and "casusoverleg" in body
        assert 'name="text"' not in body and 'name="conclusion"' not in body and 'name="reason"' not in body
        assert "Geef advies" not in body and "Conclusie vastleggen" not in body
    member = as_user(w.other_org).get(url).content.decode()
    assert "Gekoppeld aan een casus: hier komt geen advies meer bij." in member
    assert "Gekoppeld aan een casus: hier wordt geen conclusie vastgelegd." in member
    assert "HH-T-0001" not in member


def test_a_concluded_consultation_keeps_its_conclusion_after_the_link(asked, as_user):
    w = asked
    services.conclude(actor_for(w.involved), w.consultation, "Wijkteam neemt de regie; melding bij VT.")
    services.link(actor_for(w.involved), w.consultation, reference="HH-T-0001", reason=REASON)
    body = as_user(w.other_org).get(f"/anoniem-overleg/{w.consultation.pk}/").content.decode()
    assert "Wijkteam neemt de regie; melding bij VT." in body and "De anonieme fase is voorbij" in body
    assert "hier wordt geen conclusie vastgelegd" not in body
