"""Rectangles on the screen, in the desktop's pixels (all monitors together)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """A rectangle: left ``x``, top ``y``, ``width`` and ``height`` in screen pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def is_empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    @property
    def area(self) -> int:
        return 0 if self.is_empty else self.width * self.height

    def contains(self, point: tuple[int, int]) -> bool:
        px, py = point
        return self.x <= px < self.x + self.width and self.y <= py < self.y + self.height

    def intersection(self, other: Rect) -> Rect:
        """The part of this rectangle inside ``other`` (empty when they do not meet)."""
        left, top = max(self.x, other.x), max(self.y, other.y)
        right = min(self.x + self.width, other.x + other.width)
        bottom = min(self.y + self.height, other.y + other.height)
        return Rect(left, top, max(0, right - left), max(0, bottom - top))

    def __str__(self) -> str:
        return f"{self.x},{self.y} {self.width}x{self.height}"


def parse_region(text: str) -> Rect:
    """``"X,Y,W,H"`` (as typed after ``--region``) as a :class:`Rect`; ValueError if not."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4 or not all(p.lstrip("-").isdigit() for p in parts):
        raise ValueError(text)
    x, y, width, height = (int(p) for p in parts)
    if width <= 0 or height <= 0:
        raise ValueError(text)
    return Rect(x, y, width, height)


def monitor_for(monitors: list[Rect], point: tuple[int, int] | None) -> Rect:
    """The monitor that holds ``point`` (the focus or the pointer), else the first."""
    if point is not None:
        for monitor in monitors:
            if monitor.contains(point):
                return monitor
    return monitors[0]
