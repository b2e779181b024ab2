"""A page's layout from where its words are: columns in reading order, headings, paragraphs,
list items and simple tables.

OCR gives pieces of text with boxes. :func:`lay_out` turns them into the page's lines in
reading order and its :class:`~describe_app.core.reading.document.Block` s:

1. **Regions** (a recursive XY cut): a region is split at empty horizontal strips at
   least :data:`BAND_GAP_LINES` line heights tall into bands, read top to bottom; failing
   that, at *gutters* (empty vertical strips at least :data:`GUTTER_LINES` line heights
   wide, top to bottom of the region) into columns, read left to right; then each part
   again. A title across two columns therefore comes before both, a table under them
   after, and the sentence that introduces a table before the table. (Two columns whose
   paragraph breaks fall at the same height, with more space than that, are read band by
   band.)
2. **Tables**: a band split into columns whose text fills little of the space to the next
   column (less than :data:`TABLE_FILL`: cells with space around them, where prose columns
   fill about 90 %) and whose rows hold one piece per column is a table, read row by row.
3. **Lines** in each column (the pieces on one level, left to right; skew allowed for, see
   :mod:`~describe_app.core.reading.reading_order`).
4. **Headings** are lines printed at least :data:`HEADING_SIZE` times as big as the body
   text (the median line; size is the geometric mean of the line's height and its width
   per letter, each beside the body's); level 1 for the biggest, 2 for the next, at most 3.
5. **List items** start with a bullet, a dash or a number ("1." or "a)"; a number is kept
   in the item's text, a bullet is not); a run of lines set apart by space in which some
   lines have a bullet is a list from its first bulleted line, one item a line (OCR
   sometimes misses a bullet), the lines before it a paragraph that introduces it.
   **Paragraphs** are the rest, split where two lines are farther apart than usual.

The page's :class:`~describe_app.core.reading.document.Line` s come out in the same order,
so plain text reads columns one after the other too.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from describe_app.core.reading.document import Block, Line, Page, TextPiece
from describe_app.core.reading.reading_order import TextBox, estimate_skew, group_lines

#: An empty vertical strip this many line heights wide, top to bottom, separates columns.
GUTTER_LINES = 0.8
#: An empty horizontal strip this many line heights tall, across a region, separates bands.
BAND_GAP_LINES = 0.8
#: Columns whose text fills less than this share of the pitch to the next are table columns.
TABLE_FILL = 0.7
#: A line whose print is this many times as big as the body text's is a heading.
HEADING_SIZE = 1.2
#: Heading sizes within this ratio of each other are one level.
LEVEL_STEP = 0.88
#: Lines this many times as far apart as usual are in different paragraphs.
PARAGRAPH_PITCH = 1.25

_BULLET = re.compile(r"^\s*(?:[•●▪◦■□○·∙‣*\-–—]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")
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
    """``page`` with its lines put in reading order by columns and its blocks filled in."""
    pieces = [piece for line in page.lines for piece in line.pieces]
    if not pieces:
        return page
    page.lines, page.blocks = lay_out(pieces)
    return page


def lay_out(pieces: Sequence[TextPiece]) -> tuple[list[Line], list[Block]]:
    """The lines in reading order and the blocks of a page's pieces of text."""
    pieces = [p for p in pieces if p.text.strip() and _height(p) > 0]
    if not pieces:
        return [], []
    unit = statistics.median(_height(p) for p in pieces)
    regions = _cut(tuple(pieces), unit)
    rows_of = [[] if r.is_table else _rows(r.pieces) for r in regions]
    body = _Body.of([row for rows in rows_of for row in rows], unit)
    levels = _heading_levels([row for rows in rows_of for row in rows], body)
    lines: list[Line] = []
    blocks: list[Block] = []
    for region, rows in zip(regions, rows_of, strict=True):
        if region.is_table:
            table_lines, table = _table(region.columns)
            lines += table_lines
            blocks.append(table)
        else:
            lines += [row.line for row in rows]
            blocks += _text_blocks(rows, body, levels)
    return lines, blocks


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
        xs = [x * cos_a + y * sin_a for x, y in box.corners]
        ys = [-x * sin_a + y * cos_a for x, y in box.corners]
        level = TextPiece(box.text.strip(), (min(xs), min(ys), max(xs), max(ys)))
        on_page[level] = Line.from_boxes([box]).pieces[0]
    lines, _blocks = lay_out(list(on_page))
    return [Line(line.text, tuple(on_page.get(p, p) for p in line.pieces)) for line in lines]


# --- regions ------------------------------------------------------------------------------


def _cut(pieces: tuple[TextPiece, ...], unit: float, depth: int = 0) -> list[_Region]:
    """The regions of ``pieces`` in reading order (see the module docstring)."""
    if len(pieces) < 2 or depth > 12:
        return [_Region(pieces)]
    bands = _split(pieces, 1, BAND_GAP_LINES * unit)
    if len(bands) > 1:
        return [r for band in bands for r in _cut(band, unit, depth + 1)]
    columns = _split(pieces, 0, GUTTER_LINES * unit)
    if len(columns) > 1 and len(_bands([pieces], unit)) > 1:  # one line is never columns
        if _is_table(columns, unit):
            return [_Region(pieces, tuple(columns))]
        return [r for column in columns for r in _cut(column, unit, depth + 1)]
    return [_Region(pieces)]


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


def _is_table(columns: list[tuple[TextPiece, ...]], unit: float) -> bool:
    """True when side-by-side columns are a table's: cells with space around them, at most
    one piece per column in each row, most rows with two cells or more, two rows or more."""
    fills = []
    for column, following in itertools.pairwise(columns):
        left = min(p.box[0] for p in column)
        width = max(p.box[2] for p in column) - left
        pitch = min(p.box[0] for p in following) - left
        fills.append(width / pitch if pitch > 0 else 1.0)
    if statistics.median(fills) >= TABLE_FILL:
        return False
    rows = _bands(columns, unit)
    counts = [[sum(1 for p in row if p in column) for column in columns] for row in rows]
    if len(rows) < 2 or any(count > 1 for row in counts for count in row):
        return False
    return 2 * sum(1 for row in counts if sum(1 for c in row if c) >= 2) > len(rows)


# --- tables -------------------------------------------------------------------------------


def _bands(columns: Sequence[Sequence[TextPiece]], unit: float) -> list[list[TextPiece]]:
    """The pieces of all the columns in rows, top to bottom (by their vertical middles)."""
    rows: list[list[TextPiece]] = []
    for piece in sorted((p for column in columns for p in column), key=_middle):
        if rows and _middle(piece) - _middle(rows[-1][-1]) < 0.5 * unit:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return rows


def _table(columns: tuple[tuple[TextPiece, ...], ...]) -> tuple[list[Line], Block]:
    """A table's rows as lines, and its block: rows by newlines, cells by " | "."""
    unit = statistics.median(_height(p) for column in columns for p in column)
    lines, texts = [], []
    for row in _bands(columns, unit):
        cells = [" ".join(p.text.strip() for p in row if p in column) for column in columns]
        texts.append(" | ".join(cell.replace("|", "/") for cell in cells))
        ordered = tuple(sorted(row, key=lambda p: p.box[0]))
        lines.append(Line(" ".join(p.text.strip() for p in ordered), ordered))
    return lines, Block("table", "\n".join(texts))


# --- lines and blocks ---------------------------------------------------------------------


def _rows(pieces: Sequence[TextPiece]) -> list[_Row]:
    boxes = [
        TextBox.from_points(p.text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))
        for p in pieces
        for x0, y0, x1, y1 in (p.box,)
    ]
    rows = []
    for line in group_lines(boxes):
        built = Line.from_boxes(line)
        if not built.text:
            continue
        width = sum(p.box[2] - p.box[0] for p in built.pieces)
        rows.append(
            _Row(
                built,
                left=min(p.box[0] for p in built.pieces),
                top=statistics.median(p.box[1] for p in built.pieces),
                bottom=statistics.median(p.box[3] for p in built.pieces),
                height=statistics.median(_height(p) for p in built.pieces),
                char_width=width / max(1, sum(len(p.text.strip()) for p in built.pieces)),
            )
        )
    return rows


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
    weighted = sorted((float(getattr(row, name)), len(row.line.text)) for row in rows)
    total, running = sum(count for _, count in weighted), 0
    for value, count in weighted:
        running += count
        if running * 2 >= total:
            return value
    return weighted[-1][0]


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
    return body.size(row) >= HEADING_SIZE and len(text) <= 120 and letters >= 2


def _level(row: _Row, body: _Body, levels: list[float]) -> int:
    for index, smallest in enumerate(levels):
        if body.size(row) >= smallest:
            return index + 1
    return len(levels) or 1


def _text_blocks(rows: list[_Row], body: _Body, levels: list[float]) -> list[Block]:
    """Headings, list items and paragraphs of one column's rows, in order."""
    blocks: list[Block] = []
    for run in _runs(rows, body):
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
            blocks.append(Block("paragraph", _joined(row.line.text for row in run)))
    return blocks


def _runs(rows: list[_Row], body: _Body) -> list[list[_Row]]:
    """Rows grouped into runs: a heading's lines, or body lines set no wider apart than
    usual (from one line's middle to the next: more than :data:`PARAGRAPH_PITCH` times
    the usual distance starts a new run)."""
    pitches = [b.middle - a.middle for a, b in itertools.pairwise(rows)]
    usual = statistics.median(pitches) if pitches else body.height
    runs: list[list[_Row]] = []
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        if (
            previous is None
            or pitches[index - 1] > PARAGRAPH_PITCH * usual
            or _is_heading(row, body) != _is_heading(previous, body)
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


def _height(piece: TextPiece) -> float:
    return piece.box[3] - piece.box[1]


def _middle(piece: TextPiece) -> float:
    return (piece.box[1] + piece.box[3]) / 2
