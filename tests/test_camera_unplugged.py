"""A camera unplugged while open: said once, with the promise to reconnect; reconnected by
itself when it is plugged in again, and that said once too."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraState, CameraWorker
from tests import qt_fixtures
from tests.test_qt_camera import LOST

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


class UsbCamera:
    """A camera on a USB port: :meth:`unplug` and :meth:`plug_in` as a hand would. Unplugged,
    an open capture stops giving frames and a new one cannot be opened."""

    def __init__(self) -> None:
        self.plugged = threading.Event()
        self.plugged.set()
        self.opens = 0
        self.refused = 0

    def unplug(self) -> None:
        self.plugged.clear()

    def plug_in(self) -> None:
        self.plugged.set()

    def __call__(self, source: CameraSource) -> Any:
        if not self.plugged.is_set():
            self.refused += 1
            raise OSError(19, "No such device")
        self.opens += 1
        return _Capture(self)


class _Capture:
    def __init__(self, camera: UsbCamera) -> None:
        self.camera = camera

    def isOpened(self) -> bool:
        return True

    def read(self) -> tuple[bool, Any]:
        threading.Event().wait(0.01)
        if not self.camera.plugged.is_set():
            return False, None
        return True, np.full((120, 160, 3), 90, np.uint8)

    def get(self, prop: int) -> float:
        return 0.0

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        pass


def camera_states(said: list[str]) -> list[str]:
    return [t for t in said if t.startswith(("Camera", "The camera", "No camera"))]


def test_unplugged_is_said_once_and_plugged_in_again_reconnects_by_itself(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    usb = UsbCamera()
    camera = CameraWorker(CameraSource(0, label="camera 1"), opener=usb, retry_seconds=0.02)
    window, speech = make_window(speaking_model_dir, camera=camera, load=False)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)

    usb.unplug()
    qtbot.waitUntil(lambda: usb.refused >= 10)  # many tries to open it again, all quiet
    lost = LOST.format(name="camera 1")
    camera_news = camera_states(window.announcer.history)
    assert camera_news == ["Camera ready.", lost]
    assert lost in speech.texts()
    assert camera.latest_frame() is None
    window.actions_by_id["describe"].trigger()  # no frame: says what to do, no hang
    assert "Open a photo" in window.announcer.history[-1]

    usb.plug_in()
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    qtbot.waitUntil(lambda: "The camera is back." in window.announcer.history)
    qtbot.wait(100)
    camera_news = camera_states(window.announcer.history)
    assert camera_news == ["Camera ready.", lost, "The camera is back."]
    assert "The camera is back." in speech.texts()
    assert camera.state is CameraState.LIVE and usb.opens == 2
