"""What the user hears about the model itself: loading, downloading, ready, failed, stopped.

The worker retries a failed load with each request; the same failure is said once, and
so is "Loading the description model." while it keeps failing. Another model (or server)
starts afresh (:meth:`ModelStatus.model_replaced`). When the model's process dies, the
sentence the worker chose ("The describer stopped; starting it again.") is said with the
error sound, and the loading that follows is said again.
"""

from __future__ import annotations

import logging

from describe_app.core.describe.worker import (
    LoadFailed,
    Loading,
    LoadProgress,
    ModelStopped,
    Ready,
)
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

ModelEvent = Loading | LoadProgress | Ready | LoadFailed | ModelStopped
#: The worker events about the model rather than about a job (for ``isinstance``).
MODEL_EVENTS = (Loading, LoadProgress, Ready, LoadFailed, ModelStopped)


class ModelStatus:
    """Says the model's loading and its outcome through ``announcer``."""

    def __init__(self, announcer: Announcer) -> None:
        self._announcer = announcer
        self._load_failure: str | None = None  # said already: not again until it changes

    def model_replaced(self) -> None:
        """Another model or server is loading: its loading and any failure are said anew."""
        self._load_failure = None

    def on_event(self, event: ModelEvent) -> None:
        match event:
            case Loading():
                if self._load_failure is None:
                    self._announcer.announce(_("Loading the description model."))
            case LoadProgress(message=message, fraction=fraction):
                # the start and the end of a download are said; the progress between is
                # shown in the status line, which a screen reader reads on request
                spoken = fraction is None or fraction >= 1.0
                self._announcer.announce(message, speak=spoken)
            case Ready():
                self._load_failure = None
                self._announcer.announce(_("Ready."))
            case LoadFailed(message=message):
                if message != self._load_failure:
                    self._load_failure = message
                    self._announcer.announce(message, interrupt=True)
            case ModelStopped(message=message, restarting=restarting):
                if restarting:
                    self._load_failure = None  # the new process's loading is said again
                self._announcer.earcon(Earcon.ERROR)
                if message:  # else the failure of the job in hand says it
                    self._announcer.clear_status()
                    self._announcer.announce(message, interrupt=True)
