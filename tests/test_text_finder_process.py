"""The guidance text detector in a child process: same answers, a clean end, restarts."""

from __future__ import annotations

import time

import pytest

from describe_app.core.errors import OcrError
from describe_app.core.live.frame_checks import FrameCheckLoop, GuidanceCheck
from describe_app.core.live.guidance import LOOK_WIDTH, grey_copy
from describe_app.core.reading.text_finder import RapidTextFinder
from describe_app.core.reading.text_finder_process import ProcessTextFinder
from tests.camera_scenes import background, page_scene

pytestmark = pytest.mark.slow  # text-detector child processes


def test_the_child_finds_what_the_detector_finds_here() -> None:
    page, photo = (grey_copy(f, LOOK_WIDTH) for f in (page_scene(110, 130), background()))
    detector = RapidTextFinder()
    finder = ProcessTextFinder()
    try:
        assert finder.find(page) == detector.find(page) and len(detector.find(page)) >= 3
        assert finder.find(photo) == detector.find(photo)
        process = finder._process
    finally:
        finder.close()
    assert process is not None and not process.is_alive()


def test_a_child_that_died_is_reported_then_replaced() -> None:
    grey = grey_copy(page_scene(110, 130), LOOK_WIDTH)
    finder = ProcessTextFinder()
    try:
        finder.load()
        finder._process.kill()
        finder._process.join(5)
        with pytest.raises(OcrError):
            finder.find(grey)
        assert len(finder.find(grey)) >= 3  # a new child
    finally:
        finder.close()


def test_switching_guidance_off_closes_its_finder() -> None:
    closed: list[str] = []

    class Finder(RapidTextFinder):
        def close(self) -> None:
            closed.append("closed")

    loop = FrameCheckLoop(lambda: page_scene(110, 130), lambda _found: None)
    try:
        loop.set_check("guidance", GuidanceCheck(Finder()))
        loop.set_check("guidance", None)
        deadline = time.monotonic() + 5
        while not closed and time.monotonic() < deadline:
            time.sleep(0.02)
        assert closed == ["closed"]  # on the loop's thread, not the caller's
        loop.set_check("guidance", GuidanceCheck(Finder()))
    finally:
        assert loop.close(2.0)
    assert closed == ["closed", "closed"]  # and the one still on, when the loop closes
