"""Recording and deciding a request: only a case worker of the household records it, for a member their
involvement covers; a decision needs a reason and is taken once; an access request is done when its
export, made first, is delivered. Refused input writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from verband.households.models import Person
from verband.network.models import Role
from verband.notifications.models import Notification
from verband.rights import services
from verband.rights.models import RightsRequest, RightsStatus
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user

ASKED = "Ik wil weten wat er over mij is vastgelegd."
REASON = "Wij geven u een overzicht van alle gegevens die over u zijn vastgelegd."


def record(w, who=None, person=None, kind="access", **extra):
    return services.record_request(
        actor_for(who or w.involved),
        w.household,
        person_id=(person or w.dirk).pk,
        kind=kind,
        how_received=extra.pop("how_received", "letter"),
        received_on=extra.pop("received_on", timezone.localdate()),
        asked=extra.pop("asked", ASKED),
        **extra,
    )


def test_a_recorded_request_is_due_in_a_month_logged_and_told_to_the_privacy_officer(family):
    w = family
    request = record(w, identity_checked=True)
    assert request.status == RightsStatus.RECEIVED and request.identity_checked
    assert request.due_on == services.legal_due(timezone.localdate())
    assert request.organisation == w.org_a and request.recorded_by == w.involved
    entry = AccessLogEntry.objects.get(object_type="rights_request", action="create")
    assert entry.subject_person_id == w.dirk.pk and entry.subject_household_id == w.household.pk
    told = Notification.objects.get(user=w.privacy_officer)
    assert told.title == "AVG-verzoek (inzage in eigen gegevens) bij HH-T-0001" and "Dirk" not in told.title


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "forget"}, "kind"),
        ({"how_received": "pigeon"}, "how_received"),
        ({"asked": "ok"}, "asked"),
        ({"asked": "Ik wil\x00 inzage"}, "asked"),
        ({"received_on": None}, "received_on"),
        ({"received_on": date(2099, 1, 1)}, "received_on"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_nothing_is_stored(family, change, field):
    w = family
    with pytest.raises(ValidationError) as refused:
        record(w, **change)
    assert field in refused.value.message_dict
    assert not RightsRequest.objects.exists()


def test_only_a_member_of_the_household_and_one_the_worker_sees(family):
    w = family
    stranger = Person.objects.create(given_names="Carla", family_name="Zwart")
    for person in (stranger, w.anna):
        with pytest.raises(ValidationError) as refused:
            record(w, who=w.probation, person=person)  # probation works with Dirk only
        assert refused.value.message_dict["person"] == ["Kies het gezinslid van wie het verzoek is."]
    assert record(w, who=w.probation).person == w.dirk


def test_who_does_not_work_with_the_household_records_nothing(family):
    w = family
    expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    for who in (w.colleague, w.other_org, w.manager, w.privacy_officer, expert):
        with pytest.raises(PermissionDenied):
            record(w, who=who)
    assert not RightsRequest.objects.exists()


def test_a_decision_needs_a_reason_and_is_taken_once(family):
    w = family
    request = record(w)
    actor = actor_for(w.involved)
    for outcome, reason in (("granted", ""), ("granted", "Ja."), ("maybe", REASON)):
        with pytest.raises(ValidationError):
            services.decide(actor, request, outcome, reason)
    request.refresh_from_db()
    assert request.status == RightsStatus.RECEIVED and request.decision == ""
    services.decide(actor, request, "partly_granted", REASON)
    request.refresh_from_db()
    assert request.status == RightsStatus.PARTLY_GRANTED and request.decision == REASON
    assert request.decided_by == w.involved and request.decided_by_name == "Involved Test"
    assert request.decided_by_organisation == w.org_a
    stale = RightsRequest.objects.get(pk=request.pk)
    stale.status = RightsStatus.RECEIVED  # as read before the first decision
    with pytest.raises(ValidationError, match="intussen al besloten"):
        services.decide(actor_for(w.involved), stale, "refused", REASON)
    assert AccessLogEntry.objects.filter(object_type="rights_request", action="update").count() == 1


def test_the_database_keeps_a_decision_with_its_reason(family):
    request = record(family)
    with pytest.raises(IntegrityError), transaction.atomic():
        RightsRequest.objects.filter(pk=request.pk).update(status=RightsStatus.REFUSED)


def test_an_access_request_is_done_when_its_export_made_first_is_delivered(family):
    w = family
    actor = actor_for(w.involved)
    request = record(w)
    with pytest.raises(ValidationError, match="Besluit eerst"):
        services.deliver(actor, request)
    services.decide(actor, request, "granted", REASON)
    with pytest.raises(ValidationError, match="Maak eerst het overzicht"):
        services.deliver(actor, request)
    services.note_export(actor, request, "pdf")
    request.refresh_from_db()
    assert request.exported_at is not None and request in RightsRequest.objects.open()
    services.deliver(actor, request)
    request.refresh_from_db()
    assert request.status == RightsStatus.DELIVERED and request.delivered_by == w.involved
    assert request not in RightsRequest.objects.open()


def test_other_kinds_end_with_the_decision_and_have_no_export(family):
    w = family
    actor = actor_for(w.involved)
    request = record(w, kind="correction", asked="Mijn geboortedatum klopt niet, het is 3 maart 1988.")
    with pytest.raises(PermissionDenied):
        services.note_export(actor, request, "pdf")
    services.decide(actor, request, "granted", "De geboortedatum is verbeterd naar 3 maart 1988.")
    request.refresh_from_db()
    assert not request.is_open and request not in RightsRequest.objects.open()
    with pytest.raises(ValidationError, match="Alleen bij een verzoek om inzage"):
        services.deliver(actor, request)


def test_a_refused_access_request_has_no_export(family):
    w = family
    actor = actor_for(w.involved)
    request = record(w)
    services.decide(actor, request, "refused", "U hebt dezelfde inzage vorige week al gekregen.")
    with pytest.raises(PermissionDenied):
        services.note_export(actor, request, "pdf")


def test_days_left_and_late(family):
    w = family
    request = record(w, received_on=timezone.localdate() - timedelta(days=40))
    assert request.overdue and request.days_late == (timezone.localdate() - request.due_on).days
