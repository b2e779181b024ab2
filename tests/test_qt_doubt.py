"""The window says "Possibly" before a sentence the model was unsure of, keeps the figure in
the history, and stops hedging once the setting is turned off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from describe_app.core.describe.confidence import DOUBT_BELOW
from tests import qt_fixtures

pytestmark = pytest.mark.slow  # the window end to end, with a model

TIMEOUT_MS = 20_000

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
scene_video = qt_fixtures.scene_video


def test_unsure_sentences_are_hedged_until_the_setting_is_off(
    qtbot, make_window, tiny_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(tiny_model_dir, video=scene_video, max_new_tokens=12)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None, timeout=10_000)
    streamed: list[str] = []
    window.controller.sentence_ready.connect(streamed.append)
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)

    assert streamed and all(s.startswith("Possibly: ") for s in streamed)  # random weights
    assert any(text.startswith("Possibly: ") for text, _first in speech.said)
    entry = window.controller.last_entry
    assert entry is not None and not entry.text.startswith("Possibly")  # the model's words
    assert entry.confidence is not None
    assert entry.confidence.overall is not None and 0 < entry.confidence.overall < DOUBT_BELOW

    describe = replace(window.settings.describe, show_doubt=False)
    window.apply_settings(window.settings.replace(describe=describe))
    streamed.clear()
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert streamed and not any(s.startswith("Possibly") for s in streamed)
