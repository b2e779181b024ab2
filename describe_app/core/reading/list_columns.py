"""Lists side by side, told from a table: both are columns of short lines at one pitch.

Two lists set side by side (a "Fruit" list beside a "Vegetables" list, a flyer's two
bulleted lists, a file manager's two panes of names) line up row by row like a table's
columns, and read across they mix ("Apples Carrots", "Pears Leeks"). A table's cells
belong together across a row ("Coffee 2.50", "Monday 9:00"); nothing in the words says
so, so only clear signs of lists count (:func:`are_lists`), and a column of numbers (a
price, a time, a phone number: a table's values) rules them out:

* **list marks**: every column's items (most of them: OCR misses a bullet now and then)
  start with a bullet, a dash or a number ("1.", "a)"), unless the numbers run across
  the rows (a quiz's choices "a) b)" over "c) d)" are read row by row);
* **a heading over each column**, printed clearly bigger than the column's items (a
  table's head is printed as big as its cells, in bold at most);
* **columns that end apart** (a list of five beside a list of three) whose items are
  all short (:data:`ITEM_WORDS` words at most: a note under a table is a sentence).

Used by the page layout (:mod:`~describe_app.core.reading.page_layout`) and the screen's
panes (:mod:`~describe_app.core.reading.screen_panes`).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence

from describe_app.core.reading.document import Box

#: A list item's start: a bullet (OCR may run a round one into the word after it:
#: "•headache"), or a dash, a number or a letter and a space.
LIST_MARK = re.compile(
    r"^\s*(?:[•●▪◦■□○∙‣]\s*(?=\S)|(?:[·*\-–—]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+)"
)
_ORDINAL = re.compile(r"^\s*\(?(\d{1,2}|[a-zA-Z])[.)]\s")
#: A heading over a column is printed this many times as big as the column's items.
HEADING_SIZE = 1.3
#: The items of lists that end apart hold at most this many words each.
ITEM_WORDS = 3
#: Lines whose middles are less than this many line heights apart are on one row.
SAME_ROW = 0.5

#: One line of a column: its text and its box (left, top, right, bottom; y down).
Item = tuple[str, Box]


def are_lists(columns: Sequence[Sequence[Item]], unit: float, *, ends: bool = True) -> bool:
    """True when side-by-side ``columns`` (two or more, left to right, each two lines or
    more) are lists to be read one after the other rather than a table's columns (see the
    module docstring); ``unit``: the usual line height; ``ends``: columns that end apart
    count as lists."""
    if len(columns) < 2 or any(len(_rows(column, unit)) < 2 for column in columns):
        return False
    if all(map(_marked, columns)):
        return not _numbered_across(columns, unit)
    if any(_numbers(column) for column in columns):
        return False
    if all(_headed(column, unit) for column in columns):
        return True
    return ends and _end_apart(columns, unit)


def _marked(column: Sequence[Item]) -> bool:
    """Most of the column's lines, two or more, start with a list mark."""
    marked = sum(1 for text, _box in column if LIST_MARK.match(text))
    return marked >= 2 and 2 * marked >= len(column)


def _numbered_across(columns: Sequence[Sequence[Item]], unit: float) -> bool:
    """True when every line is numbered or lettered ("1.", "b)") and the numbers go on
    across each row before the next row (a quiz's choices "a) Paris  b) Rome" over
    "c) Oslo  d) Bern"): a grid to read row by row, not lists."""
    rows = _rows([item for column in columns for item in column], unit)
    across = [sorted(row, key=lambda item: item[1][0]) for row in rows]
    numbers = [_ordinal(text) for row in across for text, _box in row]
    known = [number for number in numbers if number is not None]
    return len(known) == len(numbers) and all(a < b for a, b in itertools.pairwise(known))


def _ordinal(text: str) -> int | None:
    """The number or letter an item starts with ("3." 3, "b)" 2), else None."""
    found = _ORDINAL.match(text)
    if found is None:
        return None
    mark = found.group(1)
    return int(mark) if mark.isdigit() else ord(mark.lower()) - ord("a") + 1


def _numbers(column: Sequence[Item]) -> bool:
    """Half the column's lines or more are numbers (more digits than letters)."""
    count = sum(1 for text, _box in column if is_number(text))
    return 2 * count >= len(column)


def is_number(text: str) -> bool:
    """More digits than letters: an amount, a time, a date in figures, a phone number."""
    return sum(c.isdigit() for c in text) > sum(c.isalpha() for c in text)


def _headed(column: Sequence[Item], unit: float) -> bool:
    """The column's first row is printed :data:`HEADING_SIZE` times as big as its other
    rows' lines (the middle ones), of which there are two or more: the geometric mean of
    the height and the width a letter, each beside theirs (OCR's box of a heading in bold
    print 1.6 times as big measured only 1.24 times as tall)."""
    rows = _rows(column, unit)
    if len(rows) < 3 or len(rows[0]) > 1:
        return False
    (text, box), rest = rows[0][0], [item for row in rows[1:] for item in row]
    height = statistics.median(_height(b) for _t, b in rest)
    width = statistics.median(_letter_width(t, b) for t, b in rest)
    if height <= 0 or width <= 0:
        return False
    size = _height(box) / height * _letter_width(text, box) / width
    return size >= HEADING_SIZE**2


def _letter_width(text: str, box: Box) -> float:
    return (box[2] - box[0]) / max(1, len(text.strip()))


def _end_apart(columns: Sequence[Sequence[Item]], unit: float) -> bool:
    """The columns start on one row and end on rows at least a row apart, each a column of
    short items (:data:`ITEM_WORDS`), one a row, with no row left empty in between."""
    if any(len(text.split()) > ITEM_WORDS for column in columns for text, _box in column):
        return False
    rows = [_rows(column, unit) for column in columns]
    if any(len(row) > 1 for column in rows for row in column):
        return False
    firsts = [_middle(column[0][0][1]) for column in rows]
    lasts = [_middle(column[-1][0][1]) for column in rows]
    if max(firsts) - min(firsts) >= SAME_ROW * unit or max(lasts) - min(lasts) < unit:
        return False
    # one pitch in every column: no gap where a table would have an empty cell
    steps = [
        _middle(b[0][1]) - _middle(a[0][1])
        for column in rows
        for a, b in itertools.pairwise(column)
    ]
    return max(steps) <= 1.5 * min(steps)


def _rows(column: Sequence[Item], unit: float) -> list[list[Item]]:
    """The column's lines on rows, top to bottom."""
    rows: list[list[Item]] = []
    for item in sorted(column, key=lambda item: _middle(item[1])):
        if rows and _middle(item[1]) - _middle(rows[-1][-1][1]) < SAME_ROW * unit:
            rows[-1].append(item)
        else:
            rows.append([item])
    return rows


def _middle(box: Box) -> float:
    return (box[1] + box[3]) / 2


def _height(box: Box) -> float:
    return box[3] - box[1]
