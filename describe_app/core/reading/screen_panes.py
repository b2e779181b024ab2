"""The panes of a screen, found from where its text is: a mail client's folder list, its
message list and its reading pane; a web page's article and its sidebar; a file manager's
places and its files.

A screen-reader user reads a pane whole before the next one, left to right and top to
bottom. The page layout (:mod:`describe_app.core.reading.page_layout`) finds columns on a
printed page, but it reads side-by-side columns of short lines as a table, row by row:
right for a spreadsheet or a dialog's labels and fields, wrong for a window's panes, whose
lists of one-line items sit side by side at the same line pitch (Qt's list views and text
view in a splitter were read "Inbox Maria Lopez", "Sent Budget for March", across panes).

What tells the two apart here: **a table's columns start and end together** (its first
and last rows hold a cell in each column: a spreadsheet, a form's labels and fields, a row
of buttons), while **panes end where their own contents end** (five folders, eight
messages, a letter of six lines). So the text is cut, as an XY cut, at vertical gutters
that run the height of a region, and side-by-side columns that start and end on the same
rows are joined again. Before that, a region is split at empty horizontal strips into
bands (a web page's navigation and headline above its article and sidebar), kept whole
again where no band holds panes; and a window's bars set close above its panes (a menu bar,
a toolbar: no empty strip under them) are taken off the top, one row at a time, when the
rest is panes, or when the panes' gutters cut the top row into pieces that each start
where no line under them starts (a web page's links over its menu and its article; a
pane's own first line starts where its next lines do). A row whose cells sit over the
columns under it is a table's header or first row, never a bar. Bars that OCR reads as
one piece across a gutter ("File Edit View Help" over the folders and the senders) are
taken off before the cut, which they would spoil; a pane of one line in the top row is a
list of one item (a single folder), not a bar's item, when the other panes' words in
that row are their first lines. A column of prose (lines that go on with a sentence) is
never a table's column, even where its lines sit on a list's rows; nor is a column whose
rows in between are out of step with the table's (a file manager's places beside its
files: the file list's taller header shifts its rows by a third of a row).

Each pane is then put in reading order by the caller: a **grid** (a pane of columns of
short cells that start and end together: a spreadsheet, a table with row numbers (which
may start a row lower, under an empty corner), a form's labels and fields) row by row,
any other pane as a page (its own columns, tables and lines).

Lists side by side that start and end together are panes too where the lists show it
(:mod:`~describe_app.core.reading.list_columns`: bullets or numbers down every column, or a
bigger heading over each).

A column with blank cells (a "Total" row with nothing under a column, amounts not filled
in) ends short or starts low; between two columns of a table that start and end together
it is the table's when its rows are rows of the table (at least half of them, its first
on the table's first: the header's cell). At the table's right edge, a column of numbers
under its header is the table's too (amounts not filled in at the bottom). Any other
column at a table's edge that ends short is read as a pane of its own, column by column:
a mail client's folders beside its message list look the same (on its rows from its
header, as close to it as its own columns are). A header that Qt centres in its columns,
one piece over each column that ends with the others, is the table's too, not a bar; so
is one over columns that, with it, were one table (a column blank in its first and last
rows ends apart from the others). Two panes of plain short lines that happen to start and
end on the same rows, in step (two file lists of one length), are read as a table.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from describe_app.core.reading.list_columns import are_lists
from describe_app.core.reading.page_layout import CELL_WORDS
from describe_app.core.reading.reading_order import PlacedBox, TextBox

#: An empty vertical strip this many line heights wide, from the top of a region to its
#: bottom, may separate panes (the page layout's gutter: panes are set farther apart).
GUTTER_LINES = 0.6
#: An empty horizontal strip this many line heights tall separates bands (as on a page).
BAND_GAP_LINES = 0.8
#: Lines whose middles are this many line heights apart or less are on one row (a table's
#: cells differ by a few pixels; a pane's next line is a full line height lower).
SAME_ROW_LINES = 0.5
#: The cells of a table's row lie this share of a row's pitch apart or less (OCR's boxes
#: of one row differ by a pixel or two); lists side by side may be out of step by more.
OUT_OF_STEP = 0.2
#: How many bars may be taken off the top of a window to reach its panes: a title bar, a
#: menu bar, a toolbar and a tab or address bar.
MAX_BARS = 4
#: How deep the cut goes (a window of panes in panes is three or four levels).
MAX_DEPTH = 8


@dataclass(frozen=True)
class Pane:
    """The text boxes of one pane, in no particular order; ``is_grid`` for a pane to be
    read row by row (see the module docstring)."""

    boxes: list[TextBox]
    is_grid: bool = False


def split_into_panes(boxes: Sequence[TextBox]) -> list[Pane]:
    """``boxes`` in panes, in reading order (left to right, top to bottom). One pane when
    the screen has no panes."""
    placed = [PlacedBox.of(box) for box in boxes if box.text.strip()]
    if not placed:
        return []
    unit = statistics.median(p.bottom - p.top for p in placed)
    if unit <= 0:
        return [Pane([p.box for p in placed])]
    return [Pane([p.box for p in pane], _is_grid(pane, unit)) for pane in _cut(placed, unit, 0)]


def grid_rows(boxes: Sequence[TextBox]) -> list[list[TextBox]]:
    """A grid pane's boxes in rows, top to bottom, each left to right: each box on the
    row whose middle is nearest its own. (Grouped by overlap, as a photo's lines are, a
    box that OCR drew taller and lower than its neighbours, "Monday" in a Qt list whose
    rows are 14 pixels apart, joined the row above.)"""
    placed = [PlacedBox.of(box) for box in boxes]
    if not placed:
        return []
    unit = statistics.median(p.height for p in placed)
    rows = _rows([p.middle for p in placed], unit)
    grouped: list[list[PlacedBox]] = [[] for _ in rows]
    for p in placed:
        grouped[_nearest(rows, p.middle)].append(p)
    return [[p.box for p in sorted(row, key=lambda p: p.left)] for row in grouped if row]


def _cut(placed: list[PlacedBox], unit: float, depth: int) -> list[list[PlacedBox]]:
    if len(placed) < 2 or depth > MAX_DEPTH:
        return [placed]
    bands = _split(placed, vertical=False, gap=BAND_GAP_LINES * unit)
    if len(bands) > 1:
        columns = _split(placed, vertical=True, gap=GUTTER_LINES * unit)
        if len(columns) > 1 and are_lists([_items(c) for c in columns], unit, ends=False):
            # lists side by side, a heading over each set apart from its list: not a bar
            # (lists that end apart are panes without this)
            return [pane for column in columns for pane in _cut(column, unit, depth + 1)]
        # bars across the top (a web page's navigation, a headline) first: a bar's items
        # set far apart would otherwise make gutters of their own
        parts = [_cut(band, unit, depth + 1) for band in bands]
        if all(len(part) == 1 for part in parts):
            # no panes below: kept whole, so that the page layout still reads two columns
            # of text over several bands one column after the other
            return [placed]
        return [pane for part in parts for pane in part]
    panes = _panes(placed, unit)
    if (
        len(panes) > 1
        and not _in_top_row(panes, placed, unit)
        and not _a_bar_on_top(panes, placed, unit)
    ):
        if _bridged(placed, unit):
            under = _under_bars(placed, unit, depth, whole=False)
            if len(under) > 1:
                return under
        return [part for pane in panes for part in _cut(pane, unit, depth + 1)]
    return _under_bars(placed, unit, depth, whole=len(panes) == 1)


def _bridged(placed: list[PlacedBox], unit: float) -> bool:
    """True when a word of the region's top rows (up to :data:`MAX_BARS`) crosses a gutter
    of the lines under it: a menu bar read as one piece ("File Edit View Help") over a
    folder list and the first column of a message list, which cut that column off its
    table."""
    gap = GUTTER_LINES * unit
    columns = len(_split(placed, vertical=True, gap=gap))
    rest = placed
    for _ in range(MAX_BARS):
        top = min(p.middle for p in rest) + SAME_ROW_LINES * unit
        rest = [p for p in rest if p.middle > top]
        if len(rest) < 2:
            return False
        if len(_split(rest, vertical=True, gap=gap)) > columns:
            return True
    return False


def _in_top_row(panes: list[list[PlacedBox]], placed: list[PlacedBox], unit: float) -> bool:
    """True when one of ``panes`` is only words of the region's top row: the items of a
    menu bar or toolbar set apart, not a pane (the bar is taken off first). Not when the
    other panes' words in that row are their first lines, each starting where a line
    under it does (a letter's title) or over its columns (a message list's header): then
    the pane of one line is a list of one item (a mail client's single folder)."""
    top = min(p.middle for p in placed) + SAME_ROW_LINES * unit
    alone = [pane for pane in panes if all(p.middle <= top for p in pane)]
    if not alone:
        return False
    near = SAME_ROW_LINES * unit
    firsts = 0
    for row, under in _tops(panes, top):
        starts = all(any(abs(a.left - b.left) <= near for b in under) for a in row)
        if not starts and not _over_its_columns(row, under, unit):
            return True
        firsts += len(row)
    return firsts < 2 or len(alone) > 1


def _tops(
    panes: list[list[PlacedBox]], top: float
) -> Iterator[tuple[list[PlacedBox], list[PlacedBox]]]:
    """Each pane's words in the top row (middles down to ``top``) and its words under
    them, for the panes that hold both."""
    for pane in panes:
        row = [p for p in pane if p.middle <= top]
        under = [p for p in pane if p.middle > top]
        if row and under:
            yield row, under


def _a_bar_on_top(panes: list[list[PlacedBox]], placed: list[PlacedBox], unit: float) -> bool:
    """True when the region's top row is a bar set close above ``panes`` and cut by their
    gutters (a web page's links over its menu and its article): in each pane that holds
    words of the top row and more, none of those words starts where a line under it
    starts. A pane's own first line starts where its other lines do (a folder list's
    "Inbox", a message list's first sender)."""
    near = SAME_ROW_LINES * unit
    top = min(p.middle for p in placed) + near
    shared = 0
    for row, under in _tops(panes, top):
        if any(abs(a.left - b.left) <= near for a in row for b in under):
            return False
        shared += 1
    return shared > 1


def _panes(placed: list[PlacedBox], unit: float) -> list[list[PlacedBox]]:
    """``placed`` split at the gutters between panes (one item: no panes)."""
    return _joined(_split(placed, vertical=True, gap=GUTTER_LINES * unit), unit)


def _under_bars(
    placed: list[PlacedBox], unit: float, depth: int, *, whole: bool
) -> list[list[PlacedBox]]:
    """The bars at the top of ``placed`` (each a row), then the panes under them; or
    ``placed`` whole when there are no panes under up to :data:`MAX_BARS` rows. ``whole``
    when ``placed`` is one pane (its columns, with the top row, start and end together)."""
    bars: list[list[PlacedBox]] = []
    rest = placed
    while len(bars) < MAX_BARS and len(rest) > 1:
        first = min(p.middle for p in rest)
        row = [p for p in rest if p.middle - first <= SAME_ROW_LINES * unit]
        rest = [p for p in rest if p.middle - first > SAME_ROW_LINES * unit]
        if _over_its_columns(row, rest, unit, ending_apart=whole and not bars):
            break  # a table's row: taken off, a blank cell lower down cut its table apart
        bars.append(row)
        if len(rest) > 1 and len(_panes(rest, unit)) > 1:
            return bars + _cut(rest, unit, depth + 1)
    return [placed]


def _over_its_columns(
    row: list[PlacedBox], under: list[PlacedBox], unit: float, *, ending_apart: bool = False
) -> bool:
    """True when ``row`` is a table's row (its header, or its first cells): two pieces or
    more, each starting or ending where cells of the next rows do, or one over each
    column (a Qt table's header, centred in its columns) that end together, or that may
    end apart (``ending_apart``: with the row they were one table, and a column with
    blanks in its first and last rows ends short). A bar's items (a menu bar's "Edit", a
    web page's links) are set without regard to the panes under them."""
    if len(row) < 2 or not under:
        return False
    near = SAME_ROW_LINES * unit
    # a column under each piece: two of the next three rows' cells (a blank cell may
    # leave one out) start or end where it does. Anywhere in a window, a menu bar's items
    # found a line that starts or ends under each of them; a toolbar's, one each.
    rows = _rows([p.middle for p in under], unit)
    next_rows = [p for p in under if p.middle <= rows[min(2, len(rows) - 1)] + near]
    if all(
        sum(abs(a.left - b.left) <= near or abs(a.right - b.right) <= near for b in next_rows)
        >= min(2, len(rows))
        for a in row
    ):
        return True
    columns = _split(under, vertical=True, gap=GUTTER_LINES * unit)
    # each column's share of the width: to the middle of the gutters beside it
    bounds = [
        (max(p.right for p in a) + min(p.left for p in b)) / 2
        for a, b in itertools.pairwise(columns)
    ]
    over = {bisect.bisect(bounds, (a.left + a.right) / 2) for a in row}
    # one piece over each column (but a first column of row numbers, under an empty
    # corner), and the columns ending together, as a table's do: a bar's few items over as
    # many panes would be a coincidence, and panes end where their own contents end
    named = {k for k, column in enumerate(columns) if k > 0 or not _all_numbers(column)}
    ends = [max(_row_middles(columns[k])) for k in named]
    return (
        len(columns) > 1
        and len(over) == len(row)
        and named <= over
        and (ending_apart or max(ends) - min(ends) <= near)
    )


def _all_numbers(column: list[PlacedBox]) -> bool:
    return all(_is_number(p.box.text.strip()) for p in column)


def _split(placed: list[PlacedBox], *, vertical: bool, gap: float) -> list[list[PlacedBox]]:
    """``placed`` split at empty strips at least ``gap`` wide: at vertical strips into
    columns, left to right; at horizontal ones into bands, top to bottom."""

    def start(p: PlacedBox) -> float:
        return p.left if vertical else p.top

    def end(p: PlacedBox) -> float:
        return p.right if vertical else p.bottom

    groups: list[list[PlacedBox]] = []
    reach = 0.0
    for p in sorted(placed, key=start):
        if groups and start(p) - reach < gap:
            groups[-1].append(p)
            reach = max(reach, end(p))
        else:
            groups.append([p])
            reach = end(p)
    return groups


def _joined(columns: list[list[PlacedBox]], unit: float) -> list[list[PlacedBox]]:
    """Side-by-side columns with neighbours that start and end on the same rows joined
    (a table's columns; a row of buttons, each a column of one line): the panes. Then a
    column with blank cells between two of a table's columns is joined to it (see
    :func:`_with_blank_columns`)."""
    panes: list[list[list[PlacedBox]]] = []
    for column in columns:
        if panes and _joins(_flat(panes[-1]), column, unit):
            panes[-1] = [*panes[-1], column]
        else:
            panes.append([column])
    return [_flat(pane) for pane in _with_blank_columns(panes, unit)]


def _joins(a: list[PlacedBox], b: list[PlacedBox], unit: float) -> bool:
    """True when ``b`` is the next column of the table (or row of buttons) ``a``; never
    with a column of prose (:func:`_prose`: a letter beside a message list whose lines
    happen to start and end on its rows)."""
    return (
        (_same_rows(a, b, unit) or _row_numbers(a, b, unit))
        and _in_step(a, b, unit)
        and not _lists(a, b, unit)
        and not _prose(a)
        and not _prose(b)
    )


def _in_step(a: list[PlacedBox], b: list[PlacedBox], unit: float) -> bool:
    """True when the rows of ``a`` and ``b`` in between their first and last are on the
    same lines too, as a table's columns' are: their middles, row by row, at most
    :data:`OUT_OF_STEP` of a row's pitch apart (the median over the rows). A file
    manager's places list as long as the file list beside it, header included, starts
    and ends on its rows, but its rows are 4 pixels higher than the files' (the file
    list's header is taller than its rows): out of step by 0.3 of a row."""
    mine, its = _rows(_row_middles(b), unit), _rows(_row_middles(a), unit)
    if len(mine) < 3 or len(its) < 3:
        return True
    pitch = min(_pitch(mine, unit), _pitch(its, unit))
    apart = statistics.median(abs(its[_nearest(its, m)] - m) for m in mine)
    return apart <= OUT_OF_STEP * pitch


def _prose(column: list[PlacedBox]) -> bool:
    """True for lines of running text, not a table's cells: most lines hold more than
    :data:`CELL_WORDS` words, and two or more go on with a sentence (start with a small
    letter: "the budget for March is ready and", "waiting for your comments."). A table's
    cells each start anew."""
    words = [p.box.text.split() for p in column]
    long = sum(1 for w in words if len(w) > CELL_WORDS)
    going_on = sum(1 for w in words if len(w) > CELL_WORDS and w[0][:1].islower())
    return long * 2 > len(words) and going_on >= 2


def _flat(columns: list[list[PlacedBox]]) -> list[PlacedBox]:
    return [p for column in columns for p in column]


def _with_blank_columns(
    panes: list[list[list[PlacedBox]]], unit: float
) -> list[list[list[PlacedBox]]]:
    """``panes`` (each as its columns) with a table's columns that have blank cells joined
    to it (:func:`_with_blanks`: a "Total" row with nothing under a column, amounts not
    filled in): where they sit between two columns that start and end together, or at
    the table's right, amounts (:func:`_amounts_at_its_right`); then the
    panes that join as the first pass joins columns (row numbers beside the table made
    whole)."""
    merged = True
    while merged:
        merged = False
        for k in range(len(panes) - 1):
            a, b = panes[k], panes[k + 1]
            end = k + 1  # past the run of single columns with blanks after a
            while end < len(panes) and len(panes[end]) == 1:
                if not _with_blanks(panes[end][0], _flat(a), unit):
                    break
                end += 1
            if k + 1 < end < len(panes) and _joins(_flat(a), _flat(panes[end]), unit):
                end += 1
            elif not (k + 1 < end and _amounts_at_its_right(panes[end - 1][0], _flat(a), unit)):
                end = k + 2
                if not _joins(_flat(a), _flat(b), unit):
                    continue
            panes[k:end] = [[column for pane in panes[k:end] for column in pane]]
            merged = True
            break
    return panes


def _amounts_at_its_right(column: list[PlacedBox], table: list[PlacedBox], unit: float) -> bool:
    """True when ``column``, right of ``table``, is its last column of numbers under a
    header, with blanks (:func:`_with_blanks`) at its end too: amounts not filled in yet.
    A column of words at a table's edge that ends short stays apart: a mail client's
    folders beside its message list, on its rows from its header, look the same. (Blanks
    in the middle of an edge column need nothing: it starts and ends with the others.)"""
    cells = sorted(column, key=lambda p: p.middle)[1:]
    return _all_numbers(cells) and _with_blanks(column, table, unit)


def _with_blanks(column: list[PlacedBox], table: list[PlacedBox], unit: float) -> bool:
    """True when ``column`` is a column of ``table`` with blank cells: its rows are rows of
    the table, one each, at least half of them and two, its first on the table's first
    (the header's cell, or the first row's), and some left out."""
    mine, its = _rows(_row_middles(column), unit), _rows(_row_middles(table), unit)
    if not 2 <= len(mine) < len(its) or 2 * len(mine) < len(its):
        return False
    near = SAME_ROW_LINES * min(unit, _pitch(its, unit))
    at = [_nearest(its, m) for m in mine]
    return (
        at[0] == 0
        and all(abs(its[i] - m) <= near for i, m in zip(at, mine, strict=True))
        and all(i < j for i, j in itertools.pairwise(at))
    )


def _nearest(rows: list[float], middle: float) -> int:
    """The index of the row in ``rows`` nearest ``middle``."""
    return min(range(len(rows)), key=lambda i: abs(rows[i] - middle))


def _rows(middles: list[float], unit: float) -> list[float]:
    """``middles`` as rows, top to bottom: middles less than a quarter of a line height
    apart are one row (where it starts)."""
    rows: list[float] = []
    for middle in sorted(middles):
        if not rows or middle - rows[-1] > SAME_ROW_LINES * unit / 2:
            rows.append(middle)
    return rows


def _lists(a: list[PlacedBox], b: list[PlacedBox], unit: float) -> bool:
    """True when ``a`` and ``b`` are lists side by side, not a table's columns (see
    :func:`~describe_app.core.reading.list_columns.are_lists`): panes of their own."""
    return are_lists([_items(a), _items(b)], unit)


def _items(column: list[PlacedBox]) -> list[tuple[str, tuple[float, float, float, float]]]:
    return [(p.box.text.strip(), (p.left, p.top, p.right, p.bottom)) for p in column]


def _same_rows(a: list[PlacedBox], b: list[PlacedBox], unit: float) -> bool:
    """True when the first lines of ``a`` and ``b`` are one row and their last lines too
    (see the module docstring: a table's columns end together, panes do not)."""
    a_middles, b_middles = _row_middles(a), _row_middles(b)
    # one row: nearer than half a row's pitch; a dense list (Qt's list views) sets its
    # rows closer than a line height, and at half a line height its last row was taken
    # for the row beside it (a web page's menu read as a table with its article)
    near = SAME_ROW_LINES * min(unit, _pitch(a_middles, unit), _pitch(b_middles, unit))
    return (
        abs(min(a_middles) - min(b_middles)) <= near
        and abs(max(a_middles) - max(b_middles)) <= near
    )


def _row_numbers(numbers: list[PlacedBox], table: list[PlacedBox], unit: float) -> bool:
    """True when ``numbers`` is a table's row numbers beside it (a spreadsheet's, a Qt
    table's vertical header): numbers only, ending on the table's last row and starting
    on its first row or one row lower (the corner over them is empty, beside the
    table's header row)."""
    if not _all_numbers(numbers):
        return False
    mine, its = _row_middles(numbers), _row_middles(table)
    pitch = _pitch(its, unit)
    near = SAME_ROW_LINES * min(unit, pitch)
    start = min(mine) - min(its)
    return abs(max(mine) - max(its)) <= near and (abs(start) <= near or abs(start - pitch) <= near)


def _pitch(middles: list[float], unit: float) -> float:
    """How far apart the rows at ``middles`` are: the median step between rows (middles
    less than a quarter of a line height apart are one row); ``unit`` for one row."""
    steps = [
        b - a for a, b in itertools.pairwise(sorted(middles)) if b - a > SAME_ROW_LINES * unit / 2
    ]
    return statistics.median(steps) if steps else unit


def _row_middles(column: list[PlacedBox]) -> list[float]:
    """Where the lines of ``column`` are (their middles), for where it starts and ends.
    A piece of one character does not count where the column has longer ones: an icon,
    a scroll bar's arrow or a check box read as a letter ("D", "V") beside or under a
    table's last row would make its column end lower than the others'. A digit in a
    column of numbers counts: a table's amounts ("7", "12", "430", "2") start and end
    with its other columns, and were cut off as a pane of their own; so does a row
    number on its own in a column of numbered cells (Qt's row numbers set close to the
    first column: "4 Dora", then "5" where the name is blank)."""
    texts = [p.box.text.strip() for p in column]
    numbers = sum(1 for t in texts if _is_number(t) or _numbered(t)) * 2 >= len(texts)
    words = [
        p.middle
        for p, text in zip(column, texts, strict=True)
        if len(text) > 1 or (numbers and text.isdigit())
    ]
    return words or [p.middle for p in column]


def _numbered(text: str) -> bool:
    """True for a cell after its row's number: "12 Alice"."""
    first, _, rest = text.partition(" ")
    return first.isdigit() and bool(rest)


def _is_number(text: str) -> bool:
    """A table's number: digits, with the signs, separators and units around them."""
    digits = sum(c.isdigit() for c in text)
    return digits > 0 and digits * 2 >= len(text.replace(" ", ""))


def _is_grid(pane: list[PlacedBox], unit: float) -> bool:
    """True for a pane of two or more columns, each of two rows or more, that start and
    end on the same rows, of short cells: the middle piece holds at most the page layout's
    :data:`CELL_WORDS` words (a name, a number, a label), where columns of prose that
    happen to end on one row hold lines of more words and are read one after the other.
    Read row by row, a table's row (or a label and its field) stays together even where a
    row number or an icon sits close to the first cell, which keeps the page layout from
    seeing one cell per column ("2 Birch" in a Qt table's first column)."""
    columns = _split(pane, vertical=True, gap=GUTTER_LINES * unit)
    if len(columns) < 2 or len(_joined(columns, unit)) > 1:
        return False
    rows = [len({round(p.middle / unit) for p in column}) for column in columns]
    words = statistics.median(len(p.box.text.split()) for p in pane)
    return min(rows) >= 2 and words <= CELL_WORDS
