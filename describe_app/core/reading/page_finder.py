"""Find a sheet of paper in a camera frame: its four corners, and which of its edges the
frame cuts off.

Paper is the whitest large thing in a frame of a desk or a table. :func:`find_page`
works on a copy about :data:`FIND_WIDTH` wide (a few milliseconds) holding each pixel's
darkest colour (white paper is bright in all three; light wood, skin and a red tablecloth
are not): the light is first evened out (the copy divided by a heavily blurred copy of
itself, so a shadow across the page does not split it), the result thresholded (Otsu),
small holes (the print) closed, thin bright shapes opened away, and the largest bright
region taken as the page if it is solid (a sheet, not a ragged patch; a region that is
not is opened wider, for a page with a tablecloth's squares along its edges). A frame
whose two sides differ little (:data:`MIN_CONTRAST`: an empty desk) has no page. When
that finds no whole page, the bright side is split again (a dark mug or photo took the
dark side, and left the desk with the page on the bright one); when what it finds is
burnt out (a lamp's reflection on the page, whiter than the paper, took the bright side
by itself), the frame is split again with it toned down to the paper's level. The page's
corners are where its four longest straight sides meet (lines fitted to the outline), so
a corner rounded by the opening or hidden under a hand or a mug is still found; a region
without four such sides gets the corners of its simplified outline. Where the region runs
along the frame's border, that edge of the page is out of view
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
#: A region that is not solid is opened, in case it is a page with small bright things
#: along its edges, with a width of this share of the page's size (the square root of its
#: area: things this narrow beside a page are not part of it) ...
BUMP_SHARE = 0.2
#: ... and is a page if it then is solid and keeps this share of its area.
BUMPS_KEEP = 0.8
#: The bright and the dark side of the split must differ by this many grey levels (the
#: means of the two sides): an empty desk lit unevenly differs by 4 to 8, a white page on
#: an off-white desk by 24, a page on wood by 60 and more.
MIN_CONTRAST = 15.0
#: Pixels (on the small copy) from the border that count as "at the border".
BORDER_PX = 2
#: A page's four edges make up at least this share of its outline: the short sides across
#: a corner hidden under a hand or a mug, or rounded, are the rest.
SIDES_SHARE = 0.75
#: Outline points this close (on the small copy) to a simplified side are fitted to it.
SIDE_PX = 3.0
#: Two sides that meet at a corner form an angle whose sine is at least this (30 degrees);
#: a shallower meeting is one edge split in two, not a corner.
MIN_CORNER_SIN = 0.5
#: A corner worked out from the sides may lie outside the frame (hidden, or cut off) by up
#: to this share of the frame's longer side.
CORNER_REACH = 0.25

#: A region found whose darkest colour is this bright (median) is burnt out: it may be a
#: lamp's reflection on the page, not the page (see :func:`find_page`) ...
BURNT_LEVEL = 248
#: ... and is taken for one when, toned down, a page found round it is larger by this much
#: (the region is at most this share of it): white paper burnt out all over is the page.
BURNT_SHARE = 0.6
#: ... and it is not the whole frame: at most this share of it. It is looked for only when
#: the ring round the region is this many grey levels brighter than the frame's median
#: (paper round a reflection: 140 and more; the desk round a page: darker than that).
BURNT_REACH = 0.8
PAPER_ROUND = 40.0

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
    height, width = arr.shape[:2]
    if width < 8 or height < 8:
        return None
    scale = FIND_WIDTH / width
    small_size = (FIND_WIDTH, max(8, round(height * scale)))
    grey = cv2.resize(arr, small_size, interpolation=cv2.INTER_AREA)
    if grey.ndim == 3:
        # Paper is white: all three colours bright. The darkest of the three is low for
        # anything coloured that is as light as paper in grey (light wood, a hand, the red
        # of a tablecloth), so on it the page stands out where a grey copy would not.
        blue, green, red = cv2.split(grey)[:3]
        grey = cv2.min(cv2.min(blue, green), red)
    found = _page_region_in(grey)
    if found is not None and _burnt_out(grey, found[1]) and _amid_paper(grey, found[1]):
        # A lamp's reflection on the page is whiter than the paper: it took the bright side
        # of the split by itself. Looked at again with it toned down to the paper's level,
        # the page round it is found.
        paper = grey[grey < BURNT_LEVEL]
        if paper.size:
            level = np.uint8(np.percentile(paper, 99))
            again = _page_region_in(np.minimum(grey, level))
            if (
                again is not None
                and _holds(again[1], found[1], grey.size)
                and not _burnt_out(grey, again[1])
            ):
                found = again
    if found is None:
        return None
    points, hull = found
    sh, sw = grey.shape
    corners = _four_corners(hull, points, sw, sh)
    cut = _cut_edges(hull, sw, sh)
    area = float(cv2.contourArea(hull)) / (sw * sh)
    full = tuple((float(x) / scale, float(y) / scale) for x, y in corners)
    return PageOutline(
        corners=(full[0], full[1], full[2], full[3]),
        frame_size=(width, height),
        cut_edges=cut,
        area_share=area,
    )


def _page_region_in(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The page's region in the small grey frame (every point, and the convex outline)."""
    smooth, levels = _paper_levels(grey)
    found = _page_in(smooth, levels, bumps=False)
    if found is None:
        found = _page_in(smooth, levels, bumps=True)
    return found


def _burnt_out(grey: np.ndarray, hull: np.ndarray) -> bool:
    """Whether most of the region inside ``hull`` is burnt out (:data:`BURNT_LEVEL`)."""
    import cv2
    import numpy as np

    inside = np.zeros(grey.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, hull.reshape(-1, 2).astype(np.int32), 255)
    values = grey[inside > 0]
    return values.size > 0 and float(np.median(values)) >= BURNT_LEVEL


def _amid_paper(grey: np.ndarray, hull: np.ndarray) -> bool:
    """Whether the ring just round ``hull`` is brighter than most of the frame (by
    :data:`PAPER_ROUND`): a reflection lies on paper; a page lies on a desk, or a desk as
    light as it, and the desk round a page is most of the frame."""
    import cv2
    import numpy as np

    inside = np.zeros(grey.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, hull.reshape(-1, 2).astype(np.int32), 255)
    ring = (cv2.dilate(inside, np.ones((13, 13), np.uint8)) > 0) & (inside == 0)
    values = grey[ring]
    return values.size > 0 and float(np.median(values)) >= float(np.median(grey)) + PAPER_ROUND


def _holds(outer: np.ndarray, inner: np.ndarray, frame_area: int) -> bool:
    """Whether the convex outline ``outer`` is much larger than ``inner`` (by
    :data:`BURNT_SHARE`), yet not the whole frame (:data:`BURNT_REACH`: white paper on a
    white desk, toned down, is one with the desk), and holds ``inner``'s middle."""
    import cv2

    area = cv2.contourArea(outer)
    if cv2.contourArea(inner) > BURNT_SHARE * area or area > BURNT_REACH * frame_area:
        return False
    middle = inner.reshape(-1, 2).mean(axis=0)
    return cv2.pointPolygonTest(outer, (float(middle[0]), float(middle[1])), False) >= 0


def _page_in(
    smooth: np.ndarray, levels: np.ndarray, *, bumps: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """The page's region in the small frame (every point, and the convex outline).
    ``bumps``: a region that is not solid may be opened wider (:func:`_without_bumps`);
    tried last, as the wide opening shifts the page's sides a little."""
    found = _page_region(levels, None, bumps)
    if found is None or _cut_edges(found[1], *levels.shape[::-1]):
        # A dark thing in view (a mug, a photo printed on the page) can take the dark side
        # of the split, leaving the desk on the bright side with the page: the bright side
        # is split again, and a whole page found there is the one. This split is of the
        # grey as it is: evening the light out makes a bright halo round a dark thing,
        # which joined the desk round a mug to the page.
        threshold, _contrast = _split(levels, None)
        brighter = _page_region(smooth, levels > threshold, bumps)
        if brighter is not None and not _cut_edges(brighter[1], *levels.shape[::-1]):
            found = brighter
    return found


def _paper_levels(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A small grey frame smoothed, and that half evened out: a shadow falling across the
    page must not split it in two."""
    import cv2
    import numpy as np

    smooth = cv2.GaussianBlur(grey, (5, 5), 0)
    side = max(grey.shape) // 2 | 1
    light = cv2.GaussianBlur(smooth.astype(np.float32), (side, side), 0) + 8.0
    even = np.clip(smooth.astype(np.float32) / light * 128.0, 0, 255).astype(np.uint8)
    both: np.ndarray = cv2.addWeighted(smooth, 0.5, even, 0.5, 0)
    return smooth, both


def _split(levels: np.ndarray, among: np.ndarray | None) -> tuple[float, float]:
    """The Otsu threshold of ``levels`` (of those where ``among`` is true), and how far
    apart the means of the two sides of it are."""
    import cv2
    import numpy as np

    values = levels if among is None else levels[among]
    if values.size < 2:
        return 255.0, 0.0
    threshold, _ = cv2.threshold(values.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    above = values > threshold
    if above.all() or not above.any():
        return float(threshold), 0.0
    return float(threshold), float(np.mean(values[above]) - np.mean(values[~above]))


def _page_region(
    levels: np.ndarray, among: np.ndarray | None, bumps: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """The page among the bright side of the split of ``levels`` (see :func:`_split`)."""
    import cv2
    import numpy as np

    threshold, contrast = _split(levels, among)
    if contrast < MIN_CONTRAST:
        return None  # one surface, lit unevenly (an empty desk): nothing stands out
    mask = np.where(levels > threshold, 255, 0).astype(np.uint8)
    if among is not None:
        mask[~among] = 0
    # Close the print's holes, then open wide: thin bright bridges (a cup's rim touching
    # the page) are cut off. The opening rounds the sheet's corners; they are not put back
    # (that put back the white squares of a tablecloth along the page's edge too): the
    # corners are found where the page's straight sides meet (:func:`_four_sides`).
    closed = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
    )
    wide = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OPEN_PX, OPEN_PX))
    return _largest_region(cv2.morphologyEx(closed, cv2.MORPH_OPEN, wide), bumps)


def _largest_region(mask: np.ndarray, bumps: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The outline (every point) and the convex outline of the largest bright region, if
    it is page-sized and solid (``bumps``: or solid once opened wider)."""
    import cv2

    contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    region = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(region)
    if area < MIN_AREA_SHARE * mask.shape[0] * mask.shape[1]:
        return None
    hull: np.ndarray = cv2.convexHull(region)
    if area < MIN_SOLIDITY * cv2.contourArea(hull):
        return _without_bumps(mask, region, area) if bumps else None
    return region, hull


def _without_bumps(
    mask: np.ndarray, region: np.ndarray, area: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A region that is not solid may be a page with small bright things along its edges
    (the white squares of a tablecloth along a turned page): opened with a width in
    proportion to its size, what is left is the page if it is solid and most of what was
    there. A ragged bright patch (a lit wall, a white cup) loses more, or stays ragged.

    Only a region that is not solid is opened so: opening every page so wide ate the thin
    strip of paper above a big title."""
    import cv2
    import numpy as np

    side = int(np.sqrt(area) * BUMP_SHARE) | 1
    if side <= OPEN_PX:
        return None
    alone = np.zeros_like(mask)
    cv2.drawContours(alone, [region], -1, 255, cv2.FILLED)
    bumps = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    alone = cv2.morphologyEx(alone, cv2.MORPH_OPEN, bumps)
    contours, _hierarchy = cv2.findContours(alone, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    left = cv2.contourArea(page)
    hull: np.ndarray = cv2.convexHull(page)
    if left < BUMPS_KEEP * area or left < MIN_SOLIDITY * cv2.contourArea(hull):
        return None  # a ragged bright patch (a lit wall, a white cup), not a sheet
    return page, hull


def _four_corners(hull: np.ndarray, outline: np.ndarray, width: int, height: int) -> list[Point]:
    """Top left, top right, bottom right and bottom left corners of a convex outline
    (``outline``: the region's every point, to which the sides are fitted)."""

    sides = _four_sides(hull, outline)
    points = _side_corners(sides, width, height) if sides is not None else None
    if points is None:
        points = _hull_corners(hull)
    return _in_reading_order(points)


def _four_sides(
    hull: np.ndarray, outline: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """The page's four sides as (point, direction), in order round the outline: the four
    longest sides of the simplified outline, when together they make up most of it.

    A corner hidden under a hand or a mug, or rounded by the mask's opening, leaves a short
    side across it; the four long ones are the page's edges, and where they meet are its
    corners, seen or not."""
    import cv2
    import numpy as np

    perimeter = cv2.arcLength(hull, True)
    if perimeter <= 0:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * perimeter, True).reshape(-1, 2).astype(np.float64)
    if len(approx) < 4:
        return None
    ends = np.roll(approx, -1, axis=0)
    lengths = np.linalg.norm(ends - approx, axis=1)
    longest = sorted(np.argsort(lengths)[-4:])  # kept in their order round the outline
    # A page's four edges are most of its outline; the short sides across hidden or
    # rounded corners are the rest. Less than this, and it is not a four-sided shape.
    if lengths[longest].sum() < SIDES_SHARE * lengths.sum():
        return None
    points = outline.reshape(-1, 2).astype(np.float64)
    return [_fit_side(points, approx[i], ends[i]) for i in longest]


def _fit_side(
    points: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The straight line (point, unit direction) best fitting the outline's points along
    the side from ``start`` to ``end``: those close to it, away from its two ends.

    The simplified outline cuts across rounded corners, so its sides lie a little inside
    the page; the points themselves lie on the page's edge."""
    import cv2
    import numpy as np

    length = float(np.linalg.norm(end - start))
    direction = (end - start) / length
    normal = np.array([-direction[1], direction[0]])
    rel = points - start
    along = rel @ direction / length
    across = np.abs(rel @ normal)
    near = (along > 0.1) & (along < 0.9) & (across <= max(SIDE_PX, 0.02 * length))
    if near.sum() < 5:
        return start, direction
    vx, vy, x0, y0 = cv2.fitLine(
        points[near].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01
    ).ravel()
    return np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)


def _side_corners(
    sides: list[tuple[np.ndarray, np.ndarray]], width: int, height: int
) -> np.ndarray | None:
    """Where each side meets the next; None when two meet at a slant too shallow to be a
    page's corner, or a corner lies far outside the frame (the sides were not the page's)."""
    import numpy as np

    corners = []
    for (p, d), (q, e) in zip(sides, sides[1:] + sides[:1], strict=True):
        cross = d[0] * e[1] - d[1] * e[0]
        # sin of the angle between the sides: a page's corner, even in strong
        # perspective, is far from a straight line (sin 0.5 = 30 degrees off straight)
        if abs(cross) < MIN_CORNER_SIN:
            return None
        t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / cross
        corners.append(p + t * d)
    points = np.array(corners)
    # a hidden corner may lie a little outside the frame, not a frame away
    reach = max(width, height) * CORNER_REACH
    if (points < -reach).any() or (points[:, 0] > width + reach).any():
        return None
    if (points[:, 1] > height + reach).any():
        return None
    return points


def _hull_corners(hull: np.ndarray) -> np.ndarray:
    """The four corners of a convex outline that will not split into four sides: its
    simplified outline when that has four points, else all of its points."""
    import cv2
    import numpy as np

    perimeter = cv2.arcLength(hull, True)
    points = hull.reshape(-1, 2).astype(np.float64)
    for share in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, share * perimeter, True).reshape(-1, 2)
        if len(approx) == 4:
            return approx.astype(np.float64)
    # The point nearest each corner of the bounding box (by x + y and x - y).
    sums, diffs = points.sum(axis=1), points[:, 0] - points[:, 1]
    picks = [np.argmin(sums), np.argmax(diffs), np.argmax(sums), np.argmin(diffs)]
    return points[picks]


def _in_reading_order(points: np.ndarray) -> list[Point]:
    """Four corners as top left, top right, bottom right, bottom left.

    They are put in clockwise order round their centre, then turned so the top left comes
    first: the corner of the top edge (the side whose middle is highest) that lies further
    left. Picking each corner alone (smallest x + y for the top left, ...) picked one
    corner twice for a page turned 45 degrees."""
    import numpy as np

    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ring = points[np.argsort(angles)]  # clockwise on screen (y points down)
    middles_y = [(ring[i][1] + ring[(i + 1) % 4][1]) / 2 for i in range(4)]
    top = int(np.argmin(middles_y))  # the top edge runs from ring[top] to ring[top + 1]
    first = top if ring[top][0] <= ring[(top + 1) % 4][0] else (top + 1) % 4
    ordered = [ring[(first + i) % 4] for i in range(4)]
    return [(float(p[0]), float(p[1])) for p in ordered]


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
