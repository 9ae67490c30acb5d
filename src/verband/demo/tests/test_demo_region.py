from django.core.management import call_command

from verband.accounts.models import ApiToken, User, hash_token
from verband.demo import region
from verband.demo.loader import load_demo_region
from verband.households.models import Household
from verband.network.models import Membership, Network, Organisation, Role, Team
from verband.sharing.models import Involvement


def _counts():
    return (
        Organisation.objects.count(),
        Team.objects.count(),
        Network.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
        Household.objects.count(),
        Involvement.objects.count(),
    )


def test_loader_is_idempotent(demo):
    first = _counts()
    load_demo_region()
    call_command("load_demo")
    assert _counts() == first


def test_demo_region_has_what_the_issue_asks(demo):
    names = set(Organisation.objects.values_list("name", flat=True))
    for partner in [
        "Veilig Thuis Rotterdam Rijnmond",
        "Filomena",
        "Vraagwijzer Rotterdam",
        "Centraal Onthaal",
        "Enver",
        "De Waag",
        "Jeugdbescherming Rotterdam Rijnmond",
        "Arosa",
        "Fier",
        "Reclassering Nederland",
        "Openbaar Ministerie Rotterdam",
        "Zorg- en Veiligheidshuis Rotterdam-Rijnmond",
        "DOCK",
        "Gemeente Rotterdam",
    ]:
        assert partner in names
    wijkteams = Team.objects.filter(
        organisation__kind="neighbourhood_team", coverage__postcode_from__isnull=False
    ).distinct()
    assert wijkteams.count() >= 6
    assert Network.objects.filter(is_pilot=True).exists()
    assert Network.objects.filter(is_pilot=False, coverage__isnull=False).exists()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for kind in ["police", "reporting_centre"]:
        assert ApiToken.objects.usable().filter(organisation__kind=kind).exists()


def test_demo_households_in_different_states(demo):
    from verband.households.models import Address, Relation
    from verband.signals.models import Activation, RoutingRule, Signal

    assert Household.objects.count() >= 20
    assert Relation.objects.count() >= 30
    assert Address.objects.filter(confidential=True, disclosures__isnull=False).exists()
    assert set(RoutingRule.objects.values_list("condition", flat=True)) == {
        "every",
        "children",
        "acute",
        "fallback",
    }
    assert (
        Activation.objects.filter(status="open").exists()
        and Activation.objects.filter(status="accepted").exists()
    )
    repeat = Household.objects.get(reference="HH-2026-0018")
    assert Signal.objects.filter(household=repeat).count() == 3
    assert all(s.status == "routed" for s in Signal.objects.all())


def test_demo_users_sign_in_with_the_published_password_and_token(demo, client):
    assert User.objects.get(username="wt.feijenoord").check_password(region.DEMO_PASSWORD)
    raw = next(t[2] for t in region.API_TOKENS if t[0] == "Politie")
    assert ApiToken.objects.filter(token_hash=hash_token(raw)).exists()
    body = client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [h["reference"] for h in body] == ["HH-2026-0004"]


def test_start_prints_address_and_demo_logins(demo, capsys):
    call_command("start", "--no-serve")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert "wt.feijenoord" in out and region.DEMO_PASSWORD in out
    assert "vbd_demo_politie_rotterdam" in out


def test_demo_accounts_and_tokens_open_nothing_once_demo_mode_is_off(demo, client, settings):
    from verband.testing import sign_in

    user = User.objects.get(username="wt.feijenoord")
    raw = next(t[2] for t in region.API_TOKENS if t[0] == "Politie")
    sign_in(client, user)
    assert client.get("/mijn-werk/").status_code == 200

    settings.DEMO_MODE = False
    # The running session ends, a new password sign-in fails, the published token is refused.
    assert client.get("/mijn-werk/")["Location"].startswith("/aanmelden/")
    response = client.post("/aanmelden/", {"username": "wt.feijenoord", "password": region.DEMO_PASSWORD})
    assert response.status_code == 200 and "wachtwoord klopt niet" in response.content.decode()
    assert client.get("/mijn-werk/")["Location"].startswith("/aanmelden/")
    assert client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_demo_has_a_household_between_the_cracks_and_the_monitor_shows_it(demo, client):
    from verband.escalation.lifecycle import sweep
    from verband.testing import sign_in
    from verband.worker import run_sweeps

    run_sweeps()  # the worker of `verband start`
    sweep()  # a second worker pass finds nothing new
    coordinator = User.objects.get(username="coordinator")
    sign_in(client, coordinator)
    body = client.get("/tussen-wal-en-schip/").content.decode()
    row = body[body.index('id="monitor-HH-2026-0006"') :][:2000]
    assert (
        "Geen regisseur" in row and "Overdracht niet beantwoord" in row and "Escalatie niet opgelost" in row
    )
    charlois = User.objects.get(username="wt.charlois")
    client.logout()
    sign_in(client, charlois)
    household = client.get("/huishoudens/HH-2026-0006/").content.decode()
    assert "Kaatst heen en weer" in household and "geen aanbieder neemt aan" in household.lower()
    escalations = client.get("/escalaties/").content.decode()
    assert "Overdracht onbeantwoord" in escalations


def test_functional_admin_sets_norms_and_the_help_catalogue(demo, client):
    from verband.testing import sign_in

    sign_in(client, User.objects.get(username="beheer"))
    assert "/beheer/django/network/regionnorms/" in client.get("/beheer/").content.decode()
    norms = client.get("/beheer/django/network/regionnorms/")
    assert norms.status_code == 200 and "Rotterdam-Rijnmond" in norms.content.decode()
    catalogue = client.get("/beheer/django/collaboration/helpkind/")
    assert catalogue.status_code == 200 and "Opvangplek" in catalogue.content.decode()


def test_a_write_to_the_shared_demo_region_is_undone_before_the_next_test(demo):
    """The tests of this module share one loaded demo region; each runs in its own savepoint."""
    Organisation.objects.filter(name="Filomena").update(name="Overschreven")
    Household.objects.filter(reference="HH-2026-0006").update(reference="HH-WEG")
    assert not Organisation.objects.filter(name="Filomena").exists()


def test_the_next_test_sees_the_demo_region_as_loaded(demo):
    assert Organisation.objects.filter(name="Filomena").exists()
    assert not Organisation.objects.filter(name="Overschreven").exists()
    assert Household.objects.filter(reference="HH-2026-0006").exists()


def test_demo_networks_have_anonymous_consultations(demo, client):
    from verband.consultation.models import Consultation, ConsultationStatus
    from verband.testing import sign_in

    zuid = Consultation.objects.filter(network__name="Netwerk Huiselijk Geweld Rotterdam-Zuid")
    assert set(zuid.values_list("status", flat=True)) == {ConsultationStatus.OPEN, ConsultationStatus.CLOSED}
    assert Consultation.objects.filter(status=ConsultationStatus.ADVISED).exists()
    assert not Consultation.objects.filter(household__isnull=False).exists()
    load_demo_region()
    assert Consultation.objects.count() == 3
    body = sign_in(client, User.objects.get(username="politie")).get("/anoniem-overleg/").content.decode()
    for reference in zuid.values_list("reference", flat=True):
        assert reference in body
    # Open first: the question that still waits for advice leads the list.
    assert body.index("Hoe houden we contact") < body.index("Is dit genoeg voor een melding")
