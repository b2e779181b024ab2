"""Documents in the core: PDFs (text layer and scans), multi-page TIFFs, page ranges,
progress and stopping, and saving as text, Markdown and a searchable PDF."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from describe_app.core.errors import ImageError
from describe_app.core.reading.document import BLOCK_KINDS, Block, Document, Line, Page, TextPiece
from describe_app.core.reading.document_export import (
    document_markdown,
    document_text,
    page_markdown,
    save_document,
)
from describe_app.core.reading.document_reader import ReadOptions, read_document
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_range import parse_pages
from tests.document_scenes import (
    encrypted_pdf,
    multipage_tiff,
    page_lines,
    printed_page,
    scanned_pdf,
    text_pdf,
    word_accuracy,
)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, scan_reader: OcrReader) -> Document:
    """Two scanned pages of 11 pt print, scanned at 200 dpi, as picture-only PDF pages,
    read once (their pictures kept, for the searchable PDF)."""
    path = tmp_path_factory.mktemp("scans") / "scanned.pdf"
    pictures = [printed_page(page_lines(n, count=8), dpi=200, point_size=11) for n in (1, 2)]
    path.write_bytes(scanned_pdf(pictures))
    return read_document(path, scan_reader, ReadOptions(keep_images=True))


def test_text_pdf_is_read_exactly_from_its_text_layer(
    tmp_path: Path, scan_reader: OcrReader
) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(text_pdf([page_lines(1), page_lines(2), page_lines(3)]))
    start = time.perf_counter()
    document = read_document(path, scan_reader)
    assert time.perf_counter() - start < 2.0  # no OCR
    assert document.page_count == 3
    assert [page.number for page in document.pages] == [1, 2, 3]
    for page, number in zip(document.pages, (1, 2, 3), strict=True):
        assert page.from_text_layer and page.image is None
        assert [line.text for line in page.lines] == page_lines(number)
    first = document.pages[0].lines[0].pieces[0].box  # "Page 1 notice" at 72 pt, baseline 90
    assert first[0] == pytest.approx(72, abs=3) and first[3] == pytest.approx(90, abs=4)


def test_scanned_pdf_is_read_by_ocr(scanned: Document) -> None:
    document = scanned
    assert [page.from_text_layer for page in document.pages] == [False, False]
    for page, number in zip(document.pages, (1, 2), strict=True):
        accuracy = word_accuracy(page_lines(number, count=8), page.text)
        assert accuracy >= 0.95, (accuracy, page.text)
    assert document.pages[0].lines[0].text == "Page 1 notice"


def test_pages_picks_pages(tmp_path: Path, scan_reader: OcrReader) -> None:
    path = tmp_path / "five.pdf"
    path.write_bytes(text_pdf([page_lines(n) for n in range(1, 6)]))
    document = read_document(path, scan_reader, ReadOptions(pages="4-,2"))
    assert [page.number for page in document.pages] == [4, 5, 2]
    assert document.pages[0].lines[0].text == "Page 4 notice"
    with pytest.raises(ImageError, match=r"There is no page 7: the document has 5 pages\."):
        read_document(path, scan_reader, ReadOptions(pages="2-7"))


@pytest.mark.parametrize(
    ("text", "pages"),
    [("", [0, 1, 2, 3]), ("2-3", [1, 2]), ("1,3", [0, 2]), ("3-", [2, 3]), (" 2 , 2 ", [1])],
)
def test_page_ranges(text: str, pages: list[int]) -> None:
    assert parse_pages(text, 4) == pages


@pytest.mark.parametrize("text", ["two", "3-1", "0", "1-x"])
def test_page_range_not_understood(text: str) -> None:
    with pytest.raises(ImageError, match=r"is not a page range\. Write it like 2-5"):
        parse_pages(text, 4)


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("cut.pdf", "is damaged or is not a PDF"),
        ("locked.pdf", "is locked with a password"),
        ("empty.pdf", "is empty"),
    ],
)
def test_bad_pdfs_are_one_sentence(
    tmp_path: Path, scan_reader: OcrReader, name: str, needle: str
) -> None:
    whole = text_pdf([page_lines(1)])
    data = {
        "cut.pdf": whole[: len(whole) // 3],
        "locked.pdf": encrypted_pdf(page_lines(1)),
        "empty.pdf": b"",
    }[name]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ImageError, match=needle) as caught:
        read_document(tmp_path / name, scan_reader)
    assert "\n" not in str(caught.value) and caught.value.exit_code == 2


def test_long_pdf_shows_progress_and_stops_keeping_pages_read(
    tmp_path: Path, scan_reader: OcrReader
) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pdf([[f"Page {n} notice", "more words here"] for n in range(1, 501)]))
    cancel = threading.Event()
    progress: list[str] = []

    def on_page(page: Page) -> None:
        if page.number == 2:
            cancel.set()  # what Stop does from another thread

    document = read_document(
        path, scan_reader, on_progress=progress.append, on_page=on_page, cancel=cancel
    )
    assert progress == ["Page 1 of 500.", "Page 2 of 500."]
    assert [page.number for page in document.pages] == [1, 2]
    assert document.stopped and document.page_count == 500
    assert document.text.splitlines()[0] == "Page 1 notice"


def test_multipage_tiff_is_read_page_by_page(tmp_path: Path, scan_reader: OcrReader) -> None:
    pictures = [printed_page(page_lines(n, count=4), dpi=150, point_size=14) for n in (1, 2)]
    path = multipage_tiff(pictures, tmp_path / "scan.tiff")
    progress: list[str] = []
    document = read_document(path, scan_reader, on_progress=progress.append)
    assert progress == ["Page 1 of 2.", "Page 2 of 2."]
    for page, number in zip(document.pages, (1, 2), strict=True):
        assert word_accuracy(page_lines(number, count=4), page.text) >= 0.95, page.text


def test_searchable_pdf_words_are_found_where_they_are_seen(
    tmp_path: Path, scanned: Document
) -> None:
    out = tmp_path / "searchable.pdf"
    save_document(scanned, out)
    pdf = pdfium.PdfDocument(out)
    try:
        assert len(pdf) == 2
        page = pdf[0]
        width, height = page.get_size()
        assert width == pytest.approx(612, abs=2) and height == pytest.approx(792, abs=2)
        textpage = page.get_textpage()
        found = textpage.get_text_range()
        assert word_accuracy(page_lines(1, count=8), found) >= 0.95, found
        # the printed page puts line i at one inch from the left, 1 + i * 11 * 1.8 / 72 in
        # from the top: the words must be found there (PDF y grows upwards)
        for index in (0, 4, 7):
            word = page_lines(1, count=8)[index].split()[0]
            search = textpage.search(word, match_case=True, match_whole_word=True)
            hits = []
            while (hit := search.get_next()) is not None:
                hits.append(textpage.get_charbox(hit[0]))
            top = 72 + index * 11 * 1.8
            assert any(
                abs(left - 72) < 8 and abs((height - box_top) - top) < 8
                for left, _bottom, _right, box_top in hits
            ), (word, hits)
        textpage.close()
    finally:
        pdf.close()


def test_text_and_markdown_exports(tmp_path: Path) -> None:
    piece = TextPiece("Café naïve Straße", (10, 10, 200, 30))
    pages = [
        Page(1, [Line("# not a heading"), Line("Dear Sam,")], (612, 792)),
        Page(2, [Line(piece.text, (piece,))], (612, 792), picture_descriptions=["A cat."]),
    ]
    document = Document("letter.pdf", pages, page_count=2)
    assert document_text(document) == (
        "Page 1\n# not a heading\nDear Sam,\n\nPage 2\nCafé naïve Straße\nPicture: A cat.\n"
    )
    markdown = document_markdown(document)
    assert markdown.startswith("## Page 1\n\n\\# not a heading  \nDear Sam,\n\n## Page 2")
    assert markdown.endswith("> Picture: A cat.\n")
    save_document(document, tmp_path / "letter.pdf")  # a text page: written visibly
    pdf = pdfium.PdfDocument(tmp_path / "letter.pdf")
    try:
        assert "Dear Sam," in pdf[0].get_textpage().get_text_range()
        assert "Café naïve Straße" in pdf[1].get_textpage().get_text_range()
    finally:
        pdf.close()
    with pytest.raises(ImageError, match=r"as \.txt, \.md or \.pdf, not as letter\.doc\."):
        save_document(document, tmp_path / "letter.doc")


def test_markdown_from_a_page_layout() -> None:
    blocks = {
        "heading": Block("heading", "Your bill", level=2),
        "paragraph": Block("paragraph", "1. Pay by Friday."),
        "list_item": Block("list_item", "Water"),
        "table": Block("table", "Item | Cost\nWater | 12"),
    }
    assert sorted(blocks) == sorted(BLOCK_KINDS)
    page = Page(1, [], (612, 792), blocks=list(blocks.values()))
    assert page_markdown(page) == [
        "## Your bill",
        "1\\. Pay by Friday.",
        "- Water",
        "| Item | Cost |\n| --- | --- |\n| Water | 12 |",
    ]
