"""Limits on one answer, the same for every describer: a total deadline and a length cap.

A server that streams forever or ignores ``max_tokens``, or a model that rambles, must not
keep the user waiting. :class:`AnswerGuard` counts what arrives and says when to stop; the
describer then stops, keeps what arrived, and reports why in
:attr:`~describe_app.core.describe.describer.GenerationStats.stopped`, which the pipeline
turns into one sentence (:func:`stopped_sentence`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from describe_app.core.describe.describer import CHARS_PER_TOKEN, AnswerLimit, GenerationSettings
from describe_app.core.errors import DescribeError
from describe_app.core.i18n import _, ngettext

log = logging.getLogger(__name__)


class AnswerGuard:
    """Counts one answer as it streams (tokens and characters) against its limits."""

    def __init__(
        self,
        settings: GenerationSettings,
        max_new_tokens: int,
        start: float,
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.seconds = settings.answer_seconds
        self._deadline = start + self.seconds if self.seconds > 0 else math.inf
        factor = settings.length_factor
        self._max_tokens = math.ceil(factor * max_new_tokens) if factor > 0 else math.inf
        self._max_chars = self._max_tokens * CHARS_PER_TOKEN
        self._clock = clock
        self.tokens = 0
        self.chars = 0
        self.stopped: AnswerLimit | None = None

    def add_tokens(self, n: int = 1) -> None:
        self.tokens += n

    def admit(self, text: str) -> str:
        """The part of ``text`` within the character cap (counted as sent)."""
        room = self._max_chars - self.chars
        if len(text) >= room:
            text = text[: max(0, int(room))]
            self._stop(AnswerLimit.LENGTH)
        self.chars += len(text)
        return text

    def must_stop(self) -> bool:
        """True once a limit is reached (the deadline is checked against the clock now)."""
        if self.tokens >= self._max_tokens or self.chars >= self._max_chars:
            self._stop(AnswerLimit.LENGTH)
        elif self._clock() >= self._deadline:
            self._stop(AnswerLimit.DEADLINE)
        return self.stopped is not None

    def _stop(self, why: AnswerLimit) -> None:
        if self.stopped is None:
            self.stopped = why


def stopped_sentence(why: AnswerLimit, seconds: float) -> str:
    """The one sentence said after an answer stopped by a limit (``seconds``: how long it
    ran)."""
    if why is AnswerLimit.DEADLINE:
        n = max(1, round(seconds))
        text = ngettext(
            "The answer was stopped after {n} second.",
            "The answer was stopped after {n} seconds.",
            n,
        )
        return text.format(n=n)
    return _("The answer was stopped because it was too long.")


class AnswerCutOffError(DescribeError):
    """A failure after part of the answer was said: that part stays, this says the rest is
    missing and why. Keeps the exit code of the failure it wraps."""

    @classmethod
    def after(cls, exc: Exception) -> AnswerCutOffError:
        reason = str(exc).strip().rstrip(".") if isinstance(exc, DescribeError) else ""
        if not reason:
            log.error("the answer broke off", exc_info=exc)
            reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
        elif reason[1:2].islower():
            reason = reason[0].lower() + reason[1:]
        error = cls(_("The answer was cut off: {reason}.").format(reason=reason))
        error.exit_code = getattr(exc, "exit_code", cls.exit_code)
        return error
