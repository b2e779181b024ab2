"""What happens when the user asks for something: which picture, which job, what to say.

The controller turns actions (describe, detailed, read text, ask, repeat, stop, a photo
opened) into jobs for the model worker, and the worker's events into the result view,
speech, history and announcements. It owns no widget: the window listens to its signals.

* The picture is the camera's newest frame when the camera is live, else the last photo.
* A request made while the model loads is queued (and the user told so), not refused.
* Only the newest job's events reach the user (latest request wins in the worker too).
* Questions keep the conversation about the last picture (:class:`Conversation`), or
  about the picture of a past result (:meth:`DescribeController.ask_about_entry`).
* Each finished result is written to the :class:`History` store before it is shown in the
  list, so a crash loses nothing the user has seen; the writing happens on the history
  writer's thread (:class:`HistoryBridge`), never on the GUI thread. A failed write is said
  once (until a write succeeds again), and the result is shown all the same.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import Detail, PromptSpec
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    Job,
    LoadFailed,
    Loading,
    LoadProgress,
    ReadTextJob,
    Ready,
    SentenceReady,
    Started,
    TextRead,
    WorkerEvent,
)
from describe_app.core.errors import ImageError
from describe_app.core.history.store import (
    SOURCE_CAMERA,
    SOURCE_PASTED,
    EntryKind,
    History,
    HistoryEntry,
)
from describe_app.core.history.writer import AddEntry, Written
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.pictures.picture_regions import (
    Grid,
    cell_name,
    changed_cells,
    crop_cells,
    join_names,
)
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


@dataclass
class _JobInfo:
    job_id: int
    kind: str
    picture: Picture
    conversation: Conversation | None = None
    request: DescribeRequest | None = None
    sentences: int = 0
    question: str | None = None
    lead: str | None = None  # said before the model's first sentence
    by_user: bool = True  # False: hands-free or a part of a picture (no exploring after it)
    is_part: bool = False  # a part of the picture in hand (exploring), not a new picture


_ENTRY_KINDS = {
    "description": EntryKind.DESCRIBE,
    "detailed description": EntryKind.DESCRIBE,
    "text": EntryKind.READ,
    "answer": EntryKind.ASK,
    "change": EntryKind.DESCRIBE,
}

CHANGED_PART_QUESTION = (
    "This part of the view has just changed. In one or two short sentences, what is there now"
)
CHANGED_ALL_QUESTION = "The whole view has changed. In two short sentences, what is there now"


def history_source(source: str) -> str:
    """What the history keeps as the source: "camera", "pasted picture" or a file name."""
    if source in (SOURCE_CAMERA, SOURCE_PASTED):
        return source
    return Path(source).name or source


class DescribeController(QObject):
    result_started = Signal(str)  # a heading for the result view
    sentence_ready = Signal(str)
    result_finished = Signal(object)  # HistoryEntry
    picture_submitted = Signal(object)  # Picture: a job about this picture was just asked for
    picture_described = Signal(object)  # Picture: its description finished (explore it)

    def __init__(
        self,
        bridge: ModelBridge,
        announcer: Announcer,
        history: History,
        *,
        camera: CameraWorker | None = None,
        language: str | None = None,
        max_new_tokens: int | None = None,
        check_pictures: bool = True,
        detail: Detail = Detail.BRIEF,
        history_writer: HistoryBridge | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``history_writer`` writes ``history`` off the GUI thread (default: one of its own,
        which then belongs to this controller)."""
        super().__init__(parent)
        self._bridge = bridge
        self._announcer = announcer
        self.history = history
        self.camera = camera
        self._language = language
        self._max_new_tokens = max_new_tokens
        self._check = check_pictures
        self._detail = detail
        self.photo: Picture | None = None
        self.conversation: Conversation | None = None
        self.last_entry: HistoryEntry | None = None
        self._job: _JobInfo | None = None
        self._subjects: list[Picture] = []  # the last two pictures asked about ("what changed")
        self._load_failure: str | None = None  # the worker retries per request: say it once
        bridge.worker_event.connect(self.on_worker_event)
        self.history_writer = history_writer or HistoryBridge(history, parent=self)
        self._unwritten: dict[AddEntry, HistoryEntry] = {}  # results on their way to disk
        self._history_failing = False  # a failed write was said; say the next after a success
        self.history_writer.written.connect(self._on_history_written)

    @property
    def busy(self) -> bool:
        return self._job is not None

    # --- actions ------------------------------------------------------------------------------

    def set_options(
        self, *, language: str | None, check_pictures: bool, detail: Detail = Detail.BRIEF
    ) -> None:
        """Settings changed: the answer language, the picture check, the usual detail."""
        self._language = language
        self._check = check_pictures
        self._detail = detail

    def describe(self, detail: Detail | None = None) -> int | None:
        picture = self._take_picture()
        if picture is None:
            return None
        return self._describe_picture(picture, detail or self._detail)

    def describe_photo(self, picture: Picture) -> int | None:
        """A photo was opened, pasted or dropped: it becomes the current photo; describe it."""
        self.photo = picture
        return self._describe_picture(picture, self._detail)

    def ask_about_entry(self, entry: HistoryEntry) -> bool:
        """Make the picture of a past result the subject of the next questions, with that
        result as the conversation so far. False (and said) when its picture was not kept."""
        picture = self.history.load_picture(entry)
        if picture is None:
            self._announcer.announce(
                _("The picture of this result was not kept, so it cannot be asked about.")
            )
            return False
        conversation = Conversation(picture, language=self._language)
        if entry.kind is EntryKind.ASK and entry.question:
            request = conversation.question_request(entry.question)
        else:
            request = conversation.describe_request(self._detail)
        if entry.kind is not EntryKind.READ:
            conversation.record(request, entry.text)
        self.conversation = conversation
        self.photo = picture
        self._announcer.announce(
            _("Ask your question about the picture from {time}.").format(
                time=entry.when().strftime("%H:%M")
            )
        )
        return True

    def read_text(self) -> int | None:
        picture = self._take_picture()
        if picture is None:
            return None
        return self._submit(ReadTextJob(picture), _JobInfo(0, "text", picture))

    def describe_frame(self, frame: object, *, source: str = SOURCE_CAMERA) -> int | None:
        """Hands-free: describe this camera frame (the one that settled), briefly."""
        picture = self._frame_picture(frame, source)
        if picture is None:
            return None
        return self._describe_picture(picture, Detail.BRIEF, by_user=False)

    def read_frame(self, frame: object) -> int | None:
        """Reading guidance: the page is in view; read the text in this frame."""
        picture = self._frame_picture(frame, SOURCE_CAMERA)
        if picture is None:
            return None
        return self._submit(ReadTextJob(picture), _JobInfo(0, "text", picture))

    def describe_part(self, picture: Picture) -> int | None:
        """Describe a part of a picture (a crop, its source naming the part) in detail."""
        return self._describe_picture(picture, Detail.HIGH, by_user=False, is_part=True)

    def what_changed(self) -> int | None:
        """Compare a new picture with the one before it and describe the parts that changed.

        The new picture is the camera's newest frame (or, with no camera, the photo in
        hand); the one before is the last picture asked about that is not this one."""
        if not self._subjects:
            self._announcer.announce(
                _("Take a picture first. Then this compares the next picture with it.")
            )
            return None
        after = self._take_picture()
        if after is None:
            return None
        earlier = [p for p in self._subjects if p is not after]
        if not earlier:
            self._announcer.announce(
                _("There is no earlier picture to compare with. Take or open another one.")
            )
            return None
        before = earlier[-1]
        grid = Grid()
        cells = changed_cells(before, after, grid)
        if not cells:
            if self._job is not None:
                self._bridge.cancel()
            self._remember_subject(after)
            self._job = None
            info = _JobInfo(0, "change", after)
            nothing = _("Nothing has changed since the last picture.")
            self.result_started.emit(_("What changed"))
            self._on_sentence_of(info, nothing)
            self._finish(info, nothing)
            return None
        self.conversation = Conversation(after, language=self._language)
        if len(cells) == len(grid.cells()):
            lead = _("Everything changed.")
            part = after
            question = CHANGED_ALL_QUESTION
        else:
            names = [cell_name(grid, c) for c in sorted(cells)]
            lead = _("Changed: {parts}.").format(parts=join_names(names))
            part = crop_cells(after, grid, cells, label=join_names(names))
            question = CHANGED_PART_QUESTION
        request = self._limit(
            DescribeRequest(part, PromptSpec(question=question, language=self._language))
        )
        info = _JobInfo(0, "change", after, request=request, lead=lead)
        return self._submit(DescribeJob(request, check=False), info)

    def ask(self, question: str) -> int | None:
        question = question.strip()
        if not question:
            self._announcer.announce(_("Type a question first."))
            return None
        if self.conversation is None:
            self._announcer.announce(_("Describe a picture first, then ask about it."))
            return None
        request = self._limit(self.conversation.question_request(question))
        info = _JobInfo(
            0, "answer", self.conversation.picture, self.conversation, request, question=question
        )
        return self._submit(DescribeJob(request, check=False), info)

    def repeat(self) -> None:
        if self.last_entry is None:
            self._announcer.announce(_("Nothing to repeat yet."))
            return
        self._announcer.say_result(self.last_entry.text, first=True)

    def stop(self) -> None:
        """Escape: cancel the job in flight and stop speaking."""
        self._announcer.stop_speaking()
        if self._job is not None:
            self._bridge.cancel()

    def model_replaced(self) -> None:
        """Another model or server is loading: its loading and any failure are said anew."""
        self._load_failure = None

    # --- inside ---------------------------------------------------------------------------------

    def _describe_picture(
        self, picture: Picture, detail: Detail, *, by_user: bool = True, is_part: bool = False
    ) -> int | None:
        conversation = Conversation(picture, language=self._language)
        request = self._limit(conversation.describe_request(detail))
        kind = "detailed description" if detail is Detail.HIGH else "description"
        info = _JobInfo(0, kind, picture, conversation, request, by_user=by_user, is_part=is_part)
        return self._submit(DescribeJob(request, check=self._check), info)

    def _frame_picture(self, frame: object, source: str) -> Picture | None:
        try:
            picture = picture_from_frame(frame, source=source)  # type: ignore[arg-type]
        except ImageError as exc:
            self._announcer.announce(str(exc))
            return None
        self._announcer.earcon(Earcon.PICTURE_TAKEN)
        return picture

    def _take_picture(self) -> Picture | None:
        frame = self.camera.latest_frame() if self.camera is not None else None
        if frame is not None:
            try:
                picture = picture_from_frame(frame, source="camera")
            except ImageError as exc:
                self._announcer.announce(str(exc))
                return None
            self._announcer.earcon(Earcon.PICTURE_TAKEN)
            return picture
        if self.photo is not None:
            return self.photo
        self._announcer.announce(
            _("There is no picture yet. Open a photo with Control+O, or connect a camera.")
        )
        return None

    def _limit(self, request: DescribeRequest) -> DescribeRequest:
        if self._max_new_tokens is None:
            return request
        return dataclasses.replace(request, max_new_tokens=self._max_new_tokens)

    def _submit(self, job: Job, info: _JobInfo) -> int | None:
        try:
            info.job_id = self._bridge.submit(job)
        except RuntimeError:  # the worker is closed: the window is shutting down
            return None
        self._job = info
        if info.kind != "answer" and not info.is_part:
            self._remember_subject(info.picture)
        if not self._bridge.is_ready and isinstance(job, DescribeJob):
            self._announcer.announce(
                _("The model is still loading. Your picture will be described when it is ready.")
            )
        return info.job_id

    def _remember_subject(self, picture: Picture) -> None:
        if self._subjects and self._subjects[-1] is picture:
            return
        self._subjects = [*self._subjects[-1:], picture]
        self.picture_submitted.emit(picture)

    def _is_current(self, job_id: int) -> bool:
        return self._job is not None and self._job.job_id == job_id

    @Slot(object)
    def on_worker_event(self, event: WorkerEvent) -> None:
        if isinstance(event, Loading):
            if self._load_failure is None:
                self._announcer.announce(_("Loading the description model."))
        elif isinstance(event, LoadProgress):
            # the start and the end of a download are said; the progress between is shown
            # in the status line, which a screen reader reads on request
            spoken = event.fraction is None or event.fraction >= 1.0
            self._announcer.announce(event.message, speak=spoken)
        elif isinstance(event, Ready):
            self._load_failure = None
            self._announcer.announce(_("Ready."))
        elif isinstance(event, LoadFailed):
            if event.message != self._load_failure:
                self._load_failure = event.message
                self._announcer.announce(event.message, interrupt=True)
        elif isinstance(event, Started) and self._is_current(event.job_id):
            self._on_started()
        elif isinstance(event, SentenceReady) and self._is_current(event.job_id):
            self._on_sentence(event.sentence)
        elif isinstance(event, Finished) and self._is_current(event.job_id):
            self._on_finished(event)
        elif isinstance(event, TextRead) and self._is_current(event.job_id):
            self._on_text_read(event)
        elif isinstance(event, Cancelled_) and self._is_current(event.job_id):
            self._job = None
            self._announcer.announce(_("Stopped."), speak=False)
        elif isinstance(event, Failed) and self._is_current(event.job_id):
            self._job = None
            self._announcer.earcon(Earcon.ERROR)
            self._announcer.clear_status()  # a failed request is always said
            self._announcer.announce(event.message, interrupt=True)

    def _on_started(self) -> None:
        assert self._job is not None
        heading = {
            "description": _("Describing..."),
            "detailed description": _("Describing in detail..."),
            "text": _("Reading the text..."),
            "answer": _("Answering..."),
            "change": _("Looking at what changed..."),
        }[self._job.kind]
        self._announcer.announce(heading, speak=False)
        self.result_started.emit(heading)
        if self._job.lead:
            self._on_sentence_of(self._job, self._job.lead)

    def _on_sentence(self, sentence: str) -> None:
        assert self._job is not None
        self._on_sentence_of(self._job, sentence)

    def _on_finished(self, event: Finished) -> None:
        info = self._job
        assert info is not None
        self._job = None
        result = event.result
        if info.sentences == 0:  # nothing streamed (should not happen): show it all now
            for sentence in result.sentences:
                self._on_sentence_of(info, sentence)
        if info.conversation is not None and info.request is not None:
            if result.picture_problem is None:
                info.conversation.record(info.request, result.text)
            self.conversation = info.conversation
        described = info.kind in ("description", "detailed description")
        if described and info.by_user and result.picture_problem is None:
            self.picture_described.emit(info.picture)
        self._finish(info, f"{info.lead} {result.text}" if info.lead else result.text)

    def _on_text_read(self, event: TextRead) -> None:
        info = self._job
        assert info is not None
        self._job = None
        lines = list(event.lines) or [_("No text found.")]
        for line in lines:
            self._on_sentence_of(info, line)
        self._finish(info, "\n".join(lines))

    def _on_sentence_of(self, info: _JobInfo, sentence: str) -> None:
        first = info.sentences == 0
        info.sentences += 1
        self.sentence_ready.emit(sentence)
        self._announcer.say_result(sentence, first=first)

    def _finish(self, info: _JobInfo, text: str) -> None:
        """The result is complete: Control+R repeats it at once; the history writer stores it
        and ``result_finished`` follows once it is on disk (:meth:`_on_history_written`)."""
        source = history_source(info.picture.source)
        kind = _ENTRY_KINDS[info.kind]
        # Stands for the result until the store returns the entry it wrote.
        entry = HistoryEntry(
            id=uuid.uuid4().hex,
            time=datetime.now().astimezone().isoformat(timespec="seconds"),
            source=source,
            kind=kind,
            text=text,
            question=info.question,
        )
        self.last_entry = entry
        self._announcer.announce(_("Done."), speak=False)
        try:
            operation = self.history_writer.add(
                source=source, kind=kind, text=text, question=info.question, picture=info.picture
            )
        except RuntimeError:  # the writer is closed: the window is shutting down
            self.result_finished.emit(entry)
            return
        self._unwritten[operation] = entry

    @Slot(object)
    def _on_history_written(self, done: Written) -> None:
        """A history change is on disk (or failed): show a result of ours; say a failure."""
        if done.error is None:
            self._history_failing = False
        elif not self._history_failing:
            self._history_failing = True
            self._announcer.announce(_history_failure(done))
        if not isinstance(done.operation, AddEntry):
            return
        waiting = self._unwritten.pop(done.operation, None)
        if waiting is None:
            return  # not a result of this controller
        entry = done.entry or waiting
        if self.last_entry is waiting:
            self.last_entry = entry
        self.result_finished.emit(entry)


def _history_failure(done: Written) -> str:
    """What to tell the user when a history write failed, in one plain sentence."""
    error = done.error
    reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
    if isinstance(done.operation, AddEntry):
        return _("This result could not be saved in the history: {reason}.").format(reason=reason)
    return _("The history could not be changed on disk: {reason}.").format(reason=reason)
