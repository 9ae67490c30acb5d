"""The shielding rules: defaults that protect a victim, decisions with reasons, member-scoped partners."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from verband.actors import SYSTEM
from verband.households.models import Address, HouseholdMember, Person
from verband.network.models import Organisation, Role, Team
from verband.sharing import services as sharing_services
from verband.sharing.models import AccessLogEntry
from verband.shielding import services
from verband.shielding.members import scope_involvement
from verband.shielding.models import ItemType, ShieldDecision
from verband.shielding.scope import default_shield, household_shields, member_scope, view_scope
from verband.testing import actor_for, make_user


@pytest.fixture
def family(world):
    """Anna (victim) and Bram (child) with Dirk (perpetrator) added; probation works with Dirk only."""
    dirk = Person.objects.create(given_names="Dirk", family_name="Vos", birth_year=1988)
    Address.objects.create(person=dirk, street="Kerkstraat", house_number="4", postcode="1050AA")
    HouseholdMember.objects.create(household=world.household, person=dirk, role="perpetrator")
    probation = Organisation.objects.create(
        region=world.region, name="Reclassering Testdorp", kind="probation"
    )
    team = Team.objects.create(organisation=probation, name="Reclassering Team Zuid")
    involvement = sharing_services.involve(
        SYSTEM, world.household, team=team, purpose="criminal_justice", legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )  # fmt: skip
    scope_involvement(involvement, [dirk.pk])
    world.dirk = dirk
    world.anna = Person.objects.get(given_names="Anna")
    world.bram = Person.objects.get(given_names="Bram")
    world.probation = make_user("reclassering", probation, Role.PROFESSIONAL, team)
    return world


def test_what_protects_the_victim_is_kept_from_the_perpetrator_by_default(family):
    anna_address = Address.objects.get(person=family.anna)
    dirk_address = Address.objects.get(person=family.dirk)
    shields = household_shields(family.household)
    assert shields[(ItemType.ADDRESS, anna_address.pk)] == {family.dirk.pk}
    assert (ItemType.ADDRESS, dirk_address.pk) not in shields
    assert default_shield(family.household, ItemType.ADDRESS, anna_address.pk, family.dirk.pk)


def test_a_member_scoped_partner_sees_its_member_only(family):
    scope = view_scope(actor_for(family.probation), family.household)
    assert not scope.whole and scope.person_ids == {family.dirk.pk}
    anna_address = Address.objects.get(person=family.anna)
    dirk_address = Address.objects.get(person=family.dirk)
    assert scope.shows(ItemType.ADDRESS, dirk_address.pk, family.dirk.pk)
    assert not scope.shows(ItemType.ADDRESS, anna_address.pk, family.anna.pk)
    # The household's parts (about no one member) only when the partner owns them.
    assert not scope.shows(ItemType.GOAL, 1, None)
    assert scope.shows(
        ItemType.ACTION, 1, None, owner_organisation_id=family.probation.memberships.get().organisation_id
    )
    involved = view_scope(actor_for(family.involved), family.household)
    assert involved.whole and involved.shows(ItemType.ADDRESS, anna_address.pk, family.anna.pk)
    assert involved.shielded_from(ItemType.ADDRESS, anna_address.pk) == {family.dirk.pk}


def test_lifting_and_shielding_need_a_reason_and_the_latest_decision_counts(family):
    anna_address = Address.objects.get(person=family.anna)
    actor = actor_for(family.involved)
    with pytest.raises(ValidationError):
        services.decide(actor, family.household, ItemType.ADDRESS, anna_address.pk, family.dirk.pk,
                        shielded=False, reason="")  # fmt: skip
    assert not ShieldDecision.objects.exists()
    services.decide(actor, family.household, ItemType.ADDRESS, anna_address.pk, family.dirk.pk, shielded=False,
                    reason="Omgangsregeling via de rechter vastgelegd")  # fmt: skip
    assert (ItemType.ADDRESS, anna_address.pk) not in household_shields(family.household)
    assert member_scope(family.household, family.dirk.pk).shows(ItemType.ADDRESS, anna_address.pk, None)
    services.decide(actor, family.household, ItemType.ADDRESS, anna_address.pk, family.dirk.pk, shielded=True,
                    reason="Nieuwe dreiging, opnieuw afgeschermd")  # fmt: skip
    assert household_shields(family.household)[(ItemType.ADDRESS, anna_address.pk)] == {family.dirk.pk}
    assert AccessLogEntry.objects.filter(object_type="shield_lift", outcome="granted").count() == 1
    assert AccessLogEntry.objects.filter(object_type="shield", outcome="granted").count() == 1


@pytest.mark.parametrize("persona", ["probation", "colleague", "other_org", "manager"])
def test_only_a_whole_household_professional_decides(family, persona):
    anna_address = Address.objects.get(person=family.anna)
    with pytest.raises(PermissionDenied):
        services.decide(actor_for(getattr(family, persona)), family.household, ItemType.ADDRESS, anna_address.pk,
                        family.dirk.pk, shielded=False, reason="Ik wil het adres weten")  # fmt: skip
    assert not ShieldDecision.objects.exists()
    assert AccessLogEntry.objects.filter(object_type="shield_lift", outcome="denied").exists()


def test_an_item_of_another_household_is_refused(family):
    stranger = Person.objects.get(given_names="Carla")
    elsewhere = Address.objects.create(person=stranger, street="Elders", postcode="1099AA")
    with pytest.raises(ValidationError):
        services.decide(actor_for(family.involved), family.household, ItemType.ADDRESS, elsewhere.pk,
                        family.dirk.pk, shielded=True, reason="Verkeerd huishouden geprobeerd")  # fmt: skip


def test_every_default_shield_is_registered_and_checked():
    from verband.shielding import checks as shield_checks
    from verband.shielding.scope import DEFAULT_SHIELDS

    assert shield_checks.default_shields_registered() == []
    kept = list(DEFAULT_SHIELDS)
    DEFAULT_SHIELDS.clear()
    try:
        assert {e.id for e in shield_checks.default_shields_registered()} == {"shielding.E001"}
    finally:
        DEFAULT_SHIELDS.extend(kept)
