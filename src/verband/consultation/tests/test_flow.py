"""The consultation's course: asked under a reference per network and year, advised by members, concluded
by the asker or the coordinator; every status move along the declared machine; nothing written on a
refusal; the members told, by reference only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from verband.consultation import services
from verband.consultation.models import CONSULTATION_FLOW, Advice, Consultation, ConsultationStatus
from verband.consultation.tests.conftest import FACTS, FIRST, QUESTION, YEAR
from verband.factories import NetworkFactory
from verband.notifications.models import Notification
from verband.sharing.models import AccessLogEntry
from verband.statemachine import IllegalTransition
from verband.testing import actor_for


def test_references_are_numbered_per_network_and_year_and_name_nobody(net):
    w = net
    ask = actor_for(w.involved)
    first = services.ask(ask, network_id=w.network.pk, facts=FACTS, question=QUESTION)
    second = services.ask(ask, network_id=w.network.pk, facts=FACTS, question=QUESTION)
    assert (first.reference, second.reference) == (FIRST, f"AC-{YEAR}-0002")
    other = NetworkFactory.create(region=w.region, name="Kernteam Testdorp")
    w.involved.memberships.get().networks.add(other)
    third = services.ask(actor_for(w.involved), network_id=other.pk, facts=FACTS, question=QUESTION)
    assert third.reference == FIRST
    assert first.status == ConsultationStatus.OPEN and first.household is None
    assert first.organisation == w.org_a and first.asked_by == w.involved


def test_asking_tells_the_other_members_by_reference_only(asked):
    w = asked
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"other_org", "coordinator", "ervaring", "reclassering"}
    title = Notification.objects.filter(user=w.other_org).get().title
    assert title == f"Anonieme vraag in Netwerk HG Testdorp: {FIRST}"
    entry = AccessLogEntry.objects.get(action="create", object_type="consultation")
    assert entry.username == "involved" and entry.subject_household_id is None


def test_a_question_with_a_bsn_is_refused_and_nothing_is_stored(net):
    with pytest.raises(ValidationError) as caught:
        services.ask(
            actor_for(net.involved),
            network_id=net.network.pk,
            facts=FACTS + " BSN moeder 123456782.",
            question=QUESTION,
        )
    assert "facts" in caught.value.message_dict
    assert not Consultation.objects.exists()


def test_only_a_network_of_ones_own_is_asked(net):
    w = net
    other = NetworkFactory.create(region=w.region, name="Ander netwerk")
    with pytest.raises(ValidationError) as caught:
        services.ask(actor_for(w.involved), network_id=other.pk, facts=FACTS, question=QUESTION)
    assert caught.value.message_dict["network"] == ["Kies een van uw netwerken."]
    assert AccessLogEntry.objects.filter(object_type="consultation", outcome="denied").exists()
    with pytest.raises(PermissionDenied):  # an experience expert takes part, but puts no case forward
        services.ask(actor_for(w.expert), network_id=w.network.pk, facts=FACTS, question=QUESTION)
    assert not Consultation.objects.exists()


def test_open_advised_concluded(asked):
    w = asked
    c = w.consultation
    # The asker's own answer is no advice: still waiting.
    services.advise(actor_for(w.involved), c, "Aanvulling: de kinderen gaan naar dezelfde school.")
    c.refresh_from_db()
    assert c.status == ConsultationStatus.OPEN
    services.advise(
        actor_for(w.other_org), c, "Politie kan een huisbezoek doen; bespreek het in het netwerk."
    )
    c.refresh_from_db()
    assert c.status == ConsultationStatus.ADVISED
    services.advise(actor_for(w.expert), c, "Vraag moeder wat zij zelf nodig heeft om veilig te zijn.")
    assert Advice.objects.filter(consultation=c).count() == 3
    assert list(c.advice.values_list("from_asker", flat=True)) == [True, False, False]
    assert (
        Notification.objects.filter(user=w.involved, title=f"Advies op uw anonieme vraag {FIRST}").count()
        == 2
    )

    with pytest.raises(PermissionDenied):  # a member who did not ask concludes nothing
        services.conclude(actor_for(w.other_org), c, "Wij adviseren een melding bij Veilig Thuis.")
    services.conclude(actor_for(w.involved), c, "Melding bij Veilig Thuis en een huisbezoek door de politie.")
    c.refresh_from_db()
    assert c.status == ConsultationStatus.CLOSED and c.concluded_by == w.involved
    assert c.concluded_organisation == w.org_a and c.concluded_at is not None
    assert Notification.objects.filter(title=f"Conclusie vastgelegd: {FIRST}").count() == 2  # the advisers
    with pytest.raises(ValidationError):
        services.advise(actor_for(w.other_org), c, "Nog een advies na de conclusie.")
    with pytest.raises(PermissionDenied):  # concluded is final
        services.conclude(actor_for(w.involved), c, "Een tweede conclusie achteraf.")
    assert AccessLogEntry.objects.filter(action="close", object_type="consultation").count() == 1


def test_the_coordinator_concludes_straight_after_the_table(asked):
    w = asked
    services.conclude(actor_for(w.coordinator), w.consultation, "Besproken aan tafel: wijkteam neemt regie.")
    w.consultation.refresh_from_db()
    assert w.consultation.status == ConsultationStatus.CLOSED


def test_a_conclusion_needs_words_and_no_identities(asked):
    w = asked
    for text in ("", "kort", "Bel moeder op 06-12345678 voor een afspraak."):
        with pytest.raises(ValidationError):
            services.conclude(actor_for(w.involved), w.consultation, text)
    w.consultation.refresh_from_db()
    assert w.consultation.status == ConsultationStatus.OPEN and w.consultation.conclusion == ""


def test_a_non_member_advises_nothing(asked):
    for user in (asked.colleague, asked.vt):
        with pytest.raises(PermissionDenied):
            services.advise(actor_for(user), asked.consultation, "Advies van buiten het netwerk.")
    assert not Advice.objects.exists()


def test_the_machine_declares_the_flow():
    assert CONSULTATION_FLOW.allows("open", "advised") and CONSULTATION_FLOW.allows("open", "closed")
    assert CONSULTATION_FLOW.allows("advised", "closed")
    assert not CONSULTATION_FLOW.allows("closed", "open") and not CONSULTATION_FLOW.allows("advised", "open")
    with pytest.raises(IllegalTransition):
        CONSULTATION_FLOW.check(["closed"], "advised")


def test_two_conclusions_at_once_one_wins(asked):
    w = asked
    stale = Consultation.objects.get(pk=w.consultation.pk)
    services.conclude(actor_for(w.coordinator), w.consultation, "De coördinator legt de conclusie vast.")
    with pytest.raises(ValidationError) as caught:
        services.conclude(actor_for(w.involved), stale, "De vraagsteller legt tegelijk vast.")
    assert "inmiddels" in " ".join(caught.value.messages)


IDENTIFYING = [
    ("Zij woont aan de Dorpsstr. 12, ga daar langs.", "Dit lijkt een adres: Dorpsstr. 12."),
    ("Postcode 3075BK huisnummer 12, ga daar langs.", "Dit lijkt een adres: Postcode 3075BK huisnummer 12."),
    ("Moeder is geb. 12 april 91, let daarop.", "Dit lijkt een geboortedatum: 12 april 91."),
    ("Zoek haar op met bsn: 111.22.2333.", "Dit lijkt een burgerservicenummer (BSN): 111.22.2333."),
    (
        "Mail elif (at) example dot nl voor het verslag.",
        "Dit lijkt een e-mailadres: elif (at) example dot nl.",
    ),
]


@pytest.mark.parametrize(("text", "named"), IDENTIFYING)
def test_advice_and_conclusion_go_through_the_identity_guard(asked, text, named):
    w = asked
    with pytest.raises(ValidationError) as caught:
        services.advise(actor_for(w.other_org), w.consultation, text)
    assert named in caught.value.message_dict["text"]
    with pytest.raises(ValidationError) as caught:
        services.conclude(actor_for(w.involved), w.consultation, text)
    assert named in caught.value.message_dict["conclusion"]
    assert not Advice.objects.exists()
    w.consultation.refresh_from_db()
    assert w.consultation.status == ConsultationStatus.OPEN and w.consultation.conclusion == ""


def test_advice_with_ordinary_numbers_is_added(asked):
    w = asked
    text = (
        "Drie kinderen van 4, 7 en 12: 2 keer per week naar de opvang, sinds 2019 bekend, in april besproken."
    )
    services.advise(actor_for(w.other_org), w.consultation, text)
    services.conclude(actor_for(w.involved), w.consultation, text)
    assert Advice.objects.get().text == text and Consultation.objects.get().conclusion == text
