"""Benchmark the remote path: Describe -> OpenAI-compatible server over loopback.

Serves a full-size SmolVLM-256M (the exact architecture and dimensions, built once and
cached) with ``transformers serve`` on 127.0.0.1 and measures, on a 640x480 camera frame:

    server    the server's own time to first token, seen by the thinnest client: the
              request body prepared beforehand, a fresh connection, bytes scanned for the
              first content chunk (no parsing, no picture work)
    remote    Describe's remote path: the picture check, JPEG + base64 encoding, the
              request, SSE parsing, text handed to the sentence splitter
    local     Describe's local path on the same model (int8 on the CPU), after the server
              has been stopped, so the two never share the cores
    overhead  what the remote path itself costs, measured against a local server that
              answers at once with the same three sentences (many pairs, so it is stable
              on a busy machine, where the paired real-server difference is not)

The model is the "speaking" variant of the random-weight model (random_smolvlm's
``script``): every layer is computed at full size as usual, but its weights make greedy
decoding say a fixed three-sentence answer, so the text is real text and "first sentence"
is the moment the app's own sentence splitter hands out the first sentence, on both paths.
(The plain random-weight model of bench_engine.py writes token ids its small tokenizer
cannot turn into text, so a server streams nothing.) Server and remote requests
alternate, so both see the same machine. Target: the remote path adds under 10% to the
server's own time to first token (the isolated overhead over the server's median).

    python benchmarks/bench_remote.py [--runs 5] [--server-dtype float32]

Prints a table and writes benchmarks/results/bench_remote.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from describe_app.devtools.transformers_serve import serve_command, serve_environment

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_MODEL_DIR = HERE / ".cache" / "smolvlm-256m-speaking-bf16"
TARGET_OVERHEAD = 0.10
_CONTENT = re.compile(rb'"content":\s*"[^"]')


def camera_frame() -> Any:
    """A real photograph at 640x480, as OpenCV would deliver it (BGR)."""
    import cv2
    from skimage import data

    rgb = cv2.resize(data.astronaut(), (640, 480), interpolation=cv2.INTER_AREA)
    return rgb[:, :, ::-1].copy()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(model_dir: Path, port: int, dtype: str, log_path: Path) -> subprocess.Popen[bytes]:
    env = serve_environment()
    command = serve_command(model_dir, port, dtype=dtype)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"transformers serve failed:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("transformers serve did not start within 300 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def raw_first_token(port: int, body: bytes) -> float:
    """Seconds from connecting to the first content byte, reading the stream to its end."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request(
        "POST",
        "/v1/chat/completions",
        body=body,
        headers={"Content-Type": "application/json", "Accept": "text/event-stream"},
    )
    response = conn.getresponse()
    seen = b""
    first: float | None = None
    while True:
        piece = response.read1(65536)
        if not piece:
            break
        if first is None:
            seen += piece
            if _CONTENT.search(seen):
                first = time.perf_counter() - start
    conn.close()
    if first is None:
        raise SystemExit("the server sent no text")
    return first


def timed_request(describer: Any, frame: Any) -> dict[str, float]:
    """One request through the app's pipeline, timed from the camera frame."""
    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.pipeline import run_request
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.pictures.images import picture_from_frame

    t0 = time.perf_counter()
    picture = picture_from_frame(frame)
    request = DescribeRequest(picture, PromptSpec())
    result = run_request(describer, request, requested_at=t0)
    if len(result.sentences) != 3:
        raise SystemExit(f"unexpected answer: {result.text!r}")
    t = result.timings
    return {
        "check": t["check"],
        "encode": t["preprocess"],
        "first_token": t["first_token"],
        "first_sentence": t["first_sentence"],
        "total": t["total"],
        "tokens": float(result.new_tokens),
        "load1": os.getloadavg()[0],  # other work on the machine shows here
    }


def measure_remote(port: int, runs: int) -> dict[str, Any]:
    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.describe.remote.remote_describer import RemoteDescriber, RemoteOptions
    from describe_app.core.pictures.images import picture_from_frame

    frame = camera_frame()
    rows: list[dict[str, float]] = []
    with RemoteDescriber(f"http://127.0.0.1:{port}", options=RemoteOptions(timeout=300)) as d:
        request = DescribeRequest(picture_from_frame(frame), PromptSpec())
        body = json.dumps(d.build_body(request)).encode()
        print("  warm-up request ...", flush=True)
        timed_request(d, frame)
        for i in range(runs):
            server_ttft = raw_first_token(port, body)
            row = {"server_first_token": server_ttft, **timed_request(d, frame)}
            rows.append(row)
            print(
                f"  run {i + 1}: server {server_ttft:.3f} s, remote {row['first_token']:.3f} s",
                flush=True,
            )
    return {"runs": rows, "request_bytes": len(body)}


def instant_server() -> tuple[Any, int]:
    """A server that reads the request, then streams the three sentences at once."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

    words = DEFAULT_SCRIPT.split(" ")
    pieces = [words[0]] + [" " + w for w in words[1:]]
    chunks = [{"choices": [{"delta": {"role": "assistant"}}]}]
    chunks += [{"choices": [{"delta": {"content": p}}]} for p in pieces]
    chunks += [{"choices": [{"delta": {}, "finish_reason": "stop"}]}]
    stream = b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(stream)))
            self.end_headers()
            self.wfile.write(stream)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def measure_overhead(pairs: int) -> dict[str, Any]:
    """The remote path's own cost: describer vs thinnest client against an instant server."""
    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.describe.remote.remote_describer import RemoteDescriber
    from describe_app.core.pictures.images import picture_from_frame

    server, port = instant_server()
    frame = camera_frame()
    picture = picture_from_frame(frame)
    request = DescribeRequest(picture, PromptSpec())
    raw: list[float] = []
    ours: list[float] = []
    try:
        with RemoteDescriber(f"http://127.0.0.1:{port}") as describer:
            body = json.dumps(describer.build_body(request)).encode()
            for i in range(pairs + 2):  # two warm-up pairs
                order = ("raw", "ours") if i % 2 else ("ours", "raw")
                for which in order:
                    if which == "raw":
                        value = raw_first_token(port, body)
                    else:
                        stats = describer.describe(request, lambda _t: None, threading.Event())
                        value = float(stats.first_token_seconds or 0.0)
                    if i >= 2:
                        (raw if which == "raw" else ours).append(value)
    finally:
        server.shutdown()
        server.server_close()
    diffs = [o - r for o, r in zip(ours, raw, strict=True)]
    return {
        "pairs": pairs,
        "raw_first_token": statistics.median(raw),
        "remote_first_token": statistics.median(ours),
        "overhead_s": statistics.median(diffs),
        "overhead_p90_s": sorted(diffs)[int(0.9 * (len(diffs) - 1))],
    }


def measure_local(model_dir: Path, runs: int) -> dict[str, Any]:
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import load_vlm

    loaded = load_vlm(model_dir, name="SmolVLM-256M (speaking weights)")
    describer = VlmDescriber(loaded)
    describer.warm_up()
    frame = camera_frame()
    rows = []
    for i in range(runs):
        rows.append(timed_request(describer, frame))
        print(f"  run {i + 1}: local {rows[-1]['first_token']:.3f} s", flush=True)
    return {"runs": rows, "dtype": loaded.dtype, "load": loaded.load_seconds}


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="measured requests per path")
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument(
        "--server-dtype",
        default="float32",
        help="the server's dtype (bfloat16 compute is slow on most CPUs)",
    )
    parser.add_argument("--skip-local", action="store_true")
    parser.add_argument("--pairs", type=int, default=40, help="pairs for the isolated overhead")
    args = parser.parse_args()

    if not (args.model_dir / "config.json").is_file():
        from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT, SMOLVLM_256M, build_model

        print(f"Building the speaking SmolVLM-256M in {args.model_dir} ...", flush=True)
        build_model(args.model_dir, SMOLVLM_256M, script=DEFAULT_SCRIPT, dtype="bfloat16")

    load_before = os.getloadavg()
    print(f"Remote path's own cost against an instant server ({args.pairs} pairs) ...", flush=True)
    isolated = measure_overhead(args.pairs)
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "bench_remote_server.log"
    print(f"Starting transformers serve ({args.server_dtype}) on 127.0.0.1:{port} ...", flush=True)
    t0 = time.perf_counter()
    server = start_server(args.model_dir, port, args.server_dtype, log_path)
    server_start = time.perf_counter() - t0
    try:
        print(f"  ready after {server_start:.1f} s; {args.runs} requests each way", flush=True)
        remote = measure_remote(port, args.runs)
    finally:
        stop_server(server)
    log_path.unlink(missing_ok=True)
    local = None
    if not args.skip_local:
        print("Local path ...", flush=True)
        local = measure_local(args.model_dir, args.runs)

    r = remote["runs"]
    server_ttft = median(r, "server_first_token")
    remote_ttft = median(r, "first_token")
    paired = statistics.median(row["first_token"] - row["server_first_token"] for row in r)
    overhead = isolated["overhead_s"]
    summary: dict[str, Any] = {
        "server_first_token": server_ttft,
        "remote_first_token": remote_ttft,
        "paired_difference_s": paired,
        "remote_overhead_s": overhead,
        "remote_overhead_p90_s": isolated["overhead_p90_s"],
        "remote_overhead_fraction": overhead / server_ttft,
        "remote_encode": median(r, "encode"),
        "remote_first_sentence": median(r, "first_sentence"),
        "remote_total": median(r, "total"),
        "remote_load1": median(r, "load1"),
        "server_first_token_best": min(row["server_first_token"] for row in r),
        "remote_first_token_best": min(row["first_token"] for row in r),
        "remote_first_sentence_best": min(row["first_sentence"] for row in r),
        "target_met": overhead / server_ttft < TARGET_OVERHEAD,
        "server_start_s": server_start,
    }
    if local is not None:
        summary.update(
            {
                "local_first_token": median(local["runs"], "first_token"),
                "local_first_sentence": median(local["runs"], "first_sentence"),
                "local_total": median(local["runs"], "total"),
                "local_load1": median(local["runs"], "load1"),
                "local_first_token_best": min(row["first_token"] for row in local["runs"]),
                "local_first_sentence_best": min(row["first_sentence"] for row in local["runs"]),
                "local_encode": median(local["runs"], "encode"),
                "local_dtype": local["dtype"],
            }
        )

    nan = float("nan")
    print()
    heading = f"median of {args.runs} runs (s)"
    print(f"{heading:34s}" + "".join(f"{c:>10s}" for c in ("server", "remote", "local")))
    table = [
        ("picture work before sending", None, "remote_encode", "local_encode"),
        ("first token", "server_first_token", "remote_first_token", "local_first_token"),
        ("first sentence", None, "remote_first_sentence", "local_first_sentence"),
        (
            "first token, best run",
            "server_first_token_best",
            "remote_first_token_best",
            "local_first_token_best",
        ),
        (
            "first sentence, best run",
            None,
            "remote_first_sentence_best",
            "local_first_sentence_best",
        ),
        ("whole answer (21 tokens)", None, "remote_total", "local_total"),
        ("load average during the runs", None, "remote_load1", "local_load1"),
    ]
    for label, *keys in table:
        cells = [f"{summary.get(k, nan):10.3f}" if k else f"{'':>10s}" for k in keys]
        print(f"{label:34s}" + "".join(cells))
    verdict = "met" if summary["target_met"] else "NOT met"
    print(
        f"\nremote path's own cost: {overhead * 1000:.1f} ms (90th percentile "
        f"{isolated['overhead_p90_s'] * 1000:.1f} ms, {args.pairs} pairs against an instant "
        f"server) = {100 * overhead / server_ttft:.2f}% of the server's own first token; "
        f"target < {TARGET_OVERHEAD:.0%}: {verdict}"
    )
    print(
        f"paired on the real server: remote - server = {paired * 1000:+.0f} ms "
        "(median; noisy when other processes share the cores)"
    )
    print(
        f"server: transformers serve, {args.server_dtype}; local: Describe's loader "
        f"({summary.get('local_dtype', '-')}); request {remote['request_bytes'] / 1024:.0f} KB"
    )
    load_after = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load {load_before} -> {load_after}"
    )
    from machine import machine_info, machine_line

    machine = machine_info()
    print(machine_line(machine))
    out = RESULTS / "bench_remote.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "model": str(args.model_dir),
                "server_dtype": args.server_dtype,
                "summary": summary,
                "remote": remote,
                "isolated_overhead": isolated,
                "local": local,
                "cpus": os.cpu_count(),
                "load_average": [load_before, load_after],
                "python": platform.python_version(),
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
