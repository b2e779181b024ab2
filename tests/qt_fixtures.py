"""Fixtures for the window's tests: Qt warnings fail, nothing is left behind, fakes.

Import the fixtures into a test module with ``from tests.qt_fixtures import *``-style
explicit imports (pytest finds fixtures by name in the module).
"""

from __future__ import annotations

import faulthandler
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer, QtMsgType
from PySide6.QtWidgets import QApplication

from describe_app.core.describe.describer import Describer
from describe_app.core.history.store import History
from describe_app.core.reading.ocr_reader import OcrReader, TextReader
from describe_app.core.speech import AudioClip, SpeechSettings, Voice
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.main_window import MainWindow
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.quiet_speech import QuietSpeech

OUR_THREADS = (
    "model-worker",
    "camera-worker",
    "speech-starter",
    "frame-checks",
    "document-reader",
    "model-download",
    "photo-work",
)

#: Said by Qt's offscreen platform plugin itself, not by our code, whenever a window shows.
PLATFORM_NOISE = (
    "This plugin does not support propagateSizeHints()",
    # a tray icon on the offscreen platform, which has no tray
    "QObject::connect: No such signal QPlatformNativeInterface::systemTrayWindowChanged(QScreen*)",
)


class FakeSpeech(QuietSpeech):
    """Records what the window asks speech to do (a SpeechOutput)."""

    def __init__(self) -> None:
        self.said: list[tuple[str, bool]] = []
        self.sounds: list[str] = []
        self.stops = 0
        self.closed = False
        self.settings = SpeechSettings()

    def say(self, text: str, *, interrupt: bool = False) -> None:
        self.said.append((text, interrupt))

    def stop(self) -> None:
        self.stops += 1

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        self.sounds.append(clip.label)

    def apply_settings(self, settings: SpeechSettings) -> None:
        self.settings = settings

    def close(self) -> None:
        self.closed = True

    def texts(self) -> list[str]:
        return [t for t, _ in self.said]


class Heartbeat:
    """A 5 ms timer on the GUI thread that records every gap between its beats: a gap over
    50 ms is a stall the user would feel. :meth:`start` (again) measures from now on.

    A watcher thread looks at what the GUI thread is doing while a beat is late, so a
    failing test says where the stall was (:meth:`stall_report`): our code, or the GUI
    thread waiting idle in the event loop while the machine was busy elsewhere. A thread
    that holds Python's global lock (an extension loading, a long C call) starves that
    watcher too, so a beat ``DUMP_AFTER_S`` late also has every thread's stack written by
    ``faulthandler`` (which needs no lock): the report says which thread held it."""

    LATE_S = 0.04
    DUMP_AFTER_S = 0.3

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self._gui_thread = threading.get_ident()
        self._stacks: dict[float, str] = {}  # the beat a stall ended -> where the GUI was
        self._late_stack = ""
        self._watching = threading.Event()
        self._watcher: threading.Thread | None = None
        # every thread's stack when a beat was very late; closed when the heartbeat goes
        self._dump = tempfile.TemporaryFile("w+")  # noqa: SIM115
        weakref.finalize(self, self._dump.close)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        if self._late_stack:
            self._stacks[self.gaps[-1]] = self._late_stack
            self._late_stack = ""
        self._last = now
        if self._watching.is_set():
            faulthandler.dump_traceback_later(self.DUMP_AFTER_S, file=self._dump)

    def _watch(self) -> None:
        import sys
        import traceback

        while self._watching.is_set():
            if time.perf_counter() - self._last > self.LATE_S and not self._late_stack:
                frame = sys._current_frames().get(self._gui_thread)
                if frame is not None:
                    lines = traceback.format_stack(frame)[-8:]
                    self._late_stack = "".join(lines)
            time.sleep(0.01)

    def start(self) -> None:
        self.gaps.clear()
        self._stacks.clear()
        self._last = time.perf_counter()
        self.timer.start()
        self._watching.set()
        if self._watcher is None or not self._watcher.is_alive():  # one watcher, not one a start
            self._watcher = threading.Thread(
                target=self._watch, name="heartbeat-watch", daemon=True
            )
            self._watcher.start()

    def stop(self) -> None:
        self.timer.stop()
        self._watching.clear()
        faulthandler.cancel_dump_traceback_later()

    def worst_ms(self) -> float:
        """Stop, and the longest gap in milliseconds (0 if it never beat)."""
        self.stop()
        return max(self.gaps, default=0.0) * 1000

    def stall_report(self) -> str:
        """Where the GUI thread was during the longest stall (for a failing assertion)."""
        if not self._stacks:
            report = "(the GUI thread was not caught during a stall)"
        else:
            worst = max(self._stacks)
            report = f"the GUI thread {worst * 1000:.0f} ms into a stall:\n{self._stacks[worst]}"
        busy = self._busy_threads()
        if busy:
            report += f"\nbusy threads {self.DUMP_AFTER_S * 1000:.0f} ms into a stall:\n{busy}"
        return report

    def _busy_threads(self) -> str:
        """From the last ``faulthandler`` dump: each thread's innermost frames, leaving out
        the threads that only wait."""
        self._dump.seek(0)
        dumps = self._dump.read().split("Timeout (")
        self._dump.seek(0)
        self._dump.truncate()
        if len(dumps) < 2:
            return ""
        idle = ("threading.py", "selectors.py", "queues.py", "connection.py", "qt_fixtures.py")
        busy = []
        for block in dumps[-1].split("\nThread ")[1:]:
            frames = [line for line in block.splitlines()[1:] if line.strip()]
            if frames and not any(name in frames[0] for name in idle):
                busy.append("Thread " + block.splitlines()[0] + "\n" + "\n".join(frames[:6]))
        return "\n".join(busy)


@pytest.fixture
def qt_strict(qapp: QApplication, qtlog) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Qt warnings fail the test; windows, our threads and Qt objects are gone after it."""
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    QApplication.processEvents()
    bad = [
        r.message
        for r in qtlog.records
        if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        and r.message not in PLATFORM_NOISE
    ]
    if bad:
        pytest.fail(f"Qt warnings: {bad}")
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        left = [t.name for t in threading.enumerate() if t.name in OUR_THREADS and t.is_alive()]
        if not left:
            break
        time.sleep(0.02)
    else:
        pytest.fail(f"threads left running: {left}")


def model_factory(model_dir: Path) -> Callable[[], Describer]:
    def load() -> Describer:
        from describe_app.core.describe.local.vlm_describer import VlmDescriber
        from describe_app.core.describe.local.vlm_loader import load_vlm

        return VlmDescriber(load_vlm(model_dir, name=model_dir.name))

    return load


@pytest.fixture(scope="session")
def scene_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short video of a real photo panning slowly (the 'camera' of the tests)."""
    import cv2
    from skimage import data

    frame = cv2.resize(data.astronaut()[:, :, ::-1], (320, 240))
    path = tmp_path_factory.mktemp("video") / "scene.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    for shift in range(30):
        writer.write(np.ascontiguousarray(np.roll(frame, shift, axis=1)))
    writer.release()
    return path


WindowMaker = Callable[..., tuple[MainWindow, FakeSpeech]]


FAKE_VOICES = [
    Voice("en-gb", "English (Great Britain)", ("en-gb",)),
    Voice("fr", "French", ("fr",)),
]


@pytest.fixture
def make_window(qtbot, qt_strict: None, tmp_path: Path) -> Iterator[WindowMaker]:  # type: ignore[no-untyped-def]
    """Windows with their history in ``tmp_path/history`` and settings saved to
    ``tmp_path/settings.json`` (pass ``history=`` or ``settings_file=`` to choose others)."""
    windows: list[MainWindow] = []

    def make(
        model_dir: Path,
        *,
        video: Path | None = None,
        camera: CameraWorker | None = None,
        load: bool = True,
        separate_process: bool = False,
        text_reader_factory: Callable[[], TextReader] = OcrReader,
        **options: object,
    ) -> tuple[MainWindow, FakeSpeech]:
        """``separate_process``: the model and text reader in a child process, as the app
        runs them (for the stall tests: loading them in a thread here is not what the app
        does); by default in a thread of this process (quicker to start). A model in this
        process reads text with ``text_reader_factory``'s reader (a ``ChildTextReader``, as
        the app does with a server, keeps OCR's loading off this process)."""
        speech = FakeSpeech()
        if separate_process:
            from describe_app.core.describe.local.model_process import LocalModelRecipe

            factory: Callable[[], Describer] = LocalModelRecipe(str(model_dir))
        else:
            factory = model_factory(model_dir)
        bridge = ModelBridge(
            factory, text_reader_factory=text_reader_factory, separate_process=separate_process
        )
        if camera is None and video is not None:
            camera = CameraWorker(CameraSource(str(video), is_file=True, label="scene.avi"))
        options.setdefault("history", History(tmp_path / "history"))
        options.setdefault("settings_file", tmp_path / "settings.json")
        window = MainWindow(bridge, speech, camera=camera, **options)  # type: ignore[arg-type]
        window.voice_lister = lambda: list(FAKE_VOICES)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts fire only in the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
        if camera is not None:
            camera.start()
        if load:
            bridge.start_loading()
        return window, speech

    yield make
    for window in windows:
        window.close()


AppWindowMaker = Callable[..., MainWindow]


@pytest.fixture
def app_window(qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AppWindowMaker]:  # type: ignore[no-untyped-def]
    """Windows as ``describe-app window ARGS...`` builds them (``build_window``: the app's
    model worker, settings file and history), with the config and data folders in
    ``tmp_path``: never the shared test folders, so one test's history is not another's.
    A second window of the same test is the "next start" (same folders).
    ``settings_text`` is written as the settings file first."""
    from describe_app.cli import build_parser
    from describe_app.qt.app import build_window

    config = tmp_path / "config"
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(config))
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(tmp_path / "data"))
    windows: list[MainWindow] = []

    def make(*argv: str, settings_text: str | None = None) -> MainWindow:
        if settings_text is not None:
            config.mkdir(parents=True, exist_ok=True)
            (config / "settings.json").write_text(settings_text, encoding="utf-8")
        window = build_window(build_parser().parse_args(["window", *argv]))
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
