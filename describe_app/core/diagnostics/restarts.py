"""Starting a child process again after it died, within limits (the model, the text finder).

The out-of-memory killer or a crash in a native library can end a child process at any
moment. It is started again after a short wait that grows with each crash (backoff), at
most :data:`RESTARTS_PER_WINDOW` times within :data:`WINDOW_S` seconds: one more crash in that
time and it stays stopped, because something is wrong that a restart does not mend, and
the user is told where the log is. Once a whole window has passed without a crash, a new
request may try again. A loose module, so that the model (``describe``) and the text
finder (``reading``) share it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

RESTARTS_PER_WINDOW = 3
WINDOW_S = 60.0
#: The wait before the first, second and third restart within a window, in seconds.
BACKOFF_S = (0.25, 1.0, 2.0)


class RestartBudget:
    """Counts the crashes of one child process and says whether (and when) to restart it."""

    def __init__(
        self,
        *,
        limit: int = RESTARTS_PER_WINDOW,
        window_s: float = WINDOW_S,
        backoff_s: tuple[float, ...] = BACKOFF_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._backoff_s = backoff_s
        self._clock = clock
        self._crashes: list[float] = []

    def crashed(self) -> float | None:
        """Count a crash now: the seconds to wait before starting again, or None when it
        has crashed too often within the window and must stay stopped."""
        now = self._clock()
        self._crashes = [t for t in self._crashes if now - t < self._window_s] + [now]
        if len(self._crashes) > self._limit:
            return None
        return self._backoff_s[min(len(self._crashes), len(self._backoff_s)) - 1]

    def may_try_again(self) -> bool:
        """After it stayed stopped: True once a whole window has passed without a crash."""
        now = self._clock()
        return all(now - t >= self._window_s for t in self._crashes)


def log_folder() -> Path:
    """Where Describe's log files are (the user log folder, as ``platformdirs`` says)."""
    import platformdirs

    from describe_app.core.folders import APP_NAME

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
