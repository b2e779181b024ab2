"""Load a vision-language model folder for fast inference on this computer.

The choices (see ``benchmarks/bench_engine.py`` for the measurements behind them):

* **CPU**: weights are read as stored (SmolVLM ships bfloat16), then every ``nn.Linear``
  is turned into a dynamically quantized int8 layer with one symmetric scale per output
  channel (more faithful than one per tensor; fbgemm / x86 or qnnpack / Arm), on a small
  thread pool (about 0.9 s for SmolVLM-256M on 2 AVX2 cores; 1.9 s before the vector
  quantization and the single packing of :mod:`.int8_layers`).
  The rest (embeddings, norms, the vision patch convolution) is made float32.
  Converting layer by layer keeps peak memory near the stored size instead of the
  fp32 model plus its int8 copy. int8 roughly doubles decoding speed and cuts
  time-to-first-token by about a third against fp32; bfloat16 compute is several times
  slower on CPUs without native bf16.
* **CUDA**: bfloat16 (float16 on cards without bf16), no quantization.
* Threads: reading the picture and the prompt (prefill: a few large matrix products)
  uses every core; writing the answer (decoding: many small steps, each ending in a
  barrier where all threads wait for the slowest) uses all cores but one, at most two.
  On 2 cores with another program busy on one of them, two decoding threads fell to
  0.5-15 tokens/s (3-38 s to the first sentence); one held 42 tokens/s. The user's screen
  reader, our speech and the camera preview always want a core
  (``benchmarks/bench_engine.py``, ``--busy`` to measure with a core taken).
* Memory (:mod:`.cpu_memory`): each layer's stored pages are handed back once its int8 copy
  exists, layers are quantized a slice at a time, the token embedding table stays in its
  stored bfloat16 (rows become float32 when looked up: exact), large freed blocks go back to
  the system, and ``malloc_trim`` returns what the conversion threads freed. Peak resident
  memory of SmolVLM-256M's model process, a description included: 0.95 GB, against 1.24 GB
  before (``benchmarks/bench_engine.py``).
* Denormal numbers are flushed to zero on CPU: real weights rarely make them, random
  ones do (with random weights one vision tower took 44 s to a first token instead of 3.6 s).
* Safety: safetensors only, ``trust_remote_code=False``.

torch and transformers are imported here, lazily: importing this module costs nothing.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from describe_app.core.describe.local.cpu_memory import (
    MappedWeights,
    keep_embeddings_stored,
    keep_working_blocks,
    make_float32,
    release_free_memory,
    return_large_blocks,
)
from describe_app.core.describe.local.int8_layers import (
    quantize_linear_layers,
    weight_read_by_owner,
)
from describe_app.core.describe.local.int8_store import stored_file
from describe_app.core.describe.local.model_families import (
    SMOLVLM,
    ModelFamily,
    family_for,
    why_not_runnable,
)
from describe_app.core.describe.local.model_registry import (
    ModelSpec,
    check_model_folder,
    read_model_config,
)
from describe_app.core.describe.local.sigmoid_gelu import install_sigmoid_gelu
from describe_app.core.errors import ModelLoadError
from describe_app.core.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadOptions:
    device: str = "auto"  # "auto", "cpu", "cuda" or "cuda:N"
    quantize: str = "auto"  # "auto" (int8 on CPU), "int8" or "none"
    threads: int | None = None  # prefill threads; None: every available core
    decode_threads: int | None = None  # None: default_decode_threads()
    fused: bool = True  # on a CPU, a Llama language model runs on fused layers (fused_llama)


@dataclass
class LoadedVLM:
    """A model ready to generate, with what the describer needs to know about it."""

    model: Any
    processor: Any
    name: str
    path: Path
    device: str
    dtype: str
    quantized: bool
    load_seconds: float  # reading and preparing the weights
    import_seconds: float = 0.0  # importing torch and transformers (once per process)
    threads: int = 1  # CPU threads while reading the picture and prompt
    decode_threads: int = 1  # CPU threads while writing the answer
    family: ModelFamily = SMOLVLM  # how pictures and prompts are given to it


def default_decode_threads() -> int:
    """Threads while decoding: all cores but one (kept for the screen reader, speech and
    the window), at most two (more only add waiting at each step's barrier)."""
    return max(1, min(2, available_cores() - 1))


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


#: More compute threads than this many per core only slow the model down, and a number
#: far beyond it (``--threads 99999``) hangs the thread pool's start.
MAX_THREADS_PER_CORE = 4


def usable_threads(asked: int | None) -> int:
    """The threads the model computes with: ``asked`` (all cores by default), at most
    :data:`MAX_THREADS_PER_CORE` a core."""
    cores = available_cores()
    if asked is None or asked < 1:
        return cores
    most = MAX_THREADS_PER_CORE * cores
    if asked > most:
        log.info("%d threads asked for on %d cores: %d used", asked, cores, most)
    return min(asked, most)


def load_vlm(
    path: Path,
    *,
    name: str | None = None,
    spec: ModelSpec | None = None,
    options: LoadOptions | None = None,
) -> LoadedVLM:
    """Load the model in ``path``. Raises :class:`ModelLoadError` in one clear sentence."""
    opts = options or LoadOptions()
    start = time.perf_counter()
    family = _family_of(path)
    check_model_folder(path, spec)
    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from transformers.utils import logging as hf_logging

    imported = time.perf_counter()

    hf_logging.disable_progress_bar()  # the per-tensor "Loading weights" bar is noise to users

    device = _pick_device(opts.device, torch)
    if device == "cpu":
        return_large_blocks()  # freed tensors go back to the system (cpu_memory)
        # Numbers below 1e-38 cost a CPU about a hundred times more; they change no answer.
        # Set before the first parallel step, so every compute thread inherits it.
        torch.set_flush_denormal(True)
    threads = usable_threads(opts.threads)
    decode_threads = (
        usable_threads(opts.decode_threads)
        if opts.decode_threads
        else min(threads, default_decode_threads())
    )
    if device == "cpu" and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    quantize = opts.quantize
    if quantize == "auto":
        quantize = "int8" if device == "cpu" and _int8_supported(torch) else "none"

    if device == "cpu":
        load_dtype = "auto" if quantize == "int8" else torch.float32
    else:
        load_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    label = name or path.name
    try:
        if family.processor_builder:
            module, _sep, function = family.processor_builder.partition(":")
            processor = getattr(importlib.import_module(module), function)(path)
        elif family.picture_only_processor:
            from describe_app.core.describe.local.family_processors import load_picture_only

            processor = load_picture_only(path, family.key)
        else:
            processor = AutoProcessor.from_pretrained(path, backend="pil")
        model: Any = AutoModelForImageTextToText.from_pretrained(
            path,
            dtype=load_dtype,
            use_safetensors=True,
            trust_remote_code=False,
        )
    except Exception as exc:  # safetensors, tokenizers and torch each raise their own types
        log.info("loading %s failed", path, exc_info=True)
        if device == "cpu":
            keep_working_blocks()  # the process goes on (another model, a server)
        # a model of the list is downloaded again by its name; a folder of the user's own
        # is theirs to replace (the download would fetch another model)
        damaged = _(
            "The model in {path} could not be loaded; its files may be damaged or incomplete."
        ).format(path=path)
        if spec is not None:
            damaged += " " + _("Download it again with: {command}").format(
                command=f"describe-app models download {spec.name}"
            )
        raise ModelLoadError(damaged) from exc
    model.eval()
    if device == "cpu":
        kept: set[Any] = set()
        joined: set[str] = set()
        if opts.fused:
            from describe_app.core.describe.local.fused_llama import fused_projection_names

            joined = fused_projection_names(model)
        if quantize == "int8":
            mapped = MappedWeights.of_this_process()
            quantize_linear_layers(model, threads, mapped, stored_file(path), path, joined)
            release_free_memory()  # before the float32 copies: that is when the peak comes
            kept = keep_embeddings_stored(model, weight_read_by_owner)
        make_float32(model, kept)
        install_sigmoid_gelu(model)  # the same GELU, twice as fast on AVX2
        if joined:
            from describe_app.core.describe.local.fused_llama import install_fused_llama

            if install_fused_llama(model):
                log.info("the language model runs on fused layers")
        release_free_memory()
        keep_working_blocks()
        dtype = "int8+float32" if quantize == "int8" else "float32"
    else:
        model.to(device)
        dtype = str(load_dtype).removeprefix("torch.")
    seconds = time.perf_counter() - imported
    log.info(
        "loaded %s on %s as %s in %.2f s (%d/%d threads)",
        label,
        device,
        dtype,
        seconds,
        threads,
        decode_threads,
    )
    return LoadedVLM(
        model=model,
        processor=processor,
        name=label,
        path=path,
        device=device,
        dtype=dtype,
        quantized=quantize == "int8",
        load_seconds=seconds,
        import_seconds=imported - start,
        threads=threads,
        decode_threads=decode_threads,
        family=family,
    )


def _family_of(path: Path) -> ModelFamily:
    """The family of the model in ``path``; a ladder family this build cannot run is
    refused with its reason, before anything heavy is imported."""
    architectures = read_model_config(path).get("architectures") or []
    blocked = why_not_runnable(architectures)
    if blocked is not None:
        title, reason = blocked
        raise ModelLoadError(
            _("{title} models cannot run in this version of Describe: {reason}.").format(
                title=title, reason=_(reason)
            )
        )
    return family_for(architectures) or SMOLVLM


def _int8_supported(torch: Any) -> bool:
    engines = getattr(torch.backends.quantized, "supported_engines", [])
    return any(e in engines for e in ("fbgemm", "x86", "qnnpack"))


def _pick_device(wanted: str, torch: Any) -> str:
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if wanted.startswith("cuda") and not torch.cuda.is_available():
        raise ModelLoadError(_("No CUDA graphics card is available; use --device cpu."))
    if wanted not in ("cpu",) and not wanted.startswith("cuda"):
        raise ModelLoadError(
            _("Unknown device {device}; use auto, cpu or cuda.").format(device=wanted)
        )
    return wanted
