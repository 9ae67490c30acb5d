"""Issue 11's acceptance walk: three households whose victims are at a shelter address — entered through
the intake (by a shelter), through the API (`confidential: true`) and at a shelter location configured in
the admin — and every page, API answer, PDF, notification, e-mail and log line, for ten personas. The
street, the postcode and its district (and the neighbourhood team covering it) never reach anyone the
address is not disclosed to; the victim's escape agreement never reaches the perpetrator's PDF copy or
the probation officer who works with him only."""

import re
from datetime import date

import pytest
from django.core import mail
from pypdf import PdfReader

from verband.accounts.models import ApiToken
from verband.actors import SYSTEM
from verband.households.models import Household, Person
from verband.network.models import CoverageArea, Organisation, Role, ShelterAddress, Team
from verband.notifications.models import Notification
from verband.plans.models import FamilyPlan, SafetyAgreement
from verband.sharing import services as sharing_services
from verband.sharing.models import AccessLogEntry
from verband.shielding.members import scope_involvement
from verband.signals import services as signal_services
from verband.signals.models import Signal
from verband.signals.services import PersonInput, SignalInput
from verband.testing import actor_for, make_user

ESCAPE = "Bij spanning belt Elif haar zus en gaat zij met de kinderen daarheen"
SHELTERS = {
    "intake": ("Schuilhoflaan", "3", "1066XY"),
    "api": ("Veiligeweg", "9", "1067XZ"),
    "admin": ("Toevluchtstraat", "5", "1068XW"),
}
DISTRICT_TEAM = "Wijkteam Schuilhof"


def secrets_of(kind: str, district: bool = True) -> list[re.Pattern]:
    street, _number, postcode = SHELTERS[kind]
    found = [
        re.compile(re.escape(street)),
        re.compile(rf"\b{postcode[:4]}\s?{postcode[4:]}\b", re.IGNORECASE),
    ]
    if district:
        found.append(re.compile(rf"\b{postcode[:4]}\b"))
    return found


def shelter_person(role, given, family, year, kind, **extra):
    street, number, postcode = SHELTERS[kind]
    return PersonInput(role=role, given_names=given, family_name=family, birth_year=year, street=street,
                       house_number=number, postcode=postcode, city="Testdorp", **extra)  # fmt: skip


@pytest.fixture
def walk(world, client):
    w = world
    shelter = Organisation.objects.create(region=w.region, name="Opvang Testdorp", kind="shelter")
    shelter_team = Team.objects.create(organisation=shelter, name="Opvang intake")
    w.shelter_worker = make_user("opvang", shelter, Role.PROFESSIONAL, shelter_team)
    district = Team.objects.create(organisation=w.org_a, name=DISTRICT_TEAM)
    CoverageArea.objects.create(team=district, postcode_from=1066, postcode_to=1068)
    CoverageArea.objects.create(network=w.network, postcode_from=1066, postcode_to=1068)
    probation = Organisation.objects.create(region=w.region, name="Reclassering Testdorp", kind="probation")
    probation_team = Team.objects.create(organisation=probation, name="Reclassering Zuid")
    w.probation = make_user("reclassering", probation, Role.PROFESSIONAL, probation_team)
    w.expert = make_user("ervaring", w.org_a, Role.EXPERIENCE_EXPERT, w.team_a1)
    w.shelter_org, w.probation_org = shelter, probation

    # 1. Through the intake, by the shelter: mother and son at the shelter (nothing ticked).
    c = w.shelter_worker
    from django.test import Client

    from verband.testing import sign_in

    web = sign_in(Client(), c)
    street, number, postcode = SHELTERS["intake"]
    response = web.post("/meldingen/nieuw/", {
        "kind": "report", "description": "Moeder en zoon zijn gevlucht voor vader.", "postcode": postcode,
        "personen-TOTAL_FORMS": "3", "personen-INITIAL_FORMS": "0",
        "personen-0-role": "victim", "personen-0-given_names": "Elif", "personen-0-family_name": "Kaya",
        "personen-0-birth_year": "1991", "personen-0-sex": "female", "personen-0-street": street,
        "personen-0-house_number": number, "personen-0-postcode": postcode, "personen-0-city": "Testdorp",
        "personen-1-role": "child", "personen-1-given_names": "Mert", "personen-1-family_name": "Kaya",
        "personen-1-birth_year": "2017", "personen-1-sex": "male", "personen-1-street": street,
        "personen-1-house_number": number, "personen-1-postcode": postcode, "personen-1-city": "Testdorp",
        "personen-2-role": "perpetrator", "personen-2-given_names": "Kemal", "personen-2-family_name": "Kaya",
        "personen-2-birth_year": "1988", "personen-2-sex": "male", "personen-2-street": "Havenweg",
        "personen-2-house_number": "1", "personen-2-postcode": "1012AC", "personen-2-city": "Testdorp",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    # 2. Through the API, by Veilig Thuis, with confidential: true.
    street, number, postcode = SHELTERS["api"]
    body = {
        "kind": "report", "description": "Vrouw verblijft in de opvang na mishandeling.",
        "persons": [
            {"role": "victim", "given_names": "Noor", "family_name": "Bakker", "confidential": True,
             "street": street, "house_number": number, "postcode": postcode},
            {"role": "perpetrator", "given_names": "Rik", "family_name": "Bakker"},
        ],
    }  # fmt: skip
    response = client.post("/api/v1/signals", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {w.token_vt}")  # fmt: skip
    assert response.status_code == 201
    # 3. At a shelter location configured in the admin, reported by the police (nothing ticked).
    street, number, postcode = SHELTERS["admin"]
    ShelterAddress.objects.create(region=w.region, postcode=postcode, house_number=number)
    signal, _ = signal_services.receive(actor_for(w.other_org), SignalInput(
        kind="police_registration", description="Aangifte; slachtoffer is opgevangen.",
        persons=[shelter_person("victim", "Lotte", "Smit", 1995, "admin"),
                 PersonInput(role="perpetrator", given_names="Bas", family_name="Smit", birth_year=1990)],
        postcode=postcode,
    ))  # fmt: skip
    signal_services.finish(signal.pk)

    w.homes = {}
    for kind, victim in (("intake", "Elif"), ("api", "Noor"), ("admin", "Lotte")):
        household = Household.objects.get(members__person__given_names=victim)
        w.homes[kind] = household
        for activation in household.activations.filter(status="open"):
            signal_services.accept(actor_for(w.vt), activation)
        for team, purpose in ((w.team_a1, "help"), (w.team_b1, "protection")):
            sharing_services.involve(SYSTEM, household, team=team, purpose=purpose, legal_basis="legal_task",
                                     started_on=date(2026, 11, 2))  # fmt: skip
        sharing_services.involve(SYSTEM, household, network=w.network, purpose="case_direction",
                                 legal_basis="covenant", started_on=date(2026, 11, 2))  # fmt: skip
    home = w.homes["intake"]
    w.kemal = Person.objects.get(given_names="Kemal")
    involvement = sharing_services.involve(SYSTEM, home, team=probation_team, purpose="criminal_justice",
                                           legal_basis="legal_task", started_on=date(2026, 11, 2))  # fmt: skip
    scope_involvement(involvement, [w.kemal.pk])
    plan = FamilyPlan.objects.update_or_create(
        household=home, defaults={"household_wishes": "Rust in huis."}
    )[0]
    SafetyAgreement.objects.create(plan=plan, text=ESCAPE, monitored_by=w.org_a)
    SafetyAgreement.objects.create(plan=plan, person=w.kemal, text="Kemal komt niet naar de opvang",
                                   monitored_by=w.org_b)  # fmt: skip
    # Who each address is disclosed to: the organisation that entered it.
    w.disclosed = {"intake": {shelter.pk}, "api": {w.org_vt.pk}, "admin": {w.org_b.pk}}
    return w


def personas(w):
    return {
        "involved": w.involved,
        "colleague": w.colleague,
        "police (reporter of the admin household)": w.other_org,
        "veilig thuis": w.vt,
        "coordinator": w.coordinator,
        "probation (perpetrator only)": w.probation,
        "experience expert": w.expert,
        "manager": w.manager,
        "privacy officer": w.privacy_officer,
        "shelter": w.shelter_worker,
        "anonymous": None,
    }


def urls(w):
    common = ["/", "/mijn-werk/", "/werkbak/", "/overzicht/", "/netwerk/", "/overleggen/", "/escalaties/",
              "/tussen-wal-en-schip/", "/notificaties/", "/toegangslog/", "/beheer/", "/meldingen/nieuw/"]  # fmt: skip
    for household in w.homes.values():
        ref = household.reference
        for tail in ("", "tijdlijn/", "adressen/", "afscherming/", "veiligheid/", "plan/", "plan/versies/",
                     "plan/bewerken/", "overdragen/", "hulp/", "beslissing-vragen/"):  # fmt: skip
            common.append(f"/huishoudens/{ref}/{tail}")
        for signal in Signal.objects.filter(household=household):
            common += [f"/meldingen/{signal.reference}/", f"/meldingen/{signal.reference}/herkennen/"]
    return common


def pdf_text(content: bytes) -> str:
    import io

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def leaks(text: str, w, organisation_id: int | None, *, district: bool = True) -> list[str]:
    found = []
    for kind, household in w.homes.items():
        if organisation_id in w.disclosed[kind]:
            continue
        found += [f"{household.reference}:{p.pattern}" for p in secrets_of(kind, district) if p.search(text)]
    return found


# The network map lists every team with the postcodes it covers: configuration, no household in it.
NETWORK_MAP = "/netwerk/"


@pytest.mark.django_db(transaction=False)
def test_no_persona_learns_a_shelter_address_or_the_escape_agreement(walk, as_user, client, caplog):
    w = walk
    caplog.set_level("DEBUG")
    for name, user in personas(w).items():
        web = as_user(user)
        org = user.memberships.get().organisation_id if user else None
        for url in urls(w):
            response = web.get(url, follow=True)
            text = response.content.decode(errors="replace")
            found = leaks(text, w, org, district=url != NETWORK_MAP)
            assert not found, (name, url, found)
            if user in (w.probation,):
                assert ESCAPE not in text, (name, url)
        for household in w.homes.values():
            for person in [None, *household.members.values_list("person_id", flat=True)]:
                suffix = f"?voor={person}" if person else ""
                response = web.get(f"/huishoudens/{household.reference}/plan/gezinsplan.pdf{suffix}")
                if response.status_code != 200 or response.get("Content-Type") != "application/pdf":
                    continue
                text = pdf_text(response.content)
                assert not leaks(text, w, org), (name, household.reference, person)
                if person == w.kemal.pk or user is w.probation or person is None:
                    assert ESCAPE not in text, (name, "pdf", person)
    # The perpetrator's own copy, asked for by the whole-household partner, lacks the escape agreement.
    copy = pdf_text(as_user(w.involved).get(
        f"/huishoudens/{w.homes['intake'].reference}/plan/gezinsplan.pdf?voor={w.kemal.pk}").content)  # fmt: skip
    assert "Kemal komt niet naar de opvang" in copy and ESCAPE not in copy

    # Every API answer, for every organisation's token.
    for organisation in (w.org_a, w.org_b, w.probation_org, w.shelter_org):
        token = ApiToken(organisation=organisation, name="walk", scopes=["network:read", "households:read",
                                                                          "signals:write"])  # fmt: skip
        raw = token.set_token()
        token.save()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        api = ["/api/v1/households", "/api/v1/actions", "/api/v1/handovers/incoming"]
        for household in w.homes.values():
            ref = household.reference
            api += [f"/api/v1/households/{ref}{tail}" for tail in
                    ("", "/safety", "/plan", "/regie", "/handovers", "/help", "/escalations", "/meetings")]  # fmt: skip
            api += [f"/api/v1/signals/{s.reference}" for s in Signal.objects.filter(household=household)]
        for url in api:
            text = client.get(url, **headers).content.decode()
            assert not leaks(text, w, organisation.pk), (
                organisation.name,
                url,
                leaks(text, w, organisation.pk),
            )
            if organisation == w.probation_org:
                assert ESCAPE not in text, url

    # Notifications and e-mails after the worker's sweeps; every access-log line; every log record.
    from verband.worker import run_sweeps

    run_sweeps()
    for notification in Notification.objects.all():
        assert not leaks(f"{notification.title} {notification.url}", w, None)
    for message in mail.outbox:
        assert not leaks(f"{message.subject} {message.body}", w, None)
    for entry in AccessLogEntry.objects.all():
        line = f"{entry.object_type} {entry.object_id} {entry.path} {entry.basis}"
        assert not leaks(line, w, None), line
    assert not leaks(caplog.text, w, None)
    # Routing never used a shelter postcode: no activation for the district's team, no district in a reason.
    for household in w.homes.values():
        for activation in household.activations.all():
            assert DISTRICT_TEAM not in f"{activation.party_name} {activation.reason}"
            assert not leaks(activation.reason, w, None)
        assert not household.involvements.filter(team__name=DISTRICT_TEAM).exists()
        for event in household.events.all():
            assert not leaks(event.summary, w, None) and DISTRICT_TEAM not in event.summary, event.summary
