"""The model folder chosen in the settings deleted while Describe runs: a model already
loaded goes on answering from memory; one still to load says so in one sentence, and the
next request is answered with a sentence too, never silence or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from describe_app.core.resources import resource_path
from tests import qt_fixtures

TIMEOUT_MS = 20_000
COFFEE = str(resource_path("samples", "coffee.jpg"))

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def test_deleted_after_loading_the_next_request_is_still_answered(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "my-model"
    shutil.copytree(speaking_model_dir, folder)
    window, speech = make_window(folder)
    qtbot.waitUntil(lambda: "Ready." in window.announcer.history, timeout=TIMEOUT_MS)
    shutil.rmtree(folder)

    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    entry = window.controller.last_entry
    assert entry is not None and entry.text in " ".join(speech.texts())


def test_deleted_before_loading_is_said_and_the_next_request_gets_a_sentence(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "my-model"
    shutil.copytree(speaking_model_dir, folder)
    window, speech = make_window(folder, load=False)
    shutil.rmtree(folder)
    window._bridge.start_loading()
    gone = f"The model folder {folder} does not exist."
    qtbot.waitUntil(lambda: gone in window.announcer.history, timeout=TIMEOUT_MS)
    said = len(window.announcer.history)
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=TIMEOUT_MS)
    qtbot.wait(100)
    after = window.announcer.history[said:]
    assert after and after[-1] == gone, "the request is answered with the sentence"
    assert any(gone in t for t in speech.texts())
    assert window.history.count() == 0
