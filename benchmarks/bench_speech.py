"""Speech latency: first sentence ready -> first audio sample out, and stop -> silence.

    python benchmarks/bench_speech.py [--runs 20] [--real-device]

The real pipeline: pyttsx3 + espeak-ng synthesis, the speech worker, PortAudio playback.
By default the audio goes to a private PulseAudio null sink (a clocked device without
hardware, as in the tests); ``--real-device`` uses the default sound card instead.
Times are taken on the player's own clock (PortAudio's estimate of when a sample leaves
the device). Two cases:

* warm: the output stream is already running (a sentence spoken moments before);
* cold: the stream has stopped after idling, so the first sentence also starts it.

Prints a table (median and worst of each) and writes benchmarks/results/bench_speech.json.
Targets: first audio within 150 ms, silence within 100 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from describe_app.core.speech import (  # noqa: E402
    OutputRoute,
    SpeechEvent,
    SpeechEventKind,
    SpeechSettings,
    create_speech,
)
from describe_app.core.speech.player import SoundDevicePlayer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
FIRST_AUDIO_TARGET_MS = 150.0
SILENCE_TARGET_MS = 100.0

SENTENCES = [
    "A man in a blue coat stands in front of a red door.",
    "The kitchen table holds two cups of coffee and a plate of toast.",
    "A small brown dog sleeps on a grey sofa next to the window.",
    "The sign on the wall reads: platform 3, trains to the city centre.",
    "It is a sunny street with parked cars and a bicycle against a tree.",
]


@contextlib.contextmanager
def audio_path(real_device: bool) -> Iterator[str]:
    if real_device:
        yield "default sound card"
        return
    from tests.speech_fixtures import PulseNullSink

    with PulseNullSink():
        yield "PulseAudio null sink (private server)"


def run_case(name: str, runs: int, linger_s: float, gap_s: float) -> dict[str, object]:
    player = SoundDevicePlayer(linger_s=linger_s)
    speech = create_speech(SpeechSettings(route=OutputRoute.OWN_VOICE), player=player)
    started = threading.Event()

    def listen(event: SpeechEvent) -> None:
        if event.kind is SpeechEventKind.STARTED:
            started.set()

    speech.subscribe(listen)
    rng = random.Random(3)
    first_audio, synth_and_handoff, silence = [], [], []
    try:
        speech.say("Warming up.")  # loads the voice; not measured
        speech.wait_until_done(10)
        for i in range(runs):
            time.sleep(gap_s)
            started.clear()
            ready = time.perf_counter()  # the first sentence is ready
            speech.say(SENTENCES[i % len(SENTENCES)], interrupt=True)
            if not started.wait(5):
                raise RuntimeError("speech did not start")
            report = player.reports[-1]
            deadline = time.perf_counter() + 2
            while report.first_sample_at is None and time.perf_counter() < deadline:
                time.sleep(0.001)
            assert report.first_sample_at is not None
            first_audio.append((report.first_sample_at - ready) * 1000)
            synth_and_handoff.append((report.queued_at - ready) * 1000)
            # Stop somewhere in the middle of the sentence, as a user would.
            stop_at = report.first_sample_at + rng.uniform(0.2, 0.8)
            time.sleep(max(0.0, stop_at - time.perf_counter()))
            pressed = time.perf_counter()  # the user presses Escape
            speech.stop()
            if report.silent_at is None:
                raise RuntimeError("the stop came after the sentence ended")
            silence.append(max(0.0, report.silent_at - pressed) * 1000)
            speech.wait_until_done(2)
    finally:
        speech.close()
    return {
        "case": name,
        "runs": runs,
        "device": player.device_name,
        "device_latency_ms": player.output_latency * 1000,
        "underflows": player.underflows,
        "first_audio_ms": first_audio,
        "synthesis_and_handoff_ms": synth_and_handoff,
        "stop_to_silence_ms": silence,
    }


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "worst": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--real-device", action="store_true")
    args = parser.parse_args(argv)
    with audio_path(args.real_device) as path:
        cases = [
            run_case("warm", args.runs, linger_s=3.0, gap_s=0.2),
            run_case("cold", args.runs, linger_s=0.05, gap_s=0.3),
        ]
    rows = []
    print(f"audio path: {path}; {args.runs} runs per case; times on the player's clock")
    header = f"{'case':6s}{'metric':34s}{'median ms':>11s}{'worst ms':>10s}{'target':>8s}  ok"
    print(header)
    print("-" * len(header))
    ok = True
    for case in cases:
        for key, label, target in (
            ("first_audio_ms", "first sentence ready -> first audio", FIRST_AUDIO_TARGET_MS),
            ("synthesis_and_handoff_ms", "  of which synthesis + hand-off", None),
            ("stop_to_silence_ms", "stop -> silence", SILENCE_TARGET_MS),
        ):
            values = case[key]
            assert isinstance(values, list)
            s = summary(values)
            passed = target is None or s["worst"] <= target
            ok = ok and passed
            target_text = f"{target:.0f}" if target else ""
            mark = ("yes" if passed else "NO") if target else ""
            print(
                f"{case['case']!s:6s}{label:34s}{s['median']:>11.1f}{s['worst']:>10.1f}"
                f"{target_text:>8s}  {mark}"
            )
            rows.append({"case": case["case"], "metric": key, **s, "target_ms": target})
    underflows = sum(int(str(c["underflows"])) for c in cases)
    print(f"device latency {cases[0]['device_latency_ms']:.1f} ms; underflows: {underflows}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "audio_path": path,
        "platform": platform.platform(),
        "targets_ms": {"first_audio": FIRST_AUDIO_TARGET_MS, "silence": SILENCE_TARGET_MS},
        "summary": rows,
        "cases": cases,
        "all_within_targets": ok,
    }
    from machine import stamp

    (RESULTS / "bench_speech.json").write_text(json.dumps(stamp(out), indent=2))
    print(f"wrote {RESULTS / 'bench_speech.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
