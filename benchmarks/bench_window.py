"""Benchmark the window: launch, GUI stalls, keypress to first sentence on screen and in the ear.

    python benchmarks/bench_window.py [--rounds 3] [--launches 5] [--isa avx2] [--model-dir DIR]

Uses the full-size random-weight SmolVLM-256M of ``bench_engine.py`` (built once, cached)
and measures, on this machine:

1. **Launch to window ready**: ``describe-app window`` in a fresh process (the real
   ``cli.main`` and ``run_window``), from just before the process is started to the first
   turn of the window's event loop after ``show()``, when it takes keys. ``--launches`` runs.
2. **The engine alone** (``bench_engine.py``'s "app" configuration, in its own process, in
   this same run): its "first sentence" is the 12th new token after the request.
3. **The window**, driven in this process on Qt's offscreen platform through the real
   ``run_window``: a 640x480 video file as the camera, the model loading in the background,
   and the user's voice started as the app starts it (own voice into a private PulseAudio
   null sink; without PulseAudio, only the hand-off to speech is measured). A 5 ms
   heartbeat timer on the GUI thread records every gap while the model loads and while it
   generates. Each Space press (``QTest.keyClick``) is timed to the first paint of the
   result view that shows the first sentence, and to the first sample of that sentence
   leaving the (null) sound card, on the player's clock (the benchmark hands the window's
   speech starter its own player to read that clock). The window writes at most
   ``--max-tokens`` tokens (default 12, the engine benchmark's first sentence): random
   weights never end a sentence, so the first sentence is what the splitter hands out when
   generation stops. The first press is cold; the table shows the median of the others.
   ``--no-camera``: no camera; Space describes an opened photo (shows what the preview
   costs the model). With the camera, the presses are issue 14's three cases, measured
   apart (``window_cases.py``, ``--rounds`` of each): **settled** (the view was prepared in
   the background before Space), **follow-up** (a question about that picture, its
   features reused) and **fresh** (the view changed just before Space: the full path),
   with the ratio settled / fresh and the background CPU per view change and per minute of
   a still view (``--hold``).

``--isa avx2`` emulates an AVX2-only laptop (benchmarks/machine.py); the machine line says
which CPU flags and kernels the figures come from.

Targets (issue 4): window ready under 1.5 s; worst GUI stall under 50 ms; first audio
within 0.5 s of the engine's own first sentence. Prints a table and writes
benchmarks/results/bench_window.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402
import window_cases  # noqa: E402
from machine import add_isa_argument, apply_isa, stamp  # noqa: E402
from PIL import Image  # noqa: E402

RESULTS = HERE / "results"
#: References to True held for the run. PySide6 6.12.0 on Python 3.11: every
#: ``Signal.emit()`` gives back a reference to True that it never took, and the process
#: aborts ("Fatal Python error: bool_dealloc") once True's count reaches zero - after a few
#: minutes of the window (Python 3.12 and later have an immortal True: harmless there).
_TRUE_BALLAST: list[bool] = []
READY_TARGET_S = 1.5
STALL_TARGET_MS = 50.0
AUDIO_MARGIN_TARGET_S = 0.5
HEARTBEAT_MS = 5

#: Starts the window the way ``describe-app window`` does and prints the wall-clock time
#: of the first event-loop turn after show() (the timer is queued before run_window's own).
LAUNCH_DRIVER = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])

def ready():
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    heavy = [m for m in ("torch", "transformers") if m in sys.modules]
    print("READY", repr(time.time()), len(shown), ",".join(heavy) or "-", flush=True)
    for w in shown:
        w.close()

QTimer.singleShot(0, ready)
from describe_app.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


# --- 1. launch -------------------------------------------------------------------------------


def measure_launches(model_dir: Path, runs: int, env: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for _ in range(runs):
        cmd = [sys.executable, "-c", LAUNCH_DRIVER, "window", "--camera", "none"]
        cmd += ["--model", str(model_dir)]
        spawned = time.time()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        ready = [line for line in proc.stdout.splitlines() if line.startswith("READY ")]
        if proc.returncode != 0 or not ready:
            raise SystemExit(f"the window did not start:\n{proc.stdout}\n{proc.stderr[-3000:]}")
        _, at, shown, heavy = ready[0].split()
        rows.append(
            {
                "ready_s": float(at) - spawned,
                "windows_shown": int(shown),
                "heavy_modules_at_ready": [] if heavy == "-" else heavy.split(","),
                "exit_s": time.time() - spawned,
            }
        )
    return rows


# --- 3. the window ---------------------------------------------------------------------------


def make_video(path: Path, frames: int = 60) -> Path:
    """A 640x480 camera at 30 fps: the engine benchmark's photo, panning slowly."""
    import cv2
    import numpy as np

    frame = bench_engine.camera_frame()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    for shift in range(frames):
        writer.write(np.ascontiguousarray(np.roll(frame, shift, axis=1)))
    writer.release()
    return path


@dataclass
class Heartbeat:
    """Gaps between beats of a 5 ms timer on the GUI thread, by phase."""

    phase: str = "startup"
    gaps: dict[str, list[float]] = field(default_factory=dict)
    ends: dict[str, list[float]] = field(default_factory=dict)  # when each gap ended
    last: float = 0.0
    origin: float = 0.0  # times in the summary are seconds after this (the window shown)
    timer: Any = None

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

        now = time.perf_counter()
        if isinstance(event, Finished):
            self.finished_jobs.append(now)
        if isinstance(event, Ready):
            self.ready_at, self.load_seconds = now, event.load_seconds
        elif isinstance(event, LoadFailed):
            self.load_failed = event.message
        elif self.press is not None and isinstance(event, Started):
            self.press.started = now
        elif self.press is not None and isinstance(event, Finished):
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


def hold_true(emits: int = 5_000_000) -> None:
    """Enough references to True for ``emits`` signal emissions (see _TRUE_BALLAST)."""
    if sys.version_info < (3, 12) and not _TRUE_BALLAST:
        _TRUE_BALLAST.extend([True] * emits)


def run_window_bench(
    model_dir: Path,
    video: Path | None,
    presses: int,
    max_tokens: int,
    audio: bool,
    work: Path,
    *,
    rounds: int = 0,
    hold_s: float = 20.0,
) -> dict[str, Any]:
    """Drive the real ``run_window`` in this process; see the module docstring. With a
    camera and ``rounds``, the three cases of window_cases.py instead of plain presses."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    hold_true()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import describe_app.core.speech as speech_api
    from describe_app.cli import build_parser
    from describe_app.qt.app import run_window
    from describe_app.qt.main_window import MainWindow
    from describe_app.qt.quiet_speech import QuietSpeech

    player = None
    if audio:
        from describe_app.core.speech.player import SoundDevicePlayer

        player = SoundDevicePlayer()
        # The window's speech starter builds its voice with this player, so that the
        # benchmark can read the player's own clock (there is no hook for it in the app).
        speech_api.default_player = lambda: player

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    beat = Heartbeat()
    beat.start()
    out: dict[str, Any] = {"presses": []}
    failure: list[BaseException] = []
    cpu0 = _cpu_now()

    def drive() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        try:
            _drive(windows[0])
        except BaseException as exc:
            failure.append(exc)
        finally:
            beat.set_phase("closing")
            for window in windows:
                window.close()

    def _drive(window: Any) -> None:
        shown = beat.origin = time.perf_counter()
        beat.set_phase("load")  # run_window queues the model and the voice to start now
        probe = WindowProbe(window, player)
        window.activateWindow()  # window shortcuts fire only in the active window
        wait_until(lambda: QApplication.activeWindow() is window, 5, "the window to activate")
        wait_until(lambda: probe.ready_at is not None or bool(probe.load_failed), 600, "the model")
        if probe.load_failed:
            raise RuntimeError(probe.load_failed)
        assert probe.ready_at is not None
        out["load"] = {
            "worker_load_s": probe.load_seconds,
            "shown_to_ready_s": probe.ready_at - shown,
        }
        beat.set_phase("idle")
        wait_until(
            lambda: not isinstance(window.announcer.speech, QuietSpeech) or not audio,
            30,
            "the voice to start",
        )
        speech = window.announcer.speech
        out["speech"] = type(speech).__name__
        camera = window.controller.camera
        if camera is not None:
            wait_until(lambda: camera.latest_frame() is not None, 10, "a camera frame")
        else:  # no camera: Space describes the open photo; open it (not measured)
            photo = work / "photo.png"
            Image.fromarray(bench_engine.camera_frame()[:, :, ::-1].copy()).save(photo)
            done = len(probe.finished_jobs)
            window.describe_files([str(photo)])
            wait_until(lambda: len(probe.finished_jobs) > done, 300, "the photo")
            wait_until(lambda: player is None or not player.pending(), 60, "speech to end")
        if camera is not None and rounds:
            beat.set_phase("generate cases")

            def press(key: Callable[[], None] | None) -> dict[str, Any]:
                wait_until(lambda: player is None or not player.pending(), 30, "speech to end")
                return press_key(window, probe, player, key)

            out["cases"] = window_cases.run_cases(window, rounds, press, wait_until, hold_s)
            beat.set_phase("idle after cases")
            presses = 0
        for i in range(presses):
            wait_until(lambda: player is None or not player.pending(), 30, "speech to end")
            idle_cores = _process_cores(lambda: _sleep(1.0))  # the camera preview, if any
            window.result.setFocus()
            beat.set_phase(f"generate {i + 1}")
            row = {"press": i + 1, "idle_cpu_cores_before": idle_cores}
            out["presses"].append({**row, **press_key(window, probe, player)})
            beat.set_phase(f"idle after {i + 1}")
        out["route_own_voice"] = player is not None and bool(player.reports)

    QTimer.singleShot(0, drive)
    status = run_window(build_parser().parse_args(_window_args(model_dir, video, max_tokens)))
    beat.stop()
    out["exit_status"] = status
    out["stalls"] = beat.summary()
    out["others_cpu_cores"] = _others_cores(cpu0)
    if player is not None:
        out["audio_device"] = player.device_name
        out["audio_device_latency_ms"] = player.output_latency * 1000
    if failure:
        raise RuntimeError(f"the window benchmark failed: {failure[0]!r}") from failure[0]
    return out


def press_key(
    window: Any, probe: WindowProbe, player: Any, key: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Press Space once (or ``key``); wait for the answer and its first audio; the timings."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    press = probe.press = Press(time.perf_counter())
    if key is None:
        QTest.keyClick(window.result, Qt.Key.Key_Space)
    else:
        key()
    wait_until(lambda: press.started is not None, 5, "Space to start a description")
    wait_until(lambda: press.finished is not None, 300, "the description")
    wait_until(lambda: press.painted is not None, 5, "the first sentence's paint")
    probe.press = None
    assert press.started is not None and press.sentence is not None
    assert press.painted is not None and press.finished is not None
    row: dict[str, Any] = {
        "to_started_s": press.started - press.pressed,
        "to_sentence_in_gui_s": press.sentence - press.pressed,
        "to_sentence_on_screen_s": press.painted - press.pressed,
        "to_finished_s": press.finished - press.pressed,
        "new_tokens": press.new_tokens,
        "first_sentence_chars": len(press.first_sentence_text),
        "engine_first_sentence_s": press.engine_timings.get("first_sentence"),
        "vision_s": press.engine_timings.get("vision"),  # None: the encoder did not run
    }
    if player is None:
        return row
    wait_until(lambda: _first_audio(probe, press) is not None, 15, "the first sentence's audio")
    spoken = _first_audio(probe, press)
    row["to_first_audio_s"] = spoken.first_sample_at - press.pressed
    row["sentence_to_audio_s"] = spoken.first_sample_at - press.sentence
    row["sentence_to_speech_queue_s"] = spoken.queued_at - press.sentence
    earcons = [r for r in probe.audio_reports(press.pressed) if r.label.startswith("earcon:")]
    if earcons and earcons[0].first_sample_at is not None:
        row["to_earcon_audio_s"] = earcons[0].first_sample_at - press.pressed
    wait_until(lambda: not player.pending(), 60, "speech to end")
    return row


def _window_args(model_dir: Path, video: Path | None, max_tokens: int) -> list[str]:
    return [
        "window",
        "--camera",
        "none" if video is None else str(video),
        "--model",
        str(model_dir),
        "--max-tokens",
        str(max_tokens),
    ]


def _first_audio(probe: WindowProbe, press: Press) -> Any:
    for report in probe.audio_reports(press.pressed):
        if not report.label.startswith("earcon:") and report.first_sample_at is not None:
            return report
    return None


def _process_cores(run: Callable[[], None]) -> float:
    """CPU cores this process (all its threads) used while ``run`` ran."""
    usage0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    run()
    usage1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    return cpu / (wall1 - wall0)


def _sleep(seconds: float) -> None:
    end = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() >= end, seconds + 1, "a pause")


def _cpu_now() -> tuple[float, int, float]:
    """(CPU seconds of this process and its ended children, machine busy jiffies, now).

    The window's model process counts as ours once it has ended (at shutdown)."""
    ours = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        ours += usage.ru_utime + usage.ru_stime
    busy, _ = bench_engine.cpu_jiffies()
    return ours, busy, time.perf_counter()


def _others_cores(start: tuple[float, int, float]) -> float:
    """CPU cores used by other processes meanwhile (the machine is shared)."""
    ours0, busy0, wall0 = start
    ours1, busy1, wall1 = _cpu_now()
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


# --- report ----------------------------------------------------------------------------------


def _median(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def report(results: dict[str, Any]) -> bool:
    launches = results["launches"]
    engine = results["engine"]
    window = results["window"]
    cases = window.get("cases")
    presses = window["presses"] or cases["rows"]["fresh"]  # fresh: the full path
    warm = presses[1:] or presses
    ready = [r["ready_s"] for r in launches]
    stalls = window["stalls"]
    load_stall = stalls.get("load", {}).get("worst_ms", float("nan"))
    gen_phases = [v for k, v in stalls.items() if k.startswith("generate")]
    gen_stall = max((v["worst_ms"] for v in gen_phases), default=float("nan"))
    all_stall = max(v["worst_ms"] for k, v in stalls.items() if k not in ("startup", "closing"))
    engine_first = engine["first_sentence"]
    first_audio = _median(warm, "to_first_audio_s")
    on_screen = _median(warm, "to_sentence_on_screen_s")
    audio_ok = first_audio is not None and first_audio <= engine_first + AUDIO_MARGIN_TARGET_S
    checks = {
        "window_ready": max(ready) < READY_TARGET_S,
        "worst_stall": all_stall < STALL_TARGET_MS,
        "first_audio": audio_ok,
    }

    def fmt(value: float | None, spec: str = "{:.3f}") -> str:
        return "n/a" if value is None else spec.format(value)

    lines = [
        ("launch -> window ready (s), median", fmt(statistics.median(ready)), ""),
        ("launch -> window ready (s), worst", fmt(max(ready)), f"< {READY_TARGET_S}"),
        ("model load in the window (s)", fmt(window["load"]["worker_load_s"], "{:.2f}"), ""),
        ("GUI worst stall, model loading (ms)", fmt(load_stall, "{:.1f}"), ""),
        ("GUI worst stall, generating (ms)", fmt(gen_stall, "{:.1f}"), ""),
        ("GUI worst stall, all phases (ms)", fmt(all_stall, "{:.1f}"), f"< {STALL_TARGET_MS:.0f}"),
        ("engine alone: first sentence (s)", fmt(engine_first), ""),
        ("engine alone: first sentence, cold (s)", fmt(engine["first_sentence_cold"]), ""),
        ("Space -> job started (s)", fmt(_median(warm, "to_started_s")), ""),
        ("Space -> earcon audio (s)", fmt(_median(warm, "to_earcon_audio_s")), ""),
        ("engine in window: first sentence (s)", fmt(_median(warm, "engine_first_sentence_s")), ""),
        ("Space -> first sentence on screen (s)", fmt(on_screen), ""),
        ("Space -> first sentence, cold press (s)", fmt(presses[0]["to_sentence_on_screen_s"]), ""),
        ("sentence -> speech queue (s)", fmt(_median(warm, "sentence_to_speech_queue_s")), ""),
        ("sentence -> first audio (s)", fmt(_median(warm, "sentence_to_audio_s")), ""),
        (
            "Space -> first audio (s)",
            fmt(first_audio),
            f"<= {engine_first + AUDIO_MARGIN_TARGET_S:.3f}",
        ),
        ("Space -> first audio, cold press (s)", fmt(presses[0].get("to_first_audio_s")), ""),
        ("tokens per press", fmt(_median(presses, "new_tokens"), "{:.0f}"), ""),
        (
            "window idle CPU (cores)",
            fmt(_median(presses, "idle_cpu_cores_before"), "{:.2f}"),
            "",
        ),
        ("other processes (cores)", fmt(window["others_cpu_cores"], "{:.2f}"), ""),
    ]
    if cases is not None:
        lines += window_cases.table_lines(cases)
        results["cases_summary"] = window_cases.summary(cases)
    print()
    print(f"{'':42s}{'value':>10s}{'target':>12s}")
    for label, value, target in lines:
        print(f"{label:42s}{value:>10s}{target:>12s}")
    print()
    print(
        "targets: "
        + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in checks.items())
        + f"; audio: {results['audio_path'] or 'none (hand-off to speech only)'}"
    )
    busy = max(window["others_cpu_cores"], results["engine_raw"]["others_cpu_cores"])
    if busy > 0.3:
        print(
            f"WARNING: other processes used {busy:.2f} cores meanwhile (of {os.cpu_count()}); "
            "the times are not representative, run again on a quiet machine"
        )
    results["checks"] = checks
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--presses", type=int, default=5, help="Space presses without a camera (first is cold)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="with a camera: settled, follow-up, fresh presses"
    )
    parser.add_argument(
        "--hold", type=float, default=20.0, help="seconds a prepared view is held still after"
    )
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--engine-runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=bench_engine.SENTENCE_TOKENS)
    parser.add_argument("--model-dir", type=Path, default=bench_engine.DEFAULT_MODEL_DIR)
    parser.add_argument("--no-audio", action="store_true", help="do not start a null sink")
    parser.add_argument(
        "--no-camera", action="store_true", help="no camera: Space describes an opened photo"
    )
    add_isa_argument(parser)
    args = parser.parse_args()
    apply_isa(args.isa)  # before torch: the window's model process inherits it

    if not (args.model_dir / "config.json").is_file():
        from describe_app.devtools.random_smolvlm import SMOLVLM_256M, build_model

        print(f"Building the random-weight SmolVLM-256M in {args.model_dir} ...", flush=True)
        build_model(args.model_dir, SMOLVLM_256M, dtype="bfloat16")

    # Never the user's settings, history or model cache.
    sandbox = Path(tempfile.mkdtemp(prefix="describe-bench-window-"))
    os.environ["DESCRIBE_CONFIG_DIR"] = str(sandbox / "config")
    os.environ["DESCRIBE_DATA_DIR"] = str(sandbox / "data")
    os.environ["HF_HOME"] = str(sandbox / "hf-home")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    print(f"Engine alone ({args.engine_runs} requests) ...", flush=True)
    engine_raw = bench_engine.run_worker("app", args.model_dir, args.engine_runs)
    engine = bench_engine.summarize(engine_raw)
    print(f"Launching the window {args.launches} times ...", flush=True)
    launches = measure_launches(args.model_dir, args.launches, env)
    video = None if args.no_camera else make_video(sandbox / "camera.avi")
    presses = (
        f"{args.presses} Space presses"
        if video is None or not args.rounds
        else f"{args.rounds} rounds of settled, follow-up and fresh"
    )
    print(f"The window: model load, then {presses} ...", flush=True)
    with audio_sink(not args.no_audio) as audio_path:
        window = run_window_bench(
            args.model_dir,
            video,
            args.presses,
            args.max_tokens,
            audio_path is not None,
            sandbox,
            rounds=args.rounds,
            hold_s=args.hold,
        )
    shutil.rmtree(sandbox, ignore_errors=True)
    results: dict[str, Any] = {
        "launches": launches,
        "engine": engine,
        "engine_raw": engine_raw,
        "window": window,
        "audio_path": audio_path,
        "max_tokens": args.max_tokens,
        "camera": "none (an opened photo)" if video is None else "640x480 video file, 30 fps",
        "targets": {
            "window_ready_s": READY_TARGET_S,
            "worst_stall_ms": STALL_TARGET_MS,
            "first_audio_after_engine_first_sentence_s": AUDIO_MARGIN_TARGET_S,
        },
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
    }
    results["isa"] = args.isa
    report(results)
    results["machine"].update(stamp({})["machine"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / (
        "bench_window.json" if args.isa == "native" else f"bench_window_{args.isa}.json"
    )
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
