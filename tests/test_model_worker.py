"""The model worker: one thread owns the model; latest request wins; clean shutdown."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from skimage import data

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import load_vlm
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    LoadFailed,
    Loading,
    ModelWorker,
    ReadTextJob,
    Ready,
    SentenceReady,
    Started,
    TextRead,
    WorkerEvent,
)
from describe_app.core.errors import ModelNotAvailableError
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT


class Events:
    def __init__(self) -> None:
        self.q: queue.Queue[WorkerEvent] = queue.Queue()
        self.seen: list[WorkerEvent] = []

    def __call__(self, event: WorkerEvent) -> None:
        self.q.put(event)

    def wait_for(self, kind: type, timeout: float = 60.0, job_id: int | None = None) -> WorkerEvent:
        deadline = time.monotonic() + timeout
        while True:
            event = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            self.seen.append(event)
            if isinstance(event, kind) and (
                job_id is None or getattr(event, "job_id", None) == job_id
            ):
                return event


@pytest.fixture(scope="module")
def photo() -> Picture:
    return picture_from_frame(data.astronaut()[:, :, ::-1].copy())


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def make_worker(events: Events) -> Iterator[object]:
    workers: list[ModelWorker] = []

    def make(model_dir: Path, delay: float = 0.0) -> ModelWorker:
        def factory() -> VlmDescriber:
            time.sleep(delay)
            return VlmDescriber(load_vlm(model_dir, name=model_dir.name))

        from describe_app.core.reading.ocr_reader import OcrReader

        worker = ModelWorker(factory, events, text_reader_factory=OcrReader)
        workers.append(worker)
        return worker

    yield make
    for w in workers:
        assert w.close(5.0)


def job(photo: Picture, tokens: int | None = None) -> DescribeJob:
    return DescribeJob(DescribeRequest(photo, PromptSpec(), max_new_tokens=tokens), check=False)


def test_request_while_loading_waits_then_runs(
    make_worker, events: Events, speaking_model_dir: Path, photo: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = make_worker(speaking_model_dir, delay=0.3)
    worker.start_loading()
    events.wait_for(Loading)
    job_id = worker.submit(job(photo))  # before the model is ready: queued, not refused
    ready = events.wait_for(Ready)
    assert isinstance(ready, Ready) and ready.model_name == speaking_model_dir.name
    finished = events.wait_for(Finished, job_id=job_id)
    assert isinstance(finished, Finished) and finished.result.text == DEFAULT_SCRIPT
    sentences = [e.sentence for e in events.seen if isinstance(e, SentenceReady)]
    assert len(sentences) == 3
    kinds = [type(e) for e in events.seen]
    assert kinds.index(Started) < kinds.index(SentenceReady) < kinds.index(Finished)


def test_latest_request_wins(
    make_worker, events: Events, tiny_model_dir: Path, photo: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = make_worker(tiny_model_dir)
    first = worker.submit(job(photo, tokens=3000))
    events.wait_for(Started, job_id=first)
    time.sleep(0.3)  # well into generation
    second = worker.submit(job(photo, tokens=3000))
    third = worker.submit(job(photo, tokens=5))  # replaces the second before it starts
    events.wait_for(Finished, job_id=third)
    cancelled = {e.job_id for e in events.seen if isinstance(e, Cancelled_)}
    assert cancelled == {first, second}
    assert not any(isinstance(e, Finished) and e.job_id != third for e in events.seen)


def test_escape_cancels_and_close_is_quick(
    make_worker, events: Events, tiny_model_dir: Path, photo: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = make_worker(tiny_model_dir)
    job_id = worker.submit(job(photo, tokens=3000))
    events.wait_for(Started, job_id=job_id)
    time.sleep(0.3)
    worker.cancel()
    events.wait_for(Cancelled_, job_id=job_id, timeout=5)
    # closing while generating ends within the shutdown budget
    busy = worker.submit(job(photo, tokens=3000))
    events.wait_for(Started, job_id=busy)
    time.sleep(0.2)
    t0 = time.perf_counter()
    assert worker.close(2.0)
    assert time.perf_counter() - t0 < 2.0
    with pytest.raises(RuntimeError):
        worker.submit(job(photo))


def test_load_failure_is_reported_and_requests_fail_cleanly(events: Events, photo: Picture) -> None:
    def factory() -> VlmDescriber:
        raise ModelNotAvailableError("SmolVLM-256M-Instruct is not on this computer yet.")

    worker = ModelWorker(factory, events)
    try:
        worker.start_loading()
        failed = events.wait_for(LoadFailed)
        assert isinstance(failed, LoadFailed) and "not on this computer" in failed.message
        job_id = worker.submit(job(photo))
        outcome = events.wait_for(Failed, job_id=job_id)
        assert isinstance(outcome, Failed) and "not on this computer" in outcome.message
    finally:
        assert worker.close()


def test_read_text_job(make_worker, events: Events, tiny_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.pictures.images import load_picture
    from describe_app.core.resources import resource_path

    worker = make_worker(tiny_model_dir)
    job_id = worker.submit(ReadTextJob(load_picture(resource_path("samples", "notice.jpg"))))
    read = events.wait_for(TextRead, job_id=job_id)
    assert isinstance(read, TextRead)
    assert read.lines[0].replace(" ", "") == "OPEN8TO6"
    assert not worker.is_ready  # reading text never loaded the vision model


@pytest.mark.allow_warning_logs
def test_a_broken_listener_does_not_kill_the_worker(
    tiny_model_dir: Path, photo: Picture, caplog: pytest.LogCaptureFixture
) -> None:
    done = threading.Event()

    def listener(event: WorkerEvent) -> None:
        if isinstance(event, Finished):
            done.set()
        raise ValueError("listener bug")

    worker = ModelWorker(lambda: VlmDescriber(load_vlm(tiny_model_dir)), listener)
    try:
        worker.submit(job(photo, tokens=3))
        assert done.wait(60)
    finally:
        assert worker.close()
    assert "event listener failed" in caplog.text


def test_a_reader_in_a_child_reads_and_ends_with_the_worker(events: Events) -> None:
    """The window's own process reads text in a child (as the app does with a server): the
    child reads the picture and is ended by the worker's close, even if never asked to."""
    import multiprocessing

    from describe_app.core.pictures.images import load_picture
    from describe_app.core.reading.text_reader_process import ChildTextReader
    from describe_app.core.resources import resource_path

    def no_model() -> VlmDescriber:
        raise ModelNotAvailableError("not needed")

    worker = ModelWorker(no_model, events, text_reader_factory=ChildTextReader)
    try:
        job_id = worker.submit(ReadTextJob(load_picture(resource_path("samples", "notice.jpg"))))
        read = events.wait_for(TextRead, job_id=job_id)
        assert isinstance(read, TextRead)
        assert read.lines[0].replace(" ", "") == "OPEN8TO6"
        assert multiprocessing.active_children()  # the reader's child
    finally:
        assert worker.close()
    deadline = time.monotonic() + 3.0
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
