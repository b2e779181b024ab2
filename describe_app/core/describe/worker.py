"""One long-lived worker thread that owns the model (and the text reader).

The window, the command line's hands-free modes and the tests all talk to the model
through this worker:

* **Latest request wins.** :meth:`ModelWorker.submit` cancels the request in flight
  (generation stops within one decoding step) and replaces any request still waiting, so
  the user always hears about the picture they took last.
* **Queued, not refused, while loading.** The model loads on the worker thread
  (:meth:`ModelWorker.start_loading`); a request made meanwhile waits and runs when ready.
* **Events, not widgets.** Everything the worker has to say arrives as one of the small
  event objects of :mod:`~describe_app.core.describe.worker_events`, through one callback,
  on the worker thread. The Qt layer turns that callback into a queued signal; the command
  line prints.
* **The user comes first.** :meth:`ModelWorker.prepare` asks for work ahead of the user
  (encoding a settled camera view, writing its first sentence ahead). It runs only while
  no request of the user's runs or waits, gives way to one within one layer of the model,
  goes on afterwards, and is never answered aloud: it ends with one ``Prepared`` event
  (see :mod:`~describe_app.core.describe.preparation_queue`). A describer that cannot
  prepare (a server: a picture is never sent to one in the background) ignores it.
  A job the app asked for on its own (``DescribeJob.background``: a region explored
  ahead) ranks below a preparation: it waits for one, and one that arrives sets it aside,
  to be run again afterwards without a word to its asker.
* **Shutdown in order**: :meth:`ModelWorker.close` sets the flag, cancels, wakes the thread
  and joins it with a time limit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from describe_app.core.describe.confidence import DOUBT_BELOW
from describe_app.core.describe.describer import Describer, DescribeRequest, Preparer
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.preparation_queue import Preparation, PreparationQueue
from describe_app.core.describe.worker_events import (
    Cancelled_,
    DescribeJob,
    EventSink,
    Failed,
    Finished,
    Job,
    LoadFailed,
    Loading,
    LoadProgress,
    ModelStopped,
    Prepared,
    PrepareJob,
    ReadTextJob,
    Ready,
    SentenceReady,
    Started,
    TextRead,
    WorkerEvent,
    in_background,
)
from describe_app.core.errors import Cancelled, DescribeError
from describe_app.core.i18n import _
from describe_app.core.reading.ocr_reader import TextReader, close_reader

__all__ = [  # the jobs and events are used from here by the window and the command line
    "Cancelled_",
    "DescribeJob",
    "EventSink",
    "Failed",
    "Finished",
    "Job",
    "LoadFailed",
    "LoadProgress",
    "Loading",
    "ModelStopped",
    "ModelWorker",
    "PrepareJob",
    "Prepared",
    "ReadTextJob",
    "Ready",
    "SentenceReady",
    "Started",
    "TextRead",
    "WorkerEvent",
]

log = logging.getLogger(__name__)


class ModelWorker:
    """Owns a describer (made by ``describer_factory`` on the worker thread) and a reader."""

    def __init__(
        self,
        describer_factory: Callable[[], Describer],
        on_event: EventSink,
        *,
        text_reader_factory: Callable[[], TextReader] | None = None,
        name: str = "model-worker",
        on_preparing: Callable[[bool], None] | None = None,
    ) -> None:
        """``on_preparing`` is told, on the worker thread, when background work starts
        (True) and ends (False): the model process tells its parent."""
        self._factory = describer_factory
        self._reader_factory = text_reader_factory
        self._on_event = on_event
        self._cond = threading.Condition()
        self._pending: tuple[int, Job] | None = None
        self._current_cancel: threading.Event | None = None
        self._running: tuple[int, Job] | None = None  # the job on the worker thread now
        self._set_aside = False  # the running background job stops for a preparation
        self._load_requested = False
        self._closing = False
        self._next_id = 1
        self._describer: Describer | None = None
        self._load_error: str | None = None
        self._reader: TextReader | None = None
        self._background = PreparationQueue()
        self._on_preparing = on_preparing
        # daemon: a model load cannot be interrupted, and must not keep a closed app alive
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # --- called from any thread -----------------------------------------------------------

    def start_loading(self) -> None:
        """Load the model now, in the background, without waiting for a request."""
        with self._cond:
            self._load_requested = True
            self._cond.notify()

    def submit(self, job: Job, *, job_id: int | None = None) -> int:
        """Queue ``job``, cancelling whatever runs or waits. Returns its id.

        ``job_id`` lets a caller that numbers jobs itself (the model process) choose it.
        """
        with self._cond:
            if self._closing:
                raise RuntimeError("the model worker is closed")
            if job_id is None:
                job_id = self._next_id
            self._next_id = max(self._next_id, job_id) + 1
            replaced = self._pending
            self._pending = (job_id, job)
            if self._current_cancel is not None:
                self._current_cancel.set()
            if not in_background(job):
                picture = job.request.picture if isinstance(job, DescribeJob) else None
                self._background.user_request(picture)
            self._cond.notify()
        if replaced is not None:
            self._emit(Cancelled_(replaced[0]))
        return job_id

    def prepare(self, job: PrepareJob) -> None:
        """Do ``job`` in the background, when no request of the user's runs or waits; it
        replaces a preparation not started yet. Ends with ``Prepared``, never spoken."""
        with self._cond:
            if self._closing:
                return
            if self._describer is not None and not isinstance(self._describer, Preparer):
                return  # a server: nothing is sent anywhere in the background
            self._background.offer(job)
            running = self._running
            if running is not None and in_background(running[1]) and self._may_prepare():
                self._set_aside = True
                if self._current_cancel is not None:
                    self._current_cancel.set()
            self._cond.notify()

    def stop_preparing(self) -> None:
        """Drop the background work, running or waiting (the camera is off, the app is
        hidden). :meth:`cancel` leaves it alone: no request of the user's waits for it."""
        with self._cond:
            self._background.stop()

    def cancel(self) -> None:
        """Stop the request in flight and drop the one waiting (Escape)."""
        with self._cond:
            replaced = self._pending
            self._pending = None
            if self._current_cancel is not None:
                self._current_cancel.set()
        if replaced is not None:
            self._emit(Cancelled_(replaced[0]))

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the worker; True if its thread ended within ``timeout`` seconds."""
        with self._cond:
            self._closing = True
            self._pending = None
            if self._current_cancel is not None:
                self._current_cancel.set()
            self._background.stop()
            self._cond.notify()
        self._close_reader()  # a reader in a child process ends now, even mid-picture
        self._thread.join(timeout)
        self._close_reader()  # one made meanwhile
        return not self._thread.is_alive()

    def _close_reader(self) -> None:
        with self._cond:
            reader = self._reader
        close_reader(reader)

    @property
    def is_ready(self) -> bool:
        return self._describer is not None

    # --- the worker thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not (
                    self._closing
                    or self._pending is not None
                    or self._wants_load()
                    or self._may_prepare()
                ):
                    self._cond.wait()
                if self._closing:
                    return
                item = self._pending
                self._pending = None
                background = None
                if item is not None and in_background(item[1]) and self._may_prepare():
                    self._pending, item = item, None  # the preparation first
                    background = self._background.take()
                elif item is None and not self._wants_load():
                    background = self._background.take()
                cancel = threading.Event()
                self._current_cancel = cancel
                self._running = item
                self._set_aside = False
            try:
                if background is not None:
                    self._prepare(background)
                elif item is None:
                    self._ensure_describer()
                else:
                    self._run_job(*item, cancel)
            finally:
                with self._cond:
                    self._current_cancel = None
                    self._running = None

    def _wants_load(self) -> bool:
        return self._load_requested and self._describer is None and self._load_error is None

    def _may_prepare(self) -> bool:
        return self._background.waiting is not None and self._describer is not None

    def _prepare(self, preparation: Preparation) -> None:
        """Run one preparation (on the worker thread, no request of the user's waiting)."""
        describer = self._describer
        job = preparation.job
        if not isinstance(describer, Preparer):
            with self._cond:
                self._background.ended(preparation, gave_way=False)
            return
        if self._on_preparing is not None:
            self._on_preparing(True)
        wall, cpu = time.perf_counter(), time.process_time()
        work = None
        gave_way = False
        try:
            work = describer.prepare(
                DescribeRequest(job.picture, job.prompt),
                preparation.cancel,
                first_sentence=job.first_sentence,
                after_vision=preparation.after_vision,
            )
        except Cancelled:
            gave_way = True
            log.debug("preparing %s gave way", job.picture.source)
        except Exception:  # background work: logged, never said to the user
            log.exception("preparing %s failed", job.picture.source)
        finally:
            preparation.seconds += time.perf_counter() - wall
            preparation.cpu_seconds += time.process_time() - cpu
            with self._cond:
                self._background.ended(preparation, gave_way=gave_way)
            if self._on_preparing is not None:
                self._on_preparing(False)
        if work is not None:
            self._emit(
                Prepared(
                    job.picture.source,
                    preparation.seconds,
                    preparation.cpu_seconds,
                    work.first_sentence,
                    reused=work.reused,
                )
            )

    def _ensure_describer(self) -> Describer | None:
        if self._describer is not None:
            return self._describer
        self._emit(Loading(_("Loading the description model.")))
        try:
            if getattr(self._factory, "reports_progress", False):
                # e.g. LocalModelRecipe: says when a first-use download starts and how far
                describer = self._factory(self._emit)  # type: ignore[call-arg]
            else:
                describer = self._factory()
        except DescribeError as exc:
            self._load_error = str(exc)
            self._emit(LoadFailed(str(exc)))
            return None
        except Exception as exc:
            log.exception("loading the model failed")
            self._load_error = _("The description model could not be loaded ({error}).").format(
                error=exc
            )
            self._emit(LoadFailed(self._load_error))
            return None
        warm_up = getattr(describer, "warm_up", None)
        if callable(warm_up):
            try:
                warm_up()
            except Exception:  # a failed warm-up only costs speed; the real request will tell
                log.info("warm-up failed", exc_info=True)
        self._describer = describer
        seconds = float(getattr(getattr(describer, "loaded", None), "load_seconds", 0.0))
        self._emit(Ready(describer.model_name, seconds))
        return describer

    def _run_job(self, job_id: int, job: Job, cancel: threading.Event) -> None:
        self._emit(Started(job_id, job))
        try:
            if isinstance(job, ReadTextJob):
                self._read_text(job_id, job)
                return
            describer = self._ensure_describer()
            if describer is None:
                self._emit(
                    Failed(job_id, self._load_error or _("The description model is not available."))
                )
                return
            result = run_request(
                describer,
                job.request,
                on_sentence=lambda s, i: self._emit(SentenceReady(job_id, s, i)),
                cancel=cancel,
                check=job.check,
                doubt_below=DOUBT_BELOW if job.show_doubt else None,
            )
            self._emit(Finished(job_id, result))
        except Cancelled:
            if not self._put_back(job_id, job):
                self._emit(Cancelled_(job_id))
        except DescribeError as exc:
            self._emit(Failed(job_id, str(exc)))
        except Exception as exc:
            log.exception("request %d failed", job_id)
            said = _("Something went wrong while describing ({error}).").format(error=exc)
            self._emit(Failed(job_id, said))

    def _put_back(self, job_id: int, job: Job) -> bool:
        """A background job set aside for a preparation waits to run again (True), unless
        a newer job took its place."""
        with self._cond:
            if not self._set_aside or self._pending is not None or self._closing:
                return False
            self._pending = (job_id, job)
            self._set_aside = False
            log.debug("job %d waits for a preparation", job_id)
            return True

    def _read_text(self, job_id: int, job: ReadTextJob) -> None:
        if job.lines is not None:
            self._emit(TextRead(job_id, job.lines, 0.0))
            return
        if self._reader is None:
            if self._reader_factory is None:
                self._emit(Failed(job_id, _("Text reading is not available.")))
                return
            self._reader = self._reader_factory()
        result = self._reader.read(job.picture.image)
        self._emit(TextRead(job_id, tuple(result.lines), result.seconds))

    def _emit(self, event: WorkerEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not kill the worker
            log.exception("event listener failed on %r", type(event).__name__)
