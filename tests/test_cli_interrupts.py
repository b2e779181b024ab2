"""Ctrl+C and SIGTERM at any moment, and mistakes answered before the heavy imports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from describe_app.cli import interrupts, main, pictures

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="waits for the handler through /proc"
)


def test_a_mistyped_name_never_loads_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_model(args: object) -> None:
        raise AssertionError("the model was loaded for a file that does not exist")

    monkeypatch.setattr(pictures, "open_describer", no_model)
    assert main(["describe", str(tmp_path / "missing.jpg"), str(tmp_path)]) == 2
    assert main(["read", str(tmp_path / "missing.jpg")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == [
        "describe-app: There is no file called missing.jpg.",
        f"describe-app: {tmp_path.name} is a folder, not a picture.",
    ]


def test_main_puts_back_the_callers_signal_handlers() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with interrupts.handled_signals():
        assert signal.getsignal(signal.SIGTERM) is not before[1]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "describe_app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_handler(process: subprocess.Popen[str]) -> None:
    """Until the app catches SIGTERM: then its own handling is in place."""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        status = Path(f"/proc/{process.pid}/status").read_text()
        caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
        if int(caught.split()[1], 16) >> (signal.SIGTERM - 1) & 1:
            return
        time.sleep(0.005)


def _stop(process: subprocess.Popen[str], signum: int, after: float) -> tuple[float, str]:
    """Send ``signum`` ``after`` seconds into the run; how long it took to end, and stderr."""
    import psutil

    time.sleep(after)
    family = psutil.Process(process.pid).children(recursive=True)
    sent = time.monotonic()
    process.send_signal(signum)
    _out, err = process.communicate(timeout=30)
    took = time.monotonic() - sent
    _gone, alive = psutil.wait_procs(family, timeout=1.0)
    # a child that ended after its parent is a zombie until this container's first process
    # reaps it (a desktop's init does at once): ended, not left running
    running = [p for p in alive if _still_running(p)]
    assert not running, f"left running: {running}"
    return took, err


def _still_running(process: Any) -> bool:
    import psutil

    try:
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_rejected_paths_are_answered_at_once_without_torch(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.jpg"
    os.mkfifo(pipe)
    code = (
        "import sys, time\n"
        "from describe_app.cli import main\n"
        "start = time.perf_counter()\n"
        "codes = [main(['describe', path]) for path in sys.argv[1:]]\n"
        "heavy = [m for m in ('torch', 'transformers', 'PySide6', 'cv2') if m in sys.modules]\n"
        "print(codes, heavy, time.perf_counter() - start)\n"
    )
    paths = [str(tmp_path / "missing.jpg"), str(tmp_path), str(pipe), "/dev/zero"]
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code, *paths], capture_output=True, text=True, timeout=30
    )
    assert time.monotonic() - started < 5  # the interpreter's start on a busy machine
    assert proc.stdout.startswith("[2, 2, 2, 2] []"), proc.stdout  # exit codes, heavy modules
    assert float(proc.stdout.split()[-1]) < 1.0, proc.stdout  # seconds
    assert proc.stderr.splitlines() == [
        "describe-app: There is no file called missing.jpg.",
        f"describe-app: {tmp_path.name} is a folder, not a picture.",
        "describe-app: pipe.jpg is not a regular file, so it holds no picture.",
        "describe-app: zero is not a regular file, so it holds no picture.",
    ]


@pytest.mark.slow
@needs_proc
def test_ctrl_c_at_any_moment_of_the_first_seconds(tiny_model_dir: Path, photo_file: Path) -> None:
    # the first seconds are imports (torch, transformers) and loading: an interrupt
    # thrown into them could abort the process or come out as an import error
    args = ["describe", str(photo_file), "--model", str(tiny_model_dir), "--max-tokens", "9999"]
    for step in range(21):
        process = _start(*args)
        _wait_for_handler(process)
        took, err = _stop(process, signal.SIGINT, after=0.15 * step)
        assert (process.returncode, err) == (130, "describe-app: Stopped.\n"), step
        assert took < 1.0, step


@pytest.mark.slow
@needs_proc
def test_sigterm_during_describe_and_watch(
    tiny_model_dir: Path, photo_file: Path, aiming_video: Path
) -> None:
    model = ["--model", str(tiny_model_dir), "--max-tokens", "9999", "--describe-anyway"]
    for args in (
        ["describe", str(photo_file), *model],
        ["watch", "--camera", str(aiming_video), "--settle", "0.1", *model],
    ):
        process = _start(*args)
        _wait_for_handler(process)
        took, err = _stop(process, signal.SIGTERM, after=4.0)
        assert (process.returncode, err) == (143, "describe-app: Stopped.\n"), args[0]
        assert took < 1.0, args[0]


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_during_ask_and_read(
    tiny_model_dir: Path, photo_file: Path, signum: int, code: int
) -> None:
    model = ["--model", str(tiny_model_dir), "--max-tokens", "9999", "--describe-anyway"]
    for args, after in (
        (["ask", str(photo_file), "What is on the table?", "And the colour?", *model], 4.0),
        (["read", *[str(photo_file)] * 40], 2.0),  # many pictures: still reading at 2 s
    ):
        process = _start(*args)
        _wait_for_handler(process)
        took, err = _stop(process, signum, after=after)
        assert (process.returncode, err) == (code, "describe-app: Stopped.\n"), args[0]
        assert took < 1.0, args[0]


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_close_the_window_in_order_and_keep_the_history(
    tmp_path: Path, tiny_model_dir: Path, photo_file: Path, signum: int, code: int
) -> None:
    from describe_app.core.history.files import HISTORY_FILE, read_history_file

    data = tmp_path / "data"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DESCRIBE_DATA_DIR": str(data),
        "DESCRIBE_CONFIG_DIR": str(tmp_path / "config"),
    }
    model = ["--model", str(tiny_model_dir), "--max-tokens", "40", "--describe-anyway"]
    photo = str(photo_file)
    process = subprocess.Popen(
        [sys.executable, "-m", "describe_app", "window", "--camera", "none", *model, photo],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    history = data / "history" / HISTORY_FILE
    deadline = time.monotonic() + 120
    while process.poll() is None and not history.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert history.exists(), "the photo given at start was never described"
    took, err = _stop(process, signum, after=0.0)
    assert process.returncode == code, err
    assert "Traceback" not in err, err
    assert took < 1.0
    found = read_history_file(history)
    assert found is not None and len(found.entries) == 1
    assert (found.bad_lines, found.cut_short) == (0, False)


def test_stopped_is_said_in_the_interface_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Translated when the language is chosen: the signal handler only writes it."""
    import json

    from describe_app.cli.app import use_interface_language
    from describe_app.core.i18n import set_language

    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.json").write_text(json.dumps({"display": {"ui_language": "fr"}}))
    use_interface_language()
    try:
        interrupts._say_stopped()
    finally:
        set_language("en")
        interrupts.use_language()
    assert capfd.readouterr().err == "describe-app: Arrêté.\n"
