"""The Qt side of the history writer: each finished write arrives as a signal on the GUI thread.

:class:`~describe_app.core.history.writer.HistoryWriter` writes the history on its own thread
and calls one callback there. This bridge re-emits each report as ``written`` (a queued
signal), so slots run on the GUI thread and may touch widgets; the window shows a result in
the history list only when it is on disk. Reading the store stays direct (it never waits for
a write).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from describe_app.core.history.store import History
from describe_app.core.history.writer import HistoryWriter, Operation, Written
from describe_app.qt.gui_thread import GuiThread

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

_Op = TypeVar("_Op", bound=Operation)


class HistoryBridge(QObject):
    """Owns a :class:`HistoryWriter` for ``history``; ``written`` carries each
    :class:`Written` to the GUI thread, in the order the changes were asked for.
    :meth:`write` returns the queued operation (a ticket to recognise its report) and raises
    RuntimeError once the bridge is closed."""

    written = Signal(object)

    def __init__(self, history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._closed = False
        self._gui = GuiThread(self)  # reports come on the writer thread, go out on ours
        self._writer = HistoryWriter(history, self._on_written)

    def write(self, operation: _Op) -> _Op:
        """Queue one change (an :class:`AddEntry`, :class:`DeleteEntry`...) for the writer
        thread. The operation comes back as the ticket its ``written`` report carries."""
        self._writer.submit(operation)
        return operation

    def close(self, timeout: float = 1.0) -> bool:
        """Finish the queued writes (once), waiting up to ``timeout`` seconds; True if all
        were written in time. Reports that come after this are not delivered."""
        if self._closed:
            return True
        self._closed = True
        return self._writer.close(timeout)

    def _on_written(self, done: Written) -> None:
        """Runs on the writer thread: hand the report over, unless the window is gone."""
        if self._closed:
            return
        self._gui.call(self._deliver, done)

    def _deliver(self, done: Written) -> None:
        if self._closed:
            return
        self.written.emit(done)
