"""What ``bench_window.py`` measures the window with, in the process that runs it.

* :class:`Heartbeat`: a 5 ms timer on the GUI thread; every gap between its beats, by phase
  (the GUI's stalls).
* :class:`WindowProbe` and :class:`Press`: one key press followed through the window's
  worker events, its result view's first paint of the first sentence, and the player's
  report of that sentence's first sample leaving the sound card (:func:`first_audio`).
* :func:`wait_until`: the event loop runs (the window and the heartbeat live) until a
  condition holds.
* CPU counters: this process's cores while something runs, and other processes' cores
  meanwhile (the machine is shared).
* :func:`audio_sink`: a private PulseAudio null sink for the user's voice.

``bench_screen_keys.py`` measures its global keys with the same probe.
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import bench_engine

#: References to True held for the run. PySide6 6.12.0 on Python 3.11: every
#: ``Signal.emit()`` gives back a reference to True that it never took, and the process
#: aborts ("Fatal Python error: bool_dealloc") once True's count reaches zero - after a few
#: minutes of the window (Python 3.12 and later have an immortal True: harmless there).
_TRUE_BALLAST: list[bool] = []
STALL_TARGET_MS = 50.0
HEARTBEAT_MS = 5


@dataclass
class Heartbeat:
    """Gaps between beats of a 5 ms timer on the GUI thread, by phase."""

    phase: str = "startup"
    gaps: dict[str, list[float]] = field(default_factory=dict)
    ends: dict[str, list[float]] = field(default_factory=dict)  # when each gap ended
    last: float = 0.0
    origin: float = 0.0  # times in the summary are seconds after this (the window shown)
    timer: Any = None
    watching: bool = False
    stacks: list[dict[str, Any]] = field(default_factory=list)  # see watch_stalls

    def start(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self.beat)
        self.last = time.perf_counter()
        self.timer.start()

    def beat(self) -> None:
        now = time.perf_counter()
        self.gaps.setdefault(self.phase, []).append(now - self.last)
        self.ends.setdefault(self.phase, []).append(now)
        self.last = now

    def set_phase(self, phase: str) -> None:
        self.beat()  # the gap so far belongs to the phase that ends
        self.phase = phase

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.watching = False

    def watch_stalls(self, late_ms: float = 25.0) -> None:
        """Sample the GUI thread's Python stack every 2 ms while a beat is over ``late_ms``
        late (in ``stacks``; from a thread of this process, which runs once the GUI thread
        lets go of the interpreter lock: a stall in C code shows the line that called it)."""
        import sys
        import threading
        import traceback

        gui = threading.get_ident()
        self.watching = True

        def watch() -> None:
            while self.watching:
                time.sleep(0.002)
                last = self.last
                late = time.perf_counter() - last
                if late > late_ms / 1000:
                    frame = sys._current_frames().get(gui)
                    stack = traceback.format_stack(frame, limit=12) if frame else []
                    self.stacks.append(
                        {
                            "phase": self.phase,
                            "began_s": last - self.origin,
                            "late_ms": late * 1000,
                            "stack": [line.strip() for line in stack],
                        }
                    )

        threading.Thread(target=watch, name="stall-watch", daemon=True).start()

    def summary(self) -> dict[str, dict[str, Any]]:
        out = {}
        for phase, gaps in self.gaps.items():
            ms = sorted(g * 1000 for g in gaps)
            timed = sorted(zip(gaps, self.ends[phase], strict=True), reverse=True)[:5]
            out[phase] = {
                "worst_5": [
                    {"ms": round(g * 1000, 1), "began_s": round(end - g - self.origin, 3)}
                    for g, end in timed
                ],
                "beats": len(ms),
                "worst_ms": ms[-1],
                "p99_ms": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
                "median_ms": statistics.median(ms),
                "over_50ms": sum(1 for g in ms if g > STALL_TARGET_MS),
                "seconds": sum(ms) / 1000,
            }
        return out


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the event loop (so the window and the heartbeat live) until ``condition``."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout
    poll = QTimer()
    poll.setInterval(5)

    def check() -> None:
        if condition() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError(f"waited {timeout:.0f} s for {what}")


@dataclass
class Press:
    """What one Space press led to, in perf_counter seconds."""

    pressed: float
    started: float | None = None  # the worker's Started event reached the GUI
    job_id: int | None = None  # the press's job (not a part explored in the background)
    sentence: float | None = None  # the first sentence reached the GUI (and speech.say)
    painted: float | None = None  # the result view painted it
    finished: float | None = None
    first_sentence_text: str = ""
    new_tokens: int = 0
    engine_timings: dict[str, float] = field(default_factory=dict)


class WindowProbe:
    """Watches the window's worker events, its result view's paints and the player."""

    def __init__(self, window: Any, player: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        from describe_app.qt.model_bridge import ModelBridge

        self.window = window
        self.player = player
        self.bridge = window.findChild(ModelBridge)
        self.ready_at: float | None = None
        self.load_seconds: float | None = None
        self.load_failed = ""
        self.press: Press | None = None
        self.finished_jobs: list[float] = []
        self.bridge.worker_event.connect(self._on_event)
        window.controller.sentence_ready.connect(self._on_sentence)
        paint = QEvent.Type.Paint
        probe = self

        class PaintWatch(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                press = probe.press
                if (
                    event.type() == paint
                    and press is not None
                    and press.sentence is not None
                    and press.painted is None
                ):
                    press.painted = time.perf_counter()
                return False

        self._watch = PaintWatch(window)
        window.result.viewport().installEventFilter(self._watch)

    def _on_event(self, event: Any) -> None:
        from describe_app.core.describe.worker import Finished, LoadFailed, Ready, Started
        from describe_app.core.describe.worker_events import in_background

        now = time.perf_counter()
        if isinstance(event, Finished):
            self.finished_jobs.append(now)
        if isinstance(event, Ready):
            self.ready_at, self.load_seconds = now, event.load_seconds
        elif isinstance(event, LoadFailed):
            self.load_failed = event.message
        elif self.press is not None and isinstance(event, Started):
            if self.press.started is None and not in_background(event.job):
                self.press.started, self.press.job_id = now, event.job_id
        elif (
            self.press is not None
            and isinstance(event, Finished)
            and event.job_id == self.press.job_id
        ):
            self.press.finished = now
            self.press.new_tokens = event.result.new_tokens
            self.press.engine_timings = dict(event.result.timings)

    def _on_sentence(self, sentence: str) -> None:
        press = self.press
        if press is not None and press.sentence is None:
            press.sentence = time.perf_counter()
            press.first_sentence_text = sentence
            self.window.result.viewport().update()

    def audio_reports(self, since: float) -> list[Any]:
        if self.player is None:
            return []
        return [r for r in list(self.player.reports) if r.queued_at >= since]


def first_audio(probe: WindowProbe, press: Press) -> Any:
    for report in probe.audio_reports(press.pressed):
        if not report.label.startswith("earcon:") and report.first_sample_at is not None:
            return report
    return None


def hold_true(emits: int = 5_000_000) -> None:
    """Enough references to True for ``emits`` signal emissions (see _TRUE_BALLAST)."""
    if sys.version_info < (3, 12) and not _TRUE_BALLAST:
        _TRUE_BALLAST.extend([True] * emits)


def process_cores(run: Callable[[], None]) -> float:
    """CPU cores this process (all its threads) used while ``run`` ran."""
    usage0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    run()
    usage1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    return cpu / (wall1 - wall0)


def cpu_now() -> tuple[float, int, float]:
    """(CPU seconds of this process and its ended children, machine busy jiffies, now).

    The window's model process counts as ours once it has ended (at shutdown)."""
    ours = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        ours += usage.ru_utime + usage.ru_stime
    busy, _ = bench_engine.cpu_jiffies()
    return ours, busy, time.perf_counter()


def others_cores(start: tuple[float, int, float]) -> float:
    """CPU cores used by other processes meanwhile (the machine is shared)."""
    ours0, busy0, wall0 = start
    ours1, busy1, wall1 = cpu_now()
    machine = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
    return max(0.0, (machine - (ours1 - ours0)) / (wall1 - wall0))


@contextlib.contextmanager
def audio_sink(wanted: bool) -> Iterator[str | None]:
    """A private PulseAudio null sink (as in the speech tests), or None with the reason."""
    if not wanted:
        yield None
        return
    from tests.speech_fixtures import PulseNullSink

    try:
        sink = PulseNullSink().__enter__()
    except Exception as exc:  # not installed, or it would not start
        print(f"no audio: {exc}; measuring the hand-off to speech only", flush=True)
        yield None
        return
    try:
        yield "PulseAudio null sink (private server)"
    finally:
        sink.__exit__(None, None, None)


def median_of(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None
