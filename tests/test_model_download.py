"""The real download path: from a (local) hub into the cache, then offline for good."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from describe_app.cli import main
from describe_app.core.describe.local import model_registry
from tests import local_hub
from tests.local_hub import TINY_SPEC, point_at, serve_model

hub_env = local_hub.hub_env


def test_download_once_then_offline(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    photo = tmp_path / "coffee.jpg"
    Image.fromarray(data.coffee()).save(photo)
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "path", "Tiny-Test"]) == 3
        assert "Tiny-Test is not on this computer yet (1 MB)" in capsys.readouterr().err
        assert main(["models", "download", "Tiny-Test"]) == 0
        captured = capsys.readouterr()
        assert "Tiny-Test is ready: " in captured.out
        assert "Downloading Tiny-Test" in captured.err
        assert any("/resolve/" in r and "model.safetensors" in r for r in hub.requests)
    folder = Path(captured.out.strip().split("ready: ", 1)[1])
    assert folder.is_relative_to(hub_env)
    assert (folder / "model.safetensors").is_file()

    # the hub is gone (the port is closed): everything now works from the cache
    assert main(["models", "path", "Tiny-Test"]) == 0
    assert capsys.readouterr().out.strip() == str(folder)
    assert main(["models", "download", "Tiny-Test"]) == 0
    assert "already on this computer" in capsys.readouterr().out
    assert main(["describe", str(photo), "--model", "Tiny-Test"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "A red mug stands on the wooden table."


def test_first_use_downloads_by_itself(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    photo = tmp_path / "coffee.jpg"
    Image.fromarray(data.coffee()).save(photo)
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert main(["describe", str(photo), "--model", "Tiny-Test", "--no-download"]) == 3
        assert "describe-app models download Tiny-Test" in capsys.readouterr().err
        assert main(["describe", str(photo), "--model", "Tiny-Test"]) == 0
        captured = capsys.readouterr()
        assert len(captured.out.splitlines()) == 3
        assert "First use: downloading Tiny-Test (1 MB)" in captured.err


def test_files_that_are_not_the_model_asked_for_are_refused(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = model_registry.MODELS["SmolVLM-256M-Instruct"]
    with serve_model(real.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "download"]) == 3
    err = capsys.readouterr().err
    assert "are not SmolVLM-256M-Instruct" in err
    assert "image_token_id" in err


def test_unknown_model_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "GPT-17"]) == 3
    err = capsys.readouterr().err
    assert "does not know a model called GPT-17" in err
    assert "SmolVLM-256M-Instruct" in err


def test_the_window_worker_reports_download_progress(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First use in the window: the worker says the download started, then how far it is."""
    import queue

    from describe_app.core.describe.local.model_process import LocalModelRecipe
    from describe_app.core.describe.worker import LoadProgress, ModelWorker, Ready, WorkerEvent

    events: queue.Queue[WorkerEvent] = queue.Queue()
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        worker = ModelWorker(LocalModelRecipe("Tiny-Test"), events.put)
        try:
            worker.start_loading()
            seen: list[WorkerEvent] = []
            while not any(isinstance(e, Ready) for e in seen):
                seen.append(events.get(timeout=60))
        finally:
            assert worker.close(5)
    progress = [e for e in seen if isinstance(e, LoadProgress)]
    assert progress[0].message.startswith("First use: downloading Tiny-Test (1 MB)")
    assert progress[0].fraction is None
    fractions = [e.fraction for e in progress[1:]]
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)  # type: ignore[type-var]
    assert progress[-1].message == "Downloaded Tiny-Test."


def test_the_command_says_tenths_stops_on_ctrl_c_and_continues(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import signal
    import threading
    import time

    from describe_app.cli import interrupts

    monkeypatch.setattr(interrupts, "GRACE_S", 30.0)  # this test process must not end
    weights = speaking_model_dir / "model.safetensors"
    size = weights.stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = ("model.safetensors", size // 2)

        def press_ctrl_c() -> None:
            assert hub.holding.wait(30)
            local_hub.wait_until_written(hub_env, hub, "model.safetensors")
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            deadline = time.monotonic() + 10
            while interrupts.stop_code() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            hub.release.set()

        presser = threading.Thread(target=press_ctrl_c, name="ctrl-c", daemon=True)
        presser.start()
        assert main(["models", "download", "Tiny-Test"]) == 130
        presser.join(10)
        err = capsys.readouterr().err
        assert "Downloading Tiny-Test (1 MB)..." in err
        assert err.rstrip().endswith(
            "describe-app: Download stopped; run the same command again to continue where "
            "it stopped."
        )
        assert main(["models", "path", "Tiny-Test"]) == 3  # nothing half is usable
        capsys.readouterr()

        hub.hold_after = None
        hub.release.clear()
        sent_before = hub.bytes_sent["model.safetensors"]
        assert main(["models", "download", "Tiny-Test"]) == 0
        captured = capsys.readouterr()
    assert 0 < hub.bytes_sent["model.safetensors"] - sent_before < size  # only the rest
    lines = captured.err.splitlines()
    assert lines[0] == "Downloading Tiny-Test (1 MB)..."
    assert lines[-1] == "100 percent."
    assert 1 <= len(lines) - 1 <= 10
    assert "Tiny-Test is ready: " in captured.out
