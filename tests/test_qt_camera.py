"""The camera worker: newest frame only, preview, and faults announced once and recovered."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import numpy as np

from describe_app.qt.camera_source import CameraSource, parse_camera_source
from describe_app.qt.camera_worker import CameraState, CameraWorker
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
scene_video = qt_fixtures.scene_video

LOST = (
    "The camera was lost ({name}). Describe reconnects by itself when it is back; "
    "meanwhile you can open photos."
)


class FlakyCapture:
    """A camera that gives ``frames`` frames, then fails the way it is told to."""

    def __init__(self, frames: int, failure: str) -> None:
        self.left = frames
        self.failure = failure
        self.released = False

    def isOpened(self) -> bool:
        return True

    def read(self) -> tuple[bool, Any]:
        if self.left <= 0:
            if self.failure == "raise":
                raise OSError("USB device unplugged")
            if self.failure == "end":
                return False, None
            threading.Event().wait(0.01)  # "live": keep going
            return True, np.full((120, 160, 3), 128, np.uint8)
        self.left -= 1
        threading.Event().wait(0.01)
        return True, np.full((120, 160, 3), 128, np.uint8)

    def get(self, prop: int) -> float:
        return 0.0

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        self.released = True


class Opener:
    def __init__(self, captures: list[Any]) -> None:
        self.captures = captures
        self.opened: list[Any] = []

    def __call__(self, source: CameraSource) -> Any:
        item = self.captures.pop(0) if self.captures else FlakyCapture(10**9, "live")
        if isinstance(item, Exception):
            raise item
        self.opened.append(item)
        return item


def test_camera_sources_are_parsed() -> None:
    assert parse_camera_source(None, cameras=list) == CameraSource(0, label="camera 1")
    assert parse_camera_source("2", cameras=list) == CameraSource(2, label="camera 3")
    assert parse_camera_source("none") is None
    url = parse_camera_source("rtsp://10.0.0.5/stream")
    assert url is not None and not url.is_file and url.name == "rtsp camera"
    video = parse_camera_source("/tmp/demo.mp4")
    assert video is not None and video.is_file and video.name == "demo.mp4"


def test_a_camera_that_raises_or_ends_is_announced_once_and_recovers(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    opener = Opener(
        [FlakyCapture(5, "raise"), OSError("busy"), FlakyCapture(5, "end"), FlakyCapture(5, "live")]
    )
    camera = CameraWorker(CameraSource(0, label="camera 1"), opener=opener, retry_seconds=0.05)
    window, speech = make_window(speaking_model_dir, camera=camera, load=False)
    states: list[CameraState] = []
    camera.state_changed.connect(lambda state, _detail: states.append(state))
    qtbot.waitUntil(lambda: len(opener.opened) >= 3 and camera.state is CameraState.LIVE)
    qtbot.waitUntil(
        lambda: window.preview.pixmap() is not None and not window.preview.pixmap().isNull()
    )
    qtbot.waitUntil(lambda: states.count(CameraState.LIVE) >= 2)
    history = window.announcer.history
    assert "Camera ready." in history
    assert history.count(LOST.format(name="camera 1")) >= 1
    assert "The camera is back." in history
    for a, b in itertools.pairwise(history):
        assert a != b, "a status was announced twice in a row"
    assert all(c.released for c in opener.opened[:-1])
    assert camera.latest_frame() is not None
    assert any("camera" in t.lower() for t in speech.texts())


def test_a_missing_camera_keeps_photos_working(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    opener = Opener([OSError("no such device")] * 1000)
    camera = CameraWorker(CameraSource(7, label="camera 8"), opener=opener, retry_seconds=0.02)
    window, _ = make_window(speaking_model_dir, camera=camera)
    qtbot.waitUntil(lambda: camera.state is CameraState.MISSING)
    qtbot.wait(200)  # many retries, one announcement
    missing = [h for h in window.announcer.history if h.startswith("No camera found")]
    assert missing == [
        "No camera found (camera 8). Describe connects to it by itself as soon as it is found; "
        "meanwhile you can open photos."
    ]
    window.actions_by_id["describe"].trigger()  # no frame and no photo: says what to do
    assert "Open a photo" in window.announcer.history[-1]


def test_a_video_file_loops_and_keeps_only_the_newest_frame(
    qtbot, qt_strict: None, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    camera = CameraWorker(CameraSource(str(scene_video), is_file=True))
    frames: list[Any] = []
    camera.preview.connect(lambda image: (frames.append(image), camera.preview_shown()))
    camera.start()
    try:
        qtbot.waitUntil(lambda: len(frames) > 40, timeout=10_000)  # the video has 30 frames
        assert camera.state is CameraState.LIVE
        frame = camera.latest_frame()
        assert frame is not None and frame.shape == (240, 320, 3)
    finally:
        assert camera.close(2.0)
