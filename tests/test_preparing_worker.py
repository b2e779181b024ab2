"""The model worker's work ahead of the user: a request of the user's always comes first,
a preparation goes on afterwards and is never answered aloud, a newer one replaces one
waiting, none runs twice; the same across the model's process, where a crash during a
preparation blames no picture and is not sent again.

Real parts: tiny random-weight models through the app's loader; a pre-hook on the vision
encoder's first layer holds a preparation at a known point.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from skimage import data

from describe_app.core.describe.describer import (
    Describer,
    DescribeRequest,
    GenerationStats,
    PreparedWork,
    Preparer,
)
from describe_app.core.describe.fallback import FallbackDescriber
from describe_app.core.describe.local.model_process import LocalModelRecipe, ProcessModelWorker
from describe_app.core.describe.local.supervisor import restarting_sentence
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    ModelStopped,
    ModelWorker,
    Prepared,
    PrepareJob,
    Ready,
    SentenceReady,
    Started,
    WorkerEvent,
)
from describe_app.core.errors import Cancelled
from describe_app.core.pictures.images import Picture
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests import preparation_fixtures
from tests.preparation_fixtures import VisionCalls, fresh_answer, picture
from tests.test_model_worker import Events

rambling = preparation_fixtures.rambling
astronaut = preparation_fixtures.astronaut
coffee = preparation_fixtures.coffee
rambling_vision = preparation_fixtures.rambling_vision


# --- the worker: the user comes first ---------------------------------------------------------


class Hold:
    """Holds the first run of the vision encoder's first layer until released, and counts
    the runs the encoder started (finished or not)."""

    def __init__(self, loaded: LoadedVLM) -> None:
        self.runs = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        layer = loaded.model.model.vision_model.encoder.layers[0]
        self._handle = layer.register_forward_pre_hook(self._hold)

    def _hold(self, *_args: object) -> None:
        self.runs += 1
        if not self.entered.is_set():
            self.entered.set()
            self.release.wait(30)

    def remove(self) -> None:
        self.release.set()
        self._handle.remove()


@pytest.fixture
def worker_for(events: Events) -> Iterator[object]:
    workers: list[ModelWorker] = []

    def make(loaded: LoadedVLM) -> ModelWorker:
        """A worker with its model loaded and warmed up (the warm-up runs the encoder)."""
        worker = ModelWorker(lambda: VlmDescriber(loaded), events)
        workers.append(worker)
        worker.start_loading()
        events.wait_for(Ready)
        return worker

    yield make
    for worker in workers:
        assert worker.close(5.0)


@pytest.fixture
def events() -> Events:
    return Events()


def _user_job(picture: Picture, tokens: int = 12) -> DescribeJob:
    return DescribeJob(DescribeRequest(picture, PromptSpec(), max_new_tokens=tokens), check=False)


def _only_the_users(events: Events, job_ids: set[int]) -> None:
    """No preparation is ever answered aloud: every spoken event belongs to a user's job."""
    for event in events.seen:
        if isinstance(event, Started | SentenceReady | Finished | Failed):
            assert event.job_id in job_ids, event


def _during_a_preparation(
    worker: ModelWorker, events: Events, loaded: LoadedVLM, prepared: Picture, job: DescribeJob
) -> tuple[Hold, int]:
    """Submit ``job`` while the preparation of ``prepared`` is held inside the vision
    encoder; wait until both have ended. The hold (its count of the encoder's runs) and the
    job's id."""
    hold = Hold(loaded)
    try:
        worker.prepare(PrepareJob(prepared))
        assert hold.entered.wait(30)  # the preparation is inside the vision encoder
        job_id = worker.submit(job)
        hold.release.set()
        events.wait_for(Finished, job_id=job_id)
        if not any(isinstance(e, Prepared) for e in events.seen):
            events.wait_for(Prepared)
    finally:
        hold.remove()
    return hold, job_id


def test_a_request_during_a_preparation_is_answered_first(
    worker_for, events: Events, rambling: LoadedVLM, astronaut: Picture, coffee: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = worker_for(rambling)
    hold, job_id = _during_a_preparation(worker, events, rambling, astronaut, _user_job(coffee))
    prepared = next(e for e in events.seen if isinstance(e, Prepared))
    kinds = [type(e) for e in events.seen]
    assert kinds.index(Started) < kinds.index(Finished) < kinds.index(Prepared)
    assert hold.runs == 3  # the preparation, stopped; the request; the preparation again
    assert isinstance(prepared, Prepared) and prepared.source == "astronaut"
    assert not prepared.reused and prepared.seconds > 0 and prepared.cpu_seconds > 0
    _only_the_users(events, {job_id})


@pytest.mark.parametrize("copied", [False, True], ids=["same object", "a copy"])
def test_a_request_for_the_picture_being_prepared_uses_its_encoding(
    worker_for,
    events: Events,
    rambling: LoadedVLM,
    rambling_vision: VisionCalls,
    astronaut: Picture,
    copied: bool,
) -> None:  # type: ignore[no-untyped-def]
    # in the model process every job arrives as a copy: the request's picture is another
    # object than the preparation's, with the same pixels
    asked = pickle.loads(pickle.dumps(astronaut)) if copied else astronaut
    fresh = fresh_answer(rambling, _user_job(astronaut).request)
    worker = worker_for(rambling)
    count = rambling_vision.count
    hold = Hold(rambling)
    try:
        worker.prepare(PrepareJob(astronaut))
        assert hold.entered.wait(30)
        job_id = worker.submit(_user_job(asked))  # Space on the view being prepared
        hold.release.set()
        finished = events.wait_for(Finished, job_id=job_id)
        events.wait_for(Prepared)
    finally:
        hold.remove()
    assert isinstance(finished, Finished) and finished.result.text == fresh.strip()
    assert rambling_vision.count == count + 1  # encoded once, by the preparation
    assert hold.runs == 1  # the request did not start the encoder again: it waited for it
    kinds = [type(e) for e in events.seen]
    assert kinds.index(Finished) < kinds.index(Prepared)
    _only_the_users(events, {job_id})


def test_a_newer_preparation_replaces_a_waiting_one_and_none_runs_twice(
    worker_for,
    events: Events,
    rambling: LoadedVLM,
    rambling_vision: VisionCalls,
    astronaut: Picture,
    coffee: Picture,
) -> None:  # type: ignore[no-untyped-def]
    worker = worker_for(rambling)
    busy = worker.submit(_user_job(astronaut, tokens=3000))
    events.wait_for(Started, job_id=busy)
    worker.prepare(PrepareJob(astronaut))  # waits: a request of the user's runs
    worker.prepare(PrepareJob(coffee))  # the view changed: this one replaces it
    worker.cancel()
    first = events.wait_for(Prepared)
    assert isinstance(first, Prepared) and first.source == "coffee" and not first.reused
    count = rambling_vision.count
    again = PrepareJob(picture(data.coffee(), "coffee again"))  # the same pixels
    worker.prepare(again)
    second = events.wait_for(Prepared)
    assert isinstance(second, Prepared) and second.reused and second.source == "coffee again"
    assert second.first_sentence == first.first_sentence
    assert rambling_vision.count == count  # nothing was done
    quick = worker.submit(_user_job(coffee, tokens=2))
    events.wait_for(Finished, job_id=quick)
    assert [e.source for e in events.seen if isinstance(e, Prepared)] == ["coffee", "coffee again"]
    _only_the_users(events, {busy, quick})


def _background_job(picture: Picture, tokens: int = 12) -> DescribeJob:
    """A job the app asks for on its own (a part of a picture explored ahead)."""
    request = DescribeRequest(picture, PromptSpec(), max_new_tokens=tokens, remember=False)
    return DescribeJob(request, check=False, background=True)


def test_a_background_job_waits_for_a_preparation_instead_of_stopping_it(
    worker_for, events: Events, rambling: LoadedVLM, astronaut: Picture, coffee: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = worker_for(rambling)
    job = _background_job(coffee)
    hold, _job_id = _during_a_preparation(worker, events, rambling, astronaut, job)
    kinds = [type(e) for e in events.seen]
    assert kinds.index(Prepared) < kinds.index(Started) < kinds.index(Finished)
    assert hold.runs == 2  # the preparation once, never stopped; then the job
    assert not any(isinstance(e, Cancelled_) for e in events.seen)


def test_a_preparation_sets_a_running_background_job_aside_and_it_runs_again(
    worker_for, events: Events, rambling: LoadedVLM, astronaut: Picture, coffee: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = worker_for(rambling)
    hold = Hold(rambling)
    try:
        job_id = worker.submit(_background_job(coffee))
        assert hold.entered.wait(30)  # the job is inside the vision encoder
        worker.prepare(PrepareJob(astronaut))  # a new view settled: it goes first
        hold.release.set()
        finished = events.wait_for(Finished, job_id=job_id)
    finally:
        hold.remove()
    kinds = [type(e) for e in events.seen]
    assert kinds.index(Prepared) < kinds.index(Finished)
    assert hold.runs == 3  # the job, set aside; the preparation; the job again
    assert isinstance(finished, Finished) and finished.result.text
    assert not any(isinstance(e, Cancelled_) for e in events.seen)  # its asker hears nothing
    # a request of the user's still stops a background job at once: latest wins
    slow = worker.submit(_background_job(coffee, tokens=3000))
    events.wait_for(Started, job_id=slow)
    users = worker.submit(_user_job(astronaut, tokens=2))
    events.wait_for(Finished, job_id=users)
    assert any(isinstance(e, Cancelled_) and e.job_id == slow for e in events.seen)


def test_stop_preparing_drops_the_work(
    worker_for, events: Events, rambling: LoadedVLM, astronaut: Picture
) -> None:  # type: ignore[no-untyped-def]
    worker = worker_for(rambling)
    hold = Hold(rambling)
    try:
        worker.prepare(PrepareJob(astronaut))
        assert hold.entered.wait(30)
        worker.stop_preparing()  # the camera was turned off
        hold.release.set()
        job_id = worker.submit(_user_job(astronaut, tokens=2))
        events.wait_for(Finished, job_id=job_id)
        time.sleep(0.2)  # a preparation put back would run now
    finally:
        hold.remove()
    while not events.q.empty():
        events.seen.append(events.q.get())
    assert not any(isinstance(e, Prepared) for e in events.seen)


class _ServerLike:
    """A describer that cannot prepare (as a server): counts what it is asked."""

    model_name = "server"

    def __init__(self) -> None:
        self.pictures: list[str] = []

    def describe(self, request, on_text, cancel):  # type: ignore[no-untyped-def]
        self.pictures.append(request.picture.source)
        on_text("A room.")
        return GenerationStats(1, 0.0, 0.0, 0.0, cancelled=False)


def test_a_describer_that_cannot_prepare_is_never_sent_a_picture_in_the_background(
    events: Events, astronaut: Picture, coffee: Picture
) -> None:
    server = _ServerLike()
    assert not isinstance(server, Preparer)
    assert not isinstance(FallbackDescriber(server, lambda: server), Preparer)
    worker = ModelWorker(lambda: server, events)
    try:
        worker.prepare(PrepareJob(astronaut))  # before it is loaded: waits, then dropped
        worker.start_loading()
        job_id = worker.submit(_user_job(coffee))
        events.wait_for(Finished, job_id=job_id)
        worker.prepare(PrepareJob(astronaut))  # loaded: ignored at once
        again = worker.submit(_user_job(coffee))
        events.wait_for(Finished, job_id=again)
    finally:
        assert worker.close()
    assert server.pictures == ["coffee", "coffee"]
    assert not any(isinstance(e, Prepared) for e in events.seen)


# --- across the process ---------------------------------------------------------------------


def _wait_in(q: queue.Queue[WorkerEvent], seen: list[WorkerEvent], kind: type) -> WorkerEvent:
    deadline = time.monotonic() + 90
    while True:
        event = q.get(timeout=max(0.01, deadline - time.monotonic()))
        seen.append(event)
        if isinstance(event, kind):
            return event


@pytest.mark.slow
def test_the_model_process_prepares_once_and_answers_from_it(speaking_model_dir: Path) -> None:
    q: queue.Queue[WorkerEvent] = queue.Queue()
    seen: list[WorkerEvent] = []
    worker = ProcessModelWorker(LocalModelRecipe(str(speaking_model_dir)), q.put)
    photo = picture(data.astronaut(), "astronaut")
    try:
        worker.start_loading()
        _wait_in(q, seen, Ready)
        worker.prepare(PrepareJob(photo))
        first = _wait_in(q, seen, Prepared)
        assert isinstance(first, Prepared) and not first.reused
        assert first.first_sentence == DEFAULT_SENTENCES[0] and first.source == "astronaut"
        worker.prepare(PrepareJob(photo))
        again = _wait_in(q, seen, Prepared)
        assert isinstance(again, Prepared) and again.reused
        job_id = worker.submit(DescribeJob(DescribeRequest(photo, PromptSpec()), check=False))
        done = _wait_in(q, seen, Finished)
    finally:
        assert worker.close(3.0)
    assert isinstance(done, Finished) and done.result.text == " ".join(DEFAULT_SENTENCES)
    assert [e.sentence for e in seen if isinstance(e, SentenceReady)] == list(DEFAULT_SENTENCES)
    assert [e.job_id for e in seen if isinstance(e, Started)] == [job_id]


class _SlowPreparing:
    """The local model, with a preparation that takes half a minute (giving way at once)."""

    def __init__(self, describer: Describer) -> None:
        self._describer = describer
        self.model_name = describer.model_name

    def describe(self, request, on_text, cancel):  # type: ignore[no-untyped-def]
        return self._describer.describe(request, on_text, cancel)

    def prepare(self, request, cancel, *, first_sentence=True, after_vision=None):  # type: ignore[no-untyped-def]
        if cancel.wait(30):
            raise Cancelled
        return PreparedWork(first_sentence=None, reused=False)


@dataclass(frozen=True)
class SlowPreparingRecipe(LocalModelRecipe):
    def __call__(self, report=None):  # type: ignore[no-untyped-def]
        return _SlowPreparing(super().__call__(report))


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the crash is logged as an error
def test_a_crash_while_preparing_restarts_and_blames_nothing(tiny_model_dir: Path) -> None:
    q: queue.Queue[WorkerEvent] = queue.Queue()
    seen: list[WorkerEvent] = []
    worker = ProcessModelWorker(SlowPreparingRecipe(str(tiny_model_dir)), q.put)
    try:
        worker.start_loading()
        _wait_in(q, seen, Ready)
        worker.prepare(PrepareJob(picture(data.astronaut(), "astronaut")))
        deadline = time.monotonic() + 30
        while not (worker._child is not None and worker._child.preparing):
            assert time.monotonic() < deadline, "the preparation never started"
            time.sleep(0.02)
        pid = worker.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        stopped = _wait_in(q, seen, ModelStopped)
        assert isinstance(stopped, ModelStopped) and stopped.restarting
        assert stopped.message == restarting_sentence()
        _wait_in(q, seen, Ready)
        time.sleep(1.0)  # a preparation sent again would be running by now
        assert worker._child is not None and not worker._child.preparing
        job_id = worker.submit(_user_job(picture(data.coffee(), "coffee"), tokens=3))
        _wait_in(q, seen, Finished)
    finally:
        assert worker.close(3.0)
    assert not any(isinstance(e, Prepared | Failed | Cancelled_) for e in seen)
    assert [e.job_id for e in seen if isinstance(e, Started)] == [job_id]


def test_one_picture_is_its_copies_and_no_other() -> None:
    from PIL import Image

    from describe_app.core.describe.preparation_queue import same_picture

    image = Image.new("RGB", (64, 48), (90, 120, 200))
    one = Picture(image, "camera", image.size, from_camera=True)
    assert same_picture(one, one)
    assert same_picture(one, pickle.loads(pickle.dumps(one)))
    changed = image.copy()
    changed.putpixel((10, 10), (91, 120, 200))  # one pixel
    assert not same_picture(one, Picture(changed, "camera", image.size, from_camera=True))
    assert not same_picture(one, Picture(image.copy(), "photo.jpg", image.size))
