"""Aiming guidance: cues from real frames (a photo with a page on it) and the coach's rules."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from describe_app.core.live.guidance import (
    CUE_WORDS,
    Cue,
    FrameLook,
    GuidanceCoach,
    choose_cue,
    look_at_frame,
    placement_cue,
)
from describe_app.core.reading.text_finder import RapidTextFinder, Region
from tests.camera_scenes import background, page_scene


@pytest.fixture(scope="module")
def finder() -> RapidTextFinder:
    found = RapidTextFinder()
    found.load()
    return found


def cue_of(frame: np.ndarray, finder: RapidTextFinder) -> Cue:
    look, _ = look_at_frame(frame, finder)
    return choose_cue(look)


@pytest.mark.parametrize(
    ("frame_args", "expected"),
    [
        ((110, 130), Cue.IN_VIEW),
        ((-200, 130), Cue.CUT_LEFT),
        ((420, 130), Cue.CUT_RIGHT),
        ((110, -120), Cue.CUT_TOP),
        ((110, 380), Cue.CUT_BOTTOM),
    ],
)
def test_page_position_gives_the_right_cue(
    finder: RapidTextFinder, frame_args: tuple[int, int], expected: Cue
) -> None:
    assert cue_of(page_scene(*frame_args), finder) is expected


def test_cut_off_words_name_the_side_and_the_move() -> None:
    assert CUE_WORDS[Cue.CUT_LEFT] == "Text is cut off on the left. Move the camera left."


def test_small_page_is_too_far_and_big_text_too_close(finder: RapidTextFinder) -> None:
    assert cue_of(page_scene(250, 200, scale=0.45, w=170, h=110), finder) is Cue.TOO_FAR
    assert cue_of(page_scene(-300, -100, scale=2.5, w=1400, h=700), finder) is Cue.TOO_CLOSE


def test_blurred_frame_says_hold_still_without_looking_for_text(finder: RapidTextFinder) -> None:
    look, _ = look_at_frame(cv2.GaussianBlur(page_scene(), (0, 0), 4), finder)
    assert choose_cue(look) is Cue.HOLD_STILL
    assert look.regions is None
    assert CUE_WORDS[Cue.HOLD_STILL] == "Hold still."


def test_moving_camera_says_hold_still(finder: RapidTextFinder) -> None:
    _, small = look_at_frame(page_scene(110, 130), finder)
    look, _ = look_at_frame(page_scene(150, 170), finder, previous_small=small)
    assert look.motion is not None and look.motion > 6
    assert choose_cue(look) is Cue.HOLD_STILL


def test_dark_frame_and_photo_without_text(finder: RapidTextFinder) -> None:
    assert cue_of((page_scene() * 0.05).astype(np.uint8), finder) is Cue.TOO_DARK
    assert cue_of(background(), finder) is Cue.NO_TEXT


def test_placement_rule_is_pure() -> None:
    line = [Region(0.2, 0.4, 0.8, 0.46)]
    assert placement_cue(line) is Cue.IN_VIEW
    assert placement_cue([Region(0.0, 0.4, 0.5, 0.46)]) is Cue.CUT_LEFT
    assert placement_cue([Region(0.0, 0.4, 1.0, 0.46)]) is Cue.TOO_CLOSE


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_coach(cues: list[Cue], step: float = 0.25) -> list[tuple[float, Cue]]:
    clock = FakeClock()
    coach = GuidanceCoach(clock=clock)
    said = []
    for cue in cues:
        out = coach.observe(cue)
        if out is not None:
            said.append((clock.now, out))
        clock.now += step
    return said


def test_coach_never_repeats_a_cue_back_to_back() -> None:
    said = run_coach([Cue.CUT_LEFT] * 40)
    assert [cue for _, cue in said] == [Cue.CUT_LEFT]


def test_coach_rate_limits_changing_cues() -> None:
    said = run_coach([Cue.CUT_LEFT, Cue.CUT_RIGHT, Cue.CUT_LEFT, Cue.CUT_RIGHT] * 5)
    times = [t for t, _ in said]
    assert len(said) >= 2
    assert all(b - a >= 1.5 for a, b in itertools.pairwise(times))
    assert all(a[1] is not b[1] for a, b in itertools.pairwise(said))


def test_coach_says_ready_once_after_the_page_stays_in_view() -> None:
    said = run_coach([Cue.CUT_LEFT] * 2 + [Cue.IN_VIEW] * 20 + [Cue.HOLD_STILL] + [Cue.IN_VIEW] * 8)
    assert [cue for _, cue in said] == [Cue.CUT_LEFT, Cue.READY]
    assert said[1][0] == pytest.approx(0.5 + 0.5)  # in view from 0.5 s, ready after 0.5 s


def test_coach_reads_a_new_page_after_the_old_one_left() -> None:
    said = run_coach([Cue.IN_VIEW] * 4 + [Cue.NO_TEXT] * 8 + [Cue.IN_VIEW] * 4)
    assert [cue for _, cue in said] == [Cue.READY, Cue.NO_TEXT, Cue.READY]


def test_look_is_cheap_when_nothing_to_find() -> None:
    class NeverCalled:
        def find(self, grey: object) -> list[Region]:
            raise AssertionError("the text finder must not run on a dark frame")

    look, _ = look_at_frame(np.zeros((480, 640, 3), np.uint8), NeverCalled())
    assert choose_cue(look) is Cue.TOO_DARK
    assert isinstance(look, FrameLook)
