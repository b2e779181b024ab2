"""Starting the window: no torch before it shows; the command line opens it; responsive GUI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from describe_app.cli import build_parser
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window
scene_video = qt_fixtures.scene_video


@pytest.mark.slow
def test_window_shows_before_torch_is_imported() -> None:
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from describe_app.qt.app import build_window\n"
        "from describe_app.cli import build_parser\n"
        "app = QApplication([])\n"
        "w = build_window(build_parser().parse_args(['window', '--camera', 'none']))\n"
        "w.show(); app.processEvents()\n"
        "print('SHOWN', round(time.perf_counter() - t, 2))\n"
        "print('HEAVY', [m for m in ('torch', 'transformers') if m in sys.modules])\n"
        "w.close()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    shown = float(proc.stdout.split("SHOWN")[1].split()[0])
    assert shown < 3.0  # 1.5 s is the target on a quiet machine; this one is shared


def test_no_command_means_the_window() -> None:
    from describe_app.cli import app as cli
    from describe_app.cli import window

    seen: list[object] = []
    original = window.run_window_command
    window.run_window_command = lambda args: seen.append(args) or 0  # type: ignore[assignment]
    try:
        assert cli.main([]) == 0
        assert cli.main(["window", "--camera", "clip.mp4", "a.jpg"]) == 0
    finally:
        window.run_window_command = original  # type: ignore[assignment]
    assert seen[0].command == "window" and seen[0].files == []  # type: ignore[attr-defined]
    assert seen[1].camera == "clip.mp4" and seen[1].files == ["a.jpg"]  # type: ignore[attr-defined]
    assert build_parser().parse_args(["window"]).camera is None


@pytest.mark.slow
def test_gui_never_stalls_while_the_model_loads_and_generates(
    qtbot, make_window, tiny_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    heartbeat = qt_fixtures.Heartbeat()
    heartbeat.start()
    try:
        # as the app runs it: the model in a child process (one in a thread of the GUI's
        # process shares its interpreter lock, and a busy machine turns that into stalls)
        window, _ = make_window(
            tiny_model_dir, video=scene_video, max_new_tokens=60, separate_process=True
        )
        heartbeat.start()  # measure from here: loading, camera preview and generation
        qtbot.waitUntil(lambda: window.controller.camera.latest_frame() is not None)
        window.actions_by_id["describe"].trigger()
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=60_000)
    finally:
        heartbeat.stop()
    worst = max(heartbeat.gaps) * 1000
    assert worst < 50, f"the GUI stalled for {worst:.0f} ms; {heartbeat.stall_report()}"


@pytest.mark.slow
def test_the_app_runs_its_model_in_a_separate_process(
    qtbot, app_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """The window as ``describe-app`` builds it: the model in a child process, end to end."""
    from describe_app.core.describe.local.model_process import ProcessModelWorker
    from describe_app.core.resources import resource_path
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

    window = app_window("--camera", "none", "--model", str(speaking_model_dir))
    try:
        assert isinstance(window._bridge._worker, ProcessModelWorker)
        window._bridge.start_loading()
        window.describe_files([str(resource_path("samples", "coffee.jpg"))])
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=60_000)
        assert DEFAULT_SCRIPT.split(".")[0] in window.history.item(0).text()
    finally:
        window.shutdown()
