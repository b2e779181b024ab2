"""The Qt side of the model worker: its events arrive as a signal on the GUI thread.

:class:`~describe_app.core.describe.worker.ModelWorker` calls one callback on its own thread.
This bridge re-emits each event as ``worker_event`` (a queued signal), so slots run on the GUI
thread and may touch widgets. The worker itself (loading, latest-request-wins,
cancellation, shutdown) stays in the core.

The settings may swap the model while the window runs (:meth:`ModelBridge.replace_worker`):
the old worker is closed, each job it still had ends with a ``Cancelled_`` event, and the
new worker loads. Every worker is one *generation*; an event of an earlier generation is
dropped on the GUI thread, so a late event of the old worker is never taken for a job of
the new one (whose job ids start again at 1).

A model process that dies is started again by the worker itself
(:class:`~describe_app.core.describe.local.model_process.ProcessModelWorker`); its
``ModelStopped`` makes the bridge not ready until the new process says ``Ready``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from describe_app.core.describe.describer import Describer
from describe_app.core.describe.local.model_process import ProcessModelWorker
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    Job,
    Loading,
    ModelStopped,
    ModelWorker,
    PrepareJob,
    Ready,
    TextRead,
    WorkerEvent,
)
from describe_app.core.reading.ocr_reader import TextReader
from describe_app.qt.gui_thread import GuiThread

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelChoice:
    """Which model worker to run, and what to tell the user about it.

    ``name``: the model's or the server's name; ``notice``: where pictures go, when they
    leave this computer."""

    describer_factory: Callable[[], Describer]
    text_reader_factory: Callable[[], TextReader] | None = None
    separate_process: bool = False
    name: str = ""
    notice: str | None = None


class ModelBridge(QObject):
    """Owns a :class:`ModelWorker`; ``worker_event`` carries each WorkerEvent to the GUI thread."""

    worker_event = Signal(object)

    def __init__(
        self,
        describer_factory: Callable[[], Describer],
        *,
        text_reader_factory: Callable[[], TextReader] | None = None,
        separate_process: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """``separate_process``: run the model in a child process (the app does, so that
        importing torch and loading never freeze the window); the factories must then be
        picklable. Tests use the in-process thread with any factory."""
        super().__init__(parent)
        self._ready = False
        self._closed = False
        self._stays_stopped = False
        self._generation = 0
        self._open_jobs: set[int] = set()  # submitted to the worker in use, not ended yet
        self._closers: list[threading.Thread] = []  # closing replaced workers
        self._gui = GuiThread(self)  # events come on the worker thread, go out on ours
        self._worker = self._start_worker(describer_factory, text_reader_factory, separate_process)

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def stays_stopped(self) -> bool:
        """The model process kept stopping and was not started again: a request now is
        answered with that sentence, not queued behind a load."""
        return self._stays_stopped

    def start_loading(self) -> None:
        self._worker.start_loading()

    #: The setting: a sentence the model was unsure of is said with "Possibly".
    show_doubt = True

    def submit(self, job: Job) -> int:
        if isinstance(job, DescribeJob) and job.show_doubt != self.show_doubt:
            job = replace(job, show_doubt=self.show_doubt)
        job_id = self._worker.submit(job)
        self._open_jobs.add(job_id)
        return job_id

    def prepare(self, job: PrepareJob) -> None:
        """Work on a picture in the background before it is asked about (the next
        :meth:`submit` comes first); its ``Prepared`` event is never said."""
        self._worker.prepare(job)

    def stop_preparing(self) -> None:
        """Drop the background work (the camera is off, the window hidden)."""
        self._worker.stop_preparing()

    def cancel(self) -> None:
        self._worker.cancel()

    def replace_worker(
        self,
        describer_factory: Callable[[], Describer],
        *,
        text_reader_factory: Callable[[], TextReader] | None = None,
        separate_process: bool = False,
        timeout: float = 1.5,
    ) -> None:
        """Close the worker in use and start loading one made by ``describer_factory``.

        The jobs the old worker still had end at once with ``Cancelled_`` (emitted here),
        and nothing more of the old worker reaches ``worker_event``; the new worker's
        ``Loading`` and ``Ready`` follow as usual. The old worker is closed on a thread of
        its own (``timeout`` as in :meth:`close`): a model process takes a second to end,
        and the window must not wait for it."""
        if self._closed:
            raise RuntimeError("the model bridge is closed")
        old = self._worker
        ended_jobs = sorted(self._open_jobs)
        self._open_jobs.clear()
        self._ready = False
        self._generation += 1  # from here on, events of the old worker are dropped
        closer = threading.Thread(
            target=_close_worker, args=(old, timeout), name="model-closer", daemon=True
        )
        closer.start()
        self._closers = [t for t in self._closers if t.is_alive()] + [closer]
        self._worker = self._start_worker(describer_factory, text_reader_factory, separate_process)
        self._worker.start_loading()
        for job_id in ended_jobs:
            self.worker_event.emit(Cancelled_(job_id))

    def close(self, timeout: float = 1.5) -> bool:
        """Stop the worker (once), and wait for a replaced one still closing; True if the
        worker's thread ended in time."""
        if self._closed:
            return True
        self._closed = True
        deadline = time.monotonic() + timeout
        ended = self._worker.close(timeout)
        if not ended:
            log.info("the model worker did not stop within %.1f s; leaving it behind", timeout)
        for closer in self._closers:
            closer.join(max(0.0, deadline - time.monotonic()))
        return ended

    def _start_worker(
        self,
        describer_factory: Callable[[], Describer],
        text_reader_factory: Callable[[], TextReader] | None,
        separate_process: bool,
    ) -> ModelWorker | ProcessModelWorker:
        generation = self._generation

        def on_event(event: WorkerEvent) -> None:
            self._on_worker_event(generation, event)

        worker_type = ProcessModelWorker if separate_process else ModelWorker
        return worker_type(describer_factory, on_event, text_reader_factory=text_reader_factory)

    def _on_worker_event(self, generation: int, event: WorkerEvent) -> None:
        """Runs on the worker thread: hand the event over, unless the window is gone."""
        if self._closed or generation != self._generation:
            return  # a shortcut only: _deliver decides, on the GUI thread
        self._gui.call(self._deliver, generation, event)

    def _deliver(self, generation: int, event: WorkerEvent) -> None:
        if self._closed:
            return
        if generation != self._generation:
            log.debug("dropped %s of a model worker since replaced", type(event).__name__)
            return
        if isinstance(event, Ready | Loading):  # (started again after a quiet minute)
            self._ready = self._ready or isinstance(event, Ready)
            self._stays_stopped = False
        elif isinstance(event, ModelStopped):
            self._ready = False  # requests wait for the restarted process (or fail at once)
            self._stays_stopped = not event.restarting
        elif isinstance(event, Finished | TextRead | Cancelled_ | Failed):
            self._open_jobs.discard(event.job_id)
        self.worker_event.emit(event)


def _close_worker(worker: ModelWorker | ProcessModelWorker, timeout: float) -> None:
    """On the closer's thread: stop a replaced worker (its job is cancelled first)."""
    if not worker.close(timeout):
        log.info("the replaced model worker did not stop within %.1f s; leaving it", timeout)
