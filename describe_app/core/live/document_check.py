"""Document mode: guide the camera onto a whole page, then capture it by itself.

Each checked frame is measured (brightness, sharpness, motion: as aiming guidance does) and
searched for a page (:func:`~describe_app.core.reading.page_finder.find_page`). One
:class:`~describe_app.core.live.guidance.Cue` is chosen, in this order: too dark, no page,
too close (opposite edges of the page out of view), an edge out of view (left, right, top,
bottom), too far (the page under :data:`FAR_SHARE` of the frame), hold still (the whole
page is in view but moving or blurred), and in view. The cues are the aiming guidance's
own, so :class:`~describe_app.core.live.guidance.GuidanceCoach` decides which are said
(rate-limited, never one twice in a row, "ready" once the page has been in view and still
for ``ready_after_s``) and :mod:`~describe_app.core.live.guidance_tones` plays them as
tones; only their words differ (:data:`PAGE_CUE_WORDS`: "Top edge not visible. Move the
page down.").

On "ready" the frame is the page to read: :class:`DocumentCheck` hands it back with its
outline, once. After that, a new page is captured when the view loses the page, or when
the page in view has changed (another sheet laid on the same place) and settled.
"""

from __future__ import annotations

import logging
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

#: A page smaller than this share of the frame is too far away to read.
FAR_SHARE = 0.15
#: A page in view that differs from the one captured by more than this (mean grey
#: difference of small copies) is a new page.
NEW_PAGE_CHANGE = 10.0

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


def look_at_page(frame: Any, previous_small: np.ndarray | None = None) -> tuple[PageLook, Any]:
    """Measure one frame; returns the look and the small grey copy for the next motion check."""
    grey = grey_copy(frame, LOOK_WIDTH)
    small = grey_copy(grey, MOTION_WIDTH)
    look = PageLook(
        brightness=float(grey.mean()),
        sharpness=sharpness_of(grey),
        motion=frame_motion(previous_small, small),
        outline=find_page(frame),
    )
    return look, small


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
    if outline.area_share < FAR_SHARE:
        return Cue.TOO_FAR
    moving = look.motion is not None and look.motion > settings.motion
    if moving or look.sharpness < settings.blur_sharpness:
        return Cue.HOLD_STILL
    return Cue.IN_VIEW


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
        self._captured: Any = None  # a small grey copy of the page captured last

    def check(self, frame: Any) -> PageCue | None:
        look, self._previous = look_at_page(frame, self._previous)
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
