"""The frame-check loop: its own thread, checks switched on and off, failures reported."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from describe_app.core.live.frame_checks import (
    CheckFailed,
    CueFound,
    FrameCheckLoop,
    GuidanceCheck,
    HandsFreeCheck,
    ViewSettled,
)
from describe_app.core.live.guidance import Cue
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.reading.text_finder import RapidTextFinder
from tests.camera_scenes import background, page_scene


class Counting:
    def __init__(self, interval_s: float = 0.02, report_every: int = 0) -> None:
        self.interval_s = interval_s
        self.threads: set[str] = set()
        self.calls = 0
        self._every = report_every

    def check(self, frame: Any) -> object | None:
        self.threads.add(threading.current_thread().name)
        self.calls += 1
        return self.calls if self._every and self.calls % self._every == 0 else None


class Broken:
    interval_s = 0.01

    def check(self, frame: Any) -> object | None:
        raise ValueError("bad frame")


def _wait(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_checks_run_on_the_loop_thread_and_can_be_switched_off() -> None:
    found: list[object] = []
    loop = FrameCheckLoop(lambda: np.zeros((4, 4), np.uint8), found.append)
    check = Counting(report_every=3)
    try:
        loop.set_check("count", check)
        _wait(lambda: len(found) >= 2)
        assert check.threads == {"frame-checks"}
        loop.set_check("count", None)
        calls = check.calls
        time.sleep(0.1)
        assert check.calls <= calls + 1 and not loop.is_on("count")
    finally:
        assert loop.close(2.0)


def test_no_frame_no_check() -> None:
    loop = FrameCheckLoop(lambda: None, lambda _found: None)
    check = Counting()
    try:
        loop.set_check("count", check)
        time.sleep(0.15)
        assert check.calls == 0
    finally:
        assert loop.close(2.0)


@pytest.mark.allow_warning_logs
def test_a_failing_check_is_switched_off_and_reported() -> None:
    found: list[object] = []
    loop = FrameCheckLoop(lambda: np.zeros((4, 4), np.uint8), found.append)
    try:
        loop.set_check("broken", Broken())
        _wait(lambda: bool(found))
        assert found[0] == CheckFailed("broken", "bad frame")
        assert not loop.is_on("broken")
    finally:
        assert loop.close(2.0)


def test_hands_free_check_reports_the_settled_changed_view() -> None:
    now = [0.0]
    check = HandsFreeCheck(WatchSettings(settle_s=0.5), clock=lambda: now[0])
    results = []
    for i in range(40):
        now[0] = i * 0.1
        results.append(check.check(background() if i < 15 else page_scene()))
    settled = [r for r in results if r is not None]
    assert len(settled) == 1 and isinstance(settled[0], ViewSettled)
    assert settled[0].change > 12.0


def test_guidance_check_guides_then_hands_over_the_page_once() -> None:
    now = [0.0]
    finder = RapidTextFinder()
    check = GuidanceCheck(finder, clock=lambda: now[0])
    frames = [page_scene(-200, 130)] * 4 + [page_scene(110, 130)] * 8
    said = []
    for i, frame in enumerate(frames):
        now[0] = i * 0.25
        found = check.check(frame)
        if found is not None:
            said.append(found)
    cues = [f.cue for f in said]
    assert Cue.CUT_LEFT in cues and cues.count(Cue.READY) == 1
    ready = next(f for f in said if f.cue is Cue.READY)
    assert isinstance(ready, CueFound) and ready.frame is not None


def test_cue_words_are_translated() -> None:
    from describe_app.core.i18n import _, set_language
    from describe_app.core.live.guidance import CUE_WORDS

    set_language("fr")
    try:
        assert _(CUE_WORDS[Cue.HOLD_STILL]) == "Ne bougez plus."
    finally:
        set_language("en")
    assert _(CUE_WORDS[Cue.HOLD_STILL]) == "Hold still."
