"""Glare on a page whose paper the camera already clips to white.

When the paper is at 255 (an over-exposed camera, bright paper) a lamp's reflection is as
white as the paper round it; it shows only where the print under it fades out and vanishes.
Document mode must cue glare there, and not on a plain over-exposed page, a wide blank
margin, a blank gap between paragraphs, a line of grey print (even under a blank gap) or a
small specular dot.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.live.document_check import choose_page_cue, look_at_page
from describe_app.core.live.guidance import Cue
from tests.page_scenes import newsletter_page, photographed
from tests.test_qa_channels_pass4 import camera, printed, reflection
from tests.test_qa_channels_pass4 import photographed as laid_on_desk


def burnt_newsletter(*, spot: tuple[int, int] | None = None) -> np.ndarray:
    """The newsletter page, over-exposed (its paper clipped to white), photographed at
    1280x960; ``spot``: a lamp's reflection there (a blurred bump of light)."""
    page = np.asarray(newsletter_page().image).astype(np.float32) * 1.12
    burnt = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    frame = photographed(burnt).astype(np.float32)
    if spot is not None:
        light = np.zeros(frame.shape[:2], np.float32)
        cv2.ellipse(light, spot, (110, 80), 15, 0, 360, 1.0, -1)
        light = cv2.GaussianBlur(light, (0, 0), 40)
        frame = frame + 280 * (light / light.max())[..., None]
    noise = np.random.default_rng(5).normal(0, 2, frame.shape)
    return camera(frame + noise)


def blank_band(page: np.ndarray, top: float, bottom: float, paper: float) -> np.ndarray:
    """``page`` with the rows from ``top`` to ``bottom`` (shares of its height) left blank."""
    out = page.copy()
    out[int(top * len(out)) : int(bottom * len(out))] = paper
    return out


def grey_band(page: np.ndarray, top: float, bottom: float, paper: float) -> np.ndarray:
    """``page`` with the print from ``top`` to ``bottom`` in light grey (a caption)."""
    out = page.copy()
    rows = slice(int(top * len(out)), int(bottom * len(out)))
    out[rows] = paper - (paper - out[rows]) * 0.35
    return out


GLARE = {
    "a round reflection over the middle": lambda: reflection(
        laid_on_desk(printed(270)), (330, 230), (60, 40)
    ),
    "a reflection over the top right, turned": lambda: reflection(
        laid_on_desk(printed(262)), (380, 150), (50, 35), angle=30
    ),
    "a plastic sleeve's streak": lambda: reflection(
        laid_on_desk(printed(275)), (300, 280), (110, 25), angle=-20
    ),
    "small print": lambda: reflection(
        laid_on_desk(printed(258, line_px=20, font=cv2.FONT_HERSHEY_DUPLEX)), (290, 260), (60, 45)
    ),
    "large print": lambda: reflection(
        laid_on_desk(printed(265, line_px=45, seed=3)), (300, 250), (65, 50)
    ),
    "newsletter, 1280x960": lambda: burnt_newsletter(spot=(640, 420)),
    "newsletter, the reflection on the right column": lambda: burnt_newsletter(spot=(800, 300)),
}

NO_GLARE = {
    "burnt out all over": lambda: laid_on_desk(printed(270)),
    "burnt out, large print": lambda: laid_on_desk(printed(265, line_px=45, seed=3)),
    "a wide margin, the light on it": lambda: reflection(
        laid_on_desk(printed(270, top_margin=0.33)), (322, 95), (120, 28), peak=110
    ),
    "a blank gap between paragraphs": lambda: laid_on_desk(
        blank_band(printed(268), 0.42, 0.58, 268)
    ),
    "a band of grey print": lambda: laid_on_desk(grey_band(printed(268), 0.4, 0.55, 268)),
    "grey print under a blank gap": lambda: laid_on_desk(
        grey_band(blank_band(printed(268), 0.42, 0.55, 268), 0.55, 0.62, 268)
    ),
    "a small specular dot": lambda: reflection(
        laid_on_desk(printed(270)), (330, 230), (7, 5), peak=300
    ),
    "newsletter, 1280x960": lambda: burnt_newsletter(),
}


def _paper_is_burnt_out(frame: np.ndarray) -> bool:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return float(np.median(grey[grey > 128])) >= 250


@pytest.mark.parametrize("name", list(GLARE))
def test_glare_over_print_on_burnt_out_paper_is_said(name: str) -> None:
    frame = camera(GLARE[name]())
    assert _paper_is_burnt_out(frame)
    look, _small = look_at_page(frame)
    assert look.outline is not None and look.outline.whole
    assert choose_page_cue(look) is Cue.GLARE


@pytest.mark.parametrize("name", list(NO_GLARE))
def test_burnt_out_paper_without_a_reflection_is_no_glare(name: str) -> None:
    frame = camera(NO_GLARE[name]())
    assert _paper_is_burnt_out(frame)
    look, _small = look_at_page(frame)
    assert look.outline is not None and look.outline.whole
    assert look.glare == 0.0
    assert choose_page_cue(look) is Cue.IN_VIEW
