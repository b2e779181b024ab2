"""The loader on CPU: memory handed back after converting, denormals flushed, and the model
still describes."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local import vlm_loader
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import picture_from_frame
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES


def test_loader_releases_memory_and_still_describes(
    speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    calls: list[bool] = []
    real = vlm_loader.release_free_memory

    def counting() -> bool:
        calls.append(real())
        return calls[-1]

    monkeypatch.setattr(vlm_loader, "release_free_memory", counting)
    loaded = vlm_loader.load_vlm(speaking_model_dir, name="tiny-speaking")
    assert len(calls) == 2  # after the int8 conversion and after the float32 one
    frame = np.full((48, 64, 3), 128, dtype=np.uint8)
    request = DescribeRequest(picture_from_frame(frame), PromptSpec(), max_new_tokens=40)
    pieces: list[str] = []
    VlmDescriber(loaded).describe(request, pieces.append, threading.Event())
    assert "".join(pieces).strip().startswith(DEFAULT_SENTENCES[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_free_memory_is_handed_back_on_linux() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert vlm_loader.release_free_memory() is True


def test_denormal_numbers_are_flushed_on_cpu(tiny_model_dir: Path) -> None:
    import torch

    vlm_loader.load_vlm(tiny_model_dir, options=vlm_loader.LoadOptions(device="cpu"))
    tiny = torch.tensor([1e-39], dtype=torch.float32)  # a denormal float32
    assert (tiny * 1.0).item() == 0.0


def test_damaged_weights_of_a_listed_model_name_the_download(
    speaking_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from describe_app.core.describe.local.model_ladder import DEFAULT_MODEL, LADDER
    from describe_app.core.errors import ModelLoadError

    cut = tmp_path / "cut"
    shutil.copytree(speaking_model_dir, cut)
    weights = cut / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])
    spec = next(s for s in LADDER if s.name == DEFAULT_MODEL)
    # the tiny model's sizes are not the listed model's: that check is not this test's
    monkeypatch.setattr(vlm_loader, "check_model_folder", lambda _path, _spec: None)
    with pytest.raises(ModelLoadError, match=rf"models download {spec.name}$"):
        vlm_loader.load_vlm(cut, spec=spec)
    with pytest.raises(ModelLoadError, match=r"damaged or incomplete[.]$"):
        vlm_loader.load_vlm(cut)
