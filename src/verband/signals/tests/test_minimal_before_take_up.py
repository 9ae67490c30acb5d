"""Minimal data before take-up: an inbox item and the signal page of a party asked to take it up show
what is needed to decide (kind, urgency, area, roles and ages, danger to professionals, clock, why) —
names, birth dates, the description and the reporter only after take-up."""

from datetime import date

import pytest
from django.utils import timezone

from verband.households.models import Person
from verband.network.models import Role
from verband.safety.models import DangerFact
from verband.sharing.models import AccessLogEntry
from verband.signals import selectors, services
from verband.signals.models import Activation, Signal, SignalPerson
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for, make_user

SECRETS = (
    "Yasmin",
    "Tarik",
    "Bakker",
    "Koster",
    "geschreeuw",
    "2018",
    "1991",
    "06-12345678",
)


def report(world, **changes) -> Signal:
    """A police report about a family Verband does not know yet: mother, child and her ex-partner."""
    data = SignalInput(
        kind="police_registration",
        description="Buren hoorden geschreeuw; de politie ging erheen.",
        persons=[
            PersonInput(role="victim", given_names="Yasmin", family_name="Bakker", birth_year=1991, birth_month=3, birth_day=4),
            PersonInput(role="child", given_names="Tarik", family_name="Bakker", birth_year=2018),
            PersonInput(role="perpetrator", given_names="Rob", family_name="Koster"),
        ],
        reporter_phone="06-12345678",
        children_involved=True,
        postcode="1012AB",
    )  # fmt: skip
    for name, value in changes.items():
        setattr(data, name, value)
    reporter = actor_for(world.other_org)
    signal, _created = services.receive(reporter, data)
    services.recognise(signal)
    services.finish(signal.pk, reporter)
    signal.refresh_from_db()
    return signal


def child_age() -> int:
    return timezone.localdate().year - 2018


def test_age_and_role_from_the_year_of_birth():
    today = date(2026, 6, 1)
    assert selectors.age_and_role(SignalPerson(role="child", birth_year=2019), today) == "kind, 7 jaar"
    assert selectors.age_and_role(SignalPerson(role="child", birth_year=2025), today) == "kind, 1 jaar"
    assert (
        selectors.age_and_role(SignalPerson(role="victim", birth_year=1980), today)
        == "slachtoffer, volwassene"
    )
    assert selectors.age_and_role(SignalPerson(role="perpetrator"), today) == "pleger, leeftijd onbekend"


def test_the_area_is_the_postcode_digits_or_nothing():
    assert selectors.area_of(Signal(postcode="1012AB")) == "1012"
    assert selectors.area_of(Signal(postcode="")) == ""
    assert selectors.area_of(Signal(postcode="AB12")) == ""


@pytest.mark.parametrize("persona", ["vt", "involved", "coordinator"])
def test_the_inbox_shows_what_is_needed_to_decide_and_no_more(world, as_user, persona):
    """The reporting centre (every signal), the covering neighbourhood team (children) and the covering
    network (help) each see the item without names, birth dates, description, reporter or reference."""
    signal = report(world)
    assert signal.household is not None
    DangerFact.objects.create(household=signal.household, kind="weapon")
    page = as_user(getattr(world, persona)).get("/werkbak/").content.decode()
    assert signal.reference in page and "Politieregistratie" in page
    assert "postcodegebied 1012" in page
    assert f"kind, {child_age()} jaar" in page and "slachtoffer, volwassene" in page
    assert "pleger, leeftijd onbekend" in page
    assert "Gevaar voor hulpverleners" in page and "Wapen aanwezig" in page
    assert "werkdag" in page  # the clock
    for secret in (*SECRETS, signal.household.reference):
        assert secret not in page, secret


def test_a_party_that_already_sees_the_household_sees_its_reference(world, as_user):
    """A report about Anna (recognised) lands on her household: her team sees its reference in the
    inbox, the reporting centre (not involved) does not."""
    anna = Person.objects.get(given_names="Anna")
    reporter = actor_for(world.other_org)
    signal, _ = services.receive(
        reporter,
        SignalInput(
            kind="report",
            description="Zorgen over Anna.",
            persons=[PersonInput(role="victim", given_names="Anna", family_name="van Dam", birth_year=1990, birth_month=1, birth_day=2)],
            children_involved=True,
            postcode="1012AB",
        ),
    )  # fmt: skip
    (victim,) = services.recognise(signal)
    services.confirm_recognition(reporter, signal, {victim.pk: anna.pk})
    services.finish(signal.pk, reporter)
    assert "HH-T-0001" in as_user(world.involved).get("/werkbak/").content.decode()
    assert "HH-T-0001" not in as_user(world.vt).get("/werkbak/").content.decode()


def test_the_inbox_log_says_what_was_shown_and_on_which_basis(world, as_user):
    signal = report(world)
    as_user(world.vt).get("/werkbak/")
    activation = Activation.objects.get(signal=signal, team=world.team_vt)
    entry = AccessLogEntry.objects.get(username="vt", object_type="inbox", action="list")
    assert entry.subject_household_id == signal.household_id and entry.subject_person_id is None
    assert entry.basis == f"activation:{activation.pk}:safety_assessment"


def test_the_signal_page_before_take_up_is_the_same_minimal_view(world, as_user):
    signal = report(world, acute_danger=True)
    client = as_user(world.vt)
    response = client.get(f"/meldingen/{signal.reference}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Om te beslissen of u het oppakt" in page and "postcodegebied 1012" in page
    assert f"kind, {child_age()} jaar" in page and "acuut gevaar" in page
    assert "Team Veiligheidsbeoordeling" in page
    assert "Wijkteam Noord" not in page  # who else was asked is not told before take-up
    assert "Politie Testdorp" not in page  # nor who reported it
    for secret in (*SECRETS, signal.household.reference):
        assert secret not in page, secret
    entry = AccessLogEntry.objects.get(username="vt", object_type="signal_pending")
    assert entry.subject_household_id == signal.household_id and entry.basis.startswith("activation:")
    # Taken up: names, description and the reporter appear.
    activation = Activation.objects.get(signal=signal, team=world.team_vt)
    client.post(f"/werkbak/{activation.pk}/oppakken/", {"legal_basis": "legal_task"})
    page = client.get(f"/meldingen/{signal.reference}/").content.decode()
    assert "Yasmin Bakker" in page and "geschreeuw" in page and "06-12345678" in page
    assert AccessLogEntry.objects.filter(username="vt", object_type="signal", action="view").exists()


def test_signal_page_per_persona(world, as_user):
    signal = report(world)
    url = f"/meldingen/{signal.reference}/"
    expert_in_team = make_user("ervaring_team", world.org_a, Role.EXPERIENCE_EXPERT, world.team_a1)
    expert_alone = make_user("ervaring_los", world.org_a, Role.EXPERIENCE_EXPERT)
    for user in (world.vt, world.involved, world.coordinator, expert_in_team):  # asked: the minimal view
        page = as_user(user).get(url).content.decode()
        assert "Om te beslissen" in page and "Yasmin" not in page and "geschreeuw" not in page, user
    reporter = as_user(world.other_org).get(url).content.decode()
    assert "Vervolg" in reporter and "Om te beslissen" not in reporter and "Yasmin" not in reporter
    for user in (world.colleague, expert_alone):
        assert as_user(user).get(url).status_code == 404
    assert as_user(world.manager).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302


def test_a_network_member_of_the_reporting_organisation_sees_the_minimal_view(world, as_user):
    """Every network member, police included, no longer reads a signal routed to the network before
    anyone takes it up."""
    world.other_org.memberships.get().networks.add(world.network)
    signal = report(world)
    page = as_user(world.other_org).get(f"/meldingen/{signal.reference}/").content.decode()
    assert "Om te beslissen" in page and "geschreeuw" not in page and "Yasmin" not in page
    inbox = as_user(world.other_org).get("/werkbak/").content.decode()
    assert signal.reference in inbox and "Yasmin" not in inbox
