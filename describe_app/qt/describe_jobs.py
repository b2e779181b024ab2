"""The job in hand: what the user asked for (:class:`JobKind`) and what it needs on the way.

The model worker only knows "describe this request" or "read this picture's text"; the
controller keeps, beside the id the worker gave, what the result is for: the heading shown
while it runs, the kind of history entry it becomes, the conversation it continues and
whether it is about a new picture.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from describe_app.core.describe.confidence import AnswerConfidence
from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import Detail
from describe_app.core.describe.worker import DescribeJob, Job, ReadTextJob
from describe_app.core.history.entry import EntryKind
from describe_app.core.pictures.images import Picture
from describe_app.qt.translate import N_, _


class JobKind(enum.Enum):
    DESCRIBE = "description"
    DESCRIBE_IN_DETAIL = "detailed description"
    READ_TEXT = "text"
    ANSWER = "answer"
    CHANGE = "change"

    @classmethod
    def describing(cls, detail: Detail) -> JobKind:
        return cls.DESCRIBE_IN_DETAIL if detail is Detail.HIGH else cls.DESCRIBE

    def heading(self) -> str:
        """Shown (not said) while the job runs, in the current language."""
        return _(_HEADINGS[self])

    @property
    def entry_kind(self) -> EntryKind:
        """The kind of history entry its result becomes."""
        return _ENTRY_KINDS[self]

    @property
    def describes_a_picture(self) -> bool:
        """A description of the whole picture (which the user may explore after it)."""
        return self in (JobKind.DESCRIBE, JobKind.DESCRIBE_IN_DETAIL)

    @property
    def needs_the_model(self) -> bool:
        """Waits for the description model (reading text does not)."""
        return self is not JobKind.READ_TEXT


_HEADINGS = {
    JobKind.DESCRIBE: N_("Describing..."),
    JobKind.DESCRIBE_IN_DETAIL: N_("Describing in detail..."),
    JobKind.READ_TEXT: N_("Reading the text..."),
    JobKind.ANSWER: N_("Answering..."),
    JobKind.CHANGE: N_("Looking at what changed..."),
}

_ENTRY_KINDS = {
    JobKind.DESCRIBE: EntryKind.DESCRIBE,
    JobKind.DESCRIBE_IN_DETAIL: EntryKind.DESCRIBE,
    JobKind.READ_TEXT: EntryKind.READ,
    JobKind.ANSWER: EntryKind.ASK,
    JobKind.CHANGE: EntryKind.DESCRIBE,
}


@dataclass
class JobInHand:
    """One job for the worker (:attr:`work`; ``job_id`` once submitted), and its progress."""

    kind: JobKind
    picture: Picture
    conversation: Conversation | None = None
    request: DescribeRequest | None = None
    question: str | None = None
    lead: str | None = None  # said before the model's first sentence
    #: its first words wait for what is still said (the next of several photos opened at
    #: once), instead of cutting it off
    after_last: bool = False
    by_user: bool = True  # False: a live mode's own, or a part of a picture (no exploring after it)
    is_part: bool = False  # a part of the picture in hand (exploring), not a new picture
    check: bool = False  # check the picture (dark, blurred) before describing it
    job_id: int = 0
    sentences: int = 0  # said so far
    confidence: AnswerConfidence | None = None  # how sure the model was (kept in the history)
    read_lines: tuple[str, ...] | None = None  # text read already (a screen's, pane by pane)

    @property
    def work(self) -> Job:
        """What the model worker is asked to do."""
        if self.kind is JobKind.READ_TEXT:
            return ReadTextJob(self.picture, self.read_lines)
        if self.request is None:
            raise ValueError(f"a {self.kind.value} job needs a request")
        return DescribeJob(self.request, check=self.check)

    @property
    def new_picture(self) -> bool:
        """About a picture of its own ("what changed" compares the next one with it)."""
        return self.kind is not JobKind.ANSWER and not self.is_part
