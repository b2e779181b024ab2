"""The job in flight: handed to the model worker, and its events turned into what the user hears.

:class:`JobRunner` is the half of the describe controller that talks to the model worker
(:class:`~describe_app.qt.describe_controller.DescribeController` adds the user's actions):

* It submits one :class:`JobInHand` at a time; a request made while the model loads is
  queued (and the user told so), not refused.
* Only the newest job's events reach the user (latest request wins in the worker too):
  its heading, each sentence as it comes (shown and said), the answer recorded in the
  conversation, and the finished result kept in the history by :class:`ResultKeeper`, shown
  once it is on disk.
* The model's loading is said by :class:`ModelStatus`; a prepared picture goes to the
  :class:`PictureKeeper`, never said.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.what_changed import RecentPictures
from describe_app.core.describe.worker import (
    Cancelled_,
    Failed,
    Finished,
    Prepared,
    Ready,
    SentenceReady,
    Started,
    TextRead,
    WorkerEvent,
)
from describe_app.core.history.entry import HistoryEntry
from describe_app.core.history.store import History
from describe_app.core.pictures.images import Picture
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.describe_jobs import JobInHand
from describe_app.qt.describe_model_status import MODEL_EVENTS, ModelStatus
from describe_app.qt.describe_prepare import PictureKeeper
from describe_app.qt.describe_results import ResultKeeper
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class JobRunner(QObject):
    result_started = Signal(str)  # a heading for the result view
    sentence_ready = Signal(str)
    result_finished = Signal(object)  # HistoryEntry, once it is in the history
    picture_submitted = Signal(object)  # Picture: a job about this picture was just asked for
    picture_described = Signal(object)  # Picture: its description finished (explore it)
    idle = Signal()  # no job in flight (a view that settled meanwhile may be prepared now)
    failed = Signal()  # the job in flight failed (its sentence was said)

    def __init__(
        self,
        bridge: ModelBridge,
        announcer: Announcer,
        history: History,
        *,
        history_writer: HistoryBridge | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``history_writer`` writes ``history`` off the GUI thread (default: one of its own,
        which then belongs to this runner)."""
        super().__init__(parent)
        self._bridge = bridge
        self._announcer = announcer
        self.history = history
        self.pictures = PictureKeeper(bridge)  # the prepared (or last asked-about) view
        self.conversation: Conversation | None = None
        self._job: JobInHand | None = None
        self._subjects = RecentPictures()  # the last two pictures asked about
        self._model_status = ModelStatus(announcer)
        bridge.worker_event.connect(self.on_worker_event)
        self.results = ResultKeeper(history, announcer, history_writer, parent=self)
        self.results.stored.connect(self.result_finished)
        self.history_writer = self.results.writer

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def last_entry(self) -> HistoryEntry | None:
        """The newest result (Control+R says it again)."""
        return self.results.last_entry

    def stop(self) -> None:
        """Escape: cancel the job in flight and stop speaking."""
        self._announcer.stop_speaking()
        if self._job is not None:
            self._bridge.cancel()

    def model_replaced(self) -> None:
        """Another model or server is loading: its loading and any failure are said anew."""
        self._model_status.model_replaced()
        self.pictures.forget()  # the new worker has prepared nothing

    # --- asking the worker --------------------------------------------------------------------

    def _submit(self, job: JobInHand) -> int | None:
        try:
            job.job_id = self._bridge.submit(job.work)
        except RuntimeError:  # the worker is closed: the window is shutting down
            return None
        self._job = job
        if job.new_picture:
            self._remember_subject(job.picture)
        if not (self._bridge.is_ready or self._bridge.stays_stopped) and job.kind.needs_the_model:
            self._announcer.announce(
                _("The model is still loading. Your picture will be described when it is ready.")
            )
        return job.job_id

    def _remember_subject(self, picture: Picture) -> None:
        if self._subjects.remember(picture):
            self.picture_submitted.emit(picture)

    # --- what the worker says -----------------------------------------------------------------

    @Slot(object)
    def on_worker_event(self, event: WorkerEvent) -> None:
        if isinstance(event, Prepared):
            self.pictures.on_prepared(event)  # background work: never said
            return
        if isinstance(event, MODEL_EVENTS):
            self._model_status.on_event(event)
            if isinstance(event, Ready) and self._job is None:
                self.idle.emit()
            return
        job = self._job
        if job is None or job.job_id != event.job_id:
            return  # a job replaced since: the newest request wins
        match event:
            case Started():
                self._on_started(job)
            case SentenceReady(sentence=sentence):
                self._say(job, sentence)
            case Finished():
                self._job = None
                self._on_finished(job, event)
            case TextRead(lines=lines):
                self._job = None
                said = list(lines) or [_("No text found.")]
                for line in said:
                    self._say(job, line)
                self._finish(job, "\n".join(said))
            case Cancelled_():
                self._job = None
                self._announcer.announce(_("Stopped."), speak=False)
            case Failed(message=message):
                self._job = None
                self._announcer.earcon(Earcon.ERROR)
                self._announcer.clear_status()  # a failed request is always said
                # after words of a cut-off answer, the sentence waits its turn behind them
                self._announcer.announce(message, interrupt=job.sentences == 0)
                self.failed.emit()
        if self._job is None:
            self.idle.emit()

    def _on_started(self, job: JobInHand) -> None:
        heading = job.kind.heading()
        self._announcer.announce(heading, speak=False)
        self.result_started.emit(heading)
        if job.lead:
            self._say(job, job.lead)

    def _on_finished(self, job: JobInHand, event: Finished) -> None:
        result = event.result
        if job.sentences == 0:  # nothing streamed (should not happen): show it all now
            for sentence in result.sentences:
                self._say(job, sentence)
        if job.conversation is not None and job.request is not None:
            if result.picture_problem is None:
                job.conversation.record(job.request, result.text)
            self.conversation = job.conversation
        if job.kind.describes_a_picture and job.by_user and result.picture_problem is None:
            self.picture_described.emit(job.picture)
        job.confidence = result.confidence
        self._finish(job, f"{job.lead} {result.text}" if job.lead else result.text)

    def _say(self, job: JobInHand, sentence: str) -> None:
        first = job.sentences == 0 and not job.after_last
        job.sentences += 1
        self.sentence_ready.emit(sentence)
        self._announcer.say_result(sentence, first=first)

    def _finish(self, job: JobInHand, text: str) -> None:
        """The result is complete: kept for Control+R at once, shown once in the history."""
        self.results.keep(job.picture, job.kind.entry_kind, text, job.question, job.confidence)
