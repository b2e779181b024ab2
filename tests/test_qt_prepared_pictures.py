"""Prepared pictures in the window: when a settled camera view is prepared, and which
picture Space describes.

The unit tests record what the window hands the model worker (prepare and submit are
replaced on the bridge; the model never loads); the camera is a stand-in whose scene the
test changes, read by the real camera worker. The end-to-end test runs the tiny model.
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt

from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import DescribeJob, Job, PrepareJob
from describe_app.core.history.entry import SOURCE_CAMERA
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.live.prepare_policy import PreparePolicy
from describe_app.core.live.view_settle import PREPARE, same_view
from describe_app.core.pictures.grey_copies import small_grey
from describe_app.core.pictures.images import Picture
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.main_window import MainWindow
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture, background, page_scene

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window

Battery = namedtuple("Battery", "percent secsleft power_plugged")
SETTLE_MS = 4_000  # still for a second, checked 5 times a second: well within this
TIMEOUT_MS = 60_000  # the tiny model, on a busy 2-core machine


class WorkerCalls:
    """The bridge's prepare and submit, recorded instead of run; the model "ready"."""

    def __init__(self, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
        self.prepared: list[PrepareJob] = []
        self.submitted: list[Job] = []
        bridge = window._bridge
        monkeypatch.setattr(bridge, "prepare", self.prepared.append)
        monkeypatch.setattr(bridge, "submit", self._submit)
        monkeypatch.setattr(bridge, "_ready", True)

    def _submit(self, job: Job) -> int:
        self.submitted.append(job)
        return len(self.submitted)

    def described(self) -> Picture:
        job = self.submitted[-1]
        assert isinstance(job, DescribeJob)
        return job.request.picture


def _camera(capture: SceneCapture) -> CameraWorker:
    return CameraWorker(CameraSource("test camera", label="test camera"), opener=lambda _s: capture)


def _shows(picture: Picture, scene: np.ndarray) -> bool:
    """The picture is of this scene (compared as the watcher compares views)."""
    bgr = np.asarray(picture.image)[:, :, ::-1]
    return same_view(small_grey(bgr), small_grey(scene), WatchSettings())


def _window(make_window: Any, capture: SceneCapture | None, tmp_path: Path) -> MainWindow:
    window, _speech = make_window(
        tmp_path, camera=_camera(capture) if capture is not None else None, load=False
    )
    return window


def test_a_settled_view_is_prepared_once_and_again_after_a_change(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(background())
    window = _window(make_window, capture, tmp_path)
    calls = WorkerCalls(window, monkeypatch)
    qtbot.waitUntil(lambda: len(calls.prepared) == 1, timeout=SETTLE_MS)
    job = calls.prepared[0]
    assert job.picture.source == SOURCE_CAMERA and _shows(job.picture, background())
    assert job.prompt == PromptSpec()  # what Space asks: a brief description
    qtbot.wait(1500)  # the view stays: nothing more
    assert len(calls.prepared) == 1
    capture.scene = page_scene()  # a page is laid in front of the camera
    qtbot.waitUntil(lambda: len(calls.prepared) == 2, timeout=SETTLE_MS)
    assert _shows(calls.prepared[1].picture, page_scene())
    qtbot.wait(1500)
    assert len(calls.prepared) == 2
    assert window.controller.pictures.prepared_count == 2
    assert calls.submitted == []  # prepared, never described or said


def test_space_describes_the_prepared_picture_or_the_fresh_frame(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(background())
    window = _window(make_window, capture, tmp_path)
    calls = WorkerCalls(window, monkeypatch)
    qtbot.waitUntil(lambda: len(calls.prepared) == 1, timeout=SETTLE_MS)
    prepared = calls.prepared[0].picture
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    assert calls.described() is prepared  # the worker finds its work

    capture.scene = page_scene()  # the camera moves before the next key
    camera = window.controller.camera
    qtbot.waitUntil(lambda: _frame_shows(camera, page_scene()), timeout=2_000)
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    fresh = calls.described()
    assert fresh is not prepared and _shows(fresh, page_scene())
    assert len(calls.prepared) == 1  # Space did not wait for a preparation


def _frame_shows(camera: CameraWorker | None, scene: np.ndarray) -> bool:
    frame = camera.latest_frame() if camera is not None else None
    return frame is not None and same_view(small_grey(frame), small_grey(scene), WatchSettings())


def test_nothing_is_prepared_without_a_camera(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window, None, tmp_path)
    calls = WorkerCalls(window, monkeypatch)
    assert not window.live_modes.is_on(PREPARE)
    qtbot.wait(1500)
    assert calls.prepared == []

    window.replace_camera(_camera(SceneCapture(background())))  # a camera chosen
    assert window.live_modes.is_on(PREPARE)
    window.replace_camera(None)  # and switched off again
    assert not window.live_modes.is_on(PREPARE)


def test_nothing_is_prepared_while_the_window_is_minimized_or_hidden(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window, SceneCapture(background()), tmp_path)
    assert window.live_modes.is_on(PREPARE)
    window.showMinimized()
    qtbot.waitUntil(lambda: not window.live_modes.is_on(PREPARE), timeout=2_000)
    calls = WorkerCalls(window, monkeypatch)
    qtbot.wait(2000)
    assert calls.prepared == []
    window.showNormal()
    qtbot.waitUntil(lambda: len(calls.prepared) == 1, timeout=SETTLE_MS)
    window.hide()
    assert not window.live_modes.is_on(PREPARE)


def test_never_prepares_nothing_and_mains_follows_the_battery(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    import psutil

    capture = SceneCapture(background())
    window = _window(make_window, capture, tmp_path)
    never = dataclasses.replace(window.settings.live, prepare=PreparePolicy.NEVER)
    window.apply_settings(window.settings.replace(live=never), save=False)
    assert not window.live_modes.is_on(PREPARE)  # nothing runs at all
    calls = WorkerCalls(window, monkeypatch)
    qtbot.wait(2000)
    assert calls.prepared == []

    monkeypatch.setattr(psutil, "sensors_battery", lambda: Battery(60, 5000, False))
    mains = dataclasses.replace(window.settings.live, prepare=PreparePolicy.MAINS)
    window.apply_settings(window.settings.replace(live=mains), save=False)
    assert window.live_modes.is_on(PREPARE)
    qtbot.wait(2000)  # on battery: the settled view is not prepared
    assert calls.prepared == []
    monkeypatch.setattr(psutil, "sensors_battery", lambda: Battery(60, None, True))
    capture.scene = page_scene()  # plugged in: the next settled view is
    qtbot.waitUntil(lambda: len(calls.prepared) == 1, timeout=SETTLE_MS)
    assert _shows(calls.prepared[0].picture, page_scene())


def test_the_battery_reader_is_imported_with_the_window_not_at_the_first_settled_view() -> None:
    """psutil's first import took 19-35 ms: on the GUI thread at the first settled view, a
    stall; it comes with the window's prepared pictures instead, before the window shows."""
    import subprocess
    import sys

    code = "import sys\nimport describe_app.qt.describe_prepare\nprint('psutil' in sys.modules)\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "True"


def test_opening_a_photo_prepares_it(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, photo_file: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window, None, tmp_path)
    calls = WorkerCalls(window, monkeypatch)
    window.describe_files([str(photo_file)])
    qtbot.waitUntil(lambda: len(calls.prepared) == 1)  # decoded off the GUI thread first
    photo = calls.prepared[0].picture
    assert photo.source == str(photo_file)
    assert calls.described() is photo  # and described, from that work


def test_the_setting_is_in_the_dialog_and_prepare_on_the_command_line_wins(
    qtbot, make_window, app_window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.settings.settings_file import load_settings
    from describe_app.qt.settings_dialog import SettingsPage

    window = _window(make_window, SceneCapture(background()), tmp_path)
    window.open_settings(SettingsPage.LIVE)
    dialog = window.settings_dialog
    assert dialog is not None
    combo = dialog.live_page.prepare
    assert combo.accessibleName() == "Prepare answers in the background:"
    assert combo.currentText() == "On mains power"
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Always",
        "On mains power",
        "Never",
    ]
    combo.setCurrentIndex(combo.findText("Never"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert window.settings.live.prepare is PreparePolicy.NEVER
    assert not window.live_modes.is_on(PREPARE)
    assert load_settings(window.settings_file).settings.live.prepare is PreparePolicy.NEVER

    built = app_window("--camera", "none", "--prepare", "always")
    assert built.controller.pictures.effective_policy is PreparePolicy.ALWAYS
    never = '{"version": 1, "live": {"prepare": "never"}}'
    built = app_window("--camera", "none", settings_text=never)
    assert built.controller.pictures.effective_policy is PreparePolicy.NEVER


@pytest.mark.slow
def test_a_prepared_view_answers_as_the_fresh_path_and_a_moved_camera_is_never_stale(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.describe.worker import Started

    capture = SceneCapture(background())
    window, _speech = make_window(tiny_model_dir, camera=_camera(capture), max_new_tokens=8)
    window.explorer.in_background = False  # only the descriptions Space asks for
    described: list[Picture] = []  # what the worker started on, in order
    window._bridge.worker_event.connect(
        lambda e: (
            described.append(e.job.request.picture)
            if isinstance(e, Started) and isinstance(e.job, DescribeJob)
            else None
        )
    )
    first_sentences: list[str] = []
    window.controller.result_started.connect(lambda _heading: first_sentences.append(""))

    def on_sentence(sentence: str) -> None:
        if first_sentences and not first_sentences[-1]:
            first_sentences[-1] = sentence

    window.controller.sentence_ready.connect(on_sentence)
    pictures = window.controller.pictures
    camera = window.controller.camera
    qtbot.waitUntil(lambda: window._bridge.is_ready, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: _frame_shows(camera, background()), timeout=TIMEOUT_MS)

    # the fresh path: nothing prepared
    window.live_modes.set_prepare_policy(PreparePolicy.NEVER, session=True)
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    assert pictures.prepared_events == []

    # the same view, prepared while it stays still: Space starts from that work
    pictures.forget()
    window.live_modes.set_prepare_policy(PreparePolicy.ALWAYS, session=True)
    qtbot.waitUntil(lambda: len(pictures.prepared_events) == 1, timeout=TIMEOUT_MS)
    assert pictures.known is not None
    prepared = pictures.known.picture
    assert prepared is not described[0] and _shows(prepared, background())
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert described[-1] is prepared
    assert first_sentences[1] == first_sentences[0]  # greedy: the same words as fresh
    assert "Prepared" not in " ".join(window.announcer.history)  # never said

    # a page is laid down and prepared; the camera moves back before the key
    capture.scene = page_scene()
    qtbot.waitUntil(lambda: len(pictures.prepared_events) == 2, timeout=TIMEOUT_MS)
    page = pictures.known.picture
    assert _shows(page, page_scene())
    capture.scene = background()
    qtbot.waitUntil(lambda: _frame_shows(camera, background()), timeout=TIMEOUT_MS)
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.history.count() == 3, timeout=TIMEOUT_MS)
    assert described[-1] is not page and _shows(described[-1], background())
    assert first_sentences[2] == first_sentences[0]  # from the new frame, not the page's work
