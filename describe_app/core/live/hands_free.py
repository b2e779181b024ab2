"""Hands-free mode: describe on its own when the view has changed and then settled.

:class:`ChangeWatcher` looks at small grey copies of the frames (64 px wide, slightly
blurred, their mean brightness removed so a camera's exposure drift is no change). It
keeps the view it last described, or the first view it saw, as its reference. A
description is due when the frames have been still for ``settle_s`` and the still view
differs from the reference by more than ``change``, and the last description is at least
``min_interval_s`` old. While the view is unchanged it says nothing.

Two things a camera does on its own are no change (:func:`view_change`): its exposure
brightening or darkening the view scales its contrast as well as its mean, so the
reference is compared after the best gain is taken out. And a slow pan moves each frame
too little to count as motion, so the view is still only while it stays within ``still``
of where the still spell began; a view that keeps drifting never settles.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from describe_app.core.pictures.grey_copies import difference, small_grey

log = logging.getLogger(__name__)

#: The most an exposure change is taken to scale the view's contrast, either way.
MAX_GAIN = 2.0


@dataclass(frozen=True)
class WatchSettings:
    change: float = 12.0  # mean grey difference per pixel (0..255) from the reference
    still: float = 2.0  # frame-to-frame difference at most this: the view is still
    settle_s: float = 1.0  # still this long after a change: describe
    min_interval_s: float = 5.0  # at least this long between two descriptions
    describe_first: bool = False  # also describe the first settled view


def view_change(reference: np.ndarray, current: np.ndarray) -> float:
    """How much ``current`` differs from ``reference`` (small grey copies, zero-mean): the
    mean difference per pixel once the exposure gain that best matches the two (at most
    :data:`MAX_GAIN` either way) is taken out; infinite when the sizes differ."""
    import numpy as np

    if reference.shape != current.shape:
        return float("inf")
    power = float(np.square(current).sum())
    gain = float((reference * current).sum()) / power if power > 0 else 1.0
    gain = min(max(gain, 1.0 / MAX_GAIN), MAX_GAIN)
    return float(np.abs(reference - gain * current).mean())


class ChangeWatcher:
    """Says when to describe: :meth:`observe` each frame, describe when it returns True."""

    def __init__(
        self,
        settings: WatchSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or WatchSettings()
        self._clock = clock
        self._previous: np.ndarray | None = None
        self._reference: np.ndarray | None = None
        self._still_since: float | None = None
        self._still_view: np.ndarray | None = None  # the view when the still spell began
        self._last_described: float | None = None
        self.last_motion = 0.0
        self.last_change = 0.0

    def observe(self, frame: Any) -> bool:
        """Take one frame; True when the view should be described now."""
        now = self._clock()
        small = small_grey(frame)
        previous, self._previous = self._previous, small
        self.last_motion = 0.0 if previous is None else difference(previous, small)
        drifted = self._still_view is not None and (
            view_change(self._still_view, small) > self.settings.still
        )
        if self.last_motion > self.settings.still or drifted:
            self._still_since = self._still_view = None
            return False
        if self._still_since is None:
            self._still_since, self._still_view = now, small
        if now - self._still_since < self.settings.settle_s:
            return False
        if self._reference is None:
            self._reference = small
            if not self.settings.describe_first:
                return False
        else:
            self.last_change = view_change(self._reference, small)
            if self.last_change <= self.settings.change:
                return False
        if (
            self._last_described is not None
            and now - self._last_described < self.settings.min_interval_s
        ):
            return False
        self._reference = small
        self._last_described = now
        log.debug("view changed by %.1f and settled: describe", self.last_change)
        return True
