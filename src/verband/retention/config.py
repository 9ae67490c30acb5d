"""Retention periods as configuration: how long a closed household's data is kept, per kind of organisation
that was involved with it, in a YAML file (`VERBAND_RETENTION_FILE`; the built-in `retention.yaml` when
empty). The file is validated at start-up: a bad file stops Verband with a message that says where.

The period of a household is that of the kind of organisation with the longest one among every
organisation ever involved with it (longest wins), counted from the day it closed; a kind may also keep
the file until the youngest child of the household reaches an age (Veilig Thuis: 18)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from verband.network.models import OrganisationKind

BUILT_IN = Path(__file__).resolve().parent / "retention.yaml"
DEFAULT = ""  # the key of the default period in reports: no kind of organisation decided

Years = Annotated[int, Field(strict=True, ge=1, le=115)]


class Term(BaseModel):
    """One retention period."""

    model_config = ConfigDict(extra="forbid")
    years: Years
    # Keep the household at least until its youngest child is this old (whatever `years` says).
    until_youngest_child_is: Annotated[int, Field(strict=True, ge=1, le=30)] | None = None
    # Where the period comes from: an article of law, or "default, to be set by the region".
    basis: str = Field(..., min_length=1, max_length=500)
    # The day the region's privacy officer confirmed this period; empty: a default nobody confirmed yet.
    confirmed_on: date | None = None

    @field_validator("confirmed_on")
    @classmethod
    def _not_in_the_future(cls, day: date | None) -> date | None:
        # A confirmation dated ahead would show a default as confirmed before anyone did.
        if day is not None and day > timezone.localdate():
            raise ValueError(f"the day of confirmation {day.isoformat()} is after today")
        return day


class RetentionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: Term
    kinds: dict[str, Term] = {}

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: dict[str, Term]) -> dict[str, Term]:
        unknown = sorted(set(kinds) - set(OrganisationKind.values))
        if unknown:
            raise ValueError(
                f"unknown kind(s) of organisation: {', '.join(unknown)}; "
                f"known kinds are {', '.join(OrganisationKind.values)}"
            )
        return kinds


class RetentionConfigError(ImproperlyConfigured):
    """A retention file that cannot be used; the message names the file and what is wrong where."""


@dataclass(frozen=True)
class Birth:
    """A (possibly partial) date of birth as Verband keeps it."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def latest(self, otherwise: date) -> date:
        """The latest day this birth can be (a year only: 31 December); unknown: `otherwise`."""
        if not self.year:
            return otherwise
        if not self.month:
            return date(self.year, 12, 31)
        end_of_month = date(self.year, self.month, 1) + relativedelta(months=1, days=-1)
        if not self.day:
            return end_of_month
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return end_of_month


@dataclass(frozen=True)
class Expiry:
    on: date  # the first day the household may be swept
    kind: str  # the kind of organisation whose period decided (DEFAULT: none was involved)


@dataclass(frozen=True)
class Retention:
    default: Term
    kinds: dict[str, Term]
    source: str

    def term(self, kind: str) -> Term:
        return self.kinds.get(kind, self.default)

    @property
    def shortest_years(self) -> int:
        return min([self.default.years, *(t.years for t in self.kinds.values())])

    def expiry(self, closed_on: date, kinds: Iterable[str], children: Iterable[Birth] = ()) -> Expiry:
        """When a household closed on `closed_on` may be swept: the latest end among the periods of the
        kinds of organisation involved with it (the default when none), each counted from the closing and,
        where the kind says so, not before the youngest child reaches its age. A child born on an unknown
        day counts as born on the latest day possible; with an unknown year, on the day of closing."""
        youngest = max((child.latest(closed_on) for child in children), default=None)
        best: Expiry | None = None
        for kind in sorted(set(kinds)) or [DEFAULT]:
            term = self.term(kind)
            ends = closed_on + relativedelta(years=term.years)
            if term.until_youngest_child_is and youngest is not None:
                ends = max(ends, youngest + relativedelta(years=term.until_youngest_child_is))
            if best is None or ends > best.on:
                best = Expiry(ends, kind if kind in self.kinds else DEFAULT)
        assert best is not None
        return best

    def snapshot(self) -> dict[str, Any]:
        """The periods as stored with a run's report."""
        return {
            "source": self.source,
            "default": self.default.model_dump(mode="json"),
            "kinds": {kind: term.model_dump(mode="json") for kind, term in sorted(self.kinds.items())},
        }


class _DuplicateKey(yaml.YAMLError):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (plain YAML lets the last one win
    silently: a second `default:` further down would replace the first)."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the constructor below says so
                    continue
                if first is not None:
                    where = f"line {line}" if first == line else f"line {first} and again on line {line}"
                    raise _DuplicateKey(f"the key {key!r} appears twice: on {where}")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


def parse(text: str, *, source: str) -> Retention:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except _DuplicateKey as exc:
        raise RetentionConfigError(
            f"The retention file {source} is not valid (VERBAND_RETENTION_FILE; see docs/retention.md): {exc}"
        ) from None
    except yaml.YAMLError as exc:
        raise RetentionConfigError(f"The retention file {source} is not valid YAML: {exc}") from None
    try:
        parsed = RetentionFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise RetentionConfigError(
            f"The retention file {source} is not valid (VERBAND_RETENTION_FILE; see docs/retention.md): "
            f"{problems}"
        ) from None
    return Retention(default=parsed.default, kinds=dict(parsed.kinds), source=source)


def load(path: Path) -> Retention:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RetentionConfigError(
            f"The retention file {path} cannot be read (VERBAND_RETENTION_FILE): {exc.strerror}"
        ) from None
    return parse(text, source=str(path))


def configured() -> Retention:
    """The installation's retention periods (read once per process)."""
    from django.conf import settings

    return _load_cached(settings.RETENTION_FILE or str(BUILT_IN))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Retention:
    return load(Path(path))
