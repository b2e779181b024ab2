"""Time describing the screen: capture, then OCR, for the focused object and the whole screen.

A private X server (Xvfb, 1280x1024) shows two windows of ours (tests/screen_window.py):
a card of 12-point text (a dense page, as mail and documents are) and a card with a focused
line edit. For each mode the capture (mss, and AT-SPI for the focused object) and the OCR of
the capture are timed, REPEATS times each (the table shows the median), with OCR detection
limited to 960 px on the long side (the camera's setting) and 2560 px (the screen's), and
how many of the known words each read finds.

Key to first audio (a global key pressed in another program until the first word is heard)
is measured by bench_screen_keys.py.

Run: .venv/bin/python benchmarks/bench_screen.py  (writes benchmarks/results/bench_screen.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from describe_app.core.pictures.images import Picture
from describe_app.core.reading.ocr_reader import OcrReader, OcrSettings
from describe_app.core.screen.capture import ScreenTarget, capture
from describe_app.core.screen.geometry import Rect
from tests.screen_desktop import missing_tools, screen_desktop

REPEATS = 5
RESULTS = Path(__file__).resolve().parent / "results" / "bench_screen.json"
PAGE = (
    "Quarterly report for the northern region. Sales rose by 12 percent to 48,210 units, "
    "while returns fell to 310. The warehouse in Leeds ships within two days. Contact "
    "Maria Okafor for the full figures before the meeting on Thursday at 14:30."
)
FIELD = "Invoice 7731 overdue"
DETECT_SIDES = (960, 2560)


@dataclass
class Row:
    mode: str
    pixels: str
    capture_median_s: float
    detect_side: int
    ocr_median_s: float
    words_found: int
    words_known: int


def _median(run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _words(text: str) -> set[str]:
    return {w.strip(".,").lower() for w in text.split() if len(w.strip(".,")) > 2}


def measure(env: dict[str, str]) -> list[Row]:
    known = _words(PAGE) | _words(FIELD)
    rows = []
    readers = {side: OcrReader(OcrSettings(detect_side_limit=side)) for side in DETECT_SIDES}
    for reader in readers.values():
        reader.load()
    for mode, target in (("focus", ScreenTarget.FOCUS), ("screen", ScreenTarget.SCREEN)):
        capture_s, picture = _median(partial(capture, target, environ=env))
        assert isinstance(picture, Picture)
        print(f"{mode}: {picture.source}, {picture.size[0]}x{picture.size[1]}", file=sys.stderr)
        for side, reader in readers.items():
            ocr_s, result = _median(partial(reader.read, picture.image))
            found = _words(getattr(result, "text", "")) & known
            rows.append(
                Row(
                    mode,
                    f"{picture.size[0]}x{picture.size[1]}",
                    round(capture_s, 4),
                    side,
                    round(ocr_s, 4),
                    len(found),
                    len(known),
                )
            )
    return rows


def main() -> int:
    reason = missing_tools()
    if reason is not None:
        print(f"skipped: {reason}", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="bench-screen-") as folder,
        screen_desktop(Path(folder)) as desktop,
    ):
        desktop.show("Report", PAGE, Rect(0, 0, 700, 400), point_size="12")
        desktop.show("Invoices", "Invoices", Rect(720, 0, 500, 200), field=FIELD)
        desktop.focus("Invoices")
        rows = measure(desktop.env)
    print(f"{'mode':7} {'pixels':10} {'capture s':>9} {'detect':>6} {'OCR s':>7} {'words':>7}")
    for r in rows:
        print(
            f"{r.mode:7} {r.pixels:10} {r.capture_median_s:9.4f} {r.detect_side:6d} "
            f"{r.ocr_median_s:7.3f} {r.words_found:3d}/{r.words_known}"
        )
    print("key to first audio: benchmarks/bench_screen_keys.py")
    from machine import stamp

    result = stamp({"rows": [asdict(r) for r in rows]})
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
