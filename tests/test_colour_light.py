"""Colour names for known patches (flat and textured), chosen in CIELAB; light in words; the
light meter's tone rises with the light."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from describe_app.core.live.light_meter import LightMeter, light_pitch, light_tone
from describe_app.core.pictures.colour_names import (
    colour_name,
    middle_colour,
    nearest_names,
    srgb_to_lab,
    srgb_to_oklab,
)
from describe_app.core.pictures.colour_table import PLAIN_COLOURS, PRECISE_COLOURS
from describe_app.core.pictures.light_level import (
    LightLevel,
    light_level,
    light_sentence,
    light_value,
)


def _patch(rgb: tuple[int, int, int], *, noise: float = 0.0, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = np.ones((240, 320, 3)) * np.array(rgb)
    if noise:
        arr = arr + rng.normal(0.0, noise, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def test_lab_conversion_matches_scikit_image() -> None:
    from skimage.color import rgb2lab

    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (200, 3))
    expected = rgb2lab(rgb[None, :, :].astype(np.float64) / 255.0)[0]
    assert np.allclose(srgb_to_lab(rgb), expected, atol=0.05)


@pytest.mark.parametrize(("name", "rgb"), PLAIN_COLOURS)
def test_every_plain_colour_names_itself_flat_and_textured(
    name: str, rgb: tuple[int, int, int]
) -> None:
    assert middle_colour(_patch(rgb)).name == name
    assert middle_colour(_patch(rgb, noise=14.0)).name == name


@pytest.mark.parametrize(
    ("rgb", "plain", "precise"),
    [
        ((10, 15, 45), "dark navy blue", "dark navy blue"),
        ((100, 149, 237), "sky blue", "cornflower blue"),
        ((255, 0, 0), "red", "red"),
        ((245, 245, 220), "cream", "beige"),
        ((139, 69, 19), "brown", "saddle brown"),
    ],
)
def test_known_patches_get_plain_and_precise_names(
    rgb: tuple[int, int, int], plain: str, precise: str
) -> None:
    assert middle_colour(_patch(rgb)).sentence() == plain.capitalize() + "."
    assert middle_colour(_patch(rgb), precise=True).name == precise


def test_the_nearest_name_is_nearest_in_oklab_not_in_rgb() -> None:
    """A dull dark green that RGB distance calls dark grey: OKLab calls it dark green."""
    table_rgb = np.array([rgb for _n, rgb in PLAIN_COLOURS], dtype=float)
    sample = (60, 80, 60)
    by_rgb = PLAIN_COLOURS[int(np.argmin(np.linalg.norm(table_rgb - sample, axis=1)))][0]
    by_oklab = colour_name(sample)
    expected = PLAIN_COLOURS[int(nearest_names(srgb_to_oklab(np.array([sample])))[0])][0]
    assert by_oklab == expected == "dark green"
    assert by_rgb != by_oklab


def test_darker_pure_blue_stays_blue_not_purple() -> None:
    """CIELAB bends a darkening pure blue towards purple; OKLab keeps its hue."""
    assert [colour_name((0, 0, v)) for v in (255, 205, 150)] == ["blue", "blue", "dark blue"]


def test_only_the_middle_counts_and_a_second_colour_is_said() -> None:
    arr = np.full((300, 300, 3), (245, 245, 245), np.uint8)  # a white page
    arr[120:180, 120:180] = (200, 30, 30)  # a red square in the middle
    assert middle_colour(Image.fromarray(arr)).name == "red"
    stripes = np.full((300, 300, 3), (15, 30, 80), np.uint8)  # navy with broad white stripes
    for x in range(0, 300, 20):
        stripes[:, x : x + 10] = (245, 245, 245)
    found = middle_colour(Image.fromarray(stripes))
    assert {found.name, found.second} == {"navy blue", "white"}
    assert found.sentence() == "Navy blue and white."  # as much of each: the darker first


def test_the_precise_table_has_no_name_twice() -> None:
    names = [n for n, _rgb in PRECISE_COLOURS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("grey", "level"),
    [
        (0, LightLevel.VERY_DARK),
        (40, LightLevel.DARK),
        (80, LightLevel.DIM),
        (120, LightLevel.MEDIUM),
        (190, LightLevel.BRIGHT),
        (250, LightLevel.VERY_BRIGHT),
    ],
)
def test_light_words_for_known_levels(grey: int, level: LightLevel) -> None:
    value = light_value(_patch((grey, grey, grey)))
    assert light_level(value) is level


def test_light_sentence() -> None:
    assert (
        light_sentence(light_value(_patch((128, 128, 128)))) == "Light: medium light (54 of 100)."
    )


def _frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), n=1 << 16))
    return float(np.argmax(spectrum) * rate / (1 << 16))


def test_the_light_tone_rises_with_brightness() -> None:
    heard = []
    for grey in (0, 30, 60, 100, 140, 180, 220, 255):
        frame = np.full((120, 160, 3), grey, np.uint8)
        reading = LightMeter().read(frame)
        clip = light_tone(reading.value)
        heard.append(_frequency(np.asarray(clip.samples, dtype=np.float64), clip.rate))
    assert all(b > a * 1.05 for a, b in itertools.pairwise(heard)), heard
    assert heard[0] == pytest.approx(110, rel=0.03)
    assert heard[-1] == pytest.approx(1760, rel=0.03)
    assert light_pitch(50.0) == pytest.approx(440.0)


def test_the_light_meter_says_when_the_level_changes() -> None:
    meter = LightMeter()
    dark, bright = np.full((60, 80), 20, np.uint8), np.full((60, 80), 230, np.uint8)
    changed = [meter.read(f).changed for f in (dark, dark, bright, bright, dark)]
    assert changed == [True, False, True, False, True]


def test_the_light_meter_listens_to_the_middle() -> None:
    frame = np.full((120, 160, 3), 10, np.uint8)
    frame[40:80, 50:110] = 250  # a lamp in the middle of a dark room
    assert LightMeter().read(frame).value > light_value(frame) + 20
