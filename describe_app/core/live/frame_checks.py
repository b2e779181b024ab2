"""Checks that watch the live camera a few times a second, on one thread of their own.

Aiming guidance and hands-free mode look at the preview frames, never on the GUI thread.
:class:`FrameCheckLoop` owns that thread: it takes the newest frame from a callable (the
camera worker's ``latest_frame``), runs each active check when it is due, and hands what
a check found to one callback (on the loop's thread; the Qt layer turns it into a queued
signal). A check is switched on or off at any time with :meth:`FrameCheckLoop.set_check`.

Two checks:

* :class:`GuidanceCheck`: measures the frame, chooses a cue, lets the coach decide whether
  to say it (:mod:`describe_app.core.live.guidance`); the "ready" cue carries the frame to read.
* :class:`HandsFreeCheck`: says when the view has changed and settled
  (:mod:`describe_app.core.live.hands_free`), with the frame to describe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from describe_app.core.live.guidance import (
    Cue,
    GuidanceCoach,
    GuidanceSettings,
    choose_cue,
    look_at_frame,
)
from describe_app.core.live.hands_free import ChangeWatcher, WatchSettings
from describe_app.core.reading.text_finder import RapidTextFinder, TextFinder

log = logging.getLogger(__name__)

GUIDANCE = "guidance"
HANDS_FREE = "hands_free"


class FrameCheck(Protocol):
    @property
    def interval_s(self) -> float: ...

    def check(self, frame: Any) -> object | None:
        """Look at one frame; return something to report, or None."""
        ...


@dataclass(frozen=True)
class CueFound:
    """Guidance: say this cue now (``frame`` is the page to read when the cue is READY)."""

    cue: Cue
    frame: Any = None


@dataclass(frozen=True)
class ViewSettled:
    """Hands-free: the view changed and settled; describe ``frame``."""

    frame: Any
    change: float


@dataclass(frozen=True)
class CheckFailed:
    """A check raised; it has been switched off."""

    name: str
    message: str


class GuidanceCheck:
    """Reading guidance for the live camera (about 4 checks a second)."""

    def __init__(
        self,
        finder: TextFinder | None = None,
        *,
        checks_per_second: float = 4.0,
        settings: GuidanceSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / checks_per_second
        self._finder = finder
        self._settings = settings or GuidanceSettings()
        self.coach = GuidanceCoach(self._settings, clock=clock)
        self._previous: Any = None

    def check(self, frame: Any) -> CueFound | None:
        if self._finder is None:
            finder = RapidTextFinder()
            finder.load()  # on the loop's thread, at the first check
            self._finder = finder
        look, self._previous = look_at_frame(
            frame, self._finder, previous_small=self._previous, settings=self._settings
        )
        cue = self.coach.observe(choose_cue(look, self._settings))
        if cue is None:
            return None
        return CueFound(cue, frame if cue is Cue.READY else None)

    def close(self) -> None:
        """Let go of the text finder (a child process, in the window)."""
        close = getattr(self._finder, "close", None)
        if callable(close):
            close()


class HandsFreeCheck:
    """Hands-free mode for the live camera (10 cheap checks a second)."""

    def __init__(
        self,
        settings: WatchSettings | None = None,
        *,
        checks_per_second: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / checks_per_second
        self.watcher = ChangeWatcher(settings, clock=clock)

    def check(self, frame: Any) -> ViewSettled | None:
        if self.watcher.observe(frame):
            return ViewSettled(frame, self.watcher.last_change)
        return None


class FrameCheckLoop:
    """One thread running the active checks on the newest frame. ``close`` joins it."""

    def __init__(
        self,
        frames: Callable[[], Any],
        on_event: Callable[[object], None],
        *,
        idle_wait_s: float = 0.05,
    ) -> None:
        self._frames = frames
        self._on_event = on_event
        self._idle = idle_wait_s
        self._checks: dict[str, FrameCheck] = {}
        self._due: dict[str, float] = {}
        self._retired: list[FrameCheck] = []  # switched off: closed on the loop's thread
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checks_run = 0
        self.busy_seconds = 0.0  # time spent inside checks (the benchmark's CPU share)

    def set_check(self, name: str, check: FrameCheck | None) -> None:
        """Switch a check on (replacing any of the same name) or off (None)."""
        with self._lock:
            old = self._checks.pop(name, None)
            self._due.pop(name, None)
            if old is not None:
                self._retired.append(old)
            if check is not None:
                self._checks[name] = check
                self._due[name] = time.monotonic()
            if self._checks and self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="frame-checks")
                self._thread.start()
        self._wake.set()

    def is_on(self, name: str) -> bool:
        with self._lock:
            return name in self._checks

    def close(self, timeout: float = 1.0) -> bool:
        """Stop the thread (a check in progress finishes first) and close every check;
        True if the thread ended in time."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)
            if thread.is_alive():
                return False  # it still uses its checks: the thread closes them as it ends
        self._close_all()
        return True

    def _close_all(self) -> None:
        with self._lock:
            self._retired += self._checks.values()
            self._checks.clear()
        self._close_retired()

    def _close_retired(self) -> None:
        with self._lock:
            retired, self._retired = self._retired, []
        for check in retired:
            close = getattr(check, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    log.exception("closing a frame check failed")

    def _run(self) -> None:
        try:
            self._check_frames()
        finally:  # also the checks close() could not close, a check being still busy then
            if self._stop.is_set():
                self._close_all()

    def _check_frames(self) -> None:
        while not self._stop.is_set():
            self._close_retired()
            with self._lock:
                checks = dict(self._checks)
                due = dict(self._due)
            if not checks:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            now = time.monotonic()
            name = min(due, key=lambda n: due[n])
            if due[name] > now:
                self._wake.wait(min(due[name] - now, 1.0))
                self._wake.clear()
                continue
            with self._lock:
                if self._checks.get(name) is checks[name]:
                    self._due[name] = max(due[name] + checks[name].interval_s, now)
            frame = self._frames()
            if frame is None:
                self._stop.wait(self._idle)
                continue
            self._run_check(name, checks[name], frame)

    def _run_check(self, name: str, check: FrameCheck, frame: Any) -> None:
        start = time.perf_counter()
        try:
            event = check.check(frame)
        except Exception as exc:
            if self._stop.is_set():  # closed under it (a child process ended): not a failure
                log.info("the %s check ended with the loop: %r", name, exc)
                return
            log.exception("the %s check failed", name)
            with self._lock:
                if self._checks.get(name) is check:
                    del self._checks[name]
                    self._due.pop(name, None)
            self._on_event(CheckFailed(name, str(exc) or type(exc).__name__))
            return
        finally:
            self.busy_seconds += time.perf_counter() - start
            self.checks_run += 1
        with self._lock:
            still_on = self._checks.get(name) is check
        if event is not None and still_on and not self._stop.is_set():
            self._on_event(event)
