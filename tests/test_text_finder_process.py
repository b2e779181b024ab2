"""The guidance text detector in a child process: same answers, a clean end, restarts (said)."""

from __future__ import annotations

import time

import pytest

from describe_app.core.diagnostics.restarts import RestartBudget, log_folder
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


@pytest.mark.allow_warning_logs  # the crash is logged
def test_a_child_that_died_is_replaced_at_once_and_said() -> None:
    grey = grey_copy(page_scene(110, 130), LOOK_WIDTH)
    said: list[str] = []
    finder = ProcessTextFinder(on_restart=said.append)
    try:
        finder.load()
        first = finder._process
        first.kill()
        first.join(5)
        assert len(finder.find(grey)) >= 3  # a new child answers the same frame
        assert said == ["The text finder stopped; starting it again."]
        assert finder._process is not first and finder._process.is_alive()
    finally:
        finder.close()


@pytest.mark.allow_warning_logs
def test_a_child_that_keeps_dying_is_not_started_again() -> None:
    grey = grey_copy(page_scene(110, 130), LOOK_WIDTH)
    said: list[str] = []
    finder = ProcessTextFinder(on_restart=said.append, budget=RestartBudget(limit=1))
    try:
        finder.load()
        finder._process.kill()
        finder._process.join(5)
        assert len(finder.find(grey)) >= 3  # the one restart the budget allows
        finder._process.kill()
        finder._process.join(5)
        with pytest.raises(OcrError, match="keeps stopping") as raised:
            finder.find(grey)
        assert str(log_folder()) in str(raised.value)
        assert finder._process is None and len(said) == 1
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
