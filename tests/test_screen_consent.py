"""Screens go to a server only when the user says so: the window asks once, by keyboard.

Offscreen Qt; the global keys and the capture are the fakes of tests/test_qt_tray.py, the
describer is a fake server that records every picture it is sent (nothing leaves the
machine), and the dialog is answered by key as a user would: T, A, D, Escape or Enter.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.reading.ocr_reader import OcrResult
from describe_app.core.screen.capture import ScreenTarget
from describe_app.core.settings.schema import DescribeSettings, Settings
from tests import qt_fixtures
from tests.test_qt_tray import FakeKeys, _screen_capture

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

SERVER = "Office server"
ANSWER = "A chart of sales by month."
FOCUS_KEY = "Ctrl+Alt+Shift+D"
TIMEOUT_MS = 10_000


class FakeServer:
    """A server describer: records what it was sent, answers one sentence."""

    model_name = SERVER

    def __init__(self) -> None:
        self.sent: list[str] = []

    def screens(self) -> int:
        """Whole screens sent (the window goes on to explore their parts, as for photos)."""
        return self.sent.count("screen: focused object")

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        self.sent.append(request.picture.source)
        on_text(ANSWER)
        return GenerationStats(1, 0.0, 0.0, 0.0, cancelled=False)


class FakeScreenReader:
    """The screen's text, read before the description."""

    def load(self) -> None:
        pass

    def read(self, image: object) -> OcrResult:
        return OcrResult(lines=["Sales 2026"])


@pytest.fixture
def server_window(make_window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A window whose describer is the fake server, its settings naming that server."""
    server = FakeServer()
    monkeypatch.setattr(qt_fixtures, "model_factory", lambda _dir: lambda: server)
    settings = Settings(describe=DescribeSettings(server=SERVER))
    window, speech = make_window(tmp_path, settings=settings)
    keys = FakeKeys()
    asked: list[ScreenTarget] = []
    window.start_screen(
        keys=keys,
        capture=_screen_capture(asked),
        text_reader_factory=FakeScreenReader,
        with_tray=False,
    )
    yield window, speech, server, keys
    window.shutdown()


def answer_with(key: Qt.Key, seen: list[str]) -> Callable[[], None]:
    """Press ``key`` in the question as soon as it is shown (it runs its own event loop, so
    a timer answers it); the question's text is put in ``seen``."""
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "send_screen_box":
            timer.stop()
            seen.append(box.text())
            buttons = [b.text() for b in box.buttons()]
            seen.append("|".join(buttons))
            from PySide6.QtTest import QTest

            QTest.keyClick(box, key)

    timer.timeout.connect(look)
    timer.start()
    return timer.stop


def press_and_answer(qtbot, keys: FakeKeys, key: Qt.Key) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    stop = answer_with(key, seen)
    keys.press(FOCUS_KEY)
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT_MS)
    stop()
    return seen


def test_do_not_send_is_the_default_and_escape_sends_nothing(qtbot, server_window) -> None:  # type: ignore[no-untyped-def]
    window, speech, server, keys = server_window
    window.hide()  # Describe in the tray, another program in front
    seen = press_and_answer(qtbot, keys, Qt.Key.Key_Escape)
    assert SERVER in seen[0] and "passwords" in seen[0]
    assert seen[1] == "Send this &time|&Always send to this server|&Do not send"
    qtbot.waitUntil(lambda: "The screen was not sent." in speech.texts(), timeout=TIMEOUT_MS)
    press_and_answer(qtbot, keys, Qt.Key.Key_Return)  # Enter: the default, do not send
    qtbot.waitUntil(lambda: speech.texts().count("The screen was not sent.") == 2)
    qtbot.wait(200)
    assert server.sent == []
    assert window.settings.describe.send_screens is False


def test_send_this_time_sends_one_screen_and_asks_again(qtbot, server_window) -> None:  # type: ignore[no-untyped-def]
    window, speech, server, keys = server_window
    press_and_answer(qtbot, keys, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: ANSWER in speech.texts(), timeout=TIMEOUT_MS)
    assert server.screens() == 1
    assert window.settings.describe.send_screens is False
    seen = press_and_answer(qtbot, keys, Qt.Key.Key_D)  # asked again
    assert SERVER in seen[0]
    qtbot.waitUntil(lambda: "The screen was not sent." in speech.texts(), timeout=TIMEOUT_MS)
    assert server.screens() == 1


def test_always_send_switches_the_setting_on_and_saves_it(  # type: ignore[no-untyped-def]
    qtbot, server_window, tmp_path: Path
) -> None:
    window, speech, server, keys = server_window
    press_and_answer(qtbot, keys, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: ANSWER in speech.texts(), timeout=TIMEOUT_MS)
    assert server.screens() == 1
    assert window.settings.describe.send_screens is True
    assert f"Screens will be sent to {SERVER} from now on." in speech.texts()
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert saved["describe"]["send_screens"] is True
    keys.press(FOCUS_KEY)  # no question now
    qtbot.waitUntil(lambda: server.screens() == 2, timeout=TIMEOUT_MS)
    assert QApplication.activeModalWidget() is None


def test_the_settings_dialog_shows_and_keeps_the_choice(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    from describe_app.qt.settings_dialog import SettingsDialog

    allowed = Settings(describe=DescribeSettings(server=SERVER, send_screens=True))
    dialog = SettingsDialog(allowed, voices=list, cameras=list)
    qtbot.addWidget(dialog)
    box = dialog.describe_page.send_screens
    assert box.isChecked() and "passwords" in box.accessibleDescription()
    assert dialog.settings().describe.send_screens is True  # OK keeps "always send"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)  # switched off by key: Describe asks again
    assert dialog.settings().describe.send_screens is False
