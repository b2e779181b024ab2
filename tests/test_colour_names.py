"""Colour names for many sRGB values, pure and as a camera sees them (duller, darker, tinted
by the light, with grain and JPEG), and for middles of two colours (a checkerboard, a split).

Each value lists the plain names a person would accept ("red|dark red"); the names come
from common sense and the CSS/X11 values, not from what the code happens to say."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.pictures.colour_names import colour_name, middle_colour

RGB = tuple[int, int, int]

PLAIN_NAMES: list[tuple[RGB, str]] = [
    # greys, and whites under warm and cool light
    ((0, 0, 0), "black"),
    ((20, 20, 20), "black"),
    ((47, 47, 47), "dark grey|black"),
    ((64, 64, 64), "dark grey"),
    ((128, 128, 128), "grey"),
    ((120, 118, 112), "grey"),
    ((192, 192, 192), "light grey"),
    ((211, 211, 211), "light grey"),
    ((255, 255, 255), "white"),
    ((235, 235, 230), "white"),
    ((240, 236, 226), "white"),
    ((225, 230, 238), "white"),
    ((242, 232, 212), "white|cream"),
    # red
    ((255, 0, 0), "red"),
    ((220, 20, 60), "red"),
    ((190, 40, 45), "red"),
    ((200, 60, 60), "red"),
    ((178, 34, 34), "red|dark red"),
    ((139, 0, 0), "dark red"),
    ((128, 0, 0), "dark red"),
    ((100, 20, 25), "dark red"),
    # orange, coral, salmon
    ((255, 165, 0), "orange"),
    ((255, 140, 0), "orange"),
    ((230, 120, 40), "orange"),
    ((220, 110, 50), "orange"),
    ((255, 127, 80), "coral"),
    ((250, 128, 114), "salmon|coral"),
    ((255, 99, 71), "red|coral|orange red"),
    ((255, 69, 0), "red|orange|orange red"),
    # yellow
    ((255, 255, 0), "yellow"),
    ((250, 220, 30), "yellow"),
    ((230, 200, 40), "yellow"),
    ((240, 230, 90), "yellow"),
    ((255, 215, 0), "yellow|gold"),
    ((255, 250, 160), "light yellow"),
    # green
    ((0, 255, 0), "green|lime green"),
    ((0, 128, 0), "green"),
    ((34, 139, 34), "green"),
    ((40, 140, 60), "green"),
    ((60, 179, 113), "green"),
    ((100, 150, 90), "green"),
    ((0, 100, 0), "dark green"),
    ((20, 70, 30), "dark green"),
    ((60, 80, 60), "dark green|olive green"),
    ((144, 238, 144), "light green"),
    ((128, 128, 0), "olive green"),
    # cyan, turquoise, teal
    ((0, 255, 255), "cyan"),
    ((0, 220, 230), "cyan|turquoise"),
    ((64, 224, 208), "turquoise"),
    ((0, 128, 128), "teal"),
    ((20, 110, 110), "teal"),
    # blue
    ((0, 0, 255), "blue"),
    ((0, 0, 205), "blue"),
    ((30, 144, 255), "blue"),
    ((65, 105, 225), "blue"),
    ((40, 60, 170), "blue"),
    ((70, 130, 180), "blue"),
    ((75, 95, 130), "blue|dark blue"),
    ((52, 68, 103), "dark blue|navy blue"),
    ((0, 0, 139), "dark blue"),
    ((0, 0, 128), "navy blue|dark blue"),
    ((15, 30, 80), "navy blue"),
    ((10, 15, 45), "dark navy blue|black"),
    ((135, 206, 235), "sky blue|light blue"),
    ((173, 216, 230), "light blue"),
    # purple, magenta
    ((128, 0, 128), "purple"),
    ((102, 51, 153), "purple"),
    ((110, 50, 130), "purple"),
    ((138, 43, 226), "purple|violet"),
    ((60, 20, 80), "dark purple"),
    ((147, 112, 219), "light purple|purple|lavender"),
    ((200, 170, 230), "lavender|light purple"),
    ((255, 0, 255), "magenta|bright pink"),
    # pink
    ((255, 192, 203), "pink|light pink"),
    ((230, 150, 170), "pink"),
    ((215, 176, 180), "light pink|pink"),
    ((255, 105, 180), "bright pink|pink"),
    ((255, 20, 147), "bright pink|pink"),
    ((219, 112, 147), "pink"),
    # brown, tan, beige
    ((139, 69, 19), "brown"),
    ((110, 70, 40), "brown"),
    ((160, 82, 45), "brown"),
    ((75, 45, 25), "dark brown"),
    ((60, 40, 30), "dark brown"),
    ((180, 130, 80), "light brown"),
    ((205, 133, 63), "light brown|brown|tan|orange"),
    ((210, 180, 140), "tan|light brown|beige"),
    ((245, 222, 179), "beige|tan"),
]

PRECISE_NAMES: list[tuple[RGB, str]] = [
    ((255, 127, 80), "coral"),
    ((0, 255, 255), "cyan"),
    ((100, 149, 237), "cornflower blue"),
    ((70, 130, 180), "steel blue"),
    ((218, 112, 214), "orchid"),
    ((139, 69, 19), "saddle brown"),
    ((250, 128, 114), "salmon"),
    ((15, 30, 80), "navy blue"),
]


def _as_photographed(rgb: RGB, seed: int) -> Image.Image:
    """``rgb`` filling a 640 x 480 view as a camera gives it: the light falling off across
    the view, a fine texture, grain, and JPEG."""
    rng = np.random.default_rng(seed)
    h, w = 480, 640
    texture = cv2.GaussianBlur(rng.normal(0.0, 1.0, (h, w)), (0, 0), 1.5)
    light = 0.9 + 0.2 * np.linspace(0.0, 1.0, w)[None, :] + 0.1 * texture / texture.std()
    arr = np.array(rgb, dtype=np.float64) * light[..., None] + rng.normal(0.0, 5.0, (h, w, 3))
    return Image.fromarray(_through_jpeg(arr))


def _through_jpeg(arr: np.ndarray) -> np.ndarray:
    """``arr`` (clipped to 0..255) saved as a JPEG of quality 60 and read back; the channel
    order is kept as it was."""
    pixels = np.clip(arr, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, 60])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    assert decoded is not None
    return decoded


@pytest.mark.parametrize(("rgb", "names"), PLAIN_NAMES)
def test_plain_names(rgb: RGB, names: str) -> None:
    assert colour_name(rgb) in names.split("|")


def test_every_grey_is_named_as_a_grey() -> None:
    greys = {"black", "dark grey", "grey", "light grey", "white"}
    names = [colour_name((v, v, v)) for v in range(256)]
    assert set(names) == greys
    assert names == sorted(names, key=["black", "dark grey", "grey", "light grey", "white"].index)


@pytest.mark.parametrize(("rgb", "names"), PLAIN_NAMES)
def test_plain_names_as_photographed(rgb: RGB, names: str) -> None:
    found = middle_colour(_as_photographed(rgb, seed=sum(rgb)))
    assert found.name in names.split("|")
    assert found.second is None  # light and texture on one colour are not a second colour


@pytest.mark.parametrize(("rgb", "name"), PRECISE_NAMES)
def test_precise_names(rgb: RGB, name: str) -> None:
    assert colour_name(rgb, precise=True) == name
    assert middle_colour(Image.new("RGB", (320, 240), rgb), precise=True).name == name


def _checkerboard(square: int) -> np.ndarray:
    rows, cols = np.mgrid[:600, :800]
    board = np.zeros((600, 800, 3), np.uint8)
    board[(rows // square + cols // square) % 2 == 0] = 255
    return board


@pytest.mark.parametrize("square", [2, 8, 30, 75])
def test_a_checkerboard_is_black_and_white_not_grey_or_brown(square: int) -> None:
    assert middle_colour(Image.fromarray(_checkerboard(square))).sentence() == "Black and white."


def test_a_photographed_checkerboard_is_black_and_white() -> None:
    """Blurred by the lens, a little warm and flat, grainy, JPEG: still black and white."""
    board = cv2.GaussianBlur(_checkerboard(40).astype(np.float64), (0, 0), 2.0)
    board = board * (0.92, 0.9, 0.84) + (14, 14, 16)
    board += np.random.default_rng(5).normal(0.0, 4.0, board.shape)
    assert middle_colour(Image.fromarray(_through_jpeg(board))).sentence() == "Black and white."


@pytest.mark.parametrize(
    ("left", "right", "sentence"),
    [
        ((15, 30, 80), (245, 245, 245), "Navy blue and white."),
        ((245, 245, 245), (200, 30, 30), "Red and white."),
        ((250, 220, 30), (20, 20, 20), "Black and yellow."),
        ((40, 150, 50), (200, 30, 30), "Red and green."),
        ((30, 90, 200), (245, 130, 30), "Blue and orange."),
    ],
)
def test_a_middle_split_between_two_colours_names_both(
    left: RGB, right: RGB, sentence: str
) -> None:
    arr = np.full((300, 400, 3), left, np.uint8)
    arr[:, 200:] = right
    assert middle_colour(Image.fromarray(arr)).sentence() == sentence


def test_a_smaller_second_colour_comes_after_with() -> None:
    arr = np.full((300, 400, 3), (200, 30, 30), np.uint8)  # red, with a white band
    arr[:, 210:] = (245, 245, 245)
    found = middle_colour(Image.fromarray(arr))
    assert found.sentence() == "Red, with white."
    assert found.share > found.second_share >= 0.25
