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
   ``--no-camera``: no camera; each press opens another photo, with preparing off (the
   full path without a preview beside it: shows what the preview costs the model). With
   the camera, the presses are issue 14's three cases, measured apart
   (``window_cases.py``, ``--rounds`` of each): **settled** (the view was prepared in the
   background before Space), **follow-up** (a question about that picture, its features
   reused) and **fresh** (the view changed just before Space: the full path), with the
   ratio settled / fresh, the background CPU per view change and per minute of a still
   view (``--hold``), and the CPU of describing the last picture's parts for exploring.

``--isa avx2`` emulates an AVX2-only laptop (benchmarks/machine.py); the machine line says
which CPU flags and kernels the figures come from.

Targets (issue 4): window ready under 1.5 s; worst GUI stall under 50 ms; first audio
within 0.5 s of the engine's own first sentence. Prints a table and writes
benchmarks/results/bench_window.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402
from machine import add_isa_argument, apply_isa, stamp  # noqa: E402
from window_drive import make_video, run_window_bench  # noqa: E402
from window_harness import STALL_TARGET_MS, audio_sink  # noqa: E402
from window_report import AUDIO_MARGIN_TARGET_S, READY_TARGET_S, report  # noqa: E402

RESULTS = HERE / "results"

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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--presses", type=int, default=5, help="photos opened without a camera (first is cold)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="with a camera: settled, follow-up, fresh, held-1-s presses",
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
        "--no-camera", action="store_true", help="no camera: each press opens another photo"
    )
    parser.add_argument(
        "--stall-stacks",
        action="store_true",
        help="keep the GUI thread's Python stack at each stall over 25 ms (in the JSON)",
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
        else f"{args.rounds} rounds of settled, follow-up, fresh and held 1 s"
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
            stall_stacks=args.stall_stacks,
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
