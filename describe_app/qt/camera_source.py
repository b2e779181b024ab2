"""What ``--camera`` names: a device index, a network stream (http/rtsp) or a video file.

A camera on this computer is labelled by the name its driver gives ("Integrated Camera")
where :func:`~describe_app.core.camera.camera_list.list_cameras` finds one, else by its number
("camera 1"); the window says this label in "No camera found (...)" and the like.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from describe_app.core.camera.camera_list import CameraDevice, list_cameras
from describe_app.core.settings.schema import CameraKind, CameraSettings

log = logging.getLogger(__name__)

#: Lists the cameras found (injected by tests; the real one reads what the system says).
CameraLister = Callable[[], list[CameraDevice]]


@dataclass(frozen=True)
class CameraSource:
    target: int | str  # what cv2.VideoCapture opens
    is_file: bool = False  # a video file: loop it at its own frame rate
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or str(self.target)


def index_label(index: int, cameras: CameraLister = list_cameras) -> str:
    """The camera's readable name ("Integrated Camera") where known, else "camera 1" for 0.

    Two cameras of the same name also get their number ("USB Camera (camera 2)").
    """
    try:
        found = cameras()
    except Exception as exc:  # a listing failure only costs the readable name
        log.info("cameras could not be listed: %r", exc)
        found = []
    names = [camera.name for camera in found if camera.index == index]
    if not names:
        return f"camera {index + 1}"
    if sum(camera.name == names[0] for camera in found) > 1:
        return f"{names[0]} (camera {index + 1})"
    return names[0]


def parse_camera_source(
    text: str | None, *, cameras: CameraLister = list_cameras
) -> CameraSource | None:
    """``None``/"" -> camera 0; "none" -> no camera; "2" -> camera 2; URL; file path."""
    if text is None or not text.strip():
        return CameraSource(0, label=index_label(0, cameras))
    text = text.strip()
    if text.lower() in ("none", "off", "no"):
        return None
    if text.isdigit():
        return CameraSource(int(text), label=index_label(int(text), cameras))
    if "://" in text:
        return CameraSource(text, label=text.split("://", 1)[0] + " camera")
    return CameraSource(text, is_file=True, label=Path(text).name)


def camera_from_settings(
    camera: CameraSettings, *, cameras: CameraLister = list_cameras
) -> CameraSource:
    """The source the settings choose (a camera number, a URL or a video file)."""
    target = camera.source()
    if isinstance(target, int):
        return CameraSource(target, label=index_label(target, cameras))
    if camera.kind is CameraKind.URL:
        return CameraSource(target, label=target.split("://", 1)[0] + " camera")
    return CameraSource(target, is_file=True, label=Path(target).name)
