""" "What changed": compare a new picture of a view with the one before, and what to ask.

The comparison has three outcomes (:func:`compare`): nothing changed (said at once, the
model is not asked), some parts changed (they are named, "Changed: top left.", and the
model describes a crop of just those parts) or everything changed (the model describes
the whole new picture). :class:`RecentPictures` keeps the last two pictures asked about,
so the new one has one before it to be compared with.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.i18n import _
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import (
    Cell,
    Grid,
    cell_name,
    changed_cells,
    crop_cells,
    join_names,
)

log = logging.getLogger(__name__)

#: What the model is asked about a crop of the parts that changed.
CHANGED_PART_QUESTION = (
    "This part of the view has just changed. In one or two short sentences, what is there now"
)
#: What the model is asked about the new picture when every part changed.
CHANGED_ALL_QUESTION = "The whole view has changed. In two short sentences, what is there now"


@dataclass(frozen=True)
class NothingChanged:
    """The new picture shows the view as it was: nothing to ask the model."""

    @property
    def sentence(self) -> str:
        return _("Nothing has changed since the last picture.")


@dataclass(frozen=True)
class Changed:
    """Some parts (``cells``, most changed first) or all of the view changed.

    ``lead`` says which, before the model's answer; ``request`` asks the model what is
    there now, about a crop of the changed parts or about the whole new picture."""

    cells: tuple[Cell, ...]
    everything: bool
    lead: str
    request: DescribeRequest


def compare(
    before: Picture, after: Picture, *, language: str | None = None, grid: Grid | None = None
) -> NothingChanged | Changed:
    """Compare ``after`` with ``before``; the request answers in ``language``."""
    grid = grid or Grid()
    cells = changed_cells(before, after, grid)
    log.debug("what changed: %d of %d cells", len(cells), len(grid.cells()))
    if not cells:
        return NothingChanged()
    if len(cells) == len(grid.cells()):
        return Changed(
            tuple(cells),
            True,
            _("Everything changed."),
            _request(after, CHANGED_ALL_QUESTION, language),
        )
    names = join_names([cell_name(grid, c) for c in sorted(cells)])
    part = crop_cells(after, grid, cells, label=names)
    lead = _("Changed: {parts}.").format(parts=names)
    return Changed(tuple(cells), False, lead, _request(part, CHANGED_PART_QUESTION, language))


def _request(picture: Picture, question: str, language: str | None) -> DescribeRequest:
    return DescribeRequest(picture, PromptSpec(question=question, language=language))


class RecentPictures:
    """The last two pictures asked about (not questions, not parts of a picture)."""

    def __init__(self, pictures: Sequence[Picture] = ()) -> None:
        self._pictures: list[Picture] = list(pictures)[-2:]

    def __bool__(self) -> bool:
        return bool(self._pictures)

    def remember(self, picture: Picture) -> bool:
        """Keep ``picture`` as the newest; False when it already was (nothing new)."""
        if self._pictures and self._pictures[-1] is picture:
            return False
        self._pictures = [*self._pictures[-1:], picture]
        return True

    def before(self, after: Picture) -> Picture | None:
        """The newest picture kept that is not ``after`` (None: there is none)."""
        earlier = [p for p in self._pictures if p is not after]
        return earlier[-1] if earlier else None
