"""What happens when the user asks for something: which picture, which job.

The controller turns actions (describe, detailed, read text, ask, what changed, repeat,
stop, a photo opened) into jobs for the model worker (:class:`JobInHand`, of a
:class:`JobKind`); as a :class:`JobRunner` it hands them over and turns the worker's
events into the result view, speech, history and announcements. It owns no widget: the
window listens to its signals.

* The picture is the camera's newest frame when the camera is live, else the last photo.
* Questions keep the conversation about the last picture (:class:`Conversation`), or
  about the picture of a past result (:meth:`DescribeController.ask_about_entry`).
* "What changed" compares the new picture with the one before
  (:mod:`describe_app.core.describe.what_changed`).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import Detail, PromptSpec
from describe_app.core.describe.what_changed import NothingChanged, compare
from describe_app.core.history.entry import SOURCE_CAMERA, EntryKind, HistoryEntry
from describe_app.core.history.store import History
from describe_app.core.pictures.images import Picture
from describe_app.qt.announcer import Announcer
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.describe_job_runner import JobRunner
from describe_app.qt.describe_jobs import JobInHand, JobKind
from describe_app.qt.describe_pictures import camera_picture, frame_picture, take_picture
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.history_list import entry_time
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.translate import _

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class DescribeController(JobRunner):
    camera_changed = Signal()  # another camera, or none

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
        super().__init__(bridge, announcer, history, history_writer=history_writer, parent=parent)
        self._camera = camera
        self._language = language
        self._max_new_tokens = max_new_tokens
        self._check = check_pictures
        self._detail = detail
        self.photo: Picture | None = None

    @property
    def camera(self) -> CameraWorker | None:
        return self._camera

    @camera.setter
    def camera(self, camera: CameraWorker | None) -> None:
        """Another camera (or none): what was prepared from the old one is forgotten."""
        self._camera = camera
        self.pictures.forget()
        self.camera_changed.emit()

    # --- actions ------------------------------------------------------------------------------

    def set_options(
        self, *, language: str | None, check_pictures: bool, detail: Detail = Detail.BRIEF
    ) -> None:
        """Settings changed: the answer language, the picture check, the usual detail."""
        self._language = language
        self._check = check_pictures
        self._detail = detail

    def describe(self, detail: Detail | None = None) -> int | None:
        picture = take_picture(self.camera, self.photo, self._announcer, self.pictures)
        if picture is None:
            return None
        return self._describe_picture(picture, detail or self._detail)

    def describe_photo(
        self,
        picture: Picture,
        conversation: Conversation | None = None,
        *,
        lead: str | None = None,
        after_last: bool = False,
    ) -> int | None:
        """A photo was opened, pasted or dropped (or the screen captured: ``conversation``
        then has the screen's prompt): it becomes the current photo; describe it. ``lead``
        is said first; ``after_last``: after what is still said, not cutting it off (the
        next of several photos)."""
        self.photo = picture
        if self._bridge.is_ready:  # encoded at once, for the questions that follow too
            self.pictures.prepare(picture, self._prompt())
        return self._describe_picture(
            picture, self._detail, conversation=conversation, lead=lead, after_last=after_last
        )

    def prepare_view(self, frame: object, small: np.ndarray) -> bool:
        """A camera view settled: the model prepares it in the background, unless a request
        is in flight, the model is not ready or the policy says no. True if handed over."""
        if self._job is not None or not self._bridge.is_ready:
            return False
        return self.pictures.prepare_view(frame, small, self._prompt())

    def _prompt(self) -> PromptSpec:
        """What the describe key asks about a new picture."""
        return PromptSpec(detail=self._detail, language=self._language)

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
        if entry.kind not in (EntryKind.READ, EntryKind.CODE):  # not an earlier answer
            conversation.record(request, entry.text)
        self.conversation = conversation
        self.photo = picture
        self._announcer.announce(
            _("Ask your question about the picture from {time}.").format(
                time=_mid_sentence(entry_time(entry))  # "14:05", "yesterday at 14:05"
            )
        )
        return True

    def read_text(
        self, screen: Picture | None = None, lines: tuple[str, ...] | None = None
    ) -> int | None:
        """Read the text of the picture in hand (or of ``screen``, which becomes it; its
        ``lines`` when they were read already)."""
        self.photo = screen or self.photo
        picture = screen or take_picture(self.camera, self.photo, self._announcer)
        return None if picture is None else self._read_picture(picture, lines)

    def describe_frame(self, frame: object, *, source: str = SOURCE_CAMERA) -> int | None:
        """Hands-free: describe this camera frame (the one that settled), briefly; not while
        a request of the user's is in flight (it is not cut off)."""
        if self._user_request_in_flight():
            return None
        picture = camera_picture(frame, source, self._announcer, self.pictures)
        if picture is None:
            return None
        return self._describe_picture(picture, Detail.BRIEF, by_user=False)

    def read_frame(self, frame: object) -> int | None:
        """Reading guidance: the page is in view; read the text in this frame (not while a
        request of the user's is in flight: it is not cut off)."""
        if self._user_request_in_flight():
            return None
        picture = frame_picture(frame, SOURCE_CAMERA, self._announcer)
        return None if picture is None else self._read_picture(picture, by_user=False)

    def _user_request_in_flight(self) -> bool:
        """A key, a photo or a question of the user's is being answered: a live mode's own
        request waits for the next settled view rather than replace it."""
        job = self._job
        return job is not None and (job.by_user or job.is_part)

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
        after = take_picture(self.camera, self.photo, self._announcer)
        if after is None:
            return None
        before = self._subjects.before(after)
        if before is None:
            self._announcer.announce(
                _("There is no earlier picture to compare with. Take or open another one.")
            )
            return None
        change = compare(before, after, language=self._language)
        if isinstance(change, NothingChanged):
            if self._job is not None:
                self._bridge.cancel()
            self._remember_subject(after)
            self._job = None
            job = JobInHand(JobKind.CHANGE, after)
            self.result_started.emit(_("What changed"))
            self._say(job, change.sentence)
            self._finish(job, change.sentence)
            return None
        self.conversation = Conversation(after, language=self._language)
        request = self._limit(change.request)
        return self._submit(JobInHand(JobKind.CHANGE, after, request=request, lead=change.lead))

    def ask(self, question: str) -> int | None:
        question = question.strip()
        if not question:
            self._announcer.announce(_("Type a question first."))
            return None
        if self.conversation is None:
            self._announcer.announce(_("Describe a picture first, then ask about it."))
            return None
        request = self._limit(self.conversation.question_request(question))
        picture = self.conversation.picture
        return self._submit(
            JobInHand(JobKind.ANSWER, picture, self.conversation, request, question=question)
        )

    def repeat(self) -> None:
        if self.last_entry is None:
            self._announcer.announce(_("Nothing to repeat yet."))
            return
        self._announcer.say_result(self.last_entry.text, first=True)

    # --- the jobs they make -------------------------------------------------------------------

    def _describe_picture(
        self,
        picture: Picture,
        detail: Detail,
        *,
        by_user: bool = True,
        is_part: bool = False,
        conversation: Conversation | None = None,
        lead: str | None = None,
        after_last: bool = False,
    ) -> int | None:
        check = self._check and conversation is None  # a plain screen is no covered lens
        conversation = conversation or Conversation(picture, language=self._language)
        request = self._limit(conversation.describe_request(detail))
        kind = JobKind.describing(detail)
        return self._submit(
            JobInHand(
                kind,
                picture,
                conversation,
                request,
                lead=lead,
                by_user=by_user,
                is_part=is_part,
                check=check,
                after_last=after_last,
            )
        )

    def _read_picture(
        self, picture: Picture, lines: tuple[str, ...] | None = None, *, by_user: bool = True
    ) -> int | None:
        return self._submit(
            JobInHand(JobKind.READ_TEXT, picture, read_lines=lines, by_user=by_user)
        )

    def _limit(self, request: DescribeRequest) -> DescribeRequest:
        if self._max_new_tokens is None:
            return request
        return dataclasses.replace(request, max_new_tokens=self._max_new_tokens)


def _mid_sentence(words: str) -> str:
    """Words written to start a line, put inside a sentence ("Yesterday" -> "yesterday")."""
    return words[:1].lower() + words[1:]
