"""A partner involved only with the perpetrator (probation) sees the household's reference and him — not
the victim, the children, their addresses, who else works with them, or the rest of the timeline; a
whole-household partner sees that the victim's address is kept from him."""

from verband.accounts.models import ApiToken
from verband.households.models import EventKind
from verband.households.services import add_event
from verband.sharing.accesslog import logged_subjects
from verband.sharing.models import AccessLogEntry
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.signals import services as signal_services
from verband.signals.tests.test_services import report_about_anna
from verband.testing import actor_for

HIDDEN = ("Anna", "Bram", "Dorpsstraat", "1012")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_household_page_of_a_member_scoped_partner(family, as_user):  # noqa: F811
    add_event(
        family.household,
        EventKind.NOTE,
        "Anna verblijft tijdelijk bij haar zus",
        actor=actor_for(family.involved),
    )
    body = _page(as_user(family.probation), f"/huishoudens/{family.household.reference}/")
    assert "Dirk Vos" in body and "Kerkstraat" in body
    for text in (*HIDDEN, "Wijkteam Noord", "bij haar zus"):
        assert text not in body, text
    assert "2 andere gezinsleden" in body
    # Only Dirk and the household are in the log as seen.
    persons = {
        s.person_id
        for s in logged_subjects(
            AccessLogEntry.objects.filter(username="reclassering", object_type="household")
        )
    }
    assert persons == {None, family.dirk.pk}


def test_whole_household_partner_sees_the_shield_label(family, as_user):  # noqa: F811
    body = _page(as_user(family.involved), f"/huishoudens/{family.household.reference}/")
    assert "Dorpsstraat" in body and "Niet zichtbaar voor Dirk Vos" in body


def test_timeline_addresses_and_work_list(family, as_user):  # noqa: F811
    add_event(
        family.household,
        EventKind.NOTE,
        "Anna verblijft tijdelijk bij haar zus",
        actor=actor_for(family.involved),
    )
    client = as_user(family.probation)
    reference = family.household.reference
    for url in (f"/huishoudens/{reference}/tijdlijn/", f"/huishoudens/{reference}/adressen/", "/mijn-werk/"):
        body = _page(client, url)
        for text in (*HIDDEN, "bij haar zus"):
            assert text not in body, (url, text)
    assert "Kerkstraat" in _page(client, f"/huishoudens/{reference}/adressen/")


def test_api_for_a_member_scoped_organisation(family, client):  # noqa: F811
    token = ApiToken(organisation=family.probation.memberships.get().organisation, name="Reclassering",
                     scopes=["households:read"])  # fmt: skip
    raw = token.set_token()
    token.save()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for url in ("/api/v1/households", f"/api/v1/households/{family.household.reference}"):
        body = client.get(url, **headers).content.decode()
        assert "Dirk" in body
        for text in HIDDEN:
            assert text not in body, (url, text)


def test_signal_page_is_minimal_for_a_member_scoped_partner(family, as_user):  # noqa: F811
    signal, _ = signal_services.receive(actor_for(family.other_org), report_about_anna())
    victim, perpetrator = signal_services.recognise(signal)
    signal_services.confirm_recognition(
        actor_for(family.other_org), signal, {victim.pk: family.anna.pk, perpetrator.pk: None}
    )
    signal_services.finish(signal.pk)
    body = _page(as_user(family.probation), f"/meldingen/{signal.reference}/")
    assert "geschreeuw" not in body and "Ana" not in body


def test_marking_a_shielded_address_is_not_found_for_the_partner(family, as_user):  # noqa: F811
    from verband.households.models import Address

    anna_address = Address.objects.get(person=family.anna)
    response = as_user(family.probation).post(
        f"/huishoudens/{family.household.reference}/adressen/besluit/",
        {"action": "mark", "id": anna_address.pk, "reason": "Ik wil weten waar zij woont"},
    )
    assert response.status_code == 404
    anna_address.refresh_from_db()
    assert not anna_address.confidential
