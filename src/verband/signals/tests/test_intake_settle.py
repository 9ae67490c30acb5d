"""Settling the persons of a signal, all at once: new persons with their keys and reported addresses, a
BSN stored only once, a confidential address managed by the reporter, a known person left as known."""

from verband.households.matching import find_candidates
from verband.households.models import Address, Person, PersonKey
from verband.signals import services
from verband.signals.models import MatchState, StatementState
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for


def route(world, *persons: PersonInput, user=None):
    data = SignalInput(kind="report", description="Zorgen.", persons=list(persons), postcode="1012AB")
    signal, _created = services.receive(actor_for(user or world.vt), data)
    assert services.finish(signal.pk)
    signal.refresh_from_db()
    return signal, list(signal.persons.select_related("person"))


def test_new_persons_get_keys_and_their_reported_address(world):
    signal, persons = route(
        world,
        PersonInput(role="victim", given_names=" Noor ", family_name="Bakker ", birth_year=1991, birth_month=4,
                    birth_day=9, street="Kade", house_number="4", postcode="1013 CD", city="Testdorp"),
        PersonInput(role="child", given_names="Sem", family_name="Bakker", birth_year=2016),
    )  # fmt: skip
    noor, sem = (sp.person for sp in persons)
    assert {sp.match_state for sp in persons} == {MatchState.NEW}
    assert (noor.given_names, noor.family_name, noor.initials) == ("Noor", "Bakker", "N.")
    assert [(a.street, a.house_number, a.postcode, a.confidential) for a in noor.addresses.all()] == [
        ("Kade", "4", "1013CD", False)
    ]
    assert not sem.addresses.exists()
    assert PersonKey.objects.filter(person=noor, key="b:19910409").exists()
    assert PersonKey.objects.filter(person=sem).exists()
    assert set(signal.household.members.values_list("person_id", "role")) == {
        (noor.pk, "victim"),
        (sem.pk, "child"),
    }
    # Registered persons are found by the next report.
    assert find_candidates(services.description_of(persons[0]))[0].person_id == noor.pk


def test_a_bsn_is_stored_once(world):
    Person.objects.create(family_name="Ander", bsn="111222333")
    _signal, persons = route(
        world,
        PersonInput(role="victim", family_name="Jansen", bsn="111222333"),
        PersonInput(role="perpetrator", family_name="Smit", bsn="123456782"),
        PersonInput(role="witness", family_name="Smid", bsn="123456782"),
    )
    assert [sp.person.bsn for sp in persons] == ["", "123456782", ""]


def test_a_confidential_address_is_managed_by_the_reporter(world):
    _signal, persons = route(
        world,
        PersonInput(role="victim", family_name="Veilig", street="Geheimweg", house_number="1", postcode="1014AA",
                    address_confidential=True),
        PersonInput(role="perpetrator", family_name="Dader", street="Open", house_number="2", postcode="1015AA"),
    )  # fmt: skip
    hidden = Address.objects.get(person=persons[0].person)
    open_ = Address.objects.get(person=persons[1].person)
    assert hidden.confidential and hidden.managed_by == world.org_vt
    assert hidden.disclosures.filter(organisation=world.org_vt).exists()
    assert not open_.confidential and open_.managed_by is None


def test_a_known_person_is_not_changed_and_what_differs_is_a_statement(world):
    data = SignalInput(
        kind="report",
        description="Zorgen.",
        persons=[
            PersonInput(role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
                        birth_year=1990, birth_month=1, birth_day=2, phone="0612345678"),
            PersonInput(role="child", given_names="Bram", surname_prefix="van", family_name="Dam"),
        ],
        postcode="1012AB",
    )  # fmt: skip
    signal, _created = services.receive(actor_for(world.vt), data)
    anna = Person.objects.get(given_names="Anna", family_name="Dam").pk
    bram = Person.objects.get(given_names="Bram", family_name="Dam").pk
    services.recognise(signal)
    services.confirm_recognition(
        actor_for(world.vt),
        signal,
        {sp.pk: pid for sp, pid in zip(signal.persons.all(), [anna, bram], strict=True)},
    )
    assert services.finish(signal.pk)
    signal.refresh_from_db()
    victim, child = signal.persons.all()
    assert signal.household == world.household
    assert victim.person_id == anna and victim.statement == StatementState.PENDING  # a new phone number
    assert child.person_id == bram and child.statement != StatementState.PENDING
    assert Person.objects.get(pk=anna).phone == ""
    assert world.household.members.count() == 2


def test_a_household_reference_taken_meanwhile_routes_again(world, monkeypatch):
    """A concurrent transaction took the next reference: the routing is rolled back and done again,
    once, with the next number."""
    from verband.households import services as households

    real = households.next_reference
    calls = []

    def taken_first(prefix, model, year=None):
        calls.append(prefix)
        if prefix == "HH" and calls.count("HH") == 1:
            return world.household.reference  # as if another transaction had just used it
        return real(prefix, model, year)

    data = SignalInput(
        kind="report", description="Zorgen.", persons=[PersonInput(role="victim", family_name="Nieuw")]
    )
    signal, _created = services.receive(actor_for(world.vt), data)
    monkeypatch.setattr(households, "next_reference", taken_first)
    assert services.finish(signal.pk)
    signal.refresh_from_db()
    assert calls.count("HH") == 2
    assert signal.household != world.household and signal.household.members.count() == 1
    assert signal.activations.count() >= 1
    assert signal.persons.get().person.family_name == "Nieuw"
    assert Person.objects.filter(family_name="Nieuw").count() == 1  # the first attempt left nothing
