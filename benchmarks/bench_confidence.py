"""What measuring each token's probability costs the local model's decoding speed.

    python benchmarks/bench_confidence.py [--model-dir DIR] [--rounds 3] [--isa native|avx2]

With the full-size random-weight SmolVLM-256M of ``bench_engine.py`` (cached) loaded by the
app's loader (int8), the app's describer writes a 48-token answer (forced to that length)
on the camera photo of ``bench_engine.py``, in turns: **plain** (no output-layer hook, the
plain streamer, as before confidence figures) and **scored** (the hook and the scored
streamer, with a listener, as the app runs now). Decoding speed is tokens per second from
the second token to the last; the table shows the median of each and the cost in percent.
On a busy machine that difference is mostly noise, so the scored runs also time the added
work itself, in place (the hook's copy of one row of scores, the log-sum-exp over it, the
report to the listener): its share of the decoding time (second token to last) is the
cost, whatever the load.
Writes benchmarks/results/bench_confidence.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402
import machine  # noqa: E402

RESULTS = HERE / "results"
TOKENS = 48


def _decode_rate(token_seconds: tuple[float, ...]) -> float:
    return (len(token_seconds) - 1) / (token_seconds[-1] - token_seconds[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=bench_engine.DEFAULT_MODEL_DIR)
    parser.add_argument("--rounds", type=int, default=3)
    machine.add_isa_argument(parser)
    args = parser.parse_args()
    machine.apply_isa(args.isa)
    bench_engine.ensure_model(args.model_dir, "256m")
    machine.flush_denormals()  # random weights make denormals; real ones do not

    from describe_app.core.describe import describer as protocol
    from describe_app.core.describe.local import vlm_describer
    from describe_app.core.describe.local.generation_controls import DeltaStreamer
    from describe_app.core.describe.local.token_scores import LogitsTap, ScoredStreamer
    from describe_app.core.describe.local.vlm_loader import load_vlm
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.pictures.images import picture_from_frame

    loaded = load_vlm(args.model_dir, name="SmolVLM-256M (random weights)")
    head = loaded.model.get_output_embeddings()
    picture = picture_from_frame(bench_engine.camera_frame())
    settings = protocol.GenerationSettings(min_new_tokens=TOKENS)
    heard: list[float] = []
    request = protocol.DescribeRequest(
        picture, PromptSpec(), max_new_tokens=TOKENS, on_confidence=heard.extend
    )

    spent: list[float] = []

    def timed(method: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*a, **k)
            finally:
                spent.append(time.perf_counter() - start)

        return wrapper

    LogitsTap._keep = timed(LogitsTap._keep)  # type: ignore[method-assign]
    LogitsTap.logprobs = timed(LogitsTap.logprobs)  # type: ignore[method-assign]
    ScoredStreamer._report = timed(ScoredStreamer._report)  # type: ignore[method-assign]
    shares: list[float] = []

    class PlainStreamer(DeltaStreamer):
        def __init__(self, *a: Any, tap: Any = None, on_confidence: Any = None, **k: Any) -> None:
            super().__init__(*a, **k)

    def run(scored: bool) -> float:
        head._forward_hooks.clear()  # no hook left from the other kind of run
        loaded.model.__dict__.pop("_describe_logits_tap", None)
        vlm_describer.ScoredStreamer = ScoredStreamer if scored else PlainStreamer  # type: ignore[misc]
        if not scored:
            loaded.model._describe_logits_tap = LogitsTap.__new__(LogitsTap)  # no hook
        describer = vlm_describer.VlmDescriber(loaded, settings, pictures_kept=0)
        spent.clear()
        stats = describer.describe(request, lambda _text: None, threading.Event())
        if scored:  # the added work's share of the decoding time (the first token's too)
            times = stats.token_seconds
            shares.append(100 * sum(spent) / (times[-1] - times[0]))
        return _decode_rate(stats.token_seconds)

    run(True)  # warm-up
    plain, scored = [], []
    for _ in range(args.rounds):
        plain.append(run(False))
        scored.append(run(True))
    vlm_describer.ScoredStreamer = ScoredStreamer  # type: ignore[misc]

    shares = shares[1:]  # not the warm-up
    result = machine.stamp(
        {
            "tokens": TOKENS,
            "plain_tok_s": plain,
            "scored_tok_s": scored,
            "plain_median": statistics.median(plain),
            "scored_median": statistics.median(scored),
            "cost_percent": 100 * (1 - statistics.median(scored) / statistics.median(plain)),
            "added_percent_in_place": shares,
            "added_percent_median": statistics.median(shares),
        }
    )
    print(f"{'decoding':<28}{'tok/s (median)':>16}")
    print(f"{'plain (no figures)':<28}{result['plain_median']:>16.1f}")
    print(f"{'scored (figures)':<28}{result['scored_median']:>16.1f}")
    print(f"cost: {result['cost_percent']:.1f} % of decoding speed (runs: {plain} / {scored})")
    share = result["added_percent_median"]
    print(f"added work, timed in place: {share:.2f} % of the decoding time")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_confidence.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
