"""Aiming guidance for reading: tell a blind user how to move the camera onto a page.

Each checked frame gets one :class:`Cue`, in this order of importance: too dark, hold
still (blurred, or moving since the last check), no text, too close, text cut off at an
edge, too far, and finally "in view". A bare surface (a wall, an empty desk: hardly any
contrast at all) is "no text", not a blur to hold still for. :func:`look_at_frame`
measures a frame (brightness, sharpness, motion, where the text is); :func:`choose_cue` is
the pure rule that turns the measurements into a cue; :class:`GuidanceCoach` decides which
cues are actually said (rate-limited, never the same one twice in a row) and says "ready to
read" once, when the page has been fully in view and sharp for a short while.

Text is found by :class:`~describe_app.core.reading.text_finder.RapidTextFinder` (the OCR's text
detector alone, on a 320 px copy: about 40 ms of one core), and only when the frame is lit
and steady, so a shaking camera costs almost nothing.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import N_
from describe_app.core.reading.text_finder import Region, TextFinder

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: The frame is measured on a grey copy this wide.
LOOK_WIDTH = 320
#: Motion is measured on an even smaller copy (less noise, less work).
MOTION_WIDTH = 80


class Cue(str, enum.Enum):
    TOO_DARK = "too_dark"
    HOLD_STILL = "hold_still"
    NO_TEXT = "no_text"
    TOO_CLOSE = "too_close"
    CUT_LEFT = "cut_left"
    CUT_RIGHT = "cut_right"
    CUT_TOP = "cut_top"
    CUT_BOTTOM = "cut_bottom"
    TOO_FAR = "too_far"
    GLARE = "glare"  # a burnt-out patch hides the print (document mode only)
    IN_VIEW = "in_view"  # the page is fully in view and sharp (not said: the coach decides)
    READY = "ready"  # said once by the coach: read the page now


#: Marked for translation; translate where said: ``_(CUE_WORDS[cue])``.
CUE_WORDS: dict[Cue, str] = {
    Cue.TOO_DARK: N_("Too dark. Turn on a light."),
    Cue.HOLD_STILL: N_("Hold still."),
    Cue.NO_TEXT: N_("No text in view. Point the camera at the page."),
    Cue.TOO_CLOSE: N_("Too close. Move the camera back."),
    Cue.CUT_LEFT: N_("Text is cut off on the left. Move the camera left."),
    Cue.CUT_RIGHT: N_("Text is cut off on the right. Move the camera right."),
    Cue.CUT_TOP: N_("Text is cut off at the top. Move the camera up."),
    Cue.CUT_BOTTOM: N_("Text is cut off at the bottom. Move the camera down."),
    Cue.TOO_FAR: N_("Too far. Move the camera closer."),
    Cue.GLARE: N_("Glare on the page. Tilt the page or move away from the light."),
    Cue.IN_VIEW: N_("The page is in view."),
    Cue.READY: N_("Ready. Reading."),
}


@dataclass(frozen=True)
class GuidanceSettings:
    dark_mean: float = 35.0  # mean grey level (0..255) below which the frame is too dark
    blur_sharpness: float = 30.0  # variance of the Laplacian at LOOK_WIDTH below: blurred
    motion: float = 6.0  # mean grey change per pixel between two checks above: moving
    edge_margin: float = 0.02  # text within this share of the frame from an edge is cut off
    close_line_height: float = 0.12  # text lines this tall (share of the frame height): too close
    max_line_height: float = 0.3  # "text" taller than this is a shape, not a line: ignored
    far_extent: float = 0.3  # all the text within this share of width and height: too far
    min_interval_s: float = 1.5  # at least this long between two spoken cues
    ready_after_s: float = 0.5  # in view and sharp this long: read it
    blank_contrast: float = 6.0  # grey levels' spread (std) below: a bare surface, no text


@dataclass(frozen=True)
class FrameLook:
    """What one check measured."""

    brightness: float
    sharpness: float
    motion: float | None  # None for the first frame
    regions: tuple[Region, ...] | None  # None when text was not looked for (dark, moving)
    seconds: float = 0.0
    contrast: float | None = None  # the grey levels' spread (std); None: not measured


def grey_copy(frame: Any, width: int) -> np.ndarray:
    """A grey uint8 copy of an OpenCV frame (BGR, BGRA or grey) about ``width`` wide."""
    import cv2
    import numpy as np

    arr = np.asarray(frame)
    if arr.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if arr.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        arr = cv2.cvtColor(arr, code)
    h, w = arr.shape[:2]
    if w != width:
        size = (width, max(1, round(h * width / w)))
        arr = cv2.resize(arr, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(arr)


def frame_motion(previous: np.ndarray | None, current: np.ndarray) -> float | None:
    """Mean absolute grey change per pixel between two small grey frames of one size."""
    import cv2

    if previous is None or previous.shape != current.shape:
        return None
    return float(cv2.absdiff(previous, current).mean())


def sharpness_of(grey: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp edges, low for blur."""
    import cv2

    return float(cv2.Laplacian(grey, cv2.CV_32F).var())


def look_at_frame(
    frame: Any,
    finder: TextFinder,
    *,
    previous_small: np.ndarray | None = None,
    settings: GuidanceSettings | None = None,
) -> tuple[FrameLook, np.ndarray]:
    """Measure one frame; returns the look and the small grey copy for the next motion check.

    The text finder runs only when the frame is lit, sharp and steady.
    """
    s = settings or GuidanceSettings()
    start = time.perf_counter()
    grey = grey_copy(frame, LOOK_WIDTH)
    small = grey_copy(grey, MOTION_WIDTH)
    brightness = float(grey.mean())
    sharpness = sharpness_of(grey)
    motion = frame_motion(previous_small, small)
    steady = motion is None or motion <= s.motion
    regions: tuple[Region, ...] | None = None
    if brightness >= s.dark_mean and sharpness >= s.blur_sharpness and steady:
        regions = tuple(finder.find(grey))
    contrast = float(grey.std())
    look = FrameLook(brightness, sharpness, motion, regions, time.perf_counter() - start, contrast)
    return look, small


def choose_cue(look: FrameLook, settings: GuidanceSettings | None = None) -> Cue:
    """The one thing to tell the user about this frame (pure; see the module docstring)."""
    s = settings or GuidanceSettings()
    if look.brightness < s.dark_mean:
        return Cue.TOO_DARK
    moving = look.motion is not None and look.motion > s.motion
    if not moving and look.contrast is not None and look.contrast < s.blank_contrast:
        return Cue.NO_TEXT  # a bare wall or desk has no edges: not a blur to hold still for
    if look.sharpness < s.blur_sharpness or moving:
        return Cue.HOLD_STILL
    if look.regions is None:
        return Cue.HOLD_STILL
    found = look.regions
    lines = [r for r, h in zip(found, line_heights(found), strict=True) if h <= s.max_line_height]
    return placement_cue(lines, s) if lines else Cue.NO_TEXT


def line_thickness(region: Region) -> float:
    """How thick a line of text is (a share of the frame): its height, or its width when
    it stands upright (a page turned sideways, or a block of lines too small to part)."""
    return min(region.bottom - region.top, region.right - region.left)


def line_heights(regions: Sequence[Region]) -> list[float]:
    """Each region's line height: its :func:`line_thickness`, and no more than the distance
    to the nearest line above or below it. The boxes of a page held at a slant are upright
    boxes around slanting lines: much taller than the lines, and overlapping each other,
    while the lines' centres stay a line's spacing apart."""
    heights = []
    for r in regions:
        height, middle = line_thickness(r), (r.top + r.bottom) / 2
        for other in regions:
            across = min(r.right, other.right) > max(r.left, other.left)  # one above the other
            apart = abs((other.top + other.bottom) / 2 - middle)
            if other is not r and across and apart > 0:
                height = min(height, apart)
        heights.append(height)
    return heights


def placement_cue(regions: Sequence[Region], settings: GuidanceSettings | None = None) -> Cue:
    """Where the text sits in the frame: too close, cut off at an edge, too far, or in view.

    A line cut in half at the top or bottom is not found at all, so text within half a
    line's height of the top or bottom edge counts as cut off there. A line's height is
    its :func:`line_thickness`, so sideways text or a tiny paragraph found as one box is
    not "too close", and no more than the spacing of the lines (:func:`line_heights`), so
    neither is a page held at a slant.
    """
    s = settings or GuidanceSettings()
    heights = sorted(line_heights(regions))
    line = heights[len(heights) // 2]
    m = s.edge_margin
    mv = max(m, line / 2)
    left = min(r.left for r in regions) <= m
    right = max(r.right for r in regions) >= 1.0 - m
    top = min(r.top for r in regions) <= mv
    bottom = max(r.bottom for r in regions) >= 1.0 - mv
    if (left and right) or (top and bottom) or line > s.close_line_height:
        return Cue.TOO_CLOSE
    for cut, cue in ((left, Cue.CUT_LEFT), (right, Cue.CUT_RIGHT)):
        if cut:
            return cue
    for cut, cue in ((top, Cue.CUT_TOP), (bottom, Cue.CUT_BOTTOM)):
        if cut:
            return cue
    width = max(r.right for r in regions) - min(r.left for r in regions)
    height = max(r.bottom for r in regions) - min(r.top for r in regions)
    if width < s.far_extent and height < s.far_extent:
        return Cue.TOO_FAR
    return Cue.IN_VIEW


class GuidanceCoach:
    """Decides which cues are said: rate-limited, never one cue twice in a row, and
    :data:`Cue.READY` once when the page has stayed in view for ``ready_after_s``.

    After "ready", nothing more is said until the page leaves the view (a cue other than
    "in view" or "hold still", for ``ready_after_s``: one check that missed a line is not a
    new page), so one page is read once. ``clock`` gives seconds (tests pass a fake).
    """

    def __init__(
        self,
        settings: GuidanceSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or GuidanceSettings()
        self._clock = clock
        self._last_said: Cue | None = None
        self._last_said_at: float | None = None
        self._in_view_since: float | None = None
        self._away_since: float | None = None  # after reading: the page out of view since
        self._read = False

    def observe(self, cue: Cue) -> Cue | None:
        """Take this check's cue; return the cue to say now, or None to stay quiet."""
        now = self._clock()
        if cue is Cue.IN_VIEW:
            self._away_since = None
            if self._in_view_since is None:
                self._in_view_since = now
            if not self._read and now - self._in_view_since >= self.settings.ready_after_s:
                self._read = True
                return self._say(Cue.READY, now)
            return None
        self._in_view_since = None
        if cue is Cue.HOLD_STILL and self._read:
            return None  # a small shake after reading is not a new page
        if self._read:
            if self._away_since is None:
                self._away_since = now
            if now - self._away_since < self.settings.ready_after_s:
                return None  # not gone yet: it may be one check that missed a line
        self._read, self._away_since = False, None
        if cue is self._last_said:
            return None
        if (
            self._last_said_at is not None
            and now - self._last_said_at < self.settings.min_interval_s
        ):
            return None
        return self._say(cue, now)

    def _say(self, cue: Cue, now: float) -> Cue:
        self._last_said, self._last_said_at = cue, now
        log.debug("guidance cue: %s", cue.value)
        return cue
