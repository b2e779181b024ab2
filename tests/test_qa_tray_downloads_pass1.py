"""QA pass 1 on the tray and the model download dialog, as a keyboard-only screen-reader
user meets them: what is said (once, and only when true), where Tab goes, how often the
progress is spoken, and what the tray's window item says."""

from __future__ import annotations

import errno
import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from describe_app.core.describe.local import hub_files
from describe_app.core.describe.local.download_progress import MB, DownloadProgress
from describe_app.core.describe.local.model_registry import ModelSpec
from describe_app.core.settings.schema import ScreenSettings
from describe_app.qt import model_download_dialog
from describe_app.qt.labelled import plain
from describe_app.qt.model_download_dialog import ModelDownloadDialog
from describe_app.qt.tray import TRAY_ITEMS, DescribeTray
from tests import local_hub, qt_fixtures
from tests.local_hub import TINY_SPEC, point_at, serve_model
from tests.test_qt_tray import POPUP_NOISE, FakeKeys, _screen_capture

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
hub_env = local_hub.hub_env

TIMEOUT_MS = 30_000
WEIGHTS = "model.safetensors"
NO_HUB = (
    "Tiny-Test could not be downloaded: no connection to the model hub. Connect to the "
    "internet and try again; the download continues where it stopped."
)
#: The hub reached, the file half sent, then nothing: the internet works, the line broke.
STALLED = (
    "Tiny-Test could not be downloaded: the connection to the model hub stopped in the "
    "middle. Try again later; the download continues where it stopped."
)


def _focus_chain(dialog: QWidget, steps: int = 6) -> list[str]:
    """The accessible names Tab reaches from where the keyboard is."""
    names = []
    for _step in range(steps):
        widget = QApplication.focusWidget()
        names.append(widget.accessibleName() if widget is not None else "")
        dialog.focusNextChild()
    return names


def test_no_hub_is_said_without_downloading_and_again_on_try_again(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, speech = make_window(speaking_model_dir, load=False)
    point_at(monkeypatch, "http://127.0.0.1:9")  # nothing listens there
    dialog = window.model_downloads.open_dialog(TINY_SPEC)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
    for _try in range(2):
        QApplication.focusWidget().click()  # type: ignore[union-attr]  # Download, Try again
        qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=TIMEOUT_MS)
        assert QApplication.focusWidget() is dialog.download_button
    # never "Downloading" with no hub; the same failure twice is said twice
    assert window.announcer.history == [NO_HUB, NO_HUB]
    assert speech.said == [(NO_HUB, True), (NO_HUB, True)]
    assert dialog.download_button.accessibleName() == "Try again"


def test_tab_reaches_the_status_line_with_the_megabytes_and_time_left(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, size // 3)
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
        assert _focus_chain(dialog, 4) == [
            "Download",
            "Download progress",
            "Download status",
            "Not now",
        ]
        dialog.download_button.click()
        assert hub.holding.wait(30)
        qtbot.waitUntil(lambda: " MB" in dialog.status.text(), timeout=TIMEOUT_MS)
        assert _focus_chain(dialog, 4) == [
            "Cancel download",
            "Download progress",
            "Download status",
            "Cancel download",  # Not now is off while it downloads
        ]
        assert dialog.status.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert dialog.status.text().endswith(" of 1 MB.")
        assert window.announcer.history == ["Downloading Tiny-Test, 1 MB."]
        dialog.cancel_button.click()
        dialog.cancel_button.click()  # twice: still one sentence
        hub.release.set()
        qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=TIMEOUT_MS)
    qtbot.wait(50)
    stopped = "Download stopped. Choose Resume to continue where it stopped."
    assert window.announcer.history == ["Downloading Tiny-Test, 1 MB.", stopped]


class _FakeDownload:
    """A download that reports ``steps`` (percent, clock time), each once the dialog has
    shown the one before, on its thread."""

    steps: ClassVar[list[tuple[int, float]]] = []
    now: ClassVar[list[float]] = [0.0]  # the clock of the dialog and of the announcer
    dialog: ModelDownloadDialog | None = None

    def __init__(
        self,
        spec: ModelSpec,
        on_progress: Callable[[DownloadProgress], None],
        *,
        on_start: Callable[[ModelSpec], None] | None = None,
    ) -> None:
        self.spec = spec
        self._on_progress = on_progress
        self._on_start = on_start
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> Path:
        total = 700 * MB
        self.now[0] = self.steps[0][1]
        if self._on_start is not None:
            self._on_start(self.spec)
        for percent, now in self.steps:
            self.now[0] = now
            progress = DownloadProgress(total * percent // 100, total, 60.0)
            self._on_progress(progress)
            deadline = time.monotonic() + 10
            while self.dialog is not None and self.dialog.progress.value() != progress.percent:
                assert time.monotonic() < deadline, "the dialog did not show the progress"
                time.sleep(0.001)
        return Path("unused")


class _Announcer:
    def __init__(self) -> None:
        self.history: list[tuple[str, float]] = []

    def announce(self, text: str, *, interrupt: bool = False) -> None:
        self.history.append((text, _FakeDownload.now[0]))

    def clear_status(self) -> None:
        pass


@pytest.mark.parametrize(
    ("seconds_per_percent", "expect_every_tenth"),
    [(0.02, False), (0.25, False), (1.5, True)],  # a fast disk, a fast line, a slow line
)
def test_tenths_are_said_once_each_never_more_often_than_every_few_seconds(  # type: ignore[no-untyped-def]
    qtbot,
    qt_strict: None,
    monkeypatch: pytest.MonkeyPatch,
    seconds_per_percent: float,
    expect_every_tenth: bool,
) -> None:
    _FakeDownload.steps = [(p, 5.0 + p * seconds_per_percent) for p in range(0, 101)]
    _FakeDownload.steps[1:1] = [(0, 5.0)]  # the start reported twice: 0 is never said
    monkeypatch.setattr(model_download_dialog, "ModelDownload", _FakeDownload)
    monkeypatch.setattr(
        ModelDownloadDialog, "clock", staticmethod(lambda: _FakeDownload.now[0]), raising=False
    )
    announcer = _Announcer()
    dialog = ModelDownloadDialog(TINY_SPEC, announcer=announcer)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    monkeypatch.setattr(_FakeDownload, "dialog", dialog)
    ready: list[str] = []
    dialog.model_ready.connect(ready.append)
    dialog.start()
    qtbot.waitUntil(lambda: ready == ["Tiny-Test"], timeout=TIMEOUT_MS)
    said = [(t, when) for t, when in announcer.history if " percent" in t]
    percents = [int(t.split(" ")[0]) for t, _when in said]
    assert percents == sorted(set(percents))  # once each, never going back
    assert 0 not in percents
    assert percents[-1] == 100 and said[-1][0] == "100 percent."
    times = [5.0] + [when for _text, when in said[:-1]]  # from "Downloading"; 100 always
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 3.0 for gap in gaps), gaps  # never more often than every 3 s
    if expect_every_tenth:
        assert percents == list(range(10, 101, 10))
    assert announcer.history[0][0] == "Downloading Tiny-Test, 1 MB."
    assert announcer.history[-1][0] == "Tiny-Test is downloaded. Loading it."


@pytest.mark.parametrize(
    ("fault", "sentence"),
    [
        (
            "full disk",
            "The disk is full, so Tiny-Test could not be saved; free some space and try "
            "again, the download continues where it stopped.",
        ),
        (
            "hub error",
            "Tiny-Test could not be downloaded: the model hub answered with an error (500). "
            "Try again later; the download continues where it stopped.",
        ),
    ],
)
def test_a_fault_mid_file_is_one_sentence_and_try_again_continues(  # type: ignore[no-untyped-def]
    qtbot,
    make_window,
    speaking_model_dir: Path,
    hub_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    sentence: str,
) -> None:
    import httpx2

    window, speech = make_window(speaking_model_dir, load=False)
    real_fetch = hub_files.fetch_file
    faults = [fault]

    def fetch(spec, commit, file, on_bytes, cancelled, token=None):  # type: ignore[no-untyped-def]
        if file.path == WEIGHTS and faults:
            faults.pop()
            on_bytes(1000)  # part of it came down
            if fault == "full disk":
                raise OSError(errno.ENOSPC, "No space left on device")
            request = httpx2.Request("GET", "http://hub/" + file.path)
            response = httpx2.Response(500, request=request)
            raise httpx2.HTTPStatusError("500", request=request, response=response)
        return real_fetch(spec, commit, file, on_bytes, cancelled, token)

    monkeypatch.setattr(hub_files, "fetch_file", fetch)
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
        dialog.download_button.click()
        qtbot.waitUntil(lambda: sentence in window.announcer.history, timeout=TIMEOUT_MS)
        assert (sentence, True) in speech.said
        assert dialog.download_button.accessibleName() == "Try again"
        assert dialog.close_button.isEnabled()
        assert QApplication.focusWidget() is dialog.download_button
        dialog.download_button.click()
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    assert window.announcer.history.count(sentence) == 1
    assert "Tiny-Test is downloaded. Loading it." in window.announcer.history


def test_a_stalled_hub_is_said_once_and_resume_continues_where_it_stopped(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_files, "READ_TIMEOUT_S", 1.0)  # 30 s in use
    window, _speech = make_window(speaking_model_dir, load=False)
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, size // 2)  # then no bytes at all
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
        dialog.download_button.click()
        qtbot.waitUntil(lambda: STALLED in window.announcer.history, timeout=TIMEOUT_MS)
        assert window.announcer.history.count(STALLED) == 1
        assert NO_HUB not in window.announcer.history
        hub.hold_after = None
        hub.release.set()
        first = hub.bytes_sent[WEIGHTS]
        dialog.download_button.click()  # Try again
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    assert hub.bytes_sent[WEIGHTS] - first < size  # only the rest came down
    assert hub.ranges and hub.ranges[-1] != "bytes=0-"


def test_the_tray_window_item_says_show_or_hide_and_does_it(  # type: ignore[no-untyped-def]
    qtbot, qtlog
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[bool] = []
    handlers = {ident: (lambda _on=False: None) for ident, *_ in TRAY_ITEMS}
    handlers["show_window"] = lambda: (shown.append(True), owner.show())
    tray = DescribeTray(handlers, owner)
    tray.show_keys(ScreenSettings())
    item = tray.actions["show_window"]

    def open_menu() -> str:
        tray.menu.popup(QPoint(10, 10))
        qtbot.waitUntil(tray.menu.isVisible)
        return plain(item.text())

    assert open_menu() == "Show window"
    qtbot.keyClick(tray.menu, Qt.Key.Key_Escape)  # Escape closes the menu, does nothing
    qtbot.waitUntil(lambda: not tray.menu.isVisible())
    assert shown == [] and not owner.isVisible()
    assert open_menu() == "Show window"
    qtbot.keyClick(tray.menu, Qt.Key.Key_W)
    qtbot.waitUntil(owner.isVisible)
    assert open_menu() == "Hide window"
    assert "keeps running in the tray" in item.statusTip()
    qtbot.keyClick(tray.menu, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: not owner.isVisible())
    assert open_menu() == "Show window"
    qtbot.keyClick(tray.menu, Qt.Key.Key_Escape)
    assert shown == [True]
    tray.hide()
    warnings = [r.message for r in qtlog.records if not r.message.startswith(POPUP_NOISE)]
    assert warnings == []


def test_hide_window_in_the_tray_says_where_describe_went(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    window.start_screen(
        keys=FakeKeys(), capture=_screen_capture([]), text_reader_factory=None, with_tray=True
    )
    assert window.isVisible() and window.tray is not None
    window.tray.menu.aboutToShow.emit()
    item = window.tray.actions["show_window"]
    assert plain(item.text()) == "Hide window"
    item.trigger()
    assert not window.isVisible()
    assert window.announcer.history[-1] == (
        "Describe is still running in the tray; its keys work from any program."
    )
    window.tray.menu.aboutToShow.emit()
    assert plain(item.text()) == "Show window"
    window.shutdown()


def test_in_tray_without_a_tray_shows_the_window(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir, load=False)
    window.hide()
    window.start_screen(
        in_tray=True,
        keys=FakeKeys(),
        capture=_screen_capture([]),
        text_reader_factory=None,
        with_tray=False,
    )
    assert window.isVisible() and window.tray is None  # never hidden with no way back
    assert not window.keep_in_tray()  # closing quits instead of hiding
    window.shutdown()


def test_closing_after_the_tray_went_away_quits_instead_of_hiding(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A panel that crashed or was removed takes the tray away; hiding the window then
    would leave Describe running with no way back to it."""
    window, _speech = make_window(speaking_model_dir, load=False)
    tray_there = [True]
    window.start_screen(
        keys=FakeKeys(), capture=_screen_capture([]), text_reader_factory=None, with_tray=True
    )
    monkeypatch.setattr(window, "_tray_there", lambda: tray_there[0])
    assert window.tray is not None and window.keep_in_tray()
    tray_there[0] = False
    assert not window.keep_in_tray()
    shutdowns: list[bool] = []
    monkeypatch.setattr(window, "shutdown", lambda: shutdowns.append(True))
    window.close()
    assert shutdowns == [True]  # closed for good, not hidden to a tray that is not there
    monkeypatch.undo()
    window.shutdown()


def test_the_status_line_says_no_time_left_once_everything_is_here(  # type: ignore[no-untyped-def]
    qtbot, qt_strict: None
) -> None:
    dialog = ModelDownloadDialog(TINY_SPEC, announcer=_Announcer())  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog._job = _FakeDownload(TINY_SPEC, lambda _p: None)  # type: ignore[assignment]
    total = 300 * MB
    dialog._show(DownloadProgress(total // 2, total, 180.0))
    assert dialog.status.text() == "150 of 300 MB, about 3 minutes left."
    dialog._show(DownloadProgress(total, total, 0.0))  # its checksum is checked now
    assert dialog.status.text() == "300 of 300 MB."
    assert dialog.progress.value() == 100


def test_an_empty_token_is_said_each_time_enter_is_pressed(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path
) -> None:
    window, speech = make_window(speaking_model_dir, load=False)
    dialog = window.model_downloads.open_dialog(TINY_SPEC)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
    dialog.token_panel.ask()
    assert QApplication.focusWidget() is dialog.token_panel.field
    for _press in range(2):
        qtbot.keyClick(dialog.token_panel.field, Qt.Key.Key_Return)
    first = "Type or paste the access token first."
    assert speech.said == [(first, True), (first, True)]
    assert QApplication.focusWidget() is dialog.token_panel.field


def test_a_second_download_while_one_runs_is_said_and_the_first_goes_on(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app.core.describe.local.model_registry import MODELS

    window, _speech = make_window(speaking_model_dir, load=False)
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    other = MODELS["SmolVLM-500M-Instruct"]
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, size // 2)
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        dialog.raise_ = lambda: None  # type: ignore[method-assign]  # offscreen cannot raise
        dialog.download_button.click()
        assert hub.holding.wait(30)
        assert window.model_downloads.open_dialog(other) is dialog
        assert window.announcer.history[-1] == (
            "Tiny-Test is still downloading; SmolVLM-500M-Instruct can be downloaded after it."
        )
        assert window.model_downloads.open_dialog() is dialog  # File > Download: no sentence
        assert dialog.running
        hub.hold_after = None
        hub.release.set()  # the hub cuts the connection there
        qtbot.waitUntil(dialog.download_button.isEnabled, timeout=TIMEOUT_MS)
        assert window.announcer.history[-1] == STALLED  # cut in the middle of the file
        dialog.download_button.click()  # Try again
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    assert "Tiny-Test is downloaded. Loading it." in window.announcer.history


def test_closing_the_window_during_a_download_stops_it_quietly(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, speech = make_window(speaking_model_dir, load=False)
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, size // 2)
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        dialog.download_button.click()
        assert hub.holding.wait(30)
        local_hub.wait_until_written(hub_env, hub, WEIGHTS)
        window.close()  # no tray: closing quits
        hub.release.set()
        qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT_MS)
        qtbot.wait(100)
    assert not window.isVisible()
    assert list(hub_env.rglob("*.incomplete"))  # kept: the next start continues it
    assert not any("Resume" in text for text in window.announcer.history)  # it quit
    assert not any("Resume" in text for text, _interrupt in speech.said)


def test_too_little_disk_space_is_said_without_downloading(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10 * MB, 10 * MB - 5, 5))
    window, _speech = make_window(speaking_model_dir, load=False)
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        dialog = window.model_downloads.open_dialog(TINY_SPEC)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
        dialog.download_button.click()
        qtbot.waitUntil(dialog.download_button.isEnabled, timeout=TIMEOUT_MS)
    assert len(window.announcer.history) == 1  # not "Downloading" first
    said = window.announcer.history[0]
    assert said.startswith("There is not enough free disk space for Tiny-Test: it needs ")
    assert said.endswith(" has 0 MB free.")
    assert hub.bytes_sent[WEIGHTS] == 0
