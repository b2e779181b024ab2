"""The describer protocol: a picture and a prompt in, streamed text out.

Implementations: the local vision-language model
(:mod:`describe_app.core.describe.local.vlm_describer`) and a server of the user's own
(:mod:`describe_app.core.describe.remote.remote_describer`). Callers never branch on
which one they hold.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from describe_app.core.describe.confidence import ConfidenceSink
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import Picture

#: Receives text as the model writes it (a few characters at a time).
TextSink = Callable[[str], None]


@dataclass(frozen=True)
class DescribeRequest:
    picture: Picture
    prompt: PromptSpec
    max_new_tokens: int | None = None  # None: the describer's default for the detail level
    #: False: a passing look (a region of a picture being explored). A describer keeps
    #: nothing of it for follow-ups, so it does not push out the picture talked about.
    remember: bool = True
    #: A describer that knows its tokens' probabilities calls this with their logarithms
    #: just before it hands out their text (set by the pipeline; see ``confidence``).
    on_confidence: ConfidenceSink | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class GenerationSettings:
    """Limits for one answer, the same for the local model and a server."""

    image_side: int | None = None  # None: the vision encoder's native size (512 for SmolVLM)
    max_new_tokens_brief: int = 160
    max_new_tokens_high: int = 450
    max_new_tokens_question: int = 200
    repetition_penalty: float = 1.1
    min_new_tokens: int = 0  # benchmarks force a fixed length; the app lets the model stop
    #: The longest one answer may take, in seconds from the call (0: no limit).
    answer_seconds: float = 60.0
    #: An answer stops at this many times its token limit, in tokens (a server that ignores
    #: ``max_tokens``) or in characters at CHARS_PER_TOKEN each (0: no cap).
    length_factor: float = 4.0


#: Characters allowed per token by the length cap (English averages about 4).
CHARS_PER_TOKEN = 8


class AnswerLimit(enum.Enum):
    """Why an answer was stopped before its end (see :class:`GenerationSettings`)."""

    DEADLINE = "deadline"
    LENGTH = "length"


@dataclass(frozen=True)
class GenerationStats:
    """What a describer reports about one run (seconds from the call, not the request)."""

    new_tokens: int
    preprocess_seconds: float
    first_token_seconds: float | None
    total_seconds: float
    cancelled: bool
    token_seconds: tuple[float, ...] = ()  # when each new token arrived
    stopped: AnswerLimit | None = None  # the answer was cut short by a limit
    #: seconds the vision encoder took in this call; None: it did not run (a server, or
    #: the picture's features were remembered from earlier work)
    vision_seconds: float | None = None
    picture_cached: bool = False  # the picture's features came from earlier work
    prepared_tokens: int = 0  # tokens of the answer written ahead, handed out at once
    #: prompt tokens not read again: the conversation so far, kept from the last answer
    prompt_tokens_kept: int = 0


@dataclass(frozen=True)
class PreparedWork:
    """What a preparation left ready (see :class:`Preparer`)."""

    first_sentence: str | None  # the answer's first sentence, cleaned; None: not written
    reused: bool  # all of it was ready already: nothing was done


class Describer(Protocol):
    """Anything that can describe a picture. One worker thread calls it at a time."""

    @property
    def model_name(self) -> str: ...

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        """Stream the answer into ``on_text``; stop within one step once ``cancel`` is set."""
        ...


@runtime_checkable
class Preparer(Protocol):
    """A describer that can do the expensive part of a request before it is made.

    Only the local model prepares: a server is never sent a picture the user did not ask
    about. The model worker calls this only while no request of the user's runs or waits.
    """

    def prepare(
        self,
        request: DescribeRequest,
        cancel: threading.Event,
        *,
        first_sentence: bool = True,
        after_vision: threading.Event | None = None,
    ) -> PreparedWork:
        """Encode the picture (and with ``first_sentence``, write the answer to the prompt
        until its first sentence ends), so that a later :meth:`Describer.describe` of it
        starts from there. Raises ``Cancelled`` within one layer once ``cancel`` is set,
        or right after the picture is encoded once ``after_vision`` is set."""
        ...
