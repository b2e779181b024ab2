"""Hands-free mode and reading guidance in the window: keys, cues, one description, no stalls.

The camera is a stand-in whose picture the test changes (the real camera worker reads
it); the model is the tiny one, the text reader the real OCR.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from describe_app.core.history.entry import EntryKind
from describe_app.core.live.frame_checks import GUIDANCE, HANDS_FREE
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture, background, page_scene

TIMEOUT_MS = 60_000

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def _camera(capture: SceneCapture) -> CameraWorker:
    return CameraWorker(CameraSource("test camera", label="test camera"), opener=lambda _s: capture)


@pytest.mark.slow
def test_hands_free_describes_once_after_the_view_changes_and_settles(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(background())
    window, speech = make_window(tiny_model_dir, camera=_camera(capture), max_new_tokens=8)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    qtbot.waitUntil(lambda: window.controller._bridge.is_ready, timeout=TIMEOUT_MS)
    window.actions_by_id["hands_free"].trigger()
    assert window.live_modes.is_on(HANDS_FREE)
    assert window.actions_by_id["hands_free"].isChecked()
    assert window.announcer.history[-1].startswith("Hands-free mode on.")
    qtbot.wait(2500)  # a still view: nothing is said
    assert window.history.count() == 0

    capture.scene = page_scene()  # something is put in front of the camera
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    qtbot.wait(2500)  # and stays: no second description
    assert window.history.count() == 1

    window.actions_by_id["hands_free"].trigger()
    assert not window.live_modes.is_on(HANDS_FREE)
    assert not window.actions_by_id["hands_free"].isChecked()
    assert window.announcer.history[-1] == "Hands-free mode off."
    assert speech.texts()


@pytest.mark.slow
def test_guidance_cues_then_reads_the_page_without_stalling_the_window(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(page_scene(-200, 130))  # the page hangs off the left edge
    whole_page = page_scene(110, 130)  # made now: reading the picture file is not the app's
    heartbeat = qt_fixtures.Heartbeat()
    # as the app runs them: the model and text reader in a child process, the guidance
    # text detector in one of its own
    window, speech = make_window(tiny_model_dir, camera=_camera(capture), separate_process=True)
    heartbeat.start()  # measure from here: building the window is not guidance work
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    window.actions_by_id["guidance"].trigger()
    assert window.actions_by_id["guidance"].isChecked()
    cut_left = "Text is cut off on the left. Move the camera left."
    qtbot.waitUntil(lambda: cut_left in speech.texts(), timeout=TIMEOUT_MS)
    assert speech.texts().count(cut_left) == 1  # never repeated back to back

    capture.scene = whole_page  # now the whole page is in view
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    entry = window.controller.last_entry
    assert entry is not None and entry.kind is EntryKind.READ
    assert "quick brown fox" in entry.text.lower()
    assert "picture_taken" in speech.sounds[-1] or "picture_taken" in speech.sounds
    qtbot.wait(1500)  # read once: the page staying in view is not read again
    assert window.history.count() == 1
    worst = heartbeat.worst_ms()
    assert worst < 50, f"the GUI stalled for {worst:.0f} ms; {heartbeat.stall_report()}"
    assert window.live_modes.loop.checks_run > 4


def test_guidance_cues_can_be_tones(qtbot, make_window, tiny_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(page_scene(-200, 130))
    window, speech = make_window(tiny_model_dir, camera=_camera(capture), load=False)
    window.live_modes.cue_tones = True
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    window.actions_by_id["guidance"].trigger()
    qtbot.waitUntil(lambda: "tone:cut_left" in speech.sounds, timeout=TIMEOUT_MS)
    cut_left = "Text is cut off on the left. Move the camera left."
    assert cut_left not in speech.texts()  # shown, not spoken
    assert window.status_label.text() == cut_left


def test_the_modes_exclude_each_other_and_need_a_camera(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(tiny_model_dir, load=False)
    window.actions_by_id["hands_free"].trigger()
    assert not window.live_modes.is_on(HANDS_FREE)
    assert not window.actions_by_id["hands_free"].isChecked()
    assert window.announcer.history[-1].startswith("This needs a camera.")

    window.replace_camera(_camera(SceneCapture(background())))
    window.actions_by_id["hands_free"].trigger()
    window.actions_by_id["guidance"].trigger()
    assert window.live_modes.is_on(GUIDANCE) and not window.live_modes.is_on(HANDS_FREE)
    assert window.actions_by_id["guidance"].isChecked()
    assert not window.actions_by_id["hands_free"].isChecked()
    window.replace_camera(None)
    assert not window.live_modes.is_on(GUIDANCE)


def test_new_hands_free_settings_apply_while_it_is_on(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    window, _speech = make_window(
        tiny_model_dir, camera=_camera(SceneCapture(background())), load=False
    )
    window.actions_by_id["hands_free"].trigger()
    before = window.live_modes.loop._checks[HANDS_FREE]
    live = dataclasses.replace(window.settings.live, hands_free_change=30)
    window.apply_settings(window.settings.replace(live=live))
    check = window.live_modes.loop._checks[HANDS_FREE]
    assert check is not before and check.watcher.settings.change == 30.0  # type: ignore[attr-defined]


@pytest.mark.slow
def test_guidance_text_finder_runs_in_a_child_process_that_ends_with_the_window(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    capture = SceneCapture(page_scene(-200, 130))
    window, speech = make_window(tiny_model_dir, camera=_camera(capture), load=False)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    # an earlier test's finder may still be ending: count only the ones this window starts
    before = set(multiprocessing.active_children())
    window.actions_by_id["guidance"].trigger()
    cut_left = "Text is cut off on the left. Move the camera left."
    qtbot.waitUntil(lambda: cut_left in speech.texts(), timeout=TIMEOUT_MS)
    started = set(multiprocessing.active_children()) - before
    finders = [p for p in started if p.name == "text-finder"]
    assert len(finders) == 1
    window.close()
    qtbot.waitUntil(lambda: not finders[0].is_alive(), timeout=5_000)
