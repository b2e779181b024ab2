"""How long the picture check takes on 640x480 camera frames (target: well under 10 ms).

    python benchmarks/bench_picture_check.py

Prints a table (median and worst over 200 checks of each frame) and writes
benchmarks/results/bench_picture_check.json.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from describe_app.core.pictures.picture_check import check_picture

RESULTS = Path(__file__).resolve().parent / "results"


def frames() -> dict[str, np.ndarray]:
    photo = cv2.resize(data.astronaut(), (640, 480), interpolation=cv2.INTER_AREA)
    return {
        "photo": photo,
        "blurred": cv2.GaussianBlur(photo, (0, 0), 6),
        "dark": (photo * 0.05).astype(np.uint8),
        "white": np.full((480, 640, 3), 253, np.uint8),
    }


def main() -> int:
    rows = {}
    for name, frame in frames().items():
        check_picture(frame)  # warm up
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            verdict = check_picture(frame)
            times.append((time.perf_counter() - t0) * 1000)
        rows[name] = {
            "verdict": verdict.problem.value,
            "median_ms": statistics.median(times),
            "worst_ms": max(times),
        }
    print(f"{'frame (640x480)':18s}{'verdict':>12s}{'median ms':>12s}{'worst ms':>12s}")
    for name, r in rows.items():
        print(f"{name:18s}{r['verdict']:>12s}{r['median_ms']:>12.2f}{r['worst_ms']:>12.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    from machine import stamp

    (RESULTS / "bench_picture_check.json").write_text(json.dumps(stamp(rows), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
