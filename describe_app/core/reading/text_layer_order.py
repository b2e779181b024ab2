"""What the order of a PDF's text layer says about its columns.

A PDF holds its text in the order it was written, which for a page of columns is most often
one column after the other. Where two columns are set so close that the gap between them
is no wider than a wide word space, the gap alone does not tell them from one column; the
text layer's order does: :func:`reads_down` is true when it reads each column whole before
the next, left to right. OCR's order is no evidence (OCR reads across), and a table
written row by row interleaves its columns, so neither passes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from describe_app.core.reading.document import TextPiece


def reads_down(columns: Sequence[Sequence[TextPiece]], rank: Mapping[TextPiece, int]) -> bool:
    """True when every piece of each column comes before every piece of the next in the
    text layer's order (``rank``: each piece's place in it), and a column holds two
    pieces or more (a row of pieces read left to right says nothing about columns)."""
    if len(columns) < 2 or all(len(column) < 2 for column in columns):
        return False
    if any(piece not in rank for column in columns for piece in column):
        return False
    return all(
        max(rank[p] for p in column) < min(rank[p] for p in following)
        for column, following in itertools.pairwise(columns)
    )
