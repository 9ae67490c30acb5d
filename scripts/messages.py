#!/usr/bin/env python
"""Refresh the Dutch translations: extract strings (needs GNU gettext's xgettext), report what is
untranslated, and compile django.mo with polib (no msgfmt needed).

    .venv/bin/python scripts/messages.py
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "src" / "verband"
PO = APP / "locale" / "nl" / "LC_MESSAGES" / "django.po"

subprocess.run(  # noqa: S603
    [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "nl", "--no-obsolete"],
    cwd=APP,
    check=True,
)
po = polib.pofile(str(PO))
missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
po.save_as_mofile(str(PO.with_suffix(".mo")))
if missing:
    print("Untranslated or fuzzy:", *missing, sep="\n  ")
    sys.exit(1)
print(f"{len(po)} messages, all translated; django.mo compiled.")
