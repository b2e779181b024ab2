"""Frames for the guidance and hands-free tests: a real photo with a printed page on it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

WIDTH, HEIGHT = 640, 480
PAGE_LINES = [
    "The quick brown fox jumps",
    "over the lazy dog near",
    "the river bank at dawn.",
    "Pack my box with five",
    "dozen liquor jugs today.",
]


def background() -> np.ndarray:
    """scikit-image's coffee photo as a 640x480 BGR frame."""
    from skimage import data

    return cv2.resize(cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR), (WIDTH, HEIGHT))


def page_scene(
    x: int = 110, y: int = 130, *, scale: float = 0.9, w: int = 420, h: int = 220
) -> np.ndarray:
    """The photo with a white page at (x, y) (may reach past the frame) printed with text."""
    img = background()
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, WIDTH), min(y + h, HEIGHT)
    if x1 > x0 and y1 > y0:
        img[y0:y1, x0:x1] = 245
    step = round(40 * scale / 0.9)
    for i, line in enumerate(PAGE_LINES):
        origin = (x + 12, y + round(38 * scale / 0.9) + i * step)
        cv2.putText(
            img, line, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 2, cv2.LINE_AA
        )
    return img


def write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    """An MJPG video of ``frames`` (all the size of the first)."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


class SceneCapture:
    """A live camera showing whatever ``scene`` holds, 20 frames a second."""

    def __init__(self, scene: np.ndarray) -> None:
        self.scene = scene

    def isOpened(self) -> bool:
        return True

    def read(self) -> tuple[bool, Any]:
        threading.Event().wait(0.05)
        return True, self.scene.copy()

    def get(self, prop: int) -> float:
        return 0.0

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        pass
