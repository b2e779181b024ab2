"""Time text reading (OCR): engine load and per-frame read, our settings vs RapidOCR's.

A 640x480 real photo (scikit-image's coffee) with three lines of text on a light card,
turned 2.5 degrees and JPEG-compressed at quality 60, as a hand-held camera would give.
``rapidocr`` and ``onnxruntime`` are imported first, and one engine is loaded cold, each
timed on its own (what the first "Read text" costs). Each configuration is then loaded
(engine creation plus all three models, files already cached) and read 10 times; the
table shows the median. It also reads the same frame upside down and a frame without text.

Run: .venv/bin/python benchmarks/bench_ocr.py  (writes benchmarks/results/bench_ocr.json)
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from describe_app.core.reading.ocr_reader import OcrReader, OcrSettings
from tests.sign_scenes import SIGN, jpeg, photo, sign_on_photo

LINES = tuple(SIGN)
FRAME_SIZE = (640, 480)
REPEATS = 10
RESULTS = Path(__file__).resolve().parent / "results" / "bench_ocr.json"


def text_frame(angle: float = 2.5) -> Image.Image:
    return sign_on_photo("coffee", SIGN, angle, font_px=40, pad=16)


@dataclass
class Row:
    name: str
    params: dict[str, Any]
    load_s: float
    read_median_s: float
    read_min_s: float
    no_text_median_s: float
    lines_ok: bool
    upside_down: list[str]


def measure(name: str, params: dict[str, Any], use_cls: bool) -> Row:
    from rapidocr import RapidOCR

    reader = OcrReader(
        OcrSettings(use_angle_classifier=use_cls),
        engine_factory=lambda _ignored: RapidOCR(params=params),
    )
    start = time.perf_counter()
    reader.load()
    load_s = time.perf_counter() - start

    frame, blank, flipped = text_frame(), jpeg(photo("coffee", FRAME_SIZE)), text_frame(182.5)
    times, result = [], None
    for _ in range(REPEATS):
        result = reader.read(frame)
        times.append(result.seconds)
    empty = [reader.read(blank).seconds for _ in range(REPEATS // 2)]
    assert result is not None
    return Row(
        name=name,
        params=params,
        load_s=round(load_s, 3),
        read_median_s=round(statistics.median(times), 3),
        read_min_s=round(min(times), 3),
        no_text_median_s=round(statistics.median(empty), 3),
        lines_ok=result.lines == list(LINES),
        upside_down=reader.read(flipped).lines,
    )


def main() -> None:
    start = time.perf_counter()
    import onnxruntime  # noqa: F401  (imported once, before the engines are timed)
    from rapidocr import RapidOCR  # noqa: F401

    import_s = time.perf_counter() - start
    start = time.perf_counter()
    OcrReader().load()
    cold_load_s = time.perf_counter() - start
    quiet = {"Global.log_level": "error"}
    chosen = OcrSettings().engine_params()
    configs: list[tuple[str, dict[str, Any], bool]] = [
        ("rapidocr defaults", quiet, True),
        ("chosen (ours)", chosen, True),
        ("chosen, no angle classifier", {**chosen, "Global.use_cls": False}, False),
        ("chosen, 2 threads", {**chosen, "EngineConfig.onnxruntime.intra_op_num_threads": 2}, True),
        ("defaults, no angle classifier", {**quiet, "Global.use_cls": False}, False),
    ]
    rows = [measure(name, params, use_cls) for name, params, use_cls in configs]
    load_average = os.getloadavg()

    print(f"import rapidocr + onnxruntime {import_s:.2f} s, first (cold) load {cold_load_s:.2f} s")
    print(f"load average {load_average[0]:.2f} (1 min) on {os.cpu_count()} cores")

    print(f"{'configuration':32} {'load s':>7} {'read s':>7} {'min s':>6} {'empty s':>7}  ok  180°")
    for r in rows:
        ok = "yes" if r.lines_ok else "NO "
        print(
            f"{r.name:32} {r.load_s:7.2f} {r.read_median_s:7.3f} {r.read_min_s:6.3f} "
            f"{r.no_text_median_s:7.3f}  {ok} {' / '.join(r.upside_down)}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "frame": {"size": FRAME_SIZE, "lines": LINES, "angle": 2.5, "jpeg_quality": 60},
        "repeats": REPEATS,
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15_min": [round(x, 2) for x in load_average],
        "import_rapidocr_s": round(import_s, 3),
        "cold_load_chosen_s": round(cold_load_s, 3),
        "python": platform.python_version(),
        "rows": [asdict(r) for r in rows],
    }
    from machine import stamp

    stamp(report)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
