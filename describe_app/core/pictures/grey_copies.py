"""Small grey copies of frames, made comparable, for telling whether the view changed.

Hands-free mode, "what changed" and the grid of regions all compare views this one way:
64 px wide, slightly blurred, mean brightness removed (a camera's exposure drift is no
change).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: Frames are compared on a grey copy this wide.
WATCH_WIDTH = 64


def small_grey(frame: Any) -> np.ndarray:
    """A 64 px wide, blurred, zero-mean float copy of an OpenCV frame."""
    import cv2
    import numpy as np

    arr = np.asarray(frame)
    if arr.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if arr.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        arr = cv2.cvtColor(arr, code)
    h, w = arr.shape[:2]
    size = (WATCH_WIDTH, max(1, round(h * WATCH_WIDTH / w)))
    return centred_blur(cv2.resize(arr, size, interpolation=cv2.INTER_AREA))


def centred_blur(grey: np.ndarray) -> np.ndarray:
    """A small grey copy made comparable: float, slightly blurred (noise), its mean
    brightness removed (a camera's exposure drift)."""
    import cv2
    import numpy as np

    blurred: np.ndarray = cv2.GaussianBlur(grey.astype(np.float32), (3, 3), 0)
    return blurred - float(blurred.mean())


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference per pixel; infinite when the sizes differ."""
    import numpy as np

    if a.shape != b.shape:
        return float("inf")
    return float(np.abs(a - b).mean())
