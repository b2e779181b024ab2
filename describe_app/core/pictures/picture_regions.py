"""A picture cut into a grid of regions: their spoken names, their crops, and which changed.

Exploring a picture by keyboard and "what changed" both talk about parts of a picture the
way a sighted helper would: "top left", "centre", "bottom right". A region is a cell of a
``rows`` x ``columns`` grid (3 x 3 by default); its crop overlaps its neighbours a little
(``OVERLAP``), so a mug cut by a grid line is still seen whole in one of them.

:func:`changed_cells` compares two pictures of the same view on small grey copies (the
same ones hands-free mode uses, exposure drift removed) and returns the cells whose
content changed, most changed first.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from describe_app.core.i18n import N_, _
from describe_app.core.pictures.images import Picture

if TYPE_CHECKING:
    import numpy as np

#: Each crop reaches this share of a cell into its neighbours.
OVERLAP = 0.15
#: A cell changed when its mean grey difference (0..255, exposure removed) is above this.
CHANGE_LEVEL = 14.0


@dataclass(frozen=True, order=True)
class Cell:
    row: int
    column: int


@dataclass(frozen=True)
class Grid:
    rows: int = 3
    columns: int = 3

    def __post_init__(self) -> None:
        if self.rows < 1 or self.columns < 1:
            raise ValueError("a grid has at least one row and one column")

    def cells(self) -> list[Cell]:
        """Every cell, in reading order (left to right, top to bottom)."""
        return [Cell(r, c) for r in range(self.rows) for c in range(self.columns)]

    def clamp(self, cell: Cell) -> Cell:
        return Cell(
            min(max(cell.row, 0), self.rows - 1), min(max(cell.column, 0), self.columns - 1)
        )

    def centre(self) -> Cell:
        return Cell(self.rows // 2, self.columns // 2)


#: A part of a picture to explore is at least this many pixels on each side: a smaller crop
#: shows too little for the model to say anything true about it.
MIN_PART_SIDE = 48
#: A picture this many times wider than tall (a panorama) is cut into one row of parts; one
#: this many times taller than wide (a receipt), into one column.
STRIP_RATIO = 3.0


def grid_for(size: tuple[int, int], largest: Grid | None = None) -> Grid:
    """The grid to explore a picture of ``size`` with: ``largest`` (3 x 3) for an ordinary
    picture; one row for a panorama, one column for a receipt, fewer parts for a small
    picture (a 32 x 32 icon is one part), so that no part is a sliver."""
    largest = largest or Grid()
    width, height = size
    columns = max(1, min(largest.columns, width // MIN_PART_SIDE))
    rows = max(1, min(largest.rows, height // MIN_PART_SIDE))
    if width >= STRIP_RATIO * height:
        rows = 1
    elif height >= STRIP_RATIO * width:
        columns = 1
    return Grid(rows, columns)


class Corner(enum.Enum):
    """The numeric keypad's corners: Home 7, Page Up 9, End 1, Page Down 3."""

    TOP_LEFT = "top_left"
    TOP_RIGHT = "top_right"
    BOTTOM_LEFT = "bottom_left"
    BOTTOM_RIGHT = "bottom_right"


def corner_cell(grid: Grid, corner: Corner) -> Cell:
    top = corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT)
    left = corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT)
    return Cell(0 if top else grid.rows - 1, 0 if left else grid.columns - 1)


_ROW_COLUMN = N_("row {row}, column {column}")
_VERTICAL = (N_("top"), N_("middle"), N_("bottom"))
_HORIZONTAL = (N_("left"), N_("centre"), N_("right"))
_NAMES_3X3: dict[tuple[str, str], str] = {
    ("top", "left"): N_("top left"),
    ("top", "centre"): N_("top"),
    ("top", "right"): N_("top right"),
    ("middle", "left"): N_("left"),
    ("middle", "centre"): N_("centre"),
    ("middle", "right"): N_("right"),
    ("bottom", "left"): N_("bottom left"),
    ("bottom", "centre"): N_("bottom"),
    ("bottom", "right"): N_("bottom right"),
}


def _band(index: int, count: int) -> int:
    """0, 1 or 2: which third (start, middle, end) cell ``index`` of ``count`` falls in."""
    if count == 1:
        return 1
    return min(2, (3 * index + 1) // count) if count != 2 else (0 if index == 0 else 2)


def cell_name(grid: Grid, cell: Cell, *, translated: bool = True) -> str:
    """The cell's position in words, in the current language: "top left", "centre"
    (``translated=False``: in English, for the model's prompt).

    A 3 x 3 grid (and any grid up to 3 x 3) uses the nine plain names; bigger grids say
    "row 2, column 4".
    """
    tr = _ if translated else str
    if grid.rows > 3 or grid.columns > 3:
        return tr(_ROW_COLUMN).format(row=cell.row + 1, column=cell.column + 1)
    vertical = _VERTICAL[_band(cell.row, grid.rows)]
    horizontal = _HORIZONTAL[_band(cell.column, grid.columns)]
    return tr(_NAMES_3X3[(vertical, horizontal)])


def join_names(names: Sequence[str]) -> str:
    """ "top left", "top left and centre", "top left, top and centre"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])


def cell_box(
    grid: Grid, cell: Cell, size: tuple[int, int], *, overlap: float = OVERLAP
) -> tuple[int, int, int, int]:
    """The crop box (left, top, right, bottom) in pixels of a picture of ``size``."""
    width, height = size
    cw, ch = width / grid.columns, height / grid.rows
    left = max(0.0, (cell.column - overlap) * cw)
    right = min(float(width), (cell.column + 1 + overlap) * cw)
    top = max(0.0, (cell.row - overlap) * ch)
    bottom = min(float(height), (cell.row + 1 + overlap) * ch)
    return (
        round(left),
        round(top),
        max(round(left) + 1, round(right)),
        max(round(top) + 1, round(bottom)),
    )


def crop_cells(picture: Picture, grid: Grid, cells: Sequence[Cell], *, label: str) -> Picture:
    """One picture of the smallest box holding ``cells`` (with overlap); ``label`` names
    the part in the picture's source ("photo.jpg, top left")."""
    if not cells:
        raise ValueError("no cells to crop")
    boxes = [cell_box(grid, c, picture.size) for c in cells]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    image = picture.image.crop(box)
    return Picture(image=image, source=f"{picture.source}, {label}", original_size=image.size)


def crop_cell(picture: Picture, grid: Grid, cell: Cell) -> Picture:
    return crop_cells(picture, grid, [cell], label=cell_name(grid, cell))


def grey_grid(picture: Picture, grid: Grid) -> np.ndarray:
    """A small zero-mean grey copy whose size is a whole number of cells (for differencing).

    Shrunk by Pillow first (a box filter with a reducing gap: a few milliseconds even for a
    2048 px photo), then blurred and centred like hands-free mode's frames."""
    import cv2
    import numpy as np
    from PIL import Image

    from describe_app.core.pictures.grey_copies import WATCH_WIDTH, centred_blur

    width, height = picture.size
    size = (WATCH_WIDTH, max(1, round(height * WATCH_WIDTH / width)))
    small = picture.image.resize(size, Image.Resampling.BOX, reducing_gap=3.0).convert("L")
    grey = centred_blur(np.asarray(small))
    h = max(grid.rows, grey.shape[0] // grid.rows * grid.rows)
    w = max(grid.columns, grey.shape[1] // grid.columns * grid.columns)
    resized: np.ndarray = cv2.resize(grey, (w, h), interpolation=cv2.INTER_AREA)
    return resized


def changed_cells(
    before: Picture, after: Picture, grid: Grid | None = None, *, level: float = CHANGE_LEVEL
) -> list[Cell]:
    """The cells of ``after`` that differ from ``before``, most changed first.

    Both are shrunk to the same small grey size, so a photo and a camera frame of
    different sizes can be compared; a different aspect ratio counts as a new view
    (every cell changed).
    """
    import numpy as np

    grid = grid or Grid()
    wb, hb = before.size
    wa, ha = after.size
    if abs(wb / hb - wa / ha) > 0.05:
        return grid.cells()
    a, b = grey_grid(before, grid), grey_grid(after, grid)
    if a.shape != b.shape:
        import cv2

        b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_AREA)
    diff = np.abs(a - b)
    ch, cw = diff.shape[0] // grid.rows, diff.shape[1] // grid.columns
    scored = []
    for cell in grid.cells():
        part = diff[cell.row * ch : (cell.row + 1) * ch, cell.column * cw : (cell.column + 1) * cw]
        score = float(part.mean())
        if score > level:
            scored.append((score, cell))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [cell for _score, cell in scored]
