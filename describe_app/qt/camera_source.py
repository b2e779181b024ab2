"""What ``--camera`` names: a device index, a network stream (http/rtsp) or a video file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from describe_app.core.settings import CameraKind, CameraSettings


@dataclass(frozen=True)
class CameraSource:
    target: int | str  # what cv2.VideoCapture opens
    is_file: bool = False  # a video file: loop it at its own frame rate
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or str(self.target)


def parse_camera_source(text: str | None) -> CameraSource | None:
    """``None``/"" -> camera 0; "none" -> no camera; "2" -> camera 2; URL; file path."""
    if text is None or not text.strip():
        return CameraSource(0, label="camera 1")
    text = text.strip()
    if text.lower() in ("none", "off", "no"):
        return None
    if text.isdigit():
        return CameraSource(int(text), label=f"camera {int(text) + 1}")
    if "://" in text:
        return CameraSource(text, label=text.split("://", 1)[0] + " camera")
    return CameraSource(text, is_file=True, label=Path(text).name)


def camera_from_settings(camera: CameraSettings) -> CameraSource:
    """The source the settings choose (a camera number, a URL or a video file)."""
    target = camera.source()
    if isinstance(target, int):
        return CameraSource(target, label=f"camera {target + 1}")
    if camera.kind is CameraKind.URL:
        return CameraSource(target, label=target.split("://", 1)[0] + " camera")
    return CameraSource(target, is_file=True, label=Path(target).name)
