"""How far a model download is, and what is said about it: a sentence every tenth.

:class:`DownloadProgress` is what the download reports (bytes done, bytes in all, the time
left as estimated from the speed so far); :class:`SpokenTenths` turns a stream of them into
at most one sentence per tenth ("40 percent, about 2 minutes left."), for the window's
announcer and the command's progress lines alike, so a screen reader is never flooded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from describe_app.core.i18n import _, ngettext

MB = 1024 * 1024


@dataclass(frozen=True)
class DownloadProgress:
    done_bytes: int
    total_bytes: int
    seconds_left: float | None  # None until the speed is known

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_bytes / self.total_bytes) if self.total_bytes else 0.0

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)


#: Told how far the download is (on the download's thread).
DownloadSink = Callable[[DownloadProgress], None]


class SpeedMeter:
    """The time left, from the bytes received in this run and the time they took."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._received = 0

    def received(self, count: int) -> None:
        self._received += count

    def seconds_left(self, remaining_bytes: int) -> float | None:
        """None until the speed says something: 3 s in, and a megabyte or a hundredth of
        the rest received (the first kilobytes of a connection are slow: 16 KB in the first
        second of 5 GB said "about 89 hours left")."""
        elapsed = self._clock() - self._start
        enough = min(MB, (remaining_bytes + self._received) // 100)
        if elapsed < 3.0 or self._received <= 0 or self._received < enough:
            return None  # too early to say
        return remaining_bytes / (self._received / elapsed)


def time_left(seconds: float | None) -> str:
    """ "about 2 minutes left", or "" when it is not known yet."""
    if seconds is None:
        return ""
    if seconds < 60:
        count = max(10, round(seconds / 10.0) * 10)
        return ngettext("about {n} second left", "about {n} seconds left", count).format(n=count)
    if seconds < 2 * 3600:
        count = round(seconds / 60.0)
        return ngettext("about {n} minute left", "about {n} minutes left", count).format(n=count)
    count = round(seconds / 3600.0)
    return ngettext("about {n} hour left", "about {n} hours left", count).format(n=count)


def progress_sentence(progress: DownloadProgress) -> str:
    """ "40 percent, about 2 minutes left." (the time only while it is known)."""
    tenths = int(progress.fraction * 10) * 10
    left = time_left(progress.seconds_left) if tenths < 100 else ""
    if left:
        return _("{percent} percent, {time_left}.").format(percent=tenths, time_left=left)
    return _("{percent} percent.").format(percent=tenths)


def amount_sentence(progress: DownloadProgress) -> str:
    """ "120 of 520 MB, about 2 minutes left." for a status line read on request."""
    done = progress.done_bytes // MB
    total = max(1, round(progress.total_bytes / MB))
    # all there (the checksum is checked now): no time left to say
    left = time_left(progress.seconds_left) if progress.done_bytes < progress.total_bytes else ""
    if left:
        return _("{done} of {total} MB, {time_left}.").format(
            done=done, total=total, time_left=left
        )
    return _("{done} of {total} MB.").format(done=done, total=total)


class SpokenTenths:
    """One sentence each time the download passes a new tenth (10%, 20%, ... 100%): never
    more often, never going back; the tenth it starts at (a resumed download) is not said."""

    def __init__(self) -> None:
        self._last: int | None = None

    def sentence(self, progress: DownloadProgress) -> str | None:
        tenth = int(progress.fraction * 10)
        if self._last is None:
            self._last = tenth
            return None
        if tenth <= self._last:
            return None
        self._last = tenth
        return progress_sentence(progress)
