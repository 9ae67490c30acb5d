"""A household with something in every place personal data can be (the shielding tests' family, with a
signal, a confidential address, a plan, regie, an emergency access, instruments, escalations and shields
added), closed, and helpers to look at it years later."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import models
from django.utils import timezone

from verband.collaboration.models import Handover
from verband.collaboration.tests.shielded_family import family, shielded  # noqa: F401  (fixtures)
from verband.escalation.models import Escalation
from verband.households.models import (
    HOUSEHOLD_FLOW,
    Address,
    AddressDecision,
    AddressDisclosure,
    Household,
    HouseholdStatus,
    Person,
)
from verband.plans.models import FamilyPlan, Regie, RegieTransfer
from verband.rights.models import RightsRequest
from verband.safety.models import InstrumentResult
from verband.sharing.models import EmergencyAccess, Involvement
from verband.shielding.models import ShieldDecision
from verband.signals.models import Activation, Signal, SignalPerson

BSN = "123456782"
# What must be gone from every table after the sweep (words: matched as whole words).
WORDS = ["Anna", "Bram", "Dirk", "Dam", "Vos", "Dorpsstraat", "Kerkstraat", "Geheimelaan", "Karin", "Melder"]
TEXTS = [
    BSN,
    "1012AB",
    "0612345678",
    "anna@example.nl",
    "Pools",
    "Geschreeuw en een klap",
    "Opvang Zonnehof",
    "veilige plek",
    "wapen thuis",
    "Vuurwapen in huis",
    "vaste woning",
    "daderprogramma",
    "Notulen",
    "Besluit",
    "vertelt over de dreiging",
    "contactverbod",
    "rust voor",
    "Mandaat",
    "zus",
    "Graag overnemen",
]


def close(household: Household, *, note: str = "") -> Household:
    """Every partner ends its involvement and nobody is asked (or asked to answer): the household closes
    now."""
    now = timezone.now()
    Involvement.objects.filter(household=household, ended_at__isnull=True).update(
        ended_at=now, ended_on=timezone.localdate(), end_reason="goals_reached", end_note=note
    )
    Activation.objects.filter(household=household, status="open").update(status="accepted", decided_at=now)
    # Handovers and requests for regie still waiting are taken back (a household waiting for them does
    # not close, and is not swept).
    Handover.objects.filter(household=household, status="pending").update(status="withdrawn", decided_at=now)
    RegieTransfer.objects.filter(household=household, status="pending").update(
        status="withdrawn", decided_at=now
    )
    household.refresh_from_db()
    HOUSEHOLD_FLOW.move(household, HouseholdStatus.CLOSED, stale="closed already", closed_at=now)
    return household


@contextmanager
def years_later(years: int, days: int = 0) -> Iterator[None]:
    with time_machine.travel(timezone.now() + relativedelta(years=years, days=days), tick=False):
        yield


@pytest.fixture
def full(shielded):  # noqa: F811
    """The shielded family with every other kind of personal data added; the household still open."""
    w = shielded
    h = w.household
    anna, bram, dirk = w.anna, w.bram, w.dirk
    Person.objects.filter(pk=anna.pk).update(
        bsn=BSN, phone="0612345678", email="anna@example.nl", languages="Pools"
    )
    shelter = Address.objects.create(
        person=anna, street="Geheimelaan", house_number="7", postcode="1013CD", city="Testdorp",
        confidential=True, managed_by=w.team_shelter.organisation,
    )  # fmt: skip
    AddressDisclosure.objects.create(
        address=shelter, organisation=w.org_a, basis="Opvang Zonnehof deelt het adres"
    )
    AddressDecision.objects.create(address=shelter, kind="marked", reason="Opvang Zonnehof, Geheimelaan")
    signal = Signal.objects.create(
        reference="SG-T-0001", region=w.region, household=h, kind="report", channel="web", status="routed",
        routed_at=timezone.now(), source_organisation=w.org_a, reporter_name="Karin Melder",
        reporter_function="juf van Bram", reporter_phone="0612345678",
        description="Geschreeuw en een klap: Dirk sloeg Anna in de Dorpsstraat.", location="Dorpsstraat 12",
        postcode="1012AB", idempotency_key="melding-anna-1", request_hash="f" * 64,
    )  # fmt: skip
    SignalPerson.objects.create(
        signal=signal, role="victim", given_names="Anna", surname_prefix="van", family_name="Dam",
        birth_year=1990, birth_month=1, birth_day=2, bsn=BSN, street="Dorpsstraat", house_number="12",
        postcode="1012AB", city="Testdorp", phone="0612345678", languages="Pools", person=anna,
        match_state="confirmed", candidates=[{"person": anna.pk, "score": 0.97, "reasons": ["Anna van Dam"]}],
    )  # fmt: skip
    SignalPerson.objects.create(signal=signal, role="perpetrator", given_names="Dirk", family_name="Vos",
                                birth_year=1988, person=dirk, match_state="confirmed")  # fmt: skip
    Activation.objects.create(
        signal=signal, household=h, team=w.team_vt, purpose="safety_assessment", norm_working_days=5,
        due_on=timezone.localdate(), reason="Elke melding: veiligheidsbeoordeling, postcode 1012AB",
        status="handed_back", handback_reason="Anna zit bij Opvang Zonnehof", decided_at=timezone.now(),
    )  # fmt: skip
    FamilyPlan.objects.filter(household=h).update(
        household_wishes="Anna wil rust voor Bram", agreement_note="Dirk is het niet eens"
    )
    manager = w.involved.memberships.get()
    regie = Regie.objects.create(
        household=h, user=w.involved, membership=manager, organisation=w.org_a, mandated_by=w.involved,
        mandate_note="Mandaat: Anna en Bram eerst", end_reason="",
    )  # fmt: skip
    RegieTransfer.objects.create(
        household=h, to_membership=manager, to_user=w.involved, from_regie=regie, requested_by=w.involved,
        note="Graag overnemen, Anna vertrouwt jou", status="declined", decision_note="Dirk kent mij",
    )  # fmt: skip
    InstrumentResult.objects.create(
        household=h, instrument_code="neutrale-screening", instrument_name="Neutrale screening",
        instrument_version="1", answers={"wapen": 1, "toelichting": "Dirk heeft een wapen thuis"},
        score=2, level="laag", label="Geen aanwijzing", explanation=["Vuurwapen in huis bij Dirk"],
    )  # fmt: skip
    emergency = Involvement.objects.create(
        household=h, organisation=w.org_b, purpose="emergency", legal_basis="serious_danger",
        started_on=timezone.localdate(), ended_at=timezone.now() - timedelta(minutes=1),
        only_user=w.other_org, created_by=w.other_org,
    )  # fmt: skip
    EmergencyAccess.objects.create(
        involvement=emergency, reason="Dirk dreigt Anna iets aan te doen", judgement="justified",
        judgement_note="Terecht: Anna was in gevaar", judged_at=timezone.now(), judged_by=w.privacy_officer,
    )  # fmt: skip
    Escalation.objects.create(
        region=w.region, household=h, kind="disagreement", subject_type="disagreement", subject_id=1,
        summary="Partners zijn het oneens over HH-T-0001", question="Moet Anna naar Opvang Zonnehof?",
        decision="Besluit: Anna gaat naar Opvang Zonnehof", breach_since=timezone.localdate(),
        status="resolved",
    )  # fmt: skip
    ShieldDecision.objects.create(
        household=h, item_type="address", item_id=shelter.pk, person=dirk, shielded=True,
        reason="Dirk mag de Geheimelaan niet weten", by=w.involved,
    )  # fmt: skip
    # Bram's father asked, through his lawyer, for Bram's data; granted and delivered (answered: the
    # household is not in use by it).
    RightsRequest.objects.create(
        household=h, person=bram, kind="access", how_received="representative",
        representative="Mr. Karin Melder, advocaat van Dirk Vos", received_on=timezone.localdate(),
        asked="Dirk wil alle gegevens van Bram zien", due_on=timezone.localdate(), status="delivered",
        decision="Besluit: Dirk krijgt het overzicht van Bram", organisation=w.org_a,
    )  # fmt: skip
    # What members wrote at the household's door: words, an answer to a version, a question and its answer,
    # feedback — each naming someone.
    from verband.plans.models import PlanVersion
    from verband.portal.models import MemberFeedback, MemberMessage, MemberWords, VersionResponse

    MemberWords.objects.create(household=h, person=anna, text="Anna wil niet terug naar de Dorpsstraat")
    version = PlanVersion.objects.create(plan=FamilyPlan.objects.get(household=h), number=99, snapshot={})
    VersionResponse.objects.create(household=h, person=dirk, version=version, agreement="disagrees",
                                   note="Dirk wil Bram zien")  # fmt: skip
    MemberMessage.objects.create(household=h, person=anna, text="Weet Dirk waar de Geheimelaan is?")
    MemberMessage.objects.create(household=h, person=anna, from_member=False, author=w.involved,
                                 author_name="Regisseur", text="Nee Anna, dat weet hij niet.")  # fmt: skip
    MemberFeedback.objects.create(household=h, person=bram, score=3, text="Bram vindt het gesprek fijn")
    w.signal = signal
    w.shelter_address = shelter
    w.bram = bram
    return w


@pytest.fixture
def closed(full):
    """`full`, closed today (an involvement's note says why)."""
    close(full.household, note="Anna woont nu bij haar zus")
    return full


def text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def leftovers(words: list[str] = WORDS, texts: list[str] = TEXTS) -> list[str]:
    """Every stored text, in every table of Verband, that still holds one of the words or texts."""
    pattern = re.compile("|".join([*(rf"\b{re.escape(w)}\b" for w in words), *(re.escape(t) for t in texts)]))
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("verband."):
            continue
        names = text_fields(model)
        if not names:
            continue
        for row in model._default_manager.values_list("pk", *names):
            for name, value in zip(names, row[1:], strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if text and pattern.search(text):
                    found.append(f"{model._meta.label}.{name} #{row[0]}: {text[:80]}")
    return found
