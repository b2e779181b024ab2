"""What steers one ``generate`` call: text out as it decodes, and when to stop.

* :class:`DeltaStreamer` hands out each new piece of text the moment it decodes, and can
  start from an answer written ahead (:meth:`DeltaStreamer.resume`).
* :class:`CancelCriterion` ends generation between decoding steps once the cancel flag is
  set or an answer limit is reached; :class:`SentenceEnd` ends it once the first sentence
  is complete (a preparation writes only that much ahead).
* :class:`CancelHooks` checks the cancel flag before every transformer layer, so a newer
  request never waits for a whole vision encoder or prefill: only for one layer. Like the
  scores of :mod:`~describe_app.core.describe.local.token_scores`, it is added once per
  model (:func:`attach_once`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from describe_app.core.describe.answer_limits import AnswerGuard
from describe_app.core.describe.describer import TextSink
from describe_app.core.describe.prompts import tidy_sentence
from describe_app.core.errors import Cancelled
from describe_app.core.sentences import SentenceSplitter
from describe_app.core.untrusted_text import TextCleaner

log = logging.getLogger(__name__)


class StopFlag(Protocol):
    """A ``threading.Event``, or anything else that says whether to stop."""

    def is_set(self) -> bool: ...


class EitherFlag:
    """Set once any of its flags is set."""

    def __init__(self, *flags: StopFlag) -> None:
        self._flags = flags

    def is_set(self) -> bool:
        return any(flag.is_set() for flag in self._flags)


class _ModelHooks(Protocol):
    """Hooks made for one model: they add themselves to it."""

    def __init__(self, model: Any) -> None: ...


_Hooks = TypeVar("_Hooks", bound=_ModelHooks)


def attach_once(model: Any, attribute: str, kind: type[_Hooks]) -> _Hooks:
    """The ``kind`` kept on ``model`` as ``attribute``; made (``kind(model)``, which adds
    its hooks) and kept there the first time, so describers made later for the same model
    share it instead of adding the hooks again."""
    attached = getattr(model, attribute, None)
    if not isinstance(attached, kind):
        attached = kind(model)
        setattr(model, attribute, attached)
    return attached


class CancelHooks:
    """A check of the cancel flag before each transformer layer (vision and language).

    Added once per model (describers made later for the same model share it). The layers
    are found by their class names (``...EncoderLayer``/``...DecoderLayer``, and Qwen's
    ``...VisionBlock``), which transformers architectures use."""

    def __init__(self, model: Any) -> None:
        self.cancel: StopFlag | None = None  # the request in progress
        self.layers = 0
        for module in model.modules():
            if type(module).__name__.endswith(("EncoderLayer", "DecoderLayer", "VisionBlock")):
                module.register_forward_pre_hook(self._check)
                self.layers += 1

    @classmethod
    def of(cls, model: Any) -> CancelHooks:
        return attach_once(model, "_describe_cancel_hooks", cls)

    def _check(self, _module: Any, _args: Any) -> None:
        cancel = self.cancel
        if cancel is not None and cancel.is_set():
            raise Cancelled


class CancelCriterion:
    """A stopping criterion that ends generation once the cancel flag is set, or the answer
    reaches its deadline or length cap."""

    def __init__(self, cancel: StopFlag, guard: AnswerGuard) -> None:
        self._cancel = cancel
        self._guard = guard

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        stop = self._cancel.is_set() or self._guard.must_stop()
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class SentenceEnd:
    """Collects an answer's text as the user would hear it (cleaned, split as the pipeline
    splits it) and, as a stopping criterion, ends generation once a sentence is complete."""

    def __init__(self) -> None:
        self._cleaner = TextCleaner()
        self._splitter = SentenceSplitter()
        self.first_sentence: str | None = None

    def feed(self, text: str) -> None:
        for sentence in self._splitter.feed(self._cleaner.feed(text)):
            if self.first_sentence is None:
                self.first_sentence = tidy_sentence(sentence)

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        stop = self.first_sentence is not None
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class DeltaStreamer:
    """A transformers streamer that hands out each new piece of text as soon as it decodes.

    Unlike ``TextIteratorStreamer`` it does not wait for a space, and it needs no second
    thread. Partial UTF-8 characters (decoded as U+FFFD) are held back until complete.
    ``final_flush=False`` (a preparation that stops mid-answer) keeps them held back.
    """

    def __init__(
        self,
        tokenizer: Any,
        on_text: TextSink,
        start: float,
        on_first_token: Callable[[], None] | None = None,
        guard: AnswerGuard | None = None,
        *,
        final_flush: bool = True,
    ) -> None:
        self._guard = guard
        self._tokenizer = tokenizer
        self._on_first_token = on_first_token
        self._on_text = on_text
        self._start = start
        self._final_flush = final_flush
        self._prompt_seen = False
        self._resumed = False
        self._ids: list[int] = []
        self._emitted = ""
        self.new_tokens = 0
        self.first_token_seconds: float | None = None
        self.token_seconds: list[float] = []

    @property
    def token_ids(self) -> tuple[int, ...]:
        return tuple(self._ids)

    @property
    def text(self) -> str:
        """The text decoded so far, as the next piece will be measured against."""
        return self._emitted

    def resume(self, token_ids: tuple[int, ...], text: str, spoken: str) -> None:
        """Start from an answer written ahead: its text goes out now, as one piece, and
        counts as arriving now (the user hears it now)."""
        now = time.perf_counter() - self._start
        self.first_token_seconds = now
        self.token_seconds.extend([now] * len(token_ids))
        self.new_tokens += len(token_ids)
        if self._guard is not None:
            self._guard.add_tokens(len(token_ids))
        self._ids.extend(token_ids)
        self._emitted = text
        self._resumed = True
        self._send(spoken)

    def put(self, value: Any) -> None:
        if not self._prompt_seen:  # generate() first sends the prompt
            self._prompt_seen = True
            return
        ids = value.reshape(-1).tolist()
        now = time.perf_counter() - self._start
        if self.first_token_seconds is None:
            self.first_token_seconds = now
            if self._on_first_token is not None:
                self._on_first_token()  # the prompt is read: switch to decoding threads
        self.token_seconds.extend([now] * len(ids))
        self.new_tokens += len(ids)
        if self._guard is not None:
            self._guard.add_tokens(len(ids))
        self._ids.extend(ids)
        self._flush(final=False)

    def end(self) -> None:
        if self._final_flush:
            self._flush(final=True)

    def _flush(self, *, final: bool) -> None:
        text = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        if not final and text.endswith("\ufffd"):
            return
        if text.startswith(self._emitted):
            delta = text[len(self._emitted) :]
        else:  # a tokenizer that rewrites earlier text (rare): send only what is new
            if self._resumed:
                log.info("the answer written ahead decodes differently now; new text only")
            delta = text[len(self._emitted) :] if len(text) > len(self._emitted) else ""
        self._emitted = text
        self._send(delta.replace("\ufffd", ""))

    def _send(self, delta: str) -> None:
        if self._guard is not None:
            delta = self._guard.admit(delta)
        if delta:
            self._on_text(delta)
