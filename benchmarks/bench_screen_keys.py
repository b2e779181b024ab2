"""Key to first audio for the screen: a global key pressed in another program, until the
first word of the answer leaves the sound card.

    python benchmarks/bench_screen_keys.py [--repeats 3] [--isa avx2] [--model-dir DIR]

A private X server (Xvfb, with a session bus for AT-SPI: tests/screen_desktop.py) shows two
windows of ours, a page of 12-point text and a form with a focused line edit ("Invoices").
The real window runs in this process on that display (``run_window``, as ``describe-app
window --camera none`` starts it): the X11 global keys of the Screen settings, the screen
capture worker (mss, AT-SPI for the focused object, OCR of the capture before a
description), the full-size random-weight SmolVLM-256M of bench_engine.py in its model
process, and the user's own voice into a private PulseAudio null sink (as bench_window.py).
The form gets the keyboard focus back after the window shows, so each key is pressed with
another program in front, by ``xdotool key`` - a real key event through the X server.

For "describe focused object", "describe screen" and "read screen", each ``--repeats``
times, the table shows (median of the warm presses, and the first, cold one):

* key -> earcon: the capture (and, for a description, the OCR of it) is done and its sound
  is heard;
* key -> first sentence in the window;
* key -> first audio: the first sample of the first sentence at the (null) sound card.

The model writes at most ``--max-tokens`` tokens (12: random weights never end a sentence).
Target (issue 15): the same as a camera frame (bench_window.py's fresh case) plus at most
0.2 s for the capture and OCR of the focused object. Writes
benchmarks/results/bench_screen_keys.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402
import window_harness  # noqa: E402
from bench_screen import FIELD, PAGE  # noqa: E402
from machine import add_isa_argument, apply_isa, stamp  # noqa: E402

from describe_app.core.screen.geometry import Rect  # noqa: E402
from tests.screen_desktop import Desktop, missing_tools, screen_desktop  # noqa: E402

RESULTS = HERE / "results" / "bench_screen_keys.json"
#: (what the key does, its field in the Screen settings)
MODES = (
    ("describe focused object", "focus_key"),
    ("describe screen", "screen_key"),
    ("read screen", "text_key"),
)
FOCUSED = "Invoices"


def xdotool_key(key: str) -> str:
    """``Ctrl+Alt+Shift+D`` as xdotool names it: ``ctrl+alt+shift+d``."""
    return "+".join(part.lower() for part in key.split("+"))


def _earcon_at(probe: Any, press: window_harness.Press) -> float | None:
    for report in probe.audio_reports(press.pressed):
        if report.label.startswith("earcon:") and report.first_sample_at is not None:
            return float(report.first_sample_at)
    return None


def press_key(desktop: Desktop, window: Any, probe: Any, key: str) -> dict[str, Any]:
    """Press ``key`` in the X server; wait for the first audio of the answer."""
    wait_until = window_harness.wait_until
    press = probe.press = window_harness.Press(time.perf_counter())
    sender = subprocess.Popen(["xdotool", "key", xdotool_key(key)], env=desktop.env)
    wait_until(
        lambda: window_harness.first_audio(probe, press) is not None, 300, f"the answer to {key}"
    )
    spoken = window_harness.first_audio(probe, press)
    earcon = _earcon_at(probe, press)
    sender.wait(10)
    wait_until(lambda: not window.controller.busy, 300, "the answer's end")
    wait_until(lambda: not probe.player.pending(), 120, "speech to end")
    probe.press = None
    picture = window.controller.photo  # the capture: what was taken, at which size
    return {
        "source": picture.source if picture is not None else None,
        "pixels": "x".join(map(str, picture.size)) if picture is not None else None,
        "to_earcon_audio_s": None if earcon is None else earcon - press.pressed,
        "to_sentence_in_gui_s": None if press.sentence is None else press.sentence - press.pressed,
        "to_first_audio_s": spoken.first_sample_at - press.pressed,
        "first_sentence_chars": len(press.first_sentence_text),
    }


def run(desktop: Desktop, model_dir: Path, repeats: int, max_tokens: int) -> dict[str, Any]:
    """The window on the private X server, driven by real global keys."""
    os.environ.update(desktop.env)
    window_harness.hold_true()  # PySide6 6.12.0 on Python 3.11 (see window_harness)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import describe_app.core.speech as speech_api
    from describe_app.cli import build_parser
    from describe_app.core.speech.player import SoundDevicePlayer
    from describe_app.qt.app import run_window
    from describe_app.qt.main_window import MainWindow
    from describe_app.qt.quiet_speech import QuietSpeech

    player = SoundDevicePlayer()
    speech_api.default_player = lambda: player  # the benchmark reads the player's clock
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    out: dict[str, Any] = {"rows": []}
    failure: list[BaseException] = []

    def drive() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        try:
            probe = window_harness.WindowProbe(window, player)
            wait = window_harness.wait_until
            wait(lambda: probe.ready_at is not None or bool(probe.load_failed), 600, "the model")
            if probe.load_failed:
                raise RuntimeError(probe.load_failed)
            wait(lambda: not isinstance(window.announcer.speech, QuietSpeech), 30, "the voice")
            if window.screen_key_problems():
                raise RuntimeError(f"global keys: {window.screen_key_problems()}")
            wait(lambda: not player.pending(), 30, "speech to end")
            desktop.focus(FOCUSED)  # another program in front, its line edit focused
            for mode, field in MODES:
                key = getattr(window.settings.screen, field)
                for i in range(repeats):
                    row = {"mode": mode, "key": key, "press": i + 1}
                    out["rows"].append({**row, **press_key(desktop, window, probe, key)})
                    print(f"{mode} {i + 1}: {out['rows'][-1]['to_first_audio_s']:.3f} s")
            out["audio_device"] = player.device_name
        except BaseException as exc:
            failure.append(exc)
        finally:
            window.quit_app()

    QTimer.singleShot(0, drive)
    cpu0 = window_harness.cpu_now()
    args = ["window", "--camera", "none", "--model", str(model_dir)]
    out["exit_status"] = run_window(
        build_parser().parse_args([*args, "--max-tokens", str(max_tokens)])
    )
    out["others_cpu_cores"] = window_harness.others_cores(cpu0)
    if failure:
        raise RuntimeError(f"the screen key benchmark failed: {failure[0]!r}") from failure[0]
    return out


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    out = {}
    for mode, _field in MODES:
        mine = [r for r in rows if r["mode"] == mode]
        warm = mine[1:] or mine
        out[mode] = {
            key: statistics.median(values) if (values := [r[key] for r in warm if r[key]]) else None
            for key in ("to_earcon_audio_s", "to_sentence_in_gui_s", "to_first_audio_s")
        }
        out[mode]["to_first_audio_cold_s"] = mine[0]["to_first_audio_s"] if mine else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="presses of each key")
    parser.add_argument("--max-tokens", type=int, default=bench_engine.SENTENCE_TOKENS)
    parser.add_argument("--model-dir", type=Path, default=bench_engine.DEFAULT_MODEL_DIR)
    add_isa_argument(parser)
    args = parser.parse_args()
    apply_isa(args.isa)  # before torch: the model process inherits it
    reason = missing_tools()
    if reason is not None:
        print(f"skipped: {reason}", file=sys.stderr)
        return 1
    if not (args.model_dir / "config.json").is_file():
        from describe_app.devtools.random_smolvlm import SMOLVLM_256M, build_model

        build_model(args.model_dir, SMOLVLM_256M, dtype="bfloat16")
    sandbox = Path(tempfile.mkdtemp(prefix="describe-bench-screen-keys-"))
    os.environ["DESCRIBE_CONFIG_DIR"] = str(sandbox / "config")  # never the user's settings
    os.environ["DESCRIBE_DATA_DIR"] = str(sandbox / "data")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with (
        window_harness.audio_sink(True) as audio_path,
        screen_desktop(sandbox) as desktop,
    ):
        if audio_path is None:
            print("skipped: no PulseAudio null sink, so no first audio to time", file=sys.stderr)
            return 1
        desktop.show("Report", PAGE, Rect(0, 300, 700, 400), point_size="12")
        desktop.show(FOCUSED, FOCUSED, Rect(720, 300, 500, 200), field=FIELD)
        result = run(desktop, args.model_dir, args.repeats, args.max_tokens)
    table = summary(result["rows"])
    print(
        f"\n{'key -> (s), warm median':26} {'earcon':>7} {'on screen':>9} {'audio':>7} {'cold':>7}"
    )
    for mode, row in table.items():
        cells = [
            row[k]
            for k in (
                "to_earcon_audio_s",
                "to_sentence_in_gui_s",
                "to_first_audio_s",
                "to_first_audio_cold_s",
            )
        ]
        print(f"{mode:26} " + " ".join(f"{'n/a' if v is None else f'{v:.3f}':>10}" for v in cells))
    sources = sorted({f"{r['source']} {r['pixels']}" for r in result["rows"]})
    print("capture: real (mss on Xvfb 1280x1024, AT-SPI focus); keys: X11, sent with xdotool")
    print(f"captured: {'; '.join(sources)}")
    print(f"other processes meanwhile: {result['others_cpu_cores']:.2f} cores")
    report = stamp({"summary": table, "rows": result["rows"], "isa": args.isa})
    report["others_cpu_cores"] = result["others_cpu_cores"]
    report["audio"] = audio_path
    RESULTS.parent.mkdir(exist_ok=True)
    out = (
        RESULTS if args.isa == "native" else RESULTS.with_name(f"bench_screen_keys_{args.isa}.json")
    )
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
