"""The reading-guidance text detector in a child process of its own.

Importing RapidOCR and ONNX Runtime and creating the detector's session takes about 0.6 s,
much of it in C code that holds Python's global lock: done on a thread of the window's
process, it froze the window for 40 to 100 ms when reading guidance was switched on.
:class:`ProcessTextFinder` is the same :class:`~describe_app.core.reading.text_finder.TextFinder`
with the detector in a "spawn"-started child (as the model is): the window's process only
sends each small grey frame (320 px wide, about 80 KB) down a pipe and gets the regions
back, a fraction of a millisecond.

A child that dies (the out-of-memory killer, a crash in ONNX Runtime) is started again at
once and given the frame again, and ``on_restart`` is told the sentence to say; if it dies
on that frame again, the frame is skipped. More than three restarts within a minute
(:class:`~describe_app.core.diagnostics.restarts.RestartBudget`) and :meth:`ProcessTextFinder.find`
raises :class:`OcrError` saying that it keeps stopping and where the log is: the guidance
check ends with that sentence.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from describe_app.core.below_the_desktop import run_below_the_desktop
from describe_app.core.diagnostics.restarts import RestartBudget, log_folder
from describe_app.core.errors import OcrError
from describe_app.core.i18n import _, current_language, set_language
from describe_app.core.reading.text_finder import RapidTextFinder, Region

log = logging.getLogger(__name__)

#: The child's answer to a frame must come within this (it takes about 40 ms).
FIND_TIMEOUT_S = 10.0
#: Starting the child and loading the detector must end within this.
LOAD_TIMEOUT_S = 60.0


class ProcessTextFinder:
    """A :class:`RapidTextFinder` in a child process, started on first use; ``close`` ends it.

    Used from one thread at a time (the frame-check loop)."""

    def __init__(
        self,
        *,
        side_limit: int = 320,
        on_restart: Callable[[str], None] | None = None,
        budget: RestartBudget | None = None,
    ) -> None:
        """``on_restart``: called (on the finding thread) with the sentence to say when a
        dead child is started again."""
        self._side_limit = side_limit
        self._on_restart = on_restart
        self._budget = budget or RestartBudget(backoff_s=(0.0,))  # loading it takes 0.6 s
        self._conn: Connection | None = None
        self._process: Any = None
        self._lock = threading.Lock()
        self._closed = False  # no child is started after close()

    def load(self) -> None:
        """Start the child and wait until its detector is loaded; OcrError if it fails."""
        with self._lock:
            self._ensure_child()

    def find(self, grey: Any) -> list[Region]:
        import numpy as np

        frame = np.ascontiguousarray(grey)
        with self._lock:
            kind, value = self._ask(frame)
            if kind == "stopped":
                self._count_crash()  # raises when it keeps stopping
                if self._on_restart is not None:
                    self._on_restart(_("The text finder stopped; starting it again."))
                kind, value = self._ask(frame)  # a new child
                if kind == "stopped":  # it dies on this frame: skip it
                    self._count_crash()
                    log.error("the text finder stopped twice on one frame; skipped")
                    return []
        if kind != "ok":
            raise OcrError(str(value))
        regions: list[Region] = value
        return regions

    def close(self, timeout: float = 1.0) -> None:
        """End the child, also one still starting on another thread (which holds the lock
        while the detector loads, for up to :data:`LOAD_TIMEOUT_S`): it is ended at once,
        so that thread's wait ends too, and none is started after this."""
        self._closed = True
        if not self._lock.acquire(timeout=0.05):
            starting = self._process
            if starting is not None:
                with contextlib.suppress(Exception):  # it ended meanwhile
                    starting.terminate()
            if not self._lock.acquire(timeout=timeout):
                log.info("the text finder was still busy when closed")
                return
        try:
            self._drop_child(timeout)
        finally:
            self._lock.release()

    def _ask(self, frame: Any) -> tuple[str, Any]:
        """Under the lock: the child's answer for ``frame`` ("stopped": the child died)."""
        conn = self._ensure_child()
        with contextlib.suppress(OSError, ValueError):  # a child gone: _answer says so
            conn.send(frame)
        return self._answer(conn, FIND_TIMEOUT_S)

    def _count_crash(self) -> None:
        """Under the lock: the child died (or hung); raise when it keeps dying."""
        code = None if self._process is None else self._process.exitcode
        log.error("the text finder process ended unexpectedly (exit code %s)", code)
        self._drop_child()
        if self._budget.crashed() is None:
            raise OcrError(
                _(
                    "The text finder keeps stopping, so it was not started again. "
                    "The log in {folder} may say why."
                ).format(folder=log_folder())
            )

    def _drop_child(self, timeout: float = 1.0) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(timeout)
            if process.is_alive():
                log.info("the text finder process did not stop within %.1f s", timeout)
                process.terminate()
                process.join(timeout)

    def _ensure_child(self) -> Connection:
        if self._conn is not None:
            return self._conn
        if self._closed:
            raise OcrError(_("Text could not be looked for: the text finder stopped."))
        ctx = multiprocessing.get_context("spawn")
        pipe: tuple[Any, Any] = ctx.Pipe()  # a Connection pair (PipeConnection on Windows)
        ours, theirs = pipe
        process = ctx.Process(
            target=_serve,
            args=(theirs, self._side_limit, current_language()),
            name="text-finder",
            daemon=True,
        )
        process.start()
        theirs.close()
        self._conn, self._process = ours, process
        kind, value = self._answer(ours, LOAD_TIMEOUT_S)
        if kind != "ready":
            self._conn = self._process = None
            ours.close()
            process.join(1.0)
            raise OcrError(str(value))
        return ours

    def _answer(self, conn: Connection, timeout: float) -> tuple[str, Any]:
        try:
            if conn.poll(timeout):
                answer: tuple[str, Any] = conn.recv()
                return answer
        except (EOFError, OSError):
            pass
        return "stopped", _("Text could not be looked for: the text finder stopped.")


def _serve(conn: Connection, side_limit: int, language: str) -> None:
    """The child: load the detector, then answer each frame until told to stop (None); its
    sentences in the window's ``language``."""
    set_language(language)
    # a terminal Ctrl+C reaches the whole process group: the parent decides and ends us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_below_the_desktop()  # before ONNX Runtime starts its threads: they inherit it
    finder = RapidTextFinder(side_limit=side_limit)
    try:
        finder.load()
    except OcrError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            grey = conn.recv()
        except (EOFError, OSError):
            return  # the window's process is gone
        if grey is None:
            return
        try:
            conn.send(("ok", finder.find(grey)))
        except OcrError as exc:
            conn.send(("error", str(exc)))
