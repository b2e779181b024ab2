"""Linear layers as dynamically quantized int8 layers, for fast inference on a CPU.

Each ``nn.Linear`` becomes a ``torch.ao`` dynamic int8 Linear with one symmetric scale per
output channel (more faithful than one per tensor; fbgemm / x86 or qnnpack / Arm). A layer
is quantized a few thousand rows at a time from its stored type, so no float32 copy of a
whole layer exists (SmolVLM-256M's output layer alone would be 113 MB), and the pages of its
stored weights are handed back as soon as its int8 copy exists
(:class:`~describe_app.core.describe.local.cpu_memory.MappedWeights`). The int8 values are
kept on disk after the first load and read from there later
(:mod:`~describe_app.core.describe.local.int8_store`).
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import re
import warnings
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from describe_app.core.describe.local.cpu_memory import MappedWeights
from describe_app.core.describe.local.int8_store import LayerShape, LayerWriter, StoredLayers

log = logging.getLogger(__name__)

#: Floats quantized at once (a 16 MB float32 slice).
SLICE_ELEMENTS = 1 << 22


def quantize_linear_layers(
    model: Any,
    workers: int | None = None,
    mapped: MappedWeights | None = None,
    stored: Path | None = None,
    model_path: Path | None = None,
    unpacked: Collection[str] = (),
) -> int:
    """Replace each ``nn.Linear`` by a dynamically quantized int8 one (per-channel scales).

    Layers are converted on a small thread pool (the torch kernels release the GIL). The
    stored pages of each converted layer are handed back through ``mapped``. ``stored``:
    the file that keeps the int8 layers (:mod:`.int8_store`): read from it when it matches
    the model, else written (noting ``model_path``, the model's folder). The layers named
    in ``unpacked`` become :class:`~.fused_llama.Int8Rows`, to be joined and packed later.
    Returns the number of layers replaced.

    torch's default int8 engine (fbgemm on x86) packs every layer. oneDNN's engine for the
    vision encoder alone was tried (``benchmarks/bench_engine.py``, SmolVLM-256M, 2 cores,
    quiet machine): on AVX2 the encoder took 0.83 s against fbgemm's 0.82 s, on AVX-512 with
    AMX 0.30 s against 0.39 s, and oneDNN keeps a second copy of each int8 weight (peak
    memory 1.08 GB against 0.96 GB). No gain where most users are, so it was left out.
    """
    import torch

    targets = [
        (f"{prefix}.{name}" if prefix else name, parent, name)
        for prefix, parent in model.named_modules()
        for name, child in parent.named_children()
        if type(child) is torch.nn.Linear and not weight_read_by_owner(parent, name)
    ]
    shapes = [
        LayerShape(qualified, *getattr(parent, name).weight.shape)
        for qualified, parent, name in targets
    ]
    kept = StoredLayers.open(stored, shapes)
    writer = None
    if stored is not None and kept is None:
        writer = LayerWriter(stored, shapes, model_path or stored.parent)

    def convert(target: tuple[str, Any, str]) -> tuple[Any, str, Any]:
        qualified, parent, name = target
        layer = getattr(parent, name)
        rows = None
        if kept is not None:
            try:
                rows = kept.values_and_scales(qualified)
            except OSError:  # the stored file went away or was cut short: convert
                log.info("cannot read %s back", qualified, exc_info=True)
        if rows is None:
            rows = int8_rows(layer.weight.detach())
        if writer is not None:
            writer.write(qualified, *rows)
        quantized: Any
        if qualified in unpacked:
            from describe_app.core.describe.local.fused_llama import Int8Rows

            bias = None if layer.bias is None else layer.bias.detach().float()
            quantized = Int8Rows(*rows, bias)
        else:
            quantized = int8_linear(layer, per_row_tensor(*rows))
        if mapped:
            mapped.drop(layer.weight)
        return parent, name, quantized

    with warnings.catch_warnings():
        # torch announces that its eager int8 kernels move to torchao; they are still shipped
        # and tested in torch 2.x. Only these two notices are silenced, for this block only.
        warnings.filterwarnings(
            "ignore", message=r".*torch\.ao\.quantization.*deprecated", category=DeprecationWarning
        )
        warnings.filterwarnings(
            "ignore",
            message=r".*quantized tensor creation functions.*deprecated",
            category=UserWarning,
        )
        try:
            with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
                for parent, name, layer in pool.map(convert, targets):
                    setattr(parent, name, layer)
        finally:
            if kept is not None:
                kept.close()
    if writer is not None:
        writer.finish()
    log.info("%d int8 layers %s", len(targets), "read back" if kept else "converted")
    return len(targets)


def weight_read_by_owner(parent: Any, name: str) -> bool:
    """Whether the code of ``parent``'s class reads ``self.<name>.weight`` itself.

    On a dynamically quantized Linear ``.weight`` is a method, so a forward that reads
    ``self.patch_embedding.weight.dtype`` (SigLIP2's vision embeddings, in LFM2-VL) fails:
    such a layer stays in float. Most are small patch or position layers."""
    pattern = re.compile(rf"self\.{re.escape(name)}\.weight\b")
    owner: Any = type(parent)
    return any(pattern.search(source) for source in _class_sources(owner))


@functools.cache
def _class_sources(cls: type) -> tuple[str, ...]:
    """The sources of the methods ``cls`` and its model base classes define. Read method by
    method: ``inspect.getsource`` of a class parses its whole module (0.4 s of a 1.3 s load
    of SmolVLM-256M went to that)."""
    sources = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("transformers.models."):
            continue  # torch's layers and transformers' shared base classes
        for member in vars(klass).values():
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)  # class and static methods
            if not inspect.isfunction(function):
                continue
            try:
                sources.append(inspect.getsource(function))
            except (OSError, TypeError):  # built in, or no source shipped
                continue
    return tuple(sources)


def int8_linear(layer: Any, qweight: Any = None) -> Any:
    """One float Linear as a dynamic int8 Linear, symmetric, one scale per output channel
    (``qweight``: its weight quantized already)."""
    import torch
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantLinear

    if qweight is None:
        qweight = int8_per_row(layer.weight.detach())
    bias = None if layer.bias is None else layer.bias.detach().float()
    # made 1 x 1 and then given its weights: made at full size, it would first pack a
    # placeholder weight as large as the real one (half the time of packing, for nothing)
    quantized = DynamicQuantLinear(1, 1, bias_=bias is not None, dtype=torch.qint8)
    quantized.in_features, quantized.out_features = layer.in_features, layer.out_features
    quantized.set_weight_bias(qweight, bias)
    return quantized


def int8_per_row(weight: Any) -> Any:
    """``weight`` (any float type, rows x columns) as a per-row symmetric qint8 tensor,
    identical to ``torch.quantize_per_channel`` on its float32 copy."""
    return per_row_tensor(*int8_rows(weight))


def int8_rows(weight: Any) -> tuple[Any, Any]:
    """``weight`` (any float type, rows x columns) as int8 values and float64 per-row
    scales, made a slice of rows at a time with vector operations: round(value x (1 /
    scale)), half to even, as torch's own kernel computes it, three times faster than that
    kernel (which works value by value: 1.8 of the 2.3 s SmolVLM-256M took to load on 2
    AVX2 cores went to it)."""
    import torch

    rows, columns = weight.shape
    step = max(1, SLICE_ELEMENTS // max(1, columns))
    scales = torch.empty(rows, dtype=torch.float64)
    values = torch.empty((rows, columns), dtype=torch.int8)
    for first in range(0, rows, step):
        # a copy even of a float32 weight: the slice is worked on in place, and the weight
        # may be tied to a table that stays (a float32 model's embeddings)
        part = weight[first : first + step].to(torch.float32, copy=True)
        part_scales = (part.abs().amax(dim=1) / 127.0).clamp(min=1e-8)
        scales[first : first + step] = part_scales.double()
        part.mul_((1.0 / part_scales)[:, None]).round_().clamp_(-128, 127)
        values[first : first + step].copy_(part)
    return values, scales


def per_row_tensor(values: Any, scales: Any) -> Any:
    """int8 ``values`` (rows x columns) and float64 ``scales`` as a symmetric per-row
    quantized tensor."""
    import torch

    zero_points = torch.zeros(values.shape[0], dtype=torch.int64)
    return torch._make_per_channel_quantized_tensor(values, scales, zero_points, 0)
