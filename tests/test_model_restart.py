"""A model process that dies is noticed, said, started again, and given its job again."""

from __future__ import annotations

import os
import queue
import signal
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from skimage import data

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local.model_process import LocalModelRecipe, ProcessModelWorker
from describe_app.core.describe.local.supervisor import (
    Supervision,
    job_failed_sentence,
    keeps_stopping_sentence,
    restarting_sentence,
)
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    ModelStopped,
    Ready,
    Started,
    WorkerEvent,
)
from describe_app.core.diagnostics.restarts import RestartBudget
from describe_app.core.pictures.images import picture_from_frame
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from describe_app.qt.main_window import MainWindow
from describe_app.qt.photo_input import load_photos
from tests import qt_fixtures

TIMEOUT_S = 90
RESTARTING = "The describer stopped; starting it again."

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _job(tokens: int | None = None) -> DescribeJob:
    picture = picture_from_frame(data.astronaut()[:, :, ::-1].copy())
    return DescribeJob(DescribeRequest(picture, PromptSpec(), max_new_tokens=tokens), check=False)


# --- the rules, without processes ---------------------------------------------------------------


def test_three_restarts_a_minute_with_growing_waits_then_it_stays_stopped() -> None:
    clock = Clock()
    budget = RestartBudget(clock=clock)
    waits = []
    for _ in range(3):
        waits.append(budget.crashed())
        clock.now += 5
    assert waits == sorted(waits) and None not in waits and waits[0] < waits[-1]
    assert budget.crashed() is None  # the fourth within a minute
    assert not budget.may_try_again()
    clock.now += 61
    assert budget.may_try_again()
    assert budget.crashed() is not None  # the old crashes no longer count


def test_a_crash_says_so_and_keeps_the_newest_job_for_the_new_process() -> None:
    jobs = Supervision(RestartBudget(clock=Clock()))
    old, new = _job(), _job()
    jobs.opened(1, old)
    jobs.opened(2, new)
    events, wait = jobs.crashed(was_loaded=True)
    assert wait is not None
    assert events == [ModelStopped(restarting_sentence(), restarting=True), Cancelled_(1)]
    assert jobs.newest() == (2, new)  # sent again
    assert restarting_sentence() == RESTARTING


def test_a_picture_the_process_dies_on_twice_is_given_up() -> None:
    jobs = Supervision(RestartBudget(clock=Clock()))
    job = _job()
    jobs.opened(7, job)
    jobs.crashed(was_loaded=True)
    events, wait = jobs.crashed(was_loaded=True)
    assert wait is not None  # the process starts again all the same
    assert events[0] == ModelStopped("", restarting=True)
    assert isinstance(events[1], Failed) and events[1].job_id == 7
    assert events[1].message.startswith(job_failed_sentence(job))
    assert RESTARTING in events[1].message
    assert jobs.newest() is None


def test_a_crash_while_loading_is_not_the_pictures_fault() -> None:
    jobs = Supervision(RestartBudget(clock=Clock()))
    jobs.opened(1, _job())
    for _ in range(3):
        events, wait = jobs.crashed(was_loaded=False)
        assert wait is not None and not any(isinstance(e, Failed) for e in events)
    assert jobs.newest() is not None


def test_the_fourth_crash_ends_the_job_and_every_later_one_with_a_sentence() -> None:
    clock = Clock()
    jobs = Supervision(RestartBudget(clock=clock))
    for _ in range(3):
        jobs.crashed(was_loaded=False)
    jobs.opened(1, _job())
    events, wait = jobs.crashed(was_loaded=False)
    assert wait is None and jobs.gave_up
    assert events == [ModelStopped("", restarting=False), Failed(1, keeps_stopping_sentence())]
    assert "log" in keeps_stopping_sentence()
    assert jobs.refusal(2) == Failed(2, keeps_stopping_sentence())
    clock.now += 61
    assert jobs.refusal(3) is None and not jobs.gave_up  # a minute later: try again


def test_with_no_job_the_fourth_crash_is_said_by_itself() -> None:
    jobs = Supervision(RestartBudget(clock=Clock()))
    for _ in range(3):
        jobs.crashed(was_loaded=False)
    events, _wait = jobs.crashed(was_loaded=False)
    assert events == [ModelStopped(keeps_stopping_sentence(), restarting=False)]


# --- a real model process, killed ---------------------------------------------------------------


def _kill(pid: int | None) -> None:
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


def _wait(
    q: queue.Queue[WorkerEvent], seen: list[WorkerEvent], kind: type, job_id: int | None = None
) -> WorkerEvent:
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        event = q.get(timeout=max(0.01, deadline - time.monotonic()))
        seen.append(event)
        if isinstance(event, kind) and (job_id is None or getattr(event, "job_id", None) == job_id):
            return event


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the crashes are logged
def test_a_killed_process_is_restarted_and_its_job_sent_again(tiny_model_dir: Path) -> None:
    q: queue.Queue[WorkerEvent] = queue.Queue()
    seen: list[WorkerEvent] = []
    worker = ProcessModelWorker(LocalModelRecipe(str(tiny_model_dir)), q.put)
    try:
        job_id = worker.submit(_job(tokens=100_000))  # the random model never stops
        _wait(q, seen, Started, job_id)  # (before the model loads)
        _wait(q, seen, Ready)
        time.sleep(0.3)  # at work on the picture
        first = worker.pid
        _kill(first)
        began = time.monotonic()
        stopped = _wait(q, seen, ModelStopped)
        assert time.monotonic() - began < 1.0  # noticed at once
        assert stopped == ModelStopped(RESTARTING, restarting=True)
        assert not worker.is_ready
        again = _wait(q, seen, Started, job_id)  # the same job, in the new process
        assert isinstance(again, Started) and again.job.request.max_new_tokens == 100_000
        assert worker.pid not in (None, first)
        _wait(q, seen, Ready)  # the new process loads (after Started), then works on it
        time.sleep(0.3)

        _kill(worker.pid)  # it dies on this picture a second time: given up, not sent again
        failed = _wait(q, seen, Failed, job_id)
        assert isinstance(failed, Failed)
        assert failed.message.startswith("This picture could not be described")
        short = worker.submit(_job(tokens=3))  # and the app goes on: the next is answered
        assert isinstance(_wait(q, seen, Finished, short), Finished)
    finally:
        assert worker.close(3.0)


# --- the window --------------------------------------------------------------------------------


def _new_pid(qtbot, window: MainWindow, old: int | None) -> int:  # type: ignore[no-untyped-def]
    worker = window._bridge._worker
    assert isinstance(worker, ProcessModelWorker)
    qtbot.waitUntil(lambda: worker.pid not in (None, old), timeout=10_000)
    pid = worker.pid
    assert pid is not None
    return pid


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the crashes are logged
def test_the_window_says_it_restarts_and_answers_the_pending_picture(
    qtbot, make_window, speaking_model_dir: Path, photo_file: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, separate_process=True)
    first = _new_pid(qtbot, window, None)
    window.describe_files([str(photo_file)])  # pending: the model is still loading
    qtbot.waitUntil(lambda: window.controller.busy)  # decoded off the GUI thread
    _kill(first)
    qtbot.waitUntil(lambda: RESTARTING in window.announcer.history, timeout=5_000)
    assert RESTARTING in speech.texts()
    assert "earcon:error" in speech.sounds
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_S * 1000)
    assert DEFAULT_SCRIPT in window.history.item(0).text()
    said = window.announcer.history
    assert said.index(RESTARTING) < len(said) - 1 - said[::-1].index("Ready.")


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the crashes are logged
def test_a_fourth_crash_in_a_minute_is_said_and_space_still_answers(
    qtbot, make_window, speaking_model_dir: Path, photo_file: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, separate_process=True)
    pictures, _errors = load_photos([str(photo_file)])
    window.controller.photo = pictures[0]
    pid = None
    for _ in range(4):
        pid = _new_pid(qtbot, window, pid)
        _kill(pid)
    keeps_stopping = keeps_stopping_sentence()
    qtbot.waitUntil(lambda: keeps_stopping in window.announcer.history, timeout=10_000)
    assert window._bridge._worker.pid is None  # not started a fifth time
    assert not window.controller.busy

    spoken = len(speech.said)
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=5_000)
    assert (keeps_stopping, True) in speech.said[spoken:]  # a sentence, not silence
    assert window.announcer.history[-1] == keeps_stopping
    assert not [text for text in window.announcer.history if "still loading" in text]
    assert window.history.count() == 0
