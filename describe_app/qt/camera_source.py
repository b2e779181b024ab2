"""What ``--camera`` names: a device index, a network stream (http/rtsp) or a video file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
