"""The Qt side of the model worker: its events arrive as a signal on the GUI thread.

:class:`~describe_app.core.model_worker.ModelWorker` calls one callback on its own thread.
This bridge re-emits each event as ``worker_event`` (a queued signal), so slots run on the GUI
thread and may touch widgets. The worker itself (loading, latest-request-wins,
cancellation, shutdown) stays in the core.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from describe_app.core.describer import Describer
from describe_app.core.model_process import ProcessModelWorker
from describe_app.core.model_worker import Job, ModelWorker, Ready, WorkerEvent
from describe_app.core.ocr_reader import TextReader

log = logging.getLogger(__name__)


class ModelBridge(QObject):
    """Owns a :class:`ModelWorker`; ``worker_event`` carries each WorkerEvent to the GUI thread."""

    worker_event = Signal(object)
    _from_worker = Signal(object)

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
        # Emitted on the worker thread, delivered on ours (this object lives on the GUI thread).
        self._from_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        worker_type = ProcessModelWorker if separate_process else ModelWorker
        self._worker: ModelWorker | ProcessModelWorker = worker_type(
            describer_factory, self._on_worker_event, text_reader_factory=text_reader_factory
        )

    @property
    def is_ready(self) -> bool:
        return self._ready

    def start_loading(self) -> None:
        self._worker.start_loading()

    def submit(self, job: Job) -> int:
        return self._worker.submit(job)

    def cancel(self) -> None:
        self._worker.cancel()

    def close(self, timeout: float = 1.5) -> bool:
        """Stop the worker (once); True if its thread ended in time."""
        if self._closed:
            return True
        self._closed = True
        ended = self._worker.close(timeout)
        if not ended:
            log.info("the model worker did not stop within %.1f s; leaving it behind", timeout)
        return ended

    def _on_worker_event(self, event: WorkerEvent) -> None:
        """Runs on the worker thread: hand the event over, unless the window is gone."""
        if self._closed:
            return
        try:
            self._from_worker.emit(event)
        except RuntimeError:  # the Qt object was deleted while the worker still ran
            log.debug("dropped %s after shutdown", type(event).__name__)

    @Slot(object)
    def _deliver(self, event: WorkerEvent) -> None:
        if self._closed:
            return
        if isinstance(event, Ready):
            self._ready = True
        self.worker_event.emit(event)
