"""Document mode: guide the camera onto a whole page, then capture it by itself.

Each checked frame is measured (brightness, sharpness, motion: as aiming guidance does) and
searched for a page (:func:`~describe_app.core.reading.page_finder.find_page`). One
:class:`~describe_app.core.live.guidance.Cue` is chosen, in this order: too dark, no page,
too close (opposite edges of the page out of view), an edge out of view (left, right, top,
bottom), too far (the page under :data:`FAR_SHARE` of the frame, and spanning less than
:data:`FAR_SPAN` of its width and of its height), glare (a burnt-out patch hides part of
the print: :func:`glare_on_page`), hold still (the whole page is in view
but the frame changes, the page's corners moved by :data:`PAGE_MOVED_SHARE` of its size
since the check before, or the frame is blurred), and in view. The cues are the aiming
guidance's own, so :class:`~describe_app.core.live.guidance.GuidanceCoach` decides which
are said (rate-limited, never one twice in a row, "ready" once the page has been in view
and still for ``ready_after_s``) and :mod:`~describe_app.core.live.guidance_tones` plays
them as tones; only their words differ (:data:`PAGE_CUE_WORDS`: "Top edge not visible.
Move the page down.").

On "ready" the frame is the page to read: :class:`DocumentCheck` hands it back with its
outline, once. After that, a new page is captured when the view loses the page, or when
the page in view has changed (another sheet laid on the same place) and settled.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import N_
from describe_app.core.live.guidance import (
    LOOK_WIDTH,
    MOTION_WIDTH,
    Cue,
    GuidanceCoach,
    GuidanceSettings,
    frame_motion,
    grey_copy,
    sharpness_of,
)
from describe_app.core.pictures.grey_copies import difference, small_grey
from describe_app.core.reading.page_finder import Edge, PageOutline, find_page

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: A page smaller than this share of the frame is too far away to read ...
FAR_SHARE = 0.15
#: ... unless it spans this share of the frame's width or height: a long, narrow page (a
#: receipt, an envelope, a ticket) covers little of the frame even when its print is as
#: big as a letter's in range; a letter page too small by :data:`FAR_SHARE` spans about
#: half the frame, less than this.
FAR_SPAN = 0.6
#: A page whose corners moved, since the check before, by more than this share of its
#: diagonal is moving: hold still. The whole frame's change (``motion``) misses a page
#: sliding over a desk of about its own brightness, as little of the frame changes; a
#: still page's corners, found again, move by a pixel or two of the finder's small copy
#: (well under 1 % of a page's diagonal).
PAGE_MOVED_SHARE = 0.02
#: A page in view that differs from the one captured by more than this (mean grey
#: difference of small copies) is a new page.
NEW_PAGE_CHANGE = 10.0
#: A grey level this high (0..255) is burnt out: the camera clipped it, print there is lost.
GLARE_LEVEL = 250
#: Glare is said when burnt-out patches cover this share of the page within its print ...
GLARE_SHARE = 0.01
#: ... and the rest of the paper is at least this many grey levels darker than
#: :data:`GLARE_LEVEL`: a lamp's reflection is a bright spot on paper that is not burnt
#: out. White paper in strong light, burnt out all over, is paper, and is read.
GLARE_DROP = 4.0
#: A burnt-out patch narrower than this share of the page's size is paper between lines of
#: print, or a margin's strip, not glare over the print.
GLARE_WIDTH_SHARE = 0.04
#: On burnt-out paper (:func:`washed_out_print`): the print's strength near a point is the
#: most contrast within a window as wide as this percentile of the distances to the
#: nearest ink (the gap between lines) ...
PRINT_GAP_SHARE = 85
#: ... print is gone under this share of the page's usual strength, faded under this one,
GONE_STRENGTH = 0.25
FADED_STRENGTH = 0.6
#: ... and a wide patch where it is gone is glare when print that fades makes up this share
#: of it and the fading round it.
FADED_RING = 0.25
#: ... and the fading print's strength spreads this much (the quartiles, as shares of the
#: usual strength): a halo fades gradually, a line of grey print is grey all along.
HALO_SPREAD = 0.08
#: ... and the halo rings the core: fading print at least this many windows wide for each
#: pixel of the core's edge, on average (print cut off along one side of a blank patch,
#: a sheet laid over part of the page, fades along that side only).
HALO_WIDTH = 0.12
#: Print is darker than the paper round it (the brightest within a few pixels) by this
#: many grey levels.
INK_DROP = 30

#: Marked for translation; translate where said: ``_(PAGE_CUE_WORDS[cue])``.
PAGE_CUE_WORDS: dict[Cue, str] = {
    Cue.TOO_DARK: N_("Too dark. Turn on a light."),
    Cue.HOLD_STILL: N_("Hold still."),
    Cue.NO_TEXT: N_("No page in view."),
    Cue.TOO_CLOSE: N_("Too close. Move the page away from the camera."),
    Cue.CUT_LEFT: N_("Left edge not visible. Move the page right."),
    Cue.CUT_RIGHT: N_("Right edge not visible. Move the page left."),
    Cue.CUT_TOP: N_("Top edge not visible. Move the page down."),
    Cue.CUT_BOTTOM: N_("Bottom edge not visible. Move the page up."),
    Cue.TOO_FAR: N_("Too far. Bring the page closer."),
    Cue.GLARE: N_("Glare on the page. Tilt the page or move away from the light."),
    Cue.IN_VIEW: N_("The whole page is in view."),
    Cue.READY: N_("Page captured. Reading."),
}

#: The frame's own edges, in the order an out-of-view one is said.
_EDGE_CUES = (
    (Edge.LEFT, Cue.CUT_LEFT),
    (Edge.RIGHT, Cue.CUT_RIGHT),
    (Edge.TOP, Cue.CUT_TOP),
    (Edge.BOTTOM, Cue.CUT_BOTTOM),
)

#: Document mode waits a little longer than reading guidance for a still page.
DOCUMENT_GUIDANCE = GuidanceSettings(motion=4.0, ready_after_s=0.7)


@dataclass(frozen=True)
class PageLook:
    """What one check measured."""

    brightness: float
    sharpness: float
    motion: float | None  # None for the first frame
    outline: PageOutline | None
    #: How far the page's corners moved since the check before, as a share of its
    #: diagonal (None: no page then or now).
    page_motion: float | None = None
    #: The share of the page that glare hides (:func:`glare_on_page`).
    glare: float = 0.0


@dataclass(frozen=True)
class PageCue:
    """Document mode: say this cue now; on READY, ``frame`` and ``outline`` are the page."""

    cue: Cue
    frame: Any = None
    outline: PageOutline | None = None

    @property
    def words(self) -> str:
        """The cue's words, untranslated (translate with ``_()`` where said)."""
        return PAGE_CUE_WORDS[self.cue]


def look_at_page(
    frame: Any,
    previous_small: np.ndarray | None = None,
    previous_outline: PageOutline | None = None,
) -> tuple[PageLook, Any]:
    """Measure one frame; returns the look and the small grey copy for the next motion
    check (``previous_outline``: the page found by the check before, to tell if it moved)."""
    grey = grey_copy(frame, LOOK_WIDTH)
    small = grey_copy(grey, MOTION_WIDTH)
    outline = find_page(frame)
    look = PageLook(
        brightness=float(grey.mean()),
        sharpness=sharpness_of(grey),
        motion=frame_motion(previous_small, small),
        outline=outline,
        page_motion=page_moved(previous_outline, outline),
        glare=glare_on_page(grey, outline) if outline is not None else 0.0,
    )
    return look, small


def glare_on_page(grey: np.ndarray, outline: PageOutline) -> float:
    """The share of the page that burnt-out patches (glare) hide, on a grey copy of the
    frame (any size: the outline is scaled to it); 0.0 when there is none.

    A lamp's reflection on a glossy page or a plastic sleeve is a patch the camera clips to
    white (:data:`GLARE_LEVEL`), brighter than the paper round it, and without print. A
    patch counts when it is wide (:data:`GLARE_WIDTH_SHARE`: not the paper between two
    lines), lies within the print's extent (a blank margin hides nothing), and the paper
    elsewhere is not burnt out as well (:data:`GLARE_DROP`: white paper in strong light is
    clipped all over, and its print reads well)."""
    import cv2
    import numpy as np

    height, width = grey.shape[:2]
    scale = width / outline.frame_size[0]
    corners = np.array([(x * scale, y * scale) for x, y in outline.corners], dtype=np.int32)
    page = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(page, corners, 255)
    size = float(np.sqrt(max(int(np.count_nonzero(page)), 1)))
    margin = max(3, round(size * 0.03)) | 1  # the page's edge and its shadow left out
    inner = cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_RECT, (margin, margin)))
    on_page = inner > 0
    area = int(np.count_nonzero(on_page))
    if area < 100:
        return 0.0
    wide = max(3, round(size * GLARE_WIDTH_SHARE)) | 1
    burnt = np.where((grey >= GLARE_LEVEL) & on_page, 255, 0).astype(np.uint8)
    clipped = cv2.morphologyEx(
        burnt, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (wide, wide))
    )
    if np.count_nonzero(clipped) < GLARE_SHARE * area:
        return 0.0
    paper_round = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    ink = on_page & (grey.astype(np.int16) < paper_round.astype(np.int16) - INK_DROP)
    # the paper: the page less the patches (and their halo) and the print
    halo = cv2.dilate(clipped, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (wide, wide))) > 0
    paper = grey[on_page & ~halo & ~ink]
    print_area = _print_area(ink, on_page, area)
    if print_area is None:
        return 0.0  # no print on the page for glare to hide
    if paper.size < 0.2 * area or float(np.median(paper)) > GLARE_LEVEL - GLARE_DROP:
        # Paper burnt out all over: the patch is not told from the paper, but glare over
        # the print still shows where the print fades out and vanishes.
        return washed_out_print(grey, on_page, print_area, size) / area
    hidden = 0
    count, labels, stats, _centres = cv2.connectedComponentsWithStats(clipped)
    for label in range(1, count):
        patch = labels == label
        inside = int(np.count_nonzero(patch & print_area))
        if inside >= 0.5 * stats[label, cv2.CC_STAT_AREA]:
            hidden += inside
    return hidden / area


def _print_area(ink: np.ndarray, on_page: np.ndarray, area: int) -> np.ndarray | None:
    """The box the page's print covers (1st to 99th percentile of the ink), within the
    page; None when there is too little print."""
    import numpy as np

    ys, xs = np.nonzero(ink)
    if xs.size < 0.002 * area:
        return None
    left, right = np.percentile(xs, (1, 99))
    top, bottom = np.percentile(ys, (1, 99))
    print_area = np.zeros_like(on_page)
    print_area[int(top) : int(bottom) + 1, int(left) : int(right) + 1] = True
    return np.asarray(print_area & on_page)


def washed_out_print(
    grey: np.ndarray, on_page: np.ndarray, print_area: np.ndarray, size: float
) -> int:
    """How many pixels of the print a reflection washes out, on a page whose paper is burnt
    out already (so the reflection is as white as the paper round it).

    The print's strength near each point (the most contrast within about the gap between
    lines, :data:`PRINT_GAP_SHARE` of the distances to the nearest ink) is steady over a
    printed page. A reflection leaves a core where the print is gone (under
    :data:`GONE_STRENGTH` of the page's usual strength), wide
    (:data:`GLARE_WIDTH_SHARE`), ringed by a halo where the print fades
    (:data:`FADED_STRENGTH`): at least :data:`FADED_RING` of the ring round the core. A
    blank gap between paragraphs, or the ragged end of a line, has print at full strength
    right up to its edge; a line of grey print fades but has no core where it is gone, nor
    the gradual fading of a halo (:data:`HALO_SPREAD`); print cut off along one side of a
    blank patch fades there only, not round it (:data:`HALO_WIDTH`)."""
    import cv2
    import numpy as np

    paper_round = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contrast = np.where(on_page, paper_round.astype(np.float32) - grey, 0).astype(np.float32)
    ink = contrast > INK_DROP
    distance = cv2.distanceTransform(np.where(ink, 0, 255).astype(np.uint8), cv2.DIST_L2, 3)
    gap = float(np.percentile(distance[print_area], PRINT_GAP_SHARE))
    window = max(5, 2 * round(gap) + 3)
    strength = cv2.dilate(contrast, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (window, window)))
    usual = float(np.median(strength[print_area]))
    if usual < INK_DROP:
        return 0
    gone = print_area & (strength < GONE_STRENGTH * usual)
    faded = print_area & (strength >= GONE_STRENGTH * usual) & (strength < FADED_STRENGTH * usual)
    wide = max(3, round(size * GLARE_WIDTH_SHARE)) | 1
    core = cv2.morphologyEx(
        gone.astype(np.uint8) * 255,
        cv2.MORPH_OPEN,
        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (wide, wide)),
    )
    hidden = 0
    count, labels, _stats, _centres = cv2.connectedComponentsWithStats(
        (gone | faded).astype(np.uint8)
    )
    for label in range(1, count):
        patch = labels == label
        fading = patch & faded
        if np.count_nonzero(fading) < FADED_RING * np.count_nonzero(patch):
            continue
        if not (core[patch] > 0).any():
            continue  # print that fades but is nowhere gone: grey print
        low, high = np.percentile(strength[fading] / usual, (25, 75))
        if high - low < HALO_SPREAD:
            continue  # a halo fades gradually; grey print is grey all along
        inner = (core > 0) & patch
        edge = inner & ~(cv2.erode(inner.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
        if np.count_nonzero(fading) >= HALO_WIDTH * window * np.count_nonzero(edge):
            hidden += int(np.count_nonzero(patch))
    return hidden


def page_moved(before: PageOutline | None, now: PageOutline | None) -> float | None:
    """How far the page's corners moved between two checks, at most, as a share of its
    diagonal; None when either has no page or the frame size changed."""
    if before is None or now is None or before.frame_size != now.frame_size:
        return None
    moved = max(math.dist(a, b) for a, b in zip(before.corners, now.corners, strict=True))
    diagonal = math.dist(now.corners[0], now.corners[2])
    return moved / diagonal if diagonal > 0 else None


def choose_page_cue(look: PageLook, settings: GuidanceSettings = DOCUMENT_GUIDANCE) -> Cue:
    """The one thing to tell the user about this frame (see the module docstring)."""
    if look.brightness < settings.dark_mean:
        return Cue.TOO_DARK
    outline = look.outline
    if outline is None:
        return Cue.NO_TEXT
    cut = outline.cut_edges
    if len(cut) >= 3 or {Edge.LEFT, Edge.RIGHT} <= cut or {Edge.TOP, Edge.BOTTOM} <= cut:
        return Cue.TOO_CLOSE
    for edge, cue in _EDGE_CUES:
        if edge in cut:
            return cue
    if outline.area_share < FAR_SHARE and _span(outline) < FAR_SPAN:
        return Cue.TOO_FAR
    if look.glare >= GLARE_SHARE:
        return Cue.GLARE
    moving = look.motion is not None and look.motion > settings.motion
    moving = moving or (look.page_motion is not None and look.page_motion > PAGE_MOVED_SHARE)
    if moving or look.sharpness < settings.blur_sharpness:
        return Cue.HOLD_STILL
    return Cue.IN_VIEW


def _span(outline: PageOutline) -> float:
    """The larger of the page's width and height as shares of the frame's."""
    xs = [x for x, _ in outline.corners]
    ys = [y for _, y in outline.corners]
    width, height = outline.frame_size
    return max((max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height)


class DocumentCheck:
    """Document mode for the live camera (a few checks a second): a frame check for
    :class:`~describe_app.core.live.frame_checks.FrameCheckLoop`, and the CLI's loop."""

    def __init__(
        self,
        *,
        checks_per_second: float = 5.0,
        settings: GuidanceSettings = DOCUMENT_GUIDANCE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / checks_per_second
        self._settings = settings
        self._clock = clock
        self.coach = GuidanceCoach(settings, clock=clock)
        self._previous: Any = None
        self._previous_outline: PageOutline | None = None
        self._captured: Any = None  # a small grey copy of the page captured last

    def check(self, frame: Any) -> PageCue | None:
        look, self._previous = look_at_page(frame, self._previous, self._previous_outline)
        self._previous_outline = look.outline
        cue = choose_page_cue(look, self._settings)
        if cue is Cue.IN_VIEW and self._captured is not None:
            if difference(self._captured, small_grey(frame)) > NEW_PAGE_CHANGE:
                log.debug("another page is in view")
                self.coach = GuidanceCoach(self._settings, clock=self._clock)
                self._captured = None
        elif cue not in (Cue.IN_VIEW, Cue.HOLD_STILL):
            self._captured = None
        said = self.coach.observe(cue)
        if said is None:
            return None
        if said is not Cue.READY:
            return PageCue(said)
        self._captured = small_grey(frame)
        return PageCue(said, frame, look.outline)
