"""When a closed household's period is over: per kind of organisation, the longest period of every
organisation ever involved wins, counted from the day it closed; Veilig Thuis also keeps it until the
youngest child is 18."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps as django_apps
from django.utils import timezone

from verband.actors import SYSTEM
from verband.households.models import HouseholdMember, Person
from verband.network.models import Organisation, Team
from verband.retention import sweep
from verband.retention.config import BUILT_IN, DEFAULT, Birth, load, parse
from verband.retention.tests.conftest import close, years_later
from verband.sharing import services as sharing_services
from verband.sharing.models import Involvement

DEFAULTS = load(BUILT_IN)
CLOSED = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("kinds", "ends", "decided_by"),
    [
        ({"police"}, date(2031, 3, 15), "police"),
        ({"probation"}, date(2031, 3, 15), "probation"),
        ({"shelter"}, date(2041, 3, 15), "shelter"),
        ({"neighbourhood_team"}, date(2046, 3, 15), "neighbourhood_team"),
        ({"reporting_centre"}, date(2046, 3, 15), "reporting_centre"),
        ({"mental_health"}, date(2046, 3, 15), "mental_health"),
        # Longest wins, whatever the order.
        ({"police", "shelter"}, date(2041, 3, 15), "shelter"),
        ({"shelter", "police", "youth_protection"}, date(2046, 3, 15), "youth_protection"),
        # Nobody was ever involved: the default.
        (set(), date(2046, 3, 15), DEFAULT),
    ],
)
def test_the_period_per_kind_and_the_longest_wins(kinds, ends, decided_by):
    expiry = DEFAULTS.expiry(CLOSED, kinds)
    assert (expiry.on, expiry.kind) == (ends, decided_by)


def test_a_kind_may_keep_it_until_the_youngest_child_is_of_age():
    retention = parse(
        "default: {years: 20, basis: x}\n"
        "kinds:\n"
        "  reporting_centre: {years: 5, until_youngest_child_is: 18, basis: x}\n"
        "  police: {years: 5, basis: x}\n",
        source="regio.yaml",
    )
    toddler, teenager = Birth(2024, 6, 10), Birth(2012, 1, 1)
    assert retention.expiry(CLOSED, {"reporting_centre"}, [teenager]).on == date(2031, 3, 15)
    assert retention.expiry(CLOSED, {"reporting_centre"}, [teenager, toddler]).on == date(2042, 6, 10)
    # The rule is the reporting centre's own: the police's period does not wait for the child.
    assert retention.expiry(CLOSED, {"police"}, [toddler]).on == date(2031, 3, 15)
    assert retention.expiry(CLOSED, {"police", "reporting_centre"}, [toddler]).kind == "reporting_centre"
    # A partial birth date counts as the latest day it can be; no year at all as born at the closing.
    assert retention.expiry(CLOSED, {"reporting_centre"}, [Birth(2024)]).on == date(2042, 12, 31)
    assert retention.expiry(CLOSED, {"reporting_centre"}, [Birth(2024, 2)]).on == date(2042, 2, 28)
    assert retention.expiry(CLOSED, {"reporting_centre"}, [Birth(None)]).on == date(2044, 3, 15)
    # No children: only the years count.
    assert retention.expiry(CLOSED, {"reporting_centre"}, []).on == date(2031, 3, 15)


def test_a_household_closed_on_29_february_ends_on_28_february():
    assert DEFAULTS.expiry(date(2028, 2, 29), {"police"}).on == date(2033, 2, 28)


def test_the_kinds_come_from_every_involvement_ever_also_through_a_network(world):
    """The other household had only the police (5 years); a network of the neighbourhood teams and the
    police worked with it too, ended long ago: 20 years."""
    h = world.other_household
    close(h)
    with years_later(6):
        assert [d.household_id for d in sweep.due()] == [h.pk]
    involvement = sharing_services.involve(SYSTEM, h, network=world.network, purpose="help",
                                           legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    close(h)
    closed_on = h.closed_at
    with years_later(6):
        assert list(sweep.due()) == []
    with years_later(20):
        (due,) = sweep.due()
    assert (due.household_id, due.expiry.kind, due.closed_at) == (h.pk, "neighbourhood_team", closed_on)
    assert involvement.network_id == world.network.pk


def test_the_household_s_own_children_count(world):
    h = world.other_household
    baby = Person.objects.create(given_names="Mees", family_name="Zwart", birth_year=2026, birth_month=11)
    HouseholdMember.objects.create(household=h, person=baby, role="child")
    sharing_services.involve(SYSTEM, h, team=world.team_vt, purpose="safety_assessment",
                             legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    close(h)
    custom = parse(
        "default: {years: 20, basis: x}\nkinds:\n  police: {years: 5, basis: x}\n"
        "  reporting_centre: {years: 5, until_youngest_child_is: 18, basis: x}\n",
        source="regio.yaml",
    )
    with years_later(17):
        assert list(sweep.due(retention=custom)) == []
    with years_later(18):
        (due,) = sweep.due(retention=custom)
    assert due.expiry.on == date(2044, 11, 30)


def test_every_member_under_18_counts_not_only_those_with_the_role_child(world):
    """(Review note) A ten-year-old registered as the victim is a child too: her birth date counts,
    whatever her role. An adult whose year of birth is unknown does not count as a newborn."""
    h = world.other_household
    girl = Person.objects.create(given_names="Sara", family_name="Zwart", birth_year=2016, birth_month=5,
                                 birth_day=3)  # fmt: skip
    HouseholdMember.objects.create(household=h, person=girl, role="victim")
    unknown = Person.objects.create(given_names="Piet", family_name="Zwart")
    HouseholdMember.objects.create(household=h, person=unknown, role="perpetrator")
    sharing_services.involve(SYSTEM, h, team=world.team_vt, purpose="safety_assessment",
                             legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    close(h)
    custom = parse(
        "default: {years: 20, basis: x}\nkinds:\n  police: {years: 5, basis: x}\n"
        "  reporting_centre: {years: 5, until_youngest_child_is: 18, basis: x}\n",
        source="regio.yaml",
    )
    with years_later(7):
        assert list(sweep.due(retention=custom)) == []
    with years_later(8):
        (due,) = sweep.due(retention=custom)
    assert due.expiry.on == date(2034, 5, 3)
    # Without her, only the years count: the member of unknown age is no newborn.
    HouseholdMember.objects.filter(person=girl).delete()
    with years_later(5):
        (due,) = sweep.due(retention=custom)
    assert due.expiry.on == timezone.localdate(h.closed_at) + relativedelta(years=5)


def test_the_kind_an_organisation_had_when_it_worked_with_the_household_counts(world):
    """(Review finding) A shelter (15 years) worked with the household; later an administrator made it
    "police" (5 years). The kind it had when it started counts too: longest wins."""
    h = world.other_household
    shelter = Organisation.objects.create(region=world.region, name="Opvang Zonnehof", kind="shelter")
    team = Team.objects.create(organisation=shelter, name="Opvang team")
    involvement = sharing_services.involve(SYSTEM, h, team=team, purpose="protection", legal_basis="legal_task",
                                           started_on=date(2026, 1, 5))  # fmt: skip
    assert (involvement.organisation_kind, involvement.network_kinds) == ("shelter", [])
    Organisation.objects.filter(pk=shelter.pk).update(kind="police")
    close(h)
    with years_later(14):
        assert list(sweep.due()) == []
    with years_later(15):
        (due,) = sweep.due()
    assert due.expiry.kind == "shelter"


def test_the_organisations_a_network_had_when_it_started_count(world):
    """The network of the neighbourhood teams (20 years) and the police worked with the household; the
    neighbourhood teams left the network since. Their period still counts."""
    h = world.other_household
    involvement = sharing_services.involve(SYSTEM, h, network=world.network, purpose="help",
                                           legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    assert (involvement.organisation_kind, involvement.network_kinds) == (
        "",
        ["neighbourhood_team", "police"],
    )
    world.network.organisations.remove(world.org_a)
    close(h)
    with years_later(19):
        assert list(sweep.due()) == []
    with years_later(20):
        (due,) = sweep.due()
    assert due.expiry.kind == "neighbourhood_team"


def test_involvements_made_before_the_kinds_were_kept_get_them_from_the_migration(world):
    """The data migration gives every involvement the kinds its party has at the time of migrating (the
    best there is); a network's, those of its organisations."""
    migration = importlib.import_module("verband.sharing.migrations.0012_involvement_kinds")
    network = sharing_services.involve(SYSTEM, world.other_household, network=world.network, purpose="help",
                                       legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    Involvement.objects.update(organisation_kind="", network_kinds=[])
    migration.keep_kinds(django_apps, None)
    assert set(Involvement.objects.exclude(pk=network.pk).values_list("organisation_kind", flat=True)) == {
        "neighbourhood_team",
        "police",
    }
    assert Involvement.objects.get(pk=network.pk).network_kinds == ["neighbourhood_team", "police"]
