"""Documents unlike the usual test pages: page ranges typed loosely, a PDF without pages,
a PDF read with ``--layout`` (Markdown a reader can parse, numbered steps kept), pages
lying on their side or upside down, and two columns read one after the other, from a scan
and from a photo."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image

from describe_app.cli import main
from describe_app.core.errors import ImageError
from describe_app.core.reading.document_reader import (
    SCAN_OCR_SETTINGS,
    ocr_page,
    read_document,
)
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_range import parse_pages
from tests.document_scenes import (
    encrypted_pdf,
    page_lines,
    printed_page,
    scanned_pdf,
    word_accuracy,
)
from tests.page_scenes import newsletter_page, photographed


def test_an_empty_part_of_a_page_range_is_no_page() -> None:
    assert parse_pages("3,", 12) == [2]  # a trailing comma read page 1 too
    assert parse_pages("1,,3", 5) == [0, 2]
    with pytest.raises(ImageError, match="is not a page range"):
        parse_pages(",", 5)


def test_a_page_past_the_end_of_a_one_page_document_is_said_in_the_singular() -> None:
    with pytest.raises(ImageError, match=r"^There is no page 2: the document has 1 page\.$"):
        parse_pages("2", 1)


def test_a_pdf_without_pages_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nothing.pdf"
    pdfium.PdfDocument.new().save(path)
    with pytest.raises(ImageError, match=r"^nothing\.pdf has no pages\.$"):
        read_document(path, OcrReader(SCAN_OCR_SETTINGS))


def test_a_pdf_without_pages_after_a_locked_one_is_not_called_locked(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(["Secret"]))
    with pytest.raises(ImageError, match="locked with a password"):
        read_document(locked, OcrReader(SCAN_OCR_SETTINGS))
    # PDFium's last error is the whole process's: still the password from the file before
    empty = tmp_path / "nothing.pdf"
    pdfium.PdfDocument.new().save(empty)
    with pytest.raises(ImageError, match=r"^nothing\.pdf has no pages\.$"):
        read_document(empty, OcrReader(SCAN_OCR_SETTINGS))


def _steps_pdf(path: Path) -> Path:
    pdf = FPDF(unit="pt", format="a4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=24)
    pdf.text(72, 90, "Setting up the pump")
    pdf.set_font("Helvetica", size=11)
    body = [
        (130, "The pump comes in one box with its hose and a short guide."),
        (145, "Keep the guide with your other papers."),
        (185, "Ask the shop if a part is missing."),
        (225, "1. Open the box"),
        (240, "2. Take out the pump"),
    ]
    for y, line in body:
        pdf.text(72, y, line)
    path.write_bytes(bytes(pdf.output()))
    return path


def test_a_pdf_read_with_layout_is_markdown_with_its_blocks_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _steps_pdf(tmp_path / "pump.pdf")
    assert main(["read", str(path), "--layout"]) == 0
    blocks = capsys.readouterr().out.strip().split("\n\n")
    # each block its own Markdown paragraph (they were printed on adjacent lines, which a
    # Markdown reader joins into one), and the numbers of the steps kept
    assert blocks == [
        "# Setting up the pump",
        "The pump comes in one box with its hose and a short guide. "
        "Keep the guide with your other papers.",
        "Ask the shop if a part is missing.",
        "1. Open the box",
        "2. Take out the pump",
    ]
    assert main(["read", str(path), "--layout", "--json"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["markdown"] == "\n\n".join(blocks)
    assert [b["kind"] for b in page["blocks"]] == ["heading"] + ["paragraph"] * 2 + [
        "list_item"
    ] * 2


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_scanned_page_lying_turned_is_read_upright(scan_reader: OcrReader, degrees: int) -> None:
    lines = page_lines(1, count=6)
    scan = printed_page(lines, dpi=100).rotate(degrees, expand=True)
    page = ocr_page(1, scan, scan_reader, keep_image=True)
    assert word_accuracy(lines, page.text) >= 0.95  # was 0.01 to 0.5: garbage or scrambled
    assert page.image is not None and page.image.width < page.image.height  # upright again
    assert page.size == (page.image.width, page.image.height)


def test_two_columns_of_a_scan_are_read_one_after_the_other(
    tmp_path: Path, scan_reader: OcrReader
) -> None:
    printed = newsletter_page()
    path = tmp_path / "news.pdf"
    path.write_bytes(scanned_pdf([printed.image]))
    document = read_document(path, scan_reader)
    # row by row, the columns' lines were interleaved: 0.64 of the words in order
    assert word_accuracy(printed.lines, document.text) >= 0.97


def test_read_gives_a_photographed_page_column_after_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = newsletter_page()
    path = tmp_path / "page.jpg"
    cv2.imwrite(str(path), photographed(printed.image))
    assert main(["read", str(path)]) == 0
    assert word_accuracy(printed.lines, capsys.readouterr().out) >= 0.95  # was 0.64


def test_read_turns_a_sideways_photo_of_text_upright(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = page_lines(2, count=5)
    path = tmp_path / "sideways.png"
    printed_page(lines, dpi=100).rotate(90, expand=True).save(path)
    assert main(["read", str(path)]) == 0
    assert word_accuracy(lines, capsys.readouterr().out) >= 0.95


def test_an_upright_page_is_read_once(scan_reader: OcrReader) -> None:
    calls: list[Image.Image] = []

    class Counting:
        def load(self) -> None:
            scan_reader.load()

        def read(self, image: Image.Image):  # type: ignore[no-untyped-def]
            calls.append(image)
            return scan_reader.read(image)

    ocr_page(1, printed_page(page_lines(3, count=4), dpi=100), Counting(), keep_image=False)
    assert len(calls) == 1


def _row_by_row_pdf(path: Path) -> tuple[Path, list[str]]:
    """Two columns of prose written a row at a time (left line, right line, ...), as some
    PDF makers do, and a table of widely spaced rows under them."""
    left = page_lines(1, count=9)[1:]
    right = page_lines(4, count=9)[1:]
    pdf = FPDF(unit="pt", format="a4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        pdf.text(40, 100 + i * 12, a)
        pdf.text(300, 100 + i * 12, b)
    for i, row in enumerate([["Item", "Qty", "Price"], ["Gloves", "2", "4.50"]]):
        for j, cell in enumerate(row):
            pdf.text(40 + j * 150, 240 + i * 14, cell)
    path.write_bytes(bytes(pdf.output()))
    return path, [*left, *right, "Item Qty Price", "Gloves 2 4.50"]


def test_columns_written_row_by_row_in_a_pdf_are_read_one_after_the_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, lines = _row_by_row_pdf(tmp_path / "rows.pdf")
    assert main(["read", str(path)]) == 0
    # PDFium gives "left line right line" as one line: 0.5 of the words were in order
    assert capsys.readouterr().out.splitlines() == lines
    assert main(["read", str(path), "--layout"]) == 0
    blocks = capsys.readouterr().out.strip().split("\n\n")
    assert blocks[:2] == [" ".join(lines[:8]), " ".join(lines[8:16])]
    assert blocks[2].splitlines() == [
        "| Item | Qty | Price |",
        "| --- | --- | --- |",
        "| Gloves | 2 | 4.50 |",
    ]


def test_the_line_before_a_list_is_a_paragraph_and_prices_are_not_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = FPDF(unit="pt", format="a4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = [(100, "You will need these things:"), (116, "- gloves"), (132, "- a spade")]
    for y, line in [*lines, (160, "4.50 in all")]:  # the last after a space
        pdf.text(72, y, line)
    path = tmp_path / "list.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert main(["read", str(path), "--layout"]) == 0
    blocks = capsys.readouterr().out.strip().split("\n\n")
    # the introduction was taken for an item whose bullet OCR had missed; "4.50" was "4\.50"
    assert blocks == ["You will need these things:", "- gloves", "- a spade", "4.50 in all"]


@pytest.mark.parametrize("degrees", [-10, 6])
def test_a_scan_fed_askew_keeps_its_lines_and_columns(
    scan_reader: OcrReader, degrees: float
) -> None:
    printed = newsletter_page()
    scan = printed.image.rotate(degrees, expand=True, fillcolor="white")
    page = ocr_page(1, scan, scan_reader, keep_image=False)
    # columns found on boxes turned level: without that, a page 10 degrees askew had its
    # lines cut and shuffled (0.5), and row by row the columns were interleaved (0.64)
    assert word_accuracy(printed.lines, page.text) >= 0.95
