"""The window's describe flow: Space, streaming, speech, history, Escape, questions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from describe_app.core.history.entry import EntryKind
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from tests import qt_fixtures

TIMEOUT_MS = 20_000

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
scene_video = qt_fixtures.scene_video


def test_space_describes_the_camera_and_streams_into_view_speech_and_history(
    qtbot, make_window, speaking_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, video=scene_video)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None, timeout=10_000)
    streamed: list[str] = []
    window.controller.sentence_ready.connect(streamed.append)
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Space)  # pressed before "Ready": queued
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)

    assert len(streamed) == 3 and " ".join(streamed) == DEFAULT_SCRIPT
    assert window.result.toPlainText().split("\n") == streamed
    said = [(t, i) for t, i in speech.said if t in streamed]
    assert said == [(streamed[0], True), (streamed[1], False), (streamed[2], False)]
    assert "earcon:picture_taken" in speech.sounds
    item = window.history.item(0)
    assert DEFAULT_SCRIPT in item.text() and "camera" in item.text()
    assert window.history.hasFocus() and window.history.currentItem() is item
    assert "Ready." in window.announcer.history
    assert "Done." in window.announcer.history


def test_question_keeps_the_conversation(
    qtbot, make_window, speaking_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, video=scene_video)
    qtbot.keyClick(window.question, Qt.Key.Key_Return)
    assert window.announcer.history[-1] == "Type a question first."
    qtbot.keyClicks(window.question, "What colour is it")
    qtbot.keyClick(window.question, Qt.Key.Key_Return)
    assert window.announcer.history[-1] == "Describe a picture first, then ask about it."

    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None, timeout=10_000)
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    window.question.setFocus()
    qtbot.keyClick(window.question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    conversation = window.controller.conversation
    assert conversation is not None and len(conversation.turns) == 2
    assert conversation.turns[1].question.startswith("What colour is it?")
    assert "Answer" in window.history.item(0).text()

    window.actions_by_id["repeat"].trigger()
    assert speech.said[-1] == (window.controller.last_entry.text, True)


def test_escape_cancels_generation_and_stops_speech(
    qtbot, make_window, tiny_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(tiny_model_dir, video=scene_video, max_new_tokens=4000)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window._bridge.is_ready, timeout=TIMEOUT_MS)
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: window.controller.busy and "Describing..." in window.announcer.history)
    qtbot.wait(300)
    qtbot.keyClick(window.result, Qt.Key.Key_Escape)
    assert speech.stops >= 1
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=5_000)
    assert window.announcer.history[-1] == "Stopped."
    assert window.history.count() == 0


def test_read_text_of_an_opened_photo(
    qtbot, make_window, speaking_model_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.resources import resource_path

    notice = str(resource_path("samples", "notice.jpg"))
    monkeypatch.setattr(
        "describe_app.qt.photo_input.QFileDialog.getOpenFileNames",
        lambda *a, **k: ([notice], ""),
    )
    window, speech = make_window(speaking_model_dir)
    qtbot.keyClick(window.result, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    assert "notice.jpg" in window.history.item(0).text()
    window.actions_by_id["read_text"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    entry = window.controller.last_entry
    assert entry is not None and entry.kind is EntryKind.READ and entry.text.strip()
    assert speech.texts()[-len(entry.text.split("\n")) :] == entry.text.split("\n")


def test_closing_while_generating_ends_within_two_seconds(
    qtbot, make_window, tiny_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    window, speech = make_window(tiny_model_dir, video=scene_video, max_new_tokens=4000)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None, timeout=10_000)
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: "Describing..." in window.announcer.history, timeout=TIMEOUT_MS)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 2.0
    assert speech.closed
    names = {t.name for t in threading.enumerate()}
    assert "model-worker" not in names and "camera-worker" not in names
    window.close()  # a second close does nothing


def test_a_missing_model_is_announced_once_and_photos_still_open(
    qtbot, make_window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.resources import resource_path

    window, _speech = make_window(tmp_path / "no-model-here")
    qtbot.waitUntil(lambda: len(window.announcer.history) >= 2, timeout=TIMEOUT_MS)
    window.describe_files([str(resource_path("samples", "coffee.jpg"))])
    qtbot.waitUntil(lambda: window.controller.photo is not None)  # decoded off the GUI thread
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=TIMEOUT_MS)
    loads = [h for h in window.announcer.history if h == "Loading the description model."]
    assert len(loads) == 1
    assert window.history.count() == 0


def test_download_progress_is_shown_and_its_start_and_end_said(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.describe.worker import LoadProgress

    window, speech = make_window(speaking_model_dir, load=False)
    events = [
        LoadProgress("First use: downloading SmolVLM-256M-Instruct (520 MB). This happens once."),
        LoadProgress("Downloading SmolVLM-256M-Instruct: 40%.", 0.4),
        LoadProgress("Downloaded SmolVLM-256M-Instruct.", 1.0),
    ]
    for event in events:
        window.controller.on_worker_event(event)
    assert [e.message for e in events] == window.announcer.history[-3:]
    spoken = [text for text, _ in speech.said]
    assert events[0].message in spoken and events[2].message in spoken
    assert events[1].message not in spoken  # shown in the status line, not said
