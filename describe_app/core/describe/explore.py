"""Exploring one picture by keyboard: a cursor on a grid of regions, and what each holds.

:class:`ExploreSession` is the state, with no threads and no Qt: where the cursor is, which
regions already have their short description, and which region to describe next. The
next one is the region under the cursor if it has none yet, else the nearest one without
(so the regions the user is about to reach come first). The Qt layer asks the model
worker for one region at a time, in the background, and only while nothing the user
asked for is running; a new picture starts a new session and drops the old one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.i18n import _
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import Cell, Corner, Grid, cell_name, corner_cell

#: A region's short description is at most this many tokens (about one sentence).
REGION_TOKENS = 40

REGION_QUESTION = (
    "This is the {position} part of a larger picture. In one short sentence, what is in "
    "this part? If it is empty or plain, say so in a few words"
)


class Move(enum.Enum):
    LEFT = (0, -1)
    RIGHT = (0, 1)
    UP = (-1, 0)
    DOWN = (1, 0)


#: A picture too small to cut (a grid of one cell) is described whole: told it is "part of
#: a larger picture", a model invents the rest.
WHOLE_QUESTION = (
    "In one short sentence, what is in this small picture? If it is empty or plain, say so "
    "in a few words"
)


def region_prompt(
    position_in_english: str, language: str | None, *, whole: bool = False
) -> PromptSpec:
    """The prompt for one region's short description (the model is asked in English);
    ``whole``: the only region is the whole picture."""
    question = WHOLE_QUESTION if whole else REGION_QUESTION.format(position=position_in_english)
    return PromptSpec(question=question, language=language)


@dataclass
class ExploreSession:
    picture: Picture
    grid: Grid = field(default_factory=Grid)
    cursor: Cell | None = None  # None until the user first moves: starts at the centre
    texts: dict[Cell, str] = field(default_factory=dict)
    failed: dict[Cell, str] = field(default_factory=dict)

    def current(self) -> Cell:
        return self.cursor if self.cursor is not None else self.grid.centre()

    def move(self, move: Move) -> bool:
        """Move the cursor one cell; False (and it stays) at the edge of the picture."""
        here = self.current()
        target = Cell(here.row + move.value[0], here.column + move.value[1])
        if self.grid.clamp(target) != target:
            self.cursor = here
            return False
        self.cursor = target
        return True

    def jump(self, corner: Corner) -> None:
        self.cursor = corner_cell(self.grid, corner)

    def go_to(self, cell: Cell) -> None:
        self.cursor = self.grid.clamp(cell)

    def done(self, cell: Cell) -> bool:
        return cell in self.texts or cell in self.failed

    def next_to_describe(self) -> Cell | None:
        """The region to describe next: the cursor's, else the nearest without a text."""
        here = self.current()
        waiting = [c for c in self.grid.cells() if not self.done(c)]
        if not waiting:
            return None
        return min(waiting, key=lambda c: (abs(c.row - here.row) + abs(c.column - here.column), c))

    def record(self, cell: Cell, text: str) -> None:
        self.texts[cell] = text.strip() or _("Nothing to describe here.")

    def record_failure(self, cell: Cell, message: str) -> None:
        self.failed[cell] = message

    def position(self, cell: Cell) -> str:
        """The cell's position in words, capitalised to start a line: "Top left"."""
        name = cell_name(self.grid, cell)
        return name[:1].upper() + name[1:]

    def text_of(self, cell: Cell) -> str | None:
        """The cell's short description (or why it has none), or None while pending."""
        return self.texts.get(cell, self.failed.get(cell))

    def spoken(self, cell: Cell | None = None) -> str:
        """What is said on arriving at a region: its position, then its text (or that it
        is still being looked at)."""
        cell = cell or self.current()
        text = self.text_of(cell) or _("still looking.")
        return _("{position}: {text}").format(position=self.position(cell), text=text)
