"""Run a call on the GUI thread from any thread: the one way our worker threads reach Qt.

The model worker, the history writer, the frame-check loop, the voice starter and the
connection test all finish their work on threads of their own. Widgets may only be touched
on the GUI thread, so each of them hands its result over with :meth:`GuiThread.call`, which
queues the call to the thread the :class:`GuiThread` lives on (create it on the GUI thread,
as a child of the object it serves). Calls run in the order they were made.

When the window is already gone (the Qt object deleted while a worker still ran), the call
is dropped and :meth:`~GuiThread.call` returns False, so a late result never crashes a
closing app.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class GuiThread(QObject):
    _queued = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queued.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def call(self, function: Callable[..., Any], *args: Any) -> bool:
        """From any thread: run ``function(*args)`` on the GUI thread, soon. False if the Qt
        object is gone (nothing will run)."""
        try:
            self._queued.emit(functools.partial(function, *args))
        except RuntimeError:  # the C++ object was deleted: the window closed meanwhile
            log.debug(
                "dropped a call to %s after shutdown", getattr(function, "__name__", function)
            )
            return False
        return True

    @Slot(object)
    def _run(self, call: Callable[[], Any]) -> None:
        call()
