"""The access log's sealer (a thread of `manage.py worker`): chains the entries written since the last
seal every `VERBAND_ACCESS_LOG_SEAL_SECONDS`, and writes a checkpoint of the chain's end outside the
database every `VERBAND_ACCESS_LOG_CHECKPOINT_SECONDS` while it grows. Any number may run; they take turns
on the chain's head."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection

from verband.sharing.accesslog import seal, write_checkpoint

logger = logging.getLogger(__name__)


@dataclass
class State:
    grown: bool = True  # a first checkpoint records where the chain stands when the sealer starts
    last_checkpoint: float = float("-inf")


def tick(state: State) -> None:
    """Seal what is queued; write a checkpoint when the chain grew and the last one is old enough."""
    state.grown = bool(seal()) or state.grown
    if state.grown and time.monotonic() - state.last_checkpoint >= settings.ACCESS_LOG_CHECKPOINT_SECONDS:
        if write_checkpoint() is not None:  # None: the chain is empty
            state.last_checkpoint = time.monotonic()
        state.grown = False


def run(stop: threading.Event) -> None:
    """Seal, wait, seal again, until `stop` is set. A failure is logged and tried again next time."""
    state = State()
    try:
        while not stop.is_set():
            try:
                tick(state)
            except Exception:
                logger.exception("Could not seal the access log or write its checkpoint; trying again")
            close_old_connections()
            stop.wait(settings.ACCESS_LOG_SEAL_SECONDS)
    finally:
        connection.close()
