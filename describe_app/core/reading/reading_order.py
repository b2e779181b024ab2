"""Put recognised text boxes into reading order: lines top to bottom, words left to right.

The text detector hands back one quadrilateral per word or phrase, in no useful order. A
hand-held photo is rarely level, so the boxes are first turned back by the page's skew
(the median slant of the boxes' long edges, up to :data:`MAX_SKEW_DEGREES`); in that
level frame two boxes are on the same line when their vertical extents overlap by at least
:data:`SAME_LINE_OVERLAP` of the shorter box's height. Lines are read top to bottom,
boxes within a line left to right, joined by one space.

Multi-column pages are not split into columns: a two-column page is read row by row.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self

Point = tuple[float, float]

#: Skews larger than this are not corrected (vertical or strongly slanted text).
MAX_SKEW_DEGREES = 30.0
#: Fraction of the shorter box's height two boxes must share to be on one line.
SAME_LINE_OVERLAP = 0.5


@dataclass(frozen=True)
class TextBox:
    """One recognised piece of text and its four corners in image pixels (x right, y down)."""

    text: str
    corners: tuple[Point, Point, Point, Point]
    score: float = 1.0

    @classmethod
    def from_points(
        cls, text: str, points: Iterable[Sequence[float]], score: float = 1.0
    ) -> TextBox:
        """Build a box from any four (x, y) pairs (lists, tuples or a numpy array)."""
        pts = [(float(p[0]), float(p[1])) for p in points]
        if len(pts) != 4:
            raise ValueError(f"a text box needs 4 corners, got {len(pts)}")
        return cls(text, (pts[0], pts[1], pts[2], pts[3]), score)

    @classmethod
    def from_rect(cls, text: str, x0: float, y0: float, x1: float, y1: float) -> TextBox:
        """An upright box from its left, top, right and bottom sides."""
        return cls.from_points(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))

    @property
    def width(self) -> float:
        xs = [x for x, _ in self.corners]
        return max(xs) - min(xs)

    @property
    def height(self) -> float:
        ys = [y for _, y in self.corners]
        return max(ys) - min(ys)

    def slant_degrees(self) -> float | None:
        """Angle of the box's longest edge from horizontal, in (-45, 45]; None if unclear."""
        best: tuple[float, float, float] | None = None
        for i in range(4):
            (x0, y0), (x1, y1) = self.corners[i], self.corners[(i + 1) % 4]
            dx, dy = x1 - x0, y1 - y0
            length = math.hypot(dx, dy)
            if best is None or length > best[0]:
                best = (length, dx, dy)
        if best is None or best[0] == 0.0:
            return None
        _, dx, dy = best
        if abs(dy) > abs(dx):
            return None  # taller than wide: a single glyph or vertical text says nothing
        if dx < 0:
            dx, dy = -dx, -dy
        return math.degrees(math.atan2(dy, dx))


@dataclass(frozen=True)
class PlacedBox:
    """A text box with the sides of the upright rectangle round its corners."""

    box: TextBox
    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def of(cls, box: TextBox) -> Self:
        xs = [x for x, _ in box.corners]
        ys = [y for _, y in box.corners]
        return cls(box, min(xs), min(ys), max(xs), max(ys))

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def text(self) -> str:
        return self.box.text.strip()


@dataclass(frozen=True)
class _Placed:
    """A box in the de-skewed frame: its axis-aligned extent there."""

    box: TextBox
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def estimate_skew(boxes: Sequence[TextBox]) -> float:
    """The page's skew in degrees (positive: lines fall to the right), or 0.0 if unclear."""
    angles = [a for a in (b.slant_degrees() for b in boxes) if a is not None]
    if not angles:
        return 0.0
    skew = statistics.median(angles)
    return skew if abs(skew) <= MAX_SKEW_DEGREES else 0.0


def level_extent(box: TextBox, cos_a: float, sin_a: float) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of ``box`` rotated by -skew (a line that falls to the
    right becomes level). Its top and bottom are the middles of its top and bottom edges,
    not its highest and lowest corners: a word's box tilted a little more than the page
    (two pixels over 74, on a screen's list whose rows are 14 pixels apart) reached 3
    pixels higher and lower, and overlapped the row above by half."""
    xs = [x * cos_a + y * sin_a for x, y in box.corners]
    ys = sorted(-x * sin_a + y * cos_a for x, y in box.corners)
    return min(xs), (ys[0] + ys[1]) / 2, max(xs), (ys[-1] + ys[-2]) / 2


def _place(box: TextBox, cos_a: float, sin_a: float) -> _Placed:
    left, top, right, bottom = level_extent(box, cos_a, sin_a)
    return _Placed(box, left, right, top, bottom)


def _overlap_ratio(a_top: float, a_bottom: float, b_top: float, b_bottom: float) -> float:
    shorter = min(a_bottom - a_top, b_bottom - b_top)
    if shorter <= 0.0:
        return 1.0 if a_top <= b_bottom and b_top <= a_bottom else 0.0
    return (min(a_bottom, b_bottom) - max(a_top, b_top)) / shorter


def group_lines(boxes: Sequence[TextBox]) -> list[list[TextBox]]:
    """Group boxes into lines; lines top to bottom, boxes in a line left to right."""
    if not boxes:
        return []
    skew = math.radians(estimate_skew(boxes))
    cos_a, sin_a = math.cos(skew), math.sin(skew)
    placed = sorted((_place(b, cos_a, sin_a) for b in boxes), key=lambda p: (p.middle, p.left))

    lines: list[list[_Placed]] = []
    extents: list[tuple[float, float]] = []  # median top and bottom of each line
    for item in placed:
        best, best_overlap = -1, SAME_LINE_OVERLAP
        for index, (top, bottom) in enumerate(extents):
            overlap = _overlap_ratio(item.top, item.bottom, top, bottom)
            if overlap >= best_overlap:
                best, best_overlap = index, overlap
        if best < 0:
            lines.append([item])
            extents.append((item.top, item.bottom))
        else:
            members = lines[best]
            members.append(item)
            extents[best] = (
                statistics.median(m.top for m in members),
                statistics.median(m.bottom for m in members),
            )

    ordered = sorted(
        zip(lines, extents, strict=True), key=lambda pair: (pair[1][0] + pair[1][1]) / 2
    )
    return [[p.box for p in sorted(line, key=lambda p: p.left)] for line, _ in ordered]


def reading_order(boxes: Sequence[TextBox]) -> list[str]:
    """The text of each line in reading order, words on a line joined by one space."""
    lines = []
    for line in group_lines(boxes):
        text = " ".join(t for t in (b.text.strip() for b in line) if t)
        if text:
            lines.append(text)
    return lines
