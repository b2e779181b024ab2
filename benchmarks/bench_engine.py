"""Benchmark the describing engine on full-size, random-weight SmolVLM-256M and -500M.

Builds (once, cached) random-weight models with the exact dimensions of
SmolVLM-256M-Instruct and SmolVLM-500M-Instruct, stored in bfloat16 like the real
checkpoints, and measures on a 640x480 camera frame, forcing 60 new tokens:

    (a) app       Describe's configuration: the app's loader and describer
    (a') app-fp32 the same without int8 quantization (float32), to show what int8 buys
    (b) defaults  transformers' defaults: processor defaults (upscale to 2048 px, 13 tiles),
                  default load, full generation before any output

Each configuration runs in its own process (so peak RSS, the high-water mark of the
resident memory, is its own); with ``--rounds N`` the configurations take turns N times
and the table shows medians, so a figure taken while other programs used the CPU is
balanced by the others (the "other processes" row says how busy the machine was).
"First sentence" is the 12th new token (a typical first sentence; random weights never
end one). For (b) the first sentence is only available when generation ends.

"load" is a start with the int8 layers read back from disk (every start but the first after
a download: ``int8_store``), "load, first start" the first one, converting them (round 1
starts without them; the benchmark keeps its own data folder in ``benchmarks/.cache/data``).

This is the fresh path: a describer that remembers encoded pictures forgets them before
each request (``benchmarks/bench_window.py`` measures prepared pictures).
The stages of the app configuration: "vision" is the vision encoder and connector alone
(``get_image_features``), "prefill" the language model reading the prompt with the picture
(one forward pass, minus the vision part), then first token, first sentence and decoding
speed from a real ``describe()``. Denormal numbers are flushed (random weights make them).

    python benchmarks/bench_engine.py [--runs 3] [--rounds 1] [--model 256m,500m]
        [--configs app,app-fp32,defaults] [--isa avx2] [--busy]
    python benchmarks/bench_engine.py --model-family qwen3_vl --configs app

``--model-family F`` benchmarks another family of the ladder at its real size (random
weights from :mod:`describe_app.devtools.random_models`; ``smolvlm`` and ``smolvlm2`` take
``--model`` sizes (SmolVLM2 also ``2.2b``), the others their one size: Qwen3-VL 2B, Gemma 3 4B).

Prints a table and writes benchmarks/results/bench_engine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from machine import (  # noqa: E402
    add_isa_argument,
    apply_isa,
    flush_denormals,
    machine_info,
    machine_line,
)

RESULTS = HERE / "results"
CACHE = HERE / ".cache"
DATA = CACHE / "data"
DEFAULT_MODEL_DIR = CACHE / "smolvlm-256m-random-bf16"
NEW_TOKENS = 60
SENTENCE_TOKENS = 12


def camera_frame() -> Any:
    """A real photograph at 640x480, as OpenCV would deliver it (BGR)."""
    import cv2
    from skimage import data

    rgb = cv2.resize(data.astronaut(), (640, 480), interpolation=cv2.INTER_AREA)
    return rgb[:, :, ::-1].copy()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_app(model_dir: Path, runs: int, quantize: str = "auto") -> dict[str, Any]:
    import threading

    import torch

    from describe_app.core.describe.describer import DescribeRequest, GenerationSettings
    from describe_app.core.describe.local.int8_store import stored_file
    from describe_app.core.describe.local.model_calls import ModelCalls
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.pictures.images import picture_from_frame
    from describe_app.core.pictures.picture_check import check_picture

    kept = stored_file(model_dir)
    # None: no int8 layers (float32); False: converted (the first start after a download)
    read_back = kept is not None and kept.is_file() if quantize == "auto" else None
    loaded = load_vlm(
        model_dir,
        name=f"{model_dir.name} (random weights)",
        options=LoadOptions(quantize=quantize),
    )
    settings = GenerationSettings(min_new_tokens=NEW_TOKENS)
    describer = VlmDescriber(loaded, settings)
    calls = ModelCalls(loaded, settings)
    model = loaded.model
    frame = camera_frame()
    rows = []
    for _ in range(runs):
        t0 = time.perf_counter()
        picture = picture_from_frame(frame)
        check = check_picture(picture.image)
        request = DescribeRequest(picture, PromptSpec(), max_new_tokens=NEW_TOKENS)
        call = time.perf_counter() - t0
        inputs = describer.prepare_inputs(request)
        torch.set_num_threads(loaded.threads)
        with torch.inference_mode():
            v0 = time.perf_counter()
            calls.encode(inputs)
            vision = time.perf_counter() - v0
            p0 = time.perf_counter()
            model(**inputs, use_cache=True, logits_to_keep=1)
            prefill = time.perf_counter() - p0 - vision
        # the fresh path: a describer that remembers pictures must encode this one again
        forget = getattr(describer, "forget_pictures", None)
        if forget is not None:
            forget()
        stats = describer.describe(request, lambda _t: None, threading.Event())
        ticks = [call + s for s in stats.token_seconds]
        rows.append(
            {
                "check": check.seconds,
                "preprocess": call + stats.preprocess_seconds,
                "vision": vision,
                "prefill": prefill,
                "first_token": ticks[0],
                "first_sentence": ticks[SENTENCE_TOKENS - 1],
                "total": call + stats.total_seconds,
                "decode_tok_s": (len(ticks) - 1) / (ticks[-1] - ticks[0]),
                "new_tokens": stats.new_tokens,
                "image_tokens": int((inputs["input_ids"] == model.config.image_token_id).sum()),
                "prompt_tokens": int(inputs["input_ids"].shape[1]),
            }
        )
    return {
        "config": "app" if quantize == "auto" else f"app-{quantize}",
        "load": loaded.load_seconds,
        "int8_read_back": read_back,
        "import": loaded.import_seconds,
        "dtype": loaded.dtype,
        "threads": [loaded.threads, loaded.decode_threads],
        "runs": rows,
        "peak_rss_mb": peak_rss_mb(),
    }


class _TimingStreamer:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.ticks: list[float] = []
        self._prompt = True

    def put(self, value: Any) -> None:
        if self._prompt:
            self._prompt = False
            return
        self.ticks.extend([time.perf_counter() - self.start] * value.numel())

    def end(self) -> None:
        pass


def run_defaults(model_dir: Path, runs: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import torch
    from PIL import Image
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from transformers.utils import logging as hf_logging

    imported = time.perf_counter() - t0
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    t0 = time.perf_counter()
    processor = AutoProcessor.from_pretrained(model_dir)
    model = AutoModelForImageTextToText.from_pretrained(model_dir)
    load = time.perf_counter() - t0
    frame = camera_frame()
    messages = [
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Describe this."}]}
    ]
    rows = []
    for _ in range(runs):
        t0 = time.perf_counter()
        image = Image.fromarray(frame[:, :, ::-1].copy())
        prompt = processor.apply_chat_template(messages, add_generation_prompt=True)
        inputs = processor(text=prompt, images=[[image]], return_tensors="pt")
        preprocess = time.perf_counter() - t0
        streamer = _TimingStreamer()
        streamer.start = t0
        with torch.inference_mode():
            model.generate(
                **inputs,
                max_new_tokens=NEW_TOKENS,
                min_new_tokens=NEW_TOKENS,
                do_sample=False,
                streamer=streamer,
            )
        total = time.perf_counter() - t0
        ticks = streamer.ticks
        rows.append(
            {
                "preprocess": preprocess,
                "first_token": ticks[0],
                # nothing reaches the user before generate() returns
                "first_sentence": total,
                "total": total,
                "decode_tok_s": (len(ticks) - 1) / (ticks[-1] - ticks[0]),
                "new_tokens": len(ticks),
                "image_tokens": int((inputs["input_ids"] == model.config.image_token_id).sum()),
            }
        )
    return {
        "config": "defaults",
        "load": load,
        "import": imported,
        "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
        "runs": rows,
        "peak_rss_mb": peak_rss_mb(),
    }


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run_worker(
    config: str, model_dir: Path, runs: int, busy: bool = False, fresh: bool = False
) -> dict[str, Any]:
    """Run one configuration in a fresh process; add the machine's other CPU load.
    ``fresh``: as on the first start after a download (no int8 layers kept on disk)."""
    if fresh:
        shutil.rmtree(DATA / "converted", ignore_errors=True)
    hz = os.sysconf("SC_CLK_TCK")
    busy0, _ = cpu_jiffies()
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        config,
        "--model-dir",
        str(model_dir),
        "--runs",
        str(runs),
    ]
    # --busy: another program keeps one core busy, as a browser or a virus scan would
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        # measured before the hog is reaped, so its CPU counts as "other processes"
        wall = time.perf_counter() - wall0
        busy1, _ = cpu_jiffies()
        child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    if proc.returncode != 0:
        raise SystemExit(f"{config} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
    machine = (busy1 - busy0) / hz
    result["others_cpu_cores"] = max(0.0, (machine - ours) / wall)
    result["wall"] = wall
    return result


def model_dir_for(size: str, family: str = "smolvlm") -> Path:
    return CACHE / f"{family}-{size}-random-bf16"


def ensure_model(model_dir: Path, size: str, family: str = "smolvlm") -> None:
    """Build the random-weight model once (about 15 s for SmolVLM-256M, 25 s for 500M), in
    a process of its own: a worker started from a process that built a model in itself
    inherits its peak memory (Linux keeps the high-water mark across fork and exec), which
    showed SmolVLM-500M's peak as 2.3 GB instead of 1.1 GB."""
    if (model_dir / "config.json").is_file():
        return
    print(f"Building a random-weight {family} ({size}) in {model_dir} ...", flush=True)
    t0 = time.perf_counter()
    code = (
        "import sys; from pathlib import Path; "
        "from describe_app.devtools.random_models import build; "
        "build(sys.argv[1], Path(sys.argv[2]), sys.argv[3], dtype='bfloat16')"
    )
    subprocess.run(
        [sys.executable, "-c", code, family, str(model_dir), size],
        check=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(HERE.parent), os.environ.get("PYTHONPATH", "")) if p
            ),
        },
    )
    print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several processes of one configuration: runs chained, and the
    process-wide figures (load, import, peak RSS, other load) as medians."""
    merged = dict(rounds[0])
    merged["runs"] = [r for result in rounds for r in (result["runs"][1:] or result["runs"])]
    merged["runs"].insert(0, rounds[0]["runs"][0])  # the cold request stays first
    for key in ("import", "peak_rss_mb", "others_cpu_cores", "wall"):
        merged[key] = statistics.median(result[key] for result in rounds)
    # load: a start with the int8 layers read back from disk (every start but the first
    # after a download), and the first start, converting them, on its own row
    converting = [r["load"] for r in rounds if r.get("int8_read_back") is False]
    read_back = [r["load"] for r in rounds if r.get("int8_read_back") is not False] or converting
    merged["load"] = statistics.median(read_back)
    merged["load_converting"] = statistics.median(converting) if converting else float("nan")
    merged["rounds"] = len(rounds)
    return merged


def summarize(result: dict[str, Any]) -> dict[str, float]:
    runs = result["runs"]
    warm = runs[1:] or runs
    out = {
        k: statistics.median(r[k] for r in warm)
        for k in runs[0]
        if isinstance(runs[0][k], float | int)
    }
    out["first_sentence_cold"] = runs[0]["first_sentence"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="requests per process (the first one is cold)"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="processes per configuration, taking turns"
    )
    parser.add_argument("--defaults-runs", type=int, default=1)
    parser.add_argument("--model", default="256m", help="sizes: 256m, 500m or 256m,500m")
    parser.add_argument("--model-dir", type=Path, help="a model folder instead of --model")
    parser.add_argument(
        "--model-family", default="smolvlm", help="smolvlm, smolvlm2, qwen3_vl or gemma3"
    )
    parser.add_argument("--configs", default="app,app-fp32,defaults")
    parser.add_argument(
        "--busy", action="store_true", help="keep one core busy with another program meanwhile"
    )
    add_isa_argument(parser)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    apply_isa(args.isa)  # before torch: the workers inherit it
    os.environ["DESCRIBE_DATA_DIR"] = str(DATA)  # int8 layers kept here, not in the user's

    if args.worker:
        t0 = time.perf_counter()
        import torch  # noqa: F401  (timed here; transformers is timed by the loader)

        imported = time.perf_counter() - t0
        flush_denormals()  # random weights make denormals; real ones do not
        fn = {
            "app": run_app,
            "app-fp32": lambda d, r: run_app(d, r, quantize="none"),
            "defaults": run_defaults,
        }[args.worker]
        result = fn(args.model_dir, args.runs)
        result["import"] += imported  # torch here, transformers in the loader
        result["machine"] = machine_info()
        print(json.dumps(result))
        return 0

    if args.model_dir:
        models = {args.model_dir.name: args.model_dir}
    else:
        family = args.model_family
        sizes = args.model.split(",") if family in ("smolvlm", "smolvlm2") else ["full"]
        models = {f"{family} {size}": model_dir_for(size, family) for size in sizes}
        for size, folder in zip(sizes, models.values(), strict=True):
            ensure_model(folder, size, family)

    rounds: dict[str, list[dict[str, Any]]] = {}
    for round_no in range(args.rounds):
        for label, folder in models.items():
            for config in args.configs.split(","):
                runs = args.defaults_runs if config == "defaults" else args.runs
                key = f"{config} {label}" if len(models) > 1 else config
                print(f"Round {round_no + 1}: {key} ({runs} requests) ...", flush=True)
                result = run_worker(config, folder, runs, busy=args.busy, fresh=round_no == 0)
                rounds.setdefault(key, []).append(result)
    results = {key: merge_rounds(r) for key, r in rounds.items()}
    machine = results[next(iter(results))].get("machine") or machine_info()

    rows = [
        ("import torch+transformers (s)", "import", "{:.2f}"),
        ("load (s)", "load", "{:.2f}"),
        ("load, first start (s)", "load_converting", "{:.2f}"),
        ("preprocess (s)", "preprocess", "{:.3f}"),
        ("vision encoder+connector (s)", "vision", "{:.3f}"),
        ("prefill, language model (s)", "prefill", "{:.3f}"),
        ("first token (s)", "first_token", "{:.2f}"),
        ("first sentence (s)", "first_sentence", "{:.2f}"),
        ("first sentence, cold (s)", "first_sentence_cold", "{:.2f}"),
        ("60 tokens (s)", "total", "{:.2f}"),
        ("decode (tok/s)", "decode_tok_s", "{:.1f}"),
        ("image tokens", "image_tokens", "{:.0f}"),
        ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
        ("other processes (cores)", "others_cpu_cores", "{:.2f}"),
    ]
    summary = {
        c: {
            **summarize(r),
            "load": r["load"],
            "load_converting": r["load_converting"],
            "import": r["import"],
            "peak_rss_mb": r["peak_rss_mb"],
            "others_cpu_cores": r["others_cpu_cores"],
        }
        for c, r in results.items()
    }
    configs = list(results)
    print()
    print(f"{'':30s}" + "".join(f"{c + ' (' + results[c]['dtype'] + ')':>28s}" for c in configs))
    for label, key, fmt in rows:
        print(
            f"{label:30s}"
            + "".join(f"{fmt.format(summary[c].get(key, float('nan'))):>28s}" for c in configs)
        )
    if "app" in summary and "defaults" in summary:
        speedup = summary["defaults"]["first_sentence"] / summary["app"]["first_sentence"]
        print(f"\nfirst sentence: app is {speedup:.1f}x sooner than transformers' defaults")
    else:
        speedup = None
    print(machine_line(machine))
    print(f"load average {os.getloadavg()}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = (
        "bench_engine"
        + (f"_{args.model_family}" if args.model_family != "smolvlm" else "")
        + ("_busy" if args.busy else "")
        + (f"_{args.isa}" if args.isa != "native" else "")
    )
    out = RESULTS / f"{name}.json"
    out.write_text(
        json.dumps(
            {
                "new_tokens": NEW_TOKENS,
                "sentence_tokens": SENTENCE_TOKENS,
                "summary": summary,
                "speedup_first_sentence": speedup,
                "results": results,
                "machine": machine,
                "isa": args.isa,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
