"""docs/configuration.md is generated from the declarations in verband.env, so the two cannot drift."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings  # noqa: F401 - importing settings declares every variable

from verband.env import REGISTRY

HEADER = """# Configuration

Verband reads its settings from environment variables (see `src/verband/env.py` and
`src/verband/settings.py`). This file is generated from those declarations with
`verband config_docs --write`; a test fails when it is out of date.

Without any variable set, Verband runs embedded: SQLite in `var/`, demo mode on, the demo region
loaded on first start. For an installation with real data, set at least `VERBAND_DEMO=false`,
`VERBAND_SECRET_KEY`, `VERBAND_ACCESS_LOG_KEY`, `DATABASE_URL` and `VERBAND_ALLOWED_HOSTS`.
Booleans accept true/false, yes/no, on/off, 1/0 (and ja/nee).
"""


def render() -> str:
    lines = [HEADER]
    variables = sorted(REGISTRY.values(), key=lambda v: (v.group, v.name))
    for group, items in groupby(variables, key=lambda v: v.group):
        lines.append(f"\n## {group}\n\n| variable | type | default | meaning |\n|---|---|---|---|")
        for var in items:
            default = (
                "(secret, no default shown)"
                if var.secret and var.default
                else (f"`{var.default}`" if var.default else "(empty)")
            )
            if var.name == "VERBAND_DATA_DIR":
                default = "`var/` in the project folder"
            lines.append(f"| `{var.name}` | {var.kind} | {default} | {var.help} |")
    return "\n".join(lines) + "\n"
