"""Make a photographed page look scanned: seen straight on, level, evenly lit.

* :func:`straighten` undoes the perspective: the four corners found by
  :mod:`~describe_app.core.reading.page_finder` are mapped onto a rectangle as wide as the
  page's longer horizontal edge and as tall as its longer vertical edge
  (``getPerspectiveTransform``), so the text keeps the size it had in the frame.
* :func:`deskew` turns a page whose lines slope (a scan laid crooked on the glass) level:
  the angle, within :data:`MAX_DESKEW_DEGREES`, at which the rows of ink are sharpest
  (the variance of the row sums is largest), searched coarse then fine.
* :func:`even_light` divides each colour by the paper's own brightness around it (a
  blurred closing of the page, which wipes out the print): a shadow or a lamp's falloff
  leaves white paper white and black ink black.
* :func:`sharpen_if_blurred`: an unsharp mask for a page out of focus.

:func:`flatten_page` does all of them on a frame, with or without an outline.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from describe_app.core.reading.page_finder import PageOutline

log = logging.getLogger(__name__)

#: Crooked pages are turned level up to this many degrees.
MAX_DESKEW_DEGREES = 10.0
#: The skew is measured on a copy this wide.
SKEW_WIDTH = 600
#: A page whose Laplacian varies less than this is blurred, and sharpened (measured on the
#: test page: 2000 sharp, 47 at a blur of 1.5 px, read well either way; 13 at 2.5 px, read
#: 72 % of words as it is and 92 % sharpened).
BLURRED_BELOW = 25.0
#: The width at which :data:`BLURRED_BELOW` was measured (the test page's in a 1280x960
#: frame): a wider page is judged, and sharpened, as if shrunk to it.
BLUR_WIDTH = 700
#: A flattened page is not made longer than this (the OCR reads at most 2048 px).
MAX_SIDE = 2400


def straighten(frame: np.ndarray, corners: Any) -> np.ndarray:
    """The quadrilateral ``corners`` (top left, top right, bottom right, bottom left) of
    ``frame`` mapped onto an upright rectangle of about the same size."""
    import cv2
    import numpy as np

    quad = np.asarray(corners, dtype=np.float32).reshape(4, 2)
    tl, tr, br, bl = quad
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    shrink = min(1.0, MAX_SIDE / max(width, height, 1.0))
    w, h = max(8, round(width * shrink)), max(8, round(height * shrink))
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    result: np.ndarray = cv2.warpPerspective(
        frame, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return result


def skew_degrees(grey: np.ndarray) -> float:
    """How far the text lines of a grey page slope (positive: falling to the right)."""
    import cv2
    import numpy as np

    h, w = grey.shape[:2]
    scale = min(1.0, SKEW_WIDTH / w)
    small = cv2.resize(grey, (max(8, round(w * scale)), max(8, round(h * scale))))
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = ink.astype(np.float32)
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (ink.shape[1], ink.shape[0]))
        return float(np.var(turned.sum(axis=1)))

    best = max(np.arange(-MAX_DESKEW_DEGREES, MAX_DESKEW_DEGREES + 0.1, 1.0), key=sharpness)
    fine = max(np.arange(best - 1.0, best + 1.01, 0.2), key=sharpness)
    return float(round(fine, 1))


def deskew(image: np.ndarray, angle: float | None = None) -> np.ndarray:
    """``image`` (grey or colour) turned so its text lines are level; the corners that
    come into view are filled with the page's edge."""
    import cv2

    if angle is None:
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        angle = skew_degrees(grey)
    if abs(angle) < 0.3:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    new_w, new_h = round(w * cos + h * sin), round(w * sin + h * cos)
    matrix[0, 2] += (new_w - w) / 2
    matrix[1, 2] += (new_h - h) / 2
    result: np.ndarray = cv2.warpAffine(
        image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return result


def even_light(image: np.ndarray) -> np.ndarray:
    """Each channel divided by the paper's brightness around it (background division)."""
    import cv2
    import numpy as np

    h, w = image.shape[:2]
    scale = min(1.0, 400 / max(h, w))
    small = cv2.resize(image, (max(8, round(w * scale)), max(8, round(h * scale))))
    # The print is thinner than this: a closing (max then min) leaves only the paper.
    side = max(5, round(max(small.shape[:2]) / 25)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    paper = cv2.GaussianBlur(paper, (side, side), 0)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    even = image.astype(np.float32) / np.maximum(paper, 1.0) * 245.0
    result: np.ndarray = np.clip(even, 0, 255).astype(np.uint8)
    return result


def sharpen_if_blurred(image: np.ndarray) -> np.ndarray:
    """``image`` with an unsharp mask when it is blurred (the variance of its Laplacian
    under :data:`BLURRED_BELOW`); a sharp page is left alone, as sharpening it runs words
    together ("GardenClubNews")."""
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # judged and sharpened as on a page BLUR_WIDTH wide: the same page photographed from
    # nearer or with more pixels has the same blur spread over more of them, which
    # lowers the Laplacian's variance (a page 1000 px wide with a blur of 1.8 px measured
    # 13, as low as one 680 px wide blurred by 2.5 px, and sharpening it ran its words
    # together: 80 % of them read instead of all)
    scale = min(1.0, BLUR_WIDTH / grey.shape[1])
    if scale < 1.0:
        size = (round(grey.shape[1] * scale), max(1, round(grey.shape[0] * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    if float(cv2.Laplacian(grey, cv2.CV_32F).var()) >= BLURRED_BELOW:
        return image
    soft = cv2.GaussianBlur(image, (0, 0), 2.0 / scale)
    result: np.ndarray = cv2.addWeighted(image, 1.8, soft, -0.8, 0)
    return result


def flatten_page(frame: Any, outline: PageOutline | None = None) -> Image.Image:
    """The page in an OpenCV frame (BGR), perspective corrected (when ``outline`` is
    given), level and evenly lit, as an RGB picture ready to be read."""
    import cv2
    import numpy as np
    from PIL import Image

    arr = np.asarray(frame)
    if arr.ndim == 2:
        arr = cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR)
    elif arr.shape[2] == 4:
        arr = cv2.cvtColor(arr, cv2.COLOR_BGRA2BGR)
    if outline is not None:
        arr = straighten(arr, outline.corners)
    arr = deskew(sharpen_if_blurred(even_light(arr)))
    return Image.fromarray(np.ascontiguousarray(arr[:, :, ::-1]), "RGB")
