"""Reading guidance and hands-free mode in the window: checks a second, CPU share, stalls, cues.

    python benchmarks/bench_live_modes.py [--seconds 20]

Drives the real :class:`MainWindow` on Qt's offscreen platform, with the real camera
worker reading a 640x480 stand-in camera at 20 frames a second (a photo with a printed
page, :mod:`tests.camera_scenes`), the preview running, and the real frame-check loop
(:mod:`describe_app.core.live.frame_checks`) with the OCR's text detector. Speech is a recorder
(the time each cue is handed to speech is what is measured); the model is not loaded
(descriptions are the engine benchmark's business).

For each of: preview only, guidance on, hands-free on, it measures over ``--seconds``:
the CPU use (cores) of the process and of the text detector's child process, the checks
run a second, the share of one core spent inside the checks (waiting for the detector
included), and the worst gap of a 5 ms GUI heartbeat timer, from the moment the mode is
switched on (so the detector's start counts). For guidance it also
measures cue latency: the scene switches between "page cut off on the left" and "page cut
off on the right" every 4 s (longer than the coach's 1.5 s between two cues), and the time
from the switch to the next cue handed to speech is recorded (that cue is often "Hold
still." first: the view just moved).

Targets (issue 7): at least 4 checks a second, under half of one core, cue latency under
300 ms. Prints a table and writes benchmarks/results/bench_live_modes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from describe_app.core.history.store import History  # noqa: E402
from describe_app.core.live.frame_checks import GUIDANCE, HANDS_FREE  # noqa: E402
from describe_app.qt.camera_source import CameraSource  # noqa: E402
from describe_app.qt.camera_worker import CameraWorker  # noqa: E402
from describe_app.qt.main_window import MainWindow  # noqa: E402
from describe_app.qt.model_bridge import ModelBridge  # noqa: E402
from tests.camera_scenes import SceneCapture, background, page_scene  # noqa: E402
from tests.qt_fixtures import FakeSpeech, Heartbeat  # noqa: E402

RESULTS = HERE / "results"


class TimedSpeech(FakeSpeech):
    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[float, str]] = []

    def say(self, text: str, *, interrupt: bool = False) -> None:
        super().say(text, interrupt=interrupt)
        self.times.append((time.perf_counter(), text))


def _never_loaded() -> Any:
    raise RuntimeError("not used")


def run_phase(
    app: QApplication,
    window: MainWindow,
    capture: SceneCapture,
    speech: TimedSpeech,
    mode: str | None,
    seconds: float,
) -> dict[str, Any]:
    loop = window.live_modes.loop
    capture.scene = background()  # no page yet (a page in view would be read at once)
    heartbeat = Heartbeat()  # from the switch on: the text detector's start is included
    heartbeat.start()
    if mode == GUIDANCE:
        window.live_modes.toggle_guidance()
    elif mode == HANDS_FREE:
        window.live_modes.toggle_hands_free()
    _pump(app, 1.5)  # the text detector loads (in its own process) at the first check
    runs0, busy0 = loop.checks_run, loop.busy_seconds
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    latencies: list[float] = []
    scenes = [page_scene(-200, 130), page_scene(420, 130)]
    end = time.perf_counter() + seconds
    switch = 0
    while time.perf_counter() < end:
        if mode == GUIDANCE:
            capture.scene = scenes[switch % 2]
            switch += 1
            at = time.perf_counter()
            said_before = len(speech.times)
            _pump(app, 4.0)  # past the coach's 1.5 s between cues
            after = [t for t, _text in speech.times[said_before:] if t >= at]
            if after:
                latencies.append(after[0] - at)
        elif mode == HANDS_FREE:
            capture.scene = background() if switch % 2 else page_scene()
            switch += 1
            _pump(app, 2.0)
        else:
            _pump(app, 2.0)
    worst_stall_ms = heartbeat.worst_ms()
    wall = time.perf_counter() - wall0
    result = {
        "mode": mode or "preview only",
        "cores": (_cpu_seconds() - cpu0) / wall,
        "checks_per_s": (loop.checks_run - runs0) / wall,
        "check_core_share": (loop.busy_seconds - busy0) / wall,
        "worst_stall_ms": worst_stall_ms,
        "cue_latency_ms": [round(x * 1000, 1) for x in latencies],
    }
    window.live_modes.switch_off_all()
    _pump(app, 0.3)
    return result


def _cpu_seconds() -> float:
    """CPU time of this process and of its live child processes (the text detector's)."""
    import multiprocessing

    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def _pump(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    import tempfile

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    capture = SceneCapture(page_scene(110, 130))
    camera = CameraWorker(CameraSource("bench", label="bench"), opener=lambda _s: capture)
    speech = TimedSpeech()
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(
            ModelBridge(_never_loaded),
            speech,
            camera=camera,
            history=History(Path(tmp) / "history", persist=False),
            settings_file=Path(tmp) / "settings.json",
        )
        window.show()
        camera.start()
        _pump(app, 1.0)
        rows = [
            run_phase(app, window, capture, speech, mode, args.seconds)
            for mode in (None, GUIDANCE, HANDS_FREE)
        ]
        window.close()
        window.deleteLater()
        _pump(app, 0.3)
        del window, camera

    print(f"{'mode':<14} {'cores':>6} {'checks/s':>9} {'in checks':>10} {'stall ms':>9}  cue ms")
    for row in rows:
        cues = row["cue_latency_ms"]
        cue = f"median {statistics.median(cues):.0f}, worst {max(cues):.0f}" if cues else "-"
        print(
            f"{row['mode']:<14} {row['cores']:>6.2f} {row['checks_per_s']:>9.1f} "
            f"{row['check_core_share']:>10.2f} {row['worst_stall_ms']:>9.1f}  {cue}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_live_modes.json"
    from machine import stamp

    result = stamp({"seconds": args.seconds, "rows": rows})
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
