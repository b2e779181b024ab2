"""A picture drawn in colours of one lightness (red shapes on green, a chart's coloured areas)
has nothing in its grey copy: it is described, not called "one flat colour"; blurred, or
truly of one colour, it is still told so."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.pictures.picture_check import Problem, check_picture

#: Red and green of about one lightness (grey levels 124 and 122).
RED, GREEN = (220, 80, 100), (50, 170, 60)
#: Blue and yellow-ish, of about one lightness too (grey levels 118 and 120).
BLUE, OCHRE = (90, 110, 240), (140, 120, 40)


def drawn(background: tuple[int, int, int], ink: tuple[int, int, int]) -> np.ndarray:
    img = np.zeros((480, 640, 3), np.uint8)
    img[:] = background
    cv2.circle(img, (200, 240), 90, ink, -1)
    cv2.rectangle(img, (380, 120), (560, 360), ink, -1)
    cv2.putText(img, "EXIT", (240, 440), cv2.FONT_HERSHEY_SIMPLEX, 2.5, ink, 8)
    return img


def looked_at(img: np.ndarray, *, blur: float = 0.0, noise: float = 0.0) -> Image.Image:
    out = img.astype(np.float32)
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    out += np.random.default_rng(7).normal(0, noise, out.shape) if noise else 0.0
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(("background", "ink"), [(GREEN, RED), (OCHRE, BLUE)])
@pytest.mark.parametrize("noise", [0.0, 4.0])
def test_shapes_in_colours_of_one_lightness_are_described(
    background: tuple[int, int, int], ink: tuple[int, int, int], noise: float
) -> None:
    picture = looked_at(drawn(background, ink), noise=noise)
    grey = np.asarray(picture.convert("L"), np.float32)
    assert grey.std() < 4.0  # the grey copy shows nothing
    assert check_picture(picture, camera=False).problem is Problem.NONE


def test_blurred_shapes_in_colours_of_one_lightness_are_blurred() -> None:
    picture = looked_at(drawn(GREEN, RED), blur=8.0, noise=4.0)
    assert check_picture(picture).problem is Problem.BLURRED


@pytest.mark.parametrize("colour", [RED, GREEN, (128, 128, 128)])
def test_one_flat_colour_is_still_one_flat_colour(colour: tuple[int, int, int]) -> None:
    flat = np.zeros((480, 640, 3), np.uint8)
    flat[:] = colour
    assert check_picture(looked_at(flat, noise=4.0)).problem is Problem.UNIFORM
