"""A bowed page (a book's page curling, a letter folded and not quite flat) is read flat:
its columns one after the other and its long lines whole, while a flat page is read once
and left as it is (:mod:`describe_app.core.reading.page_curl`)."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from describe_app.core.reading.document_reader import ocr_page
from describe_app.core.reading.ocr_reader import OcrReader, OcrResult
from describe_app.core.reading.page_curl import flattened, unbowed
from describe_app.core.reading.page_reader import read_page
from describe_app.core.reading.reading_order import TextBox
from tests import letter_scenes as scenes
from tests.document_scenes import word_accuracy
from tests.letter_scenes import HELD_OUT, SERIF
from tests.page_scenes import bowed, newsletter_page, photographed


@pytest.mark.parametrize(("amount", "shape"), [(20, "arch"), (25, "bowl"), (30, "top curl")])
def test_a_bowed_newsletter_is_read_column_by_column(
    page_reader: OcrReader, amount: float, shape: str
) -> None:
    printed = newsletter_page()
    page = read_page(bowed(photographed(printed.image), amount, shape), page_reader)
    # before: 50-72 % of the words in order, a line of each column read as one
    assert word_accuracy(printed.lines, page.text) >= 0.98
    assert not any("ready for" in line.text and "gate" in line.text for line in page.lines)


def test_held_out_three_columns_bowed_are_read_column_by_column(page_reader: OcrReader) -> None:
    sheet = scenes.three_columns(HELD_OUT, SERIF)
    page = read_page(bowed(photographed(sheet.image), 25, "bowl"), page_reader)
    assert word_accuracy(sheet.lines, page.text) >= 0.98  # was 0.50


def test_a_bowed_letter_keeps_its_paragraphs(page_reader: OcrReader) -> None:
    """OCR lost the long lines of the bowed letter (it kept the addresses): it is read again
    made flat."""
    sheet = scenes.business_letter(HELD_OUT, SERIF)
    page = read_page(bowed(photographed(sheet.image), 25, "arch"), page_reader)
    assert word_accuracy(sheet.lines, page.text) >= 0.93  # was 0.38
    assert "reminder" in page.text


class _CountingReader:
    def __init__(self, reader: OcrReader) -> None:
        self.reader, self.reads = reader, 0

    def load(self) -> None:
        self.reader.load()

    def read(self, image: Image.Image) -> OcrResult:
        self.reads += 1
        return self.reader.read(image)


def test_a_flat_page_is_read_once_and_left_as_it_is(page_reader: OcrReader) -> None:
    printed = newsletter_page()
    counting = _CountingReader(page_reader)
    page = ocr_page(1, printed.image, counting, keep_image=True)
    assert counting.reads == 1
    assert page.image is printed.image
    assert word_accuracy(printed.lines, page.text) >= 0.98


def _arc_boxes(sag: float, *, lines: int = 12) -> list[TextBox]:
    """The boxes of two columns of words on a page 800 px wide whose lines are arcs that
    rise by ``sag`` pixels in the middle (each box a chord of its arc)."""

    def rise(x: float) -> float:
        return -sag * math.sin(math.pi * x / 800)

    boxes = []
    for row in range(lines):
        base = 100 + 40 * row
        for left, right in ((60, 360), (440, 740)):
            top_left, top_right = base + rise(left), base + rise(right)
            boxes.append(
                TextBox.from_points(
                    f"words of line {row}",
                    (
                        (left, top_left),
                        (right, top_right),
                        (right, top_right + 28),
                        (left, top_left + 28),
                    ),
                )
            )
    return boxes


def test_boxes_on_arcs_are_made_level() -> None:
    picture = Image.new("RGB", (800, 700), "white")
    boxes = _arc_boxes(30)
    assert unbowed(picture, boxes) is not None
    _picture, level = flattened(picture, boxes)
    for left, right in zip(level[::2], level[1::2], strict=True):
        tops = [y for _x, y in (*left.corners[:2], *right.corners[:2])]
        assert max(tops) - min(tops) < 6, tops  # was 30 - 6 apart: 21 px


def test_boxes_of_a_flat_page_are_left_alone() -> None:
    picture = Image.new("RGB", (800, 700), "white")
    boxes = _arc_boxes(0)
    assert unbowed(picture, boxes) is None
    same, level = flattened(picture, boxes)
    assert same is picture and level == boxes
