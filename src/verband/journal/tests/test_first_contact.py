"""A contact recorded in the journal is the involved partner's first contact: the escalation of a first
contact that is late clears with it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from verband.escalation import lifecycle
from verband.escalation.models import Escalation, EscalationKind
from verband.escalation.tests.test_engine import at
from verband.households.models import Person
from verband.journal import services
from verband.journal.services import EntryInput
from verband.sharing.models import Involvement
from verband.testing import actor_for


def test_a_phone_call_in_the_journal_clears_the_late_first_contact(partners):
    w = partners
    w.other_household.status = "closed"
    w.other_household.save()
    anna = Person.objects.get(given_names="Anna")
    with at(date(2026, 1, 8)):
        lifecycle.sweep()
    escalation = Escalation.objects.get(kind=EscalationKind.FIRST_CONTACT_LATE)
    with at(date(2026, 1, 8)):
        services.record_entry(
            actor_for(w.involved), w.household,
            EntryInput(kind="phone_call", occurred_at=timezone.now() - timedelta(minutes=30),
                       summary="Anna gebeld; afspraak gemaakt voor een huisbezoek.", person_id=anna.pk,
                       participant_ids=[anna.pk]),
        )  # fmt: skip
    involvement = Involvement.objects.get(household=w.household, team=w.team_a1)
    assert involvement.first_contact_by == w.involved
    with at(date(2026, 1, 9)):
        assert lifecycle.sweep()["cleared"] >= 1
    escalation.refresh_from_db()
    assert escalation.status == "cleared"
