"""The real download path: from a (local) hub into the cache, then offline for good."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from describe_app.cli import main
from describe_app.core.describe.local import model_registry
from describe_app.core.describe.local.model_registry import ModelSpec
from tests.local_hub import serve_model

TINY_SPEC = ModelSpec(
    name="Tiny-Test",
    repo_id="describe-tests/tiny-smolvlm",
    revision="main",
    architecture="Idefics3ForConditionalGeneration",
    download_mb=1,
    summary="A tiny random-weight model for tests.",
    expected_config={"architectures": ["Idefics3ForConditionalGeneration"], "scale_factor": 2},
)


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty model cache, and the tiny model in the registry."""
    from huggingface_hub import constants

    cache = tmp_path / "hub-cache"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setitem(model_registry.MODELS, TINY_SPEC.name, TINY_SPEC)
    return cache


def _point_at(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        endpoint + "/{repo_id}/resolve/{revision}/{filename}",
    )


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
        _point_at(monkeypatch, endpoint)
        assert main(["models", "list"]) == 0
        assert "Tiny-Test: A tiny random-weight model for tests. [not downloaded (1 MB)]" in (
            capsys.readouterr().out
        )
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
        _point_at(monkeypatch, endpoint)
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
        _point_at(monkeypatch, endpoint)
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
        _point_at(monkeypatch, endpoint)
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
