"""The page layout from OCR boxes: columns in order, headings by size, lists, tables,
paragraphs (pieces placed by hand, as RapidOCR gives them: one box per phrase)."""

from __future__ import annotations

from describe_app.core.reading.document import Block, Line, Page, TextPiece
from describe_app.core.reading.document_export import page_markdown
from describe_app.core.reading.page_layout import lay_out, lay_out_page

BODY_H = 30.0
LETTER_W = 13.0


def piece(text: str, x: float, y: float, scale: float = 1.0) -> TextPiece:
    """A phrase at (x, y) printed ``scale`` times as big as the body text."""
    width = len(text) * LETTER_W * scale
    return TextPiece(text, (x, y, x + width, y + BODY_H * scale))


def column(x: float, y: float, lines: list[str], pitch: float = 40.0) -> list[TextPiece]:
    """One piece a line; an empty line is a paragraph break (half a line more space)."""
    pieces, top = [], y
    for text in lines:
        if text:
            pieces.append(piece(text, x, top))
        top += pitch if text else pitch // 2
    return pieces


LEFT = ["The left column starts", "here and it goes on", "", "to its very end."]
RIGHT = ["The right column comes", "", "after the whole left", "one is read out."]


def test_two_columns_are_read_one_after_the_other_under_a_title() -> None:
    pieces = [piece("Newsletter", 40, 20, scale=1.8)]
    pieces += column(40, 120, LEFT) + column(420, 120, RIGHT)
    lines, blocks = lay_out(pieces)
    assert [line.text for line in lines] == ["Newsletter", *filter(None, LEFT + RIGHT)]
    assert blocks == [
        Block("heading", "Newsletter", 1),
        Block("paragraph", "The left column starts here and it goes on"),
        Block("paragraph", "to its very end."),
        Block("paragraph", "The right column comes"),
        Block("paragraph", "after the whole left one is read out."),
    ]


def test_lines_without_a_gutter_are_read_across() -> None:
    pieces = [piece("Name:", 40, 20), piece("Ann Smith", 130, 20), piece("Born 1970", 40, 60)]
    lines, blocks = lay_out(pieces)
    assert [line.text for line in lines] == ["Name: Ann Smith", "Born 1970"]
    assert [b.kind for b in blocks] == ["paragraph"]


def test_heading_levels_follow_the_print_size() -> None:
    pieces = [piece("Annual report", 40, 20, scale=2.0), piece("Money", 40, 110, scale=1.4)]
    pieces += column(40, 170, ["We spent less this year", "than in the last one."])
    pieces += [piece("People", 40, 270, scale=1.4)]
    pieces += column(40, 330, ["Two people joined us", "and one retired."])
    _, blocks = lay_out(pieces)
    assert [(b.kind, b.level) for b in blocks if b.kind == "heading"] == [
        ("heading", 1),
        ("heading", 2),
        ("heading", 2),
    ]
    assert blocks[2] == Block("paragraph", "We spent less this year than in the last one.")


def test_paragraphs_split_where_lines_are_farther_apart() -> None:
    pieces = column(40, 20, ["One paragraph is here", "on two lines."])
    pieces += column(40, 130, ["Another one follows", "after a space."])
    _, blocks = lay_out(pieces)
    assert [b.text for b in blocks] == [
        "One paragraph is here on two lines.",
        "Another one follows after a space.",
    ]


def test_a_word_broken_at_a_line_end_is_mended() -> None:
    _, blocks = lay_out(column(40, 20, ["The garden is open for every-", "one who lives here."]))
    assert blocks == [Block("paragraph", "The garden is open for everyone who lives here.")]


def test_list_items_even_when_ocr_missed_a_bullet() -> None:
    pieces = column(40, 20, ["Bring these things:"])
    pieces += column(40, 90, ["• Gloves for the beds", "Water in a bottle", "- A small spade"])
    _, blocks = lay_out(pieces)
    assert blocks == [
        Block("paragraph", "Bring these things:"),
        Block("list_item", "Gloves for the beds"),
        Block("list_item", "Water in a bottle"),
        Block("list_item", "A small spade"),
    ]


def test_numbered_items_are_list_items() -> None:
    _, blocks = lay_out(column(40, 20, ["1. Open the box", "2. Take out the pump"]))
    # the numbers are kept: "step 2" is part of what the page says
    assert blocks == [
        Block("list_item", "1. Open the box"),
        Block("list_item", "2. Take out the pump"),
    ]


def test_a_table_is_read_row_by_row() -> None:
    pieces = column(40, 20, ["Our opening hours are:"])
    rows = [["Day", "Opens", "Closes"], ["Monday", "9:00", "17:00"], ["Friday", "10:00", "14:00"]]
    for r, row in enumerate(rows):
        pieces += [piece(cell, 60 + c * 250, 100 + r * 50) for c, cell in enumerate(row)]
    lines, blocks = lay_out(pieces)
    assert blocks[1] == Block(
        "table", "Day | Opens | Closes\nMonday | 9:00 | 17:00\nFriday | 10:00 | 14:00"
    )
    assert [line.text for line in lines[1:]] == [" ".join(row) for row in rows]


def test_page_markdown_shows_the_structure() -> None:
    pieces = [piece("Notice", 40, 20, scale=1.8), *column(40, 110, ["Please read # this."])]
    pieces += column(40, 200, ["• First point"])
    page = Page(1, [Line(p.text, (p,)) for p in pieces], (800, 600))
    assert page_markdown(lay_out_page(page)) == [
        "# Notice",
        "Please read # this.",
        "- First point",
    ]


def test_nothing_to_lay_out() -> None:
    assert lay_out([]) == ([], [])
    assert lay_out([TextPiece("  ", (0, 0, 10, 10))]) == ([], [])
    page = Page(1, [], (10, 10))
    assert lay_out_page(page).blocks == []


def test_a_paragraph_starts_at_a_first_line_indent_without_space_before_it() -> None:
    lines = [
        "Thank you for your letter of",
        "the fifth, which came today.",
        "    We will visit on Monday",  # indented by four letters, no space above
        "and stay for two nights.",
        "    Please tell Ann as well.",
        "                    Yours sincerely,",  # a closing set far to the right
        "                    Peter Brandt",
    ]
    pieces = [
        piece(text.strip(), 40 + (len(text) - len(text.lstrip())) * LETTER_W, 20 + 40 * i)
        for i, text in enumerate(lines)
    ]
    _, blocks = lay_out(pieces)
    assert [b.text for b in blocks] == [
        "Thank you for your letter of the fifth, which came today.",
        "We will visit on Monday and stay for two nights.",
        "Please tell Ann as well.",
        "Yours sincerely, Peter Brandt",
    ]


def test_a_block_set_in_as_a_whole_or_hanging_lines_stay_one_paragraph() -> None:
    quoted = ["Before the quote:", "    all of these lines", "    are set in together", "after."]
    hanging = ["Smith, Ann. A long title", "    that hangs under it", "    over three lines."]
    for lines in (quoted, hanging):
        pieces = [
            piece(text.strip(), 40 + (len(text) - len(text.lstrip())) * LETTER_W, 20 + 40 * i)
            for i, text in enumerate(lines)
        ]
        _, blocks = lay_out(pieces)
        assert len(blocks) == 1, blocks
