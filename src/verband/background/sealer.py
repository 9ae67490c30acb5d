"""The access log's sealer (a thread of `manage.py worker`): chains the entries written since the last
seal every `VERBAND_ACCESS_LOG_SEAL_SECONDS`. Any number may run; they take turns on the chain's head."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from verband.sharing.accesslog import seal

logger = logging.getLogger(__name__)


def run(stop: threading.Event) -> None:
    """Seal, wait, seal again, until `stop` is set. A failed seal is logged and tried again next time."""
    try:
        while not stop.is_set():
            try:
                seal()
            except Exception:
                logger.exception("Could not seal the access log; trying again")
            close_old_connections()
            stop.wait(settings.ACCESS_LOG_SEAL_SECONDS)
    finally:
        connection.close()
