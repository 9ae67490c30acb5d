"""The legal basis of an act of sharing, chosen by the professional and recorded (`SharingBasis`).

Taking up a signal, involving a partner, disclosing a confidential address and sharing a shielded item
with a member each record the basis the professional chose: a statutory task, consent, a covenant or
serious danger (conflict of duties). Verband proposes one (from the routing rule, or the kind of act);
the professional confirms or changes it. Consent must be a recorded consent of a member, in force, that
covers the receiving partner and the information. A disclosure that does not rest on consent carries the
five questions, answered (purpose, need-to-know, subsidiarity, proportionality, effectiveness) and why it
is not done with consent. Taking up is no disclosure: it records the basis, not the questions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import Organisation, OrganisationKind
from verband.sharing.accesslog import record
from verband.sharing.models import (
    FIVE_QUESTIONS,
    Consent,
    ConsentStatus,
    LegalBasis,
    Purpose,
    SharingBasis,
    SharingKind,
)
from verband.text import bounded

ANSWER_MIN, ANSWER_MAX = 10, 2000

# The usual basis per purpose of an activation (a routing rule may propose another).
BASIS_FOR_PURPOSE = {
    Purpose.SAFETY_ASSESSMENT: LegalBasis.LEGAL_TASK,
    Purpose.PROTECTION: LegalBasis.LEGAL_TASK,
    Purpose.MONITORING: LegalBasis.LEGAL_TASK,
    Purpose.CRIMINAL_JUSTICE: LegalBasis.LEGAL_TASK,
    Purpose.HELP: LegalBasis.COVENANT,
    Purpose.CASE_DIRECTION: LegalBasis.COVENANT,
}

# What each kind of disclosure usually rests on, when nothing more specific proposes a basis.
PROPOSED_FOR_KIND = {
    SharingKind.TAKE_UP: LegalBasis.LEGAL_TASK,
    SharingKind.HANDOVER: LegalBasis.COVENANT,
    SharingKind.ADDRESS: LegalBasis.CONSENT,
    SharingKind.SHIELD_LIFT: LegalBasis.CONSENT,
}


@dataclass(frozen=True)
class Basis:
    """A professional's choice, as typed: the basis, the consent it rests on, the answers."""

    legal_basis: str
    consent_id: int | None = None
    answers: dict[str, str] = field(default_factory=dict)


def basis_from(data: Mapping[str, Any]) -> Basis:
    """The choice from a form's POST data (a QueryDict or a dict)."""
    get = data.get
    consent = (get("consent") or "").strip()
    return Basis(
        legal_basis=(get("legal_basis") or "").strip(),
        consent_id=int(consent) if consent.isascii() and consent.isdigit() and len(consent) < 12 else None,
        answers={name: get(name) or "" for name in FIVE_QUESTIONS},
    )


def proposed(kind: str, purpose: str | None = None, rule_basis: str = "") -> str:
    if rule_basis:
        return rule_basis
    if kind == SharingKind.TAKE_UP and purpose:
        return str(BASIS_FOR_PURPOSE.get(purpose, LegalBasis.LEGAL_TASK))  # type: ignore[call-overload]
    return str(PROPOSED_FOR_KIND[kind])  # type: ignore[index]


def consents_in_force(
    household: Household, *, receiver: Organisation | None = None, information: str | None = None
) -> list[Consent]:
    """Consents of the household's members that are given and in force today, covering the receiving
    organisation and the information when asked (newest first)."""
    today = timezone.localdate()
    found: QuerySet[Consent] = (
        Consent.objects.filter(household=household, status=ConsentStatus.GIVEN, given_on__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(person__memberships__household=household)
        .select_related("person")
        .prefetch_related("partners")
        .distinct()
    )
    if receiver is not None:
        found = found.filter(partners=receiver)
    return [c for c in found if information is None or c.covers(information)]


def check(
    household: Household,
    basis: Basis,
    *,
    kind: str,
    receiver: Organisation | None,
    information: str,
    persons: frozenset[int] | None = None,
    actor: Actor | None = None,
) -> tuple[Consent | None, dict[str, str]]:
    """The consent the choice rests on (or None) and the answers as stored; a Dutch ValidationError per
    field when the choice does not hold. `persons`: the members the professional works with, when not the
    whole household — only their consents can carry the act (the others' are not even shown)."""
    if basis.legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": [_("Choose the legal basis for this.")]})
    if basis.legal_basis == LegalBasis.CONSENT:
        in_force = consents_in_force(household, receiver=receiver, information=information)
        consent = next(
            (c for c in in_force if c.pk == basis.consent_id and (persons is None or c.person_id in persons)),
            None,
        )
        if consent is None:
            if basis.consent_id is not None and actor is not None:
                # A consent id that is not one this professional may use here (another member's, another
                # household's, withdrawn, or made up): refused and logged.
                record(actor, action="use", object_type="consent", object_id=str(basis.consent_id)[:20],
                       household_id=household.pk, outcome="denied")  # fmt: skip
            raise ValidationError(
                {
                    "consent": [
                        _(
                            "Choose a consent of a member that is in force and covers this partner and this "
                            "information. Record the consent first, or choose another basis and answer the "
                            "five questions."
                        )
                    ]
                }
            )
        return consent, {}
    if kind == SharingKind.TAKE_UP:
        return None, {}
    errors: dict[str, list[str]] = {}
    answers: dict[str, str] = {}
    for name in FIVE_QUESTIONS:
        try:
            answers[name] = bounded(
                basis.answers.get(name, ""),
                field=name,
                minimum=ANSWER_MIN,
                maximum=ANSWER_MAX,
                too_short=_(
                    "Answer this question in a sentence: without consent it is recorded with the disclosure."
                ),
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return None, answers


def lock_in_force(consent: Consent) -> Consent:
    """Inside the writing transaction: the consent, locked, still given and in force — or a Dutch
    ValidationError (it was withdrawn or ran out since the form was checked)."""
    locked = Consent.objects.select_for_update().filter(pk=consent.pk, status=ConsentStatus.GIVEN).first()
    if locked is None or not locked.in_force():
        raise ValidationError(
            {
                "consent": [
                    _("The consent this rests on is no longer in force: it was withdrawn or has run out.")
                ]
            }
        )
    return locked


def store(
    actor: Actor,
    household: Household,
    basis: Basis,
    *,
    kind: str,
    subject_id: int | None,
    proposal: str,
    consent: Consent | None,
    answers: dict[str, str],
) -> SharingBasis:
    """Write the checked choice (inside the caller's transaction)."""
    return SharingBasis.objects.create(
        household=household,
        kind=kind,
        subject_id=subject_id,
        legal_basis=basis.legal_basis,
        proposed_basis=proposal,
        consent=consent,
        chosen_by=actor.user,
        chosen_by_organisation=actor.organisation,
        **answers,
    )


def basis_code(record: SharingBasis | None, fallback: str) -> str:
    return record.legal_basis if record is not None else fallback


def form_context(
    household: Household,
    kind: str,
    *,
    information: str,
    proposal: str | None = None,
    person_id: int | None = None,
    post: object = None,
    errors: dict[str, list[str]] | None = None,
    prefix: str = "basis",
    in_force: list[Consent] | None = None,
    persons: frozenset[int] | None = None,
    hide_shelters: bool = False,
) -> dict[str, object]:
    """What `sharing/_basis_fields.html` shows: the bases with the proposal first chosen, the consents in
    force that could carry this act (of `person_id` only, when given; of `persons` only, the members a
    partner works with when not the whole household), and the five questions — with what
    was typed and the errors after a refused POST."""
    proposal = proposal or proposed(kind)
    get = getattr(post, "get", None)
    chosen = (get("legal_basis") if get else "") or proposal
    errors = errors or {}
    if in_force is None:
        in_force = consents_in_force(household)
    consents = [
        c
        for c in in_force
        if c.covers(information)
        and (person_id is None or c.person_id == person_id)
        and (persons is None or c.person_id in persons)
    ]
    chosen_consent = (get("consent") if get else "") or ""
    return {
        "prefix": prefix,
        "bases": [
            {"value": value, "label": label, "checked": value == chosen, "proposed": value == proposal}
            for value, label in LegalBasis.choices
        ],
        "consents": [
            {
                "value": c.pk,
                "person": c.person.full_name,
                "given_on": c.given_on,
                "valid_until": c.valid_until,
                "partners": ", ".join(
                    p.name
                    for p in c.partners.all()
                    if not (hide_shelters and p.kind == OrganisationKind.SHELTER)
                ),
                "information": ", ".join(c.information_labels()),
                "selected": str(c.pk) == chosen_consent,
            }
            for c in consents
        ],
        "questions": (
            []
            if kind == SharingKind.TAKE_UP
            else [
                {
                    "name": name,
                    "label": label,
                    "value": (get(name) if get else "") or "",
                    "errors": errors.get(name, []),
                }
                for name, label in FIVE_QUESTIONS.items()
            ]
        ),
        "basis_errors": errors.get("legal_basis", []),
        "consent_errors": errors.get("consent", []),
    }
