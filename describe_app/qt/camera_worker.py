"""The camera worker: one thread owns ``cv2.VideoCapture`` and keeps only the newest frame.

* The describe key takes :meth:`CameraWorker.latest_frame` (what the camera sees now,
  never a stale buffered frame).
* The preview gets a small ``QImage`` through ``preview`` (queued signal); a new one is sent
  only after the window took the last (:meth:`preview_shown`), so a slow GUI never builds
  up a queue of frames.
* Camera missing, ended or raising: ``state_changed`` says so once, the thread waits
  ``retry_seconds`` and opens it again, quietly (OpenCV's own terminal log is off, see
  :mod:`describe_app.core.camera.opencv`); when frames come back it says so once. A camera
  unplugged while open stays LOST while it cannot be opened (not MISSING: one sentence).
* A video file loops at its own frame rate (demos and tests).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from describe_app.core.camera.opencv import quiet_cv2
from describe_app.qt.camera_source import CameraSource

log = logging.getLogger(__name__)


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` the worker uses (tests pass fakes)."""

    def isOpened(self) -> bool: ...

    def read(self) -> tuple[bool, Any]: ...

    def get(self, prop: int) -> float: ...

    def set(self, prop: int, value: float) -> bool: ...

    def release(self) -> None: ...


CaptureOpener = Callable[[CameraSource], Capture]


class CameraState(enum.Enum):
    STARTING = "starting"
    LIVE = "live"
    MISSING = "missing"  # could not be opened
    LOST = "lost"  # was live, then stopped giving frames or raised
    CLOSED = "closed"


def open_with_opencv(source: CameraSource) -> Capture:
    cv2 = quiet_cv2()
    capture: Capture = cv2.VideoCapture(source.target)
    return capture


class CameraWorker(QObject):
    preview = Signal(QImage)
    state_changed = Signal(object, str)  # CameraState, detail for the log

    def __init__(
        self,
        source: CameraSource,
        *,
        opener: CaptureOpener = open_with_opencv,
        preview_width: int = 320,
        retry_seconds: float = 2.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self._opener = opener
        self._preview_width = preview_width
        self._retry = retry_seconds
        self._lock = threading.Lock()
        self._frame: np.ndarray | None = None
        self._frame_time = 0.0
        self._preview_waiting = False
        self._stop = threading.Event()
        self._state = CameraState.STARTING
        # daemon: a driver stuck in read() must not keep a closed app alive; close() joins.
        self._thread = threading.Thread(target=self._run, name="camera-worker", daemon=True)

    # --- GUI thread -----------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def latest_frame(self, max_age: float = 2.0) -> np.ndarray | None:
        """A copy of the newest frame, or None when there is none this fresh."""
        with self._lock:
            if self._frame is None or time.monotonic() - self._frame_time > max_age:
                return None
            return self._frame.copy()

    @property
    def state(self) -> CameraState:
        return self._state

    def preview_shown(self) -> None:
        """The window drew the last preview: the next frame may be sent."""
        with self._lock:
            self._preview_waiting = False

    def close(self, timeout: float = 1.0) -> bool:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the camera thread ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                capture = self._opener(self.source)
            except Exception as exc:
                self._set_state(self._not_there(), f"opening failed: {exc!r}")
                self._stop.wait(self._retry)
                continue
            try:
                if not capture.isOpened():
                    self._set_state(self._not_there(), "could not be opened")
                else:
                    self._read_until_lost(capture)
            except Exception as exc:
                log.info("camera %s raised: %r", self.source.name, exc)
                self._set_state(CameraState.LOST, f"raised {exc!r}")
            finally:
                self._release(capture)
            with self._lock:
                self._frame = None
            self._stop.wait(self._retry)
        self._set_state(CameraState.CLOSED, "closed")

    def _read_until_lost(self, capture: Capture) -> None:
        fps = capture.get(5) if self.source.is_file else 0.0  # 5 = cv2.CAP_PROP_FPS
        period = 1.0 / fps if 1.0 <= fps <= 120.0 else 0.0
        next_due = time.monotonic()
        while not self._stop.is_set():
            ok, frame = capture.read()
            if (not ok or frame is None) and self.source.is_file:
                capture.set(1, 0)  # 1 = cv2.CAP_PROP_POS_FRAMES: loop the video file
                ok, frame = capture.read()
            if not ok or frame is None:
                self._set_state(CameraState.LOST, "stopped giving frames")
                return
            with self._lock:
                self._frame = frame
                self._frame_time = time.monotonic()
                send_preview = not self._preview_waiting
                if send_preview:
                    self._preview_waiting = True
            self._set_state(CameraState.LIVE, "frames arriving")
            if send_preview:
                self.preview.emit(self._to_preview(frame))
            if period:
                next_due += period
                delay = next_due - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_due = time.monotonic()

    def _to_preview(self, frame: np.ndarray) -> QImage:
        import cv2

        height, width = frame.shape[:2]
        scale = self._preview_width / max(1, width)
        small = cv2.resize(frame, (self._preview_width, max(1, int(height * scale))))
        if small.ndim == 2:
            small = cv2.cvtColor(small, cv2.COLOR_GRAY2RGB)
        elif small.shape[2] == 4:
            small = cv2.cvtColor(small, cv2.COLOR_BGRA2RGB)
        else:
            small = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        h, w = small.shape[:2]
        return QImage(small.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()

    def _not_there(self) -> CameraState:
        """A camera that cannot be opened: still LOST if it was lost (unplugged, it fails
        to open until it is back; that was said once already), else MISSING."""
        return CameraState.LOST if self._state is CameraState.LOST else CameraState.MISSING

    def _set_state(self, state: CameraState, detail: str) -> None:
        if state is self._state:
            return
        self._state = state
        log.info("camera %s: %s (%s)", self.source.name, state.value, detail)
        with contextlib.suppress(RuntimeError):  # the window is already gone
            self.state_changed.emit(state, detail)

    def _release(self, capture: Capture) -> None:
        try:
            capture.release()
        except Exception as exc:
            log.info("releasing camera %s failed: %r", self.source.name, exc)
