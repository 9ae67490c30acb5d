"""`POST /signals` for partner systems, with an Idempotency-Key; `GET /signals/{reference}` for the
follow-up the reporting organisation may know."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, WithJsonSchema, field_validator

from verband.accounts.models import ApiScope
from verband.apikit import AUTH_ERRORS, ErrorOut, error_response, require_scope
from verband.households.models import MemberRole, Sex
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record
from verband.signals import checks, feedback, selectors, services
from verband.signals.models import (
    PROFESSIONAL_KINDS,
    Activation,
    ActivationStatus,
    Signal,
    SignalStatus,
    ViolenceForm,
)
from verband.text import refuse_nul

router = Router(tags=["signals"])

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

KindLiteral = Literal[tuple(value for value, _label in PROFESSIONAL_KINDS)]  # type: ignore[valid-type]
RoleLiteral = Literal[tuple(MemberRole.values)]  # type: ignore[valid-type]
SexLiteral = Literal[tuple(Sex.values)]  # type: ignore[valid-type]
ViolenceLiteral = Literal[tuple(ViolenceForm.values)]  # type: ignore[valid-type]


def _shared(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A rule of `signals.checks` (the intake form's rules) as a pydantic validator: its Dutch message
    becomes the 422's detail for the field."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except DjangoValidationError as exc:
            raise ValueError(exc.messages[0]) from None

    return validate


def _text(name: str, *, required: bool = False) -> Any:
    """A text field with the form's rule for it (no NUL, stripped, at most its length; required: not
    blank), documented with its maxLength."""
    rule = checks.family_name if name == "family_name" else partial(checks.text, name=name, required=required)
    return Annotated[
        str,
        AfterValidator(_shared(rule)),
        WithJsonSchema({"type": "string", "maxLength": checks.MAX_LENGTH[name]}),
    ]


def _no_nul(value: object) -> object:
    if isinstance(value, str):
        try:
            refuse_nul(value)
        except DjangoValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    return value


Postcode = Annotated[
    str,
    AfterValidator(_shared(checks.postcode)),
    WithJsonSchema({"type": "string", "maxLength": checks.MAX_LENGTH["postcode"]}),
]


class PersonIn(Schema):
    _nul = field_validator("*", mode="before")(classmethod(lambda cls, v: _no_nul(v)))
    role: RoleLiteral  # type: ignore[valid-type]
    family_name: _text("family_name") = Field(..., description="At least a family name, as far as known")  # type: ignore[valid-type]
    given_names: _text("given_names") = ""  # type: ignore[valid-type]
    surname_prefix: _text("surname_prefix") = ""  # type: ignore[valid-type]
    date_of_birth: str | None = Field(
        None, description="ISO 8601, reduced precision allowed: 1990-03-12, 1990-03 or 1990; omit if unknown"
    )
    sex: SexLiteral = "unknown"  # type: ignore[valid-type]
    bsn: Annotated[
        str, AfterValidator(_shared(checks.bsn)), WithJsonSchema({"type": "string", "maxLength": 11})
    ] = ""
    street: _text("street") = ""  # type: ignore[valid-type]
    house_number: _text("house_number") = ""  # type: ignore[valid-type]
    postcode: Postcode = ""
    city: _text("city") = ""  # type: ignore[valid-type]
    phone: _text("phone") = ""  # type: ignore[valid-type]
    languages: _text("languages") = ""  # type: ignore[valid-type]
    interpreter_needed: bool = False
    confidential: bool = Field(
        False,
        description=(
            "The address is a shelter or other confidential address: only your organisation sees it, and it "
            "never routes the signal. Signals from a shelter, and configured shelter addresses, are "
            "confidential whatever this says."
        ),
    )

    @field_validator("date_of_birth")
    @classmethod
    def _partial_date(cls, value: str | None) -> str | None:
        if not value:
            return None
        match = PARTIAL_DATE.match(value)
        if not match:
            raise ValueError(_("Use 1990-03-12, 1990-03 or 1990."))
        year, month, day = (int(part) if part else None for part in match.groups())
        _shared(lambda parts: checks.birth_date(*parts))((year, month, day))
        return value

    def as_input(self) -> services.PersonInput:
        year = month = day = None
        if self.date_of_birth:
            parts = [int(p) if p else None for p in PARTIAL_DATE.match(self.date_of_birth).groups()]  # type: ignore[union-attr]
            year, month, day = parts
        return services.PersonInput(
            role=self.role,
            family_name=self.family_name,
            given_names=self.given_names,
            surname_prefix=self.surname_prefix,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            sex=self.sex,
            bsn=self.bsn,
            street=self.street,
            house_number=self.house_number,
            postcode=self.postcode,
            city=self.city,
            phone=self.phone,
            languages=self.languages,
            interpreter_needed=self.interpreter_needed,
            address_confidential=self.confidential,
        )


class SignalIn(Schema):
    _nul = field_validator("*", mode="before")(classmethod(lambda cls, v: _no_nul(v)))
    kind: KindLiteral  # type: ignore[valid-type]
    description: _text("description", required=True)  # type: ignore[valid-type]
    persons: list[PersonIn] = Field(..., min_length=1, max_length=12)
    reporter_name: _text("reporter_name") = ""  # type: ignore[valid-type]
    reporter_function: _text("reporter_function") = ""  # type: ignore[valid-type]
    reporter_phone: _text("reporter_phone") = ""  # type: ignore[valid-type]
    anonymous_to_household: bool = False
    violence_forms: list[ViolenceLiteral] = Field(default_factory=list)  # type: ignore[valid-type]
    children_involved: bool = False
    children_witness: bool = False
    weapon_mentioned: bool = False
    acute_danger: bool = False
    occurred_on: date | None = None
    location: _text("location") = ""  # type: ignore[valid-type]
    postcode: Postcode = ""

    @field_validator("occurred_on")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        return _shared(checks.occurred_on)(value)


class TakenUpOut(Schema):
    organisation: str
    on: datetime


class FeedbackOut(Schema):
    moment: str = Field(..., description="assessment (end of the safety assessment) or handover (after one)")
    follow_up: str = Field(..., description="The follow-up the reporting centre chose, from a closed list")
    organisation: str | None = Field(None, description="The organisation that takes it up, if named")
    on: datetime


class SignalOut(Schema):
    reference: str
    status: str = Field(..., description="received (stored, being routed) or routed")
    received_at: datetime
    taken_up_by: list[TakenUpOut] = Field(
        default_factory=list, description="Organisations that took up the follow-up; nothing more"
    )
    feedback: list[FeedbackOut] = Field(
        default_factory=list,
        description="The reporting centre's statutory feedback: the follow-up chosen and by whom; nothing more",
    )


def _taken_up_by(activation: Activation) -> str:
    """Who took a signal up, as its reporter may read it (as on the signal's page): an organisation, never a
    team's or a network's name (a district), never a shelter's (it is where she is)."""
    if activation.network is not None:
        return _("The regional network")
    named = feedback.nameable(activation.team.organisation) if activation.team else None
    return str(named) if named is not None else _("A partner of the network")


def _out(signal: Signal, *, just_routed: bool = False, follow_up: bool = True) -> dict:
    """`follow_up` False: the actor only decides whether to take the signal up, or works with named members
    only (`selectors.signal_access` "pending"): as on the signal's page, not who took it up nor the
    reporter's feedback — it would tell a partner of the perpetrator who works with her."""
    # A signal routed in this request has only open activations: nobody took it up yet.
    taken = [
        {"organisation": _taken_up_by(a), "on": a.decided_at}
        for a in (
            []
            if just_routed or not follow_up
            # A partner already involved that saw the report (an update) has it as much as one taking it up.
            else signal.activations.filter(
                status__in=[ActivationStatus.ACCEPTED, ActivationStatus.ACKNOWLEDGED]
            ).select_related("team__organisation", "network")
        )
    ]
    return {
        "reference": signal.reference,
        "status": signal.status,
        "received_at": signal.received_at,
        "taken_up_by": taken,
        "feedback": [
            {
                "moment": line.moment,
                "follow_up": line.follow_up,
                "organisation": line.organisation.name if line.organisation else None,
                "on": line.at,
            }
            for line in ([] if just_routed or not follow_up else feedback.feedback_lines(signal))
        ],
    }


@router.post(
    "/signals",
    response={200: SignalOut, 201: SignalOut, 400: ErrorOut, 409: ErrorOut, 422: ErrorOut, **AUTH_ERRORS},
    summary="Register a signal (report, advice request, police registration, self-referral)",
    description=(
        "Stored before anything else happens, then recognised and routed. Send an `Idempotency-Key` header "
        "(up to 100 characters): the same key from the same organisation returns the signal stored the "
        "first time (200) instead of a second one; the same key with a different body is a 409."
    ),
)
def create_signal(request: HttpRequest, payload: SignalIn) -> HttpResponse | Status:
    require_scope(request, ApiScope.SIGNALS_WRITE)
    actor = actor_for_request(request)
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and (len(key) > 100 or not key.isprintable()):
        return error_response(
            request, 422, "invalid", _("The Idempotency-Key must be at most 100 characters.")
        )
    data = services.SignalInput(
        kind=payload.kind,
        description=payload.description,
        persons=[p.as_input() for p in payload.persons],
        reporter_name=payload.reporter_name,
        reporter_function=payload.reporter_function,
        reporter_phone=payload.reporter_phone,
        anonymous_to_household=payload.anonymous_to_household,
        violence_forms=list(payload.violence_forms),
        children_involved=payload.children_involved,
        children_witness=payload.children_witness,
        weapon_mentioned=payload.weapon_mentioned,
        acute_danger=payload.acute_danger,
        occurred_on=payload.occurred_on,
        location=payload.location,
        postcode=payload.postcode,
    )
    try:
        signal, created = services.receive(actor, data, idempotency_key=key)
    except services.IdempotencyConflict:
        return error_response(
            request, 409, "conflict", _("This Idempotency-Key was used before for a different signal.")
        )
    if created:
        try:
            routed = services.finish(signal.pk, actor)
        except Exception:  # the signal is stored; the worker routes it later
            import logging

            logging.getLogger(__name__).exception("Routing %s failed; the worker retries", signal.reference)
            routed = False
        if routed:
            signal.status = SignalStatus.ROUTED
            return Status(201, _out(signal, just_routed=True))
        signal.refresh_from_db()  # routed by the worker meanwhile, or left for it
    return Status(201 if created else 200, _out(signal))


@router.get(
    "/signals/{reference}",
    response={200: SignalOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="The follow-up of a signal your organisation reported",
)
def get_signal(request: HttpRequest, reference: str) -> dict:
    require_scope(request, ApiScope.SIGNALS_WRITE)
    actor = actor_for_request(request)
    signal, access = selectors.get_signal_or_404(actor, reference)
    record(
        actor,
        action="view",
        object_type="signal_feedback",
        object_id=signal.reference,
        household_id=signal.household_id if access == "full" else None,
    )
    return _out(signal, follow_up=access != "pending")
