"""The Qt side of the history writer: each finished write arrives as a signal on the GUI thread.

:class:`~describe_app.core.history.writer.HistoryWriter` writes the history on its own thread
and calls one callback there. This bridge re-emits each report as ``written`` (a queued
signal), so slots run on the GUI thread and may touch widgets; the window shows a result in
the history list only when it is on disk. Reading the store stays direct (it never waits for
a write).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from describe_app.core.history.entry import EntryKind
from describe_app.core.history.store import History
from describe_app.core.history.writer import (
    AddEntry,
    ClearHistory,
    Configure,
    DeleteEntry,
    DeletePictures,
    HistoryWriter,
    Written,
)
from describe_app.qt.gui_thread import GuiThread

if TYPE_CHECKING:
    from describe_app.core.pictures.images import Picture

log = logging.getLogger(__name__)


class HistoryBridge(QObject):
    """Owns a :class:`HistoryWriter` for ``history``; ``written`` carries each
    :class:`Written` to the GUI thread, in the order the changes were asked for. Each method
    returns the queued operation (a ticket to recognise its report) and raises RuntimeError
    once the bridge is closed."""

    written = Signal(object)

    def __init__(self, history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._closed = False
        self._gui = GuiThread(self)  # reports come on the writer thread, go out on ours
        self._writer = HistoryWriter(history, self._on_written)

    def add(
        self,
        *,
        source: str,
        kind: EntryKind | str,
        text: str,
        model: str = "",
        question: str | None = None,
        picture: Picture | None = None,
    ) -> AddEntry:
        operation = AddEntry(source, kind, text, model, question, picture)
        self._writer.submit(operation)
        return operation

    def delete(self, entry_id: str) -> DeleteEntry:
        operation = DeleteEntry(entry_id)
        self._writer.submit(operation)
        return operation

    def clear(self) -> ClearHistory:
        operation = ClearHistory()
        self._writer.submit(operation)
        return operation

    def delete_pictures(self) -> DeletePictures:
        operation = DeletePictures()
        self._writer.submit(operation)
        return operation

    def configure(
        self,
        *,
        max_entries: int | None = None,
        store_pictures: bool | None = None,
        persist: bool | None = None,
    ) -> Configure:
        operation = Configure(max_entries, store_pictures, persist)
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
