"""The tray, the global keys in the window, and the Screen settings page (offscreen Qt).

The keys and the capture are fakes here (the real X11 keys run in
tests/test_global_keys_x11.py, the whole path in tests/test_screen_keys_e2e.py); the model
is the tiny speaking one, so a key press ends in a real description in the history.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from describe_app.core.history.entry import EntryKind
from describe_app.core.pictures.images import Picture
from describe_app.core.reading.ocr_reader import OcrResult
from describe_app.core.screen.capture import ScreenTarget
from describe_app.core.screen.global_keys import KeyState, Registration, taken
from describe_app.core.settings.schema import ScreenSettings, Settings
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from describe_app.qt.labelled import plain
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from describe_app.qt.tray import TRAY_ITEMS, DescribeTray
from tests import qt_fixtures
from tests.document_scenes import printed_page

TIMEOUT_MS = 30_000
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


class FakeKeys:
    """Global keys another program may hold (``held``); :meth:`press` is the user pressing
    one, on a thread of its own as the real keys do."""

    def __init__(self, held: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.held = set(held)
        self.callbacks: dict[str, Callable[[], None]] = {}
        self.closed = False

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        if key in self.held:
            return taken(key)
        self.callbacks[key] = callback
        return Registration(key, KeyState.REGISTERED)

    def unregister(self, key: str) -> None:
        self.callbacks.pop(key, None)

    def close(self) -> None:
        self.closed = True

    def press(self, key: str) -> None:
        thread = threading.Thread(target=self.callbacks[key], name="global-keys")
        thread.start()
        thread.join()


def _screen_capture(asked: list[ScreenTarget]) -> Callable[[ScreenTarget], Picture]:
    def capture(target: ScreenTarget) -> Picture:
        asked.append(target)
        assert threading.current_thread().name == "screen-capture", "captured on the GUI thread"
        image = Image.new("RGB", (320, 200), (240, 240, 240))
        return Picture(image=image, source="screen: focused object", original_size=image.size)

    return capture


#: The words on the screen of the reading tests, and that screen (a dialog's text).
SCREEN_WORDS = ["Invoice 4521 is due on Friday", "Press OK to pay"]


def _screen_with_words() -> Image.Image:
    return printed_page(SCREEN_WORDS).crop((0, 0, 1275, 300))


class _ScreenText:
    """A reader of the screen's text that needs no OCR engine."""

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        return OcrResult(lines=["Save changes?"])


#: Said by the offscreen platform whenever a popup menu opens: it has no keyboard to grab.
POPUP_NOISE = ("This plugin does not support raise()", "This plugin does not support grabbing")


def test_the_tray_menu_is_labelled_and_reached_by_keys(qtbot, qtlog) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    done: list[str] = []
    handlers = {ident: (lambda _on=False, i=ident: done.append(i)) for ident, *_ in TRAY_ITEMS}
    tray = DescribeTray(handlers, owner)
    tray.show_keys(ScreenSettings())
    actions = tray.menu.actions()
    names = [plain(a.text().split("\t")[0]) for a in actions]
    assert names == [
        "Describe focused object",
        "Describe screen",
        "Read screen text",
        "Show window",
        "Quit",
    ]
    mnemonics = [a.text().split("&")[1][0].lower() for a in actions]
    assert len(set(mnemonics)) == len(mnemonics), "two items share a mnemonic"
    assert all(a.statusTip() and a.isEnabled() for a in actions)
    assert actions[0].text().endswith("\tCtrl+Alt+Shift+D")  # the global key, as menus show keys
    assert actions[2].text().endswith("\tCtrl+Alt+Shift+T")
    for letter, ident in (
        (Qt.Key.Key_F, "describe_focus"),
        (Qt.Key.Key_R, "read_screen"),
        (Qt.Key.Key_Q, "quit"),
    ):
        tray.menu.popup(QPoint(10, 10))
        qtbot.waitUntil(tray.menu.isVisible)
        qtbot.keyClick(tray.menu, letter)
        qtbot.waitUntil(lambda i=ident: done[-1:] == [i])  # type: ignore[misc]
    tray.menu.popup(QPoint(10, 10))
    qtbot.waitUntil(tray.menu.isVisible)
    qtbot.keyClick(tray.menu, Qt.Key.Key_Down)  # arrows and Enter work too
    qtbot.keyClick(tray.menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(done) == 4)
    assert done[-1] in ("describe_focus", "describe_screen")
    tray.hide()
    warnings = [r.message for r in qtlog.records if not r.message.startswith(POPUP_NOISE)]
    assert warnings == []


def test_a_global_key_describes_the_focused_object_into_the_history(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, speech = make_window(speaking_model_dir)
    keys = FakeKeys()
    asked: list[ScreenTarget] = []
    problems = window.start_screen(
        keys=keys, capture=_screen_capture(asked), text_reader_factory=_ScreenText, with_tray=True
    )
    read: list[str] = []
    assert window.screen_capture is not None
    window.screen_capture.captured.connect(lambda taken: read.append(taken.read_text))
    assert problems == []
    assert set(keys.callbacks) == {"Ctrl+Alt+Shift+D", "Ctrl+Alt+Shift+W", "Ctrl+Alt+Shift+T"}
    window.hide()  # another program has the focus
    keys.press("Ctrl+Alt+Shift+D")
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    entry = window.controller.last_entry
    assert entry is not None
    assert entry.source == "screen: focused object" and entry.text == DEFAULT_SCRIPT
    assert asked == [ScreenTarget.FOCUS]
    assert read == ["Save changes?"]  # the screen's text went with the picture
    assert any(DEFAULT_SCRIPT.startswith(text) for text in speech.texts())  # said, too
    window.shutdown()
    assert keys.closed
    left = [t.name for t in threading.enumerate() if t.name == "screen-capture"]
    assert left == []


def test_the_read_key_reads_with_the_screens_reader_not_the_cameras(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    """The screen's text is read by the screen's reader (small print, pane by pane), then
    said and kept as a reading: the camera's reader lost a screen's small print."""
    window, speech = make_window(speaking_model_dir)
    keys = FakeKeys()
    window.start_screen(
        keys=keys, capture=_screen_capture([]), text_reader_factory=_ScreenText, with_tray=False
    )
    window.hide()
    keys.press("Ctrl+Alt+Shift+T")
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    entry = window.controller.last_entry
    assert entry is not None
    assert entry.kind is EntryKind.READ and entry.text == "Save changes?"
    qtbot.waitUntil(lambda: "Save changes?" in speech.texts(), timeout=TIMEOUT_MS)
    window.shutdown()


def test_a_key_another_program_holds_is_said_and_shown_in_settings(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    problems = window.start_screen(
        keys=FakeKeys({"Ctrl+Alt+Shift+W"}),
        capture=_screen_capture([]),
        text_reader_factory=None,
        with_tray=False,
    )
    sentence = "Ctrl+Alt+Shift+W is used by another program; choose another in Settings."
    assert problems == [sentence]
    window.open_settings(SettingsPage.SCREEN)
    dialog = window.settings_dialog
    assert dialog is not None
    assert dialog.screen_page.message.text() == sentence
    assert dialog.tabs.currentWidget() is dialog.screen_page
    # a new key for the whole screen: the page gives it, OK registers it
    dialog.screen_page.key_fields["screen_key"].setText("shift+ctrl+alt+s")
    dialog.accept()
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    assert window.settings.screen.screen_key == "Ctrl+Alt+Shift+S"
    assert window.screen_key_problems() == {}


def test_closing_keeps_describe_in_the_tray_and_quit_ends_it(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    keys = FakeKeys()
    window.start_screen(
        keys=keys, capture=_screen_capture([]), text_reader_factory=None, with_tray=True
    )
    window.close()
    assert not window.isVisible() and not keys.closed  # hidden, the keys still work
    assert window.announcer.history[-1] == (
        "Describe is still running in the tray; its keys work from any program."
    )
    window.raise_ = lambda: None  # type: ignore[method-assign]  # offscreen cannot raise
    window.show_window()
    assert window.isVisible()
    off = Settings().replace(screen=ScreenSettings(keep_in_tray=False))
    window.apply_settings(off, save=False)
    window.close()  # with the setting off, closing quits
    assert keys.closed


def test_the_screen_page_refuses_a_key_without_ctrl_alt_or_meta(qtbot, qt_strict: None) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(Settings(), voices=list)
    qtbot.addWidget(dialog)
    page = dialog.screen_page
    labels = [plain(page.key_fields[f].accessibleName()) for f in page.key_fields]
    assert labels == [
        "Describe the focused object, from any program:",
        "Describe the whole screen, from any program:",
        "Read the screen's text, from any program:",
    ]
    page.key_fields["text_key"].setText("T")
    assert dialog.problem() == (
        SettingsPage.SCREEN,
        "T cannot be used from other programs: give a key with Ctrl, Alt or the Windows key, "
        "for example Ctrl+Alt+Shift+D.",
    )
    page.key_fields["text_key"].setText("")  # no key at all is fine
    page.start_with_session.setChecked(True)
    assert dialog.problem() is None
    screen = dialog.settings().screen
    assert screen.text_key == "" and screen.start_with_session


# --- the screen's text is read in a child process ---------------------------------------

#: Run in a fresh interpreter: a capture worker with the window's reader of the screen's
#: text describes a screen once; prints what it read, which OCR modules this process
#: imported, and the text reader processes left after closing it.
_ONE_SCREEN_JOB = r"""
import json, sys
import psutil
from PIL import Image
from PySide6.QtCore import QCoreApplication, QTimer
from describe_app.core.pictures.images import Picture
from describe_app.qt.screen_capture_worker import ScreenCaptureWorker, ScreenJob
from describe_app.qt.window_screen import _screen_reader

app = QCoreApplication([])
image = Image.open(sys.argv[1]).convert("RGB")
picture = Picture(image=image, source="screen: whole screen", original_size=image.size)
worker = ScreenCaptureWorker(capture=lambda _target: picture, text_reader_factory=_screen_reader)
said = []
worker.captured.connect(lambda taken: (said.append(taken.read_text), app.quit()))
worker.failed.connect(lambda sentence: (said.append(sentence), app.quit()))
worker.request(ScreenJob.DESCRIBE_SCREEN)
QTimer.singleShot(100_000, app.quit)
app.exec()
readers = [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]
imported = sorted({name.split(".")[0] for name in sys.modules} & {"rapidocr", "onnxruntime"})
worker.close(1.0)
_gone, left = psutil.wait_procs(readers, timeout=10)
print(json.dumps({"said": said, "imported": imported, "readers": len(readers), "left": len(left)}))
"""


@pytest.mark.slow
def test_the_screen_text_is_read_in_a_child_and_the_window_process_loads_no_ocr(
    tmp_path: Path,
) -> None:
    screen = tmp_path / "screen.png"
    _screen_with_words().save(screen)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _ONE_SCREEN_JOB, str(screen)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["said"] == ["\n".join(SCREEN_WORDS)]  # read, exactly
    assert found["imported"] == []  # RapidOCR and ONNX Runtime stayed out of this process
    assert found["readers"] == 1
    assert found["left"] == 0  # closing the worker ended its child


def _screen_readers(window: object) -> list[psutil.Process]:
    """The processes of the window's reader of the screen's text."""
    reader = window.screen_capture._reader  # type: ignore[attr-defined]
    pool = reader._pool if reader is not None else None
    pids = list(pool._processes) if pool is not None else []
    return [psutil.Process(pid) for pid in pids]


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the child's death is logged as an error
def test_a_dead_screen_text_reader_is_one_sentence_and_the_next_key_reads_again(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir)
    keys = FakeKeys()
    image = _screen_with_words()
    window.start_screen(
        keys=keys,
        capture=lambda _target: Picture(image, "screen: whole screen", image.size),
        text_reader_factory=None,  # the window's own: RapidOCR in a child process
        with_tray=False,
    )
    read: list[str] = []
    window.screen_capture.captured.connect(lambda taken: read.append(taken.read_text))
    keys.press("Ctrl+Alt+Shift+W")
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS * 3)
    assert read == ["\n".join(SCREEN_WORDS)]
    first = _screen_readers(window)
    assert len(first) == 1 and first[0].pid != os.getpid()
    first[0].send_signal(signal.SIGKILL)  # the out-of-memory killer, say
    psutil.wait_procs(first, timeout=10)

    keys.press("Ctrl+Alt+Shift+W")  # said once; the description goes on without the text
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    sentence = "Text could not be read: the text reader stopped."
    assert window.announcer.history.count(sentence) == 1
    assert read[1] == ""

    keys.press("Ctrl+Alt+Shift+W")  # the next key: a new child reads again
    qtbot.waitUntil(lambda: window.history.count() == 3, timeout=TIMEOUT_MS * 3)
    assert read[2] == "\n".join(SCREEN_WORDS)
    assert window.announcer.history.count(sentence) == 1
    second = _screen_readers(window)
    assert len(second) == 1 and second[0].pid != first[0].pid
    window.shutdown()  # closing the window ends the child
    _gone, left = psutil.wait_procs(second, timeout=10)
    assert left == []
