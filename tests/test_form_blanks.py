"""A form's blanks and tick boxes are heard: "Name: blank", "Yes, ticked", "No, not ticked".

Forms are drawn at test time (DejaVu fonts, several sizes and layouts; a scan-like copy
blurred and speckled) and read by OCR as ``read --layout`` reads a page, and made as text
PDFs (fpdf2) whose blanks are runs of "_" or drawn lines and whose boxes are ☐ and ☑.
Lines that are not blanks (an underlined heading, a table's rules, a rule across a
letter) must not be read as blanks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from describe_app.core.i18n import set_language
from describe_app.core.reading.document import Document, Page
from describe_app.core.reading.document_export import document_text, page_markdown
from describe_app.core.reading.document_reader import read_document
from describe_app.core.reading.form_wording import word_form
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_layout import lay_out_page
from describe_app.core.reading.page_reader import read_page_picture, spoken_blocks

FONTS = Path("/usr/share/fonts/truetype/dejavu")
INK = (20, 20, 20)

Font = ImageFont.FreeTypeFont


def _font(name: str, size: int) -> Font:
    return ImageFont.truetype(str(FONTS / name), size)


@dataclass
class FormSheet:
    """A page being drawn in one font and size, top to bottom."""

    face: str
    size: int
    image: Image.Image = field(default_factory=lambda: Image.new("RGB", (1240, 1754), "white"))
    y: float = 100.0
    margin: float = 100.0

    @property
    def font(self) -> Font:
        return _font(self.face, self.size)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    def baseline(self) -> float:
        """Where the letters of the current line stand."""
        return self.y + self.font.getbbox("H")[3]

    def text(self, x: float, text: str, font: Font | None = None) -> float:
        """``text`` at ``x`` on the current line; the x after it."""
        used = font or self.font
        self.draw.text((x, self.y), text, font=used, fill=INK)
        return x + used.getlength(text)

    def rule(self, x0: float, x1: float, y: float | None = None) -> None:
        at = self.baseline() + 3 if y is None else y
        self.draw.line((x0, at, x1, at), fill=INK, width=max(1, self.size // 14))

    def tick_box(self, x: float, ticked: bool) -> float:
        """A box as big as a capital letter at ``x``; the x after it."""
        side = self.font.getbbox("H")[3] - self.font.getbbox("H")[1] + 2
        top = self.baseline() - side + 1
        self.draw.rectangle((x, top, x + side, top + side), outline=INK, width=2)
        if ticked:
            self.draw.line(
                (x + side * 0.2, top + side * 0.5, x + side * 0.45, top + side * 0.8),
                fill=INK,
                width=3,
            )
            self.draw.line(
                (x + side * 0.45, top + side * 0.8, x + side * 0.85, top + side * 0.15),
                fill=INK,
                width=3,
            )
        return x + side

    def next_line(self, lines: float = 2.2) -> None:
        self.y += self.size * lines


def application_form(face: str = "DejaVuSans.ttf", size: int = 28, name: str = "") -> FormSheet:
    """A heading; "Name:" and "Address:" then a line to write on ("Name:" written in when
    ``name`` is given); a date of birth in three short lines; a question with boxes before
    their labels (Yes ticked, No empty); boxes after their labels (Email empty, Post
    ticked); a line to sign on with "Signature" under it."""
    sheet = FormSheet(face, size)
    sheet.text(
        sheet.margin, "Application form", _font(face.replace(".ttf", "-Bold.ttf"), size * 3 // 2)
    )
    sheet.next_line(3.0)
    for label in ("Name:", "Address:"):
        end = sheet.text(sheet.margin, label) + size * 0.6
        sheet.rule(end, 1120)
        if label == "Name:" and name:
            sheet.text(end + size, name)
        sheet.next_line()
    x = sheet.text(sheet.margin, "Date of birth:") + size * 0.6
    for width in (2, 2, 4):
        sheet.rule(x, x + width * size * 0.8)
        x += width * size * 0.8
        if width == 2:
            x = sheet.text(x + size * 0.3, "/") + size * 0.3
    sheet.next_line()
    x = sheet.text(sheet.margin, "Do you drive?") + size
    for word, ticked in (("Yes", True), ("No", False)):
        x = sheet.tick_box(x, ticked) + size * 0.4
        x = sheet.text(x, word) + size * 1.5
    sheet.next_line()
    x = sheet.text(sheet.margin, "Email") + size * 0.4
    x = sheet.tick_box(x, False) + size * 1.5
    x = sheet.text(x, "Post") + size * 0.4
    sheet.tick_box(x, True)
    sheet.next_line(3.5)
    sheet.rule(sheet.margin, sheet.margin + size * 16, sheet.y)
    sheet.y += size * 0.4
    sheet.text(sheet.margin, "Signature")
    return sheet


def scanned(image: Image.Image, seed: int = 3) -> Image.Image:
    """A scan-like copy: a little blurred, greyish paper, speckled."""
    blurred = image.filter(ImageFilter.GaussianBlur(1.1))
    pixels = np.asarray(blurred).astype(np.int16)
    noise = np.random.default_rng(seed).normal(0, 9, pixels.shape[:2])[:, :, None]
    return Image.fromarray(np.clip(pixels * 0.92 + 10 + noise, 0, 255).astype(np.uint8))


def said(page: Page) -> str:
    """Everything said of the page, one block a line."""
    return "\n".join(spoken_blocks(page))


EXPECTED_FORM = [
    "Name: blank",
    "Address: blank",
    "Date of birth: blank",
    "Do you drive? Yes, ticked; No, not ticked",
    "Email, not ticked; Post, ticked",
    "Signature: blank",
]


# --- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Name: ____________", "Name: blank"),
        ("Date of birth: __ / __ / ____", "Date of birth: blank"),
        ("Signature ________", "Signature: blank"),
        ("I, __________, agree to the terms", "I, blank, agree to the terms"),
        ("Name ..............", "Name: blank"),
        ("☑ Yes ☐ No", "Yes, ticked; No, not ticked"),
        ("Do you smoke? ☐ Yes ☒ No", "Do you smoke? Yes, not ticked; No, ticked"),
        ("Yes ☑  No ☐", "Yes, ticked; No, not ticked"),
        ("[x] Email [ ] Post", "Email, ticked; Post, not ticked"),
        ("☐", "not ticked"),
        ("Yes □ No □", "Yes, not ticked; No, not ticked"),
    ],
)
def test_a_forms_marks_are_worded(text: str, words: str) -> None:
    assert word_form(text) == words
    assert word_form(words) == words  # worded text has no marks left


def test_a_forms_words_are_in_the_interface_language() -> None:
    set_language("fr")
    try:
        said = [word_form("Signature ____"), word_form("☑ Oui ☐ Non")]
    finally:
        set_language("en")
    assert said == ["Signature : vide", "Oui, cochée ; Non, non cochée"]


@pytest.mark.parametrize(
    "text",
    [
        "Contents ........ 5",
        "call __init__ first",
        "snake_case_name",
        "A plain line of text.",
        "□ Milk",  # a list's bullet
    ],
)
def test_text_without_a_forms_marks_is_left_as_it_is(text: str) -> None:
    assert word_form(text) == text


# --- scans and photos of forms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("face", "size", "scan"),
    [
        ("DejaVuSans.ttf", 28, False),
        ("DejaVuSerif.ttf", 36, False),
        ("DejaVuSansCondensed.ttf", 24, True),
    ],
)
def test_a_scanned_forms_blanks_and_boxes_are_read(
    page_reader: OcrReader, face: str, size: int, scan: bool
) -> None:
    image = application_form(face, size).image
    page = read_page_picture(scanned(image) if scan else image, page_reader)
    spoken = spoken_blocks(page)
    for expected in EXPECTED_FORM:
        assert expected in spoken, (expected, spoken)
    assert "blank" not in spoken[0]  # the heading
    # the same words in Markdown and plain text
    markdown = "\n".join(page_markdown(page))
    text = document_text(Document("form.png", [page]))
    for expected in EXPECTED_FORM:
        assert expected in markdown and expected in text


def test_a_filled_in_field_is_not_blank(page_reader: OcrReader) -> None:
    page = read_page_picture(application_form(name="John Smith").image, page_reader)
    spoken = said(page)
    assert "Name: John Smith" in spoken
    assert "Name: blank" not in spoken and "Smith blank" not in spoken
    assert "Address: blank" in spoken


def boxes_to_write_in(letters: str = "") -> FormSheet:
    """ "Postcode:" then seven boxes side by side to write a letter in each (``letters``
    written in), and "Phone:" then one long box; labels in a column, in DejaVu Serif."""
    sheet = FormSheet("DejaVuSerif.ttf", 26)
    sheet.text(sheet.margin, "Your details")
    sheet.next_line(2.5)
    x = sheet.text(sheet.margin, "Postcode:") + 20
    side = int(sheet.size * 1.3)
    top = sheet.baseline() - side + 6
    for index in range(7):
        left = x + index * side
        sheet.draw.rectangle((left, top, left + side, top + side), outline=INK, width=2)
        if index < len(letters):
            sheet.draw.text((left + 8, top + 4), letters[index], font=sheet.font, fill=INK)
    sheet.next_line(2.5)
    x = sheet.text(sheet.margin, "Phone:") + 20
    bottom = sheet.baseline() + 8
    sheet.draw.rectangle((x, bottom - sheet.size - 8, x + 500, bottom), outline=INK, width=2)
    return sheet


def test_empty_boxes_to_write_in_are_blanks(page_reader: OcrReader) -> None:
    spoken = spoken_blocks(read_page_picture(boxes_to_write_in().image, page_reader))
    assert "Postcode: blank" in spoken and "Phone: blank" in spoken, spoken
    filled = said(read_page_picture(boxes_to_write_in("SW1A1AA").image, page_reader))
    assert "Postcode: blank" not in filled and "Phone: blank" in filled


def test_labels_in_a_column_and_their_lines_in_another_are_fields(
    page_reader: OcrReader,
) -> None:
    """Labels far from their lines, the lines starting together: not a table."""
    sheet = FormSheet("DejaVuSansCondensed.ttf", 22)
    labels = ["Surname:", "First names:", "National Insurance number:", "Email:"]
    for label in labels:
        sheet.text(sheet.margin, label)
        sheet.rule(560, 1120)
        sheet.next_line(2.6)
    spoken = spoken_blocks(read_page_picture(scanned(sheet.image, seed=5), page_reader))
    assert spoken == [f"{label} blank" for label in labels]


def test_underlined_heading_table_rules_and_a_letters_rule_are_not_blanks(
    page_reader: OcrReader,
) -> None:
    """A page of lines that are not blanks, and one field that is ("Reference:")."""
    sheet = FormSheet("DejaVuSans.ttf", 28)
    bold = _font("DejaVuSans-Bold.ttf", 34)
    # a letterhead with a rule across the page under it, and the address under the rule
    sheet.text(sheet.margin, "Northfield Council", bold)
    sheet.next_line(1.6)
    sheet.rule(sheet.margin, 1140, sheet.y)
    sheet.y += 14
    sheet.text(sheet.margin, "12 High Street")
    sheet.next_line(2.5)
    # a rule across the letter between two paragraphs, with space round it
    sheet.text(sheet.margin, "Thank you for your letter of 3 May.")
    sheet.next_line(2)
    sheet.rule(sheet.margin, 1140, sheet.y)
    sheet.y += sheet.size
    sheet.text(sheet.margin, "Yours faithfully")
    sheet.next_line(3)
    # an underlined heading over a paragraph
    end = sheet.text(sheet.margin, "Opening times", bold)
    sheet.rule(sheet.margin, end, sheet.baseline() + 12)
    sheet.next_line(2)
    sheet.text(sheet.margin, "The office opens at nine and closes at five.")
    sheet.next_line(3)
    # a table with rules round its cells
    top = sheet.y - 10
    rows = [("Day", "Hours"), ("Monday", "9 to 5"), ("Friday", "9 to 1")]
    for day, hours in rows:
        sheet.text(sheet.margin + 10, day)
        sheet.text(sheet.margin + 400, hours)
        sheet.next_line(1.8)
    bottom = sheet.y - 10
    draw = sheet.draw
    for index in range(len(rows) + 1):
        y = top + index * (bottom - top) / len(rows)
        draw.line((sheet.margin, y, sheet.margin + 700, y), fill=INK, width=2)
    for x in (sheet.margin, sheet.margin + 390, sheet.margin + 700):
        draw.line((x, top, x, bottom), fill=INK, width=2)
    sheet.next_line(2)
    # rules over and under a table's heads, without upright lines (a "booktabs" table)
    top = sheet.y - 8
    for name, amount in (("Item", "Price"), ("Tea", "2.50"), ("Cake", "3.10")):
        sheet.text(sheet.margin + 10, name)
        sheet.text(sheet.margin + 400, amount)
        sheet.next_line(1.6)
    sheet.rule(sheet.margin, sheet.margin + 600, top)
    sheet.rule(sheet.margin, sheet.margin + 600, top + sheet.size * 1.6 - 6)
    sheet.rule(sheet.margin, sheet.margin + 600, sheet.y - 6)
    sheet.next_line(1.5)
    end = sheet.text(sheet.margin, "Reference:")
    sheet.rule(end + 16, end + 16 + 12 * sheet.size)
    page = read_page_picture(sheet.image, page_reader)
    spoken = spoken_blocks(page)
    assert "Reference: blank" in spoken, spoken
    assert "\n".join(spoken).count("blank") == 1 and "ticked" not in "\n".join(spoken)
    assert "Opening times" in spoken and "12 High Street" in spoken
    assert "Yours faithfully" in "\n".join(spoken)


# --- text PDFs --------------------------------------------------------------------------------


def _form_pdf(path: Path, *, drawn: bool) -> Path:
    """A text PDF form in DejaVu Sans: blanks as runs of "_" (or, ``drawn``, as lines drawn
    after the labels), a date's three parts, boxes ☑ and ☐, a signature line."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("dejavu", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("dejavu", size=18)
    pdf.text(72, 80, "Membership form")
    pdf.set_font("dejavu", size=12)
    pdf.set_line_width(0.8)
    y = 130.0
    for label in ("Name:", "Address:"):
        if drawn:
            pdf.text(72, y, label)
            pdf.line(72 + pdf.get_string_width(label) + 8, y + 2, 500, y + 2)
        else:
            pdf.text(72, y, f"{label} ______________________________")
        y += 30
    pdf.text(72, y, "Date of birth: __ / __ / ____")
    y += 30
    pdf.text(72, y, "Do you drive? ☑ Yes ☐ No")
    y += 30
    pdf.text(72, y, "Email ☐   Post ☒")
    y += 50
    if drawn:
        pdf.line(72, y, 300, y)
        pdf.text(72, y + 16, "Signature")
    else:
        pdf.text(72, y, "Signature: ____________________")
    path.write_bytes(bytes(pdf.output()))
    return path


@pytest.mark.parametrize("drawn", [False, True])
def test_a_text_pdf_forms_blanks_and_boxes_are_read(
    tmp_path: Path, scan_reader: OcrReader, drawn: bool
) -> None:
    path = _form_pdf(tmp_path / "form.pdf", drawn=drawn)
    document = read_document(path, scan_reader)
    page = document.pages[0]
    assert page.from_text_layer
    lines = [line.text for line in page.lines]  # plain reading, without --layout
    spoken = spoken_blocks(lay_out_page(page))
    for expected in EXPECTED_FORM:
        assert expected in lines, (expected, lines)
        assert expected in spoken, (expected, spoken)
    assert "Membership form" in spoken


@pytest.mark.parametrize(
    ("face", "size", "heading"),
    [
        ("DejaVuSans.ttf", 44, "Monthly payments"),
        ("DejaVuSansCondensed.ttf", 48, "Good food cooked slowly"),
        ("DejaVuSans.ttf", 44, "Order form"),
    ],
)
def test_round_letters_of_a_large_heading_are_no_boxes(face: str, size: int, heading: str) -> None:
    """An "o" in a heading half a line of the body tall, its sides nearly straight, was
    taken for an empty box (``read --layout``): "Monthly payments, not ticked", "Room 100
    bo oking, not ticked". Read as a letter inside a word, it is one. (OCR's boxes are
    placed by hand: its line heights differ a little from run to run.)"""
    from describe_app.core.reading.form_marks import with_form_marks
    from describe_app.core.reading.reading_order import TextBox

    image = Image.new("L", (1700, 800), 255)
    draw = ImageDraw.Draw(image)
    draw.text((150, 100), heading, font=_font(face, size), fill=20)
    left, top, right, bottom = draw.textbbox((150, 100), heading, font=_font(face, size))
    boxes = [TextBox.from_rect(heading, left - 4, top - 6, right + 4, bottom + 6)]
    body = _font("DejaVuSans.ttf", 30)
    for row, name in enumerate(("Alice", "Bob", "Carol", "Dan", "Total")):
        y = 250 + 60 * row
        draw.text((150, y), name, font=body, fill=20)
        x0, y0, x1, _ = draw.textbbox((150, y), name, font=body)
        boxes.append(TextBox.from_rect(name, x0 - 4, y0 - 8, x1 + 4, y0 + 34))
    marked = with_form_marks(np.asarray(image), boxes)
    assert [box.text for box in marked] == [box.text for box in boxes]


@pytest.mark.parametrize(
    ("text", "index", "letter"),
    [
        ("Monthly", 1, True),
        ("Bob", 1, True),
        ("DOCTOR", 1, True),
        ("Room 100", 6, True),
        ("YesONo", 3, False),
    ],
)
def test_a_box_read_as_a_round_letter_is_told_from_a_letter_of_a_word(
    text: str, index: int, letter: bool
) -> None:
    """A mark over the ``index``-th character of ``text`` (an "o", "O" or "0"): inside a
    word or a number it is that letter; between two words that OCR ran together (a box
    read as "O" in "Yes☐No") it is a box."""
    from describe_app.core.reading.form_marks import _a_letter_of_a_word, _Mark
    from describe_app.core.reading.reading_order import PlacedBox, TextBox

    step = 20.0
    piece = PlacedBox.of(TextBox.from_rect(text, 0, 0, step * len(text), 30))
    mark = _Mark("☐", step * index + 2, 5, step * (index + 1) - 2, 25)
    assert _a_letter_of_a_word(mark, [piece]) is letter
