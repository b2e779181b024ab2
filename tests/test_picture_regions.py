"""Regions of a picture: names, crops, what changed; and the explore session's cursor."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from describe_app.core.describe.explore import ExploreSession, Move, region_prompt
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.pictures.picture_regions import (
    Cell,
    Corner,
    Grid,
    cell_box,
    cell_name,
    changed_cells,
    crop_cell,
    crop_cells,
    join_names,
)
from tests.camera_scenes import background


def _picture(frame: np.ndarray, source: str = "camera") -> Picture:
    return picture_from_frame(frame, source=source)


def test_nine_cells_have_plain_names() -> None:
    grid = Grid()
    names = [cell_name(grid, c) for c in grid.cells()]
    assert names == [
        "top left",
        "top",
        "top right",
        "left",
        "centre",
        "right",
        "bottom left",
        "bottom",
        "bottom right",
    ]
    assert cell_name(Grid(1, 1), Cell(0, 0)) == "centre"
    assert cell_name(Grid(2, 2), Cell(1, 0)) == "bottom left"
    assert cell_name(Grid(4, 4), Cell(3, 1)) == "row 4, column 2"
    assert join_names(["top left", "top", "centre"]) == "top left, top and centre"


def test_names_are_translated_but_the_model_is_asked_in_english() -> None:
    set_language("fr")
    try:
        grid = Grid()
        assert cell_name(grid, Cell(0, 0)) != "top left"
        assert cell_name(grid, Cell(0, 0), translated=False) == "top left"
        spec = region_prompt(cell_name(grid, Cell(0, 0), translated=False), "French")
        assert spec.question is not None and "top left part" in spec.question
    finally:
        set_language("en")


def test_crops_cover_their_cell_with_some_overlap() -> None:
    picture = Picture(Image.new("RGB", (600, 300)), "photo.jpg", (600, 300))
    grid = Grid()
    left, top, right, bottom = cell_box(grid, Cell(0, 0), picture.size)
    assert (left, top) == (0, 0) and 200 < right < 260 and 100 < bottom < 130
    centre = crop_cell(picture, grid, Cell(1, 1))
    assert 200 < centre.size[0] < 300 and centre.source == "photo.jpg, centre"
    both = crop_cells(picture, grid, [Cell(0, 0), Cell(0, 2)], label="top left and top right")
    assert both.size[0] == 600 and both.size[1] < 150


def test_the_same_view_has_not_changed() -> None:
    frame = background()
    noisy = np.clip(frame.astype(np.int16) + 12, 0, 255).astype(np.uint8)  # brighter: exposure
    assert changed_cells(_picture(frame), _picture(noisy)) == []


def test_a_thing_placed_top_left_changes_that_cell_only() -> None:
    frame = background()
    after = frame.copy()
    after[20:140, 20:190] = (30, 200, 30)  # a green box in the top left ninth
    assert changed_cells(_picture(frame), _picture(after)) == [Cell(0, 0)]


def test_a_different_size_of_the_same_view_can_be_compared() -> None:
    import cv2

    frame = background()
    smaller = cv2.resize(frame, (320, 240))
    assert changed_cells(_picture(frame), _picture(smaller)) == []
    wide = np.zeros((100, 400, 3), np.uint8)
    assert len(changed_cells(_picture(frame), _picture(wide))) == 9  # a new view


def test_explore_cursor_moves_and_stops_at_the_edges() -> None:
    session = ExploreSession(Picture(Image.new("RGB", (90, 90)), "p", (90, 90)))
    assert session.current() == Cell(1, 1)
    assert session.move(Move.LEFT) and session.current() == Cell(1, 0)
    assert not session.move(Move.LEFT) and session.current() == Cell(1, 0)
    session.jump(Corner.BOTTOM_RIGHT)
    assert session.current() == Cell(2, 2)
    session.jump(Corner.TOP_RIGHT)
    assert session.current() == Cell(0, 2)
    assert session.spoken() == "Top right: still looking."
    session.record(Cell(0, 2), "A window.")
    assert session.spoken() == "Top right: A window."


@pytest.mark.parametrize("start", [Cell(0, 0), Cell(2, 1)])
def test_regions_are_described_nearest_the_cursor_first(start: Cell) -> None:
    session = ExploreSession(Picture(Image.new("RGB", (90, 90)), "p", (90, 90)))
    session.go_to(start)
    order = []
    while (cell := session.next_to_describe()) is not None:
        order.append(cell)
        session.record(cell, "x")
    assert order[0] == start and len(order) == 9 and len(set(order)) == 9
    distances = [abs(c.row - start.row) + abs(c.column - start.column) for c in order]
    assert distances == sorted(distances)


def test_a_picture_of_one_region_is_not_called_part_of_a_larger_one() -> None:
    """An icon too small to cut: told it is "part of a larger picture", a model invents
    the rest of that picture."""
    whole = region_prompt("centre", None, whole=True)
    assert whole.question is not None and "part" not in whole.question
    assert "larger" not in whole.question
    part = region_prompt("centre", None)
    assert part.question is not None and "centre part of a larger picture" in part.question
