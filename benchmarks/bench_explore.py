"""Exploring a picture: how long its parts take, and what they cost a request made meanwhile.

    python benchmarks/bench_explore.py [--model-dir DIR]

With the full-size random-weight SmolVLM-256M of ``bench_engine.py`` (cached), the app's
loader and describer, and the real :class:`ModelWorker` (latest request wins), on the
640x480 camera photo of ``bench_engine.py``:

1. **Parts**: the nine 3 x 3 parts described one after another, as the window does in the
   background (the same crops, prompt and 40-token limit), each timed; "first part" is
   how long the user waits for the part under the cursor when exploring at once.
2. **A request made while a part is being described**: a brief description of the whole
   picture (40 tokens) is submitted at a random moment while a part is in progress; the
   time from the submit to its end is compared with the same request on an idle worker.
   The difference is what the background work costs the user (the part's prompt is read
   in one step that cannot be stopped half way; decoding stops within one token).

Generation is forced to its token limit (random weights never stop on their own), so
these are worst cases: real parts end sooner. Prints a table and writes
benchmarks/results/bench_explore.json.
"""

from __future__ import annotations

import argparse
import json
import random
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

RESULTS = HERE / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=bench_engine.DEFAULT_MODEL_DIR)
    parser.add_argument("--interrupts", type=int, default=6)
    args = parser.parse_args()

    from describe_app.core.describe.describer import DescribeRequest, GenerationSettings
    from describe_app.core.describe.explore import REGION_TOKENS, region_prompt
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import load_vlm
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.describe.worker import (
        DescribeJob,
        Finished,
        ModelWorker,
        Started,
        WorkerEvent,
    )
    from describe_app.core.pictures.images import picture_from_frame
    from describe_app.core.pictures.picture_regions import Grid, cell_name, crop_cell

    picture = picture_from_frame(bench_engine.camera_frame())
    grid = Grid()

    def factory() -> Any:
        loaded = load_vlm(args.model_dir, name="SmolVLM-256M (random weights)")
        # forced to the limit, and one "sentence" per token, so the first token is seen
        return VlmDescriber(loaded, GenerationSettings(min_new_tokens=REGION_TOKENS))

    events: list[tuple[float, WorkerEvent]] = []
    arrived = threading.Condition()

    def on_event(event: WorkerEvent) -> None:
        with arrived:
            events.append((time.perf_counter(), event))
            arrived.notify_all()

    def wait_for(predicate: Any, timeout: float = 300.0) -> tuple[float, WorkerEvent]:
        deadline = time.monotonic() + timeout
        with arrived:
            while True:
                for item in events:
                    if predicate(item[1]):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no such event")
                arrived.wait(left)

    worker = ModelWorker(factory, on_event)
    try:
        worker.start_loading()
        wait_for(lambda e: type(e).__name__ == "Ready")

        def part_job(index: int) -> DescribeJob:
            cell = grid.cells()[index]
            part = crop_cell(picture, grid, cell)
            prompt = region_prompt(cell_name(grid, cell, translated=False), None)
            return DescribeJob(
                DescribeRequest(part, prompt, max_new_tokens=REGION_TOKENS), check=False
            )

        part_seconds = []
        for index in range(9):
            t0 = time.perf_counter()
            job_id = worker.submit(part_job(index))
            t1, _ = wait_for(lambda e, j=job_id: isinstance(e, Finished) and e.job_id == j)
            part_seconds.append(t1 - t0)

        whole = DescribeJob(
            DescribeRequest(picture, PromptSpec(), max_new_tokens=REGION_TOKENS), check=False
        )

        def done_after(submit_at: float, job_id: int) -> float:
            t, _ = wait_for(lambda e: isinstance(e, Finished) and e.job_id == job_id)
            return t - submit_at

        idle = []
        for _ in range(3):
            t0 = time.perf_counter()
            idle.append(done_after(t0, worker.submit(whole)))

        rng = random.Random(1)
        busy = []
        for n in range(args.interrupts):
            part_id = worker.submit(part_job(n % 9))
            wait_for(lambda e, j=part_id: isinstance(e, Started) and e.job_id == j)
            time.sleep(rng.uniform(0.0, 0.8))
            t0 = time.perf_counter()
            busy.append(done_after(t0, worker.submit(whole)))
    finally:
        worker.close(5.0)

    result = {
        "part_seconds": part_seconds,
        "first_part_s": part_seconds[0],
        "all_parts_s": sum(part_seconds),
        "idle_request_s": idle,
        "during_part_request_s": busy,
        "region_tokens": REGION_TOKENS,
    }
    print(f"{'':<44}{'median':>8}{'worst':>8}")
    rows = [
        ("one part (40 tokens, forced)", part_seconds),
        ("a description, model idle", idle),
        ("the same, asked during a part", busy),
    ]
    for label, values in rows:
        print(f"{label:<44}{statistics.median(values):>7.2f}s{max(values):>7.2f}s")
    print(f"all nine parts: {sum(part_seconds):.1f} s")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_explore.json"
    from machine import stamp

    out.write_text(json.dumps(stamp(result), indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
