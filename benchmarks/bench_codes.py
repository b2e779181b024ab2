"""Codes and colours at 640x480: read rate and milliseconds per frame for three code
readers, and for naming the colour of the middle.

The code readers are measured on the test codes (tests/code_scenes.py: QR, EAN-13, EAN-8,
UPC-A, Code 128, Data Matrix; straight, turned 30 degrees, upside down, small, blurred,
and a harder "tiny" placement) and on a frame with no code:

* ``opencv``: OpenCV alone (``QRCodeDetectorAruco`` and ``barcode.BarcodeDetector``);
* ``zxing-cpp``: zxing-cpp alone;
* ``describe``: what Describe uses (:class:`~describe_app.core.reading.codes.ZxingCodeReader`:
  zxing-cpp, with OpenCV's barcode detector for turned 1-D codes).

One thread for OpenCV, as in the app's frame checks. Prints a table and writes
benchmarks/results/bench_codes.json.

``--camera`` also measures Describe's reader in the real-world camera conditions of QA pass 5
(tests/code_scenes.py: ``CAMERA_CONDITIONS``: blur, defocus, motion, small, tilted, dim,
shadow, glare, JPEG, round a bottle, light on dark, 1280x720): frames read of each kind,
misreadings (must be none) and processor milliseconds per frame, each frame by a new reader.

    .venv/bin/python benchmarks/bench_codes.py [--repeat 3] [--camera [--seeds 3]]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
from PIL import Image

from describe_app.core.pictures.colour_names import middle_colour
from describe_app.core.reading.codes import ZxingCodeReader
from tests.camera_scenes import background
from tests.code_scenes import (
    CAMERA_CONDITIONS,
    CAMERA_KINDS,
    PLACEMENTS,
    Placement,
    camera_expected,
    camera_frame,
    code_cases,
    scene_with,
    varied,
)

RESULTS = Path(__file__).resolve().parent / "results"
HARD = {"tiny": Placement(scale=0.3)}

Reader = Callable[[Any], list[str]]


def opencv_reader() -> Reader:
    qr = cv2.QRCodeDetectorAruco()
    bars = cv2.barcode.BarcodeDetector()

    def read(frame: Any) -> list[str]:
        found: list[str] = []
        ok, texts, _points, _straight = qr.detectAndDecodeMulti(frame)
        if ok:
            found += [t for t in texts if t]
        _ok, texts, _kinds, _points = bars.detectAndDecodeWithType(frame)
        return found + [t for t in texts or () if t]

    return read


def zxing_reader() -> Reader:
    import zxingcpp

    def read(frame: Any) -> list[str]:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return [r.text for r in zxingcpp.read_barcodes(grey)]

    return read


def describe_reader() -> Reader:
    reader = ZxingCodeReader()
    return lambda frame: [code.text for code in reader.read(frame).codes]


def _same(expected: str, got: list[str]) -> bool:
    """EAN-13 readers give a UPC-A code with its leading 0; both count."""
    return expected in got or f"0{expected}" in got


def measure(reader: Reader, repeat: int) -> dict[str, Any]:
    placements = {**PLACEMENTS, **HARD}
    read = tried = 0
    times: list[float] = []
    missed: list[str] = []
    for kind, content, image in code_cases():
        for name, placement in placements.items():
            frame = scene_with(image, placement)
            ok = False
            for _ in range(repeat):
                start = time.perf_counter()
                ok = _same(content, reader(frame))
                times.append(time.perf_counter() - start)
            tried += 1
            read += ok
            if not ok:
                missed.append(f"{kind} {name}")
    empty = background()
    empty_times = []
    false_reads = 0
    for _ in range(repeat * 5):
        start = time.perf_counter()
        false_reads += len(reader(empty))
        empty_times.append(time.perf_counter() - start)
    return {
        "read": read,
        "tried": tried,
        "ms_per_frame_median": round(1000 * statistics.median(times), 1),
        "ms_per_frame_worst": round(1000 * max(times), 1),
        "ms_no_code_median": round(1000 * statistics.median(empty_times), 1),
        "false_reads_on_no_code": false_reads,
        "missed": missed,
    }


def camera_conditions(seeds: int) -> dict[str, Any]:
    """Describe's reader in each of pass 5's camera conditions: ``seeds`` frames of each
    kind (level, a little turned, then turned any way), each read by a new reader."""
    rows: dict[str, Any] = {}
    for name, shot in CAMERA_CONDITIONS.items():
        per_kind: dict[str, int] = {}
        wrong: list[str] = []
        times: list[float] = []
        for kind in CAMERA_KINDS:
            per_kind[kind] = 0
            for seed in range(seeds):
                frame = camera_frame(kind, varied(shot, seed), seed)
                reader = ZxingCodeReader()
                start = time.thread_time()
                found = {(code.kind, code.text) for code in reader.read(frame).codes}
                times.append(time.thread_time() - start)
                per_kind[kind] += camera_expected(kind) in found
                wrong += [f"{kind} {seed}: {f}" for f in found if f != camera_expected(kind)]
        rows[name] = {
            "read": sum(per_kind.values()),
            "tried": seeds * len(CAMERA_KINDS),
            "per_kind": per_kind,
            "misread": wrong,
            "cpu_ms_median": round(1000 * statistics.median(times), 1),
        }
        row = rows[name]
        kinds = " ".join(f"{kind}={n}" for kind, n in per_kind.items())
        print(
            f"{name:36} {row['read']:>3}/{row['tried']:<3} {row['cpu_ms_median']:>6} ms"
            f"  {kinds}{'  MISREAD ' + '; '.join(wrong) if wrong else ''}",
            flush=True,
        )
    return rows


def colour_ms(repeat: int) -> float:
    picture = Image.fromarray(background()[:, :, ::-1].copy(), "RGB")
    times = []
    for _ in range(repeat * 10):
        start = time.perf_counter()
        middle_colour(picture)
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="reads of each frame (default 3)")
    parser.add_argument(
        "--camera", action="store_true", help="also pass 5's camera conditions (minutes)"
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="frames of each kind per condition (default 3)"
    )
    args = parser.parse_args()
    cv2.setNumThreads(1)
    rows = {
        "opencv": measure(opencv_reader(), args.repeat),
        "zxing-cpp": measure(zxing_reader(), args.repeat),
        "describe": measure(describe_reader(), args.repeat),
    }
    print(f"{'reader':12} {'read':>7} {'ms/frame':>9} {'worst':>7} {'no code':>8} {'false':>6}")
    for name, row in rows.items():
        print(
            f"{name:12} {row['read']:>3}/{row['tried']:<3} {row['ms_per_frame_median']:>9}"
            f" {row['ms_per_frame_worst']:>7} {row['ms_no_code_median']:>8}"
            f" {row['false_reads_on_no_code']:>6}"
        )
    for name, row in rows.items():
        print(f"{name} missed: {', '.join(row['missed']) or 'none'}")
    colour = colour_ms(args.repeat)
    print(f"colour of the middle: {colour} ms per picture")
    camera = camera_conditions(args.seeds) if args.camera else None
    from machine import stamp

    RESULTS.mkdir(exist_ok=True)
    results: dict[str, Any] = {"codes": rows, "colour_ms": colour, "repeat": args.repeat}
    if camera is not None:
        results["camera_conditions"] = {"seeds": args.seeds, "rows": camera}
    out = stamp(results)
    (RESULTS / "bench_codes.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
