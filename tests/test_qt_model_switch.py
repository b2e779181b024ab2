"""Choosing another model in the settings: it is used at once, without a restart."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from describe_app.cli import build_parser
from describe_app.core.describe.worker import (
    Cancelled_,
    Finished,
    Ready,
    SentenceReady,
    Started,
    WorkerEvent,
)
from describe_app.core.pictures.images import Picture
from describe_app.core.settings.schema import DescribeSettings, Settings
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from describe_app.qt.app import model_choice
from describe_app.qt.main_window import MainWindow
from describe_app.qt.model_bridge import ModelChoice
from describe_app.qt.photo_input import load_photos
from tests import qt_fixtures

TIMEOUT_MS = 30_000
OTHER_SCRIPT = "A blue bicycle leans against the fence. Nobody rides it!"

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window


@pytest.fixture(scope="module")
def other_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second tiny model, with another name and another script."""
    from describe_app.devtools.random_smolvlm import TINY, build_model

    return build_model(tmp_path_factory.mktemp("tiny-other"), TINY, script=OTHER_SCRIPT)


def thread_workers(settings: Settings) -> ModelChoice:
    """The app's own choice for ``settings``, but on a thread instead of a process."""
    choice = model_choice(build_parser().parse_args(["window"]), settings)
    return dataclasses.replace(choice, separate_process=False)


def using(model_dir: Path) -> Settings:
    return Settings(describe=DescribeSettings(model=str(model_dir)))


def load_photo(path: Path) -> Picture:
    pictures, errors = load_photos([str(path)])
    assert not errors
    return pictures[0]


def switch_to(window: MainWindow, model_dir: Path) -> int:
    """Press OK on settings that name ``model_dir``; the index of what was announced."""
    describe = dataclasses.replace(window.settings.describe, model=str(model_dir))
    window.apply_settings(window.settings.replace(describe=describe))
    said = window.announcer.history
    switching = f"Settings saved. Switching to {model_dir.name}."
    assert switching in said
    return len(said) - 1 - said[::-1].index(switching)


def ready_after(window: MainWindow, index: int) -> bool:
    return "Ready." in window.announcer.history[index:]


def test_a_new_model_is_used_at_once(
    qtbot,
    make_window,
    speaking_model_dir: Path,
    other_model_dir: Path,
    photo_file: Path,
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, settings=using(speaking_model_dir))
    window.worker_factory = thread_workers
    events: list[WorkerEvent] = []
    window._bridge.worker_event.connect(events.append)
    window.describe_files([str(photo_file)])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    assert DEFAULT_SCRIPT in window.history.item(0).text()

    # the explorer may be describing the parts of the photo now: that ends too
    first_worker = window._bridge._worker
    switched = switch_to(window, other_model_dir)
    assert window._bridge._worker is not first_worker
    assert not window._bridge.is_ready and not window.controller.busy
    qtbot.waitUntil(lambda: ready_after(window, switched), timeout=TIMEOUT_MS)
    after = window.announcer.history[switched:]
    assert after.index("Loading the description model.") < after.index("Ready.")
    ready = [e for e in events if isinstance(e, Ready)]
    assert [e.model_name for e in ready] == [speaking_model_dir.name, other_model_dir.name]

    window.describe_files([str(photo_file)])
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert OTHER_SCRIPT in window.history.item(0).text()
    finished = [e for e in events if isinstance(e, Finished)]
    assert finished[-1].result.model == other_model_dir.name
    assert window.settings.describe.model == str(other_model_dir)


def test_a_job_in_flight_ends_when_the_model_changes(
    qtbot,
    make_window,
    tiny_model_dir: Path,
    other_model_dir: Path,
    photo_file: Path,
) -> None:  # type: ignore[no-untyped-def]
    # the random model never stops by itself: it is still at work when the model changes
    window, _speech = make_window(
        tiny_model_dir, settings=using(tiny_model_dir), max_new_tokens=4000
    )
    window.worker_factory = thread_workers
    events: list[WorkerEvent] = []
    window._bridge.worker_event.connect(events.append)
    old_job = window.controller.describe_photo(load_photo(photo_file))
    assert old_job is not None
    qtbot.waitUntil(lambda: Started in {type(e) for e in events}, timeout=TIMEOUT_MS)
    assert window.controller.busy

    switched = switch_to(window, other_model_dir)
    assert not window.controller.busy  # not left waiting for an answer that never comes
    assert "Stopped." in window.announcer.history
    assert events[-1] == Cancelled_(old_job)
    seen = len(events)
    qtbot.waitUntil(lambda: ready_after(window, switched), timeout=TIMEOUT_MS)

    new_job = window.controller.describe_photo(load_photo(photo_file))
    assert new_job == old_job  # the new worker counts from 1 again: no mix-up all the same
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    assert OTHER_SCRIPT in window.history.item(0).text()
    # nothing of the old job came after its end: all that came is the new model's
    later = events[seen:]
    assert all(e.sentence in OTHER_SCRIPT for e in later if isinstance(e, SentenceReady))
    assert all(e.result.model == other_model_dir.name for e in later if isinstance(e, Finished))
    assert not any(isinstance(e, Cancelled_) for e in later)


def test_without_a_way_to_build_workers_the_model_waits_for_a_restart(
    qtbot,
    make_window,
    speaking_model_dir: Path,
    other_model_dir: Path,
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(
        speaking_model_dir, settings=using(speaking_model_dir), load=False
    )
    worker = window._bridge._worker
    describe = dataclasses.replace(window.settings.describe, model=str(other_model_dir))
    window.apply_settings(window.settings.replace(describe=describe))
    assert window.announcer.history[-1] == (
        "Settings saved. The new model is used the next time Describe starts."
    )
    assert window._bridge._worker is worker


@pytest.mark.slow
def test_the_app_switches_its_model_process(
    qtbot,
    qt_strict: None,
    speaking_model_dir: Path,
    other_model_dir: Path,
    photo_file: Path,
    app_window,
) -> None:  # type: ignore[no-untyped-def]
    """The window as ``describe-app`` builds it: each model in a child process of its own."""
    import psutil

    from describe_app.core.describe.local.model_process import ProcessModelWorker

    window = app_window("--camera", "none", "--model", str(speaking_model_dir))
    try:
        first_worker = window._bridge._worker
        window._bridge.start_loading()
        window.describe_files([str(photo_file)])
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=60_000)
        assert DEFAULT_SCRIPT in window.history.item(0).text()

        began = time.perf_counter()
        switched = switch_to(window, other_model_dir)  # the settings now win over --model
        # the old process takes about a second to end: the window does not wait for it
        assert time.perf_counter() - began < 0.5
        worker = window._bridge._worker
        assert isinstance(worker, ProcessModelWorker) and worker is not first_worker
        assert isinstance(first_worker, ProcessModelWorker)
        first_pid = first_worker.pid
        assert first_pid is not None
        qtbot.waitUntil(lambda: not psutil.pid_exists(first_pid), timeout=5_000)
        qtbot.waitUntil(lambda: ready_after(window, switched), timeout=60_000)
        window.describe_files([str(photo_file)])
        qtbot.waitUntil(lambda: window.history.count() == 2, timeout=60_000)
        assert OTHER_SCRIPT in window.history.item(0).text()
    finally:
        window.shutdown()


def test_with_a_server_text_is_read_outside_the_window_process() -> None:
    """Loading OCR on a thread of the window's process holds Python's global lock for up to a
    second (the window froze): with a server, the text reader runs in a child process."""
    from describe_app.core.reading.text_reader_process import ChildTextReader

    args = build_parser().parse_args(["window", "--server", "http://127.0.0.1:9"])
    choice = model_choice(args, Settings())
    assert not choice.separate_process
    assert choice.text_reader_factory is ChildTextReader
