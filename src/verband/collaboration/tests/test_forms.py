"""The forms of handovers, help and case meetings: a Dutch error next to the field, what was typed shown
again, and nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.collaboration import meetings
from verband.collaboration.models import CaseMeeting, Handover, Help, HelpKind
from verband.escalation.tests.test_engine import shelter  # noqa: F401 - fixture
from verband.plans.models import PlanAction
from verband.testing import FIVE_ANSWERS


def _body(response):
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("question", "Opvang\x00plek nodig vandaag.", "Nultekens zijn niet toegestaan."),
        ("question", "q" * 1001, "Ten hoogste 1000 tekens."),
        ("question", "   ", "Zeg in een zin wat u van hen vraagt."),
        ("to_team", "abc", "Kies uit de lijst."),
        ("person", "1\x00", "Kies uit de lijst."),
    ],
)
def test_handover_request_refuses_bad_input(shelter, as_user, field, value, message):  # noqa: F811
    w = shelter
    data = {"kind": "referral", "to_team": str(w.team_shelter.pk), "question": "Opvangplek nodig vandaag."}
    data[field] = value
    response = as_user(w.involved).post(f"/huishoudens/{w.household.reference}/overdragen/", data)
    assert response.status_code == 400
    field_id = {"to_team": "to-team"}.get(field, field)
    assert f'id="{field_id}-error">{message}' in _body(response)
    if field != "question":
        assert "Opvangplek nodig vandaag.</textarea>" in _body(response)  # kept
    assert not Handover.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("niet\x00nu, geen plek", "Nultekens zijn niet toegestaan."),
        ("r" * 1001, "Ten hoogste 1000 tekens."),
        ("", "Leg in een zin uit waarom u niet accepteert."),
    ],
)
def test_handover_answer_refuses_bad_input(shelter, as_user, reason, message):  # noqa: F811
    w = shelter
    as_user(w.involved).post(
        f"/huishoudens/{w.household.reference}/overdragen/",
        {
            "kind": "referral",
            "to_team": str(w.team_shelter.pk),
            "question": "Opvangplek nodig vandaag.",
            **FIVE_ANSWERS,
        },
    )
    handover = Handover.objects.get()
    response = as_user(w.shelter_worker).post(
        f"/overdrachten/{handover.pk}/", {"decision": "reject", "reason": reason}
    )
    assert response.status_code == 400
    assert f'id="reason-error">{message}' in _body(response)
    handover.refresh_from_db()
    assert handover.status == "pending"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "a\x00b", "Nultekens zijn niet toegestaan."),
        ("note", "n" * 501, "Ten hoogste 500 tekens."),
        ("kind", "", "Kies een soort hulp uit de catalogus van de regio."),
        ("kind", "zes", "Kies uit de lijst."),
        ("provider", "9" * 30, "Kies uit de lijst."),
        ("funding", "gratis", "Kies hoe het gefinancierd wordt."),
    ],
)
def test_help_refuses_bad_input(shelter, as_user, field, value, message):  # noqa: F811
    w = shelter
    kind = HelpKind.objects.create(region=w.region, name="Opvangplek", default_funding="wmo")
    data = {"kind": str(kind.pk), "funding": "wmo", "note": "Via de huisarts"}
    data[field] = value
    response = as_user(w.involved).post(f"/huishoudens/{w.household.reference}/hulp/", data)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}' in _body(response)
    if field != "note":
        assert 'value="Via de huisarts"' in _body(response)
    assert not Help.objects.exists()


def test_help_status_refuses_a_status_off_the_list(shelter, as_user):  # noqa: F811
    w = shelter
    kind = HelpKind.objects.create(region=w.region, name="Opvangplek", default_funding="wmo")
    client = as_user(w.involved)
    url = f"/huishoudens/{w.household.reference}/hulp/"
    client.post(url, {"kind": str(kind.pk), "funding": "wmo"})
    help_ = Help.objects.get()
    response = client.post(f"{url}{help_.pk}/status/", {"status": "klaar\x00"}, follow=True)
    assert "Kies een status." in _body(response)
    response = client.post(f"{url}{help_.pk}/status/", {"status": "waiting", "provider": "x"}, follow=True)
    assert "Kies uit de lijst." in _body(response)
    assert Help.objects.get().status == help_.status


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location", "Zaal\x00 3", "Nultekens zijn niet toegestaan."),
        ("location", "z" * 201, "Ten hoogste 200 tekens."),
        ("date", "morgen", "Geef de datum en tijd van het overleg."),
        ("experience_expert", "iemand", "Kies uit de lijst."),
    ],
)
def test_schedule_refuses_bad_input(shelter, as_user, field, value, message):  # noqa: F811
    w = shelter
    data = {
        "household_ref": w.household.reference,
        "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "time": "10:00",
        "location": "Wijkkantoor",
        "households": [w.household.pk],
    }
    data[field] = value
    response = as_user(w.involved).post(f"/overleggen/nieuw/?huishouden={w.household.reference}", data)
    assert response.status_code == 400
    field_id = {"experience_expert": "expert"}.get(field, field)
    assert f'id="{field_id}-error">{message}' in _body(response)
    assert not CaseMeeting.objects.exists()


def test_schedule_refuses_an_agenda_id_that_is_no_id(shelter, as_user):  # noqa: F811
    w = shelter
    data = {
        "household_ref": w.household.reference,
        "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "time": "10:00",
        "households": [str(w.household.pk), "1\x00"],
    }
    response = as_user(w.involved).post(f"/overleggen/nieuw/?huishouden={w.household.reference}", data)
    assert response.status_code == 400 and "Kies uit de lijst." in _body(response)
    assert not CaseMeeting.objects.exists()


@pytest.mark.parametrize(
    ("suffix", "value", "message"),
    [
        ("decisions", "besluit\x00", "Nultekens zijn niet toegestaan."),
        ("decisions", "b" * 10001, "Ten hoogste 10000 tekens."),
        ("act-0-text", "x" * 501, "Ten hoogste 500 tekens."),
        ("act-0-org", "", "Kies de eigenaar van elke actie."),
        ("act-0-org", "org", "Kies uit de lijst."),
        ("member", "lid", "Kies uit de lijst."),
    ],
)
def test_holding_a_meeting_refuses_bad_input(shelter, as_user, suffix, value, message):  # noqa: F811
    w = shelter
    client = as_user(w.involved)
    client.post(
        f"/overleggen/nieuw/?huishouden={w.household.reference}",
        {
            "household_ref": w.household.reference,
            "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "time": "10:00",
            "households": [w.household.pk],
        },
    )
    meeting = CaseMeeting.objects.get()
    key = f"item-{meeting.items.get().pk}"
    form = {
        "present": [w.org_a.pk],
        "minutes": "Kort overleg",
        f"{key}-decisions": "Wijkteam plant huisbezoek.",
        f"{key}-act-0-text": "Huisbezoek plannen",
        f"{key}-act-0-org": str(w.org_a.pk),
        f"{key}-act-0-due": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    form[f"{key}-{suffix}"] = value
    response = client.post(f"/overleggen/{meeting.pk}/", form)
    assert response.status_code == 400
    body = _body(response)
    assert message in body and "Kort overleg</textarea>" in body
    assert message in body.split('class="field-error"', 1)[1][:300]  # next to its field
    meeting.refresh_from_db()
    assert meeting.status == meetings.MeetingStatus.PLANNED and not PlanAction.objects.exists()


def test_minutes_with_a_nul_are_refused(shelter, as_user):  # noqa: F811
    w = shelter
    client = as_user(w.involved)
    client.post(
        f"/overleggen/nieuw/?huishouden={w.household.reference}",
        {
            "household_ref": w.household.reference,
            "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "time": "10:00",
            "households": [w.household.pk],
        },
    )
    meeting = CaseMeeting.objects.get()
    response = client.post(f"/overleggen/{meeting.pk}/", {"present": ["x"], "minutes": "a\x00"})
    assert response.status_code == 400
    assert "Nultekens zijn niet toegestaan." in _body(response) and "Kies uit de lijst." in _body(response)
