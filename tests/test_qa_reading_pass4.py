"""Reading documents nobody had tried (a fourth QA pass): PDF pages turned by /Rotate (and
landscape pages drawn on their side), a title set close over a table, a receipt's total
with a line of text under it, a form's "Name:" fields, a letterhead set flush right, and a
table's empty cells when said.

The pages are drawn here: fpdf2 text pages, and Pillow pages in DejaVu at 150 and 200 dpi
(a receipt strip, a form, a leaflet's table) rather than the usual letter and newsletter."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from describe_app.core.reading.document import Block, Page, TextPiece
from describe_app.core.reading.document_reader import ReadOptions, read_document
from describe_app.core.reading.ocr_reader import OcrReader, OcrResult
from describe_app.core.reading.page_layout import lay_out
from describe_app.core.reading.page_reader import read_page_picture, spoken_blocks

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: Body print of the pages made of pieces: 22 units tall, 10 wide a letter.
HIGH = 22.0
WIDE = 10.0


def piece(text: str, x: float, y: float, tall: float = 1.0, wide: float = 1.0) -> TextPiece:
    """A phrase at (x, y), its box ``tall`` times the body's height and ``wide`` times
    its width a letter (OCR's boxes of short words measure wider and taller)."""
    return TextPiece(text, (x, y, x + len(text) * WIDE * wide, y + HIGH * tall))


def flush_right(text: str, right: float, y: float) -> TextPiece:
    return TextPiece(text, (right - len(text) * WIDE, y, right, y + HIGH))


class NoOcr:
    """A reader for pages read from their text layer: OCR is never asked."""

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        raise AssertionError("a page with a text layer was read by OCR")


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = DEJAVU / name
    if not path.exists():
        pytest.skip("DejaVu fonts are not installed")
    return ImageFont.truetype(str(path), size)


# --- PDF pages turned by /Rotate ----------------------------------------------------------

PARAGRAPH = [
    "The parish council meets on the first Monday",
    "of each month in the school hall at seven.",
    "Anyone who lives in the parish may attend.",
]
FEES = [("Hall hire", "Evening", "40.00"), ("Small room", "Morning", "15.00")]


def _text_pdf(content_turn: int = 0) -> FPDF:
    """A page of a paragraph and a table, its content drawn turned ``content_turn``
    degrees anticlockwise about the page's middle (a landscape page drawn on its side)."""
    pdf = FPDF(format="A4")
    pdf.add_font("Sans", "", str(DEJAVU / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("Sans", "", 11)
    with pdf.rotation(content_turn, 105, 148.5):
        for row, text in enumerate(PARAGRAPH):
            pdf.text(30, 60 + row * 6, text)
        for row, cells in enumerate(FEES):
            for x, cell in zip((30, 80, 130), cells, strict=True):
                pdf.text(x, 100 + row * 8, cell)
    return pdf


def _rotated(pdf: FPDF, rotation: int, path: Path) -> Path:
    document = pdfium.PdfDocument(bytes(pdf.output()))
    document[0].set_rotation(rotation)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    path.write_bytes(buffer.getvalue())
    return path


EXPECTED = [*PARAGRAPH, *(" ".join(cells) for cells in FEES)]


@pytest.mark.parametrize(
    ("content_turn", "rotation"),
    [(0, 90), (0, 180), (0, 270), (90, 90), (180, 180)],
    ids=["shown-sideways", "shown-upside-down", "shown-sideways-left", "landscape", "turned"],
)
def test_a_pdf_page_turned_by_rotate_is_read_in_order(
    tmp_path: Path, content_turn: int, rotation: int
) -> None:
    # PDFium orders the text as it is shown: turned by /Rotate 90 the lines came last
    # first, by 180 a row's cells right to left ("40.00 Evening Hall hire")
    path = _rotated(_text_pdf(content_turn), rotation, tmp_path / "turned.pdf")
    document = read_document(path, NoOcr())
    page = document.pages[0]
    assert page.from_text_layer
    assert [line.text for line in page.lines] == EXPECTED
    # the boxes lie on the page (they were measured from a wrong edge: below its top)
    width, height = page.size
    for line in page.lines:
        for part in line.pieces:
            left, top, right, bottom = part.box
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, part


def test_a_turned_pdf_page_keeps_its_table_with_layout(tmp_path: Path) -> None:
    from describe_app.core.reading.page_layout import lay_out_page

    path = _rotated(_text_pdf(), 180, tmp_path / "turned.pdf")
    page = lay_out_page(read_document(path, NoOcr(), ReadOptions()).pages[0])
    assert Block("table", "Hall hire | Evening | 40.00\nSmall room | Morning | 15.00") in (
        page.blocks
    )


@pytest.mark.parametrize("font_name", ["DejaVu", "Helvetica"])
def test_a_bold_subject_line_in_a_text_pdf_is_a_heading(tmp_path: Path, font_name: str) -> None:
    # the text layer knows which letters are bold: a subject line at the body's size was
    # a paragraph ("Helvetica": a standard font, bold by its name alone)
    from describe_app.core.reading.page_layout import lay_out_page

    pdf = FPDF(format="letter")
    if font_name == "DejaVu":
        pdf.add_font(font_name, "", str(DEJAVU / "DejaVuSerif.ttf"))
        pdf.add_font(font_name, "B", str(DEJAVU / "DejaVuSerif-Bold.ttf"))
    pdf.add_page()
    pdf.set_font(font_name, "", 10)
    pdf.text(25, 30, "Dear Ms Kowalski,")
    pdf.set_font(font_name, "B", 10)
    pdf.text(25, 40, "Your new bin collection day")
    pdf.set_font(font_name, "", 10)
    body = [
        "From the first week of June your bins will be collected on Wednesday",
        "mornings instead of Friday afternoons. Please put them out by seven.",
    ]
    for row, text in enumerate(body):
        pdf.text(25, 50 + row * 5, text)
    path = tmp_path / "notice.pdf"
    pdf.output(str(path))
    page = lay_out_page(read_document(path, NoOcr()).pages[0])
    assert page.blocks == [
        Block("paragraph", "Dear Ms Kowalski,"),
        Block("heading", "Your new bin collection day", 1),
        Block("paragraph", " ".join(body)),
    ]


def test_a_text_pdf_all_in_bold_has_no_bold_headings(tmp_path: Path) -> None:
    from describe_app.core.reading.page_layout import lay_out_page

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    lines = ["Fire exit", "Keep this door clear at all times, day and night, for", "everyone."]
    for row, text in enumerate(lines):
        pdf.text(25, 30 + row * (12 if row == 1 else 6), text)
    path = tmp_path / "sign.pdf"
    pdf.output(str(path))
    page = lay_out_page(read_document(path, NoOcr()).pages[0])
    assert all(block.kind == "paragraph" for block in page.blocks), page.blocks


# --- a title set close over a table -------------------------------------------------------

HOURS = [("Monday", "9:00", "17:00"), ("Tuesday", "9:00", "13:00"), ("Friday", "10:00", "16:00")]


def test_a_title_set_close_over_a_table_is_not_its_first_row() -> None:
    # the title's gap to the table is less than a band's, and its left is the table's: it
    # was read as the table's first row ("Opening hours | |")
    pieces = [piece("Opening hours", 40, 0, tall=1.3, wide=1.3)]
    top = HIGH * 1.3 + 12
    for row, cells in enumerate(HOURS):
        for x, cell in zip((40, 260, 420), cells, strict=True):
            pieces.append(piece(cell, x, top + row * 34))
    lines, blocks = lay_out(pieces)
    assert blocks == [
        Block("heading", "Opening hours", 1),
        Block("table", "\n".join(" | ".join(cells) for cells in HOURS)),
    ]
    assert lines[0].text == "Opening hours"


def test_a_table_alone_keeps_all_its_rows() -> None:
    pieces = [
        piece(cell, x, row * 34)
        for row, cells in enumerate(HOURS)
        for x, cell in zip((40, 260, 420), cells, strict=True)
    ]
    _lines, blocks = lay_out(pieces)
    assert blocks == [Block("table", "\n".join(" | ".join(cells) for cells in HOURS))]


# --- a receipt's total --------------------------------------------------------------------

ITEMS = [("Apples", "2.10"), ("Rice 1kg", "1.85"), ("Olive oil", "4.99")]


def test_a_receipts_total_is_read_with_its_amount() -> None:
    # "TOTAL 7.94" and "Card payment" under it, closer than a band's gap: read as two
    # columns, the amount came after the payment line, away from its label
    pieces = []
    for row, (name, price) in enumerate(ITEMS):
        pieces += [piece(name, 10, row * 24), piece(price, 300, row * 24)]
    total = 2 * 24 + HIGH + 24
    pieces += [piece("TOTAL", 10, total), piece("7.94", 300, total)]
    pieces.append(piece("Card payment", 10, total + HIGH + 14))
    pieces.append(piece("Thank you for shopping with us", 20, total + 120))
    lines, blocks = lay_out(pieces)
    texts = [line.text for line in lines]
    assert texts[: len(ITEMS) + 2] == [
        *(f"{name} {price}" for name, price in ITEMS),
        "TOTAL 7.94",
        "Card payment",
    ]
    table = next(block for block in blocks if block.kind == "table")
    assert table.text.splitlines()[-1] == "TOTAL | 7.94"


def test_a_receipt_strip_says_its_total_with_the_amount(page_reader: OcrReader) -> None:
    dpi = 150
    mono, bold = font("DejaVuSansMono.ttf", 17), font("DejaVuSansMono-Bold.ttf", 19)
    strip = Image.new("RGB", (int(2.6 * dpi), int(2.4 * dpi)), "white")
    draw = ImageDraw.Draw(strip)
    draw.text((70, 20), "MARKET STALL", font=bold, fill="black")
    for row, (name, price) in enumerate(ITEMS):
        draw.text((20, 80 + row * 26), name, font=mono, fill="black")
        draw.text((300, 80 + row * 26), price, font=mono, fill="black")
    draw.text((20, 80 + 3 * 26 + 22), "TOTAL", font=bold, fill="black")
    draw.text((295, 80 + 3 * 26 + 22), "8.94", font=bold, fill="black")
    draw.text((20, 80 + 3 * 26 + 64), "Paid by card", font=mono, fill="black")
    draw.text((40, 80 + 3 * 26 + 120), "Thank you, come again", font=mono, fill="black")
    said = spoken_blocks(read_page_picture(strip, page_reader))
    assert "TOTAL, 8.94" in said, said
    assert said.index("TOTAL, 8.94") < said.index("Paid by card")


# --- a form's fields ----------------------------------------------------------------------


def test_a_forms_fields_are_not_headings() -> None:
    # OCR's boxes of "Name:" measure 1.2 times as tall and 1.6 times as wide a letter as
    # the body's: it was a heading of level 1, "Address:" one of level 2
    pieces = [piece("Library card application", 60, 0, tall=1.6, wide=1.5)]
    fields = [("Name:", 1.22, 1.6), ("Date of birth:", 1.0, 1.05), ("Address:", 1.2, 1.35)]
    for row, (label, tall, wide) in enumerate(fields):
        pieces.append(piece(label, 60, 80 + row * 55, tall=tall, wide=wide))
    pieces.append(piece("Please return this form to the front desk of the library.", 60, 260))
    _lines, blocks = lay_out(pieces)
    assert blocks == [
        Block("heading", "Library card application", 1),
        *(Block("paragraph", label) for label, _tall, _wide in fields),
        Block("paragraph", "Please return this form to the front desk of the library."),
    ]


def test_a_heading_ending_in_a_colon_is_still_a_heading() -> None:
    pieces = [piece("Side effects:", 60, 0, tall=1.4, wide=1.4)]
    pieces += [
        piece("Some people feel dizzy for an hour or two after", 60, 45 + row * 26)
        for row in range(3)
    ]
    _lines, blocks = lay_out(pieces)
    assert blocks[0] == Block("heading", "Side effects:", 1)


def test_a_scanned_form_has_only_its_title_as_a_heading(page_reader: OcrReader) -> None:
    dpi = 150
    sheet = Image.new("RGB", (int(6.5 * dpi), int(4.2 * dpi)), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text(
        (60, 40), "Parking Permit Request", font=font("DejaVuSans-Bold.ttf", 33), fill="black"
    )
    labels = ["Name:", "Address:", "Car registration:", "Phone:"]
    for row, label in enumerate(labels):
        y = 140 + row * 75
        draw.text((60, y), label, font=font("DejaVuSans.ttf", 23), fill="black")
        draw.line((330, y + 28, 900, y + 28), fill="black", width=2)
    draw.text(
        (60, 450),
        "Send this form back with a copy of your driving licence.",
        font=font("DejaVuSans.ttf", 23),
        fill="black",
    )
    page = read_page_picture(sheet, page_reader)
    assert [block.text for block in page.blocks if block.kind == "heading"] == [
        "Parking Permit Request"
    ]
    # each line to write on is read as a blank after its label (see test_form_blanks)
    fields = [f"{label} blank" for label in labels]
    assert [block.text for block in page.blocks if block.text in fields] == fields


# --- a letterhead set flush right ---------------------------------------------------------


def test_a_letterhead_set_flush_right_is_one_block() -> None:
    # the lines' left edges are ragged, not indents: "12 Mill Road" was a paragraph of
    # its own and the other two another
    head = ["12 Mill Road", "Leeds LS2 7QP", "Telephone 0113 496 0000"]
    pieces = [flush_right(text, 900, 20 + row * 26) for row, text in enumerate(head)]
    body = "We write to tell you that your water meter will be read next week."
    pieces += [piece(body, 60, 200), piece("Please leave the cover of the meter clear.", 60, 226)]
    _lines, blocks = lay_out(pieces)
    assert blocks[0] == Block("paragraph", " ".join(head))


def test_an_indented_first_line_still_starts_a_paragraph() -> None:
    text = "and the rest of the paragraph runs on to the right margin here"
    pieces = [piece("We met at the hall.", 60, 0)] + [
        piece(text, 60 if row != 1 else 100, 26 * (row + 1)) for row in range(3)
    ]
    _lines, blocks = lay_out(pieces)
    assert [block.kind for block in blocks] == ["paragraph", "paragraph"]


# --- a table said aloud -------------------------------------------------------------------


def test_a_tables_empty_cells_are_not_said() -> None:
    page = Page(1, [], (600.0, 800.0))
    page.blocks = [Block("table", "Sofa |  | 5 days\nTotal |  | \nChair | 10.00 | 2 days")]
    # were "Sofa, , 5 days" and "Total, , ": a pause said as a comma, twice
    assert spoken_blocks(page) == ["Sofa, 5 days", "Total", "Chair, 10.00, 2 days"]


# --- a leaflet's ruled table under its heading ---------------------------------------------


def test_a_ruled_table_under_a_heading_is_a_table_without_it(page_reader: OcrReader) -> None:
    dpi = 200
    sheet = Image.new("RGB", (int(6.6 * dpi), int(2.6 * dpi)), "white")
    draw = ImageDraw.Draw(sheet)
    serif, bold = font("DejaVuSerif.ttf", 31), font("DejaVuSerif-Bold.ttf", 36)
    draw.text((160, 60), "Bulky waste charges", font=bold, fill="black")
    rows = [("Item", "Charge", "Wait"), ("Sofa", "£15", "5 days"), ("Mattress", "£12", "4 days")]
    top = 140
    for row, cells in enumerate(rows):
        for x, cell in zip((180, 660, 1000), cells, strict=True):
            draw.text((x, top + 10 + row * 70), cell, font=serif, fill="black")
    for row in range(len(rows) + 1):
        draw.line((160, top + row * 70, 1300, top + row * 70), fill="black", width=2)
    for x in (160, 640, 980, 1300):
        draw.line((x, top, x, top + len(rows) * 70), fill="black", width=2)
    page = read_page_picture(sheet, page_reader)
    assert [block.kind for block in page.blocks] == ["heading", "table"], page.blocks
    assert page.blocks[0].text == "Bulky waste charges"
    assert page.blocks[1].text.splitlines()[0] == "Item | Charge | Wait"
