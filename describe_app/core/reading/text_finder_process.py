"""The reading-guidance text detector in a child process of its own.

Importing RapidOCR and ONNX Runtime and creating the detector's session takes about 0.6 s,
much of it in C code that holds Python's global lock: done on a thread of the window's
process, it froze the window for 40 to 100 ms when reading guidance was switched on.
:class:`ProcessTextFinder` is the same :class:`~describe_app.core.reading.text_finder.TextFinder`
with the detector in a "spawn"-started child (as the model is): the window's process only
sends each small grey frame (320 px wide, about 80 KB) down a pipe and gets the regions
back, a fraction of a millisecond.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any

from describe_app.core.errors import OcrError
from describe_app.core.reading.text_finder import RapidTextFinder, Region

log = logging.getLogger(__name__)

#: The child's answer to a frame must come within this (it takes about 40 ms).
FIND_TIMEOUT_S = 10.0
#: Starting the child and loading the detector must end within this.
LOAD_TIMEOUT_S = 60.0


class ProcessTextFinder:
    """A :class:`RapidTextFinder` in a child process, started on first use; ``close`` ends it.

    Used from one thread at a time (the frame-check loop)."""

    def __init__(self, *, side_limit: int = 320) -> None:
        self._side_limit = side_limit
        self._conn: Connection | None = None
        self._process: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Start the child and wait until its detector is loaded; OcrError if it fails."""
        with self._lock:
            self._ensure_child()

    def find(self, grey: Any) -> list[Region]:
        import numpy as np

        with self._lock:
            conn = self._ensure_child()
            with contextlib.suppress(OSError, ValueError):  # a child gone: _answer says so
                conn.send(np.ascontiguousarray(grey))
            kind, value = self._answer(conn, FIND_TIMEOUT_S)
        if kind == "stopped":
            self.close()  # the next frame starts a new child
        if kind != "ok":
            raise OcrError(str(value))
        regions: list[Region] = value
        return regions

    def close(self, timeout: float = 1.0) -> None:
        with self._lock:
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
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(theirs, self._side_limit), name="text-finder", daemon=True
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
        return "stopped", "Text could not be looked for: the text finder stopped."


def _serve(conn: Connection, side_limit: int) -> None:
    """The child: load the detector, then answer each frame until told to stop (None)."""
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
