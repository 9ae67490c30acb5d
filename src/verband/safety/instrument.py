"""Instruments as configuration: questions, answer scales, scoring, thresholds and explanation live in a
YAML or JSON file a region loads, never in code. Licensed instruments (most risk-assessment tools are)
are loaded by the region that holds the licence; Verband ships only its own neutral screening and the
Balansmodel checklist. See docs/instruments.md.

Two scoring methods:
- `sum`: the weighted sum of the answer values; bands (thresholds) turn the score into a level.
- `balance`: items are risk or protective factors at a level (micro, meso, macro); the result counts the
  ticked factors per level and kind — the Balansmodel's weighing of load against strength."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

BUILT_IN = Path(__file__).resolve().parent / "instruments"


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float
    label: str


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., min_length=1, max_length=40)
    text: str = Field(..., min_length=1)
    section: str = ""
    weight: float = 1.0
    options: list[Option] | None = None  # defaults to the instrument's scale
    kind: Literal["risk", "protective"] | None = None  # for `balance`
    level: Literal["micro", "meso", "macro"] | None = None  # for `balance`
    help: str = ""


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: float
    level: str = Field(..., min_length=1, max_length=60)
    label: str = Field(..., max_length=200)
    explanation: str = ""


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["sum", "balance"]
    bands: list[Band] = []


class Instrument(BaseModel):
    """The file's content, validated."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(..., pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")
    name: str = Field(..., min_length=1, max_length=200)
    version: str = Field(..., min_length=1, max_length=40)
    licence: str = Field(..., description="Who may use it; a licensed instrument names the licence holder")
    explanation: str = ""
    scale: list[Option] = []
    questions: list[Question] = Field(..., min_length=1)
    scoring: Scoring

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be unique")
        for question in self.questions:
            if not (question.options or self.scale):
                raise ValueError(f"question {question.id} has no answer options and there is no scale")
            if self.scoring.method == "balance" and not (question.kind and question.level):
                raise ValueError(f"question {question.id} needs a kind and a level for the balance method")
        if self.scoring.method == "sum":
            if not self.scoring.bands:
                raise ValueError("the sum method needs at least one band")
            mins = [band.min for band in self.scoring.bands]
            if mins != sorted(mins) or len(set(mins)) != len(mins):
                raise ValueError("bands must have rising, distinct minimum scores")
        return self

    def options_for(self, question: Question) -> list[Option]:
        return question.options or self.scale


class InstrumentError(Exception):
    """A file that is not a valid instrument; the message says where, in Dutch."""


def parse(text: str, *, name: str = "") -> Instrument:
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InstrumentError(
            _("%(name)s cannot be read: %(error)s") % {"name": name, "error": exc}
        ) from None
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '—'}: {e['msg']}" for e in exc.errors())
        raise InstrumentError(
            _("%(name)s is not a valid instrument: %(problems)s") % {"name": name, "problems": problems}
        ) from None


def load(path: Path) -> Instrument:
    return parse(path.read_text(encoding="utf-8"), name=path.name)


def built_in() -> list[Instrument]:
    return [load(path) for path in sorted(BUILT_IN.glob("*.y*ml"))]


def region_files() -> list[Path]:
    """The region's own instrument files, from VERBAND_INSTRUMENTS_DIR."""
    from django.conf import settings

    folder = Path(settings.INSTRUMENTS_DIR) if settings.INSTRUMENTS_DIR else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def available() -> dict[str, Instrument]:
    """Every instrument a professional can fill in: the built-in ones and the region's valid files (a
    region file with the code of a built-in one replaces it). Invalid files are left out and logged;
    `manage.py check_instruments` says what is wrong with them."""
    import logging

    found = {i.code: i for i in built_in()}
    for path in region_files():
        try:
            instrument = load(path)
        except InstrumentError as exc:
            logging.getLogger(__name__).warning("%s", exc)
            continue
        found[instrument.code] = instrument
    return found


@dataclass
class Result:
    instrument: str
    score: float | None = None
    level: str = ""
    label: str = ""
    complete: bool = True
    missing: list[str] = field(default_factory=list)
    contributions: list[tuple[str, float]] = field(default_factory=list)  # (question id, points)
    balance: dict[str, dict[str, int]] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)


def score(instrument: Instrument, answers: dict[str, float]) -> Result:
    """Compute and explain. Unknown question ids or answer values are refused; unanswered questions make
    the result incomplete (a sum is then a lower bound, said so in the explanation)."""
    questions = {q.id: q for q in instrument.questions}
    for qid, value in answers.items():
        if qid not in questions:
            raise InstrumentError(_("Unknown question: %(id)s") % {"id": qid})
        if value not in {o.value for o in instrument.options_for(questions[qid])}:
            raise InstrumentError(
                _("Answer %(value)s is not an option of %(id)s") % {"value": value, "id": qid}
            )
    missing = [q.id for q in instrument.questions if q.id not in answers]
    result = Result(instrument.code, complete=not missing, missing=missing)
    if instrument.scoring.method == "balance":
        counts = {level: {"risk": 0, "protective": 0} for level in ("micro", "meso", "macro")}
        for question in instrument.questions:
            if answers.get(question.id):
                counts[question.level or "micro"][question.kind or "risk"] += 1
        result.balance = counts
        for level, count in counts.items():
            result.explanation.append(
                _("%(level)s: %(risk)s risk factors, %(protective)s protective factors")
                % {"level": level, "risk": count["risk"], "protective": count["protective"]}
            )
        return result
    total = 0.0
    for question in instrument.questions:
        if question.id in answers:
            points = answers[question.id] * question.weight
            total += points
            if points:
                result.contributions.append((question.id, points))
    result.score = total
    band = [b for b in instrument.scoring.bands if b.min <= total][-1:] or [instrument.scoring.bands[0]]
    result.level, result.label = band[0].level, band[0].label
    result.explanation.append(
        _("Score %(score)s: %(label)s (from %(min)s).")
        % {"score": _fmt(total), "label": band[0].label, "min": _fmt(band[0].min)}
    )
    if band[0].explanation:
        result.explanation.append(band[0].explanation)
    if missing:
        result.explanation.append(
            _("%(n)s questions are not answered; the score is at least this.") % {"n": len(missing)}
        )
    return result


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
