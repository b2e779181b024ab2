"""Find a sheet of paper in a camera frame: its four corners, and which of its edges the
frame cuts off.

Paper is the brightest large thing in a frame of a desk or a table. :func:`find_page`
works on a grey copy about :data:`FIND_WIDTH` wide (a few milliseconds): the light is
first evened out (the grey divided by a heavily blurred copy of itself, so a shadow across
the page does not split it), the result thresholded (Otsu), small holes (the print) closed,
and the largest bright region taken as the page if it is solid (a sheet, not a ragged patch).
Its outline is simplified to four corners (``approxPolyDP``; a region that will not
simplify to four gets the corners of its convex hull nearest the corners of its bounding
box). Where the region runs along the frame's border, that edge of the page is out of view
(:attr:`PageOutline.cut_edges`).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: The page is looked for on a grey copy this wide.
FIND_WIDTH = 400
#: A bright region smaller than this share of the frame is not a page.
MIN_AREA_SHARE = 0.04
#: A page fills at least this share of its convex outline (bright patches of a photo: 0.85
#: and less; a page, even one cut off by the frame or half in shadow: 0.97 and more).
MIN_SOLIDITY = 0.92
#: A page edge is cut off when this share of the frame's side is covered by the page
#: right at the border.
CUT_SHARE = 0.08
#: Bright shapes thinner than this (on the small copy) are not paper.
OPEN_PX = 15
#: Pixels (on the small copy) from the border that count as "at the border".
BORDER_PX = 2

Point = tuple[float, float]


class Edge(str, enum.Enum):
    LEFT = "left"
    RIGHT = "right"
    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True)
class PageOutline:
    """A page found in a frame, in the frame's pixels (x right, y down)."""

    #: Top left, top right, bottom right, bottom left.
    corners: tuple[Point, Point, Point, Point]
    frame_size: tuple[int, int]  # width, height
    cut_edges: frozenset[Edge]
    #: The page's share of the frame's area (0..1).
    area_share: float

    @property
    def whole(self) -> bool:
        """True when every edge of the page is in view."""
        return not self.cut_edges


def find_page(frame: Any) -> PageOutline | None:
    """The page in an OpenCV frame (BGR, BGRA or grey), or None when there is none."""
    import cv2
    import numpy as np

    arr = np.asarray(frame)
    if arr.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if arr.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        arr = cv2.cvtColor(arr, code)
    height, width = arr.shape[:2]
    if width < 8 or height < 8:
        return None
    scale = FIND_WIDTH / width
    small_size = (FIND_WIDTH, max(8, round(height * scale)))
    grey = cv2.resize(arr, small_size, interpolation=cv2.INTER_AREA)
    mask = _bright_mask(grey)
    region = _largest_region(mask)
    if region is None:
        return None
    sh, sw = mask.shape
    corners = _four_corners(region)
    cut = _cut_edges(region, sw, sh)
    area = float(cv2.contourArea(region)) / (sw * sh)
    full = tuple((float(x) / scale, float(y) / scale) for x, y in corners)
    return PageOutline(
        corners=(full[0], full[1], full[2], full[3]),
        frame_size=(width, height),
        cut_edges=cut,
        area_share=area,
    )


def _bright_mask(grey: np.ndarray) -> np.ndarray:
    """Paper-white pixels (255) in a small grey frame, the print inside filled in."""
    import cv2
    import numpy as np

    smooth = cv2.GaussianBlur(grey, (5, 5), 0)
    # Even the light: a shadow falling across the page must not split it in two.
    side = max(grey.shape) // 2 | 1
    light = cv2.GaussianBlur(smooth.astype(np.float32), (side, side), 0) + 8.0
    even = np.clip(smooth.astype(np.float32) / light * 128.0, 0, 255).astype(np.uint8)
    both = cv2.addWeighted(smooth, 0.5, even, 0.5, 0)
    _, mask = cv2.threshold(both, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the print's holes, then open wide: thin bright bridges (a cup's rim touching
    # the page) are cut off.
    mask = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
    )
    wide = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OPEN_PX, OPEN_PX))
    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, wide)
    # ... and the sheet's own sharp corners, which the opening rounded, put back.
    result: np.ndarray = cv2.bitwise_and(mask, cv2.dilate(opened, wide))
    return result


def _largest_region(mask: np.ndarray) -> np.ndarray | None:
    """The convex outline of the largest bright region, if it is page-sized and solid."""
    import cv2

    contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    region = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(region)
    if area < MIN_AREA_SHARE * mask.shape[0] * mask.shape[1]:
        return None
    hull: np.ndarray = cv2.convexHull(region)
    if area < MIN_SOLIDITY * cv2.contourArea(hull):
        return None  # a ragged bright patch (a lit wall, a white cup), not a sheet
    return hull


def _four_corners(hull: np.ndarray) -> list[Point]:
    """Top left, top right, bottom right and bottom left corners of a convex outline."""
    import cv2
    import numpy as np

    perimeter = cv2.arcLength(hull, True)
    points = hull.reshape(-1, 2).astype(np.float64)
    for share in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, share * perimeter, True).reshape(-1, 2)
        if len(approx) == 4:
            points = approx.astype(np.float64)
            break
    # The point nearest each corner of the bounding box (by x + y and x - y).
    sums, diffs = points.sum(axis=1), points[:, 0] - points[:, 1]
    picks = [
        points[np.argmin(sums)],
        points[np.argmax(diffs)],
        points[np.argmax(sums)],
        points[np.argmin(diffs)],
    ]
    return [(float(p[0]), float(p[1])) for p in picks]


def _cut_edges(hull: np.ndarray, width: int, height: int) -> frozenset[Edge]:
    """The frame borders the region runs along: those edges of the page are out of view."""
    import numpy as np

    points = hull.reshape(-1, 2)
    xs, ys = points[:, 0], points[:, 1]
    cut = set()
    borders = (
        (Edge.LEFT, xs <= BORDER_PX, ys, height),
        (Edge.RIGHT, xs >= width - 1 - BORDER_PX, ys, height),
        (Edge.TOP, ys <= BORDER_PX, xs, width),
        (Edge.BOTTOM, ys >= height - 1 - BORDER_PX, xs, width),
    )
    for edge, on_border, along, side in borders:
        if on_border.sum() >= 2 and float(np.ptp(along[on_border])) >= CUT_SHARE * side:
            cut.add(edge)
    return frozenset(cut)
