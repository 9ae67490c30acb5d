"""The escalation engine watches the legal month: a request still open five working days before its deadline
goes onto the ladder (owned by who recorded it, waiting for the organisation that received it), without a
name in its text; answering it clears the escalation. A partner working with Dirk only reads what an
escalation about Anna's request is about only as "shielded"."""

from __future__ import annotations

from datetime import date

import time_machine
from django.utils import timezone

from verband.escalation import detectors, lifecycle
from verband.escalation.models import Escalation, EscalationKind, EscalationStatus, Step
from verband.escalation.selectors import shield_summaries
from verband.rights import services
from verband.testing import actor_for

ASKED = "Ik wil weten wat er over mij is vastgelegd."


def at(day: date):
    return time_machine.travel(
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 0)), tick=False
    )


def record(w, person, received: date, who=None):
    with at(received):
        return services.record_request(
            actor_for(who or w.involved), w.household, person_id=person.pk, kind="access", how_received="letter",
            received_on=received, asked=ASKED,
        )  # fmt: skip


def rights_escalations(status=EscalationStatus.OPEN):
    return Escalation.objects.filter(kind=EscalationKind.RIGHTS_REQUEST_DUE, status=status)


def rights_stalls(day: date):
    return [s for s in detectors.detect(day) if s.kind == EscalationKind.RIGHTS_REQUEST_DUE]


def test_an_open_request_escalates_five_working_days_before_its_deadline(family):
    w = family
    request = record(w, w.dirk, date(2027, 5, 12))
    assert request.due_on == date(2027, 6, 12)  # a Saturday
    assert not rights_stalls(date(2027, 6, 4))  # Friday: five working days on is Friday 11 June
    with at(date(2027, 6, 7)):
        lifecycle.sweep()
    escalation = rights_escalations().get()
    assert escalation.subject_type == "rights_request" and escalation.subject_id == request.pk
    assert escalation.household == w.household and escalation.step == Step.REGISSEUR
    assert list(escalation.owners.all()) == [w.involved.memberships.get()]
    assert list(escalation.parties.all()) == [w.org_a]
    assert escalation.summary == (
        "AVG-verzoek (inzage in eigen gegevens) bij HH-T-0001, ontvangen door Wijkteams Testdorp: "
        "beantwoorden uiterlijk 12-06-2027"
    )
    assert "Dirk" not in escalation.summary and "Vos" not in escalation.summary
    # Decided, but the export is not delivered yet: still open.
    with at(date(2027, 6, 8)):
        services.decide(actor_for(w.involved), request, "granted", "U krijgt het overzicht van uw gegevens.")
        lifecycle.sweep()
        assert rights_escalations().exists()
        services.note_export(actor_for(w.involved), request, "pdf")
        services.deliver(actor_for(w.involved), request)
        lifecycle.sweep()
    assert not rights_escalations().exists()
    assert rights_escalations(EscalationStatus.CLEARED).get().pk == escalation.pk


def test_a_request_past_its_deadline_escalates_and_a_refusal_clears_it(family):
    w = family
    request = record(w, w.anna, date(2027, 1, 31))
    with at(date(2027, 3, 2)):
        lifecycle.sweep()
        assert rights_escalations().get().breach_since == date(2027, 2, 28)
        services.decide(
            actor_for(w.involved), request, "refused", "Het verzoek is ingetrokken door mevrouw zelf."
        )
        lifecycle.sweep()
        assert not rights_escalations().exists()
    assert not rights_stalls(date(2027, 3, 3))


def test_an_extended_request_escalates_before_its_new_deadline(family):
    w = family
    request = record(w, w.dirk, date(2027, 1, 31))
    with at(date(2027, 2, 10)):
        services.extend(
            actor_for(w.involved),
            request,
            1,
            "Het verzoek raakt vier organisaties; wij hebben meer tijd nodig.",
        )
    assert not rights_stalls(date(2027, 3, 2))
    assert [s.subject_id for s in rights_stalls(date(2027, 3, 24))] == [request.pk]


def test_a_partner_working_with_dirk_reads_only_escalations_about_dirks_requests(family):
    w = family
    anna = record(w, w.anna, date(2027, 1, 4))
    dirk = record(w, w.dirk, date(2027, 1, 4), who=w.probation)
    with at(date(2027, 2, 8)):
        lifecycle.sweep()
    rows = list(rights_escalations().select_related("household"))
    shield_summaries(actor_for(w.probation), rows)
    shielded = {e.subject_id: e.summary_shielded for e in rows}
    assert shielded == {anna.pk: True, dirk.pk: False}
