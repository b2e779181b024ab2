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
* ``close`` asks the child to stop, waits with a time limit, and only then ends it;
* a child that dies unexpectedly (the out-of-memory killer, a native crash) is noticed by
  the pump within a tenth of a second, said (``ModelStopped``) and started again, with the
  job in hand sent again (:mod:`~describe_app.core.describe.local.supervisor` decides). The
  child sends ``Started`` without the job's picture: the parent has it;
* work ahead of the user (``prepare``) goes the same way; the child says when it does
  such work, so a crash then blames no picture, and the work is never sent again.

The describer and text-reader factories must be picklable: a module-level class or
function, or an instance such as :class:`LocalModelRecipe`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from describe_app.core.below_the_desktop import run_below_the_desktop
from describe_app.core.describe.describer import Describer, GenerationSettings
from describe_app.core.describe.local.supervisor import Supervision
from describe_app.core.describe.worker import (
    Cancelled_,
    EventSink,
    Failed,
    Finished,
    Job,
    LoadProgress,
    ModelWorker,
    PrepareJob,
    Ready,
    Started,
    TextRead,
    WorkerEvent,
)
from describe_app.core.diagnostics.restarts import RestartBudget
from describe_app.core.i18n import _, current_language, set_language

log = logging.getLogger(__name__)

_STOP = None  # sentinel on the event queue: the pump ends
_STARTED = "started"  # (_STARTED, job_id) from the child stands for Started(job_id, job)
_PREPARING = "preparing"  # (_PREPARING, bool) from the child: work ahead starts or ends
_POLL_S = 0.1  # how often the pump looks whether the child is still alive


@dataclass(frozen=True)
class LocalModelRecipe:
    """What to load, in a form that crosses to the child process (a picklable factory)."""

    model: str | None = None  # a registry name or a folder; None: the default model
    allow_download: bool = True
    device: str = "auto"
    quantize: str = "auto"
    threads: int | None = None
    generation: GenerationSettings = field(default_factory=GenerationSettings)  # answer limits
    #: how to get a missing model, said when ``allow_download`` is off ("": the command)
    download_hint: str = ""

    #: ModelWorker passes its event sink, so a first-use download is announced with progress
    reports_progress = True

    def __call__(self, report: Callable[[WorkerEvent], None] | None = None) -> Describer:
        from describe_app.core.describe.local.model_choices import refuse_if_unusable
        from describe_app.core.describe.local.model_registry import ModelSpec
        from describe_app.core.describe.local.model_store import locate_model

        refuse_if_unusable(self.model, device=self.device)  # before any download or loading
        from describe_app.core.describe.local.vlm_describer import VlmDescriber
        from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

        name = {"model": ""}
        last = {"step": -1}

        def started(spec: ModelSpec) -> None:
            name["model"] = spec.name
            if report is not None:
                said = _("First use: downloading {model} ({size} MB). This happens once.")
                report(LoadProgress(said.format(model=spec.name, size=spec.download_mb)))

        def progressed(fraction: float) -> None:
            step = int(fraction * 10)  # a report every tenth, not every packet
            # the total grows as files are found: never go back, never say 100% early
            if report is None or step <= last["step"] or step >= 10:
                return
            last["step"] = step
            said = _("Downloading {model}: {percent}%.").format(
                model=name["model"], percent=step * 10
            )
            report(LoadProgress(said, fraction))

        location = locate_model(
            self.model,
            allow_download=self.allow_download,
            on_download=started,
            on_progress=progressed,
            download_hint=self.download_hint or None,
        )
        if name["model"] and report is not None:
            report(LoadProgress(f"Downloaded {name['model']}.", 1.0))
        options = LoadOptions(device=self.device, quantize=self.quantize, threads=self.threads)
        loaded = load_vlm(location.path, name=location.name, spec=location.spec, options=options)
        return VlmDescriber(loaded, self.generation)


class ProcessModelWorker:
    """:class:`ModelWorker`'s interface, with the model in a child process that is started
    again when it dies (see :mod:`~describe_app.core.describe.local.supervisor`)."""

    def __init__(
        self,
        describer_factory: Callable[[], Describer],
        on_event: EventSink,
        *,
        text_reader_factory: Callable[[], Any] | None = None,
        name: str = "model-process",
        budget: RestartBudget | None = None,
    ) -> None:
        self._factories = (describer_factory, text_reader_factory)
        self._on_event = on_event
        self._name = name
        self._lock = threading.Lock()
        self._next_id = 1
        self._closed = False
        self._ready = False
        self._load_requested = False
        self._jobs = Supervision(budget)
        self._wake = threading.Event()  # set by close: a wait before a restart ends
        self._child: _Child | None = _Child(self._factories, name)
        self._pump = self._start_pump()

    # --- the ModelWorker interface --------------------------------------------------------

    def start_loading(self) -> None:
        with self._lock:
            self._load_requested = True
        self._tell_child(("load",))

    def submit(self, job: Job) -> int:
        dropped: list[WorkerEvent] = []
        with self._lock:
            if self._closed:
                raise RuntimeError("the model worker is closed")
            job_id = self._next_id
            self._next_id += 1
            child = self._child
            stopped = child is None and self._jobs.gave_up
            refused = self._jobs.refusal(job_id) if stopped else None
            if refused is None:
                self._jobs.opened(job_id, job)
                if stopped:  # a minute without crashes: try again
                    child = self._restart(new_pump=True)
                elif child is None:  # starting again: the new process gets this job then
                    dropped = self._jobs.drop(keep=job_id)
        if child is not None and refused is None:
            child.send(("submit", job_id, job))
        for event in dropped:
            self._emit(event)
        if refused is not None:
            self._emit(refused)
        return job_id

    def prepare(self, job: PrepareJob) -> None:
        """:meth:`ModelWorker.prepare` in the child (dropped while it is started again)."""
        self._tell_child(("prepare", job))

    def stop_preparing(self) -> None:
        self._tell_child(("stop_preparing",))

    def _tell_child(self, command: tuple[Any, ...]) -> None:
        with self._lock:
            child = None if self._closed else self._child
        if child is not None:
            child.send(command)

    def cancel(self) -> None:
        with self._lock:
            self._jobs.cancel_all()
            child = self._child
            dropped = self._jobs.drop() if child is None else []
        if child is not None:
            child.send(("cancel",))
        for event in dropped:
            self._emit(event)

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the child; True if it ended by itself within ``timeout`` seconds."""
        with self._lock:
            child = self._child
            if self._closed:
                return child is None or not child.process.is_alive()
            self._closed = True
        self._wake.set()
        ended = True
        if child is not None:
            child.send(("close", max(0.1, timeout - 0.5)))
            child.process.join(timeout)
            ended = not child.process.is_alive()
            if not ended:  # a model load cannot be interrupted: end the process, not the app
                log.info("the model process did not stop within %.1f s; ending it", timeout)
                child.process.terminate()
                child.process.join(1.0)
            with contextlib.suppress(ValueError, OSError):
                child.events.put(_STOP)
        self._pump.join(1.0)
        if child is not None:
            child.let_go()
        return ended

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def pid(self) -> int | None:
        """The model process's id (None while it is being started again, or stopped)."""
        child = self._child
        return None if child is None else child.process.pid

    # --- inside -----------------------------------------------------------------------

    def _start_pump(self) -> threading.Thread:
        pump = threading.Thread(target=self._pump_events, name=f"{self._name}-events", daemon=True)
        pump.start()
        return pump

    def _restart(self, *, new_pump: bool) -> _Child:
        """Under the lock: a new child, asked to load if the last one was. ``new_pump``:
        the pump had ended (the child stayed stopped); else the pump itself restarts."""
        child = self._child = _Child(self._factories, self._name)
        if self._load_requested:
            child.send(("load",))
        if new_pump:
            self._pump = self._start_pump()
        return child

    def _pump_events(self) -> None:
        child = self._child
        while child is not None:
            alive = child.process.is_alive()  # before the get: all it sent is in the pipe
            try:
                event = child.events.get(timeout=_POLL_S)
            except queue.Empty:
                if not alive:
                    child = self._child_died(child)
                continue
            except (EOFError, OSError, ValueError):
                return
            if event is _STOP:
                return
            self._handle(child, event)

    def _handle(self, child: _Child, event: Any) -> None:
        if isinstance(event, tuple):  # (_STARTED, job_id): the job itself stayed here
            with self._lock:
                job = self._jobs.job(event[1]) if event[0] == _STARTED else None
            child.preparing = event[0] == _PREPARING and bool(event[1])
            if job is None:
                return
            event = Started(event[1], job)
        elif isinstance(event, Ready):
            child.loaded = True
            self._ready = True
        elif isinstance(event, Finished | TextRead | Cancelled_ | Failed):
            with self._lock:
                self._jobs.ended(event.job_id)
        self._emit(event)

    def _child_died(self, child: _Child) -> _Child | None:
        """On the pump: say so, wait, and start a new child; the pump goes on with it."""
        code = child.process.exitcode
        child.let_go()
        with self._lock:
            if self._closed or child is not self._child:
                return None
            log.error("the model process ended unexpectedly (exit code %s)", code)
            self._child = None
            self._ready = False
            # during work ahead of the user, no job of theirs was being worked on
            busy = child.loaded and not child.preparing
            events, delay = self._jobs.crashed(was_loaded=busy)
        for event in events:
            self._emit(event)
        if delay is None:
            log.error("the model process keeps stopping: not started again for now")
            return None
        self._wake.wait(delay)
        with self._lock:
            if self._closed:
                return None
            new = self._restart(new_pump=False)
            resend = self._jobs.newest()
        if resend is not None:
            new.send(("submit", *resend))
        return new

    def _emit(self, event: WorkerEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not stop the pump
            log.exception("event listener failed on %r", type(event).__name__)


class _Child:
    """One model process and its two queues. A process killed while it reads or writes a
    queue can leave the queue's lock held or a message half-written, so each child has
    queues of its own."""

    def __init__(self, factories: tuple[Any, Any], name: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.commands: Any = ctx.Queue()
        self.events: Any = ctx.Queue()
        self.loaded = False  # its model was ready: a crash now is laid at the job's door
        self.preparing = False  # it works ahead of the user: a crash is laid at no door
        self.process = ctx.Process(
            target=_serve_then_exit,
            args=(*factories, self.commands, self.events, os.getpid(), current_language()),
            name=name,
            daemon=True,
        )
        self.process.start()

    def send(self, command: tuple[Any, ...]) -> None:
        try:
            self.commands.put(command)
        except (ValueError, OSError):  # the queue is closed: we are shutting down
            log.debug("dropped %s after close", command[0])

    def let_go(self) -> None:
        """The process has ended: close its queues, never waiting on them (a command the
        dead process did not read must not hold up the exit)."""
        self.commands.cancel_join_thread()
        self.commands.close()
        self.events.close()


def _serve_then_exit(*args: Any) -> None:
    """The child process's life: serve, then end at once. Its events are flushed by then;
    the interpreter's own teardown (torch's modules and threads) takes a second or more,
    several on a busy machine, and would hold up the window's close for nothing."""
    _serve(*args)
    logging.shutdown()
    os._exit(0)


def _serve(
    describer_factory: Callable[[], Describer],
    text_reader_factory: Callable[[], Any] | None,
    commands: Any,
    events: Any,
    parent_pid: int,
    language: str,
) -> None:
    """The child process: a ModelWorker driven by the command queue, its sentences in the
    window's ``language``."""
    set_language(language)
    run_below_the_desktop()  # before any thread starts: they inherit it
    # a terminal Ctrl+C reaches the whole process group: the parent decides and ends us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    def forward(event: WorkerEvent) -> None:
        if isinstance(event, Started):  # the parent has the job (and its picture) already
            events.put((_STARTED, event.job_id))
        else:
            events.put(event)

    worker = ModelWorker(
        describer_factory,
        forward,
        text_reader_factory=text_reader_factory,
        on_preparing=lambda busy: events.put((_PREPARING, busy)),
    )
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
            elif kind == "prepare":
                worker.prepare(command[1])
            elif kind == "stop_preparing":
                worker.stop_preparing()
            elif kind == "close":
                worker.close(command[1])
                return
    finally:
        events.close()
        events.join_thread()
