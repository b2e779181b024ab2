"""Codes in the live camera view: each new code is read out once, as it appears, and again
only after it has left the view; a code-like pattern that cannot be read gets an aiming cue.

:class:`CodeWatcher` is the pure part (it takes what the code reader
(:mod:`describe_app.core.reading.codes`) found in each frame, and a clock);
:class:`CodeCheck` runs it as a frame check
(:class:`~describe_app.core.live.frame_checks.FrameCheckLoop`) four times a second.
Cues follow reading guidance's manners (:mod:`describe_app.core.live.guidance`): a pattern
must be seen in two checks in a row, a cue is never said twice in a row, and two cues are
at least :attr:`CodeWatchSettings.min_cue_interval_s` apart.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from describe_app.core.i18n import N_
from describe_app.core.reading.codes import CodeLook, CodeReader, Corners, FoundCode


class CodeCue(str, enum.Enum):
    MOVE_CLOSER = "move_closer"
    HOLD_STILL = "hold_still"
    MOVE_LEFT = "move_left"
    MOVE_RIGHT = "move_right"
    MOVE_UP = "move_up"
    MOVE_DOWN = "move_down"


#: Marked for translation; translate where said: ``_(CODE_CUE_WORDS[cue])``.
CODE_CUE_WORDS: dict[CodeCue, str] = {
    CodeCue.MOVE_CLOSER: N_("Code found. Move the camera closer."),
    CodeCue.HOLD_STILL: N_("Code found. Hold still."),
    CodeCue.MOVE_LEFT: N_("Code at the left edge. Move the camera left."),
    CodeCue.MOVE_RIGHT: N_("Code at the right edge. Move the camera right."),
    CodeCue.MOVE_UP: N_("Code at the top edge. Move the camera up."),
    CodeCue.MOVE_DOWN: N_("Code at the bottom edge. Move the camera down."),
}


@dataclass(frozen=True)
class CodeWatchSettings:
    gone_after_s: float = 2.0  # a code not seen for this long has left the view
    min_cue_interval_s: float = 2.0  # at least this long between two cues
    cue_after_checks: int = 2  # a pattern seen in this many checks in a row gets a cue
    small_share: float = 0.25  # a pattern whose longer side is under this share: too far
    edge_margin: float = 0.03  # a pattern this close to an edge is cut off there


@dataclass(frozen=True)
class CodesFound:
    """Codes that have just come into view: read them out, in this order (``frame``: the
    frame they were read in, for the history's picture; None from :class:`CodeWatcher`)."""

    codes: tuple[FoundCode, ...]
    frame: Any = None


@dataclass(frozen=True)
class CodeCueFound:
    """A code-like pattern could not be read: say this cue."""

    cue: CodeCue


def aim_cue(corners: Corners, settings: CodeWatchSettings | None = None) -> CodeCue:
    """How to move the camera to read a pattern with these corners (shares of the frame)."""
    s = settings or CodeWatchSettings()
    xs, ys = [x for x, _y in corners], [y for _x, y in corners]
    if min(xs) <= s.edge_margin:
        return CodeCue.MOVE_LEFT
    if max(xs) >= 1.0 - s.edge_margin:
        return CodeCue.MOVE_RIGHT
    if min(ys) <= s.edge_margin:
        return CodeCue.MOVE_UP
    if max(ys) >= 1.0 - s.edge_margin:
        return CodeCue.MOVE_DOWN
    if max(max(xs) - min(xs), max(ys) - min(ys)) < s.small_share:
        return CodeCue.MOVE_CLOSER
    return CodeCue.HOLD_STILL


class CodeWatcher:
    """Decides what is said about the codes in view (see the module docstring)."""

    def __init__(
        self,
        settings: CodeWatchSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or CodeWatchSettings()
        self._clock = clock
        self._seen: dict[tuple[str, str], float] = {}  # code -> when it was last in view
        self._unread_checks = 0
        self._last_cue: CodeCue | None = None
        self._last_cue_at: float | None = None

    def observe(self, look: CodeLook) -> CodesFound | CodeCueFound | None:
        """Take one frame's codes; return what to say now, or None."""
        now = self._clock()
        gone = self.settings.gone_after_s
        self._seen = {key: at for key, at in self._seen.items() if now - at <= gone}
        new = [code for code in look.codes if (code.kind, code.text) not in self._seen]
        for code in look.codes:
            self._seen[(code.kind, code.text)] = now
        if look.codes or not look.unread:
            self._unread_checks = 0
            if not look.unread:
                self._last_cue = None  # the pattern went: its cue may be said again later
            return CodesFound(tuple(new)) if new else None
        self._unread_checks += 1
        if self._unread_checks < self.settings.cue_after_checks:
            return None
        cue = aim_cue(look.unread[0], self.settings)
        if cue is self._last_cue:
            return None
        last = self._last_cue_at
        if last is not None and now - last < self.settings.min_cue_interval_s:
            return None
        self._last_cue, self._last_cue_at = cue, now
        return CodeCueFound(cue)


class CodeCheck:
    """Codes in the live view, four checks a second (each about 15-40 ms at 640x480: a frame
    with no code read gets a second, sharpened look)."""

    def __init__(
        self,
        reader: CodeReader | None = None,
        *,
        checks_per_second: float = 4.0,
        settings: CodeWatchSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / checks_per_second
        self._reader = reader
        self.watcher = CodeWatcher(settings, clock=clock)

    def check(self, frame: Any) -> CodesFound | CodeCueFound | None:
        if self._reader is None:
            from describe_app.core.reading.codes import ZxingCodeReader

            self._reader = ZxingCodeReader()  # on the loop's thread, at the first check
        found = self.watcher.observe(self._reader.read(frame))
        return replace(found, frame=frame) if isinstance(found, CodesFound) else found
