"""Reading order, a fifth QA pass: lists side by side, and two columns of a text PDF set
close.

Two lists side by side at one line pitch (a "Fruit" list beside a "Vegetables" list, a
flyer's bulleted lists, numbered steps running on in a second column) were read as a
table, row by row ("Apples Carrots", "Pears Leeks"), on screens and on pages alike; a
real table (a price list, a timetable, contacts with their phone numbers, a spreadsheet, a
quiz's lettered choices) must still be read row by row. And a text PDF whose two columns
are set closer than the page layout's gutter was read across, mixing the columns, though
the PDF's own text order read one column and then the other.

The text is placed by hand here (boxes as wide as DejaVu's letters, in several faces and
sizes) or written by fpdf2 into text PDFs: no OCR, the defects are in the layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from describe_app.core.reading.document import Block, Page, TextPiece
from describe_app.core.reading.document_reader import ReadOptions, read_document
from describe_app.core.reading.ocr_reader import OcrReader, OcrResult
from describe_app.core.reading.page_layout import lay_out, lay_out_page
from describe_app.core.reading.reading_order import TextBox

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FACES = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf"]


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = DEJAVU / name
    if not path.exists():
        pytest.skip("DejaVu fonts are not installed")
    return ImageFont.truetype(str(path), size)


def _piece(text: str, x: float, y: float, font: ImageFont.FreeTypeFont) -> TextPiece:
    """``text`` at (x, y), its box as wide as ``font`` sets it and 1.2 of its size tall."""
    return TextPiece(text, (x, y, x + font.getlength(text), y + 1.2 * font.size))


def _columns(
    columns: list[list[str]],
    face: str = "DejaVuSans.ttf",
    size: int = 16,
    *,
    heads: list[str] | None = None,
    space: float = 0.3,
    gutter: float = 6.0,
) -> list[TextPiece]:
    """Columns of lines at one pitch (1.5 of the print's size), each column as wide as
    its longest line, the next beside it after a gutter of ``gutter`` sizes;
    ``heads``: a heading over each, printed 1.6 times as big, ``space`` sizes above."""
    font, big = _font(face, size), _font(face, round(1.6 * size))
    pitch, top, x = 1.5 * size, 0.0, 20.0
    pieces: list[TextPiece] = []
    if heads:
        top = 1.2 * big.size + space * size
    for index, column in enumerate(columns):
        placed = [_piece(text, x, top + pitch * row, font) for row, text in enumerate(column)]
        if heads:
            placed.insert(0, _piece(heads[index], x, 0, big))
        pieces += placed
        x = max(p.box[2] for p in placed) + gutter * size
    return pieces


def _doc(pieces: list[TextPiece]) -> list[str]:
    lines, _blocks = lay_out(pieces)
    return [line.text for line in lines]


class _PlacedText:
    """A text reader that "reads" boxes placed by hand."""

    def __init__(self, boxes: list[TextBox]) -> None:
        self.boxes = boxes

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        return OcrResult(lines=[b.text for b in self.boxes], line_boxes=[[b] for b in self.boxes])


def _screen(pieces: list[TextPiece]) -> list[str]:
    """The lines read from a screen whose OCR found ``pieces``."""
    from describe_app.core.describe.screen_conversation import read_screen_text

    boxes = [
        TextBox.from_points(p.text, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        for p in pieces
        for x0, y0, x1, y1 in (p.box,)
    ]
    lines: list[str] = read_screen_text(_PlacedText(boxes), Image.new("RGB", (8, 8))).lines
    return lines


FRUIT = ["Apples", "Pears", "Plums", "Cherries", "Grapes", "Figs"]
VEGETABLES = ["Carrots", "Leeks", "Green beans", "Potatoes", "Onions", "Kale"]
HERBS = ["Basil", "Mint", "Sage", "Dill"]


def _marked(items: list[str], mark: str) -> list[str]:
    return [f"{mark} {item}" if mark else item for item in items]


# --- lists side by side -------------------------------------------------------------------


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(("mark", "size"), [("•", 16), ("-", 12), ("●", 22), ("*", 14)])
def test_bulleted_lists_side_by_side_are_read_one_after_the_other(
    face: str, mark: str, size: int
) -> None:
    left, right = _marked(FRUIT, mark), _marked(VEGETABLES, mark)
    pieces = _columns([left, right], face, size)
    assert _doc(pieces) == left + right
    assert _screen(pieces) == left + right


def test_three_bulleted_lists_of_different_lengths_keep_their_order() -> None:
    columns = [_marked(FRUIT, "•"), _marked(VEGETABLES[:5], "•"), _marked(HERBS, "•")]
    pieces = _columns(columns, "DejaVuSerif.ttf", 18)
    expected = [item for column in columns for item in column]
    assert _doc(pieces) == expected
    assert _screen(pieces) == expected


def test_the_blocks_of_bulleted_lists_side_by_side_are_list_items() -> None:
    _lines, blocks = lay_out(_columns([_marked(HERBS, "•"), _marked(FRUIT[:4], "•")]))
    assert blocks == [Block("list_item", item) for item in HERBS + FRUIT[:4]]


def test_numbered_steps_running_on_in_a_second_column_are_read_in_turn() -> None:
    steps = ["Wash the rice", "Boil the water", "Add the rice", "Stir once", "Cover the pan"]
    steps += ["Wait ten minutes", "Drain the rice", "Serve it hot"]
    left = [f"{n}. {step}" for n, step in enumerate(steps[:4], 1)]
    right = [f"{n}. {step}" for n, step in enumerate(steps[4:], 5)]
    pieces = _columns([left, right], "DejaVuSans.ttf", 15)
    assert _doc(pieces) == left + right
    assert _screen(pieces) == left + right


@pytest.mark.parametrize("space", [0.3, 1.6], ids=["close", "set-apart"])
@pytest.mark.parametrize("mark", ["", "•"], ids=["plain", "bulleted"])
def test_lists_with_a_bigger_heading_over_each_are_read_list_by_list(
    space: float, mark: str
) -> None:
    left, right = _marked(FRUIT, mark), _marked(VEGETABLES, mark)
    heads = ["Fruit", "Vegetables"]
    pieces = _columns([left, right], "DejaVuSans.ttf", 16, heads=heads, space=space)
    expected = ["Fruit", *left, "Vegetables", *right]
    assert _doc(pieces) == expected
    assert _screen(pieces) == expected
    _lines, blocks = lay_out(pieces)
    assert [b.text for b in blocks if b.kind == "heading"] == ["Fruit", "Vegetables"]


@pytest.mark.parametrize(("face", "shorter"), [(FACES[0], 4), (FACES[1], 5), (FACES[3], 3)])
def test_plain_lists_that_end_apart_on_a_page_are_read_one_after_the_other(
    face: str, shorter: int
) -> None:
    # on a screen they were panes already (they do not end together); a page read them
    # as a table, row by row, where most rows held both
    for left, right in ((FRUIT, VEGETABLES[:shorter]), (HERBS[:shorter], VEGETABLES)):
        pieces = _columns([left, right], face, 16)
        assert _doc(pieces) == left + right
        assert _screen(pieces) == left + right


# --- real tables stay tables --------------------------------------------------------------

TABLES = {
    "price-list": [["Coffee", "Tea", "Hot chocolate", "Cake"], ["2.50", "1.80", "3.20", "2.90"]],
    "timetable": [
        ["Monday", "Tuesday", "Wednesday", "Thursday"],
        ["9:00", "10:30", "8:15", "12:00"],
        ["17:00", "18:30", "16:15", "20:00"],
    ],
    "contacts": [
        ["Anna Berg", "Tom Lee", "Maria Lopez"],
        ["anna@mail.org", "tom@mail.org", "maria@mail.org"],
        ["555 0134", "555 0199", "555 0101"],
    ],
    "spreadsheet": [
        ["Name", "Oak", "Birch", "Pine"],
        ["Region", "North", "South", "East"],
        ["Q1", "12", "14", "19"],
        ["Q2", "15", "11", "10"],
    ],
    "words": [["Feeling sick", "Headache", "Rash"], ["Very common", "Common", "Rare"]],
    "quiz": [["a) Paris", "c) Oslo"], ["b) Rome", "d) Bern"]],
    "numbered-rows": [["1. Paris", "3. Oslo", "5. Bern"], ["2. Rome", "4. Lima", "6. Kyiv"]],
    "bulleted-prices": [["• Coffee", "• Tea", "• Cake"], ["2.50", "1.80", "2.90"]],
}


def _rows(columns: list[list[str]]) -> list[str]:
    return [" ".join(row) for row in zip(*columns, strict=True)]


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("face", FACES[:3])
def test_a_real_table_is_still_read_row_by_row(name: str, face: str) -> None:
    columns = TABLES[name]
    pieces = _columns(columns, face, 16)
    assert _doc(pieces) == _rows(columns)
    assert _screen(pieces) == _rows(columns)
    _lines, blocks = lay_out(pieces)
    assert [b.kind for b in blocks] == ["table"]


def test_a_timetable_with_a_bigger_day_over_each_column_stays_a_table() -> None:
    columns = [["9:00", "11:00", "14:00"], ["9:30", "11:30", "14:30"]]
    pieces = _columns(columns, "DejaVuSans.ttf", 16, heads=["Monday", "Tuesday"])
    assert _doc(pieces) == ["Monday Tuesday", *_rows(columns)]
    assert _screen(pieces) == ["Monday Tuesday", *_rows(columns)]


# --- the same, drawn and read by OCR --------------------------------------------------------


def _drawn(
    columns: list[list[str]],
    *,
    px: int,
    xs: tuple[int, ...],
    heads: list[str] | None = None,
    face: str = "DejaVuSans.ttf",
) -> Image.Image:
    """A white picture of ``columns`` at ``xs``, lines 1.6 sizes apart; ``heads`` in bold
    1.6 times as big over them."""
    image = Image.new("RGB", (max(xs) + 40 * px, 24 * px), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(face, px), _font("DejaVuSans-Bold.ttf", round(1.6 * px))
    for index, (x, column) in enumerate(zip(xs, columns, strict=True)):
        y = 3 * px
        if heads:
            draw.text((x, y), heads[index], font=bold, fill="black")
            y += round(2.6 * px)
        for text in column:
            draw.text((x, y), text, font=font, fill="black")
            y += round(1.6 * px)
    return image


SCANNED = {
    "bulleted": ([_marked(FRUIT[:5], "•"), _marked(VEGETABLES[:5], "•")], None),
    "numbered": (
        [
            [f"{n}. {t}" for n, t in enumerate(FRUIT[:4], 1)],
            ["5. Kiwis", "6. Limes", "7. Dates", "8. Melons"],
        ],
        None,
    ),
    "headed": ([FRUIT[:5], VEGETABLES[:5]], ["Fruit", "Vegetables"]),
}


@pytest.mark.parametrize("name", list(SCANNED))
def test_lists_side_by_side_on_a_scanned_page_are_read_list_by_list(
    page_reader: OcrReader, name: str
) -> None:
    from describe_app.core.reading.page_reader import read_page_picture

    columns, heads = SCANNED[name]
    page = read_page_picture(_drawn(columns, px=34, xs=(120, 680), heads=heads), page_reader)
    heading = heads or ["", ""]
    expected = [line for h, c in zip(heading, columns, strict=True) for line in [h, *c] if line]
    assert [line.text for line in page.lines] == expected


@pytest.mark.parametrize("name", list(SCANNED))
def test_lists_side_by_side_on_a_screen_are_read_list_by_list(
    screen_reader: OcrReader, name: str
) -> None:
    from describe_app.core.describe.screen_conversation import read_screen_text

    columns, heads = SCANNED[name]
    image = _drawn(columns, px=14, xs=(40, 400), heads=heads, face="DejaVuSerif.ttf")
    heading = heads or ["", ""]
    expected = [line for h, c in zip(heading, columns, strict=True) for line in [h, *c] if line]
    assert read_screen_text(screen_reader, image).lines == expected


def test_a_scanned_price_list_and_timetable_stay_tables(page_reader: OcrReader) -> None:
    from describe_app.core.reading.page_reader import read_page_picture

    for columns in (TABLES["price-list"], TABLES["timetable"]):
        picture = _drawn(columns, px=34, xs=(120, 560, 900)[: len(columns)])
        page = read_page_picture(picture, page_reader)
        assert [line.text for line in page.lines] == _rows(columns)
        assert [block.kind for block in page.blocks] == ["table"]


# --- two columns of a text PDF set close --------------------------------------------------

LEFT = [
    "The river rose in the night and",
    "the bridge was shut before dawn.",
    "Drivers were sent round by the",
    "old mill road, which added an",
    "hour to most journeys into town.",
]
RIGHT = [
    "The school stayed open and the",
    "buses ran late but full. By noon",
    "the water had begun to fall and",
    "the council said the bridge would",
    "open again in the morning.",
]
TITLE = "Flood closes the bridge"


class NoOcr:
    """A reader for pages read from their text layer: OCR is never asked."""

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        raise AssertionError("a page with a text layer was read by OCR")


def _two_column_pdf(
    path: Path, gutter: float, face: str = "DejaVuSans.ttf", *, by_rows: bool = False
) -> Path:
    """A title over two columns of text ``gutter`` line heights apart (from the longer
    line), written one column after the other (``by_rows``: a row of both at a time)."""
    size = 10
    pdf = FPDF(format="A4")
    pdf.add_font("Face", "", str(DEJAVU / face))
    pdf.add_page()
    pdf.set_font("Face", "", 16)
    pdf.text(20, 25, TITLE)
    pdf.set_font("Face", "", size)
    line = 1.2 * size * 25.4 / 72  # a line height in millimetres
    right = 20 + max(pdf.get_string_width(text) for text in LEFT) + gutter * line
    if by_rows:
        for row, (a, b) in enumerate(zip(LEFT, RIGHT, strict=True)):
            pdf.text(20, 40 + row * line, a)
            pdf.text(right, 40 + row * line, b)
    else:
        for x, column in ((20, LEFT), (right, RIGHT)):
            for row, text in enumerate(column):
                pdf.text(x, 40 + row * line, text)
    pdf.output(str(path))
    return path


def _laid_out(path: Path) -> Page:
    page = read_document(path, NoOcr(), ReadOptions()).pages[0]
    assert page.from_text_layer
    return lay_out_page(page)


@pytest.mark.parametrize("gutter", [0.25, 0.4, 0.55])
@pytest.mark.parametrize("face", ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf"])
def test_a_text_pdfs_columns_set_close_are_read_one_after_the_other(
    tmp_path: Path, gutter: float, face: str
) -> None:
    page = _laid_out(_two_column_pdf(tmp_path / "close.pdf", gutter, face))
    assert [line.text for line in page.lines] == [TITLE, *LEFT, *RIGHT]
    assert page.blocks[1:] == [
        Block("paragraph", " ".join(LEFT)),
        Block("paragraph", " ".join(RIGHT)),
    ]


def test_the_same_columns_found_by_ocr_are_not_split_by_their_order(tmp_path: Path) -> None:
    """OCR's order is no evidence: a scanned page's pieces in the same order as the text
    layer's are laid out as before (the narrow gutter is not trusted)."""
    page = read_document(_two_column_pdf(tmp_path / "close.pdf", 0.4), NoOcr()).pages[0]
    pieces = [piece for line in page.lines for piece in line.pieces]
    lines, _blocks = lay_out(pieces)
    assert [line.text for line in lines][1] == f"{LEFT[0]} {RIGHT[0]}"


def test_a_text_pdf_written_row_by_row_is_not_split_by_a_narrow_gap(tmp_path: Path) -> None:
    # the PDF's order reads across: no evidence of columns (a table written row by row)
    page = _laid_out(_two_column_pdf(tmp_path / "rows.pdf", 0.4, by_rows=True))
    assert [line.text for line in page.lines][1] == f"{LEFT[0]} {RIGHT[0]}"


def test_a_text_pdf_forms_labels_written_first_stay_beside_their_values(tmp_path: Path) -> None:
    """A form whose labels were written before its values, set close: a label's value is
    read with it, as before (the narrow gutter counts only between lines of words)."""
    fields = [("Name:", "Ada Lovelace"), ("Born:", "10 December 1815"), ("City:", "London")]
    pdf = FPDF(format="A4")
    pdf.add_font("Face", "", str(DEJAVU / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("Face", "", 10)
    right = 20 + max(pdf.get_string_width(label) for label, _value in fields) + 1.8
    for column, x in ((0, 20.0), (1, right)):
        for row, field in enumerate(fields):
            pdf.text(x, 40 + row * 6, field[column])
    path = tmp_path / "form.pdf"
    pdf.output(str(path))
    assert [line.text for line in _laid_out(path).lines] == [" ".join(f) for f in fields]


def test_text_pdf_lists_side_by_side_are_read_one_after_the_other(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_font("Face", "", str(DEJAVU / "DejaVuSerif.ttf"))
    pdf.add_page()
    pdf.set_font("Face", "", 12)
    for x, items in ((20, FRUIT), (110, VEGETABLES)):
        for row, item in enumerate(items):
            pdf.text(x, 40 + row * 7, f"• {item}")
    path = tmp_path / "flyer.pdf"
    pdf.output(str(path))
    page = _laid_out(path)
    assert [line.text for line in page.lines] == _marked(FRUIT + VEGETABLES, "•")
