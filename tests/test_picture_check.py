"""The picture check: black, white, blank and blurred frames are caught; good ones pass."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from describe_app.core.pictures.picture_check import Problem, check_picture

PHOTOS = ("coffee", "astronaut", "chelsea", "rocket", "camera", "page", "brick", "grass")


def _frame(name: str) -> np.ndarray:
    img = getattr(data, name)()
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    return cv2.resize(img, (640, 480), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("name", PHOTOS)
def test_normal_photos_pass(name: str) -> None:
    result = check_picture(_frame(name))
    assert result.ok, (name, result)
    assert result.message == ""


@pytest.mark.parametrize("name", PHOTOS)
def test_blurred_photos_are_caught(name: str) -> None:
    result = check_picture(cv2.GaussianBlur(_frame(name), (0, 0), 6))
    assert result.problem is Problem.BLURRED, (name, result)
    assert "Hold the camera still" in result.message


@pytest.mark.parametrize("name", PHOTOS)
def test_lens_covered_or_light_off(name: str) -> None:
    dark = (_frame(name) * 0.06).astype(np.uint8)
    noise = np.random.default_rng(0).normal(0, 2, dark.shape)
    result = check_picture(np.clip(dark + noise, 0, 255).astype(np.uint8))
    assert result.problem is Problem.TOO_DARK
    assert result.message == "The picture is almost black. Is the lens covered, or the light off?"


def test_black_white_and_flat_frames() -> None:
    assert check_picture(np.zeros((480, 640, 3), np.uint8)).problem is Problem.TOO_DARK
    assert check_picture(np.full((480, 640, 3), 252, np.uint8)).problem is Problem.TOO_BRIGHT
    beige = np.full((480, 640, 3), (190, 170, 140), np.uint8)
    assert check_picture(beige).problem is Problem.UNIFORM


def test_overexposed_photo() -> None:
    washed = np.clip(_frame("coffee").astype(np.int32) * 3 + 170, 0, 255).astype(np.uint8)
    assert check_picture(washed).problem is Problem.TOO_BRIGHT


def test_accepts_pil_images_and_grey_arrays() -> None:
    from PIL import Image

    assert check_picture(Image.fromarray(_frame("astronaut"))).ok
    assert check_picture(cv2.cvtColor(_frame("astronaut"), cv2.COLOR_RGB2GRAY)).ok
