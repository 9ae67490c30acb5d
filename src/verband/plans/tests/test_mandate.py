"""Issue 14, item 8: "Ik neem de regie" names the line manager who gives the mandate, and that line manager
is asked. Until they confirm, the regie shows "mandaat gevraagd" and the escalation engine watches it; a
refusal ends the regie and tells the professional."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from verband.escalation import lifecycle
from verband.escalation.models import Escalation, EscalationKind
from verband.network.models import Role
from verband.notifications.models import Notification
from verband.plans import regie
from verband.plans.models import MandateStatus, Regie
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_user


def at(day: date):
    return time_machine.travel(
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9)), tick=False
    )


def take_regie(w, day=date(2026, 3, 2)) -> Regie:
    """The involved professional takes regie herself and names her line manager."""
    with at(day):
        transfer = regie.request_regie(actor_for(w.involved), w.household, w.involved.memberships.get().pk)
        return regie.accept_regie(actor_for(w.involved), transfer, w.lm_a.pk)


def test_taking_regie_asks_the_line_manager_named(partners, as_user, client):
    w = partners
    taken = take_regie(w)
    assert taken.mandate_status == MandateStatus.REQUESTED
    url = reverse("plans:mandate", args=[taken.pk])
    asked = Notification.objects.get(user=w.lm_a)
    assert asked.url == url and w.household.reference in asked.title and "Anna" not in asked.title
    # "mandaat gevraagd" wherever the regie is shown: the household page, the plan, the API.
    page = (
        as_user(w.involved).get(reverse("households:detail", args=[w.household.reference])).content.decode()
    )
    assert "mandaat gevraagd" in page
    api = client.get(
        f"/api/v1/households/{w.household.reference}/regie", HTTP_AUTHORIZATION=f"Bearer {w.token_a}"
    ).json()
    assert api["mandate"] == "requested" and api["history"][0]["mandate"] == "requested"
    # The line manager's Mijn werk and list show it.
    lm = as_user(w.lm_a)
    assert url in lm.get(reverse("workspace:my_work")).content.decode()
    assert url in lm.get(reverse("plans:mandates")).content.decode()


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("lm_a", 200, 302),  # the line manager named answers
        ("involved", 200, 404),  # the regisseur reads it, does not answer it
        ("lm_b", 404, 404),  # another organisation's line manager
        ("colleague", 404, 404),  # a colleague of the same organisation
        ("manager", 403, 403),  # no case work
        ("anonymous", 302, 302),
    ],
)
def test_mandate_page_per_persona(partners, as_user, who, get, post):
    w = partners
    taken = take_regie(w)
    url = reverse("plans:mandate", args=[taken.pk])
    user = None if who == "anonymous" else getattr(w, who)
    client = as_user(user)
    assert client.get(url).status_code == get
    assert client.post(url, {"decision": "confirm"}).status_code == post
    taken.refresh_from_db()
    assert taken.mandate_status == (
        MandateStatus.CONFIRMED if post == 302 and user else MandateStatus.REQUESTED
    )
    if get == 404:
        assert AccessLogEntry.objects.filter(username=who, object_type="regie", outcome="denied").exists()


def test_confirming_tells_the_regisseur_and_the_page_says_mandated(partners, as_user):
    w = partners
    taken = take_regie(w)
    regie.confirm_mandate(actor_for(w.lm_a), taken)
    assert Notification.objects.filter(user=w.involved, title__contains="bevestigd").exists()
    page = (
        as_user(w.involved).get(reverse("households:detail", args=[w.household.reference])).content.decode()
    )
    assert '<span class="tag tag-urgent">mandaat gevraagd' not in page and "mandaat van" in page
    with pytest.raises(ValidationError):  # once
        regie.confirm_mandate(actor_for(w.lm_a), taken)


def test_refusing_ends_the_regie_and_tells_the_professional(partners, as_user):
    w = partners
    taken = take_regie(w)
    url = reverse("plans:mandate", args=[taken.pk])
    lm = as_user(w.lm_a)
    short = lm.post(url, {"decision": "refuse", "reason": "nee"})
    assert short.status_code == 400 and "nee" in short.content.decode()  # what was typed stays
    assert (
        lm.post(
            url, {"decision": "refuse", "reason": "Zij heeft al twintig zaken; Piet neemt het."}
        ).status_code
        == 302
    )
    taken.refresh_from_db()
    assert taken.mandate_status == MandateStatus.REFUSED and taken.ended_at is not None
    assert regie.current_regie(w.household) is None  # the regie was not taken
    told = Notification.objects.get(user=w.involved, title__contains="geweigerd")
    assert told.url == url and "Anna" not in told.title
    mine = as_user(w.involved).get(url).content.decode()
    assert "Piet neemt het" in mine and "mandaat geweigerd" in mine
    page = (
        as_user(w.involved).get(reverse("households:detail", args=[w.household.reference])).content.decode()
    )
    assert "Nog geen regisseur." in page
    with pytest.raises(PermissionDenied):
        regie.refuse_mandate(actor_for(w.lm_b), taken, "Niet mijn organisatie, toch weigeren.")


def test_an_unconfirmed_mandate_is_escalated_after_its_norm(partners):
    w = partners
    w.other_household.status = "closed"
    w.other_household.save()
    taken = take_regie(w, day=date(2026, 3, 2))  # Monday; norm 2 working days: due Wednesday 4 March
    with at(date(2026, 3, 4)):
        lifecycle.sweep()
    assert not Escalation.objects.filter(kind=EscalationKind.MANDATE_UNCONFIRMED).exists()
    with at(date(2026, 3, 5)):
        lifecycle.sweep()
    e = Escalation.objects.get(kind=EscalationKind.MANDATE_UNCONFIRMED)
    assert (e.subject_type, e.subject_id) == ("regie", taken.pk)
    assert {r.membership.user.username for r in e.recipients.all()} == {"involved", "lm_a"}
    assert "Anna" not in e.summary and w.household.reference in e.summary
    regie.confirm_mandate(actor_for(w.lm_a), taken)
    with at(date(2026, 3, 6)):
        assert lifecycle.sweep()["cleared"] >= 1
    e.refresh_from_db()
    assert e.status == "cleared"


def test_a_line_manager_who_left_cannot_answer(partners):
    w = partners
    taken = take_regie(w)
    other = make_user("lm_a2", w.org_a, Role.LINE_MANAGER, w.team_a2)
    with pytest.raises(PermissionDenied):
        regie.confirm_mandate(actor_for(other), taken)


@pytest.mark.parametrize(
    ("who", "status", "listed"),
    [
        ("lm_a", 200, True),
        ("lm_b", 200, False),
        ("involved", 200, False),
        ("manager", 403, False),
        ("anonymous", 302, False),
    ],
)
def test_mandates_list_per_persona(partners, as_user, who, status, listed):
    w = partners
    taken = take_regie(w)
    response = as_user(None if who == "anonymous" else getattr(w, who)).get(reverse("plans:mandates"))
    assert response.status_code == status
    if status == 200:
        assert (reverse("plans:mandate", args=[taken.pk]) in response.content.decode()) is listed
