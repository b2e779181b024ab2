"""The model worker in a process of its own, so the window never waits for the model.

Importing torch and transformers, and parts of loading a model, hold Python's global
interpreter lock for a quarter of a second at a time (torch's C library alone takes about
0.3 s to load). In a thread of the window's process that freezes the window - and the
screen reader's view of it - while the model loads. :class:`ProcessModelWorker` runs the
same :class:`~describe_app.core.describe.worker.ModelWorker` in a child process (started with
"spawn", safe next to Qt's threads) and offers the same methods and events, so the window
does not care which one it holds:

* commands (load, submit, cancel, close) go down one queue, events come back up another;
  job ids are chosen here, so ``submit`` answers at once;
* a pump thread here reads the events and hands them to ``on_event``;
* ``close`` asks the child to stop, waits with a time limit, and only then ends it.

The describer and text-reader factories must be picklable: a module-level class or
function, or an instance such as :class:`LocalModelRecipe`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from describe_app.core.describe.describer import Describer
from describe_app.core.describe.worker import (
    EventSink,
    Job,
    LoadProgress,
    ModelWorker,
    Ready,
    WorkerEvent,
)

log = logging.getLogger(__name__)

_STOP = None  # sentinel on the event queue: the pump ends


@dataclass(frozen=True)
class LocalModelRecipe:
    """What to load, in a form that crosses to the child process (a picklable factory)."""

    model: str | None = None  # a registry name or a folder; None: the default model
    allow_download: bool = True
    device: str = "auto"
    quantize: str = "auto"
    threads: int | None = None

    #: ModelWorker passes its event sink, so a first-use download is announced with progress
    reports_progress = True

    def __call__(self, report: Callable[[WorkerEvent], None] | None = None) -> Describer:
        from describe_app.core.describe.local.model_registry import ModelSpec
        from describe_app.core.describe.local.model_store import locate_model
        from describe_app.core.describe.local.vlm_describer import VlmDescriber
        from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

        name = {"model": ""}
        last = {"step": -1}

        def started(spec: ModelSpec) -> None:
            name["model"] = spec.name
            if report is not None:
                report(
                    LoadProgress(
                        f"First use: downloading {spec.name} ({spec.download_mb} MB). "
                        "This happens once."
                    )
                )

        def progressed(fraction: float) -> None:
            step = int(fraction * 10)  # a report every tenth, not every packet
            # the total grows as files are found: never go back, never say 100% early
            if report is None or step <= last["step"] or step >= 10:
                return
            last["step"] = step
            report(LoadProgress(f"Downloading {name['model']}: {step * 10}%.", fraction))

        location = locate_model(
            self.model,
            allow_download=self.allow_download,
            on_download=started,
            on_progress=progressed,
        )
        if name["model"] and report is not None:
            report(LoadProgress(f"Downloaded {name['model']}.", 1.0))
        options = LoadOptions(device=self.device, quantize=self.quantize, threads=self.threads)
        loaded = load_vlm(location.path, name=location.name, spec=location.spec, options=options)
        return VlmDescriber(loaded)


class ProcessModelWorker:
    """:class:`ModelWorker`'s interface, with the model in a child process."""

    def __init__(
        self,
        describer_factory: Callable[[], Describer],
        on_event: EventSink,
        *,
        text_reader_factory: Callable[[], Any] | None = None,
        name: str = "model-process",
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._on_event = on_event
        self._commands: Any = ctx.Queue()
        self._events: Any = ctx.Queue()
        self._lock = threading.Lock()
        self._next_id = 1
        self._closed = False
        self._ready = False
        self._process = ctx.Process(
            target=_serve,
            args=(
                describer_factory,
                text_reader_factory,
                self._commands,
                self._events,
                os.getpid(),
            ),
            name=name,
            daemon=True,
        )
        self._process.start()
        self._pump = threading.Thread(target=self._pump_events, name=f"{name}-events", daemon=True)
        self._pump.start()

    # --- the ModelWorker interface --------------------------------------------------------

    def start_loading(self) -> None:
        self._send(("load",))

    def submit(self, job: Job) -> int:
        with self._lock:
            if self._closed:
                raise RuntimeError("the model worker is closed")
            job_id = self._next_id
            self._next_id += 1
        self._send(("submit", job_id, job))
        return job_id

    def cancel(self) -> None:
        self._send(("cancel",))

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the child; True if it ended by itself within ``timeout`` seconds."""
        with self._lock:
            if self._closed:
                return not self._process.is_alive()
            self._closed = True
        self._send(("close", max(0.1, timeout - 0.5)))
        self._process.join(timeout)
        ended = not self._process.is_alive()
        if not ended:  # a model load cannot be interrupted: end the process, not the app
            log.info("the model process did not stop within %.1f s; ending it", timeout)
            self._process.terminate()
            self._process.join(1.0)
        self._events.put(_STOP)
        self._pump.join(1.0)
        self._commands.close()
        self._events.close()
        return ended

    @property
    def is_ready(self) -> bool:
        return self._ready

    # --- inside -----------------------------------------------------------------------

    def _send(self, command: tuple[Any, ...]) -> None:
        try:
            self._commands.put(command)
        except (ValueError, OSError):  # the queue is closed: we are shutting down
            log.debug("dropped %s after close", command[0])

    def _pump_events(self) -> None:
        while True:
            try:
                event = self._events.get()
            except (EOFError, OSError):
                return
            if event is _STOP:
                return
            if isinstance(event, Ready):
                self._ready = True
            try:
                self._on_event(event)
            except Exception:  # a listener's bug must not stop the pump
                log.exception("event listener failed on %r", type(event).__name__)


def _serve(
    describer_factory: Callable[[], Describer],
    text_reader_factory: Callable[[], Any] | None,
    commands: Any,
    events: Any,
    parent_pid: int,
) -> None:
    """The child process: a ModelWorker driven by the command queue."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    def forward(event: WorkerEvent) -> None:
        events.put(event)

    worker = ModelWorker(describer_factory, forward, text_reader_factory=text_reader_factory)
    try:
        while True:
            try:
                command = commands.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the window is gone without saying so
                    return
                continue
            kind = command[0]
            if kind == "load":
                worker.start_loading()
            elif kind == "submit":
                worker.submit(command[2], job_id=command[1])
            elif kind == "cancel":
                worker.cancel()
            elif kind == "close":
                worker.close(command[1])
                return
    finally:
        events.close()
        events.join_thread()
