"""Finding a page in a camera frame, and flattening it (perspective, skew, light)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.reading.page_finder import Edge, find_page
from describe_app.core.reading.page_flatten import deskew, even_light, flatten_page, skew_degrees
from tests.page_scenes import (
    CORNERS,
    FRAME_H,
    FRAME_W,
    moved,
    newsletter_page,
    photographed,
    table_top,
)
from tests.sign_scenes import photo


@pytest.fixture(scope="module")
def page_image() -> Image.Image:
    return newsletter_page().image


@pytest.mark.parametrize(
    "look", [{}, {"shadow": True, "blur": 1.5}, {"shadow": True, "blur": 3.0}], ids=str
)
def test_finds_the_four_corners(page_image: Image.Image, look: dict[str, Any]) -> None:
    outline = find_page(photographed(page_image, **look))
    assert outline is not None
    assert outline.whole
    assert outline.frame_size == (FRAME_W, FRAME_H)
    for found, true in zip(outline.corners, CORNERS, strict=True):
        assert np.hypot(found[0] - true[0], found[1] - true[1]) < 8, (found, true)


@pytest.mark.parametrize(
    ("dx", "dy", "cut"),
    [
        (-450, 0, {Edge.LEFT}),
        (350, 0, {Edge.RIGHT}),
        (0, -200, {Edge.TOP}),
        (0, 180, {Edge.BOTTOM}),
    ],
)
def test_says_which_edge_is_out_of_view(
    page_image: Image.Image, dx: float, dy: float, cut: set[Edge]
) -> None:
    outline = find_page(photographed(page_image, moved(dx, dy)))
    assert outline is not None
    assert outline.cut_edges == cut


def test_a_page_filling_the_frame_has_every_edge_cut(page_image: Image.Image) -> None:
    corners = ((-200.0, -150.0), (1500.0, -150.0), (1500.0, 1100.0), (-200.0, 1100.0))
    outline = find_page(photographed(page_image, corners))
    assert outline is not None
    assert outline.cut_edges == set(Edge)


@pytest.mark.parametrize("name", ["coffee", "astronaut", "chelsea", "rocket"])
def test_photos_without_a_page_have_none(name: str) -> None:
    frame = cv2.cvtColor(np.asarray(photo(name, (FRAME_W, FRAME_H))), cv2.COLOR_RGB2BGR)
    assert find_page(frame) is None
    assert find_page(table_top()) is None


def test_tiny_or_blank_frames_have_no_page() -> None:
    assert find_page(np.zeros((4, 4, 3), np.uint8)) is None
    assert find_page(np.zeros((480, 640), np.uint8)) is None


def test_flattening_gives_the_page_upright_and_the_right_shape(page_image: Image.Image) -> None:
    frame = photographed(page_image)
    flat = flatten_page(frame, find_page(frame))
    ratio = flat.height / flat.width
    assert 1.05 < ratio < 1.35  # the page is 1.3 times as tall as wide; seen at a slant
    grey = np.asarray(flat.convert("L"))
    assert grey[: grey.shape[0] // 20].mean() > 200  # paper along the top, not the table
    assert grey[:, -grey.shape[1] // 20 :].mean() > 200  # and along the right


def test_even_light_takes_a_shadow_off_the_paper(page_image: Image.Image) -> None:
    paper = np.asarray(page_image)[:, :, ::-1]
    ramp = np.linspace(0.4, 1.0, paper.shape[1], dtype=np.float32)[None, :, None]
    shaded = (paper * ramp).astype(np.uint8)
    lit = cv2.cvtColor(even_light(shaded), cv2.COLOR_BGR2GRAY)
    blank = lit[1200:1290]  # a strip of bare paper at the bottom of the page
    assert blank[:, :100].mean() > 225 and blank[:, -100:].mean() > 225
    assert abs(float(blank[:, :100].mean()) - float(blank[:, -100:].mean())) < 10
    ink = lit[80:120, 80:600]  # the title keeps its black
    assert ink.min() < 60


@pytest.mark.parametrize("angle", [-6.0, 3.0])
def test_deskew_levels_a_crooked_scan(page_image: Image.Image, angle: float) -> None:
    grey = cv2.cvtColor(np.asarray(page_image), cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    crooked = cv2.warpAffine(grey, matrix, (w, h), borderValue=250)
    assert skew_degrees(crooked) == pytest.approx(-angle, abs=0.5)
    assert abs(skew_degrees(deskew(crooked))) <= 0.4
    assert skew_degrees(grey) == pytest.approx(0.0, abs=0.3)
