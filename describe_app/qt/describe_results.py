"""Finished results into the history: kept at once for Control+R, shown once on disk.

Each finished result is written to the :class:`History` store before it is shown in the
list, so a crash loses nothing the user has seen; the writing happens on the history
writer's thread (:class:`HistoryBridge`), never on the GUI thread. A failed write is said
once (until a write succeeds again), and the result is shown all the same.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.describe.confidence import AnswerConfidence
from describe_app.core.history.entry import EntryKind, HistoryEntry, history_source
from describe_app.core.history.failure_sentence import failure_sentence
from describe_app.core.history.store import History
from describe_app.core.history.writer import AddEntry, Written
from describe_app.core.pictures.images import Picture
from describe_app.qt.announcer import Announcer
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.translate import _

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)


class ResultKeeper(QObject):
    """Keeps each finished result: ``last_entry`` at once, ``stored`` once it is on disk."""

    stored = Signal(object)  # HistoryEntry: written (or, failing that, as it stood)
    code_stored = Signal(object)  # HistoryEntry of a code read, likewise
    #: A screen capture's picture is kept only when the user chose that (the settings).
    keep_screen_pictures = False

    def __init__(
        self,
        history: History,
        announcer: Announcer,
        writer: HistoryBridge | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``writer`` writes ``history`` off the GUI thread (default: one of its own)."""
        super().__init__(parent)
        self._announcer = announcer
        self.writer = writer or HistoryBridge(history, parent=self)
        self.last_entry: HistoryEntry | None = None
        self._unwritten: dict[AddEntry, HistoryEntry] = {}  # results on their way to disk
        self._codes: set[AddEntry] = set()  # those of them that are codes read
        self._failing = False  # a failed write was said; say the next after a success
        self.writer.written.connect(self._on_written)

    def keep(
        self,
        picture: Picture,
        kind: EntryKind,
        text: str,
        question: str | None = None,
        confidence: AnswerConfidence | None = None,
    ) -> None:
        """The result is complete: Control+R repeats it at once; ``stored`` follows once it
        is on disk (:meth:`_on_written`)."""
        source = history_source(picture.source)
        screen = picture.source.startswith("screen:")  # mail, banking: kept only if chosen
        kept = None if screen and not self.keep_screen_pictures else picture
        entry = _standing_entry(source, kind, text, question, confidence)
        self._announcer.announce(_("Done."), speak=False)
        self._write(
            entry,
            AddEntry(source, kind, text, question=question, picture=kept, confidence=confidence),
        )

    def keep_code(self, source: str, text: str, picture: Picture | Image.Image | None) -> None:
        """A QR code or barcode was read (``text``: the sentence heard): into the history
        like a result (``picture`` is kept only where pictures are), then ``code_stored``;
        Control+R repeats it."""
        source = history_source(source)
        entry = _standing_entry(source, EntryKind.CODE, text)
        self._write(entry, AddEntry(source, EntryKind.CODE, text, picture=picture), code=True)

    def _write(self, entry: HistoryEntry, operation: AddEntry, *, code: bool = False) -> None:
        self.last_entry = entry
        try:
            self.writer.write(operation)
        except RuntimeError:  # the writer is closed: the window is shutting down
            (self.code_stored if code else self.stored).emit(entry)
            return
        self._unwritten[operation] = entry
        if code:
            self._codes.add(operation)

    @Slot(object)
    def _on_written(self, done: Written) -> None:
        """A history change is on disk (or failed): show a result of ours; say a failure."""
        if done.error is None:
            self._failing = False
        elif not self._failing:
            self._failing = True
            self._announcer.announce(_history_failure(done))
        if not isinstance(done.operation, AddEntry):
            return
        waiting = self._unwritten.pop(done.operation, None)
        if waiting is None:
            return  # not a result of ours
        entry = done.entry or waiting
        if self.last_entry is waiting:
            self.last_entry = entry
        if done.operation in self._codes:
            self._codes.discard(done.operation)
            self.code_stored.emit(entry)
        else:
            self.stored.emit(entry)


def _standing_entry(
    source: str,
    kind: EntryKind,
    text: str,
    question: str | None = None,
    confidence: AnswerConfidence | None = None,
) -> HistoryEntry:
    """Stands for a result until the store returns the entry it wrote."""
    return HistoryEntry(
        id=uuid.uuid4().hex,
        time=datetime.now().astimezone().isoformat(timespec="seconds"),
        source=source,
        kind=kind,
        text=text,
        question=question,
        confidence=confidence,
    )


def _history_failure(done: Written) -> str:
    """What to tell the user when a history write failed, in one plain sentence."""
    return failure_sentence(done.error, adding=isinstance(done.operation, AddEntry))
