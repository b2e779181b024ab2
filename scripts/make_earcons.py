#!/usr/bin/env python3
"""Make the short sounds ("earcons") Describe plays, as WAV files in resources/earcons/.

Every sound is synthesized here from sine waves and a little noise, so the project owns
them outright and anyone can change one and run this script again:

    .venv/bin/python scripts/make_earcons.py [--out DIR]

* picture_taken: a soft shutter click, then a short bright chirp.
* working: a quiet wooden tick, played about once a second while the user waits.
* done: two rising notes.
* error: two falling, lower notes.

They are 22,050 Hz mono 16-bit, the same as espeak-ng speech, so they play on the same
output stream without resampling. Output is deterministic (fixed noise seed).
"""

from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path

import numpy as np

from describe_app.core.speech import tone_synth
from describe_app.core.speech.tone_synth import Samples

RATE = tone_synth.RATE


def picture_taken() -> Samples:
    rng = np.random.default_rng(7)
    click_t = tone_synth.times(0.035)
    click = rng.standard_normal(len(click_t)) * np.exp(-click_t * 160.0) * 0.35
    gap = np.zeros(round(0.02 * RATE))
    t = tone_synth.times(0.09)
    sweep = (
        np.sin(2 * np.pi * (1400 * t + 4000 * t**2))
        * tone_synth.envelope(len(t), 0.003, 0.07)
        * 0.3
    )
    return np.concatenate([click, gap, sweep])


def working() -> Samples:
    t = tone_synth.times(0.03)
    tick = np.sin(2 * np.pi * 1800 * t) * np.exp(-t * 220.0)
    return 0.18 * tick


def done() -> Samples:
    gap = np.zeros(round(0.015 * RATE))
    return np.concatenate(
        [tone_synth.note(660, 0.09, level=0.35), gap, tone_synth.note(990, 0.16, level=0.35)]
    )


def error() -> Samples:
    gap = np.zeros(round(0.02 * RATE))
    return np.concatenate(
        [tone_synth.note(440, 0.13, level=0.4), gap, tone_synth.note(294, 0.22, level=0.4)]
    )


EARCONS = {"picture_taken": picture_taken, "working": working, "done": done, "error": error}


def write(samples: Samples, path: Path) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parent.parent / "resources" / "earcons"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in EARCONS.items():
        path = args.out / f"{name}.wav"
        samples = make()
        write(samples, path)
        print(f"{path}: {len(samples) / RATE * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
