"""Documents: how fast pages are read. One function per part, listed in :data:`PARTS`; each
returns a dict that goes into benchmarks/results/bench_document.json under its name (a run
of one part keeps the others' last results).

* ``scanned_pdf``: pages per minute for a scanned PDF (Letter pages of 10 pt print,
  scanned at 200 dpi, JPEG), rendered for OCR at 100, 150 and 200 dpi, with the word
  accuracy of each (the chosen resolution is ``document_reader.SCAN_DPI``); and pages per
  minute for a PDF with a text layer (no OCR).
* ``settled_page``: document mode, from the moment a page lies still and whole in view to
  its first line ready to be said: the wait for it to settle (by design), the frame checks
  in that wait, and the page flattened, read and laid out; with the word accuracy, on the
  clean warp and with shadow and blur (tests/page_scenes.py, 1280x960 frames).
* ``bowed_page``: words in order and seconds for a photographed page bowed by 0 to 30
  pixels (an arch, a bowl, a curl stronger at the top), with the bow taken out and without.
* ``text_pdf_drawings``: milliseconds a page for a text PDF whose pages have drawings that
  are no form (rules, an underline, a framed table), and how many pages were rendered to
  look for a form's blanks and boxes.

Run: .venv/bin/python benchmarks/bench_document.py [--part NAME] [--pages N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from describe_app.core.reading import document_reader
from describe_app.core.reading.document_reader import SCAN_OCR_SETTINGS, read_document
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.pdf_pages import PdfPages
from tests.document_scenes import (
    page_lines,
    printed_page,
    report_pdf,
    scanned_pdf,
    text_pdf,
    word_accuracy,
)

RESULTS = Path(__file__).resolve().parent / "results" / "bench_document.json"
SCAN_DPIS = (100, 150, 200)


def scanned_pdf_pages_per_minute(pages: int) -> dict[str, Any]:
    """Pages per minute and word accuracy for a scanned PDF, at each render resolution."""
    numbers = list(range(1, pages + 1))
    expected = [page_lines(n, count=30) for n in numbers]
    pictures = [printed_page(lines, dpi=200, point_size=10) for lines in expected]
    reader = OcrReader(SCAN_OCR_SETTINGS)
    reader.load()
    rows = []
    chosen = document_reader.SCAN_DPI
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scanned.pdf"
        path.write_bytes(scanned_pdf(pictures))
        try:
            for dpi in SCAN_DPIS:
                document_reader.SCAN_DPI = dpi
                start = time.perf_counter()
                document = read_document(path, reader)
                seconds = time.perf_counter() - start
                accuracy = min(
                    word_accuracy(lines, page.text)
                    for lines, page in zip(expected, document.pages, strict=True)
                )
                rows.append(
                    {
                        "render_dpi": dpi,
                        "chosen": dpi == chosen,
                        "seconds_per_page": round(seconds / pages, 3),
                        "pages_per_minute": round(60 * pages / seconds, 1),
                        "worst_page_word_accuracy": round(accuracy, 4),
                    }
                )
        finally:
            document_reader.SCAN_DPI = chosen
        text_path = Path(folder) / "text.pdf"
        text_path.write_bytes(text_pdf([page_lines(n, count=30) for n in range(1, 101)]))
        start = time.perf_counter()
        read_document(text_path, reader)
        text_seconds = time.perf_counter() - start
    print(f"scanned PDF, {pages} Letter pages of 10 pt print (scanned at 200 dpi):")
    print(f"{'render dpi':>10} {'s/page':>7} {'pages/min':>9} {'words':>6}")
    for row in rows:
        mark = "  (chosen)" if row["chosen"] else ""
        print(
            f"{row['render_dpi']:>10} {row['seconds_per_page']:7.2f} "
            f"{row['pages_per_minute']:9.1f} {row['worst_page_word_accuracy']:6.1%}{mark}"
        )
    text_rate = 60 * 100 / text_seconds
    print(f"text-layer PDF: {text_rate:.0f} pages per minute (100 pages of 30 lines)")
    return {
        "pages": pages,
        "print": "Letter, 10 pt DejaVu Sans Bold, scanned at 200 dpi, JPEG quality 85",
        "rows": rows,
        "text_layer_pages_per_minute": round(text_rate, 1),
    }


def settled_page_to_first_line(pages: int) -> dict[str, Any]:
    """Seconds from a settled page to its first line, by step, for each look of the page."""
    from describe_app.core.live.document_check import DOCUMENT_GUIDANCE, DocumentCheck
    from describe_app.core.live.guidance import Cue
    from describe_app.core.reading.page_reader import (
        DOCUMENT_OCR_SETTINGS,
        read_page,
        spoken_blocks,
    )
    from tests.page_scenes import newsletter_page, photographed

    reader = OcrReader(DOCUMENT_OCR_SETTINGS)
    reader.load()
    printed = newsletter_page()
    looks = {"clean": {}, "shadow, blur 1.5 px": {"shadow": True, "blur": 1.5}}
    looks["shadow, blur 2.5 px"] = {"shadow": True, "blur": 2.5}
    now = [0.0]  # the frames' own time, a check interval apart

    def video_time() -> float:
        return now[0]

    rows = []
    for name, look in looks.items():
        frame = photographed(printed.image, **look)  # type: ignore[arg-type]
        checks, reads, accuracy = [], [], 0.0
        for _ in range(pages):
            now[0] = 0.0
            check = DocumentCheck(clock=video_time)
            event = None
            while event is None or event.cue is not Cue.READY:
                start = time.perf_counter()
                event = check.check(frame)
                checks.append(time.perf_counter() - start)
                now[0] += check.interval_s
            start = time.perf_counter()
            page = read_page(event.frame, reader, outline=event.outline)
            first = spoken_blocks(page)[:1]
            reads.append(time.perf_counter() - start)
            accuracy = word_accuracy(printed.lines, page.text)
        check_s, read_s = sorted(checks)[len(checks) // 2], sorted(reads)[len(reads) // 2]
        rows.append(
            {
                "page": name,
                "settle_wait_s": DOCUMENT_GUIDANCE.ready_after_s,
                "frame_check_ms": round(1000 * check_s, 1),
                "read_s": round(read_s, 2),
                "first_line_s": round(DOCUMENT_GUIDANCE.ready_after_s + check_s + read_s, 2),
                "first_line": first[0] if first else "",
                "word_accuracy": round(accuracy, 4),
            }
        )
    print("document mode, a settled page to its first line (median of", pages, "runs):")
    print(f"{'page':>20} {'settle s':>8} {'check ms':>8} {'read s':>6} {'first s':>7} {'words':>6}")
    for row in rows:
        print(
            f"{row['page']:>20} {row['settle_wait_s']:8.1f} {row['frame_check_ms']:8.1f} "
            f"{row['read_s']:6.2f} {row['first_line_s']:7.2f} {row['word_accuracy']:6.1%}"
        )
    return {"frame": "1280x960, page 1000x1300 px warped to about 650x800", "rows": rows}


def text_pdf_with_drawings(pages: int) -> dict[str, Any]:
    """Pages per minute for a text PDF whose pages have drawings that are no form (rules, an
    underline, a framed table): each page's drawings are looked over for a form's lines and
    boxes; a page is rendered and searched only where they may hold one."""
    pages = max(pages, 20)
    rendered: list[float] = []
    render = PdfPages.render

    def counted(self: PdfPages, index: int, dpi: float) -> Any:
        rendered.append(dpi)
        return render(self, index, dpi)

    reader = OcrReader()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(report_pdf(pages))
        PdfPages.render = counted  # type: ignore[method-assign]
        try:
            read_document(path, reader)  # (fonts and modules loaded)
            rendered.clear()
            start = time.perf_counter()
            read_document(path, reader)
            seconds = time.perf_counter() - start
        finally:
            PdfPages.render = render  # type: ignore[method-assign]
    print(
        f"text PDF with drawings, {pages} report pages: {seconds / pages * 1000:.1f} ms a page, "
        f"{len(rendered)} pages rendered"
    )
    return {
        "pages": pages,
        "ms_per_page": round(seconds / pages * 1000, 1),
        "pages_rendered": len(rendered),
    }


def bowed_page(pages: int) -> dict[str, Any]:
    """Words in order and seconds to read a photographed page bowed by 0 to 30 pixels,
    with the bow taken out (describe_app.core.reading.page_curl) and without."""
    from describe_app.core.reading import page_curl
    from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS, read_page
    from tests import letter_scenes as scenes
    from tests.page_scenes import bowed, newsletter_page, photographed

    reader = OcrReader(DOCUMENT_OCR_SETTINGS)
    reader.load()
    sheets = {
        "newsletter": _sheet(newsletter_page()),
        "letter (held out)": _sheet(scenes.business_letter(scenes.HELD_OUT, scenes.SERIF)),
        "three columns (held out)": _sheet(scenes.three_columns(scenes.HELD_OUT, scenes.SERIF)),
    }
    real = page_curl.unbowed
    rows = []
    for name, (image, lines) in sheets.items():
        for amount, shape in ((0, "arch"), (20, "arch"), (25, "bowl"), (30, "top curl")):
            frame = bowed(photographed(image), amount, shape)
            row: dict[str, Any] = {"page": name, "bow_px": amount, "shape": shape}
            for label in ("without", "with"):
                if label == "without":  # (the page is flattened only once read again)
                    page_curl.unbowed = lambda image, boxes: None
                try:
                    start = time.perf_counter()
                    page = read_page(frame, reader, keep_image=False)
                    row[f"{label}_s"] = round(time.perf_counter() - start, 2)
                    row[f"{label}_words"] = round(word_accuracy(lines, page.text), 3)
                finally:
                    page_curl.unbowed = real
            rows.append(row)
    print(
        f"{'page':>26} {'bow':>11} {'words without':>13} {'with':>6} {'s without':>9} {'with':>5}"
    )
    for row in rows:
        bow = f"{row['bow_px']} {row['shape']}"
        print(
            f"{row['page']:>26} {bow:>11} {row['without_words']:13.1%} {row['with_words']:6.1%} "
            f"{row['without_s']:9.2f} {row['with_s']:5.2f}"
        )
    return {"frame": "1280x960, the page warped to about 650x800, then bowed", "rows": rows}


def _sheet(sheet: Any) -> tuple[Any, list[str]]:
    return sheet.image, sheet.lines


#: The parts, by name: each takes the page count and returns its results.
PARTS: dict[str, Callable[[int], dict[str, Any]]] = {
    "scanned_pdf": scanned_pdf_pages_per_minute,
    "settled_page": settled_page_to_first_line,
    "text_pdf_drawings": text_pdf_with_drawings,
    "bowed_page": bowed_page,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), help="run only this part")
    parser.add_argument("--pages", type=int, default=4, help="pages per measurement")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if RESULTS.exists():
        report = json.loads(RESULTS.read_text())
    for name, part in PARTS.items():
        if args.part in (None, name):
            report[name] = part(args.pages)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} (1 min) on {os.cpu_count()} cores")
    from machine import stamp

    stamp(report)
    report["machine"]["load_average_1_5_15_min"] = [round(x, 2) for x in load]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
