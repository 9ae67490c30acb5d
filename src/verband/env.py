"""Typed access to environment variables.

Every setting Verband reads from the environment is declared here once, with its type, default and
meaning, so `docs/configuration.md` can be generated from (and checked against) the same definitions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nee", ""}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    default: str
    help: str
    group: str = "General"
    secret: bool = False


REGISTRY: dict[str, Variable] = {}


def _declare(name: str, kind: str, default: object, help: str, group: str, secret: bool) -> str | None:
    var = Variable(name, kind, "" if default is None else str(default), help, group, secret)
    REGISTRY[name] = var
    return os.environ.get(name)


def env_str(name: str, default: str, help: str, *, group: str = "General", secret: bool = False) -> str:
    raw = _declare(name, "string", default, help, group, secret)
    return default if raw is None else raw


def env_bool(name: str, default: bool, help: str, *, group: str = "General") -> bool:
    raw = _declare(name, "boolean", "true" if default else "false", help, group, False)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, help: str, *, group: str = "General", minimum: int | None = None) -> int:
    raw = _declare(name, "integer", default, help, group, False)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str], help: str, *, group: str = "General") -> list[str]:
    raw = _declare(name, "comma-separated list", ",".join(default), help, group, False)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
