"""Check the CUDA path of the describing engine on a machine with an NVIDIA GPU.

    python benchmarks/gpu_check.py

Builds the tiny "speaking" SmolVLM-architecture model, loads it through the app's loader
with ``device="cuda"``, checks the streamed sentences, cancellation and the dtype, and
prints one line per check. Exit status 0 when every check passes. The full-size speed
figures come from ``benchmarks/bench_engine.py --configs app`` run on the same machine.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path


def main() -> int:
    import numpy as np
    import torch

    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm
    from describe_app.core.describe.pipeline import run_request
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.errors import Cancelled
    from describe_app.core.pictures.images import picture_from_frame
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT, TINY, build_model

    if not torch.cuda.is_available():
        print("no CUDA device here")
        return 2
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    from machine import machine_line

    print(machine_line())
    failures = 0

    def check(name: str, ok: bool, detail: str = "") -> None:
        nonlocal failures
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name} {detail}", flush=True)

    rng = np.random.default_rng(0)
    frame = (rng.random((480, 640, 3)) * 255).astype(np.uint8)
    picture = picture_from_frame(frame)
    with tempfile.TemporaryDirectory() as tmp:
        speaking = build_model(Path(tmp) / "speaking", TINY, script=DEFAULT_SCRIPT)
        rambling = build_model(Path(tmp) / "rambling", TINY)

        loaded = load_vlm(speaking, options=LoadOptions(device="auto"))
        check("auto picks cuda", loaded.device == "cuda", loaded.device)
        param = next(loaded.model.parameters())
        check("weights on the GPU", param.is_cuda, str(param.device))
        check(
            "half precision, no int8", not loaded.quantized and "16" in loaded.dtype, loaded.dtype
        )
        sentences: list[str] = []
        result = run_request(
            VlmDescriber(loaded),
            DescribeRequest(picture, PromptSpec()),
            on_sentence=lambda s, i: sentences.append(s),
            check=False,
        )
        check("streamed sentences", len(sentences) == 3, repr(sentences))
        check("text", result.text == DEFAULT_SCRIPT, repr(result.text))

        slow = load_vlm(rambling, options=LoadOptions(device="cuda"))
        cancel = threading.Event()
        pieces: list[str] = []

        def on_text(piece: str) -> None:
            pieces.append(piece)
            if len(pieces) == 5:
                cancel.set()

        t0 = time.perf_counter()
        try:
            VlmDescriber(slow).describe(
                DescribeRequest(picture, PromptSpec(), max_new_tokens=500), on_text, cancel
            )
            check("cancel", False, "generation ran to the end")
        except Cancelled:
            check(
                "cancel within one step",
                len(pieces) <= 6,
                f"{len(pieces)} pieces, {time.perf_counter() - t0:.3f} s",
            )
        # a newer request must not wait for the whole prefill: stopped inside the encoder
        describer = VlmDescriber(slow)
        layers = [m for m in slow.model.modules() if type(m).__name__.endswith("EncoderLayer")]
        cancel = threading.Event()
        entered: list[int] = []

        def escape(_module: object, _args: object) -> None:
            entered.append(1)
            cancel.set()

        hook = layers[0].register_forward_pre_hook(escape)
        pieces.clear()
        try:
            describer.describe(DescribeRequest(picture, PromptSpec()), pieces.append, cancel)
            check("cancel while reading the picture", False, "generation ran to the end")
        except Cancelled:
            check("cancel while reading the picture", not pieces, f"{len(pieces)} pieces")
        finally:
            hook.remove()
        stats = describer.describe(
            DescribeRequest(picture, PromptSpec(), max_new_tokens=4),
            pieces.append,
            threading.Event(),
        )
        check("works after a cancelled prefill", stats.new_tokens == 4, str(stats.new_tokens))
    print("ALL PASS" if failures == 0 else f"{failures} FAILED")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
