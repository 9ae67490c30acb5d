"""What the retention sweep removes, declared per model in one place.

A swept household keeps its skeleton — the rows with their dates, statuses, kinds, scores and
organisations — so steering still counts signals, repeat reports, activations, waiting times, help,
handovers, escalations and safety scores over the years. Everything typed in words goes: the reporter's
story, timeline lines, notes, plan texts, questions, reasons, minutes. A person is pseudonymised once
every household they are in was swept: names, BSN, day and month of birth and contact details are
blanked (the year of birth and sex stay, for age groups), what only identifies them — addresses with
their disclosures and decisions, relations, recognition's blocking keys — is deleted, and they are taken
out of the candidates recognition showed for other signals (`CANDIDATES`). With no name, BSN,
full birth date or address left, recognition has no key to find them by (`households.matching`).

`HOUSEHOLD_RULES` and `PERSON_RULES` are the list; `KEPT` says, for every other text field of a model
that points at a household or a person, why it stays. `tests/test_every_field_decided.py` fails when a
model gains such a field that is in neither, so a new kind of personal data cannot be forgotten here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from verband.collaboration.models import AgendaItem, CaseMeeting, Handover, Help
from verband.consultation.models import Advice, Consultation, ConsultationStatus
from verband.escalation.models import Escalation
from verband.households.models import Address, HouseholdEvent, Merge, Person, PersonKey, Relation
from verband.journal.models import Document, JournalEntry
from verband.measures.models import Closing, ProtectiveMeasure
from verband.plans.models import (
    FamilyPlan,
    Goal,
    PlanAction,
    PlanVersion,
    Regie,
    RegieTransfer,
    SafetyAgreement,
)
from verband.portal.models import MemberAccess, MemberFeedback, MemberMessage, MemberWords, VersionResponse
from verband.rights.models import RightsRequest
from verband.safety.models import DangerFact, InstrumentResult, SafetyAssessment
from verband.sharing.models import Consent, EmergencyAccess, Involvement, SharingBasis
from verband.shielding.models import ShieldDecision
from verband.signals.models import Activation, Signal, SignalPerson
from verband.tasks.models import Task


@dataclass(frozen=True)
class Clear:
    """Blank these fields of every row of `model` that belongs to the household (or person) through
    `path` (a lookup ending in the household's or person's id)."""

    key: str
    label: Promise
    model: type[models.Model]
    path: str
    values: dict[str, Any]
    where: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delete:
    """Delete every row of `model` that belongs to the person through any of `paths`."""

    key: str
    label: Promise
    model: type[models.Model]
    paths: tuple[str, ...]


# What a text that must not be empty reads once its words were swept.
ERASED = "(verwijderd na de bewaartermijn)"

# A person as a reporter described them, in a signal: nothing of it stays but role, sex and birth year.
SIGNAL_PERSON_TEXT: dict[str, Any] = {
    "given_names": "",
    "surname_prefix": "",
    "family_name": "",
    "birth_month": None,
    "birth_day": None,
    "bsn": "",
    "street": "",
    "house_number": "",
    "postcode": "",
    "city": "",
    "phone": "",
    "languages": "",
    "candidates": [],
}

# What stands in for a text that a constraint requires once written (a decision's reason, a link's reason,
# a consultation's conclusion): no words of it stay, the row stays valid.
GONE = "—"


def required_when(**condition: Any) -> Case:
    """`GONE` for the rows where the model requires the text (`condition`), empty for the others."""
    return Case(When(**condition, then=Value(GONE)), default=Value(""))


HOUSEHOLD_RULES: list[Clear] = [
    Clear("timeline", _("timeline lines"), HouseholdEvent, "household_id", {"summary": ""}),
    # A merge's reason, and the rows it removed as duplicates (kept for undo), name people.
    Clear("merge", _("merges and splits"), Merge, "household_id", {"reason": "", "removed": []}),
    Clear(
        "signal",
        _("signals"),
        Signal,
        "household_id",
        {
            "description": "",
            "reporter_name": "",
            "reporter_function": "",
            "reporter_phone": "",
            "reporter_email": "",
            "receipt": "",
            "location": "",
            # The four digits of the postcode (the area) stay for the counts per area.
            "postcode": Substr("postcode", 1, 4),
            "idempotency_key": None,
            "request_hash": "",
        },
    ),
    Clear(
        "signal_person", _("persons as reported"), SignalPerson, "signal__household_id", SIGNAL_PERSON_TEXT
    ),
    Clear("activation", _("activations"), Activation, "household_id", {"reason": "", "handback_reason": ""}),
    Clear("involvement", _("involvements"), Involvement, "household_id", {"end_note": ""}),
    Clear(
        "emergency_access",
        _("emergency accesses"),
        EmergencyAccess,
        "involvement__household_id",
        {"reason": "", "judgement_note": ""},
    ),
    Clear("assessment", _("safety assessments"), SafetyAssessment, "household_id", {"summary": ""}),
    Clear("danger_fact", _("danger facts"), DangerFact, "household_id", {"detail": ""}),
    Clear(
        "measure",
        _("protective measures"),
        ProtectiveMeasure,
        "household_id",
        {"detail": "", "end_reason": ""},
    ),
    Clear("closing", _("closing assessments"), Closing, "household_id", {"summary": ""}),
    Clear("task", _("tasks"), Task, "household_id", {"done_note": ""}),
    Clear(
        "instrument_result",
        _("instrument results"),
        InstrumentResult,
        "household_id",
        {"answers": {}, "explanation": []},
    ),
    Clear(
        "plan",
        _("family plan"),
        FamilyPlan,
        "household_id",
        {"household_wishes": "", "agreement_note": ""},
    ),
    Clear(
        "plan_version", _("plan versions"), PlanVersion, "plan__household_id", {"snapshot": {}, "change": ""}
    ),
    Clear("goal", _("goals"), Goal, "plan__household_id", {"text": ""}),
    Clear("agreement", _("safety agreements"), SafetyAgreement, "plan__household_id", {"text": ""}),
    Clear("action", _("plan actions"), PlanAction, "plan__household_id", {"text": ""}),
    Clear(
        "regie",
        _("regie periods"),
        Regie,
        "household_id",
        {"mandate_note": "", "end_reason": "", "mandate_answer_note": ""},
    ),
    Clear(
        "regie_transfer",
        _("regie transfers"),
        RegieTransfer,
        "household_id",
        {"note": "", "decision_note": ""},
    ),
    Clear("handover", _("handovers"), Handover, "household_id", {"question": "", "reason": ""}),
    Clear("help", _("help"), Help, "household_id", {"note": ""}),
    Clear(
        "agenda_item", _("case meeting items"), AgendaItem, "household_id", {"decisions": "", "changes": []}
    ),
    Clear("escalation", _("escalations"), Escalation, "household_id", {"question": "", "decision": ""}),
    Clear("shield_decision", _("shield decisions"), ShieldDecision, "household_id", {"reason": ""}),
    Clear(
        "member_access",
        _("accesses to the household's door"),
        MemberAccess,
        "household_id",
        {"cut_off_reason": ""},
    ),
    Clear("consent", _("consents"), Consent, "household_id", {"note": "", "withdrawn_note": ""}),
    Clear(
        "sharing_basis",
        _("legal bases of disclosures"),
        SharingBasis,
        "household_id",
        {
            "q_purpose": "",
            "q_need_to_know": "",
            "q_subsidiarity": "",
            "q_proportionality": "",
            "q_effectiveness": "",
            "q_without_consent": "",
        },
    ),
    Clear(
        "rights_request",
        _("requests under the AVG"),
        RightsRequest,
        "household_id",
        {
            "asked": "",
            # A decision keeps a reason and a request through a representative says so (check
            # constraints): their words go, a mark that they were there stays.
            "decision": Case(When(decision="", then=Value("")), default=Value(ERASED)),
            "extension_reason": "",
            "representative": Case(When(representative="", then=Value("")), default=Value(ERASED)),
        },
    ),
    # A consultation linked to the household became its case: what the network discussed goes with it.
    Clear(
        "consultation",
        _("anonymous consultations linked"),
        Consultation,
        "household_id",
        # A linked consultation keeps a reason for its link, a closed one a conclusion (its constraints).
        {
            "facts": "",
            "question": "",
            "conclusion": required_when(status=ConsultationStatus.CLOSED),
            "link_reason": GONE,
        },
    ),
    Clear(
        "journal_entry",
        _("journal entries"),
        JournalEntry,
        "household_id",
        {"summary": "", "next_step": "", "other_participants": "", "correction_reason": ""},
    ),
    # The stored files themselves are deleted by the sweep (`sweep.sweep_household`, after it commits).
    Clear(
        "document",
        _("documents"),
        Document,
        "household_id",
        {"original_name": "", "stored_name": "", "description": "", "sha256": ""},
    ),
    Clear(
        "consultation_advice",
        _("advice in linked consultations"),
        Advice,
        "consultation__household_id",
        {"text": ""},
    ),
    # What members wrote at the household's door (`verband.portal`): their words, answers, questions and
    # the regisseur's answers, feedback. The rows (dates, scores, agreement) stay for steering.
    Clear("member_words", _("members' own words in the plan"), MemberWords, "household_id", {"text": ""}),
    Clear(
        "member_response",
        _("members' answers to plan versions"),
        VersionResponse,
        "household_id",
        {"note": ""},
    ),
    Clear(
        "member_message", _("questions of members and answers"), MemberMessage, "household_id", {"text": ""}
    ),
    Clear("member_feedback", _("members' feedback"), MemberFeedback, "household_id", {"text": ""}),
]

# The minutes of a case meeting are one text about every household on its agenda: blanked when the last
# of them is swept (until then they are kept for the households still within their period).
MINUTES = Clear("minutes", _("case meeting minutes"), CaseMeeting, "items__household_id", {"minutes": ""})

PERSON_RULES: list[Clear] = [
    Clear(
        "person",
        _("persons pseudonymised"),
        Person,
        "id",
        {
            "given_names": "",
            "initials": "",
            "surname_prefix": "",
            "family_name": "",
            "birth_month": None,
            "birth_day": None,
            "bsn": "",
            "phone": "",
            "email": "",
            "languages": "",
        },
    ),
    # What a reporter said about the person in a signal not (yet) routed to a household; those of the
    # person's households were cleared with them.
    Clear(
        "signal_person",
        _("persons as reported"),
        SignalPerson,
        "person_id",
        SIGNAL_PERSON_TEXT,
        where={"signal__household__isnull": True},
    ),
]

PERSON_DELETES: list[Delete] = [
    # With its disclosures and decisions (their reasons), which cascade.
    Delete("address", _("addresses"), Address, ("person_id",)),
    Delete("relation", _("relations"), Relation, ("person_id", "other_id")),
    Delete("person_key", _("recognition keys"), PersonKey, ("person_id",)),
]


@dataclass(frozen=True)
class Forget:
    """Take the person out of the JSON list `field` of every row of `model`, wherever the row belongs:
    each entry naming them (`{"person": id, ...}`) goes, the others stay."""

    key: str
    label: Promise
    model: type[models.Model]
    field: str


# Recognition showed the person as a candidate for signals about other households; an entry's reasons
# quote their name ("voornaam klinkt hetzelfde (ana ~ anna)").
CANDIDATES = Forget("candidate", _("entries as a candidate in other signals"), SignalPerson, "candidates")

# Text fields of models pointing at a household or a person that stay, and why.
KEPT: dict[str, dict[str, str]] = {
    "households.household": {"reference": "the household's number, not a person's data"},
    "households.address": {
        f: "the address is deleted" for f in ("street", "house_number", "postcode", "city")
    },
    "households.addressdisclosure": {"basis": "deleted with its address"},
    "households.addressdecision": {"reason": "deleted with its address"},
    "households.personkey": {"key": "deleted with the person's pseudonymisation"},
    "households.merge": {
        "moved": "model names and row ids of what a merge moved, no data",
        "previous_status": "the status of the household merged in",
    },
    "signals.signal": {
        "reference": "the signal's number",
        "channel": "web or API",
        "violence_forms": "categories, for steering",
    },
    "safety.safetyassessment": {
        "assessor_name": "the professional who assessed (accountability), not the household's data",
        "weighing": "answers from a closed list, for steering",
        "profiles": "violence profiles from a closed list, for steering",
        "balance": "Balansmodel factors from a closed list, for steering",
    },
    "safety.instrumentresult": {
        "instrument_code": "which instrument",
        "instrument_name": "which instrument",
        "instrument_version": "which instrument",
        "level": "the outcome band, for steering",
        "label": "the outcome band's name",
    },
    "plans.planversion": {
        "saved_by_name": "the professional who saved it (accountability)",
        "organisation_name": "the professional's organisation",
    },
    "plans.regietransfer": {"requested_by_name": "the professional who asked (accountability)"},
    "collaboration.handover": {"decided_by_name": "the professional who answered (accountability)"},
    "signals.reporterfeedback": {"by_name": "the professional who gave the feedback (accountability)"},
    "sharing.consent": {"information": "categories from a closed list (which information), no data"},
    "sharing.involvement": {
        "network_kinds": "kinds of organisation from a closed list: they decide the retention period"
    },
    "rights.rightsrequest": {
        "recorded_by_name": "the professional who recorded it (accountability)",
        "decided_by_name": "the professional who decided (accountability)",
    },
    "portal.memberaccess": {
        "invited_by_name": "the professional who invited (accountability)",
        "code_hash": "the hash of a one-time code, no data",
    },
    "portal.membermessage": {"author_name": "the professional who answered (accountability)"},
    "consultation.consultation": {"reference": "the consultation's number, not a person's data"},
    "measures.closing": {
        "phase": "a phase from a closed list, for steering",
        "scores": "numbers 1 to 10 per member (as safety scores), for steering",
        "aftercare_months": "numbers of months from a closed list",
    },
    "tasks.task": {
        "title": "names a kind of work and a date, never a person (measures.clocks, measures.closing)",
        "source_type": "what kind of item made the task",
        "source_key": "a date or a number of months",
    },
    "journal.journalentry": {"author_name": "the professional who wrote it (accountability)"},
    "journal.document": {
        "uploaded_by_name": "the professional who added it (accountability)",
        "content_type": "the file's kind from a closed list (PDF, image, office document)",
    },
    "escalation.escalation": {
        "subject_type": "what kind of item stalled",
        "summary": "names kinds of items and household references, never persons (escalation.detectors)",
        "decided_by_name": "the professional who decided (accountability)",
    },
    # A platform's agenda and decisions are about the network, not a household: their texts refuse personal
    # data when written (platforms.services.refuse_personal_data) and an escalation's item names only the
    # kind of stall, the organisations and since when (platforms.services.add_escalation_items).
    "platforms.agendaitem": {
        "indicator": "an indicator's key and period (numbers only)",
        "title": "the kind of stall, barrier or indicator; personal data refused when written",
        "text": "organisations, dates and numbers; personal data refused when written",
    },
    "platforms.decision": {
        "text": "what a platform decided about the network; personal data refused when written",
        "outcome": "what came of it; personal data refused when written",
    },
}


def kept_reason(model: type[models.Model], field: str) -> str | None:
    return KEPT.get(model._meta.label_lower, {}).get(field)


def cleared_fields(model: type[models.Model]) -> set[str]:
    """The fields of `model` some rule blanks (or deletes, for whole rows)."""
    names: set[str] = set()
    for rule in [*HOUSEHOLD_RULES, MINUTES, *PERSON_RULES]:
        if rule.model is model:
            names |= set(rule.values)
    if any(rule.model is model for rule in PERSON_DELETES):
        names |= {f.name for f in model._meta.get_fields()}
    return names


_EVERY_RULE: list[Clear | Delete] = [*HOUSEHOLD_RULES, MINUTES, *PERSON_RULES, *PERSON_DELETES]
# How a report names what was removed ("signalen: 4"), in this order.
LABELS: dict[str, Promise] = {rule.key: rule.label for rule in _EVERY_RULE}
LABELS[CANDIDATES.key] = CANDIDATES.label


def in_order(items: dict[str, int]) -> list[tuple[str, int]]:
    """A report's counts as (label, number), in the order of the rules."""
    order = list(LABELS)
    ranked = sorted(
        items.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])
    )
    return [(str(LABELS.get(key, key)), n) for key, n in ranked]
