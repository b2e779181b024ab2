"""Exploring a picture by keyboard in the window, and "what changed", with the tiny model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from describe_app.core.resources import resource_path
from tests import qt_fixtures

TIMEOUT_MS = 60_000
COFFEE = resource_path("samples", "coffee.jpg")
NOTICE = resource_path("samples", "notice.jpg")

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window


def _said_since(speech: qt_fixtures.FakeSpeech, start: int) -> list[str]:
    return speech.texts()[start:]


def test_keys_move_over_the_parts_and_say_each_one(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir)
    window.describe_files([str(COFFEE)])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    session = window.explorer.session
    assert session is not None and session.picture.source.endswith("coffee.jpg")
    # described in the background, one part at a time, after the description
    qtbot.waitUntil(lambda: len(session.texts) == 9, timeout=TIMEOUT_MS)
    assert all(text.strip() for text in session.texts.values())

    start = len(speech.said)
    window.actions_by_id["explore"].trigger()
    qtbot.waitUntil(lambda: window.explore.hasFocus())
    assert _said_since(speech, start)[-1].startswith("3 by 3 parts. Centre: ")

    grid = window.explore
    steps = [
        (Qt.Key.Key_Left, "Left: "),
        (Qt.Key.Key_Left, "Edge. Left: "),
        (Qt.Key.Key_Home, "Top left: "),
        (Qt.Key.Key_PageDown, "Bottom right: "),
        (Qt.Key.Key_End, "Bottom left: "),
        (Qt.Key.Key_PageUp, "Top right: "),
        (Qt.Key.Key_Down, "Right: "),
    ]
    for key, expected in steps:
        start = len(speech.said)
        qtbot.keyClick(grid, key)
        said = _said_since(speech, start)
        assert len(said) == 1 and said[0].startswith(expected), (key, said)
        assert speech.said[-1][1] is True  # each move cuts off the one before
        assert session.texts[session.current()] in said[0]
    assert grid.accessibleDescription() == session.spoken()

    # Enter: the focused part in detail, as a result of its own
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert "coffee.jpg, right" in window.history.item(0).text()
    assert window.explorer.session is session  # still exploring the same picture

    # a new picture ends this exploration and starts the next
    window.describe_files([str(NOTICE)])
    qtbot.waitUntil(lambda: window.history.count() == 3, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.explorer.session is not session)
    new = window.explorer.session
    assert new is not None and new.picture.source.endswith("notice.jpg")


def test_the_users_request_wins_over_parts_in_the_background(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir)
    session = _ask_while_a_part_is_described(qtbot, window, "What colour is the cup?")
    assert "What colour is the cup?" in window.history.item(0).text()
    assert window.explorer.session is session


def _ask_while_a_part_is_described(qtbot, window, question: str):  # type: ignore[no-untyped-def]
    """Describe the coffee photo, ask ``question`` while one of its parts is being
    described, and wait for the answer and then for all nine parts; the session."""
    window.describe_files([str(COFFEE)])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    session = window.explorer.session
    assert session is not None
    qtbot.waitUntil(lambda: window.explorer._job_id is not None, timeout=TIMEOUT_MS)
    window.question.setText(question)
    window.ask_button.click()
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    # the parts go on once the answer is in, and all nine arrive
    qtbot.waitUntil(lambda: len(session.texts) == 9, timeout=TIMEOUT_MS)
    return session


def test_parts_wait_for_the_user_when_nothing_may_run_in_the_background(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """ "Prepare answers in the background: never" runs nothing the user did not ask for,
    the parts of a picture included; exploring then describes them."""
    from describe_app.core.live.prepare_policy import PreparePolicy

    window, _speech = make_window(speaking_model_dir)
    window.controller.pictures.policy = PreparePolicy.NEVER
    window.describe_files([str(COFFEE)])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    session = window.explorer.session
    assert session is not None
    qtbot.wait(300)
    assert window.explorer._job_id is None and not session.texts
    window.actions_by_id["explore"].trigger()
    qtbot.waitUntil(lambda: len(session.texts) == 9, timeout=TIMEOUT_MS)


def test_exploring_before_any_picture_says_what_to_do(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(tiny_model_dir, load=False)
    window.actions_by_id["explore"].trigger()
    assert window.announcer.history[-1] == "Describe a picture first, then explore its parts."
    window.explore.setFocus()
    qtbot.keyClick(window.explore, Qt.Key.Key_Right)
    assert speech.texts()[-1] == "There is no picture to explore yet. Describe one first."


def test_what_changed_names_the_changed_part_and_describes_it(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = Image.open(COFFEE).convert("RGB")
    after = np.asarray(before).copy()
    h, w = after.shape[:2]
    after[h // 20 : h * 3 // 10, w // 20 : w * 3 // 10] = (30, 200, 30)  # top left ninth
    paths = {name: tmp_path / f"{name}.png" for name in ("before", "same", "after")}
    before.save(paths["before"])
    before.save(paths["same"])
    Image.fromarray(after).save(paths["after"])

    window, speech = make_window(speaking_model_dir)
    window.actions_by_id["what_changed"].trigger()
    assert window.announcer.history[-1].startswith("Take a picture first.")
    window.describe_files([str(paths["before"])])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    window.describe_files([str(paths["same"])])
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)

    # no camera: the photo in hand is compared with the picture before it
    window.actions_by_id["what_changed"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 3, timeout=TIMEOUT_MS)
    assert speech.texts()[-1] == "Nothing has changed since the last picture."
    assert "Nothing has changed" in window.history.item(0).text()

    window.describe_files([str(paths["after"])])
    qtbot.waitUntil(lambda: window.history.count() == 4, timeout=TIMEOUT_MS)
    start = len(speech.said)
    window.actions_by_id["what_changed"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 5, timeout=TIMEOUT_MS)
    said = speech.texts()[start:]
    assert said[0] == "Changed: top left."
    assert len(said) > 1  # then the model's description of that part
    assert window.history.item(0).text().count("Changed: top left.") == 1


@pytest.mark.slow
def test_parts_are_described_by_the_apps_model_process(
    qtbot, app_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """The window as ``describe-app`` builds it (model in a child process): the parts of a
    photo arrive, and a question asked meanwhile still wins."""
    from describe_app.core.describe.local.model_process import ProcessModelWorker

    window = app_window("--camera", "none", "--model", str(speaking_model_dir))
    try:
        assert isinstance(window._bridge._worker, ProcessModelWorker)
        window._bridge.start_loading()
        _ask_while_a_part_is_described(qtbot, window, "Is there a spoon?")
    finally:
        window.shutdown()
