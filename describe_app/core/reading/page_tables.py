"""Tables on a page: when side-by-side columns are a table's (cells with space around them,
rows of short cells), and a table's rows and block. Used by :mod:`.page_layout`; lists side
by side are not tables (:mod:`.list_columns`)."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence

from describe_app.core.reading.document import Block, Line, TextPiece
from describe_app.core.reading.form_wording import word_form, word_line
from describe_app.core.reading.list_columns import are_lists, is_number

#: Columns whose text fills less than this share of the pitch to the next are table columns.
TABLE_FILL = 0.7
#: A table has a column whose cells hold at most this many words (the middle cell); side
#: by side columns whose lines all hold more are columns of text.
CELL_WORDS = 3
#: Two columns whose lines hold this many words or more (the middle line), none of them
#: mostly numbers or labels, are two blocks of text side by side (addresses), not a table.
BLOCK_WORDS = 2


def is_table(columns: list[tuple[TextPiece, ...]], unit: float) -> bool:
    """True when side-by-side columns are a table's: cells with space around them, at most
    one piece per column in each row, most rows with two cells or more, two rows or more."""
    fills = []
    for column, following in itertools.pairwise(columns):
        left = min(p.box[0] for p in column)
        width = max(p.box[2] for p in column) - left
        pitch = min(p.box[0] for p in following) - left
        fills.append(width / pitch if pitch > 0 else 1.0)
    if statistics.median(fills) >= TABLE_FILL or not any(map(short_cells, columns)):
        return False
    rows = rows_across(columns, unit)
    counts = [[sum(1 for p in row if p in column) for column in columns] for row in rows]
    if len(rows) < 2 or any(count > 1 for row in counts for count in row):
        return False
    if are_list_columns(columns, unit):
        return False  # lists side by side (see list_columns): read one after the other
    paired = all(all(row) for row in counts)
    if len(columns) == 2 and not paired and all(map(lines_of_words, columns)):
        # two blocks of lines of words side by side whose lines do not pair up row for
        # row (a letter's two addresses, of 3 and 4 lines, or set at different heights):
        # read across, the two would be interleaved line by line. Two columns of words
        # that pair up row for row stay a table ("Feeling sick | Very common").
        return False
    full = sum(1 for row in counts if sum(1 for c in row if c) >= 2)
    # amounts each beside a label, with lines of text between (a receipt's total and the
    # "Card payment" under it): read row by row, or the amounts come after all the labels
    amounts = (
        full > 0
        and all(is_number(p.text) for column in columns[1:] for p in column)
        and all(row[0] for row in counts if any(row[1:]))
    )
    return 2 * full > len(rows) or amounts


def short_cells(column: Sequence[TextPiece]) -> bool:
    """True for a column of a table's short cells: its pieces hold at most
    :data:`CELL_WORDS` words (the middle one; a name, a number, a date), where the lines
    of a column of text hold more."""
    return statistics.median(len(p.text.split()) for p in column) <= CELL_WORDS


def lines_of_words(column: Sequence[TextPiece]) -> bool:
    """True for a column of lines of words rather than a table's cells: most of its
    pieces (the middle one) hold :data:`BLOCK_WORDS` words or more, and most are neither
    numbers (more digits than letters: an amount, a time, a date in figures) nor labels
    (ending in ":"), which a table's columns of names and values hold."""
    words = statistics.median(len(p.text.split()) for p in column)
    data = sum(1 for p in column if is_number(p.text) or p.text.rstrip().endswith(":"))
    return words >= BLOCK_WORDS and 2 * data < len(column)


def are_list_columns(columns: list[tuple[TextPiece, ...]], unit: float) -> bool:
    """True when side-by-side ``columns`` are lists (see :mod:`.list_columns`)."""
    return are_lists([[(p.text, p.box) for p in column] for column in columns], unit)


def rows_across(columns: Sequence[Sequence[TextPiece]], unit: float) -> list[list[TextPiece]]:
    """The pieces of all the columns in rows, top to bottom (by their vertical middles)."""
    rows: list[list[TextPiece]] = []
    for piece in sorted((p for column in columns for p in column), key=middle):
        if rows and middle(piece) - middle(rows[-1][-1]) < 0.5 * unit:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return rows


def table_of(columns: tuple[tuple[TextPiece, ...], ...]) -> tuple[list[Line], Block]:
    """A table's rows as lines, and its block: rows by newlines, cells by " | "."""
    unit = statistics.median(height(p) for column in columns for p in column)
    lines, texts = [], []
    for row in rows_across(columns, unit):
        cells = [" ".join(p.text.strip() for p in row if p in column) for column in columns]
        texts.append(" | ".join(word_form(cell).replace("|", "/") for cell in cells))
        ordered = tuple(sorted(row, key=lambda p: p.box[0]))
        lines.append(word_line(Line(" ".join(p.text.strip() for p in ordered), ordered)))
    return lines, Block("table", "\n".join(texts))


def height(piece: TextPiece) -> float:
    return piece.box[3] - piece.box[1]


def middle(piece: TextPiece) -> float:
    return (piece.box[1] + piece.box[3]) / 2
