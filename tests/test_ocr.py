"""Text reading (OCR): real RapidOCR on real photos, reading order, failures."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from describe_app.core.errors import OcrError
from describe_app.core.reading.ocr_reader import NO_TEXT_SENTENCE, OcrReader, OcrResult, OcrSettings
from describe_app.core.reading.page_layout import lines_in_reading_order
from describe_app.core.reading.reading_order import (
    TextBox,
    estimate_skew,
    group_lines,
    reading_order,
)
from tests.sign_scenes import SIGN, photo, sign_on_photo


@pytest.fixture(scope="module")
def reader() -> OcrReader:
    ocr = OcrReader()
    ocr.load()
    return ocr


# --- the real engine on real photos -------------------------------------------------------


def test_reads_exact_lines_on_tilted_jpeg_photo(reader: OcrReader) -> None:
    result = reader.read(sign_on_photo("coffee", SIGN, angle=2.5))

    assert result.lines == SIGN
    assert result.text == "EXIT ONLY\nGate 12\nOpen 9 to 5"
    assert result.sentence == result.text
    assert not result.is_empty
    assert 0.0 < result.seconds < 10.0


def test_reads_smaller_text_tilted_the_other_way(reader: OcrReader) -> None:
    lines = ["Platform 3 to Leeds", "Mind the gap"]
    result = reader.read(sign_on_photo("astronaut", lines, angle=-3.0, font_px=28))

    assert result.lines == lines


@pytest.mark.parametrize(
    ("name", "size"),
    [("coffee", (600, 400)), ("coffee", (640, 480)), ("chelsea", (640, 480))],
)
def test_photo_without_text_says_no_text_found(
    reader: OcrReader, name: str, size: tuple[int, int]
) -> None:
    # The cup (read as "8") and the cat's eye (read as "0") are stray glyphs we drop.
    result = reader.read(photo(name, size))

    assert result.is_empty
    assert result.lines == []
    assert result.text == ""
    assert result.sentence == "No text found."


def test_reading_prints_nothing(reader: OcrReader, capfd: pytest.CaptureFixture[str]) -> None:
    reader.read(photo("coffee"))  # RapidOCR warns "detection result is empty" at its default
    reader.read(sign_on_photo("coffee", SIGN, angle=2.0))

    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_reads_from_a_worker_thread(reader: OcrReader) -> None:
    found: list[OcrResult] = []
    worker = threading.Thread(
        target=lambda: found.append(reader.read(sign_on_photo("coffee", SIGN, angle=-2.0)))
    )
    worker.start()
    worker.join(30)

    assert [r.lines for r in found] == [SIGN]


def test_accepts_other_picture_modes(reader: OcrReader) -> None:
    grey = sign_on_photo("coffee", SIGN, angle=2.0).convert("L")

    assert reader.read(grey).lines == SIGN


def test_importing_the_reader_does_not_import_rapidocr() -> None:
    code = (
        "import sys, describe_app.core.reading.ocr_reader as m; m.OcrReader(); "
        "assert 'rapidocr' not in sys.modules and 'onnxruntime' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- failures -----------------------------------------------------------------------------


def test_engine_that_cannot_load_raises_ocr_error() -> None:
    def broken(_params: dict[str, Any]) -> Any:
        raise FileNotFoundError("PP-OCRv6_det_small.onnx does not exist.")

    ocr = OcrReader(engine_factory=broken)

    with pytest.raises(OcrError, match=r"^Text reading is not available: .*\.$"):
        ocr.load()
    with pytest.raises(OcrError):
        ocr.read(Image.new("RGB", (64, 64)))
    assert not ocr.is_loaded


def test_missing_model_file_raises_ocr_error(tmp_path: Path) -> None:
    from rapidocr import RapidOCR

    params = {**OcrSettings().engine_params(), "Det.model_path": str(tmp_path / "none.onnx")}
    ocr = OcrReader(engine_factory=lambda _p: RapidOCR(params=params))

    with pytest.raises(OcrError, match="could not be loaded"):
        ocr.load()


@pytest.mark.parametrize("bad", [None, b"\x89PNG", "photo.jpg"])
def test_not_a_picture_raises_ocr_error(reader: OcrReader, bad: Any) -> None:
    with pytest.raises(OcrError, match=r"^Text can only be read from a picture\.$"):
        reader.read(bad)


def test_empty_picture_raises_ocr_error(reader: OcrReader) -> None:
    with pytest.raises(OcrError, match="empty"):
        reader.read(Image.new("RGB", (0, 0)))


def test_engine_failure_during_read_raises_ocr_error() -> None:
    class Engine:
        calls = 0

        def __call__(self, image: Image.Image, **_flags: bool) -> Any:
            Engine.calls += 1
            if Engine.calls > 2:  # after the two warm-up calls
                raise RuntimeError("onnxruntime exploded")
            return SimpleNamespace(txts=None, boxes=None, scores=None)

    ocr = OcrReader(engine_factory=lambda _p: Engine())

    with pytest.raises(OcrError, match=r"^The text in this picture could not be read\.$"):
        ocr.read(Image.new("RGB", (64, 64)))


def test_fake_engine_output_is_filtered_and_ordered() -> None:
    def box(x: float, y: float, w: float, h: float) -> list[list[float]]:
        return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]

    output = SimpleNamespace(
        txts=("world", "hello", "8", "second line", "x"),
        boxes=[
            box(200, 10, 80, 30),
            box(100, 12, 80, 30),
            box(0, 0, 640, 480),  # a frame-sized blob read as one glyph
            box(100, 60, 200, 30),
            box(400, 300, 20, 20),  # a doubtful lone glyph
        ],
        scores=(0.99, 0.98, 0.97, 0.95, 0.8),
    )
    ocr = OcrReader(engine_factory=lambda _p: lambda image, **flags: output)

    result = ocr.read(Image.new("RGB", (640, 480)))

    assert result.lines == ["hello world", "second line"]


def test_a_lone_digit_of_a_screen_is_kept_where_a_photos_is_dropped() -> None:
    """A table's "7" scored 0.79-0.93 on a screen: a photo drops it (a cat's eye read as
    "0"), a screen keeps it; a lone letter stays as strict on both."""
    from describe_app.core.describe.screen_conversation import screen_ocr_settings

    def box(x: float, y: float) -> list[list[float]]:
        return [[x, y], [x + 10, y], [x + 10, y + 14], [x, y + 14]]

    output = SimpleNamespace(
        txts=("Bob", "7", "x", "6"),
        boxes=[box(10, 10), box(200, 10), box(10, 40), box(200, 40)],
        scores=(0.99, 0.79, 0.8, 0.6),
    )

    def read(settings: OcrSettings | None) -> list[str]:
        ocr = OcrReader(settings, engine_factory=lambda _p: lambda image, **flags: output)
        return ocr.read(Image.new("RGB", (640, 480))).lines

    assert read(None) == ["Bob"]
    assert read(screen_ocr_settings()) == ["Bob 7"]


@pytest.mark.parametrize("size", [(5000, 10), (10, 3000), (20000, 40)])
def test_a_picture_thinner_than_the_detector_can_shrink_has_no_text_and_no_error(
    scan_reader: OcrReader, size: tuple[int, int]
) -> None:
    """A strip 5000x10 shrunk to the detector's 960 px would be 2 px high: the engine
    failed ("The text in this picture could not be read.") on a picture with no text."""
    assert scan_reader.read(Image.new("RGB", size, "white")).lines == []


def test_text_on_a_long_strip_is_still_read(scan_reader: OcrReader) -> None:
    """A status line 4000x40: made taller (on its own colour) for the detector, read, its
    boxes where the words are."""
    from PIL import ImageDraw, ImageFont

    strip = Image.new("RGB", (4000, 40), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 28)
    ImageDraw.Draw(strip).text((10, 5), "A long status line with words in it", "black", font)
    result = scan_reader.read(strip)
    assert result.lines == ["A long status line with words in it"]
    assert all(box.corners[2][1] <= 45 for line in result.line_boxes for box in line)


def test_result_sentences() -> None:
    assert OcrResult().sentence == NO_TEXT_SENTENCE == "No text found."
    assert OcrResult(lines=["A", "B"]).text == "A\nB"


# --- reading order, no engine -------------------------------------------------------------


def _tilted(text: str, x: float, y: float, w: float, h: float, degrees: float) -> TextBox:
    """A box whose top-left corner is (x, y) on a page turned by ``degrees`` about (0, 0)."""
    import math

    a = math.radians(degrees)

    def turn(px: float, py: float) -> tuple[float, float]:
        return (px * math.cos(a) - py * math.sin(a), px * math.sin(a) + py * math.cos(a))

    return TextBox.from_points(
        text, [turn(x, y), turn(x + w, y), turn(x + w, y + h), turn(x, y + h)]
    )


def test_words_out_of_order_come_back_in_lines() -> None:
    boxes = [
        _tilted("to 5", 260, 120, 90, 36, 0),
        _tilted("ONLY", 170, 20, 100, 36, 0),
        _tilted("Open 9", 40, 121, 200, 36, 0),
        _tilted("Gate", 40, 70, 90, 36, 0),
        _tilted("EXIT", 40, 22, 110, 36, 0),
        _tilted("12", 150, 69, 50, 36, 0),
    ]

    assert reading_order(boxes) == ["EXIT ONLY", "Gate 12", "Open 9 to 5"]


@pytest.mark.parametrize("degrees", [-5.0, -3.0, 2.5, 4.0])
def test_slightly_rotated_long_lines_stay_together(degrees: float) -> None:
    # Words spread over 600 px: at 4 degrees the last word sits 40 px lower than the first,
    # more than the 30 px line pitch, so grouping by raw y would mix the lines up.
    words = [("one", 0), ("two", 150), ("three", 300), ("four", 450)]
    boxes = [
        _tilted(f"{word}{row}", 20 + x, 20 + 30 * row, 120, 24, degrees)
        for row in range(3)
        for word, x in words
    ]

    lines = reading_order(list(reversed(boxes)))

    assert lines == [" ".join(f"{w}{row}" for w, _ in words) for row in range(3)]
    assert estimate_skew(boxes) == pytest.approx(degrees, abs=0.01)


def test_two_lines_close_together_are_kept_apart() -> None:
    # Detector boxes are padded, so boxes of neighbouring lines overlap by a few pixels.
    boxes = [
        _tilted("upper right", 200, 100, 150, 30, 0),
        _tilted("lower left", 10, 124, 150, 30, 0),
        _tilted("upper left", 10, 101, 150, 30, 0),
        _tilted("lower right", 200, 125, 150, 30, 0),
    ]

    assert reading_order(boxes) == ["upper left upper right", "lower left lower right"]


def test_small_and_tall_text_on_one_line() -> None:
    # A big capital and small print sharing a baseline area still form one line.
    boxes = [_tilted("small print", 120, 30, 120, 20, 0), _tilted("BIG", 10, 10, 100, 50, 0)]

    assert group_lines(boxes) == [[boxes[1], boxes[0]]]


def test_a_box_tilted_more_than_its_list_keeps_to_its_row() -> None:
    """A screen's list, rows 14 pixels apart: OCR drew "Downloads" tilted by two pixels
    over its 74 (the list's other words lie level). Its highest and lowest corners
    reached half-way into the row above, and it was read with "Documents"."""
    words = ["Home", "Desktop", "Documents"]
    boxes = [_tilted("Home", 0, 27, 44, 21, 0), _tilted("Desktop", 0, 40, 57, 22, 0)]
    boxes.append(_tilted("Documents", 0, 56, 76, 20, 0))
    boxes.append(TextBox.from_points("Downloads", [(0, 69), (74, 66), (74, 88), (0, 90)]))
    boxes.append(_tilted("Music", 0, 83, 43, 21, 0))

    assert reading_order(boxes) == [*words, "Downloads", "Music"]
    layout = [line.text for line in lines_in_reading_order(boxes)]
    assert layout == [*words, "Downloads", "Music"]


def test_reading_order_of_nothing_and_blank_texts() -> None:
    assert reading_order([]) == []
    assert reading_order([_tilted("  ", 0, 0, 50, 20, 0)]) == []
