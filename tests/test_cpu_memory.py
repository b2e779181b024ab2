"""The model process's memory on a CPU: stored pages handed back, int8 made a slice at a
time, embedding tables left in bfloat16 - and the answer exactly as before."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from describe_app.core.describe.local import cpu_memory, int8_layers
from describe_app.core.describe.local.cpu_memory import MappedWeights
from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise")


def _file_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssFile:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no RssFile in /proc/self/status")


def _whole_quantization(weight):  # type: ignore[no-untyped-def]
    """The old way: the whole layer as float32, quantized at once."""
    import torch

    full = weight.float()
    scales = (full.abs().amax(dim=1) / 127.0).clamp(min=1e-8).double()
    zeros = torch.zeros(full.shape[0], dtype=torch.int64)
    return torch.quantize_per_channel(full, scales, zeros, 0, torch.qint8)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_int8_by_slices_equals_quantizing_the_whole_layer(
    dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(int8_layers, "SLICE_ELEMENTS", 7 * 24)  # 7 rows a slice: a ragged end
    torch.manual_seed(1)
    weight = (torch.randn(100, 24) * torch.rand(100, 1) * 3).to(getattr(torch, dtype))
    weight[5] = 0  # a row of zeros keeps its floor scale
    before = weight.clone()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's notice that these functions move to torchao
        sliced = int8_layers.int8_per_row(weight)
        whole = _whole_quantization(weight)
    assert torch.equal(weight, before)  # left as it was: it may be tied to the embeddings
    assert torch.equal(sliced.int_repr(), whole.int_repr())
    assert torch.equal(sliced.q_per_channel_scales(), whole.q_per_channel_scales())
    assert torch.equal(sliced.q_per_channel_zero_points(), whole.q_per_channel_zero_points())


@linux_only
def test_pages_of_a_mapped_weight_are_handed_back_and_read_again(tmp_path: Path) -> None:
    import torch

    path = tmp_path / "model.safetensors"
    size = 64 << 20
    values = torch.arange(size, dtype=torch.int32).to(torch.uint8)
    path.write_bytes(values.numpy().tobytes())
    mapped_tensor = torch.from_file(str(path), shared=False, size=size, dtype=torch.uint8)
    assert int(mapped_tensor.sum()) == int(values.sum())  # every page read: resident
    before = _file_rss_mb()
    dropped = MappedWeights.of_this_process().drop(mapped_tensor)
    assert dropped >= size - 8192
    assert before - _file_rss_mb() > 50  # the 64 MB left the process's resident memory
    assert torch.equal(mapped_tensor, values)  # read again from the file, unchanged


@linux_only
def test_memory_not_mapped_from_a_model_file_is_never_touched() -> None:
    import torch

    anonymous = torch.full((4 << 20,), 7, dtype=torch.uint8)
    assert MappedWeights.of_this_process().drop(anonymous) == 0
    assert int(anonymous.min()) == 7


def test_maps_lines_name_only_safetensors_files() -> None:
    lines = [
        "7f00-7f80 r--p 00000000 08:01 12 /models/smol/model.safetensors\n",
        "7f80-7fa0 r-xp 00000000 08:01 13 /usr/lib/libtorch_cpu.so\n",
        "7fa0-7fb0 rw-p 00000000 00:00 0 \n",
        "8000-9000 r--p 00000000 08:01 14 /models/my model/part 2.safetensors\n",
    ]
    weights = MappedWeights(cpu_memory._safetensors_ranges(lines))
    assert weights._ranges == [(0x7F00, 0x7F80), (0x8000, 0x9000)]


@pytest.fixture(scope="module")
def bf16_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random SmolVLM stored in bfloat16, as the real ones are (embeddings tied)."""
    from describe_app.devtools.random_smolvlm import TINY, build_model

    return build_model(tmp_path_factory.mktemp("tiny-bf16"), TINY, dtype="bfloat16")


def _greedy_tokens(loaded, steps: int = 12) -> list[int]:  # type: ignore[no-untyped-def]
    import numpy as np
    import torch

    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.pictures.images import picture_from_frame

    frame = np.random.default_rng(3).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    request = DescribeRequest(picture_from_frame(frame), PromptSpec(), max_new_tokens=steps)
    inputs = VlmDescriber(loaded).prepare_inputs(request)
    with torch.inference_mode():
        out = loaded.model.generate(
            **inputs, max_new_tokens=steps, min_new_tokens=steps, do_sample=False
        )
    return [int(t) for t in out[0, inputs["input_ids"].shape[1] :]]


def test_the_lean_model_answers_token_for_token_as_the_float32_converted_one(
    bf16_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    lean = load_vlm(bf16_model_dir, options=LoadOptions(device="cpu", quantize="int8"))
    embedding = lean.model.get_input_embeddings()
    assert embedding.weight.dtype == torch.bfloat16  # half the memory of a float32 copy
    lean_tokens = _greedy_tokens(lean)

    # The way before: every table made float32 (same int8 layers).
    monkeypatch.setattr(
        "describe_app.core.describe.local.vlm_loader.keep_embeddings_stored",
        lambda _model, _owner: set(),
    )
    plain = load_vlm(bf16_model_dir, options=LoadOptions(device="cpu", quantize="int8"))
    assert plain.model.get_input_embeddings().weight.dtype == torch.float32
    assert lean_tokens == _greedy_tokens(plain)


def test_an_embedding_tied_to_a_float_layer_stays_tied(bf16_model_dir: Path) -> None:
    loaded = load_vlm(bf16_model_dir, options=LoadOptions(device="cpu", quantize="none"))
    model = loaded.model
    assert model.get_input_embeddings().weight is model.get_output_embeddings().weight
    assert model.get_input_embeddings().weight.dtype.is_floating_point
    assert str(model.get_input_embeddings().weight.dtype) == "torch.float32"


@pytest.mark.parametrize("bias", [True, False])
def test_an_int8_layer_computes_as_one_made_the_usual_way(bias: bool) -> None:
    import torch
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantLinear

    torch.manual_seed(2)
    layer = torch.nn.Linear(48, 20, bias=bias)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's notice that these functions move to torchao
        ours = int8_layers.int8_linear(layer)
        usual = DynamicQuantLinear(48, 20, bias_=bias, dtype=torch.qint8)
        usual.set_weight_bias(_whole_quantization(layer.weight.detach()), layer.bias)
    assert (ours.in_features, ours.out_features) == (48, 20)
    x = torch.randn(7, 48)
    assert torch.equal(ours(x), usual(x))
    assert torch.equal(ours.weight().int_repr(), usual.weight().int_repr())


def test_a_load_that_fails_puts_the_allocator_back_for_what_follows(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from describe_app.core.errors import ModelLoadError

    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_model_dir, damaged)
    weights = damaged / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:4096])  # cut off: the download broke
    calls: list[str] = []
    monkeypatch.setattr(
        "describe_app.core.describe.local.vlm_loader.return_large_blocks",
        lambda: calls.append("loading") or True,
    )
    monkeypatch.setattr(
        "describe_app.core.describe.local.vlm_loader.keep_working_blocks",
        lambda: calls.append("working") or True,
    )
    with pytest.raises(ModelLoadError):
        load_vlm(damaged, options=LoadOptions(device="cpu"))
    assert calls == ["loading", "working"]  # a 1 MiB threshold would slow every later step
