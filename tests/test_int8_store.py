"""The int8 layers kept on disk: the first load of a model writes them, later loads read
them back instead of converting, and give the same model; a changed model, a damaged file
or a folder that cannot be written only means converting again.

Real parts: a tiny random-weight model of the real SmolVLM architecture, loaded by the
app's loader; conversions are counted by wrapping the converter."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local import int8_layers
from describe_app.core.describe.local.int8_store import FORMAT, store_folder, stored_file
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM, load_vlm
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import Picture


@pytest.fixture
def model_dir(tiny_model_dir: Path, tmp_path: Path) -> Path:
    """A copy of the tiny model (its files are changed by some tests)."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch, own_history: Path) -> list[int]:
    """How many layers were converted from their stored weights, per load (own data folder)."""
    counted: list[int] = []
    real = int8_layers.int8_rows

    def counting(weight: Any) -> Any:
        counted.append(1)
        return real(weight)

    monkeypatch.setattr(int8_layers, "int8_rows", counting)
    return counted


def load(model_dir: Path, conversions: list[int]) -> tuple[LoadedVLM, int]:
    before = len(conversions)
    loaded = load_vlm(model_dir, name="tiny")
    return loaded, len(conversions) - before


def int8_weights(loaded: LoadedVLM) -> dict[str, tuple[Any, Any]]:
    import torch

    found = {}
    for name, module in loaded.model.named_modules():
        if isinstance(module, torch.ao.nn.quantized.dynamic.Linear):
            weight = module.weight()
            found[name] = (weight.int_repr(), weight.q_per_channel_scales())
    return found


def answer(loaded: LoadedVLM) -> str:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 40, 40))
    request = DescribeRequest(Picture(image, "red", image.size), PromptSpec(), max_new_tokens=8)
    pieces: list[str] = []
    VlmDescriber(loaded).describe(request, pieces.append, threading.Event())
    return "".join(pieces)


def test_the_second_load_reads_the_layers_back_and_is_the_same_model(
    model_dir: Path, conversions: list[int]
) -> None:
    first, converted = load(model_dir, conversions)
    assert converted > 10
    kept = stored_file(model_dir)
    assert kept is not None and kept.is_file()
    assert list(store_folder().iterdir()) == [kept]  # no partial file left behind
    second, converted = load(model_dir, conversions)
    assert converted == 0  # nothing converted: every layer read back
    a, b = int8_weights(first), int8_weights(second)
    assert a.keys() == b.keys() and len(a) > 10
    for name in a:
        assert a[name][0].equal(b[name][0]) and a[name][1].equal(b[name][1]), name
    assert answer(first) == answer(second)


def test_the_file_is_plain_safetensors(model_dir: Path, conversions: list[int]) -> None:
    """Any safetensors reader can check it (and it holds no code, unlike a pickle)."""
    from safetensors import safe_open

    loaded, _ = load(model_dir, conversions)
    weights = int8_weights(loaded)
    kept = stored_file(model_dir)
    with safe_open(str(kept), framework="pt") as handle:
        assert handle.metadata() == {"format": FORMAT, "model": str(model_dir)}
        name = next(iter(weights))
        assert handle.get_tensor(f"{name}.values").equal(weights[name][0])
        assert handle.get_tensor(f"{name}.scales").equal(weights[name][1])


def test_a_changed_model_is_converted_again_and_its_old_file_goes(
    model_dir: Path, conversions: list[int]
) -> None:
    load(model_dir, conversions)
    old = stored_file(model_dir)
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a new download
    new = stored_file(model_dir)
    assert new != old
    _, converted = load(model_dir, conversions)
    assert converted > 10
    assert sorted(store_folder().iterdir()) == [new]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"\xff" * 8 + data[8:],  # a header length past the end
        lambda data: data[:8] + b"?" + data[9:],  # a header that is not JSON
        lambda data: data.replace(FORMAT.encode(), b"x" * len(FORMAT)),  # another format
        lambda data: b"",
    ],
    ids=["cut", "length", "json", "format", "empty"],
)
def test_a_damaged_file_is_ignored_and_made_again(
    model_dir: Path, conversions: list[int], damage: Any
) -> None:
    first, _ = load(model_dir, conversions)
    kept = stored_file(model_dir)
    assert kept is not None
    kept.write_bytes(damage(kept.read_bytes()))
    second, converted = load(model_dir, conversions)
    assert converted > 10
    assert answer(second) == answer(first)
    _, converted = load(model_dir, conversions)  # made again: read back now
    assert converted == 0


def test_a_file_of_another_model_is_never_read(
    model_dir: Path, speaking_model_dir: Path, conversions: list[int], tmp_path: Path
) -> None:
    """The layers of a model of the same shapes stored under this one's name are refused
    only if they do not match; what makes them this model's is the name, made from the
    folder and its weight files."""
    other = Path(shutil.copytree(speaking_model_dir, tmp_path / "other"))
    load(other, conversions)
    assert stored_file(other) != stored_file(model_dir)
    _, converted = load(model_dir, conversions)
    assert converted > 10


def test_a_folder_that_cannot_be_written_only_means_converting_again(
    model_dir: Path, conversions: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(blocked))
    first, converted = load(model_dir, conversions)
    assert converted > 10
    _, converted = load(model_dir, conversions)
    assert converted > 10
    assert answer(first)


def test_too_little_disk_space_keeps_nothing(
    model_dir: Path, conversions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app.core.describe.local import int8_store

    full = shutil._ntuple_diskusage(total=10**9, used=10**9, free=1000)  # type: ignore[attr-defined]
    monkeypatch.setattr(int8_store.shutil, "disk_usage", lambda _path: full)
    load(model_dir, conversions)
    assert not any(store_folder().glob("*.safetensors"))
    assert not any(store_folder().glob(".*partial"))


def test_the_files_of_deleted_models_go_when_the_next_is_written(
    model_dir: Path, speaking_model_dir: Path, conversions: list[int], tmp_path: Path
) -> None:
    gone = Path(shutil.copytree(speaking_model_dir, tmp_path / "gone"))
    load(gone, conversions)
    gone_file = stored_file(gone)
    assert gone_file is not None and gone_file.is_file()
    shutil.rmtree(gone)  # the user deleted the model
    load(model_dir, conversions)
    assert sorted(store_folder().iterdir()) == [stored_file(model_dir)]
