"""A page's layout from where its words are: columns in reading order, headings, paragraphs,
list items and simple tables.

OCR gives pieces of text with boxes. :func:`lay_out` turns them into the page's lines in
reading order and its :class:`~describe_app.core.reading.document.Block` s:

1. **Regions** (a recursive XY cut): a region is split at empty horizontal strips at
   least :data:`BAND_GAP_LINES` line heights tall into bands, read top to bottom; failing
   that, at *gutters* (empty vertical strips at least :data:`GUTTER_LINES` line heights
   wide, top to bottom of the region; on a page read from a PDF's text layer narrower
   ones too, :data:`NARROW_GUTTER_LINES`, where the text layer reads the columns one after
   the other) into columns, read left to right; then each part
   again. A title across two columns therefore comes before both, a table under them
   after, and the sentence that introduces a table before the table. Bands one after the
   other split by the same gutters are one region of columns: two columns of text whose
   paragraph breaks fall at the same height are still read one after the other, and a
   table's rows set far apart (each a band of its own) are one table.
2. **Tables** (:mod:`~describe_app.core.reading.page_tables`): a band split into columns
   whose text fills little of the space to the next column (less than ``TABLE_FILL``: cells
   with space around them, where prose columns fill about 90 %), one of them of short cells
   (``CELL_WORDS``: columns of text set far apart are not a table), and whose rows hold one
   piece per column is a table, read row by row; but two columns of lines of words
   (``BLOCK_WORDS``), neither of numbers nor of labels, are two blocks of text side by side
   (a letter's addresses), read one after the other; so are lists side by side (every
   column's items bulleted or numbered, a bigger heading over each, or short items ending
   apart; see :mod:`~describe_app.core.reading.list_columns`). Columns of amounts each
   beside a label are a table too, however many lines of text lie between its rows (a
   receipt's total and "Card payment" under it). Lines of one piece in the first column at
   a table's top or foot are not its rows (a title set close over it). Its print counts as
   body text for the headings' sizes.
3. **Lines** in each column (the pieces on one level, left to right; skew allowed for, see
   :mod:`~describe_app.core.reading.reading_order`).
4. **Headings** are lines printed at least :data:`HEADING_SIZE` times as big as the body
   text (the median line; size is the geometric mean of the line's height and its width
   per letter, each beside the body's); level 1 for the biggest, 2 for the next, at most 3.
   A line less than :data:`CLEAR_HEADING_SIZE` times as big is a heading only where one
   is set: with text under it, and not on the next line under body text. Lines ending
   in ":" one under the other are a form's fields, not headings.
5. **List items** start with a bullet, a dash or a number ("1." or "a)"; a number is kept
   in the item's text, a bullet is not); a run of lines set apart by space in which some
   lines have a bullet is a list from its first bulleted line, one item a line (OCR
   sometimes misses a bullet), the lines before it a paragraph that introduces it.
   **Paragraphs** are the rest, split where two lines are farther apart than usual, and
   where a line alone is indented (a first-line indent, :data:`INDENT_MIN` to
   :data:`INDENT_MAX` line heights in from the lines around it, which start together),
   and where the lines' left edge moves by more than :data:`INDENT_MAX` (a letter's
   closing set to the right).

The page's :class:`~describe_app.core.reading.document.Line` s come out in the same order,
so plain text reads columns one after the other too.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from describe_app.core.reading.document import Block, Box, Line, Page, TextPiece
from describe_app.core.reading.form_wording import has_form_marks, word_line
from describe_app.core.reading.list_columns import LIST_MARK
from describe_app.core.reading.page_tables import (
    CELL_WORDS,
    are_list_columns,
    height,
    is_table,
    lines_of_words,
    rows_across,
    short_cells,
    table_of,
)
from describe_app.core.reading.print_weight import letter_median
from describe_app.core.reading.reading_order import (
    TextBox,
    estimate_skew,
    group_lines,
    level_extent,
)
from describe_app.core.reading.text_layer_order import reads_down

#: Each piece's place in the order of a PDF's text layer (None: the order is OCR's).
_Rank = Mapping[TextPiece, int] | None

#: An empty vertical strip this many line heights wide, top to bottom, separates columns.
#: (OCR finds a line of text whole, so a line's words leave no strip empty; the boxes of a
#: blurred photo are padded all round, which made a gutter of 0.75 line heights between
#: three columns measure 0.73: at 0.8 the columns were read across, line by line.)
GUTTER_LINES = 0.6
#: On a page read from a PDF's text layer, a narrower empty strip separates columns where
#: the text layer reads them one after the other (:func:`_columns`). Its pieces are whole
#: lines or runs set apart, never words, so no word space makes a strip.
NARROW_GUTTER_LINES = 0.2
#: An empty horizontal strip this many line heights tall, across a region, separates bands.
BAND_GAP_LINES = 0.8
#: A line whose print is this many times as big as the body text's is a heading.
HEADING_SIZE = 1.2
#: A line this many times as big as the body text is a heading wherever it is set (see
#: :func:`_placed_as_headings` for one only :data:`HEADING_SIZE` times as big).
CLEAR_HEADING_SIZE = 1.35
#: A short line (at most this many characters) printed bold at least this size of the body's
#: print, set apart, is a heading too (a letter's subject, "Opening times" over a paragraph).
BOLD_HEADING_SIZE = 0.85
BOLD_CHARS = 60
#: Heading sizes within this ratio of each other are one level.
LEVEL_STEP = 0.88
#: Lines this many times as far apart as usual are in different paragraphs.
PARAGRAPH_PITCH = 1.25
#: A first-line indent, in body line heights (more: centred or set-off text, not an indent).
INDENT_MIN = 1.0
INDENT_MAX = 6.0
#: Bands of the same columns are read as one region only when no more than this many line
#: heights apart (a paragraph break, a table's spaced rows; not a page's other end).
JOINED_GAP_LINES = 4.0
#: Lines of one column this many body line heights apart (from middle to middle) or less
#: may be of one paragraph: double spaced text is 2 to 2.4 (single spaced about 1.2).
DOUBLE_SPACING = 2.6
#: A line that reaches this share of its column's width or more is followed by the next
#: line of its paragraph, if any (a paragraph's last line may end short).
FULL_LINE = 0.75

#: A list item's start: a bullet, a dash, a number or a letter (see list_columns).
_BULLET = LIST_MARK
_BULLET_ONLY = re.compile(r"^\s*[•●▪◦■□○·∙‣]\s*")
#: A bullet mark, taken off an item; a number or letter ("2.", "b)") is kept: it is read.
_BULLET_MARK = re.compile(r"^\s*[•●▪◦■□○·∙‣*\-–—]\s+")


@dataclass(frozen=True)
class _Row:
    """One line of a region with its geometry."""

    line: Line
    left: float
    top: float
    bottom: float
    height: float
    #: The line's width per letter (bigger and bolder print is wider).
    char_width: float
    right: float = 0.0
    #: False for a line in too plain a place for a heading of print only a little
    #: bigger than the body's (see :func:`_placed_as_headings`).
    set_apart: bool = True
    #: Printed bold (its pieces marked by :mod:`~describe_app.core.reading.print_weight`).
    bold: bool = False
    #: One of two or more lines one after the other that end in ":", a form's fields
    #: ("Name:", "Date of birth:"; see :func:`_placed_as_headings`), or a line with a
    #: form's blank or box (:mod:`.form_wording`): never a heading.
    label: bool = False
    #: A line with a form's blank or box (:mod:`.form_wording`): a block of its own.
    field: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class _Region:
    pieces: tuple[TextPiece, ...]
    columns: tuple[tuple[TextPiece, ...], ...] = ()  # set for a table

    @property
    def is_table(self) -> bool:
        return bool(self.columns)


def lay_out_page(page: Page) -> Page:
    """``page`` with its lines put in reading order by columns and its blocks filled in
    (a PDF's text layer's order counted as evidence, see :func:`lay_out`)."""
    pieces = [piece for line in page.lines for piece in line.pieces]
    if not pieces:
        return page
    page.lines, page.blocks = lay_out(pieces, text_order=page.from_text_layer)
    return page


def lay_out(
    pieces: Sequence[TextPiece], *, text_order: bool = False
) -> tuple[list[Line], list[Block]]:
    """The lines in reading order and the blocks of a page's pieces of text.
    ``text_order``: the pieces come in the order a PDF's text layer holds them, which
    then counts as evidence for columns set closer than :data:`GUTTER_LINES` (see
    :data:`NARROW_GUTTER_LINES`); OCR's order is no evidence."""
    pieces = [p for p in pieces if p.text.strip() and height(p) > 0]
    if not pieces:
        return [], []
    unit = statistics.median(height(p) for p in pieces)
    rank = {p: i for i, p in reversed(list(enumerate(pieces)))} if text_order else None
    regions = _cut(tuple(pieces), unit, rank=rank)
    rows_of = [[] if r.is_table else _rows(r.pieces) for r in regions]
    # a table's print is body text too (a page of a title and a table has no other)
    table_rows = [row for r in regions if r.is_table for row in _rows(r.pieces)]
    body = _Body.of([row for rows in rows_of for row in rows] + table_rows, unit)
    rows_of = _placed_as_headings(rows_of, [r.is_table for r in regions], body)
    levels = _heading_levels([row for rows in rows_of for row in rows], body)
    # the lines of body text, for how wide the text is set where each starts
    measures = [row for rows in rows_of for row in rows if not _is_heading(row, body)]
    lines: list[Line] = []
    blocks: list[Block] = []
    # the rows of regions one under the other in one column (the lines of double spaced
    # text are bands of their own) are made into blocks together, split into paragraphs
    # by their spacing: more than within the regions (the lines of one paragraph)
    column: list[_Row] = []
    inner: list[float] = []  # the pitches within the regions
    for region, rows in zip(regions, rows_of, strict=True):
        if region.is_table or not rows or not _under(column, rows, body, measures):
            blocks += _text_blocks(column, body, levels, inner) if column else []
            column, inner = [], []
        if region.is_table:
            table_lines, table = table_of(region.columns)
            lines += table_lines
            blocks.append(table)
        else:
            lines += [row.line for row in rows]
            column += rows
            inner += [b.middle - a.middle for a, b in itertools.pairwise(rows)]
    blocks += _text_blocks(column, body, levels, inner) if column else []
    return lines, blocks


def _under(
    above: Sequence[_Row], rows: Sequence[_Row], body: _Body, page: Sequence[_Row] = ()
) -> bool:
    """True when ``rows`` go on the text of ``above`` in the same column: below it, side
    by side with it, no more than :data:`DOUBLE_SPACING` body line heights from its last
    line, which is a line of text (more than :data:`CELL_WORDS` words) running on to the
    column's right (:data:`FULL_LINE`; a form's "Name:" and "Signed:" lines, set as far
    apart, are not a paragraph). The column's right is the farthest of these lines and of
    the ``page`` 's body lines that start where they do (a letter's subject line and its
    greeting, two short lines set apart, are not a paragraph beside its lines of full
    width; double spaced lines are each as wide as the text)."""
    if not above:
        return True
    left, right = min(r.left for r in above), max(r.right for r in above)
    beside = min(r.right for r in rows) > left and min(r.left for r in rows) < right
    aligned = [r.right for r in page if abs(r.left - left) <= INDENT_MAX * body.height]
    widest = max(right, *(r.right for r in rows), *aligned) - left
    last = above[-1]
    words = sum(1 for w in last.line.text.split() if sum(c.isalpha() for c in w) >= 2)
    full = words > CELL_WORDS and last.right - left >= FULL_LINE * widest
    pitch = rows[0].middle - above[-1].middle
    near = rows[0].top >= above[-1].bottom and pitch <= DOUBLE_SPACING * body.height
    return beside and full and near


def lines_in_reading_order(boxes: Sequence[TextBox]) -> list[Line]:
    """OCR's boxes as lines in reading order by columns, on a page scanned or photographed
    askew too: the columns are found with the boxes turned level by the page's skew, and
    the lines keep the boxes where they are on the page (a searchable PDF places them)."""
    turn = math.radians(estimate_skew(boxes))
    cos_a, sin_a = math.cos(turn), math.sin(turn)
    on_page: dict[TextPiece, TextPiece] = {}
    for box in boxes:
        if not box.text.strip():
            continue
        level = TextPiece(box.text.strip(), level_extent(box, cos_a, sin_a))
        on_page[level] = Line.from_boxes([box]).pieces[0]
    lines, _blocks = lay_out(list(on_page))
    return [Line(line.text, tuple(on_page.get(p, p) for p in line.pieces)) for line in lines]


# --- regions ------------------------------------------------------------------------------


def _cut(
    pieces: tuple[TextPiece, ...], unit: float, depth: int = 0, rank: _Rank = None
) -> list[_Region]:
    """The regions of ``pieces`` in reading order (see the module docstring)."""
    if len(pieces) < 2 or depth > 12:
        return [_Region(pieces)]
    bands = _split(pieces, 1, BAND_GAP_LINES * unit)
    if len(bands) > 1:
        regions = []
        for run in _column_runs(bands, unit, rank):
            if len(run) > 1:  # bands of the same columns: one region of columns
                together = tuple(p for band in run for p in band)
                regions += _columned(together, unit, depth, rank)
            else:
                regions += _cut(run[0], unit, depth + 1, rank)
        return regions
    if len(rows_across([pieces], unit)) > 1:  # one line is never columns
        return _columned(pieces, unit, depth, rank)
    return [_Region(pieces)]


def _columned(
    pieces: tuple[TextPiece, ...], unit: float, depth: int, rank: _Rank = None
) -> list[_Region]:
    """A region split at its gutters: a table, or columns read one after the other."""
    columns = _columns(pieces, unit, rank)
    if len(columns) < 2:
        return [_Region(pieces)]
    if is_table(columns, unit):
        return _table_regions(pieces, columns, unit, depth, rank)
    return [r for column in columns for r in _cut(column, unit, depth + 1, rank)]


def _columns(
    pieces: tuple[TextPiece, ...], unit: float, rank: _Rank
) -> list[tuple[TextPiece, ...]]:
    """``pieces`` split at gutters :data:`GUTTER_LINES` wide; on a text layer's page
    (``rank``: each piece's place in its order) failing that at gutters
    :data:`NARROW_GUTTER_LINES` wide, where the text layer reads the columns one after the
    other, left to right, each of lines of words (a PDF of two columns of text set close:
    read across, they mix)."""
    columns = _split(pieces, 0, GUTTER_LINES * unit)
    if len(columns) > 1 or rank is None:
        return columns
    narrow = _split(pieces, 0, NARROW_GUTTER_LINES * unit)
    # of lines of words: a form's labels written before its values stay beside them
    text = len(narrow) > 1 and all(map(lines_of_words, narrow))
    return narrow if text and reads_down(narrow, rank) else columns


def _table_regions(
    pieces: tuple[TextPiece, ...],
    columns: list[tuple[TextPiece, ...]],
    unit: float,
    depth: int,
    rank: _Rank = None,
) -> list[_Region]:
    """A table's region, with the lines of one piece in its first column at its top and
    foot split off as text before and after it: a title set close over the table (its
    left under the first column) or a note under it is not a row of the table."""
    rows = rows_across(columns, unit)
    alone = [len(row) == 1 and row[0] in columns[0] for row in rows]
    start = next((i for i, one in enumerate(alone) if not one), len(rows))
    end = len(rows) - next((i for i, one in enumerate(reversed(alone)) if not one), len(rows))
    table = tuple(p for row in rows[start:end] for p in row)
    inner = _split(table, 0, GUTTER_LINES * unit) if table else []
    if (start, end) == (0, len(rows)) or len(inner) < 2 or not is_table(inner, unit):
        return [_Region(pieces, tuple(columns))]
    above = tuple(p for row in rows[:start] for p in row)
    below = tuple(p for row in rows[end:] for p in row)
    return [
        *(_cut(above, unit, depth + 1, rank) if above else []),
        _Region(table, tuple(inner)),
        *(_cut(below, unit, depth + 1, rank) if below else []),
    ]


def _column_runs(
    bands: list[tuple[TextPiece, ...]], unit: float, rank: _Rank = None
) -> list[list[tuple[TextPiece, ...]]]:
    """Consecutive bands grouped where they share their columns (see :func:`_same_columns`);
    any other band alone."""
    runs: list[list[tuple[TextPiece, ...]]] = []
    for band in bands:
        if runs and _same_columns(runs[-1], band, unit, rank):
            runs[-1].append(band)
        else:
            runs.append([band])
    return runs


def _same_columns(
    run: list[tuple[TextPiece, ...]], band: tuple[TextPiece, ...], unit: float, rank: _Rank = None
) -> bool:
    """True when ``band`` continues the columns of the bands of ``run``: the same number of
    columns (two or more), whose gutters still part them all together, and either
    paragraphs of text side by side (two columns whose paragraph breaks fall at the same
    height, or double spaced) or a table (rows, or its head, set far apart), no more than
    :data:`JOINED_GAP_LINES` apart."""
    if min(p.box[1] for p in band) - max(p.box[3] for p in run[-1]) > JOINED_GAP_LINES * unit:
        return False
    together = tuple(p for part in (*run, band) for p in part)
    columns = _columns(together, unit, rank)
    count = len(columns)
    if count < 2 or any(len(_columns(part, unit, rank)) != count for part in (*run, band)):
        return False
    if len(run) == 1 and len(rows_across([run[0]], unit)) == 1 and are_list_columns(columns, unit):
        return True  # a heading over each of lists side by side, set apart from them
    text = [_is_text_columns(_columns(part, unit, rank), unit) for part in (*run, band)]
    if any(text):  # columns of text go on only as columns of text
        return all(text)
    # single rows and tables: a table whose rows (or whose head) are set far apart
    return is_table(columns, unit)


def _is_text_columns(columns: list[tuple[TextPiece, ...]], unit: float) -> bool:
    """True for columns of text side by side: lines that are not a table's, or one line
    (double spaced text: a band a line) of no short cells."""
    if len(rows_across(columns, unit)) == 1:
        return not any(map(short_cells, columns))
    return not is_table(columns, unit)


def _split(pieces: tuple[TextPiece, ...], axis: int, gap: float) -> list[tuple[TextPiece, ...]]:
    """``pieces`` split at empty strips at least ``gap`` wide along ``axis`` (0: x, 1: y)."""
    ordered = sorted(pieces, key=lambda p: p.box[axis])
    groups: list[list[TextPiece]] = [[ordered[0]]]
    reach = ordered[0].box[axis + 2]
    for piece in ordered[1:]:
        if piece.box[axis] - reach >= gap:
            groups.append([])
        groups[-1].append(piece)
        reach = max(reach, piece.box[axis + 2])
    return [tuple(group) for group in groups]


# --- lines and blocks ---------------------------------------------------------------------


def _rows(pieces: Sequence[TextPiece]) -> list[_Row]:
    bold = {(p.text.strip(), p.box) for p in pieces if p.bold}
    boxes = [TextBox.from_rect(p.text, *p.box) for p in pieces]
    rows = []
    for line in group_lines(boxes):
        built = Line.from_boxes(line)
        if not built.text:
            continue
        field = has_form_marks(built.text)  # a form's blank or box, worded: "Name: blank"
        built = word_line(built)
        width = sum(p.box[2] - p.box[0] for p in built.pieces)
        rows.append(
            _Row(
                built,
                left=min(p.box[0] for p in built.pieces),
                right=max(p.box[2] for p in built.pieces),
                top=statistics.median(p.box[1] for p in built.pieces),
                bottom=statistics.median(p.box[3] for p in built.pieces),
                height=statistics.median(height(p) for p in built.pieces),
                char_width=width / max(1, sum(len(p.text.strip()) for p in built.pieces)),
                bold=_mostly_bold(built.pieces, bold),
                label=field,
                field=field,
            )
        )
    return rows


def _mostly_bold(pieces: Sequence[TextPiece], bold: set[tuple[str, Box]]) -> bool:
    """Most of the line's letters (four in five) are in pieces marked bold."""
    letters = sum(len(p.text) for p in pieces)
    heavy = sum(len(p.text) for p in pieces if (p.text, p.box) in bold)
    return bool(bold) and heavy * 5 >= letters * 4


@dataclass(frozen=True)
class _Body:
    """The body text's line height and width per letter (the medians, counting letters)."""

    height: float
    char_width: float

    @classmethod
    def of(cls, rows: Sequence[_Row], unit: float) -> _Body:
        if not rows:
            return cls(unit, unit / 2)
        return cls(_letter_median(rows, "height"), _letter_median(rows, "char_width"))

    def size(self, row: _Row) -> float:
        """How big the row's print is beside the body text's (1.0: the same): the
        geometric mean of the height and width ratios, which are each noisy alone."""
        return math.sqrt(row.height / self.height * row.char_width / self.char_width)


def _letter_median(rows: Sequence[_Row], name: str) -> float:
    return letter_median([(float(getattr(row, name)), len(row.line.text)) for row in rows])


def _heading_levels(rows: Sequence[_Row], body: _Body) -> list[float]:
    """The smallest size of each heading level, biggest level first (at most three)."""
    sizes = sorted((body.size(row) for row in rows if _is_heading(row, body)), reverse=True)
    levels: list[float] = []
    for size in sizes:
        if not levels or size < LEVEL_STEP * levels[-1]:
            if len(levels) == 3:
                break
            levels.append(size)
        else:
            levels[-1] = size
    return levels


def _is_heading(row: _Row, body: _Body) -> bool:
    text = row.line.text
    letters = sum(c.isalpha() for c in text)
    size = body.size(row)
    big = size >= CLEAR_HEADING_SIZE or (size >= HEADING_SIZE and row.set_apart)
    # a short line printed bold at about the body's size, with space and text under it
    bold = row.bold and row.set_apart and size >= BOLD_HEADING_SIZE and len(text) <= BOLD_CHARS
    return (big or bold) and len(text) <= 120 and letters >= 2 and not row.label


def _placed_as_headings(
    rows_of: list[list[_Row]], tables: Sequence[bool], body: _Body
) -> list[list[_Row]]:
    """The rows of each region, those marked that are not where a heading is set: OCR's
    boxes of a short line measure up to a quarter bigger than a long line's (taller
    boxes, wider capitals and figures), so a line of print less than
    :data:`CLEAR_HEADING_SIZE` times as big is a heading only when it has something
    under it to head (a signature's name at the foot of a letter has not) and is not
    set on the next line under a line of body text, without space between them (the last
    line of an address is not)."""
    flat = [row for rows in rows_of for row in rows]
    after = [bool(i + 1 < len(flat)) for i in range(len(flat))]
    if flat:  # a table after the region of the last rows is something under them too
        last = max(i for i, rows in enumerate(rows_of) if rows)
        after[-1] = any(tables[last + 1 :])
    # a form's fields, one under the other, measure as big as headings: their boxes are
    # short lines' (OCR's boxes of "Name:" measured 1.4 times the body's print)
    ends = [row.line.text.rstrip().endswith(":") for row in flat]
    labels = [
        end and any(ends[i] for i in (index - 1, index + 1) if 0 <= i < len(ends))
        for index, end in enumerate(ends)
    ]
    placed: list[_Row] = []
    for index, row in enumerate(flat):
        before = flat[index - 1] if index else None
        under_body = (
            before is not None
            and body.size(before) < HEADING_SIZE
            and before.right > row.left
            and before.left < row.right
            and row.top - before.bottom < 0.5 * body.height
        )
        label = labels[index] or row.label
        placed.append(replace(row, set_apart=after[index] and not under_body, label=label))
    out, start = [], 0
    for rows in rows_of:
        out.append(placed[start : start + len(rows)])
        start += len(rows)
    return out


def _level(row: _Row, body: _Body, levels: list[float]) -> int:
    for index, smallest in enumerate(levels):
        if body.size(row) >= smallest:
            return index + 1
    return len(levels) or 1


def _text_blocks(
    rows: list[_Row], body: _Body, levels: list[float], inner: Sequence[float] = ()
) -> list[Block]:
    """Headings, list items and paragraphs of one column's rows, in order; ``inner``: the
    pitches of lines known to be together (else all are weighed)."""
    blocks: list[Block] = []
    for run in _runs(rows, body, inner):
        if _is_heading(run[0], body):
            text = " ".join(row.line.text for row in run)
            blocks.append(Block("heading", text, _level(run[0], body, levels)))
        elif any(_BULLET.match(row.line.text) for row in run):
            # the lines before the first bullet introduce the list: a paragraph
            first = next(i for i, row in enumerate(run) if _BULLET.match(row.line.text))
            if first:
                blocks.append(Block("paragraph", _joined(row.line.text for row in run[:first])))
            blocks += _list_items(run[first:], body)
        else:
            blocks += [
                Block("paragraph", _joined(row.line.text for row in part))
                for part in _indented_paragraphs(run, body)
            ]
    return blocks


def _indented_paragraphs(run: list[_Row], body: _Body) -> list[list[_Row]]:
    """A run of lines split before each line that alone is indented: the first line of a
    paragraph set without space before it. The lines before and after it start at the
    same left (within half a line height): a block set in a little as a whole (a
    quotation) or lines hanging under a first one are not split. Split too where the left
    edge moves far (a closing set to the right, and back). Lines set flush right (a
    letterhead's address at the right of a letter: their right edges together, their
    left edges ragged) are not split: their lefts are not indents."""
    close = 0.5 * body.height
    rights, lefts = [row.right for row in run], [row.left for row in run]
    if len(run) > 1 and max(rights) - min(rights) < close <= max(lefts) - min(lefts):
        return [run]
    parts: list[list[_Row]] = [run[:1]]
    for index in range(1, len(run)):
        row, before = run[index], run[index - 1]
        after = run[index + 1] if index + 1 < len(run) else None
        if after is not None and abs(after.left - row.left) > INDENT_MAX * body.height:
            after = None  # it starts a part of its own (the left edge moves far)
        margin = before.left if after is None else min(before.left, after.left)
        indent = row.left - margin
        moved = abs(row.left - before.left) > INDENT_MAX * body.height
        if moved or (
            INDENT_MIN * body.height <= indent <= INDENT_MAX * body.height
            and (after is None or abs(after.left - margin) < close)
            and (abs(before.left - margin) < close or len(parts[-1]) == 1)
        ):
            parts.append([row])
        else:
            parts[-1].append(row)
    return parts


def _runs(rows: list[_Row], body: _Body, inner: Sequence[float] = ()) -> list[list[_Row]]:
    """Rows grouped into runs: a heading's lines, or body lines set no wider apart than
    usual (from one line's middle to the next: more than :data:`PARAGRAPH_PITCH` times
    the usual distance, the middle of ``inner`` or else of all, starts a new run)."""
    pitches = [b.middle - a.middle for a, b in itertools.pairwise(rows)]
    usual = statistics.median(inner or pitches) if inner or pitches else body.height
    runs: list[list[_Row]] = []
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        if (
            previous is None
            or pitches[index - 1] > PARAGRAPH_PITCH * usual
            or _is_heading(row, body) != _is_heading(previous, body)
            or row.field
            or previous.field
        ):
            runs.append([row])
        else:
            runs[-1].append(row)
    return runs


def _list_items(run: list[_Row], body: _Body) -> list[Block]:
    """One item per line that starts at a bullet's left; indented lines continue an item."""
    bullet_left = min(row.left for row in run if _BULLET.match(row.line.text))
    items: list[list[str]] = []
    for row in run:
        text = row.line.text
        starts = _BULLET.match(text) is not None or abs(row.left - bullet_left) < 0.5 * body.height
        if starts or not items:
            items.append([_BULLET_MARK.sub("", _BULLET_ONLY.sub("", text, count=1), count=1)])
        else:
            items[-1].append(text)
    return [Block("list_item", _joined(item)) for item in items if _joined(item)]


def _joined(lines: Iterable[str]) -> str:
    """Lines joined into one paragraph; a word broken with a hyphen at a line end is mended."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out
