"""A bug's last word: an uncaught exception in the window or a worker thread is written to
the crash log, heard in one sentence saying where, and the window answers the next key;
``describe-app doctor`` points to the logs and shows the last errors."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from describe_app.core.diagnostics.app_log import app_log_path, last_errors, start_file_logging
from describe_app.core.diagnostics.crash_log import CrashLog, crash_log_path, last_reports
from describe_app.core.folders import log_dir
from describe_app.qt.crash_hooks import CrashHooks, install_crash_hooks
from describe_app.qt.main_window import MainWindow
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window

REPORT_SENTENCE = "Something went wrong that Describe did not expect. A report is in"


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("DESCRIBE_LOG_DIR", str(folder))
    return folder


@pytest.fixture
def window(qtbot, qt_strict: None, app_window, logs: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The app's window (as ``describe-app window`` builds it), shown and active."""
    window = app_window("--camera", "none")
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # window shortcuts fire only in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    yield window
    window.close()


@pytest.fixture
def hooks(window: MainWindow) -> Iterator[CrashHooks]:
    """The hooks as ``run_window`` installs them, taken off after the test."""
    hooks = install_crash_hooks(window.announcer, window)
    yield hooks
    hooks.uninstall()


def _boom() -> None:
    raise RuntimeError("the copy handler broke")


def _press_copy(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.history.setFocus()
    qtbot.keyClick(window.history, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)


def _crash_sentences(window: MainWindow) -> list[str]:
    return [said for said in window.announcer.history if said.startswith(REPORT_SENTENCE)]


@pytest.mark.allow_warning_logs
def test_an_exception_in_a_slot_is_logged_said_once_and_the_window_goes_on(
    qtbot, window: MainWindow, hooks: CrashHooks, logs: Path
) -> None:  # type: ignore[no-untyped-def]
    window._selected_entry = _boom  # type: ignore[method-assign]  # Ctrl+C's slot calls it
    _press_copy(qtbot, window)
    qtbot.waitUntil(lambda: bool(_crash_sentences(window)))
    _press_copy(qtbot, window)  # the same bug again: written again, not said again
    del window._selected_entry

    report = (logs / "crashes.log").read_text(encoding="utf-8")
    assert report.count("Traceback (most recent call last):") == 2
    assert "RuntimeError: the copy handler broke" in report
    assert "in copy_result" in report  # the window's own slot is in the traceback
    assert "Version: Describe " in report and "Platform: " in report and "Time: " in report
    assert "Where: the window" in report
    assert _crash_sentences(window) == [f"{REPORT_SENTENCE} {logs / 'crashes.log'}."]

    # the app's log file has the error line (and the window's ordinary INFO lines),
    # written by the log's own thread
    def app_log() -> str:
        return (logs / "describe.log").read_text(encoding="utf-8")

    qtbot.waitUntil(lambda: "unexpected error in the window" in app_log())
    assert "ERROR" in app_log() and "announce: " in app_log()

    _press_copy(qtbot, window)  # the window still answers the key
    assert window.announcer.history[-1] == "Nothing to copy yet."


@pytest.mark.allow_warning_logs
def test_an_exception_that_ends_a_worker_thread_is_logged_and_said(
    qtbot, window: MainWindow, hooks: CrashHooks, logs: Path
) -> None:  # type: ignore[no-untyped-def]
    def work() -> None:
        raise ValueError("the worker fell over")

    worker = threading.Thread(target=work, name="test-worker")
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: bool(_crash_sentences(window)))

    report = (logs / "crashes.log").read_text(encoding="utf-8")
    assert 'Where: thread "test-worker"' in report
    assert "ValueError: the worker fell over" in report and "in work" in report
    assert _crash_sentences(window) == [f"{REPORT_SENTENCE} {logs / 'crashes.log'}."]
    _press_copy(qtbot, window)
    assert window.announcer.history[-1] == "Nothing to copy yet."


def test_hooks_are_put_back_and_ctrl_c_is_not_a_crash(window: MainWindow, logs: Path) -> None:
    import sys

    before = (sys.excepthook, threading.excepthook)
    seen: list[type[BaseException]] = []

    def earlier_hook(exc_type: type[BaseException], exc: object, tb: object) -> None:
        seen.append(exc_type)

    sys.excepthook = earlier_hook
    try:
        hooks = install_crash_hooks(window.announcer, window)
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        hooks.uninstall()
        assert seen == [KeyboardInterrupt]  # handed on as before, no report
        assert not (logs / "crashes.log").exists()
        assert sys.excepthook is earlier_hook and threading.excepthook is before[1]
    finally:
        sys.excepthook = before[0]


def test_a_report_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    try:
        raise OSError("disk gone")
    except OSError as exc:
        report = CrashLog(blocker / "crashes.log").write(
            type(exc), exc, exc.__traceback__, where="the window"
        )
    assert not report.saved and report.error == "OSError: disk gone"


def test_one_session_writes_a_bounded_number_of_reports(tmp_path: Path) -> None:
    crash_log = CrashLog(tmp_path / "crashes.log", max_reports=2)
    saved = [
        crash_log.write(KeyError, KeyError(i), None, where="the window").saved for i in range(5)
    ]
    assert saved == [True, True, False, False, False]
    assert [r.error for r in last_reports(10, tmp_path / "crashes.log")] == [
        "KeyError: 0",
        "KeyError: 1",
    ]


def test_log_folder_is_the_platforms_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setenv("DESCRIBE_LOG_DIR", "/somewhere/logs")
    assert log_dir() == Path("/somewhere/logs")
    assert crash_log_path() == Path("/somewhere/logs/crashes.log")
    monkeypatch.delenv("DESCRIBE_LOG_DIR")
    assert log_dir() == Path(platformdirs.user_log_dir("Describe", appauthor=False))


@pytest.mark.allow_warning_logs
def test_the_log_file_takes_info_but_the_terminal_shows_no_more(logs: Path) -> None:
    terminal = io.StringIO()
    stream = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(stream)
    ours = logging.getLogger("describe_app.test")
    file_logging = start_file_logging()
    assert file_logging is not None
    try:
        ours.info("an ordinary step")
        logging.getLogger("some_library").info("a library's chatter")
        ours.error("a failure")
    finally:
        file_logging.stop()
        root.removeHandler(stream)
    text = app_log_path().read_text(encoding="utf-8")
    assert "an ordinary step" in text and "a failure" in text
    assert "a library's chatter" not in text
    assert terminal.getvalue() == "a failure\n"  # as before: warnings and errors only
    assert stream.level == logging.NOTSET and ours.getEffectiveLevel() == root.level
    assert last_errors(5) == [line for line in text.splitlines() if "a failure" in line]


def test_the_log_file_is_written_off_the_thread_that_logs(
    logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow disk never holds up the window: its thread only queues the record."""
    from logging.handlers import RotatingFileHandler

    writers: list[str] = []
    real_emit = RotatingFileHandler.emit

    def emit(self: RotatingFileHandler, record: logging.LogRecord) -> None:
        writers.append(threading.current_thread().name)
        real_emit(self, record)

    monkeypatch.setattr(RotatingFileHandler, "emit", emit)
    file_logging = start_file_logging()
    assert file_logging is not None
    try:
        logging.getLogger("describe_app.test").info("a step on the window's thread")
        file_logging.flush()
        assert "a step on the window's thread" in app_log_path().read_text(encoding="utf-8")
    finally:
        file_logging.stop()
    assert writers and threading.current_thread().name not in writers


@pytest.mark.allow_warning_logs
def test_doctor_prints_the_log_paths_and_the_last_errors(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"Crash reports: {logs / 'crashes.log'}" in out
    assert f"App log: {logs / 'describe.log'}" in out
    assert "No crash reports." in out and "No errors in the app log." in out

    found: dict[str, str] = {}
    try:
        found["picture"]
    except KeyError as exc:
        CrashLog().write(type(exc), exc, exc.__traceback__, where='thread "model-worker"')
    file_logging = start_file_logging()
    assert file_logging is not None
    try:
        logging.getLogger("describe_app.test").error("the model process stopped")
    finally:
        file_logging.stop()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Last crash reports (1, newest last):" in out
    assert "in thread \"model-worker\": KeyError: 'picture'" in out
    assert "the model process stopped" in out.split("Last errors in the app log")[1]


def test_doctor_can_run_the_self_test(
    logs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app import self_test
    from describe_app.cli import main

    ok = self_test.Finding(self_test.Status.OK, "fine.")
    monkeypatch.setattr(self_test, "CHECKS", (("Window", lambda: ok, True),))
    assert main(["doctor", "--self-test"]) == 0
    out = capsys.readouterr().out
    assert "Crash reports: " in out and "OK       Window: fine." in out


def test_a_command_line_bug_is_reported_and_logged(
    logs: Path,
    tmp_path: Path,
    photo_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from describe_app.cli import main, pictures

    def broken(args: object) -> None:
        logging.getLogger("describe_app.cli.pictures").info("loading the describer")
        raise RuntimeError("the describer broke")

    monkeypatch.setattr(pictures, "open_describer", broken)
    assert main(["describe", str(photo_file)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "describe-app: Something went wrong that Describe did not expect "
        f"(RuntimeError: the describer broke). A report is in {crash_log_path()}.\n"
    )
    (report,) = last_reports(5)
    assert (report.where, report.error) == ("describe", "RuntimeError: the describer broke")
    assert "loading the describer" in app_log_path().read_text(encoding="utf-8")
    root = logging.getLogger()
    ours = str(app_log_path())
    assert not [h for h in root.handlers if getattr(h, "baseFilename", None) == ours]
