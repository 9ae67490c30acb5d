"""The pages of measures, closing and tasks, per persona: the regisseur, a partner involved with the whole
household, probation working with Dirk only (member-scoped), an uninvolved colleague (404, logged as
denied) and someone signed out (to the sign-in page). Refusals keep what was typed."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client

from verband.households.models import HouseholdStatus
from verband.measures import clocks, services
from verband.measures.models import MeasureExtension, ProtectiveMeasure
from verband.network.models import Role
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.tasks.models import Task
from verband.testing import actor_for, make_user, sign_in

MONDAY = date(2026, 3, 2)


@pytest.fixture
def pages(fam):
    w = fam
    w.partner = make_user("wijk2", w.org_a, Role.PROFESSIONAL, w.team_a1)
    actor = actor_for(w.involved)
    with time_machine.travel(MONDAY, tick=False):
        w.ban = services.record_measure(actor, w.household, services.MeasureInput(
            kind="house_ban", person_id=w.dirk.pk, starts_on=MONDAY,
        ))  # fmt: skip
        w.alarm = services.record_measure(actor, w.household, services.MeasureInput(
            kind="aware", person_id=w.anna.pk, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=180),
        ))  # fmt: skip
    return w


def client_for(user):
    return sign_in(Client(), user) if user is not None else Client()


def personas(w):
    return {
        "regisseur": w.involved,
        "partner": w.partner,
        "probation": w.probation,
        "colleague": w.colleague,
        "anonymous": None,
    }


def denied(username, object_type):
    return AccessLogEntry.objects.filter(
        username=username, object_type=object_type, outcome="denied"
    ).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("regisseur", 200), ("partner", 200), ("probation", 200), ("colleague", 404), ("anonymous", 302)],
)
def test_the_list_of_measures(pages, persona, status):
    user = personas(pages)[persona]
    response = client_for(user).get(f"/huishoudens/{pages.household.reference}/maatregelen/")
    assert response.status_code == status
    if status == 404:
        assert denied(user.username, "household")
    if status != 200:
        return
    page = response.content.decode()
    assert "Huisverbod" in page
    if persona == "probation":
        assert "AWARE" not in page and "Anna" not in page and "1 maatregel ziet u niet" in page
    else:
        assert "AWARE-alarm" in page
    entries = AccessLogEntry.objects.filter(username=user.username, object_type="measure", action="view")
    assert pages.dirk.pk in {s.person_id for s in logged_subjects(entries)}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("regisseur", 200), ("partner", 200), ("probation", 200), ("colleague", 404), ("anonymous", 302)],
)
def test_the_form_for_a_new_measure(pages, persona, status):
    user = personas(pages)[persona]
    response = client_for(user).get(f"/huishoudens/{pages.household.reference}/maatregelen/nieuw/")
    assert response.status_code == status
    if persona == "probation":  # only Dirk to choose
        page = response.content.decode()
        assert "Dirk" in page and "Anna" not in page


def test_recording_through_the_page_and_a_refusal_keeps_what_was_typed(pages):
    client = client_for(pages.involved)
    url = f"/huishoudens/{pages.household.reference}/maatregelen/nieuw/"
    data = {
        "kind": "detention", "person": pages.dirk.pk, "starts_on": "2026-03-10", "ends_on": "2026-03-01",
        "detail": "PI Testdorp",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "De einddatum moet na de begindatum liggen." in page and "PI Testdorp" in page
    assert 'value="2026-03-10"' in page
    assert not ProtectiveMeasure.objects.filter(kind="detention").exists()
    data["ends_on"] = "2026-06-01"
    assert client.post(url, data).status_code == 302
    assert ProtectiveMeasure.objects.filter(kind="detention", person=pages.dirk).exists()


def test_probation_cannot_record_a_measure_about_anna(pages):
    response = client_for(pages.probation).post(
        f"/huishoudens/{pages.household.reference}/maatregelen/nieuw/",
        {"kind": "aware", "person": pages.anna.pk, "starts_on": "2026-03-10", "ends_on": "2026-09-01"},
    )
    assert response.status_code == 400
    assert ProtectiveMeasure.objects.count() == 2


@time_machine.travel(MONDAY + timedelta(days=5), tick=False)
def test_extending_through_the_page_refuses_more_than_28_days(pages):
    client = client_for(pages.involved)
    url = f"/huishoudens/{pages.household.reference}/maatregelen/{pages.ban.pk}/verlengen/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"decided_on": "2026-03-07", "new_end": "2026-04-15"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ten hoogste 28 dagen" in page and 'value="2026-04-15"' in page
    assert not MeasureExtension.objects.exists()
    assert client.post(url, {"decided_on": "2026-03-07", "new_end": "2026-03-30"}).status_code == 302
    pages.ban.refresh_from_db()
    assert pages.ban.ends_on == date(2026, 3, 30)


@pytest.mark.parametrize(
    ("persona", "status"),
    # Probation works only with the perpetrator: it reads his huisverbod but does not extend or end it (that
    # would close the review of what protects her) — unless probation recorded it.
    [("regisseur", 200), ("partner", 200), ("probation", 404), ("colleague", 404), ("anonymous", 302)],
)
def test_the_extend_and_end_pages_of_the_house_ban(pages, persona, status):
    user = personas(pages)[persona]
    client = client_for(user)
    ref = pages.household.reference
    for what in ("verlengen", "beeindigen"):
        assert client.get(f"/huishoudens/{ref}/maatregelen/{pages.ban.pk}/{what}/").status_code == status
    if persona == "probation":
        assert denied(user.username, "measure")
        assert (
            client.post(
                f"/huishoudens/{ref}/maatregelen/{pages.ban.pk}/beeindigen/",
                {"reason": "Hij gedraagt zich goed."},
            ).status_code
            == 404
        )
        pages.ban.refresh_from_db()
        assert pages.ban.ended_at is None


def test_the_alarm_is_not_found_for_the_perpetrators_partner(pages):
    client = client_for(pages.probation)
    ref = pages.household.reference
    assert client.get(f"/huishoudens/{ref}/maatregelen/{pages.alarm.pk}/beeindigen/").status_code == 404
    assert denied(pages.probation.username, "measure")
    assert (
        client.post(
            f"/huishoudens/{ref}/maatregelen/{pages.alarm.pk}/beeindigen/", {"reason": "x"}
        ).status_code
        == 404
    )
    pages.alarm.refresh_from_db()
    assert pages.alarm.ended_at is None


def test_ending_early_needs_a_reason(pages):
    client = client_for(pages.involved)
    url = f"/huishoudens/{pages.household.reference}/maatregelen/{pages.alarm.pk}/beeindigen/"
    assert client.post(url, {"reason": "  "}).status_code == 400
    assert client.post(url, {"reason": "Alarm ingeleverd bij de politie."}).status_code == 302
    pages.alarm.refresh_from_db()
    assert pages.alarm.ended_at is not None and pages.alarm.end_reason == "Alarm ingeleverd bij de politie."


@pytest.mark.parametrize(
    ("persona", "status"),
    [("regisseur", 200), ("partner", 403), ("probation", 403), ("colleague", 404), ("anonymous", 302)],
)
def test_the_closing_page_is_the_regisseurs(pages, persona, status):
    user = personas(pages)[persona]
    response = client_for(user).get(f"/huishoudens/{pages.household.reference}/afsluiten/")
    assert response.status_code == status
    if status in (403, 404):
        assert AccessLogEntry.objects.filter(username=user.username, outcome="denied").exists()


def test_closing_through_the_page_asks_for_confirmation(pages):
    client = client_for(pages.involved)
    url = f"/huishoudens/{pages.household.reference}/afsluiten/"
    data = {
        f"score_{pages.anna.pk}": "7", f"score_{pages.bram.pk}": "8", f"score_{pages.dirk.pk}": "7",
        "summary": "Veilig genoeg; nazorg afgesproken.", "aftercare": ["3", "6", "12"],
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Bevestig dat u de casus afsluit." in response.content.decode()
    assert "Veilig genoeg; nazorg afgesproken." in response.content.decode()
    pages.household.refresh_from_db()
    assert pages.household.status == HouseholdStatus.ACTIVE
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    pages.household.refresh_from_db()
    assert pages.household.status == HouseholdStatus.CLOSED
    assert Task.objects.filter(kind="aftercare_check").count() == 3


@pytest.mark.parametrize("persona", ["regisseur", "partner", "probation", "colleague"])
def test_my_tasks(pages, persona):
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
    user = personas(pages)[persona]
    page = client_for(user).get("/taken/").content.decode()
    mine = persona == "regisseur"
    assert ("Veiligheidsplan herzien" in page) is mine
    assert "Dirk" not in page and "Anna" not in page


def test_a_task_left_behind_when_access_ended_is_not_listed(pages):
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
    assert "Veiligheidsplan herzien" in client_for(pages.involved).get("/taken/").content.decode()
    Task.objects.update(assignee=pages.colleague)  # given to someone who does not work with the household
    page = client_for(pages.colleague).get("/taken/").content.decode()
    assert "Veiligheidsplan herzien" not in page and pages.household.reference not in page


def test_signed_out_has_no_tasks_page():
    assert Client().get("/taken/").status_code == 302


def test_a_task_is_done_only_by_whom_it_is_given_to(pages):
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
    task = Task.objects.get()
    for user in (pages.partner, pages.probation, pages.colleague):
        assert client_for(user).post(f"/taken/{task.pk}/afronden/", {"note": "gedaan"}).status_code == 404
        assert denied(user.username, "task")
    task.refresh_from_db()
    assert task.done_at is None
    response = client_for(pages.involved).post(
        f"/taken/{task.pk}/afronden/", {"note": "Plan herzien met Anna."}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == pages.involved and task.done_note == "Plan herzien met Anna."


def test_the_household_page_shows_measures_in_force_and_tasks(pages):
    with time_machine.travel(date(2026, 3, 9), tick=False):
        clocks.sweep()
        page = client_for(pages.involved).get(f"/huishoudens/{pages.household.reference}/").content.decode()
        probation_page = (
            client_for(pages.probation).get(f"/huishoudens/{pages.household.reference}/").content.decode()
        )
    assert "Beschermende maatregelen" in page and "AWARE-alarm" in page and "Veiligheidsplan herzien" in page
    assert "Casus afsluiten" in page
    assert "AWARE" not in probation_page and "Casus afsluiten" not in probation_page
