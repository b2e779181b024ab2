"""QA pass 3 on the models (issue 16): inputs at the edges, through the real command and the
real download against the local hub - a hub that answers wrongly, a disk that fills up, a
read-only cache, a token with a newline, and computers whose memory is unknown or whose
graphics card is too small."""

from __future__ import annotations

import errno
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from describe_app.cli import main
from describe_app.core.describe.local import hub_files, model_recommend
from describe_app.core.describe.local.model_choices import refuse_if_unusable
from describe_app.core.describe.local.model_recommend import MachineFacts, fits, recommend
from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.errors import ModelLoadError
from tests import local_hub
from tests.local_hub import TINY_SPEC, point_at, serve_model
from tests.server_fixtures import LocalServer, QuietHandler

hub_env = local_hub.hub_env

COMMAND = "describe-app models download Tiny-Test"


@contextmanager
def _answering(status: int, body: bytes, ctype: str) -> Iterator[str]:
    """A server that answers every request with ``status`` and ``body``; yields its URL."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.send_body(status, body, ctype)

    server = LocalServer(Handler)
    try:
        yield server.url
    finally:
        server.close()


@pytest.mark.parametrize(
    ("status", "body", "ctype", "said"),
    [
        (500, b"Internal error", "text/plain", "the model hub answered with an error (500)."),
        (503, b"<html>down</html>", "text/html", "the model hub answered with an error (503)."),
        (
            200,
            b"<html><body>Sign in to use this Wi-Fi</body></html>",
            "text/html",
            "the answer did not come from the model hub",
        ),
        (200, b'{"hello": "portal"}', "application/json", "did not come from the model hub"),
        (404, b"", "text/plain", "was not found on the model hub."),
    ],
)
def test_a_hub_that_answers_wrongly_is_one_sentence(
    hub_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    body: bytes,
    ctype: str,
    said: str,
) -> None:
    with _answering(status, body, ctype) as endpoint:
        point_at(monkeypatch, endpoint)
        assert main(["models", "download", "Tiny-Test"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("describe-app: Tiny-Test ")
    assert said in err
    assert "Connect to the internet" not in err  # it was reached: not a connection fault
    assert "did not expect" not in err
    assert len(err.strip().splitlines()) == 1
    assert cached_path(TINY_SPEC) is None


class _FillingFile:
    """A file whose second write finds the disk full (so part of it is on disk)."""

    def __init__(self, file: Any, writes: list[int]) -> None:
        self._file = file
        self._writes = writes

    def __enter__(self) -> _FillingFile:
        self._file.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.__exit__(*exc)

    def write(self, data: bytes) -> int:
        self._writes.append(len(data))
        if len(self._writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(self._file.write(data))


def test_the_disk_filling_up_midway_is_one_sentence_and_the_next_run_continues(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_open = Path.open

    def open_on_a_full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        file = real_open(self, mode, *args, **kwargs)
        writes: list[int] = []  # each file gets one write before the disk is full
        writing = self.name.endswith(".incomplete") and "r" not in mode
        return _FillingFile(file, writes) if writing else file

    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        monkeypatch.setattr(hub_files.Path, "open", open_on_a_full_disk)
        assert main(["models", "download", "Tiny-Test"]) == 3
        err = capsys.readouterr().err
        assert "describe-app: The disk is full, so Tiny-Test could not be saved" in err
        assert cached_path(TINY_SPEC) is None  # nothing half is taken for a model
        monkeypatch.setattr(hub_files.Path, "open", real_open)
        assert main(["models", "download", "Tiny-Test"]) == 0
        assert any(r.startswith("bytes=") for r in hub.ranges)  # continued, not restarted
    assert cached_path(TINY_SPEC) is not None


def test_a_read_only_cache_is_one_sentence(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: Any, **kwargs: Any) -> None:
        if self.is_relative_to(hub_env.parent):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)

    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        monkeypatch.setattr(Path, "mkdir", read_only)
        assert main(["models", "download", "Tiny-Test"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("describe-app: Tiny-Test could not be saved in ")
    assert err.strip().endswith(": Read-only file system.")


def test_a_cache_in_a_folder_that_does_not_exist_yet_is_made(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "no" / "such" / "hub"))
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "download", "Tiny-Test"]) == 0
    assert cached_path(TINY_SPEC) is not None


def test_gated_without_token_then_a_token_with_a_newline_never_printed(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "hf_qaSecret123"
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir, token=secret) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "download", "Tiny-Test"]) == 3
        err = capsys.readouterr().err
        assert "can only be downloaded with a hub account that has accepted its terms" in err
        assert "describe-app models token" in err
        monkeypatch.setattr("sys.stdin", io.StringIO(f"  {secret}\r\n"))
        assert main(["models", "token"]) == 0
        assert main(["models", "download", "Tiny-Test"]) == 0
        said = capsys.readouterr()
        assert secret not in said.out + said.err
    assert (f"/api/models/{TINY_SPEC.repo_id}/revision/main", f"Bearer {secret}") in (
        hub.authorizations
    )


def test_a_token_from_the_environment_with_a_newline_is_trimmed(
    hub_env: Path,
    speaking_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "hf_qaEnvSecret"
    monkeypatch.setenv("HF_TOKEN", f"{secret}\n")
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir, token=secret) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "download", "Tiny-Test"]) == 0
    said = capsys.readouterr()
    assert secret not in said.out + said.err


AVX2 = frozenset({"avx2"})
MACHINES = {
    "2 GB": MachineFacts(2048, 1200, 2, AVX2),
    "4 GB": MachineFacts(4096, 2500, 4, AVX2),
    "8 GB": MachineFacts(8192, 5000, 4, AVX2),
    "64 GB": MachineFacts(65536, 60000, 16, AVX2 | {"avx512f"}),
    "1 core": MachineFacts(8192, 5000, 1, AVX2),
    "no AVX2": MachineFacts(8192, 5000, 4),
    "0 cores": MachineFacts(8192, 5000, 0, AVX2),
    "CUDA 2 GB": MachineFacts(16384, 12000, 8, AVX2, has_cuda=True, cuda_memory_mb=2048),
    "MPS": MachineFacts(16384, 9000, 8, frozenset({"neon"}), has_mps=True),
}


@pytest.mark.parametrize("machine", MACHINES.values(), ids=MACHINES.keys())
def test_the_suggestion_always_fits_and_says_why(machine: MachineFacts) -> None:
    chosen = recommend(machine)
    assert chosen.fits
    assert fits(chosen.spec, machine) is None
    assert chosen.spec.name in chosen.reason and chosen.reason.endswith(".")
    assert " 0 MB" not in chosen.reason


@pytest.mark.parametrize("device", ["cpu", "mps"])
def test_memory_nobody_reported_suggests_the_smallest_and_refuses_nothing(device: str) -> None:
    unknown = MachineFacts(0, 0, 4, AVX2, has_mps=device == "mps")
    chosen = recommend(unknown)
    assert chosen.fits and chosen.spec.name == "SmolVLM-256M-Instruct"
    assert chosen.reason == (
        "This computer does not say how much memory it has, so the smallest model, "
        "SmolVLM-256M-Instruct, is suggested."
    )
    refuse_if_unusable("SmolVLM-500M-Instruct", machine=unknown)  # not refused on a 0


def test_a_graphics_card_too_small_for_any_model_says_the_card() -> None:
    card = MachineFacts(16384, 12000, 8, AVX2, has_cuda=True, cuda_memory_mb=512)
    chosen = recommend(card)
    assert not chosen.fits
    assert chosen.reason == (
        "Even the smallest model, SmolVLM-256M-Instruct, needs about 950 MB of graphics "
        "memory, and this graphics card has 512 MB; run it on the processor with --device cpu."
    )
    refuse_if_unusable("SmolVLM-256M-Instruct", device="cpu", machine=card)


def test_a_model_too_big_is_refused_before_downloading(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    small = MACHINES["2 GB"]
    monkeypatch.setattr(model_recommend, "machine_facts", lambda: small)
    with pytest.raises(ModelLoadError, match=r"SmolVLM-Instruct needs about 7\.4 GB of memory"):
        refuse_if_unusable("SmolVLM-Instruct")
    photo = hub_env.parent / "p.png"
    from PIL import Image

    Image.new("RGB", (32, 32), "red").save(photo)
    assert main(["describe", str(photo), "--model", "SmolVLM-Instruct"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == (
        "describe-app: SmolVLM-Instruct needs about 7.4 GB of memory, and this computer "
        "has only 1.2 GB free now."
    )


def test_models_list_json_is_one_valid_object_a_line(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    monkeypatch.setattr(model_recommend, "machine_facts", lambda: MachineFacts(0, 0, 2, AVX2))
    assert main(["models", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["name"] for r in rows if r["recommended"]] == ["SmolVLM-256M-Instruct"]
    assert all(r["unavailable"] is None for r in rows if r["runnable"])
