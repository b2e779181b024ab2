"""The camera view has settled: a new still view worth preparing before the user asks.

:class:`SettledViewCheck` is a frame check for
:class:`~describe_app.core.live.frame_checks.FrameCheckLoop` (a few cheap checks a second).
It compares small grey copies of the frames as the hands-free
:class:`~describe_app.core.live.hands_free.ChangeWatcher` does, with the same thresholds
(:class:`~describe_app.core.live.hands_free.WatchSettings`): the view is still when one
frame differs from the one before, and from the first frame of the still spell, by at most
``still``, settled when it has been still for ``settle_s``, and new when it differs from
the last view reported by more than ``change`` (an exposure gain taken out:
:func:`~describe_app.core.live.hands_free.view_change`).
Each new settled view is reported once (:class:`SettledView`); nothing more while it stays.

Unlike hands-free mode, the first settled view counts, and there is no wait between two
views: preparing is silent. The window moves the reference with :meth:`set_reference`
(the view it last had prepared or described), so a view it could not prepare then (the
model was busy) is reported again once it can.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.live.hands_free import WatchSettings, view_change
from describe_app.core.pictures.grey_copies import difference, small_grey

if TYPE_CHECKING:
    import numpy as np

#: The name of the check on the frame-check loop.
PREPARE = "prepare"


@dataclass(frozen=True)
class SettledView:
    """A new view has settled: ``frame`` (the camera's) and its small grey copy."""

    frame: Any
    small: np.ndarray


def same_view(a: np.ndarray, b: np.ndarray, settings: WatchSettings) -> bool:
    """Two small grey copies show the same view: they differ by less than the watcher's
    change level."""
    return view_change(a, b) < settings.change


class SettledViewCheck:
    """Reports each newly settled camera view once (:meth:`check` on each frame)."""

    def __init__(
        self,
        settings: WatchSettings | None = None,
        *,
        checks_per_second: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / checks_per_second
        self.settings = settings or WatchSettings()
        self._clock = clock
        self._lock = threading.Lock()
        self._previous: np.ndarray | None = None
        self._still_since: float | None = None
        self._still_view: np.ndarray | None = None  # the view when the still spell began
        self._reference: np.ndarray | None = None

    def set_reference(self, small: np.ndarray | None) -> None:
        """The view the worker already has (None: none): a settled view is new only if it
        differs from this one. Any thread."""
        with self._lock:
            self._reference = small

    def check(self, frame: Any) -> SettledView | None:
        now = self._clock()
        small = small_grey(frame)
        previous, self._previous = self._previous, small
        moved = previous is not None and difference(previous, small) > self.settings.still
        if moved or (
            self._still_view is not None
            and view_change(self._still_view, small) > self.settings.still
        ):
            self._still_since = self._still_view = None
            return None
        if self._still_since is None:
            self._still_since, self._still_view = now, small
        if now - self._still_since < self.settings.settle_s:
            return None
        with self._lock:
            if self._reference is not None and same_view(self._reference, small, self.settings):
                return None
            self._reference = small
        return SettledView(frame, small)
