"""Indicator sets as configuration: one YAML file per set in `indicators/` (and optionally the region's own
in VERBAND_STEERING_INDICATORS_DIR), validated here. Each indicator says in Dutch what is counted; `compute`
names the engine's computation it reads (`verband.steering.engine`, the store's `indicator` column), so two
sets can show the same number under their own title. Indicators that Verband's data cannot give are listed
with `computable: false` and `why_not`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

BUILT_IN = Path(__file__).resolve().parent / "indicators"

# What the engine computes (the store's `indicator` keys) and how.
COMPUTATIONS: dict[str, Literal["count", "share", "median_p90"]] = {
    "signals_by_door": "count",
    "signals_by_reporter": "count",
    "repeat_signals": "count",
    "assessment_within_norm": "share",
    "signal_to_first_contact": "median_p90",
    "signal_to_help": "median_p90",
    "activation_in_time": "share",
    "help_wait": "median_p90",
    "help_within_norm": "share",
    "no_regisseur": "count",
    "escalations_reached": "count",
    "escalations_decided": "count",
    "escalation_decision_days": "median_p90",
    "handovers": "count",
    "handover_refused": "share",
    "handover_bounced": "share",
    "repeat_within_year": "share",
    "target_met_at_closing": "share",
    "consultations": "count",
    "discussed_with_experience_expert": "count",
}
Dimension = Literal["region", "network", "organisation", "team", "area"]
ALL_DIMENSIONS: list[Dimension] = ["region", "network", "organisation", "team", "area"]


class IndicatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(..., pattern=r"^[a-z][a-z0-9_]{1,59}$")
    title: str = Field(..., min_length=1, max_length=200)
    definition: str = Field(..., min_length=1)
    group: str = Field(..., min_length=1, max_length=120)
    unit: Literal["count", "percent", "workdays", "days"] = "count"
    measure: Literal["count", "share", "median_p90"] = "count"
    norm: float | None = None
    norm_direction: Literal["at_least", "at_most"] | None = None
    fact: str = ""  # what is counted (signal, activation, help, …), for the reader
    compute: str = ""  # the engine's computation; defaults to `key`
    series: Literal["", "door", "reporter", "help_kind", "step", "status"] = ""
    series_title: str = ""
    dimensions: list[Dimension] = Field(default_factory=lambda: list(ALL_DIMENSIONS))
    computable: bool = True
    why_not: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSpec:
        if not self.computable:
            if not self.why_not.strip():
                raise ValueError(f"{self.key}: an indicator that cannot be computed says why (why_not)")
            return self
        if not self.compute:
            self.compute = self.key
        measure = COMPUTATIONS.get(self.compute)
        if measure is None:
            raise ValueError(f"{self.key}: the engine computes no '{self.compute}'")
        if measure != self.measure:
            raise ValueError(f"{self.key}: '{self.compute}' is a {measure}, not a {self.measure}")
        expected_unit = {"count": "count", "share": "percent"}.get(measure)
        if expected_unit and self.unit != expected_unit:
            raise ValueError(f"{self.key}: a {measure} is in unit '{expected_unit}'")
        if self.norm_direction is None and self.norm is not None:
            self.norm_direction = "at_least" if measure == "share" else "at_most"
        return self


class IndicatorSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(..., pattern=r"^[a-z][a-z0-9_]{1,59}$")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    indicators: list[IndicatorSpec] = Field(..., min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> IndicatorSet:
        keys = [i.key for i in self.indicators]
        doubles = sorted({k for k in keys if keys.count(k) > 1})
        if doubles:
            raise ValueError(f"indicator keys appear twice: {', '.join(doubles)}")
        return self


class ConfigError(ValueError):
    pass


def load_file(path: Path) -> IndicatorSet:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        return IndicatorSet.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path.name}: {problems}") from exc


def files() -> list[Path]:
    found = sorted(BUILT_IN.glob("*.yaml"))
    extra = getattr(settings, "STEERING_INDICATORS_DIR", "")
    if extra:
        folder = Path(extra)
        found += sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    return found


@lru_cache(maxsize=1)
def indicator_sets() -> tuple[IndicatorSet, ...]:
    """Every set, built-in first; a file that does not validate raises (`manage.py check_indicators`
    names the problem)."""
    sets = [load_file(p) for p in files()]
    keys: dict[str, str] = {}
    for s in sets:
        for i in s.indicators:
            if i.key in keys:
                raise ConfigError(f"{s.key}: indicator '{i.key}' is also in {keys[i.key]}")
            keys[i.key] = s.key
    return tuple(sets)
