"""Reading documents unlike the usual test pages (a second QA pass): a title over a table,
two columns of text whose paragraphs break at the same height, a table whose rows are set
far apart, print in a script the bundled OCR does not know, and a TIFF cut short."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from describe_app.cli import main
from describe_app.core.reading.document import Block, TextPiece
from describe_app.core.reading.document_reader import ocr_page, read_document
from describe_app.core.reading.ocr_reader import OcrReader, OcrSettings, unreadable_text
from describe_app.core.reading.page_layout import lay_out, lay_out_page
from tests.document_scenes import (
    multipage_tiff,
    page_lines,
    printed_page,
    with_damaged_page,
    word_accuracy,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
BODY_H = 30.0
LETTER_W = 13.0


def piece(text: str, x: float, y: float, scale: float = 1.0) -> TextPiece:
    """A phrase at (x, y) printed ``scale`` times as big as the body text."""
    return TextPiece(text, (x, y, x + len(text) * LETTER_W * scale, y + BODY_H * scale))


def face(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)


# --- a title over a table -----------------------------------------------------------------

TRAINS = [["Station", "Leaves", "Platform"], ["Leeds", "08:15", "4"], ["York", "08:42", "2"]]


def test_a_title_over_a_table_is_a_heading() -> None:
    # the table's print is the body text: the title alone was its own body, so no heading
    pieces = [piece("Train times", 40, 20, scale=1.5)]
    pieces += [
        piece(c, 40 + 300 * i, 120 + 45 * r)
        for r, row in enumerate(TRAINS)
        for i, c in enumerate(row)
    ]
    _lines, blocks = lay_out(pieces)
    assert [b.kind for b in blocks] == ["heading", "table"]
    assert blocks[0] == Block("heading", "Train times", 1)


# --- two columns of text whose paragraphs break at the same height ------------------------

LEFT = [
    "The town library opened a new",
    "reading room on Saturday with",
    "large print books and audio books.",
    "",
    "The room is on the ground floor",
    "next to the main entrance.",
]
RIGHT = [
    "Volunteers will help visitors",
    "find books and use the reading",
    "machines paid for by donations.",
    "",
    "A coffee morning will be held",
    "there on the first Friday.",
]


def _column(x: float, y: float, lines: list[str]) -> list[TextPiece]:
    pieces, top = [], y
    for text in lines:
        if text:
            pieces.append(piece(text, x, top))
        top += 40 if text else 30
    return pieces


def test_columns_of_text_breaking_level_are_read_one_after_the_other() -> None:
    pieces = [piece("Library Opens New Reading Room", 40, 20, scale=1.6)]
    pieces += _column(40, 120, LEFT) + _column(560, 120, RIGHT)
    lines, blocks = lay_out(pieces)
    # was read as two tables, row by row across both columns
    assert [line.text for line in lines][1:] == [t for t in LEFT + RIGHT if t]
    assert [b.kind for b in blocks] == ["heading"] + ["paragraph"] * 4
    assert blocks[1].text == " ".join(LEFT[:3])


def test_double_spaced_columns_are_read_one_after_the_other() -> None:
    # each line is a band of its own: the columns were read across, line by line
    left, right = LEFT[:3], RIGHT[:3]
    pieces = [piece(t, 40, 100 + 72 * i) for i, t in enumerate(left)]
    pieces += [piece(t, 560, 100 + 72 * i) for i, t in enumerate(right)]
    lines, blocks = lay_out(pieces)
    assert [line.text for line in lines] == left + right
    assert blocks == [Block("paragraph", " ".join(left)), Block("paragraph", " ".join(right))]


def test_double_spaced_text_is_one_paragraph_not_one_a_line() -> None:
    text = ["Double spaced lines are set", "far apart, each a band of", "its own on the page."]
    pieces = [piece("Essay", 40, 20, scale=1.6)]
    pieces += [piece(t, 40, 120 + 72 * i) for i, t in enumerate(text)]
    pieces += [piece("A new paragraph starts", 40, 120 + 72 * 3 + 60)]
    _lines, blocks = lay_out(pieces)
    assert blocks == [
        Block("heading", "Essay", 1),
        Block("paragraph", " ".join(text)),
        Block("paragraph", "A new paragraph starts"),
    ]


def test_short_lines_set_far_apart_stay_apart() -> None:
    pieces = [piece(t, 40, 100 + 72 * i) for i, t in enumerate(["Name:", "Signed:", "Date:"])]
    _lines, blocks = lay_out(pieces)
    assert [b.text for b in blocks] == ["Name:", "Signed:", "Date:"]


def test_two_columns_of_text_side_by_side_are_not_a_table() -> None:
    # a wide gutter: the text fills little of the space to the next column, as cells do
    pieces = _column(40, 120, LEFT[:3]) + _column(740, 120, RIGHT[:3])
    lines, blocks = lay_out(pieces)
    assert [b.kind for b in blocks] == ["paragraph", "paragraph"]
    assert [line.text for line in lines] == LEFT[:3] + RIGHT[:3]


def _article(path: Path) -> Path:
    image = Image.new("RGB", (1100, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), "Library Opens New Reading Room", font=face(40, bold=True), fill="black")
    for x, lines in ((60, LEFT), (590, RIGHT)):
        y = 140
        for text in lines:
            if text:
                draw.text((x, y), text, font=face(24), fill="black")
            y += 36 if text else 24
    image.save(path)
    return path


def test_read_gives_an_article_column_after_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["read", str(_article(tmp_path / "article.png"))]) == 0
    out = capsys.readouterr().out
    expected = ["Library Opens New Reading Room", *filter(None, LEFT + RIGHT)]
    assert word_accuracy(expected, out) > 0.95  # in order: was 0.6, read across


# --- a table whose rows are set far apart -------------------------------------------------

USE = [["Month", "Units", "Cost"], ["January", "412", "98.50"], ["February", "388", "92.10"]]


def test_a_table_with_rows_far_apart_is_a_table() -> None:
    pieces = [
        piece(c, 40 + 300 * i, 40 + 110 * r) for r, row in enumerate(USE) for i, c in enumerate(row)
    ]
    lines, blocks = lay_out(pieces)
    assert blocks == [Block("table", "\n".join(" | ".join(row) for row in USE))]
    assert [line.text for line in lines] == [" ".join(row) for row in USE]


def test_a_table_whose_head_is_set_apart_is_one_table() -> None:
    pieces = [piece(c, 40 + 300 * i, 40) for i, c in enumerate(USE[0])]
    rows = [*USE[1:], ["March", "301", "71.40"]]
    pieces += [
        piece(c, 40 + 300 * i, 140 + 40 * r)
        for r, row in enumerate(rows)
        for i, c in enumerate(row)
    ]
    _lines, blocks = lay_out(pieces)
    assert blocks == [Block("table", "\n".join(" | ".join(row) for row in [USE[0], *rows]))]


def test_lines_far_apart_without_columns_stay_paragraphs() -> None:
    pieces = [piece("Name: Ann Smith", 40, 40), piece("Born in 1970", 40, 150)]
    _lines, blocks = lay_out(pieces)
    assert [b.kind for b in blocks] == ["paragraph", "paragraph"]


def test_a_pdf_table_with_spaced_rows_is_a_table_in_markdown(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format="a4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.text(72, 90, "Membership")
    pdf.set_font("Helvetica", size=11)
    rows = [["Year", "Members", "Change"], ["2023", "162", "+22"], ["2024", "201", "+39"]]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            pdf.text(72 + c * 150, 130 + r * 30, cell)
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf.output()))
    (page,) = read_document(path, OcrReader()).pages  # a text layer: OCR is not loaded
    blocks = lay_out_page(page).blocks
    assert [b.kind for b in blocks] == ["heading", "table"]
    assert blocks[1].text.splitlines()[1] == "2023 | 162 | +22"


# --- print in a script the OCR does not know ----------------------------------------------


class _Output:
    def __init__(self, found: list[tuple[str, float, float, float, float]]) -> None:
        self.txts = [text for text, *_box in found]
        self.boxes = [
            np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
            for _text, x, y, w, h in found
        ]
        self.scores = [0.9] * len(found)


def _reader_finding(found: list[tuple[str, float, float, float, float]]) -> OcrReader:
    def engine(*_args: Any, **_kwargs: Any) -> _Output:
        return _Output(found)

    return OcrReader(OcrSettings(), engine_factory=lambda _params: engine)


def test_a_line_read_as_a_stray_comma_is_said_to_be_unreadable() -> None:
    reader = _reader_finding(
        [
            ("Opening hours", 40, 20, 260, 30),
            (" ,    ?", 40, 80, 380, 30),  # a line of Cyrillic: only its comma is known
            ("αλα σα, π εστ σμεα;", 40, 140, 420, 33),  # Greek with its letters left out
            ("12.50", 40, 200, 70, 30),
            ("Straße für Größe", 40, 260, 250, 30),
            ("EAΛHNIKH ΔHMOKPATIA", 40, 320, 380, 34),  # Greek capitals, some as Latin
            ("Take 5 μg tablets", 40, 380, 260, 30),
        ]
    )
    lines = reader.read(Image.new("RGB", (600, 440), "white")).lines
    assert lines == [
        "Opening hours",
        unreadable_text(),
        unreadable_text(),
        "12.50",
        "Straße für Größe",
        unreadable_text(),
        "Take 5 μg tablets",
    ]
    assert unreadable_text() == "[text in a script Describe cannot read]"


def test_cyrillic_and_greek_print_is_not_read_as_garbage(scan_reader: OcrReader) -> None:
    image = Image.new("RGB", (900, 260), "white")
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(["Добрый день, как у вас дела?", "Το γραφείο είναι κλειστό."]):
        draw.text((40, 40 + 60 * i), text, font=face(28), fill="black")
    draw.text((40, 180), "Office hours 9 to 5", font=face(28), fill="black")
    lines = [line.text for line in ocr_page(1, image, scan_reader, keep_image=False).lines]
    assert lines[-1] == "Office hours 9 to 5"
    # what was read of the other two lines: stray letters and commas before
    assert all(line == unreadable_text() for line in lines[:-1]) and lines[:-1]


# --- a TIFF cut short ---------------------------------------------------------------------


def _pages_tiff(path: Path) -> bytes:
    pages = []
    for number in (1, 2, 3):
        image = Image.new("RGB", (700, 300), "white")
        ImageDraw.Draw(image).text(
            (40, 40), f"Page {number} of the fax", font=face(30), fill="black"
        )
        pages.append(image)
    return multipage_tiff(pages, path).read_bytes()


def test_a_tiff_cut_short_is_one_sentence_without_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _pages_tiff(tmp_path / "fax.tif")
    cut = tmp_path / "cut.tif"
    cut.write_bytes(whole[: len(whole) * 3 // 10])
    assert main(["read", str(cut)]) == 2  # Pillow's "Corrupt EXIF data" warning was printed
    assert capsys.readouterr().err == "describe-app: cut.tif is not a picture Describe can read.\n"


def test_the_pages_of_a_tiff_before_its_damage_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _pages_tiff(tmp_path / "fax.tif")
    cut = tmp_path / "cut.tif"
    cut.write_bytes(whole[: len(whole) * 8 // 10])  # the last page's entry is cut off
    # was TypeError ("Missing dimensions") while counting the pages
    assert main(["read", str(cut)]) == 2
    out, err = capsys.readouterr()
    assert out == "Page 1 of the fax\n\nPage 2 of the fax\n"
    assert (
        err.splitlines()[-1] == "describe-app: Page 3 of cut.tif is damaged, so it cannot be read."
    )


def test_the_pages_after_a_damaged_one_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pages_tiff(tmp_path / "fax.tif")
    fax = with_damaged_page(tmp_path / "fax.tif", 1, tmp_path / "damaged.tif")  # page 2
    assert main(["read", str(fax)]) == 2
    out, err = capsys.readouterr()
    assert out == "Page 1 of the fax\n\nPage 3 of the fax\n"  # reading stopped at page 2
    assert "describe-app: Page 2 of damaged.tif is damaged, so it cannot be read." in err


# --- a scan with a fax machine's stamp in its text layer ----------------------------------


def test_a_scan_with_a_stamp_in_its_text_layer_is_read_by_ocr(
    tmp_path: Path, scan_reader: OcrReader
) -> None:
    lines = page_lines(1, count=6)
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    buffer = io.BytesIO()
    printed_page(lines, dpi=100).save(buffer, "PNG")
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.set_font("Helvetica", size=7)
    pdf.text(20, 14, "From: Northfield Council  Fax 0161 555 0192  Page 1/1")
    path = tmp_path / "fax.pdf"
    path.write_bytes(bytes(pdf.output()))
    (page,) = read_document(path, scan_reader).pages
    # was read from the text layer: the stamp alone
    assert not page.from_text_layer
    assert word_accuracy(lines, page.text) > 0.95


def test_a_text_page_with_a_small_picture_is_read_from_its_text_layer(tmp_path: Path) -> None:
    lines = page_lines(2, count=4)
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(buffer, "PNG")
    pdf.image(buffer, x=420, y=40, w=120, h=120)  # a logo
    pdf.set_font("Helvetica", size=12)
    for i, line in enumerate(lines):
        pdf.text(72, 200 + i * 20, line)
    path = tmp_path / "letter.pdf"
    path.write_bytes(bytes(pdf.output()))
    (page,) = read_document(path, OcrReader()).pages
    assert page.from_text_layer and [line.text for line in page.lines] == lines


@pytest.mark.parametrize("name", ["empty.pdf", "empty.tif"])
def test_an_empty_document_file_is_said_to_have_no_pages(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / name).write_bytes(b"")
    assert main(["read", str(tmp_path / name)]) == 2
    # was "... is empty: it holds no picture."
    assert capsys.readouterr().err == f"describe-app: {name} is empty: it has no pages.\n"
