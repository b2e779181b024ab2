"""The model worker in its own process: same events, latest request wins, clean close."""

from __future__ import annotations

import os
import queue
import threading
import time
from pathlib import Path

import pytest
from skimage import data

from describe_app.core.below_the_desktop import MODEL_NICE
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local.model_process import LocalModelRecipe, ProcessModelWorker
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Finished,
    LoadFailed,
    Ready,
    SentenceReady,
    Started,
    WorkerEvent,
)
from describe_app.core.pictures.images import picture_from_frame
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

pytestmark = pytest.mark.slow  # model child processes


def _collect() -> tuple[queue.Queue[WorkerEvent], list[WorkerEvent]]:
    return queue.Queue(), []


def _wait(
    q: queue.Queue[WorkerEvent],
    seen: list[WorkerEvent],
    kind: type,
    job_id: int | None = None,
    timeout: float = 90,
) -> WorkerEvent:
    deadline = time.monotonic() + timeout
    while True:
        event = q.get(timeout=max(0.01, deadline - time.monotonic()))
        seen.append(event)
        if isinstance(event, kind) and (job_id is None or getattr(event, "job_id", None) == job_id):
            return event


def _job(tokens: int | None = None) -> DescribeJob:
    picture = picture_from_frame(data.astronaut()[:, :, ::-1].copy())
    return DescribeJob(DescribeRequest(picture, PromptSpec(), max_new_tokens=tokens), check=False)


def test_describes_in_a_child_process(speaking_model_dir: Path, tiny_model_dir: Path) -> None:
    q, seen = _collect()
    worker = ProcessModelWorker(LocalModelRecipe(str(speaking_model_dir)), q.put)
    try:
        first = worker.submit(_job())  # queued while the child starts and loads
        ready = _wait(q, seen, Ready)
        assert isinstance(ready, Ready) and ready.model_name == speaking_model_dir.name
        done = _wait(q, seen, Finished, job_id=first)
        assert isinstance(done, Finished) and done.result.text == DEFAULT_SCRIPT
        assert worker.is_ready
        sentences = [e for e in seen if isinstance(e, SentenceReady) and e.job_id == first]
        assert len(sentences) == 3
    finally:
        t0 = time.perf_counter()
        assert worker.close(3.0)
        assert time.perf_counter() - t0 < 3.0


def _nice_of_each_thread(pid: int) -> set[int]:
    import psutil

    return {os.getpriority(os.PRIO_PROCESS, t.id) for t in psutil.Process(pid).threads()}


def test_latest_wins_and_close_while_generating(tiny_model_dir: Path) -> None:
    q, seen = _collect()
    worker = ProcessModelWorker(LocalModelRecipe(str(tiny_model_dir)), q.put)
    try:
        first = worker.submit(_job(tokens=5000))
        _wait(q, seen, Started, job_id=first)
        time.sleep(0.3)
        second = worker.submit(_job(tokens=5000))
        _wait(q, seen, Cancelled_, job_id=first, timeout=10)
        _wait(q, seen, Started, job_id=second)
        time.sleep(0.3)
        # the model yields the CPU to the user's programs, in every thread it runs
        assert worker.pid is not None
        assert _nice_of_each_thread(worker.pid) == {max(MODEL_NICE, os.nice(0))}
    finally:
        t0 = time.perf_counter()
        assert worker.close(2.0)  # closing while generating ends in time
        assert time.perf_counter() - t0 < 2.0
    with pytest.raises(RuntimeError):
        worker.submit(_job())


def test_load_failure_reaches_the_parent(tmp_path: Path) -> None:
    q, seen = _collect()
    worker = ProcessModelWorker(LocalModelRecipe(str(tmp_path / "no-such-model")), q.put)
    try:
        worker.start_loading()
        failed = _wait(q, seen, LoadFailed)
        assert isinstance(failed, LoadFailed)
        assert "no-such-model" in failed.message
    finally:
        assert worker.close(3.0)


def test_loading_in_the_child_does_not_stall_this_process(speaking_model_dir: Path) -> None:
    """The reason it exists: importing torch and loading never hold *our* interpreter."""
    gaps: list[float] = []
    stop = threading.Event()

    def heartbeat() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = threading.Thread(target=heartbeat, name="heartbeat")
    beat.start()
    q, seen = _collect()
    worker = ProcessModelWorker(LocalModelRecipe(str(speaking_model_dir)), q.put)
    try:
        job_id = worker.submit(_job())
        _wait(q, seen, Finished, job_id=job_id)
    finally:
        worker.close(3.0)
        stop.set()
        beat.join()
    assert max(gaps) < 0.05, f"worst gap {max(gaps) * 1000:.0f} ms"
