"""Frames for the headless commands (``watch``, ``guide``): a camera, a stream or a video file.

* A camera or a stream (``0``, ``rtsp://...``): one thread reads frames and keeps only the
  newest; the consumer gets at most one frame every ``every_s`` seconds, stamped with
  the monotonic clock. A slow consumer (a description in progress) never sees old frames.
* A video file: read in order as fast as the consumer goes, stamped with the *video's* own
  time (frame number / frame rate), and ends at its end. Tests run in a fraction of the
  video's length and give the same answer on a slow machine.

:attr:`FrameSource.now` is the time of the latest frame: give it as the clock to the
coach and the watcher.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from describe_app.core.errors import DescribeError
from describe_app.core.i18n import _

log = logging.getLogger(__name__)


class CameraError(DescribeError):
    """The camera, stream or video file cannot be opened."""

    exit_code = 6


@dataclass(frozen=True)
class TimedFrame:
    seconds: float  # since the source opened (video time for a file)
    image: Any  # an OpenCV frame (BGR uint8)


def parse_target(text: str) -> tuple[int | str, bool]:
    """What ``cv2.VideoCapture`` opens, and whether it is a video file."""
    text = text.strip()
    if not text:
        raise CameraError(
            _("The camera is not named. Give its number (0 for the first) or a video file.")
        )
    if text.isdigit():
        return int(text), False
    if "://" in text:
        return text, False
    if Path(text).is_dir():
        raise CameraError(_("{name} is a folder, not a video file.").format(name=text))
    if not Path(text).is_file():
        raise CameraError(_("There is no camera or video file called {name}.").format(name=text))
    return text, True


class FrameSource:
    """Iterate for frames; ``with`` closes the camera and its thread."""

    def __init__(
        self, text: str, *, every_s: float = 0.0, max_seconds: float | None = None
    ) -> None:
        from describe_app.core.camera.opencv import quiet_cv2

        cv2 = quiet_cv2()
        target, self.is_file = parse_target(text)
        self.name = text
        self._every_s = every_s
        self._max_seconds = max_seconds
        self._capture: Any = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(_("The camera {name} cannot be opened.").format(name=text))
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._fps = fps if 0 < fps < 1000 else 25.0
        self._started = time.monotonic()
        self.now = 0.0
        self._newest: Any = None
        self._fresh = threading.Condition()
        self._stop = threading.Event()
        self._ended = False
        self._thread: threading.Thread | None = None
        if not self.is_file:
            self._thread = threading.Thread(target=self._read_loop, name="camera", daemon=False)
            self._thread.start()

    def __iter__(self) -> Iterator[TimedFrame]:
        return self._file_frames() if self.is_file else self._live_frames()

    def _out_of_time(self, seconds: float) -> bool:
        return self._max_seconds is not None and seconds >= self._max_seconds

    def _file_frames(self) -> Iterator[TimedFrame]:
        index = -1
        due = 0.0
        while not self._stop.is_set():
            ok, image = self._capture.read()
            if not ok or image is None:
                if index < 0:  # not one frame: a text file, a damaged video
                    raise CameraError(
                        _("{name} holds no video that Describe can read.").format(name=self.name)
                    )
                return
            index += 1
            seconds = index / self._fps
            if self._out_of_time(seconds):
                return
            if seconds + 1e-9 < due:
                continue
            due = seconds + self._every_s
            self.now = seconds
            yield TimedFrame(seconds, image)

    def _live_frames(self) -> Iterator[TimedFrame]:
        while not self._stop.is_set():
            with self._fresh:
                self._fresh.wait_for(lambda: self._newest is not None or self._ended, 1.0)
                image, self._newest = self._newest, None
                ended = self._ended
            seconds = time.monotonic() - self._started
            if self._out_of_time(seconds):
                return
            if image is None:
                if ended:
                    raise CameraError(
                        _("The camera {name} stopped giving pictures.").format(name=self.name)
                    )
                continue
            self.now = seconds
            yield TimedFrame(seconds, image)
            if self._every_s:
                self._stop.wait(
                    max(0.0, self._every_s - (time.monotonic() - self._started - seconds))
                )

    def _read_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            ok, image = self._capture.read()
            with self._fresh:
                if ok and image is not None:
                    failures = 0
                    self._newest = image
                else:
                    failures += 1
                    if failures >= 50:
                        self._ended = True
                self._fresh.notify_all()
            if self._ended:
                return
            if not ok:
                time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        self._capture.release()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
