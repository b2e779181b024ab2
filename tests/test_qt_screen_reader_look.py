"""A screen reader started while Describe runs takes over from its voice as soon as the
window gets the focus: the window looks again (off the GUI thread), at most every 2 s."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from tests import qt_fixtures

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


class LookingSpeech(qt_fixtures.FakeSpeech):
    def __init__(self) -> None:
        super().__init__()
        self.looks: list[str] = []

    def refresh_route(self) -> None:
        self.looks.append(threading.current_thread().name)


def test_the_window_looks_for_a_screen_reader_when_it_gets_the_focus(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    speech = LookingSpeech()
    window.announcer.set_speech(speech)
    window._route_looked = -10.0  # the look at start is long past
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))
    qtbot.waitUntil(lambda: len(speech.looks) == 1)
    assert speech.looks == ["screen-reader-look"]  # not on the GUI thread
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))  # again at once
    qtbot.wait(100)
    assert len(speech.looks) == 1
