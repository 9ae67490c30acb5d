"""(Review finding) An organisation's kind decides what others are shielded from (a shelter's addresses and
help) and how long the households it worked with are kept. Changes to an organisation in the admin are in
the access log under the administrator's own name, and a change of kind is in force only once a second
functional administrator of the region approves it — one administrator alone cannot un-hide a shelter or
shorten retention."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from verband.network.models import KindChange, Organisation, Region, Role
from verband.sharing.models import AccessLogEntry, basis_label
from verband.testing import make_user


def _admin(world, as_user):
    world.admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
    )
    return as_user(world.admin)


def form(organisation: Organisation, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "region": organisation.region_id,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "description": organisation.description,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
        "teams-MIN_NUM_FORMS": "0",
        "teams-MAX_NUM_FORMS": "1000",
    }
    if organisation.active:
        data["active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def entries(object_type: str) -> list[tuple[str, str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(object_type=object_type)
        .order_by("pk")
        .values_list("username", "action", "object_id", "basis")
    )


def shelter(world) -> Organisation:
    return Organisation.objects.create(region=world.region, name="Opvang Zonnehof", kind="shelter")


def test_a_change_of_name_or_active_is_logged_under_the_administrator_s_name(world, as_user):
    client = _admin(world, as_user)
    org = world.org_b
    url = f"/beheer/django/network/organisation/{org.pk}/change/"
    response = client.post(url, form(org, name="Politie Testdorp-Oost", active=False))
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert (org.name, org.active) == ("Politie Testdorp-Oost", False)
    ((username, action, object_id, basis),) = entries("organisation")
    assert (username, action, object_id) == ("beheer", "change", str(org.pk))
    assert basis == "fields:network.organisation:name,active"
    assert basis_label(basis) == "gewijzigd: naam, actief"


def test_a_new_organisation_and_its_removal_are_logged(world, as_user):
    client = _admin(world, as_user)
    data = form(Organisation(region=world.region, name="School De Linde", kind="school"))
    assert client.post("/beheer/django/network/organisation/add/", data).status_code == 302
    school = Organisation.objects.get(name="School De Linde")
    assert school.kind == "school"  # a new organisation worked with nobody yet: its kind is as given
    response = client.post(f"/beheer/django/network/organisation/{school.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert [(a, o) for _u, a, o, _b in entries("organisation")] == [
        ("create", str(school.pk)),
        ("delete", str(school.pk)),
    ]


def test_a_change_of_kind_waits_for_a_second_administrator_of_the_region(world, as_user):
    """The functional administrator makes the shelter "other": it stays a shelter (its addresses stay
    hidden, its households keep the shelter's period) until a second functional administrator of the
    region approves; the one who asked cannot."""
    client = _admin(world, as_user)
    opvang = shelter(world)
    url = f"/beheer/django/network/organisation/{opvang.pk}/change/"
    response = client.post(url, form(opvang, kind="other"), follow=True)
    assert response.status_code == 200
    assert "wacht op goedkeuring door een tweede functioneel beheerder" in response.content.decode()
    opvang.refresh_from_db()
    assert opvang.kind == "shelter"
    waiting = KindChange.objects.get(organisation=opvang)
    assert (waiting.from_kind, waiting.to_kind, waiting.granted_by, waiting.approved_at) == (
        "shelter",
        "other",
        world.admin,
        None,
    )
    assert entries("organisation_kind") == [("beheer", "propose", str(opvang.pk), "kind:shelter:other")]
    # The organisation's page says what waits, and for whom.
    page = client.get(url).content.decode()
    assert "Overige partner of melder, aangevraagd door" in page and "wacht op een tweede functioneel" in page
    assert client.get("/beheer/django/network/organisation/add/").status_code == 200
    assert basis_label("kind:shelter:other") == "soort: Opvang → Overige partner of melder"
    # Not by the one who asked.
    assert f'name="pk" value="{waiting.pk}"' not in client.get("/beheer/").content.decode()
    assert client.post("/beheer/akkoord/", {"kind": "organisation_kind", "pk": waiting.pk}).status_code == 404
    assert AccessLogEntry.objects.filter(
        object_type="organisation_kind", action="approve", outcome="denied", username="beheer"
    ).exists()
    opvang.refresh_from_db()
    assert opvang.kind == "shelter"
    # A second functional administrator of the region (of another organisation) sees and approves it.
    second = as_user(make_user("beheer2", world.org_b, Role.FUNCTIONAL_ADMIN, is_staff=True))
    page = second.get("/beheer/").content.decode()
    assert "Opvang Zonnehof" in page and f'name="pk" value="{waiting.pk}"' in page
    assert "Opvang → Overige partner of melder" in page
    assert second.post("/beheer/akkoord/", {"kind": "organisation_kind", "pk": waiting.pk}).status_code == 302
    opvang.refresh_from_db()
    waiting.refresh_from_db()
    assert opvang.kind == "other" and waiting.approved_at is not None
    assert entries("organisation_kind")[-1] == ("beheer2", "approve", str(opvang.pk), "kind:shelter:other")


def test_an_administrator_of_another_region_cannot_approve(world, as_user):
    client = _admin(world, as_user)
    opvang = shelter(world)
    client.post(f"/beheer/django/network/organisation/{opvang.pk}/change/", form(opvang, kind="police"))
    waiting = KindChange.objects.get(organisation=opvang)
    elsewhere = Region.objects.create(name="Andere regio", code="ander")
    org = Organisation.objects.create(region=elsewhere, name="Gemeente Elders", kind="municipality")
    stranger = as_user(make_user("beheer-elders", org, Role.FUNCTIONAL_ADMIN, is_staff=True))
    assert f'name="pk" value="{waiting.pk}"' not in stranger.get("/beheer/").content.decode()
    assert (
        stranger.post("/beheer/akkoord/", {"kind": "organisation_kind", "pk": waiting.pk}).status_code == 404
    )
    opvang.refresh_from_db()
    assert opvang.kind == "shelter"


def test_asking_again_replaces_what_waits(world, as_user):
    """One change of kind waits per organisation: asking another replaces it (both are in the log)."""
    client = _admin(world, as_user)
    opvang = shelter(world)
    url = f"/beheer/django/network/organisation/{opvang.pk}/change/"
    client.post(url, form(opvang, kind="police"))
    client.post(url, form(opvang, kind="school"))
    waiting = KindChange.objects.get(organisation=opvang, approved_at__isnull=True)
    assert (waiting.from_kind, waiting.to_kind) == ("shelter", "school")
    assert [b for _u, _a, _o, b in entries("organisation_kind")] == [
        "kind:shelter:police",
        "kind:shelter:school",
    ]
