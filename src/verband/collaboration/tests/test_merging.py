"""Merging households or persons that are the same, splitting a wrong link off, and undoing either
(issue 14, item 9): who may, with a reason, after confirmation, logged, undoable — and never a hint
about a household the user does not see."""

from __future__ import annotations

from datetime import date

import pytest

from verband.actors import SYSTEM
from verband.households.models import Household, HouseholdMember, Merge, Person, PersonKey
from verband.network.models import Membership
from verband.plans.models import Regie
from verband.sharing import services as sharing
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.signals.models import Signal, SignalPerson

REASON = "Dezelfde familie, twee keer gemeld door een tikfout."


def duplicate(client, token: str) -> Signal:
    """A report the engine could not recognise (a name and a year only): a second household with a
    second Anna."""
    body = {
        "kind": "report",
        "description": "Zorgen om Anna.",
        "persons": [{"role": "victim", "given_names": "Anna", "family_name": "Dam", "date_of_birth": "1990"}],
    }
    response = client.post(
        "/api/v1/signals", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201
    return Signal.objects.get(reference=response.json()["reference"])


@pytest.fixture
def two(world, client) -> tuple[Household, Household]:
    """The test household and a duplicate of it; the reporting centre is involved in both."""
    signal = duplicate(client, world.token_vt)
    other = signal.household
    assert other is not None and other.pk != world.household.pk
    for household in (world.household, other):
        sharing.involve(SYSTEM, household, team=world.team_vt, purpose="safety_assessment",
                        legal_basis="legal_task", started_on=date(2026, 1, 5))  # fmt: skip
    return world.household, other


def url(household: Household) -> str:
    return f"/huishoudens/{household.reference}/samenvoegen/"


def test_the_reporting_centre_merges_two_households_after_confirming_and_undoes_it(world, as_user, two):
    kept, other = two
    client = as_user(world.vt)
    assert client.get(url(kept)).status_code == 200
    data = {"what": "households", "other": other.reference, "reason": REASON}
    asked = client.post(url(kept), data)
    assert asked.status_code == 200 and "Ja, uitvoeren" in asked.content.decode()
    assert not Merge.objects.exists()  # nothing before the confirmation
    done = client.post(url(kept), {**data, "confirmed": "1"})
    assert done.status_code == 302
    other.refresh_from_db()
    assert other.status == "closed" and not other.members.exists()
    assert (
        Signal.objects.filter(household=kept).count() == 1
        and not Signal.objects.filter(household=other).exists()
    )
    assert kept.members.count() == 3
    merge = Merge.objects.get()
    assert merge.reason == REASON and merge.made_by == world.vt
    entry = AccessLogEntry.objects.get(action="merge", object_type="household", user_id=world.vt.pk)
    assert {s.household_id for s in logged_subjects([entry])} == {kept.pk, other.pk}
    assert kept.events.filter(kind="merge").exists()

    assert client.post(f"{url(kept)}{merge.pk}/ongedaan/").status_code == 302
    other.refresh_from_db()
    assert other.status == "active" and other.members.count() == 1
    assert Signal.objects.filter(household=other).count() == 1
    assert kept.members.count() == 2
    assert AccessLogEntry.objects.filter(action="undo_merge", user_id=world.vt.pk).exists()
    # Undone once only.
    assert "al ongedaan" in client.post(f"{url(kept)}{merge.pk}/ongedaan/").content.decode()


def test_two_persons_who_are_one_are_merged_and_recognition_finds_only_the_one_kept(world, as_user, two):
    kept, other = two
    client = as_user(world.vt)
    client.post(
        url(kept), {"what": "households", "other": other.reference, "reason": REASON, "confirmed": "1"}
    )
    anna, second = Person.objects.filter(given_names="Anna").order_by("pk")
    data = {"what": "persons", "kept": anna.pk, "other_person": second.pk, "reason": REASON}
    assert "Samenvoegen" in client.post(url(kept), data).content.decode()
    assert client.post(url(kept), {**data, "confirmed": "1"}).status_code == 302
    assert not HouseholdMember.objects.filter(person=second).exists()
    assert (
        SignalPerson.objects.filter(person=anna).count() == 1
        and not PersonKey.objects.filter(person=second).exists()
    )
    entry = AccessLogEntry.objects.get(action="merge", object_type="person")
    assert {s.person_id for s in logged_subjects([entry])} == {anna.pk, second.pk}
    merge = Merge.objects.get(kind="persons")
    client.post(f"{url(kept)}{merge.pk}/ongedaan/")
    assert HouseholdMember.objects.filter(person=second, household=kept).exists()
    assert (
        SignalPerson.objects.filter(person=second).count() == 1
        and PersonKey.objects.filter(person=second).exists()
    )


def test_a_wrong_link_is_split_off_and_back(world, as_user, two):
    kept, _other = two
    bram = Person.objects.get(given_names="Bram")
    client = as_user(world.vt)
    data = {"what": "split", "kept": bram.pk, "reason": REASON}
    assert "eigen huishouden" in client.post(url(kept), data).content.decode()
    client.post(url(kept), {**data, "confirmed": "1"})
    merge = Merge.objects.get(kind="split")
    assert not kept.members.filter(person=bram).exists()
    assert merge.other_household.members.get().person == bram
    assert AccessLogEntry.objects.filter(action="split", user_id=world.vt.pk).exists()
    client.post(f"{url(kept)}{merge.pk}/ongedaan/")
    assert kept.members.filter(person=bram).exists()


def test_the_only_member_cannot_be_split_off(world, as_user, two):
    _kept, other = two
    anna = other.members.get().person
    page = as_user(world.vt).post(
        url(other), {"what": "split", "kept": anna.pk, "reason": REASON, "confirmed": "1"}
    )
    assert "enige gezinslid" in page.content.decode()
    assert not Merge.objects.exists()


def test_a_reason_is_needed_and_kept_when_refused(world, as_user, two):
    kept, other = two
    page = as_user(world.vt).post(
        url(kept), {"what": "households", "other": other.reference, "reason": "kort"}
    )
    body = page.content.decode()
    assert "Leg in een zin uit waarom" in body and other.reference in body
    assert not Merge.objects.exists()


def test_a_household_not_seen_gives_no_hint(world, as_user, two):
    """The other household is the police's: the reporting centre does not see it. The answer is the same
    as for a reference that does not exist, and the attempt is logged as denied."""
    kept, _other = two
    client = as_user(world.vt)
    hidden = client.post(
        url(kept), {"what": "households", "other": world.other_household.reference, "reason": REASON}
    )
    missing = client.post(url(kept), {"what": "households", "other": "HH-T-9999", "reason": REASON})
    for page in (hidden, missing):
        body = page.content.decode()
        assert "Geen huishouden met dit kenmerk dat u kunt zien" in body and "Carla" not in body
    assert AccessLogEntry.objects.filter(object_id=world.other_household.reference, outcome="denied",
                                         user_id=world.vt.pk).exists()  # fmt: skip
    assert not Merge.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("involved", 403), ("colleague", 404), ("other_org", 404),
                                                  ("manager", 403), ("coordinator", 404)])  # fmt: skip
def test_who_may_not(world, as_user, two, persona, status):
    kept, other = two
    client = as_user(getattr(world, persona))
    assert client.get(url(kept)).status_code == status
    response = client.post(url(kept), {"what": "households", "other": other.reference, "reason": REASON,
                                       "confirmed": "1"})  # fmt: skip
    assert response.status_code == status
    assert not Merge.objects.exists()


def test_the_regisseur_may(world, as_user, two):
    kept, _other = two
    membership = Membership.objects.get(user=world.involved)
    Regie.objects.create(household=kept, user=world.involved, membership=membership,
                         organisation=world.org_a, mandated_by=world.manager)  # fmt: skip
    bram = Person.objects.get(given_names="Bram")
    client = as_user(world.involved)
    assert client.get(url(kept)).status_code == 200
    client.post(url(kept), {"what": "split", "kept": bram.pk, "reason": REASON, "confirmed": "1"})
    assert Merge.objects.filter(kind="split", made_by=world.involved).exists()


def test_anonymous_is_sent_to_sign_in(world, client):
    assert client.get(f"/huishoudens/{world.household.reference}/samenvoegen/").status_code == 302
