"""One thread that writes the history, so that the window never waits for the disk.

:meth:`History.add` writes a result (a JPEG and a line, each fsynced) before it returns:
a few milliseconds, far longer while the disk is busy. :class:`HistoryWriter` runs the
changes of a :class:`History` (add, delete, clear, delete pictures, configure) one at a
time, in the order asked, on one long-lived thread ("history-writer"), and reports each one
done through a callback on that thread. The Qt layer re-emits the report on the GUI thread
(:mod:`describe_app.qt.history_bridge`) and shows a result in the list only then, so what the
user sees in the history is already on disk.

Thread safety, the simple way: in the app the writer thread is the only one that changes the
:class:`History`; any thread may read it, and reading never waits for a write, because
:class:`History` holds its in-memory lock only around the list, never across disk work (see
its docstring). (Reading may catch up with what another Describe did to the file, and so
change the list; it does so only when no change is in progress, and never waits for one.)
The store's own synchronous API stays as it was, for the command line and tests; the writer
only calls it off the GUI thread.

A failed write (disk full, no permission) is not an exception here: :class:`History` logs it,
keeps the change in memory, and counts it; the report says why (:attr:`Written.error`).

The thread starts with the first change (a window that never writes starts none) and is not
a daemon: :meth:`HistoryWriter.close` lets it finish what is queued, so a result the user
already got is not lost at shutdown, and waits for it with a time limit. If the disk is
slower than that, the thread still finishes the queue, and Python waits for it before the
process ends.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from describe_app.core.history.entry import EntryKind, HistoryEntry
from describe_app.core.history.store import History

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.describe.confidence import AnswerConfidence
    from describe_app.core.pictures.images import Picture

logger = logging.getLogger(__name__)

THREAD_NAME = "history-writer"


# eq=False: an operation is compared (and used as a key) by identity, as a ticket.
@dataclass(frozen=True, eq=False)
class AddEntry:
    """Record a finished result (:meth:`History.add`); done with the stored entry."""

    source: str
    kind: EntryKind | str
    text: str
    model: str = ""
    question: str | None = None
    picture: Picture | Image.Image | None = None
    confidence: AnswerConfidence | None = None  # how sure the model was

    def apply(self, history: History) -> HistoryEntry:
        return history.add(
            source=self.source,
            kind=self.kind,
            text=self.text,
            model=self.model,
            question=self.question,
            picture=self.picture,
            confidence=self.confidence,
        )


@dataclass(frozen=True, eq=False)
class DeleteEntry:
    """Delete one entry and its picture; done with True, or False if there was none."""

    entry_id: str

    def apply(self, history: History) -> bool:
        return history.delete(self.entry_id)


@dataclass(frozen=True, eq=False)
class ClearHistory:
    """Delete every entry and every picture."""

    def apply(self, history: History) -> None:
        history.clear()


@dataclass(frozen=True, eq=False)
class DeletePictures:
    """Delete every stored picture; the entries stay."""

    def apply(self, history: History) -> None:
        history.delete_pictures()


@dataclass(frozen=True, eq=False)
class Configure:
    """Apply changed settings (:meth:`History.configure`)."""

    max_entries: int | None = None
    store_pictures: bool | None = None
    persist: bool | None = None

    def apply(self, history: History) -> None:
        history.configure(
            max_entries=self.max_entries,
            store_pictures=self.store_pictures,
            persist=self.persist,
        )


Operation = AddEntry | DeleteEntry | ClearHistory | DeletePictures | Configure


@dataclass(frozen=True)
class Written:
    """One operation done. ``result``: what the store's method returned (the entry of an
    :class:`AddEntry`, whether a :class:`DeleteEntry` found its entry); ``error``: why a
    write failed, or None. After a failure the change is still made in memory."""

    operation: Operation
    result: HistoryEntry | bool | None = None
    error: Exception | None = None

    @property
    def entry(self) -> HistoryEntry | None:
        return self.result if isinstance(self.result, HistoryEntry) else None


class HistoryWriter:
    """Runs the changes of ``history`` in order on one thread; ``on_written`` is called on
    that thread with a :class:`Written` after each one."""

    def __init__(
        self,
        history: History,
        on_written: Callable[[Written], None],
        *,
        name: str = THREAD_NAME,
    ) -> None:
        self.history = history
        self._on_written = on_written
        self._name = name
        self._queue: queue.SimpleQueue[Operation | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, operation: Operation) -> None:
        """Queue ``operation`` behind the ones before it. Raises RuntimeError once closed."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the history writer is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=False)
                self._thread.start()
            self._queue.put(operation)

    def close(self, timeout: float = 1.0) -> bool:
        """Refuse new changes, let the queued ones finish, wait up to ``timeout`` seconds.
        True if everything was written in time. Safe to call more than once."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._thread is not None:
                    self._queue.put(None)  # behind the queued changes: they drain first
            thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        if thread.is_alive():
            logger.info("history writes still running after %.1f s; they go on", timeout)
            return False
        return True

    def _run(self) -> None:
        while True:
            operation = self._queue.get()
            if operation is None:
                return
            done = self._perform(operation)
            try:
                self._on_written(done)
            except Exception:
                logger.exception("reporting a history write failed")

    def _perform(self, operation: Operation) -> Written:
        failures = self.history.write_failures
        started = time.perf_counter()
        try:
            result = operation.apply(self.history)
        except Exception as exc:  # a bug, not a disk error (the store handles those)
            logger.exception("history %s failed", type(operation).__name__)
            return Written(operation, error=exc)
        error = None
        if self.history.write_failures != failures:
            error = self.history.last_write_error
        logger.debug(
            "history %s done in %.1f ms",
            type(operation).__name__,
            (time.perf_counter() - started) * 1000,
        )
        return Written(operation, result, error)
