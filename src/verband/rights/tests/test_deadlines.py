"""The legal month: a request is answered a calendar month after it came in (31 January → 28 or 29
February), extended once by one or two months, with a reason, within that first month."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from verband.rights import services
from verband.rights.models import RightsRequest, legal_due
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for

REASON = "Het verzoek beslaat gegevens van vier partners; wij hebben meer tijd nodig."


def at(day: date):
    return time_machine.travel(
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0)), tick=False
    )


@pytest.mark.parametrize(
    ("received", "extension", "due"),
    [
        (date(2027, 1, 31), 0, date(2027, 2, 28)),
        (date(2028, 1, 31), 0, date(2028, 2, 29)),  # a leap year
        (date(2027, 3, 31), 0, date(2027, 4, 30)),
        (date(2027, 1, 15), 0, date(2027, 2, 15)),
        (date(2027, 12, 10), 0, date(2028, 1, 10)),
        (date(2027, 1, 31), 1, date(2027, 3, 31)),
        (date(2027, 1, 31), 2, date(2027, 4, 30)),
        (date(2027, 11, 30), 2, date(2028, 2, 29)),
    ],
)
def test_the_answer_is_due_a_calendar_month_later(received, extension, due):
    assert legal_due(received, extension) == due


def record(w, received: date, kind: str = "access") -> RightsRequest:
    return services.record_request(
        actor_for(w.involved), w.household, person_id=w.anna.pk, kind=kind, how_received="letter",
        received_on=received, asked="Ik wil weten wat er over mij is vastgelegd.",
    )  # fmt: skip


def test_a_request_received_on_31_january_is_due_on_the_last_day_of_february(world):
    w = world
    w.anna = w.household.members.get(role="victim").person
    with at(date(2027, 2, 1)):
        request = record(w, date(2027, 1, 31))
    assert request.due_on == date(2027, 2, 28)
    assert request.first_due_on == date(2027, 2, 28)


def test_an_extension_needs_a_reason_is_given_once_and_within_the_first_month(world):
    w = world
    w.anna = w.household.members.get(role="victim").person
    actor = actor_for(w.involved)
    with at(date(2027, 2, 1)):
        request = record(w, date(2027, 1, 31))
        for months, reason in ((2, ""), (3, REASON), (None, REASON)):
            with pytest.raises(ValidationError):
                services.extend(actor, request, months, reason)
        request.refresh_from_db()
        assert request.extension_months == 0 and request.due_on == date(2027, 2, 28)
    with at(date(2027, 2, 28)):  # the last day of the first month
        request = services.extend(actor, request, 2, REASON)
    assert request.due_on == date(2027, 4, 30) and request.extension_reason == REASON
    assert request.extended_by == w.involved
    with at(date(2027, 2, 28)), pytest.raises(ValidationError, match="al verlengd"):
        services.extend(actor, request, 1, REASON)
    assert AccessLogEntry.objects.filter(
        object_type="rights_request", action="update", username="involved"
    ).exists()


def test_no_extension_after_the_first_month(world):
    w = world
    w.anna = w.household.members.get(role="victim").person
    with at(date(2027, 2, 1)):
        request = record(w, date(2027, 1, 31))
    with at(date(2027, 3, 1)), pytest.raises(ValidationError, match="eerste maand"):
        services.extend(actor_for(w.involved), request, 1, REASON)
    request.refresh_from_db()
    assert request.due_on == date(2027, 2, 28)


def test_the_day_it_came_in_is_not_in_the_future_nor_long_ago(world):
    w = world
    w.anna = w.household.members.get(role="victim").person
    with at(date(2027, 2, 1)):
        for day in (date(2027, 2, 2), date(2025, 12, 31)):
            with pytest.raises(ValidationError) as refused:
                record(w, day)
            assert "received_on" in refused.value.message_dict
    assert not RightsRequest.objects.exists()
