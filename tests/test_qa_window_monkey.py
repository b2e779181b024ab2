"""A keyboard "monkey" on the real window: seeded random sequences of the keys a user presses
quickly, in any order, while things are still running (describe, ask, stop, live modes,
photos and pastes, the reading view, history, zoom, settings, the camera going off and on).

After each sequence: no uncaught exception and no Qt warning (``qt_strict``), the GUI thread
never stalled long, Escape then Space is still answered (no dead key), and the window shuts
down within a bounded time, leaving no thread or child process behind.
"""

from __future__ import annotations

import base64
import io
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from describe_app.core.pictures.images import load_picture
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.text_reader_process import ChildTextReader
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.main_window import MainWindow
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture, page_scene
from tests.qt_fixtures import FakeSpeech, Heartbeat

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

LIVE_MODES = ("guidance", "hands_free", "read_codes", "light_meter", "document_mode")
#: The GUI thread may be busy this long at most (a user hears nothing while it is).
STALL_LIMIT_MS = 1000.0
#: Escape then Space must be answered (a result or a clear sentence) within this.
ANSWER_TIMEOUT_MS = 30_000
#: Closing the window must finish within this.
SHUTDOWN_LIMIT_S = 5.0


class _UnpluggableCapture(SceneCapture):
    """A live camera that can be unplugged and plugged in again (``plugged``)."""

    def __init__(self, scene: np.ndarray) -> None:
        super().__init__(scene)
        self.plugged = True

    def isOpened(self) -> bool:
        return self.plugged

    def read(self) -> tuple[bool, Any]:
        if not self.plugged:
            return False, None
        return super().read()


def _camera(rng: np.random.Generator) -> CameraWorker:
    """A live camera showing a printed page at a random place (OCR and codes find text)."""
    scene = page_scene(int(rng.integers(40, 160)), int(rng.integers(60, 200)))
    capture = _UnpluggableCapture(scene)
    return CameraWorker(
        CameraSource("test camera", label="test camera"),
        opener=lambda _s: capture,
        retry_seconds=0.3,
    )


def _drawing(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """Random rectangles and discs on a random backdrop: unlike the sample photos."""
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    image = Image.new("RGB", size, colour)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 7))):
        x0, y0 = int(rng.integers(0, size[0] - 10)), int(rng.integers(0, size[1] - 10))
        x1, y1 = x0 + int(rng.integers(5, size[0] // 2)), y0 + int(rng.integers(5, size[1] // 2))
        fill = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=fill)  # type: ignore[arg-type]
        else:
            draw.ellipse((x0, y0, x1, y1), fill=fill)  # type: ignore[arg-type]
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _files(folder: Path, rng: np.random.Generator) -> dict[str, Path]:
    """A good picture, a broken one, a text file, and a two-page TIFF (a document)."""
    folder.mkdir(parents=True, exist_ok=True)
    good = folder / "drawing.png"
    good.write_bytes(_png(_drawing(rng, (160, 120))))
    broken = folder / "broken.jpg"
    broken.write_bytes(good.read_bytes()[:200])  # cut off: not a whole picture
    text = folder / "notes.txt"
    text.write_text("not a picture at all\n", encoding="utf-8")
    pages = folder / "pages.tiff"
    first, second = Image.new("RGB", (400, 200), "white"), Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(first).text((20, 80), "FIRST PAGE OF TWO", fill="black")
    ImageDraw.Draw(second).text((20, 80), "SECOND PAGE", fill="black")
    first.save(pages, save_all=True, append_images=[second])
    return {"good": good, "broken": broken, "text": text, "pages": pages}


class Monkey:
    """Presses random keys on ``window`` as a keyboard user would; ``done`` is the log."""

    def __init__(
        self,
        qtbot,  # type: ignore[no-untyped-def]
        window: MainWindow,
        rng: np.random.Generator,
        files: dict[str, Path],
        chosen: list[list[str]],
    ) -> None:
        self.qtbot = qtbot
        self.window = window
        self.rng = rng
        self.files = files
        self.chosen = chosen  # what the fake file dialog answers next
        self.done: list[str] = []
        self.actions: dict[str, Callable[[], None]] = {
            "describe": lambda: self.key("Space"),
            "detail": lambda: self.key("Ctrl+Shift+D"),
            "ask": self.ask,
            "stop": lambda: self.key("Escape"),
            "repeat": lambda: self.key("Ctrl+R"),
            "pause": lambda: self.key("Ctrl+P"),
            "read_text": lambda: self.key("Ctrl+T"),
            "what_changed": lambda: self.key("Ctrl+Shift+Space"),
            "guidance": lambda: self.key("Ctrl+G"),
            "codes": lambda: self.key("Ctrl+B"),
            "document_mode": lambda: self.key("Ctrl+M"),
            "light_meter": lambda: self.key("Ctrl+I"),
            "hands_free": lambda: self.key("Ctrl+H"),
            "colour": lambda: self.key("Ctrl+K"),
            "explore": lambda: self.key("Ctrl+E"),
            "open_photo": self.open_photo,
            "paste_text": lambda: self.paste("text"),
            "paste_html": lambda: self.paste("html"),
            "paste_image": lambda: self.paste("image"),
            "paste_link": lambda: self.paste("link"),
            "paste_path": lambda: self.paste("path"),
            "reading_view": self.reading_view,
            "history_move": self.history_move,
            "history_delete": lambda: self.history_key("Delete"),
            "history_copy": lambda: self.history_key("Ctrl+C"),
            "zoom": lambda: self.key(str(self.rng.choice(["Ctrl++", "Ctrl+-", "Ctrl+0"]))),
            "settings": lambda: self.dialog("Ctrl+,"),
            "help": lambda: self.dialog("F1"),
            "camera": self.camera_off_or_on,
            "unplug": self.unplug_or_plug,
            "drop": self.drop,
            "burst": self.burst,
        }

    # --- keys ---------------------------------------------------------------------------------

    def _to_window(self) -> None:
        """The main window active again (the reading view or a dialog may have had it)."""
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=3_000)

    def _target(self) -> QWidget:
        """Where the focus is in the window; the result view when it is in the question
        field (typing goes there) or nowhere."""
        focus = QApplication.focusWidget()
        if focus is None or focus is self.window.question or focus.window() is not self.window:
            return self.window.result
        return focus

    def key(self, key: str, target: QWidget | None = None) -> None:
        self._to_window()
        widget = target or self._target()
        combo = QKeySequence(key)[0]  # type: ignore[index]
        self.qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())

    def ask(self) -> None:
        self.key("Ctrl+L")
        question = str(self.rng.choice(["what colour is it?", "is there text?", "", "   "]))
        if question:
            self.qtbot.keyClicks(self.window.question, question)
        self.qtbot.keyClick(self.window.question, Qt.Key.Key_Return)
        self.window.question.clear()

    def open_photo(self) -> None:
        f = self.files
        choice = int(self.rng.integers(0, 6))
        self.chosen.append(
            [
                [str(f["good"])],
                [str(f["broken"])],
                [str(f["text"])],
                [str(f["good"]), str(f["broken"]), str(f["good"])],
                [],  # cancelled
                [str(f["pages"])],
            ][choice]
        )
        self.key("Ctrl+O")

    def paste(self, kind: str) -> None:
        mime = QMimeData()
        if kind == "text":
            mime.setText("just some words, not a picture")
        elif kind == "html":
            png = _png(_drawing(self.rng, (90, 70)))
            mime.setHtml(
                f'<p>see</p><img src="data:image/png;base64,{base64.b64encode(png).decode()}">'
            )
        elif kind == "image":
            image = QImage()
            image.loadFromData(_png(_drawing(self.rng, (120, 80))))
            mime.setImageData(image)
        elif kind == "link":
            mime.setUrls([QUrl("https://example.org/cat.jpg")])
        else:
            mime.setText(str(self.files[str(self.rng.choice(["good", "broken", "text"]))]))
        QGuiApplication.clipboard().setMimeData(mime)
        self.key("Ctrl+V")

    def reading_view(self) -> None:
        self.key("Ctrl+Shift+M")
        view = self.window.documents.view
        if view is not None and view.isVisible():
            self.qtbot.wait(int(self.rng.integers(0, 200)))
            for _ in range(int(self.rng.integers(1, 3))):
                if view.isVisible():
                    self.qtbot.keyClick(view.text, Qt.Key.Key_Escape)

    def history_move(self) -> None:
        key = str(self.rng.choice(["Up", "Down", "Home", "End"]))
        self.history_key(key)

    def history_key(self, key: str) -> None:
        self._to_window()
        self.window.history.setFocus()
        self.key(key, self.window.history)

    def dialog(self, key: str) -> None:
        """Open a dialog by its key, wait a moment, close it with Escape."""
        self.key(key)
        self.qtbot.wait(int(self.rng.integers(0, 200)))
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, QDialog)
                and widget.isVisible()
                and widget.parent() is self.window
            ):
                self.qtbot.keyClick(widget, Qt.Key.Key_Escape)

    def drop(self) -> None:
        """Files dropped on the window (offscreen Qt has no real drag: the handler is called)."""
        names = list(
            self.rng.choice(
                ["good", "broken", "text", "pages"], int(self.rng.integers(1, 4)), replace=False
            )
        )
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(self.files[str(n)])) for n in names])
        event = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        self.window.dropEvent(event)

    def burst(self) -> None:
        """Keys pressed as fast as the keyboard repeats: no wait between them."""
        for key in self.rng.choice(["Space", "Escape", "Ctrl+R", "Ctrl+T", "Ctrl+K", "Ctrl+P"], 6):
            self.key(str(key))

    def unplug_or_plug(self) -> None:
        """The camera's cable pulled out, or put back (the worker finds it again)."""
        camera = self.window.controller.camera
        if camera is not None:
            capture = camera._opener(camera.source)
            assert isinstance(capture, _UnpluggableCapture)
            capture.plugged = not capture.plugged

    def camera_off_or_on(self) -> None:
        self.window.replace_camera(None if self.window.controller.camera else _camera(self.rng))

    # --- a sequence ---------------------------------------------------------------------------

    def run(self, steps: int, *, names: list[str] | None = None) -> None:
        """``steps`` random actions (or ``names`` in order), with short random waits."""
        chosen = names or [str(self.rng.choice(list(self.actions))) for _ in range(steps)]
        for name in chosen:
            self.done.append(name)
            self.actions[name]()
            self.qtbot.wait(int(self.rng.integers(0, 300)))


def _answered_after_escape_and_space(qtbot, window: MainWindow, speech: FakeSpeech) -> str:  # type: ignore[no-untyped-def]
    """Press Escape then Space in the window; what it answered (a result or a sentence)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3_000)
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Escape)
    qtbot.wait(50)
    finished: list[object] = []
    failed: list[object] = []
    window.controller.result_finished.connect(finished.append)
    window.controller.failed.connect(lambda: failed.append(True))
    said_before = len(speech.said)
    qtbot.keyClick(window.result, Qt.Key.Key_Space)

    def answered() -> bool:
        if window.controller.busy:
            return False
        return bool(finished or failed or speech.texts()[said_before:])

    qtbot.waitUntil(answered, timeout=ANSWER_TIMEOUT_MS)
    if finished:
        return "a result"
    return " | ".join(speech.texts()[said_before:])


def _monkey_run(  # type: ignore[no-untyped-def]
    qtbot,
    make_window,
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    seed: int,
    steps: int,
    *,
    separate_process: bool = False,
) -> list[str]:
    rng = np.random.default_rng(seed)
    files = _files(tmp_path / "files", rng)
    chosen: list[list[str]] = []
    monkeypatch.setattr(
        "describe_app.qt.window_actions.choose_photos",
        lambda _parent: chosen.pop(0) if chosen else [],
    )
    monkeypatch.setattr(
        "describe_app.qt.window_actions.confirm", lambda *_a: bool(rng.random() < 0.5)
    )
    monkeypatch.setattr(
        "describe_app.qt.window_actions.choose_text_file", lambda *_a: tmp_path / "saved.txt"
    )
    QGuiApplication.clipboard().clear()
    # in this process, the model reads text as the app's server path does: in a child
    # (RapidOCR's loading holds Python's global lock for up to a second on a thread here)
    reader = OcrReader if separate_process else ChildTextReader
    window, speech = make_window(
        model_dir,
        camera=_camera(rng),
        separate_process=separate_process,
        text_reader_factory=reader,
    )
    monkey = Monkey(qtbot, window, rng, files, chosen)
    heart = Heartbeat()
    try:
        heart.start()
        monkey.run(steps)
        worst = heart.worst_ms()
        assert worst < STALL_LIMIT_MS, (
            f"seed {seed}: the GUI stalled {worst:.0f} ms after {monkey.done}\n"
            + heart.stall_report()
        )
        qtbot.wait(100)  # a mode switched off by the loop says so on the GUI thread
        for mode in LIVE_MODES:
            shown, on = window.actions_by_id[mode].isChecked(), window.live_modes.is_on(mode)
            assert shown == on, f"seed {seed}: {mode} is {on} but its check mark says {shown}"
        answer = _answered_after_escape_and_space(qtbot, window, speech)
        assert answer.strip(), f"seed {seed}: Space said nothing after {monkey.done}"
    finally:
        heart.stop()
        QGuiApplication.clipboard().clear()  # the next test's Ctrl+V must find nothing
    # closed while things run: a description, and one more random action
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    monkey.actions[str(rng.choice(list(monkey.actions)))]()
    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    assert took < SHUTDOWN_LIMIT_S, f"seed {seed}: shutdown took {took:.1f} s"
    _assert_no_child_left(f"seed {seed}")
    return monkey.done


def _assert_no_child_left(what: str) -> None:
    """No child process of ours is left (one that is, is ended: the next test starts clean)."""
    deadline = time.monotonic() + 3.0
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = multiprocessing.active_children()
    for child in left:
        child.terminate()
        child.join(2.0)
    assert left == [], f"{what}: child processes left: {[c.name for c in left]}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_keyboard_monkey_finds_no_dead_key_crash_or_hang(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, monkeypatch, tmp_path: Path, seed: int
) -> None:
    _monkey_run(qtbot, make_window, speaking_model_dir, monkeypatch, tmp_path, seed, 35)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 30))
def test_a_long_keyboard_monkey_finds_no_dead_key_crash_or_hang(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, monkeypatch, tmp_path: Path, seed: int
) -> None:
    _monkey_run(
        qtbot,
        make_window,
        speaking_model_dir,
        monkeypatch,
        tmp_path,
        seed,
        60,
        separate_process=seed % 2 == 1,  # the model in a child process, as the app runs it
    )


def test_a_live_mode_key_without_a_camera_leaves_no_check_mark(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:
    """Found by the monkey (seed 102): with no camera, Control+B reads the codes in the photo
    in hand instead of switching the codes mode on, but Qt had already ticked its menu item,
    so the menu (and a screen reader) said "Reading codes, checked" while it was off."""
    window, _speech = make_window(speaking_model_dir, load=False)
    photo = tmp_path / "drawing.png"
    photo.write_bytes(_png(_drawing(np.random.default_rng(5), (140, 100))))
    for with_photo in (False, True):
        if with_photo:
            window.controller.photo = load_picture(photo)
        for mode, key in (
            ("read_codes", "Ctrl+B"),
            ("light_meter", "Ctrl+I"),
            ("guidance", "Ctrl+G"),
        ):
            for _press in range(2):
                combo = QKeySequence(key)[0]  # type: ignore[index]
                qtbot.keyClick(window.result, combo.key(), combo.keyboardModifiers())
                assert window.actions_by_id[mode].isChecked() is window.live_modes.is_on(mode), (
                    mode,
                    with_photo,
                )


@pytest.mark.parametrize(
    ("key", "automatic"), [("Space", "read_frame"), ("Ctrl+T", "describe_frame")]
)
def test_a_live_mode_does_not_cut_off_what_the_user_asked_for(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, key: str, automatic: str
) -> None:
    """Found by the monkey (seed 413): with reading guidance on, Escape then Space was
    answered by the text of the page: guidance saw the page ready and its reading replaced
    the description the user had just asked for. A live mode's own request (guidance
    reading a page, hands-free describing a settled view) waits; the user's goes on."""
    window, speech = make_window(speaking_model_dir, camera=_camera(np.random.default_rng(4)))
    qtbot.waitUntil(lambda: window.controller._bridge.is_ready, timeout=ANSWER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    frame = window.controller.camera.latest_frame()
    finished: list[object] = []
    window.controller.result_finished.connect(finished.append)
    combo = QKeySequence(key)[0]  # type: ignore[index]
    qtbot.keyClick(window.result, combo.key(), combo.keyboardModifiers())
    assert window.controller.busy
    getattr(window.controller, automatic)(frame)  # as the live mode does, on its own
    qtbot.waitUntil(lambda: bool(finished), timeout=ANSWER_TIMEOUT_MS)
    heard = " ".join(speech.texts())
    if key == "Space":
        assert "red mug" in heard and "quick brown fox" not in heard, heard
    else:
        assert "quick brown fox" in heard and "red mug" not in heard, heard


class _PausingSpeech(FakeSpeech):
    """Pauses as the speech worker does: new words that cut in (``interrupt``) or a stop
    end the pause."""

    paused = False

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def say(self, text: str, *, interrupt: bool = False) -> None:
        super().say(text, interrupt=interrupt)
        if interrupt:
            self.paused = False

    def stop(self) -> None:
        super().stop()
        self.paused = False


def test_pause_pauses_after_new_words_ended_the_pause(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    speech = _PausingSpeech()
    window.announcer.set_speech(speech)
    photo = tmp_path / "drawing.png"
    photo.write_bytes(_png(_drawing(np.random.default_rng(9), (140, 100))))
    window.controller.photo = load_picture(photo)
    for key in ("Ctrl+P", "Ctrl+K", "Ctrl+P"):  # pause, the colour (said at once), pause
        combo = QKeySequence(key)[0]  # type: ignore[index]
        qtbot.keyClick(window.result, combo.key(), combo.keyboardModifiers())
        if key == "Ctrl+K":  # a photo's colour is named off the GUI thread
            qtbot.waitUntil(lambda: not window.photo_work.busy)
    assert speech.paused, "the second Control+P resumed speech that was not paused"


def test_closing_while_guidance_starts_leaves_no_text_finder_process(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(
        speaking_model_dir, camera=_camera(np.random.default_rng(0)), load=False
    )
    qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
    window.actions_by_id["guidance"].trigger()
    qtbot.wait(300)  # the text finder's child process is starting
    window.close()
    _assert_no_child_left("guidance, then closed")
